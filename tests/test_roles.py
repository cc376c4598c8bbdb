"""Roles come from how a weight is used: which operand a matmul gets, which
gate a bias slice feeds, what is fed back."""

from __future__ import annotations

from conftest import lint, summary

HEADER = "import tensorflow as tf\n\n"


def test_weights_on_the_left_column_vector_convention():
    source = HEADER + """
def step(x, h, c, W, U):
    z = tf.matmul(W, x) + tf.matmul(U, h)
    i, f, g, o = tf.split(z, 4, axis=0)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c


W = tf.Variable(tf.random.normal([4 * 8, 3], stddev=0.1))
U = tf.Variable(tf.random.normal([4 * 8, 8], stddev=0.1))
h = c = tf.zeros([8, 1])
for x in tf.unstack(tf.ones([5, 3, 1])):
    h, c = step(x, h, c, W, U)
"""
    assert summary(source) == [("LST002", "input_kernel", "W"), ("LST001", "recurrent_kernel", "U")]


def test_step_function_returning_the_new_state_in_place_of_the_old():
    """No loop or driver in the file: `step(x, h, c)` returns (h, c), so h
    is the previous hidden state by position."""
    source = HEADER + """
W = tf.Variable(tf.random.normal([3, 32], stddev=0.1))
U = tf.Variable(tf.random.normal([8, 32], stddev=0.1))


def step(x, h, c):
    i, f, g, o = tf.split(x @ W + h @ U, 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""
    findings = lint(source)
    assert [(f.code, f.weight) for f in findings] == [("LST002", "W"), ("LST001", "U")]
    assert all(f.certain for f in findings)
    assert any("returns the new one in its place" in line for line in findings[1].evidence)


def test_an_output_layer_returned_beside_the_state_is_not_a_projection():
    source = HEADER + """
W = tf.Variable(tf.keras.initializers.GlorotUniform()([3, 32]))
U = tf.Variable(tf.keras.initializers.Orthogonal()([8, 32]))
W_out = tf.Variable(tf.random.normal([8, 10], stddev=0.1))


def step(x, h, c):
    i, f, g, o = tf.split(x @ W + h @ U + tf.constant([0.0] * 8 + [1.0] * 8 + [0.0] * 16), 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h @ W_out, h, c
"""
    assert summary(source) == []


def test_names_break_a_tie_but_the_finding_says_it_is_not_certain():
    """Only h is returned and nothing drives the step: the gating proves an
    LSTM, but only the name `h_prev` says which operand is the hidden state."""
    source = HEADER + """
W = tf.Variable(tf.random.normal([3, 32], stddev=0.1))
U = tf.Variable(tf.random.normal([8, 32], stddev=0.1))


def step(x, h_prev, c_prev):
    i, f, g, o = tf.split(x @ W + h_prev @ U, 4, axis=1)
    c = tf.sigmoid(f) * c_prev + tf.sigmoid(i) * tf.tanh(g)
    return tf.sigmoid(o) * tf.tanh(c)
"""
    findings = lint(source)
    recurrent = [f for f in findings if f.code == "LST001"]
    assert [f.weight for f in recurrent] == ["U"]
    assert recurrent[0].certain is False
    assert "by its name" in recurrent[0].evidence[0]


def test_tf1_gate_order_from_the_unpacking():
    """i, j, f, o = split(...): the forget gate is the third block."""
    source = HEADER + """
b = tf.Variable(tf.zeros([32]))
K = tf.Variable(tf.keras.initializers.GlorotUniform()([11, 32]))


def step(x, c, h):
    i, j, f, o = tf.split(tf.concat([x, h], 1) @ K + b, 4, 1)
    c = c * tf.sigmoid(f) + tf.sigmoid(i) * tf.tanh(j)
    h = tf.sigmoid(o) * tf.tanh(c)
    return c, h
"""
    (finding,) = lint(source)
    assert finding.code == "LST004"
    assert finding.gates == ("i", "c", "f", "o")
    assert "forget slice 3 of 4" in finding.message
    assert [(p[1], p[2], p[3].name) for p in finding.expected.pieces] == [(0.0, 0.5, "zeros"), (0.5, 0.75, "ones"), (0.75, 1.0, "zeros")]


def test_bias_sliced_by_hand():
    source = HEADER + """
u = 8
b = tf.Variable(tf.zeros([4 * u]))
W = tf.Variable(tf.keras.initializers.GlorotUniform()([3, 4 * u]))
U = tf.Variable(tf.keras.initializers.Orthogonal()([u, 4 * u]))


def step(x, h, c):
    z = x @ W + h @ U
    f = tf.sigmoid(z[:, :u] + b[:u])
    i = tf.sigmoid(z[:, u:2 * u] + b[u:2 * u])
    g = tf.tanh(z[:, 2 * u:3 * u] + b[2 * u:3 * u])
    o = tf.sigmoid(z[:, 3 * u:] + b[3 * u:])
    c = f * c + i * g
    return o * tf.tanh(c), c
"""
    (finding,) = lint(source)
    assert (finding.code, finding.gates) == ("LST004", ("f", "i", "c", "o"))
    assert "forget slice 1 of 4" in finding.message


def test_gru_interpolation_either_way_round():
    for update in ("(1 - z) * h + z * hh", "z * h + (1 - z) * hh", "hh * (1 - z) + h * z"):
        source = HEADER + f"""
W = tf.Variable(tf.keras.initializers.GlorotUniform()([3, 16]))
U = tf.Variable(tf.random.normal([8, 16], stddev=0.1))
Uh = tf.Variable(tf.random.normal([8, 8], stddev=0.1))


def step(x, h):
    xz, xh = tf.split(x @ W, 2, axis=1)
    z = tf.sigmoid(xz + h @ U[:, :8])
    hh = tf.tanh(xh + h @ Uh)
    return {update}
"""
        findings = lint(source)
        assert [(f.code, f.cell.value, f.weight) for f in findings] == [("LST001", "gru", "U"), ("LST001", "gru", "Uh")], update


def test_coupled_input_forget_gate_is_still_an_lstm():
    source = HEADER + """
W = tf.Variable(tf.random.normal([3, 24], stddev=0.1))
U = tf.Variable(tf.keras.initializers.Orthogonal()([8, 24]))


def step(x, h, c):
    f, g, o = tf.split(x @ W + h @ U, 3, axis=1)
    f = tf.sigmoid(f)
    c = f * c + (1 - f) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""
    assert [(f.code, f.cell.value) for f in lint(source)] == [("LST002", "lstm")]


def test_full_matrix_peephole():
    source = HEADER + """
W = tf.Variable(tf.keras.initializers.GlorotUniform()([3, 32]))
U = tf.Variable(tf.keras.initializers.Orthogonal()([8, 32]))
P = tf.Variable(tf.random.normal([8, 8]))
b = tf.Variable(tf.concat([tf.zeros([8]), tf.ones([8]), tf.zeros([16])], 0))


def step(x, h, c):
    i, f, g, o = tf.split(x @ W + h @ U + b, 4, axis=1)
    c = tf.sigmoid(f + c @ P) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c
"""
    assert summary(source) == [("LST006", "peephole", "P")]


def test_evidence_names_the_operands():
    source = HEADER + """
W = tf.Variable(tf.random.normal([3, 32], stddev=0.1))
U = tf.Variable(tf.random.normal([8, 32], stddev=0.1))


def step(x_t, state):
    h_tm1, c_tm1 = state
    i, f, g, o = tf.split(tf.matmul(x_t, W) + tf.matmul(h_tm1, U), 4, axis=1)
    c = tf.sigmoid(f) * c_tm1 + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, (h, c)
"""
    findings = {f.weight: f for f in lint(source)}
    assert "tf.matmul(x_t, W)" in findings["W"].evidence[0]
    assert any("x_t" in line and "input" in line for line in findings["W"].evidence)
    assert "tf.matmul(h_tm1, U)" in findings["U"].evidence[0]
    assert any("unpacked from `state` together with the previous cell state" in line for line in findings["U"].evidence)


def test_a_coupled_input_and_forget_gate_has_no_forget_bias():
    """c = i * g + (1 - i) * c (CIFG): the forget gate is 1 - i, so i's bias
    of 0.25 is no forget bias of 0.25 (the forget gate starts below 0.5, not
    above); it is the input gate's bias."""
    source = HEADER + """
def step(x, h, c, W, b):
    i, g, o = tf.split(tf.matmul(tf.concat([x, h], 1), W) + b, 3, axis=1)
    i = tf.sigmoid(i)
    c = i * tf.tanh(g) + (1 - i) * c
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c


W = tf.Variable(tf.random.normal([3 + 8, 3 * 8], stddev=0.1))
b = tf.Variable(tf.fill([3 * 8], 0.25))
h = c = tf.zeros([1, 8])
for x in tf.unstack(tf.ones([5, 1, 3])):
    h, c = step(x, h, c, W, b)
"""
    (bias,) = [f for f in lint(source) if f.weight == "b"]
    assert (bias.code, bias.role.value, bias.gates, bias.expected.text) == ("LST005", "bias", ("i", "c", "o"), "zeros")
