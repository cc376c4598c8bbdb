"""Initialisers decoded into one description, whatever the spelling,
with positional arguments and each API generation's defaults."""

from __future__ import annotations

import libcst as cst
import pytest

from lstm_init_lint.analysis.initializers import to_model
from lstm_init_lint.analysis.interpreter import Interpreter
from lstm_init_lint.analysis.values import InitializerObj, InitVal, WeightVal

TF2 = "import tensorflow as tf\nimport numpy as np\nimport keras\n"
TF1 = "import tensorflow.compat.v1 as tf\nimport numpy as np\n"
TF1_PLAIN = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\n"  # TF1-only API: plain tf is TF1


def decode(expression: str, header: str = TF2, shape=None):
    """Evaluate ``X = expression`` in a module and describe X."""
    module = cst.parse_module(f"{header}\nX = {expression}\n")
    interpreter = Interpreter(module)
    interpreter.run()
    value = interpreter.module_scope.vars["X"]
    if isinstance(value, WeightVal):  # a random NumPy array bound to a name is a weight NumPy created
        value = value.weight.init
    assert isinstance(value, (InitVal, InitializerObj)), value
    dialect = "tf1" if interpreter.tf1_evidence else "tf2"
    return to_model(value.dist, getattr(value, "shape", None) or shape, None, dialect)


@pytest.mark.parametrize(
    ("expression", "header", "name", "params"),
    [
        # Positional arguments: shape, mean, stddev.
        ("tf.truncated_normal([3, 4], -0.1, 0.1)", TF1, "truncated_normal", {"mean": -0.1, "stddev": 0.1}),
        ("tf.random_normal([3, 4], stddev=0.1)", TF1, "random_normal", {"mean": 0.0, "stddev": 0.1}),
        ("tf.random.normal([3, 4])", TF2, "random_normal", {"mean": 0.0, "stddev": 1.0}),
        ("tf.random.uniform([3, 4], -0.1, 0.1)", TF2, "random_uniform", {"minval": -0.1, "maxval": 0.1}),
        ("tf.random_uniform([3, 4])", TF1, "random_uniform", {"minval": 0.0, "maxval": 1.0}),
        # The generation decides the defaults (REFERENCE.md section 6).
        ("tf.random_normal_initializer()", TF1, "random_normal", {"mean": 0.0, "stddev": 1.0}),
        ("tf.random_normal_initializer()", TF1_PLAIN, "random_normal", {"mean": 0.0, "stddev": 1.0}),
        ("tf.random_normal_initializer()", TF2, "random_normal", {"mean": 0.0, "stddev": 0.05}),
        ("tf.compat.v1.random_normal_initializer()", TF2, "random_normal", {"mean": 0.0, "stddev": 1.0}),
        ("tf.compat.v1.random_uniform_initializer()", TF2, "random_uniform", {"minval": 0.0, "maxval": 1.0}),
        ("tf.random_uniform_initializer()", TF2, "random_uniform", {"minval": -0.05, "maxval": 0.05}),
        ("tf.keras.initializers.RandomNormal()", TF2, "random_normal", {"mean": 0.0, "stddev": 0.05}),
        ("keras.initializers.TruncatedNormal(stddev=0.02)", TF2, "truncated_normal", {"mean": 0.0, "stddev": 0.02}),
        ("tf.constant_initializer(0.5)", TF2, "constant", {"value": 0.5}),
        ("tf.keras.initializers.Orthogonal(gain=2.0)", TF2, "orthogonal", {"gain": 2.0}),
        # NumPy: scale and shift act on the distribution.
        ("np.random.randn(3, 4) * 0.01", TF2, "random_normal", {"mean": 0.0, "stddev": 0.01}),
        ("np.random.normal(0.5, 0.2, size=(3, 4))", TF2, "random_normal", {"mean": 0.5, "stddev": 0.2}),
        ("np.random.uniform(-1, 1, (3, 4)) * 0.5", TF2, "random_uniform", {"minval": -0.5, "maxval": 0.5}),
        ("np.random.default_rng(0).standard_normal((3, 4))", TF2, "random_normal", {"mean": 0.0, "stddev": 1.0}),
        ("np.zeros(4) + 1.0", TF2, "ones", {}),
        ("np.ones([4]) * 2", TF2, "constant", {"value": 2.0}),
        ("tf.fill([4], -1.0)", TF2, "constant", {"value": -1.0}),
        ("tf.constant(0.0, shape=[4])", TF2, "zeros", {}),
    ],
)
def test_decoded_parameters(expression, header, name, params):
    init = decode(expression, header)
    assert init.name == name
    for key, value in params.items():
        assert init.param(key) == pytest.approx(value), key


@pytest.mark.parametrize(
    ("expression", "header"),
    [
        ("tf.glorot_uniform_initializer()", TF1),
        ("tf.compat.v1.glorot_uniform_initializer()", TF2),
        ("tf.keras.initializers.GlorotUniform()", TF2),
        ("tf.keras.initializers.glorot_uniform()", TF2),
        ("keras.initializers.get('glorot_uniform')", TF2),
        ("tf.contrib.layers.xavier_initializer()", "import tensorflow as tf\n"),
        ("tf.keras.initializers.VarianceScaling(1.0, 'fan_avg', 'uniform')", TF2),
        ("tf.initializers.glorot_uniform()", TF2),
    ],
)
def test_every_glorot_uniform_spelling(expression, header):
    init = decode(expression, header)
    assert init.name == "glorot_uniform"
    assert init.fan_scaling == ("fan_avg", 1.0)


def test_xavier_normal_and_glorot_normal_share_glorots_variance():
    assert decode("tf.contrib.layers.xavier_initializer(uniform=False)", "import tensorflow as tf\n").name == "glorot_normal"
    assert decode("tf.keras.initializers.GlorotNormal()").fan_scaling == ("fan_avg", 1.0)


def test_contrib_variance_scaling_defaults_to_he_not_glorot():
    init = decode("tf.contrib.layers.variance_scaling_initializer()", "import tensorflow as tf\n")
    assert init.name == "variance_scaling"
    assert init.fan_scaling == ("fan_in", 2.0)


def test_a_hand_written_fan_scaled_normal_is_recognised():
    """np.random.randn(a, b) * sqrt(2 / (a + b)) has Glorot's variance."""
    init = decode("np.random.randn(n_in, n_out) * np.sqrt(2.0 / (n_in + n_out))", TF2 + "n_in, n_out = f()\n")
    assert init.name == "random_normal"
    assert init.fan_scaling == ("fan_avg", 1.0)
    init = decode("np.random.randn(n, m) / np.sqrt(n)", TF2 + "n, m = f()\n")
    assert init.fan_scaling == ("fan_in", 1.0)


def test_an_orthogonal_matrix_built_by_hand_with_svd():
    init = decode("np.linalg.svd(np.random.randn(n, n))[0]", TF2 + "n = f()\n")
    assert init.name == "orthogonal"


def test_zeros_and_ones_concatenated_per_gate():
    init = decode("tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])], 0)", TF2 + "u = f()\n")
    assert init.name == "piecewise"
    assert [(start, end, piece.name) for _, start, end, piece in init.pieces] == [(0.0, 0.25, "zeros"), (0.25, 0.5, "ones"), (0.5, 1.0, "zeros")]


@pytest.mark.parametrize("alias", ["zeros", "zero", "Zeros"])
def test_keras_string_aliases(alias):
    module = f"import keras\nX = keras.initializers.get({alias!r})\n"
    interpreter = Interpreter(cst.parse_module(module))
    interpreter.run()
    assert to_model(interpreter.module_scope.vars["X"].dist, None, None).name == "zeros"
