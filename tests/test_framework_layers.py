"""Framework layers whose weights a hand-written cell uses (tf.layers.dense,
fully_connected, _linear, _Linear, EinsumDense): what each one creates when
its arguments are left out, where it is reported and what --fix writes."""

from __future__ import annotations

from conftest import lint, summary

from lstm_init_lint.engine import fix_source

TF1 = "import tensorflow.compat.v1 as tf\n\n"

# One LSTM step whose four gates come from one projection of [x, h]; {gates}
# is the call that makes it.
STEP = TF1 + """
def step(x, h, c, units):
    gates = {gates}
    i, j, f, o = tf.split(gates, 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(j)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""


def _fixed(source: str) -> str:
    return fix_source(source.encode("utf-8"), "snippet.py").fixed.decode("utf-8")


def test_tf_layers_dense_is_reported_at_its_call_with_its_default_named():
    findings = lint(STEP.format(gates='tf.layers.dense(tf.concat([x, h], 1), 4 * units, name="gates")'))
    assert [(f.code, f.role.value, f.weight, f.span.line, f.span.column) for f in findings] == [("LST004", "bias", "gates/bias", 5, 13)]
    assert "starts as zeros (no initializer: tf.layers.dense's default)" in findings[0].message


def test_a_scope_initializer_reaches_a_tf_layers_dense_kernel_but_not_its_bias():
    source = STEP.format(gates='tf.layers.dense(tf.concat([x, h], 1), 4 * units)').replace(
        "    gates = ", '    with tf.variable_scope("cell", initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n        gates = '
    )
    findings = {f.role.value: f for f in lint(source, reference="tf1")}
    assert "random_uniform(minval=-0.1, maxval=0.1)" in findings["fused_kernel"].message
    assert "(from the enclosing variable_scope)" in findings["fused_kernel"].message
    assert "starts as zeros (no initializer: tf.layers.dense's default)" in findings["bias"].message


def test_fully_connected_is_fixed_through_its_own_argument_names():
    source = STEP.format(gates="tf.contrib.layers.fully_connected(tf.concat([x, h], 1), 4 * units, activation_fn=None)")
    assert summary(source) == [("LST004", "bias", "fully_connected/biases")]
    assert "fully_connected(tf.concat([x, h], 1), 4 * units, activation_fn=None, biases_initializer=lambda shape" in _fixed(source)


def test_fully_connected_without_a_bias_has_none_to_report():
    for no_bias in ("biases_initializer=None", "normalizer_fn=tf.contrib.layers.layer_norm"):
        source = STEP.format(gates=f"tf.contrib.layers.fully_connected(tf.concat([x, h], 1), 4 * units, activation_fn=None, {no_bias})")
        assert summary(source) == [], no_bias


def test_fully_connected_applies_relu_unless_told_otherwise():
    """Its default activation_fn is relu: relu(...) is no gate's
    pre-activation, so nothing there is a cell's weight."""
    source = STEP.format(gates="tf.contrib.layers.fully_connected(tf.concat([x, h], 1), 4 * units)")
    assert summary(source) == []


def test_tf1_0_linear_is_reported_but_not_fixed_and_says_why():
    source = STEP.format(gates="tf.nn.rnn_cell._linear([x, h], 4 * units, True, bias_start=0.0)")
    (finding,) = lint(source)
    assert (finding.code, finding.weight, finding.fixable) == ("LST004", "Linear/Bias", False)
    assert "starts as zeros" in finding.message
    outcome = fix_source(source.encode("utf-8"), "snippet.py")
    assert outcome.fixed == source.encode("utf-8")
    (left,) = outcome.remaining
    assert "TensorFlow 1.0/1.1's (or 0.x's), which takes no kernel_initializer= or bias_initializer=" in left.no_fix_reason


def test_a_linear_call_that_cannot_tell_its_signature_is_not_fixed():
    source = TF1 + "from tensorflow.contrib.rnn.python.ops import core_rnn_cell\n" + STEP.format(gates="core_rnn_cell._linear([x, h], 4 * units, True)")[len(TF1):]
    (finding,) = lint(source)
    assert not finding.fixable
    outcome = fix_source(source.encode("utf-8"), "snippet.py")
    assert "nothing in the call tells whether this _linear is TF 1.2's" in outcome.remaining[0].no_fix_reason


def test_tf1_2_linear_with_an_initializer_keyword_is_fixed_through_it():
    source = STEP.format(gates="tf.nn.rnn_cell._linear([x, h], 4 * units, True, bias_initializer=tf.zeros_initializer())")
    assert summary(source) == [("LST004", "bias", "bias")]
    assert "_linear([x, h], 4 * units, True, bias_initializer=lambda shape, dtype=tf.float32, partition_info=None: tf.concat(" in _fixed(source)


EINSUM = """import keras
from keras import layers, ops


class Cell(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.x_projection = layers.EinsumDense("bi,ij->bj", 4 * units{bias})
        self.h_projection = layers.EinsumDense("bi,ij->bj", 4 * units, kernel_initializer="orthogonal")

    def call(self, x, states):
        h, c = states
        i, f, g, o = ops.split(self.x_projection(x) + self.h_projection(h), 4, axis=-1)
        c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        h = ops.sigmoid(o) * ops.tanh(c)
        return h, [h, c]
"""


def test_einsum_dense_has_a_bias_only_with_bias_axes():
    assert summary(EINSUM.format(bias="")) == []
    assert summary(EINSUM.format(bias=', bias_axes="j"')) == [("LST004", "bias", "self.x_projection.bias")]


# An LSTM step normalised by contrib's layer_norm; {norm} is the call, over
# the fused projection `zw`.
LAYER_NORM_STEP = TF1 + """
def step(x, h, c, units):
    w = tf.get_variable("w", [2 * units, 4 * units])
    zw = tf.matmul(tf.concat([x, h], 1), w)
    gates = {norm}
    i, j, f, o = tf.split(gates, 4, axis=1)
    c = tf.sigmoid(f{offset}) * c + tf.sigmoid(i) * tf.tanh(j)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""


def test_contrib_layer_norm_beta_as_the_only_bias_is_reported_at_its_call_and_not_fixed():
    source = LAYER_NORM_STEP.format(norm="tf.contrib.layers.layer_norm(zw)", offset="")
    (finding,) = lint(source)
    assert (finding.code, finding.weight, finding.span.line, finding.fixable) == ("LST004", "LayerNorm/beta", 7, False)
    assert "(layer_norm's own beta, its shift: the only bias its gates have)" in finding.message
    assert "starts as zeros (no initializer: layer_norm's default)" in finding.message
    outcome = fix_source(source.encode("utf-8"), "snippet.py")
    assert outcome.fixed == source.encode("utf-8")
    (left,) = outcome.remaining
    assert "param_initializers={'beta': ...} would move them all" in left.no_fix_reason
    assert left.suggested_edit.startswith("add 1.0 to the forget gate's pre-activation after the layer_norm at line 7")


def test_contrib_layer_norm_beta_is_no_bias_beside_a_run_time_offset_a_bias_of_its_own_or_without_center():
    assert summary(LAYER_NORM_STEP.format(norm="tf.contrib.layers.layer_norm(zw, center=True, scale=True)", offset=" + 1.0")) == []
    assert summary(LAYER_NORM_STEP.format(norm="tf.contrib.layers.layer_norm(zw, center=False)", offset="")) == []
    own = LAYER_NORM_STEP.format(norm='tf.contrib.layers.layer_norm(zw) + tf.get_variable("b", [4 * units], initializer=tf.zeros_initializer())', offset="")
    assert summary(own) == [("LST004", "bias", "b")]
