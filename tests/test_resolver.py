"""Names are resolved through the module's imports, not matched as text."""

from __future__ import annotations

import pytest
from conftest import summary

CELL = '''
{imports}


class Cell:
    def __init__(self, n_in, units):
        self.W = {tf}.Variable({tf}.random.normal([n_in, 4 * units], stddev=0.1))
        self.U = {tf}.Variable({tf}.random.normal([units, 4 * units], stddev=0.1))
        self.b = {tf}.Variable({tf}.zeros([4 * units]))

    def __call__(self, x, state):
        h, c = state
        z = {matmul}(x, self.W) + {matmul}(h, self.U) + self.b
        i, f, g, o = {tf}.split(z, 4, axis=1)
        c = {sigmoid}(f) * c + {sigmoid}(i) * {tanh}(g)
        h = {sigmoid}(o) * {tanh}(c)
        return h, (h, c)
'''

EXPECTED = [("LST002", "input_kernel", "self.W"), ("LST001", "recurrent_kernel", "self.U"), ("LST004", "bias", "self.b")]


@pytest.mark.parametrize(
    ("imports", "names"),
    [
        ("import tensorflow as tf", {}),
        ("import tensorflow as T", {"tf": "T"}),
        ("import tensorflow.compat.v2 as tf", {}),
        ("import tensorflow as tf\ntf = tf.compat.v2", {}),
        ("import tensorflow as tf\nfrom tensorflow import sigmoid, tanh, matmul", {"sigmoid": "sigmoid", "tanh": "tanh", "matmul": "matmul"}),
        ("import tensorflow as tf\nfrom tensorflow.math import sigmoid as sg, tanh as th", {"sigmoid": "sg", "tanh": "th"}),
        ("import tensorflow as tf\nfrom tensorflow.keras import backend as K", {"matmul": "K.dot", "sigmoid": "K.sigmoid", "tanh": "K.tanh"}),
        ("import tensorflow as tf\nfrom keras import ops", {"matmul": "ops.matmul", "sigmoid": "ops.sigmoid", "tanh": "ops.tanh"}),
        ("import tensorflow as tf\nimport keras", {"matmul": "keras.ops.matmul", "sigmoid": "keras.activations.sigmoid", "tanh": "keras.ops.tanh"}),
    ],
)
def test_import_spellings(imports, names):
    fields = {"imports": imports, "tf": names.get("tf", "tf"), "matmul": names.get("matmul", f"{names.get('tf', 'tf')}.matmul")}
    fields["sigmoid"] = names.get("sigmoid", f"{fields['tf']}.sigmoid")
    fields["tanh"] = names.get("tanh", f"{fields['tf']}.tanh")
    assert summary(CELL.format(**fields)) == EXPECTED


def test_a_name_that_only_looks_like_tensorflow_is_not_resolved():
    """`tf` here is some other library: its Variable and random.normal are
    not TensorFlow's, so no weight is created and nothing is reported."""
    source = CELL.format(imports="import mylib as tf", tf="tf", matmul="tf.matmul", sigmoid="tf.sigmoid", tanh="tf.tanh")
    assert summary(source) == []


def test_tf1_names_through_compat_v1():
    source = """
import tensorflow.compat.v1 as tf


def cell(x, h, c, units):
    W = tf.get_variable("W", [x.shape[-1] + units, 4 * units], initializer=tf.random_normal_initializer())
    b = tf.get_variable("b", [4 * units], initializer=tf.zeros_initializer())
    i, j, f, o = tf.split(tf.matmul(tf.concat([x, h], 1), W) + b, 4, 1)
    new_c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.tanh(j)
    return tf.sigmoid(o) * tf.tanh(new_c), new_c
"""
    findings = [f for f in __import__("conftest").lint(source)]
    assert [(f.code, f.weight) for f in findings] == [("LST003", "W")]
    # TF1's random_normal_initializer() defaults to stddev 1.0, not TF2's 0.05.
    assert findings[0].current.param("stddev") == 1.0


def test_plain_tensorflow_with_tf1_only_calls_gets_tf1_defaults():
    source = """
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])


def cell(x, h, c, units):
    W = tf.get_variable("W", [3 + units, 4 * units], initializer=tf.random_normal_initializer())
    i, j, f, o = tf.split(tf.matmul(tf.concat([x, h], 1), W), 4, 1)
    new_c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.tanh(j)
    return tf.sigmoid(o) * tf.tanh(new_c), new_c
"""
    findings = __import__("conftest").lint(source)
    assert findings[0].current.param("stddev") == 1.0
    assert findings[0].current.text == "random_normal(stddev=1)"


def test_every_kind_of_the_operations_table_has_a_handler():
    """A kind added to the table (knowledge/apis.py) without a handler would
    make its calls opaque: the analysis would silently not see them."""
    from lstm_init_lint.analysis.calls import OP_HANDLERS
    from lstm_init_lint.knowledge.apis import OPS

    assert set(OPS.values()) - set(OP_HANDLERS) == set()
    assert set(OP_HANDLERS) - set(OPS.values()) == set()
