"""Cells written in the layouts fast and real code uses (issue 14): what sits
between a matmul and its gate, layer-norm shifts, depth against time, state
returned by name. The fixtures cover each layout end to end; these pin the
decisions a user reads in the message."""

from __future__ import annotations

from conftest import lint, summary

HEADER = "import tensorflow as tf\n\n"

LN_CELL = HEADER + """
def layer_norm(x, gain, shift):
    mean, var = tf.nn.moments(x, [1], keepdims=True)
    return (x - mean) / tf.sqrt(var + 1e-5) * gain + shift


def run(steps, n_in, units):
    W_x = tf.Variable(tf.keras.initializers.GlorotUniform()([n_in, 4 * units]))
    W_h = tf.Variable(tf.keras.initializers.Orthogonal()([units, 4 * units]))
    gain = tf.Variable(tf.ones([4 * units]))
    shift = tf.Variable(tf.zeros([4 * units]))
    BIAS
    h = c = tf.zeros([1, units])
    for x in steps:
        z = layer_norm(PRE, gain, shift)EXTRA
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
    return h
"""


def _ln(pre: str, bias: str = "", extra: str = "") -> str:
    return LN_CELL.replace("PRE", pre).replace("BIAS", bias).replace("EXTRA", extra)


def test_a_layer_norm_shift_that_is_the_only_bias_is_reported_and_the_message_says_so():
    findings = lint(_ln("x @ W_x + h @ W_h"))
    assert [(f.code, f.weight) for f in findings] == [("LST004", "shift")]
    assert "a layer-norm shift, the only bias its gates have" in findings[0].message


def test_a_layer_norm_shift_beside_a_bias_of_its_own_is_not_a_gate_bias():
    source = _ln("x @ W_x + h @ W_h", bias="b = tf.Variable(tf.zeros([4 * units]))", extra=" + b")
    assert summary(source) == [("LST004", "bias", "b")]


def test_the_gain_and_the_scale_have_no_role_and_the_kernels_keep_theirs():
    source = HEADER + """
def run(steps, hyper, n_in, units):
    W_x = tf.Variable(tf.random.normal([n_in, 4 * units], stddev=0.1))
    W_h = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))
    W_d = tf.Variable(tf.random.normal([8, 4 * units], stddev=0.1))
    b = tf.Variable(tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])], 0))
    d_h = hyper @ W_d
    h = c = tf.zeros([1, units])
    mask = tf.nn.dropout(tf.ones_like(h), rate=0.1)
    for x in steps:
        z = 0.5 * (x @ W_x) + d_h * ((h * mask) @ W_h) + b
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
    return h
"""
    assert summary(source) == [("LST002", "input_kernel", "W_x"), ("LST001", "recurrent_kernel", "W_h")]


def test_a_gate_over_a_sublayer_of_its_own_state_is_depth_but_a_stacked_layer_is_time():
    gate = """
def gate(x, y, W_z, U_z, W_h, U_h):
    z = tf.sigmoid(y @ W_z + x @ U_z)
    h = tf.tanh(y @ W_h + x @ U_h)
    return (1 - z) * x + z * h


W_z, U_z, W_h, U_h, W_f = [tf.Variable(tf.random.normal([4, 4])) for _ in range(5)]
"""
    depth = HEADER + gate + """
def blocks(x, n):
    for _ in range(n):
        y = tf.nn.relu(x @ W_f)
        x = gate(x, y, W_z, U_z, W_h, U_h)
    return x
"""
    assert summary(depth) == []
    time = HEADER + gate + """
def sequence(steps):
    h = tf.zeros([1, 4])
    for x in steps:
        h = gate(h, tf.nn.relu(x @ W_f), W_z, U_z, W_h, U_h)
    return h
"""
    assert {role for _, role, _ in summary(time)} == {"input_kernel", "recurrent_kernel"}


def test_the_names_a_step_returns_say_which_parameter_is_the_hidden_state():
    source = HEADER + """
W = tf.Variable(tf.random.normal([3, 32], stddev=0.1))
U = tf.Variable(tf.random.normal([8, 32], stddev=0.1))


def step(x, c, h):
    z = tf.matmul(x, W) + tf.matmul(h, U)
    i, f, g, o = tf.split(z, 4, axis=1)
    c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""
    assert summary(source) == [("LST002", "input_kernel", "W"), ("LST001", "recurrent_kernel", "U")]
