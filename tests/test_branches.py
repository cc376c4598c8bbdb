"""An ``if`` the analysis cannot decide runs both arms, each from the state
before it, and joins them: a variable the arms set differently may be
either, and each arm's arithmetic is read as a cell of its own."""

from __future__ import annotations

from conftest import lint, summary

HEADER = "import tensorflow.compat.v1 as tf\n\n\n"

CELL = """
    for x in inputs:
        i, f, g, o = tf.split(tf.matmul(x, W) + tf.matmul(h, U) + b, 4, axis=1)
        c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""

GOOD_U = '    U = tf.get_variable("U", [n, 4 * n], initializer=tf.orthogonal_initializer())\n'
GOOD_B = '    b = tf.get_variable("b", [4 * n], initializer=tf.zeros_initializer())\n'


def test_a_weight_created_in_either_arm_is_reported_from_both():
    source = HEADER + """def layer(inputs, h, c, n, first):
    if first:
        W = tf.get_variable("W_in", [300, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
    else:
        W = tf.get_variable("W_deep", [n, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
""" + GOOD_U + GOOD_B + CELL
    findings = lint(source)
    assert [(f.code, f.weight, f.span.line) for f in findings] == [("LST002", "W", 6), ("LST002", "W", 8)]


def test_the_arm_that_returns_leaves_the_other_to_go_on():
    """``if ...: return`` in one arm: after the if only the other arm's values hold."""
    source = HEADER + """def layer(inputs, h, c, n, skip):
    W = tf.get_variable("W", [300, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
    if skip:
        return h, c
    else:
        U = tf.get_variable("U", [n, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
""" + GOOD_B + CELL
    assert summary(source) == [("LST002", "input_kernel", "W"), ("LST001", "recurrent_kernel", "U")]


def test_a_state_unpacked_in_one_arm_and_split_in_the_other_is_the_previous_state_either_way():
    source = HEADER + """def step(x, state, n, state_is_tuple):
    W = tf.get_variable("W", [300, 4 * n])
    U = tf.get_variable("U", [n, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
""" + GOOD_B + """    if state_is_tuple:
        c, h = state
    else:
        c, h = tf.split(state, 2, axis=1)
    i, f, g, o = tf.split(tf.matmul(x, W) + tf.matmul(h, U) + b, 4, axis=1)
    c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, (c, h)
"""
    findings = lint(source)
    assert [(f.code, f.role.value, f.weight) for f in findings] == [("LST001", "recurrent_kernel", "U")]
    assert any("is unpacked from `state` together with the previous cell state" in line for line in findings[0].evidence)


def test_constants_keep_the_later_arm_as_before():
    """Sizes and flags are not joined: the later arm's constant is the size a message states."""
    source = HEADER + """def layer(inputs, h, c, big):
    if big:
        n = 512
    else:
        n = 64
    W = tf.get_variable("W", [300, 4 * n])
    U = tf.get_variable("U", [n, 4 * n], initializer=tf.random_normal_initializer(stddev=0.1))
""" + GOOD_B + CELL
    (finding,) = lint(source)
    assert finding.code == "LST001" and "at its 64 units" in finding.message
