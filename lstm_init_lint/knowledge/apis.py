"""What TensorFlow, Keras and NumPy calls mean, as data.

``canonical`` maps a resolved import path (``tensorflow.compat.v1.nn.sigmoid``)
to a namespace and a path inside it (``("tf1", "nn.sigmoid")``). The tables
below then say what each path does for the analysis: which calls compute an
activation, a matrix product, a concatenation; which create variables, which
drive a recurrence. Initialiser spellings live in ``initializers.py``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

# Namespaces: "tf" (plain tensorflow: TF1 or TF2 defaults depending on the
# file), "tf1" (tensorflow.compat.v1 and TF1-only internals), "tf2"
# (tensorflow.compat.v2), "keras" (keras, tf.keras, tf_keras), "np", "math".

_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tensorflow.compat.v1.keras.", "keras"),
    ("tensorflow.compat.v2.keras.", "keras"),
    ("tensorflow.compat.v1.", "tf1"),
    ("tensorflow.compat.v2.", "tf2"),
    ("tensorflow.python.keras.", "keras"),
    ("tensorflow.keras.", "keras"),
    ("tensorflow.contrib.", "tf1:contrib."),
    ("tensorflow.", "tf"),
    ("tf_slim.", "tf1:contrib.slim."),  # TF-Slim, contrib's slim as its own package
    ("tf_keras.src.", "keras"),
    ("tf_keras.", "keras"),
    ("keras.src.", "keras"),
    ("keras.", "keras"),
    ("numpy.", "np"),
    ("math.", "math"),
)

# tensorflow.python.ops.<module>.<name>: the module decides the generation.
_TF_PYTHON_OPS_TF1 = {"init_ops", "variable_scope", "rnn_cell_impl", "rnn"}
# The ops modules TF 0.x code also reached as tf.<module> (tf.math_ops.matmul).
_TF_OPS_MODULES = frozenset({"math_ops", "array_ops", "nn_ops", "init_ops", "random_ops", "clip_ops"})


@functools.lru_cache(maxsize=4096)  # speed: the same few names are resolved again and again
def canonical(qualname: str) -> tuple[str, str] | None:
    if qualname.startswith("tensorflow.python.ops."):
        rest = qualname[len("tensorflow.python.ops.") :]
        module, _, name = rest.partition(".")
        if not name:
            return None
        if module == "init_ops_v2":
            return ("tf2", name)
        return ("tf1" if module in _TF_PYTHON_OPS_TF1 else "tf", name)
    parts = qualname.split(".")
    if parts[0] == "tensorflow" and len(parts) in (3, 5) and parts[-2] in _TF_OPS_MODULES and (len(parts) == 3 or parts[1] == "compat"):
        # tf.math_ops.matmul: TF 0.x code reaching an ops module through the top-level package
        # (Enny1991/PLSTM's projection), the same function as tensorflow.python.ops.math_ops.matmul.
        return canonical("tensorflow.python.ops." + ".".join(parts[-2:]))
    if qualname.startswith("tensorflow.python.framework."):
        name = qualname.rsplit(".", 1)[-1]
        return ("tf", name)
    for prefix, namespace in _PREFIXES:
        if qualname.startswith(prefix):
            rest = qualname[len(prefix) :]
            if ":" in namespace:
                namespace, extra = namespace.split(":")
                rest = extra + rest
            if namespace == "keras" and rest.startswith("src."):
                rest = rest[4:]
            return namespace, rest
    if qualname in ("tensorflow", "keras", "numpy"):
        return None
    return None


def table_key(namespace: str, path: str) -> str:
    """Key into the op tables: tf1/tf2 share TensorFlow's."""
    family = "tf" if namespace in ("tf", "tf1", "tf2") else namespace
    return f"{family}:{path}"


@dataclass(frozen=True)
class FrameworkLayer:
    """A framework layer or function whose kernel and bias a hand-written
    cell uses as its own weights: where its arguments sit (position,
    keyword; position 99: keyword only) and what it creates when they are
    left out."""

    api: str  # as findings name it
    function: bool  # creates and applies its weights in one call (tf.layers.dense); else a class whose instances apply them
    units: tuple[int, str]
    kernel: tuple[int, str]  # the kernel initializer argument
    kernel_default: str  # a Keras initializer name
    bias: tuple[int, str]
    bias_default: str
    inputs: tuple[int, str] | None = None  # a function's (a class takes them when called)
    activation: tuple[int, str] | None = None
    activation_default: str | None = None
    # True, False or None turns the bias on or off; bias_by_default when absent.
    bias_switch: tuple[int, str] | None = None
    bias_by_default: bool = True
    no_bias_when_none: bool = False  # biases_initializer=None: no bias at all (fully_connected)
    # No kernel initializer means the enclosing variable_scope's initializer,
    # then kernel_default (TF1 layers and _linear go through get_variable).
    kernel_scope: bool = False
    # An argument only the TF 1.0/1.1 signature has (_linear's bias_start, a
    # number for the whole bias): a call that passes it has no
    # kernel_initializer= / bias_initializer= to fix through.
    old_signature: tuple[int, str] | None = None
    # Whether the name alone says which signature: True for names only TF 0.x
    # / 1.0 / 1.1 had (tf.nn.rnn_cell._linear), None where either may be
    # meant and only the call's arguments can tell.
    old_by_name: bool | None = False
    # The inputs are a list joined along the features (_linear([x, h], ...)).
    joins_inputs: bool = False


_KERAS_DENSE = FrameworkLayer("Dense", False, units=(0, "units"), activation=(1, "activation"), bias_switch=(2, "use_bias"),
                              kernel=(3, "kernel_initializer"), kernel_default="glorot_uniform", bias=(4, "bias_initializer"), bias_default="zeros")
# tf.layers.dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
# bias_initializer=zeros_initializer()): no kernel initializer is the scope's, then
# glorot_uniform; the bias is zeros whatever the scope says (checked with
# tf_keras 2.21's tf.compat.v1.layers.dense, TF_USE_LEGACY_KERAS=1).
_TF_LAYERS_DENSE = FrameworkLayer("tf.layers.dense", True, inputs=(0, "inputs"), units=(1, "units"), activation=(2, "activation"),
                                  bias_switch=(3, "use_bias"), kernel=(4, "kernel_initializer"), kernel_default="glorot_uniform",
                                  bias=(5, "bias_initializer"), bias_default="zeros", kernel_scope=True)
# contrib's fully_connected(inputs, num_outputs, activation_fn=nn.relu, normalizer_fn=None,
# normalizer_params=None, weights_initializer=xavier_initializer(), weights_regularizer=None,
# biases_initializer=zeros_initializer()): the xavier default is uniform (glorot_uniform) and
# explicit, so a scope's initializer does not reach it; biases_initializer=None (or a
# normalizer_fn) means no bias (TF 1.15 contrib/layers/python/layers/layers.py).
_FULLY_CONNECTED = FrameworkLayer("fully_connected", True, inputs=(0, "inputs"), units=(1, "num_outputs"), activation=(2, "activation_fn"),
                                  activation_default="relu", kernel=(5, "weights_initializer"), kernel_default="glorot_uniform",
                                  bias=(7, "biases_initializer"), bias_default="zeros", no_bias_when_none=True)
# TF1's rnn_cell _linear(args, output_size, bias, bias_initializer=None, kernel_initializer=None)
# (TF >= 1.2; before: _linear(args, output_size, bias, bias_start=0.0, scope=None)): the kernel is
# get_variable's (the scope's initializer, then glorot_uniform; TF 0.x's get_variable default was
# uniform_unit_scaling, which the analysis does not tell apart), the bias constant 0.0 (or bias_start).
_RNN_CELL_LINEAR = FrameworkLayer("_linear", True, inputs=(0, "args"), units=(1, "output_size"), bias_switch=(2, "bias"),
                                  kernel=(4, "kernel_initializer"), kernel_default="glorot_uniform", bias=(3, "bias_initializer"),
                                  bias_default="zeros", kernel_scope=True, old_signature=(3, "bias_start"), old_by_name=None, joins_inputs=True)
# TF 1.4+'s _Linear(args, output_size, build_bias, bias_initializer=None, kernel_initializer=None):
# _linear as an object, its weights made at the construction, applied by calling it.
_RNN_CELL_LINEAR_CLASS = FrameworkLayer("_Linear", False, inputs=(0, "args"), units=(1, "output_size"), bias_switch=(2, "build_bias"),
                                        kernel=(4, "kernel_initializer"), kernel_default="glorot_uniform", bias=(3, "bias_initializer"),
                                        bias_default="zeros", kernel_scope=True, joins_inputs=True)
# keras EinsumDense(equation, output_shape, activation=None, bias_axes=None,
# kernel_initializer="glorot_uniform", bias_initializer="zeros"): a bias only with bias_axes.
_EINSUM_DENSE = FrameworkLayer("EinsumDense", False, units=(1, "output_shape"), activation=(2, "activation"), bias_switch=(3, "bias_axes"),
                               bias_by_default=False, kernel=(4, "kernel_initializer"), kernel_default="glorot_uniform",
                               bias=(5, "bias_initializer"), bias_default="zeros")

FRAMEWORK_LAYERS: dict[str, FrameworkLayer] = {
    "keras:layers.Dense": _KERAS_DENSE,
    "keras:layers.core.Dense": _KERAS_DENSE,
    # tf.layers.Dense: Keras' Dense, but its kernel initializer defaults to None (the scope's)
    "tf:layers.Dense": replace(_KERAS_DENSE, api="tf.layers.Dense", kernel_scope=True),
    "tf:layers.dense": _TF_LAYERS_DENSE,
    "tf:contrib.layers.fully_connected": _FULLY_CONNECTED,
    "tf:contrib.slim.fully_connected": _FULLY_CONNECTED,
    "tf:contrib.slim.layers.fully_connected": _FULLY_CONNECTED,
    "tf:contrib.layers.python.layers.layers.fully_connected": _FULLY_CONNECTED,
    "tf:contrib.layers.linear": replace(_FULLY_CONNECTED, api="linear", activation=None, activation_default=None),
    # TF 0.x's tf.nn.rnn_cell and TF 1.0/1.1's core_rnn_cell_impl: the old signature
    "tf:nn.rnn_cell._linear": replace(_RNN_CELL_LINEAR, old_by_name=True),
    "tf:contrib.rnn.python.ops.core_rnn_cell_impl._linear": replace(_RNN_CELL_LINEAR, old_by_name=True),
    # either signature, depending on the TensorFlow the code was written for
    "tf:_linear": _RNN_CELL_LINEAR,  # tensorflow.python.ops.rnn_cell(_impl)._linear
    "tf:contrib.rnn.python.ops.core_rnn_cell._linear": _RNN_CELL_LINEAR,
    "tf:contrib.rnn.python.ops.rnn_cell._linear": _RNN_CELL_LINEAR,
    "tf:_Linear": _RNN_CELL_LINEAR_CLASS,
    "tf:nn.rnn_cell._Linear": _RNN_CELL_LINEAR_CLASS,
    "tf:contrib.rnn.python.ops.core_rnn_cell._Linear": _RNN_CELL_LINEAR_CLASS,
    "keras:layers.EinsumDense": _EINSUM_DENSE,
    "keras:layers.experimental.EinsumDense": _EINSUM_DENSE,
}

_ACTIVATIONS = ("sigmoid", "tanh", "hard_sigmoid", "relu", "softsign", "relu6", "elu", "selu", "softmax", "silu", "swish", "gelu")
ACTIVATIONS = frozenset(_ACTIVATIONS)  # the last names every library spells its activations with

OPS: dict[str, str] = {}


def _add(kind: str, *keys: str) -> None:
    for key in keys:
        OPS[key] = kind


_add("matmul", "tf:matmul", "tf:linalg.matmul", "tf:nn.conv2d", "tf:tensordot", "tf:linalg.tensordot", "keras:ops.matmul", "keras:ops.dot", "keras:backend.dot", "keras:ops.tensordot", "np:dot", "np:matmul", "np:tensordot", "tf:sparse.sparse_dense_matmul", "tf:batch_matmul")
_add("einsum", "tf:einsum", "tf:linalg.einsum", "keras:ops.einsum", "np:einsum")
_add("add", "tf:add", "tf:math.add", "tf:nn.bias_add", "tf:bias_add", "keras:ops.add", "keras:backend.bias_add", "np:add")
_add("add_n", "tf:add_n", "tf:math.add_n", "keras:ops.add_n")
_add("sub", "tf:subtract", "tf:math.subtract", "tf:sub", "keras:ops.subtract", "np:subtract")
_add("mul", "tf:multiply", "tf:math.multiply", "tf:mul", "keras:ops.multiply", "np:multiply")
_add("neg", "tf:neg", "tf:negative", "tf:math.negative", "keras:ops.negative", "np:negative")
_add("div", "tf:divide", "tf:math.divide", "tf:truediv", "tf:div", "keras:ops.divide", "keras:ops.true_divide", "np:divide", "np:true_divide")
_add("concat", "tf:concat", "keras:ops.concatenate", "keras:backend.concatenate", "np:concatenate", "np:hstack")
_add("stack", "tf:stack", "tf:pack", "keras:ops.stack", "keras:backend.stack", "np:stack", "np:array")
_add("unstack", "tf:unstack", "tf:unpack", "keras:ops.unstack")
# contrib's layer_norm(inputs, center=True, scale=True, ...): the input keeps
# its role, and its own beta is a gate's bias when the gate has no other.
LAYER_NORM_BETA = "layer_norm beta"  # the api findings give that beta (rules and fix speak of it apart)
_add("layer_norm", "tf:contrib.layers.layer_norm", "tf:contrib.layers.python.layers.layers.layer_norm")
_add("split", "tf:split", "keras:ops.split", "np:split", "np:array_split")
_add(
    "pass",
    "tf:identity",
    "tf:reshape",
    "tf:transpose",
    "tf:squeeze",
    "tf:expand_dims",
    "tf:cast",
    "tf:to_float",
    "tf:stop_gradient",
    "tf:nn.dropout",
    "tf:clip_by_value",
    "tf:convert_to_tensor",
    "tf:ensure_shape",
    "tf:constant",
    "tf:layers.dropout",
    # Normalisation between the matmul and the gate: the weight keeps its
    # role through it (its gains and shifts are not gate biases).
    "tf:nn.batch_normalization",
    "tf:contrib.layers.batch_norm",
    "keras:ops.reshape",
    "keras:ops.transpose",
    "keras:ops.squeeze",
    "keras:ops.expand_dims",
    "keras:ops.cast",
    "keras:ops.convert_to_tensor",
    "keras:ops.stop_gradient",
    "keras:ops.clip",
    "keras:backend.dropout",
    "keras:backend.reshape",
    "keras:backend.transpose",
    "keras:backend.cast",
    "keras:backend.expand_dims",
    "np:asarray",
    "np:float32",
    "np:float64",
    "np:reshape",
    "np:transpose",
    "np:clip",
)
_add("gather", "tf:nn.embedding_lookup", "tf:gather", "tf:nn.embedding_lookup_sparse", "keras:ops.take", "keras:backend.gather")
_add("sqrt", "tf:sqrt", "tf:math.sqrt", "np:sqrt", "math:sqrt", "keras:ops.sqrt")
_add("maximum", "tf:maximum", "tf:math.maximum", "np:maximum", "keras:ops.maximum")
_add("xw_plus_b", "tf:nn.xw_plus_b")
_add("while_loop", "tf:while_loop")
_add("scan", "tf:scan", "tf:foldl", "tf:foldr")
_add("k_rnn", "keras:backend.rnn")
# tf.cond(training, lambda: batch_norm(z, ...), lambda: ...): either arm
# passes the matmul through to the gate.
_add("cond", "tf:cond", "keras:backend.in_train_phase", "keras:backend.in_test_phase")
_add("variable", "tf:Variable", "keras:backend.variable", "keras:Variable", "keras:variables.Variable")
_add("get_variable", "tf:get_variable", "tf:get_local_variable", "tf:layers.get_variable")
# Framework layers a hand-written cell uses as its kernels (FRAMEWORK_LAYERS
# below says what each creates).
_add("dense", *sorted(FRAMEWORK_LAYERS))
_add("variable_scope", "tf:variable_scope", "tf:name_scope")
_add("get_variable_scope", "tf:get_variable_scope")
_add("qr", "tf:linalg.qr", "tf:qr", "np:linalg.qr")
_add("svd", "tf:linalg.svd", "tf:svd", "np:linalg.svd")
# np.sign(np.diag(r)): the +-1 column signs that make a QR's Q uniformly distributed
_add("sign", "np:sign", "tf:sign", "tf:math.sign")
_add("activation_get", "keras:activations.get")
_add("initializer_get", "keras:initializers.get")
_add("set_value", "keras:backend.set_value", "tf:assign", "tf:compat.v1.assign")
_add("rng", "np:random.default_rng", "np:random.RandomState", "np:random.Generator")
# NumPy arrays a from-scratch cell keeps as its weights (their parameters are
# in ``analysis/initializers.py``'s TENSOR_INITS, which has these keys).
_add(
    "array",
    "np:random.randn",
    "np:random.rand",
    "np:random.uniform",
    "np:random.normal",
    "np:random.standard_normal",
    "np:random.random",
    "np:random.random_sample",
    "np:random.sample",
    "np:zeros",
    "np:ones",
    "np:full",
    "np:eye",
    "np:identity",
)

for _name in _ACTIVATIONS:
    for _prefix in ("tf:", "tf:nn.", "tf:math.", "keras:activations.", "keras:ops.", "keras:backend.", "np:"):
        OPS.setdefault(_prefix + _name, "act")
OPS["tf:keras.activations.sigmoid"] = "act"


# What a file with a finding must call (``run/prefilter.py`` says why): a
# matrix product and a weight creator, by the kinds above, or a Keras layer's
# weight method (any object's: the class may inherit it from anywhere).
PRODUCT_KINDS = frozenset({"matmul", "einsum", "xw_plus_b"})
CREATOR_KINDS = frozenset({"variable", "get_variable", "dense"})
LAYER_KINDS = frozenset({"dense"})  # creators that are layers (FRAMEWORK_LAYERS): their weights are the layer's
CREATOR_METHODS = ("add_weight", "add_variable")
# A NumPy array is a weight too (``analysis/calls.holds_numpy_weight``), in a
# file that imports numpy.
ARRAY_KINDS = frozenset({"array", "rng"})


def last_names(kinds: frozenset[str]) -> frozenset[str]:
    """The name each call of these kinds ends with, as the code spells it
    (``tf:linalg.tensordot`` -> ``tensordot``)."""
    return frozenset(key.split(":", 1)[1].rsplit(".", 1)[-1] for key, kind in OPS.items() if kind in kinds)


def op_kind(namespace: str, path: str) -> str | None:
    return OPS.get(table_key(namespace, path))


def activation_name(path: str) -> str:
    return path.rsplit(".", 1)[-1]


# TF1-only spellings: their presence makes plain ``tensorflow`` code TF1, which
# changes the defaults of the names both generations share.
TF1_ONLY = frozenset(
    {
        "placeholder",
        "Session",
        "InteractiveSession",
        "get_variable",
        "variable_scope",
        "random_normal",
        "truncated_normal",
        "random_uniform",
        "contrib",
        "global_variables_initializer",
        "initialize_all_variables",
        "glorot_uniform_initializer",
        "orthogonal_initializer",
        "truncated_normal_initializer",
        "get_variable_scope",
        "layers",
        "to_float",
        "div",
        "log",
        "disable_v2_behavior",
        "reset_default_graph",
        # TensorFlow 0.x's names, gone by 2.0 (0.x defaults are TF1's)
        "mul",
        "sub",
        "neg",
        "pack",
        "unpack",
        "batch_matmul",
    }
)


# Attributes only TensorFlow 0.x has (removed in 1.0): a file that reads one is
# 0.x code, whose get_variable without an initializer (nor a scope's) took
# uniform_unit_scaling_initializer(), not glorot_uniform. tf.nn.rnn_cell came
# back in 1.2 without its private _linear. An axis-first concat / split is
# the same evidence (analysis.calls).
TF0_ONLY = frozenset(
    {("tensorflow", name) for name in ("mul", "sub", "neg", "pack", "unpack", "batch_matmul")}
    | {("tensorflow.nn.rnn_cell", "_linear")}
)


# Top-level modules that are never a project's own (``run/prefilter.py`` and
# ``source/gate.py`` keep a file that imports one of its project's modules,
# whose functions may hold its cell): the frameworks the tables above
# describe (their calls are read from the tables, not followed), and packages
# as widely installed, which a project cannot shadow without breaking its own
# imports. The standard library is added where it is used (``sys.stdlib_module_names``).
NOT_PROJECT_MODULES = frozenset(
    {
        "tensorflow", "keras", "tf_keras", "numpy",
        "absl", "cupy", "flatbuffers", "flax", "google", "grpc", "h5py", "IPython", "jax", "matplotlib", "ml_dtypes", "mock", "onnx", "onnxruntime",
        "opt_einsum", "optree", "packaging", "pandas", "parameterized", "PIL", "portpicker", "pytest", "requests", "scipy",
        "setuptools", "six", "sklearn", "tensorboard", "theano", "torch", "tqdm", "typing_extensions", "wrapt", "yaml",
        # imported by TensorFlow's and Keras' own sources
        "astunparse", "cloud_tpu_client", "gast", "googleapiclient", "grain", "kubernetes", "litert_torch", "memory_profiler",
        "oauth2client", "objgraph", "openvino", "pasta", "pydot", "pydot_ng", "pydotplus", "rich", "skimage",
        "tensorflow_probability", "tflite_runtime",
    }
)  # fmt: skip
