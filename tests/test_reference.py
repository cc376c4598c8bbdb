"""Check ``lstm_init_lint.knowledge.reference`` against the TensorFlow and Keras that are installed.

The tables in ``reference.py`` are what every finding is measured against, so a
Keras or TensorFlow release that changes a default must fail here rather than
make the linter silently wrong. Nothing is mocked: the tests build real layers
and cells and run real steps through them.

Two sets of checks:

* ``REFERENCES["keras"]`` against Keras 3 ``keras.layers.LSTM`` / ``GRU``, in
  this process.
* ``REFERENCES["tf1"]`` against ``tf.compat.v1.nn.rnn_cell.LSTMCell`` /
  ``GRUCell``. In TF 2.21 these only exist with the ``tf_keras`` package and
  ``TF_USE_LEGACY_KERAS=1`` set *before* TensorFlow is imported
  (REFERENCE.md section 8), so they run in a subprocess that prints JSON.

Gate order is checked numerically: zero the weights, put a value in one column
block of the bias, run one step, and see which gate moved.

Only this test module imports TensorFlow; the linter itself never does.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstm_init_lint.knowledge.reference import REFERENCES

pytestmark = pytest.mark.slow  # builds real Keras and TF1 layers

KERAS = REFERENCES["keras"]
TF1 = REFERENCES["tf1"]

N_IN, UNITS = 6, 8  # small, but big enough for the statistical checks
PROBE = 2.0  # the bias put in one block by the gate-order probes (sigmoid(2) is far from 0.5 and 1)
BIG = 10.0  # the value of the explicit TF1 forget-block probe


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def glorot_limit(shape) -> float:
    """The glorot_uniform bound sqrt(6 / (fan_in + fan_out)) of a 2-D weight."""
    fan_in, fan_out = shape
    return math.sqrt(6.0 / (fan_in + fan_out))


def assert_glorot_uniform(values: np.ndarray | float, shape) -> None:
    """Every entry lies within the Glorot bound of ``shape``, and the largest is
    close to it: a narrower initializer (e.g. random_normal(0.01)) would not be."""
    limit = glorot_limit(shape)
    max_abs = float(np.max(np.abs(values)))
    assert max_abs <= limit + 1e-6, f"max |w| = {max_abs} exceeds glorot limit {limit} of {shape}"
    assert max_abs >= 0.9 * limit, f"max |w| = {max_abs} is far inside glorot limit {limit}: not glorot_uniform({shape})?"


def stored_bias(cell, reference) -> list[float]:
    """The bias vector the table implies, gate block by gate block: the
    effective per-gate bias minus what the reference adds to f at run time."""
    out = []
    for gate in cell.gate_order:
        value = cell.bias_for(gate) - (reference.forget_bias_at_run_time if gate == "f" else 0.0)
        out += [value] * UNITS
    return out


def lstm_step(gate: str, value: float, forget_offset: float) -> tuple[float, float]:
    """(new c, new h) of an LSTM with zero weights, zero input, previous c = 1,
    previous h = 0, after ``value`` is added to ``gate``'s pre-activation
    (``gate`` in our names: i, f, c = candidate, o)."""
    pre = {"i": 0.0, "f": forget_offset, "c": 0.0, "o": 0.0}
    pre[gate] += value
    c = sigmoid(pre["f"]) * 1.0 + sigmoid(pre["i"]) * math.tanh(pre["c"])
    return c, sigmoid(pre["o"]) * math.tanh(c)


def gru_step(gate: str, value: float) -> float:
    """new h of a GRU with zero weights and biases, zero input and previous h = 1,
    after ``value`` is added to ``gate``'s pre-activation (z update, r reset,
    h candidate). With zero recurrent weights the reset gate changes nothing;
    h = z * h_prev + (1 - z) * candidate."""
    pre = {"z": 0.0, "r": 0.0, "h": 0.0}
    pre[gate] += value
    z = sigmoid(pre["z"])
    return z * 1.0 + (1.0 - z) * math.tanh(pre["h"])


def which_gate(measured, predict, gates) -> str:
    """The one gate whose predicted step result matches the measured one."""
    matches = [g for g in gates if np.allclose(measured, predict(g), atol=1e-5)]
    assert len(matches) == 1, f"measured {measured}: matches {matches} among {gates}"
    return matches[0]


def keras_initializer_class(initializer) -> type:
    """The Keras class the table's initializer name stands for."""
    return type(keras.initializers.get(initializer.name))


# --------------------------------------------------------------------------- Keras LSTM


@pytest.fixture(scope="module")
def keras_lstm():
    """A real, built ``keras.layers.LSTM`` with default arguments."""
    keras.utils.set_random_seed(0)
    layer = keras.layers.LSTM(UNITS)
    layer(np.zeros((2, 3, N_IN), dtype="float32"))
    return layer


def test_keras_lstm_config_matches_table():
    """``LSTM(4).get_config()`` names the initializers the table says Keras uses:
    GlorotUniform kernel, Orthogonal(gain=1) recurrent kernel, Zeros bias, and
    unit_forget_bias=True (stored forget bias 1)."""
    lstm = KERAS.lstm
    config = keras.layers.LSTM(4).get_config()

    kernel = keras.initializers.deserialize(config["kernel_initializer"])
    assert type(kernel) is keras_initializer_class(lstm.input_kernel.initializer)
    assert type(kernel).__name__ == "GlorotUniform"

    recurrent = keras.initializers.deserialize(config["recurrent_initializer"])
    assert type(recurrent) is keras_initializer_class(lstm.recurrent_kernel.initializer)
    assert type(recurrent).__name__ == "Orthogonal"
    assert recurrent.gain == lstm.recurrent_kernel.initializer.param("gain") == 1.0

    # bias_initializer gives the i, c, o blocks; unit_forget_bias puts 1 in f.
    assert config["bias_initializer"]["class_name"] == "Zeros"
    assert {g: lstm.bias_for(g) for g in "ico"} == {"i": 0.0, "c": 0.0, "o": 0.0}
    assert config["unit_forget_bias"] is True
    assert lstm.bias_for("f") - KERAS.forget_bias_at_run_time == 1.0


def test_keras_lstm_bias_is_one_exactly_in_the_forget_block(keras_lstm):
    """The built bias is ones in block ``gate_order.index("f")`` of 4 and zeros
    elsewhere: the table's gate order and forget slice are what Keras builds."""
    bias = keras_lstm.cell.bias.numpy()
    assert bias.shape == (4 * UNITS,)
    f = KERAS.lstm.gate_order.index("f")
    blocks = bias.reshape(4, UNITS)
    assert np.array_equal(blocks[f], np.ones(UNITS))
    assert np.array_equal(np.delete(blocks, f, axis=0), np.zeros((3, UNITS)))
    assert bias.tolist() == stored_bias(KERAS.lstm, KERAS)


def test_keras_lstm_kernel_is_glorot_uniform(keras_lstm):
    """The input kernel (n_in, 4*units) is glorot_uniform over its whole shape."""
    kernel = keras_lstm.cell.kernel.numpy()
    assert kernel.shape == (N_IN, 4 * UNITS)
    assert KERAS.lstm.input_kernel.initializer.name == "glorot_uniform"
    assert_glorot_uniform(kernel, kernel.shape)


def test_keras_lstm_recurrent_kernel_has_orthonormal_rows(keras_lstm):
    """The recurrent kernel (units, 4*units) is ONE orthogonal matrix (R @ R.T = I),
    not four orthogonal per-gate blocks (REFERENCE.md section 3)."""
    recurrent = keras_lstm.cell.recurrent_kernel.numpy()
    assert recurrent.shape == (UNITS, 4 * UNITS)
    assert KERAS.lstm.recurrent_kernel.initializer.name == "orthogonal"
    gain = KERAS.lstm.recurrent_kernel.initializer.param("gain")
    np.testing.assert_allclose(recurrent @ recurrent.T, gain**2 * np.eye(UNITS), atol=1e-5)
    # ... and a single gate's square block is not orthogonal.
    block = recurrent[:, :UNITS]
    assert not np.allclose(block @ block.T, np.eye(UNITS), atol=0.1)


def test_keras_lstm_gate_order_matches_table(keras_lstm):
    """Probe each of the 4 bias blocks in turn and identify the gate it feeds by
    the step it produces; Keras adds nothing to f at run time."""
    cell = keras_lstm.cell
    saved = [w.numpy() for w in (cell.kernel, cell.recurrent_kernel, cell.bias)]
    try:
        cell.kernel.assign(np.zeros_like(saved[0]))
        cell.recurrent_kernel.assign(np.zeros_like(saved[1]))
        found = []
        for block in range(4):
            bias = np.zeros(4 * UNITS, dtype="float32")
            bias[block * UNITS : (block + 1) * UNITS] = PROBE
            cell.bias.assign(bias)
            x = np.zeros((1, N_IN), dtype="float32")
            h, (_, c) = cell(x, [np.zeros((1, UNITS), "float32"), np.ones((1, UNITS), "float32")])
            measured = (float(c.numpy()[0, 0]), float(h.numpy()[0, 0]))
            found.append(which_gate(measured, lambda g: lstm_step(g, PROBE, KERAS.forget_bias_at_run_time), "ifco"))
    finally:
        for w, value in zip((cell.kernel, cell.recurrent_kernel, cell.bias), saved):
            w.assign(value)
    assert tuple(found) == KERAS.lstm.gate_order


# --------------------------------------------------------------------------- Keras GRU


def test_keras_gru_config_matches_table():
    """``GRU(4).get_config()``: GlorotUniform / Orthogonal(gain=1) / Zeros, and the
    table says every Keras GRU gate bias is 0."""
    gru = KERAS.gru
    config = keras.layers.GRU(4).get_config()
    kernel = keras.initializers.deserialize(config["kernel_initializer"])
    recurrent = keras.initializers.deserialize(config["recurrent_initializer"])
    assert type(kernel) is keras_initializer_class(gru.input_kernel.initializer)
    assert type(kernel).__name__ == "GlorotUniform"
    assert type(recurrent) is keras_initializer_class(gru.recurrent_kernel.initializer)
    assert type(recurrent).__name__ == "Orthogonal"
    assert recurrent.gain == gru.recurrent_kernel.initializer.param("gain") == 1.0
    assert config["bias_initializer"]["class_name"] == "Zeros"
    assert [gru.bias_for(g) for g in gru.gate_order] == [0.0, 0.0, 0.0]
    assert gru.gate_order == ("z", "r", "h")


def test_keras_gru_built_weights_match_table():
    """A built GRU has a zero bias (2, 3*units) (reset_after=True: input and
    recurrent rows), a glorot kernel and an orthonormal-rows recurrent kernel."""
    keras.utils.set_random_seed(0)
    layer = keras.layers.GRU(UNITS)
    layer(np.zeros((2, 3, N_IN), dtype="float32"))
    cell = layer.cell
    bias = cell.bias.numpy()
    assert bias.shape == (2, 3 * UNITS)
    assert bias[0].tolist() == stored_bias(KERAS.gru, KERAS)
    assert bias[1].tolist() == [0.0] * 3 * UNITS
    assert_glorot_uniform(cell.kernel.numpy(), (N_IN, 3 * UNITS))
    recurrent = cell.recurrent_kernel.numpy()
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(UNITS), atol=1e-5)


def test_keras_gru_gate_order_matches_table():
    """Probe each of the 3 input-bias blocks and identify the gate by the step."""
    layer = keras.layers.GRU(UNITS)
    layer(np.zeros((1, 1, N_IN), dtype="float32"))
    cell = layer.cell
    cell.kernel.assign(np.zeros_like(cell.kernel.numpy()))
    cell.recurrent_kernel.assign(np.zeros_like(cell.recurrent_kernel.numpy()))
    found = []
    for block in range(3):
        bias = np.zeros((2, 3 * UNITS), dtype="float32")
        bias[0, block * UNITS : (block + 1) * UNITS] = PROBE
        cell.bias.assign(bias)
        h, _ = cell(np.zeros((1, N_IN), "float32"), np.ones((1, UNITS), "float32"))
        found.append(which_gate(float(h.numpy()[0, 0]), lambda g: gru_step(g, PROBE), "zrh"))
    assert tuple(found) == KERAS.gru.gate_order


# --------------------------------------------------------------------------- TF1 cells (subprocess)

TF1_PROBE = r"""
import inspect, json, sys
import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
n_in, units, probe, big = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
LSTMCell, GRUCell = v1.nn.rnn_cell.LSTMCell, v1.nn.rnn_cell.GRUCell
out = {
    "lstm_class": LSTMCell.__module__ + "." + LSTMCell.__qualname__,
    "forget_bias_default": inspect.signature(LSTMCell.__init__).parameters["forget_bias"].default,
}

graph = tf.Graph()
with graph.as_default():
    v1.set_random_seed(0)  # reproducible statistical checks
    x = v1.placeholder(tf.float32, [1, n_in])
    c_prev = v1.placeholder(tf.float32, [1, units])
    h_prev = v1.placeholder(tf.float32, [1, units])
    with v1.variable_scope("ref"):  # no initializer: the cells' own defaults apply
        lstm = LSTMCell(units)
        lstm_h, lstm_state = lstm(x, v1.nn.rnn_cell.LSTMStateTuple(c_prev, h_prev))
        gru_h, _ = GRUCell(units)(x, h_prev)
    out["lstm_forget_bias"] = lstm._forget_bias
    var = {v.name.split(":")[0].split("/", 1)[1]: v for v in v1.global_variables()}
    with v1.Session(graph=graph) as sess:
        sess.run(v1.global_variables_initializer())
        out["shapes"] = {name: v.shape.as_list() for name, v in var.items()}
        out["max_abs"] = {name: float(np.abs(sess.run(v)).max()) for name, v in var.items()}
        out["lstm_bias"] = sess.run(var["lstm_cell/bias"]).tolist()
        out["gru_gates_bias"] = sess.run(var["gru_cell/gates/bias"]).tolist()
        out["gru_candidate_bias"] = sess.run(var["gru_cell/candidate/bias"]).tolist()

        def zero(*names):
            for name in names:
                var[name].load(np.zeros(var[name].shape.as_list(), np.float32), sess)

        def block_bias(name, n_blocks, block, value):
            bias = np.zeros(n_blocks * units, np.float32)
            bias[block * units:(block + 1) * units] = value
            var[name].load(bias, sess)

        # LSTM: zero kernel, zero input, previous c = 1, previous h = 0.
        lstm_feed = {x: np.zeros([1, n_in]), c_prev: np.ones([1, units]), h_prev: np.zeros([1, units])}
        zero("lstm_cell/kernel", "lstm_cell/bias")
        c = sess.run(lstm_state.c, lstm_feed)
        out["lstm_c_zero_bias"] = float(c[0, 0])
        out["lstm_probe"] = {}
        for value in (probe, big):
            steps = []
            for block in range(4):
                block_bias("lstm_cell/bias", 4, block, value)
                c, h = sess.run([lstm_state.c, lstm_h], lstm_feed)
                steps.append([float(c[0, 0]), float(h[0, 0])])
            out["lstm_probe"][str(value)] = steps

        # GRU: zero kernels and biases, zero input, previous h = 1.
        gru_feed = {x: np.zeros([1, n_in]), h_prev: np.ones([1, units])}
        zero("gru_cell/gates/kernel", "gru_cell/candidate/kernel", "gru_cell/candidate/bias")
        out["gru_gates_probe"] = []
        for block in range(2):
            block_bias("gru_cell/gates/bias", 2, block, probe)
            out["gru_gates_probe"].append(float(sess.run(gru_h, gru_feed)[0, 0]))
        zero("gru_cell/gates/bias")
        block_bias("gru_cell/candidate/bias", 1, 0, probe)
        out["gru_candidate_probe"] = float(sess.run(gru_h, gru_feed)[0, 0])

print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def tf1():
    """What the real TF1 cells do, measured in a legacy-Keras subprocess."""
    if importlib.util.find_spec("tf_keras") is None:
        pytest.fail("tf_keras is not installed: `pip install tf-keras==2.21.0` (a test dependency) to check the tf1 reference")
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")
    args = [sys.executable, "-c", TF1_PROBE, str(N_IN), str(UNITS), str(PROBE), str(BIG)]
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_tf1_cells_come_from_tf_keras_legacy_cells(tf1):
    """Sanity: in TF 2.21 the TF1 cells are tf_keras's legacy cells."""
    assert tf1["lstm_class"] == "tf_keras.src.layers.rnn.legacy_cells.LSTMCell"


def test_tf1_lstm_forget_bias_is_added_at_run_time(tf1):
    """LSTMCell's default forget_bias is 1.0, the table's run-time offset; with a
    zero stored bias one step keeps sigmoid(0 + 1.0) of the previous c."""
    assert tf1["forget_bias_default"] == tf1["lstm_forget_bias"] == TF1.forget_bias_at_run_time == 1.0
    assert tf1["lstm_c_zero_bias"] == pytest.approx(sigmoid(TF1.forget_bias_at_run_time), abs=1e-6)
    assert TF1.lstm.bias_for("f") == 1.0  # the effective forget bias: 0 stored + 1.0 at run time


def test_tf1_lstm_variables_are_fused_glorot_kernel_and_zero_bias(tf1):
    """No initializer and no scope initializer: one fused [n_in + units, 4*units]
    kernel with glorot_uniform over that whole shape, and an all-zero bias."""
    shape = tf1["shapes"]["lstm_cell/kernel"]
    assert shape == [N_IN + UNITS, 4 * UNITS]
    assert TF1.lstm.fused_kernel.initializer.name == "glorot_uniform"
    assert_glorot_uniform(tf1["max_abs"]["lstm_cell/kernel"], shape)
    assert tf1["shapes"]["lstm_cell/bias"] == [4 * UNITS]
    assert tf1["lstm_bias"] == [0.0] * 4 * UNITS
    assert tf1["lstm_bias"] == stored_bias(TF1.lstm, TF1)


def test_tf1_lstm_forget_block_is_the_tables(tf1):
    """Kernel zero, 10 in bias block ``gate_order.index("f")``, previous c = 1:
    new c = sigmoid(10 + 1.0) * 1 + sigmoid(0) * tanh(0) ~ 1.0. Had that block
    been the candidate j, new c would be sigmoid(1.0) + 0.5 * tanh(10) ~ 1.23."""
    f = TF1.lstm.gate_order.index("f")
    assert f == 2  # i, j, f, o
    new_c = tf1["lstm_probe"][str(BIG)][f][0]
    assert new_c == pytest.approx(sigmoid(BIG + TF1.forget_bias_at_run_time), abs=1e-5)
    assert new_c == pytest.approx(1.0, abs=1e-4)
    assert abs(new_c - (sigmoid(TF1.forget_bias_at_run_time) + 0.5 * math.tanh(BIG))) > 0.2


def test_tf1_lstm_gate_order_matches_table(tf1):
    """Identify all four blocks of the fused bias: i, j (our c), f, o."""
    steps = tf1["lstm_probe"][str(PROBE)]
    found = tuple(which_gate(step, lambda g: lstm_step(g, PROBE, TF1.forget_bias_at_run_time), "ifco") for step in steps)
    assert found == TF1.lstm.gate_order
    assert [TF1.lstm.spell(g) for g in found] == ["i", "j", "f", "o"]


def test_tf1_gru_biases_match_table(tf1):
    """GRUCell stores 1.0 in gates/bias (both r and u) and 0.0 in candidate/bias."""
    gru = TF1.gru
    assert tf1["shapes"]["gru_cell/gates/bias"] == [2 * UNITS]
    assert tf1["gru_gates_bias"] == [1.0] * 2 * UNITS
    assert tf1["gru_gates_bias"][0] == gru.bias_for("z") == gru.bias_for("r")
    assert tf1["gru_candidate_bias"] == [0.0] * UNITS
    assert tf1["gru_candidate_bias"][0] == gru.bias_for("h")


def test_tf1_gru_kernels_are_glorot_uniform(tf1):
    """gates/kernel [n_in + units, 2*units] and candidate/kernel [n_in + units,
    units], each glorot_uniform over its own shape."""
    for name, width in (("gru_cell/gates/kernel", 2 * UNITS), ("gru_cell/candidate/kernel", UNITS)):
        assert tf1["shapes"][name] == [N_IN + UNITS, width]
        assert_glorot_uniform(tf1["max_abs"][name], tf1["shapes"][name])
    assert TF1.gru.fused_kernel.initializer.name == "glorot_uniform"


def test_tf1_gru_gate_order_matches_table(tf1):
    """gates/bias blocks are r then u (our z); the candidate is its own variable.
    new h = u * h_prev + (1 - u) * candidate."""
    found = tuple(which_gate(h, lambda g: gru_step(g, PROBE), "zr") for h in tf1["gru_gates_probe"])
    assert found + ("h",) == TF1.gru.gate_order
    assert [TF1.gru.spell(g) for g in TF1.gru.gate_order] == ["r", "u", "c"]
    assert tf1["gru_candidate_probe"] == pytest.approx(gru_step("h", PROBE), abs=1e-5)


# --------------------------------------------------------------------------- spellings the fixer emits


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: tf.compat.v1.glorot_uniform_initializer(), id="tf.compat.v1.glorot_uniform_initializer"),
        pytest.param(lambda: tf.compat.v1.orthogonal_initializer(), id="tf.compat.v1.orthogonal_initializer"),
        pytest.param(lambda: tf.compat.v1.zeros_initializer(), id="tf.compat.v1.zeros_initializer"),
        pytest.param(lambda: tf.keras.initializers.GlorotUniform(), id="tf.keras.initializers.GlorotUniform"),
        pytest.param(lambda: tf.keras.initializers.Orthogonal(), id="tf.keras.initializers.Orthogonal"),
        pytest.param(lambda: keras.initializers.get("glorot_uniform"), id="keras.initializers.get-glorot_uniform"),
        pytest.param(lambda: keras.initializers.get("orthogonal"), id="keras.initializers.get-orthogonal"),
    ],
)
def test_emitted_initializer_spelling_exists_and_works(make):
    """Every initializer spelling the tool writes into a fix resolves in the
    installed TF/Keras and produces a tensor of the asked shape."""
    value = np.asarray(make()([UNITS, 4 * UNITS]))
    assert value.shape == (UNITS, 4 * UNITS)


def test_random_normal_default_stddev_differs_between_tf1_and_tf2():
    """The rewrite trap of REFERENCE.md section 6: the same call without a
    stddev means 1.0 in TF1 and 0.05 in TF2/Keras, so a fix must copy it."""
    assert tf.compat.v1.random_normal_initializer().get_config()["stddev"] == 1.0
    assert tf.random_normal_initializer().get_config()["stddev"] == 0.05
    assert keras.initializers.RandomNormal().get_config()["stddev"] == 0.05
