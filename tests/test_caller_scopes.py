"""Initialiser scopes set by a caller (issue 13, item 6): a
``variable_scope(initializer=...)`` opened around the call that runs a cell
(``tf.nn.dynamic_rnn``, ``static_rnn``, ``keras.layers.RNN``, wrapped in
``MultiRNNCell``) reaches the cell's ``get_variable`` calls that take no
initializer; without one the TF1 default (glorot_uniform) stands."""

from __future__ import annotations

import pytest

from lstm_init_lint.engine import lint_source
from lstm_init_lint.model import Settings

CELL = '''\
import tensorflow.compat.v1 as tf


class Cell(tf.nn.rnn_cell.RNNCell):
    def __init__(self, units):
        self.units = units

    def __call__(self, x, state, scope=None):
        c, h = state
        with tf.variable_scope(scope or "cell"):
            W = tf.get_variable("W", [16, 4 * self.units])
            U = tf.get_variable("U", [self.units, 4 * self.units], initializer=tf.orthogonal_initializer())
            b = tf.get_variable("b", [4 * self.units], initializer=tf.zeros_initializer())
        i, j, f, o = tf.split(tf.matmul(x, W) + tf.matmul(h, U) + b, 4, axis=1)
        c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (c, h)


def build(inputs):
{body}
'''


def _lint(body: str):
    source = CELL.format(body="\n".join("    " + line for line in body.splitlines()))
    return lint_source(source.encode(), "cell.py", Settings())


@pytest.mark.parametrize(
    "body",
    [
        'cell = Cell(8)\nwith tf.variable_scope("rnn", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n    return tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)',
        'cell = Cell(8)\nwith tf.variable_scope("rnn", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n    return tf.nn.static_rnn(cell, inputs, dtype=tf.float32)',
        'with tf.variable_scope("rnn", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n'
        '    stack = tf.nn.rnn_cell.MultiRNNCell([Cell(8) for _ in range(2)])\n    return tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)',
        'cell = Cell(8)\nwith tf.variable_scope("rnn", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n    return tf.keras.layers.RNN(cell)(inputs)',
        'cell = Cell(8)\nwith tf.variable_scope("model", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n'
        '    with tf.variable_scope("rnn"):\n        return tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)',
        # the scope around a helper in another function that runs the cell
        'def run(cell, x):\n    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n'
        'with tf.variable_scope("rnn", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n    return run(Cell(8), inputs)',
    ],
    ids=["dynamic_rnn", "static_rnn", "multi_rnn_cell", "keras_rnn", "outer_scope", "helper_function"],
)
def test_the_callers_scope_initializer_reaches_the_cells_variables(body):
    findings = _lint(body).findings
    assert [(f.code, f.weight) for f in findings] == [("LST002", "W")]
    assert findings[0].current.name == "random_uniform"
    assert "(from the enclosing variable_scope)" in findings[0].message


@pytest.mark.parametrize(
    "body",
    [
        'cell = Cell(8)\nwith tf.variable_scope("rnn"):\n    return tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)',
        'cell = Cell(8)\nreturn tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)',
        # the scope is closed before the cell runs
        'cell = Cell(8)\nwith tf.variable_scope("rnn", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n    pass\nreturn tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)',
    ],
    ids=["scope_without_initializer", "no_scope", "scope_closed_before"],
)
def test_without_such_a_scope_the_tf1_default_stands(body):
    assert _lint(body).findings == ()
