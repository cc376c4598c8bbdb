"""A helper that creates a weight makes one per call; an ``if`` the analysis
can decide runs only its live arm; a ``return`` surely reached ends the body."""

from __future__ import annotations

import pytest
from conftest import lint, summary

HEADER = "import tensorflow.compat.v1 as tf\n\n"

LINEAR = """
def linear(args, size, scope, stddev):
    with tf.variable_scope(scope):
        w = tf.get_variable("w", [int(args.get_shape()[1]), size], initializer=tf.random_normal_initializer(stddev=stddev))
    return tf.matmul(args, w)

"""


def test_each_call_of_a_creating_helper_is_a_weight_with_its_own_role():
    source = HEADER + LINEAR + """
def step(x, h, c, n):
    i, f, g, o = tf.split(linear(x, 4 * n, "x", 0.1) + linear(h, 4 * n, "h", 0.1), 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""
    findings = lint(source)
    assert [(f.code, f.role.value, f.span.line, f.span.column, f.instance) for f in findings] == [
        ("LST002", "input_kernel", 11, 27, 'linear(x, 4 * n, "x", 0.1)'),
        ("LST001", "recurrent_kernel", 11, 56, 'linear(h, 4 * n, "h", 0.1)'),
    ]
    assert all("via linear() (line 6)" in f.message for f in findings)


def test_calls_that_make_the_same_kind_of_weight_stay_one_weight_at_the_helper():
    """Two layers calling one cell: the same statement, the same roles, one
    finding each, where the weight is created (as without layers)."""
    source = HEADER + """
def cell(x, h, c, n, scope):
    with tf.variable_scope(scope):
        w = tf.get_variable("w", [int(x.get_shape()[1]), 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
        u = tf.get_variable("u", [n, 4 * n], initializer=tf.orthogonal_initializer())
    i, f, g, o = tf.split(tf.matmul(x, w) + tf.matmul(h, u), 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c


def two_layers(x, h1, c1, h2, c2, n):
    h1, c1 = cell(x, h1, c1, n, "layer1")
    h2, c2 = cell(h1, h2, c2, n, "layer2")
    return h2, c2
"""
    findings = lint(source)
    assert [(f.code, f.weight, f.span.line) for f in findings] == [("LST002", "w", 6)]


def test_only_the_live_arm_of_a_decided_test_runs():
    source = HEADER + """
def step(x, h, c, n, careful=True):
    if careful:
        u = tf.get_variable("u", [n, 4 * n], initializer=tf.orthogonal_initializer())
    else:
        u = tf.get_variable("u", [n, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
    w = tf.get_variable("w", [3, 4 * n])
    i, f, g, o = tf.split(tf.matmul(x, w) + tf.matmul(h, u), 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""
    assert summary(source) == []
    assert summary(source.replace("careful=True", "careful=False")) == [("LST001", "recurrent_kernel", "u")]


DECIDED = HEADER + """
def step(x, h, c, n):
    args = [x, h]
    if {test}:
        u = tf.get_variable("u", [n, 4 * n], initializer=tf.orthogonal_initializer())
    else:
        u = tf.get_variable("u", [n, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
    w = tf.get_variable("w", [3, 4 * n])
    i, f, g, o = tf.split(tf.matmul(x, w) + tf.matmul(h, u), 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""


@pytest.mark.parametrize(
    ("test", "live_arm_deviates"),
    [
        ("True", False),
        ("False", True),
        ("len(args) == 2", False),
        ("len(args) == 1", True),
        ("isinstance(args, list)", False),
        ("not isinstance(args, (list, tuple))", True),
    ],
)
def test_constant_len_and_isinstance_tests_run_only_the_live_arm(test, live_arm_deviates):
    # issue 13, item 4: ``if True:`` no longer runs both arms with the later winning
    assert summary(DECIDED.format(test=test)) == ([("LST001", "recurrent_kernel", "u")] if live_arm_deviates else [])
