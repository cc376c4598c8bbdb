"""Write a reference initialiser in the file's own dialect.

The same glorot_uniform is ``tf.glorot_uniform_initializer()`` in TF1 graph
code (``tf.compat.v1``), ``tf.keras.initializers.GlorotUniform()`` in TF2 code,
and ``"glorot_uniform"`` in a Keras ``add_weight``. Names that changed meaning
between versions are avoided (TF1's ``random_normal_initializer()`` draws
with stddev 1.0, TF2's with 0.05): TF1 code gets the v1 initializer objects,
which accept ``dtype``; TF2 code gets the Keras classes. A parameter's
default in TF1 code is spelled through ``tf.compat.v1``: it runs when the
module is imported, and a TF1 module that imports under TensorFlow 2 must
still do so after the fix.
Every module prefix used is one the file already imports, or the creating
call itself uses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import CellKind, CellWeight, FixSite, Initializer, Role
from ..analysis import sizes as X

_TF2_CLASSES = {"glorot_uniform": "GlorotUniform", "orthogonal": "Orthogonal"}
_TF1_FUNCTIONS = {"glorot_uniform": "glorot_uniform_initializer", "orthogonal": "orthogonal_initializer", "zeros": "zeros_initializer", "ones": "ones_initializer"}


class CannotSpell(Exception):
    """No faithful spelling: the message says why."""


@dataclass(frozen=True)
class Dialect:
    """How one file names TensorFlow and Keras (from its imports)."""

    tf: str | None  # tensorflow (the TF2 API)
    tf1: str | None  # tensorflow.compat.v1
    keras: str | None  # keras (Keras 3)
    ops: str | None  # keras.ops
    initializers: str | None  # (tf.)keras.initializers
    tf1_code: bool  # plain `tensorflow` used with TF1-only names
    axis_first: bool = False  # TF 0.x argument orders: concat(axis, values)
    numpy: str | None = None  # numpy, for arrays made with it

    @classmethod
    def of(cls, aliases: tuple[tuple[str, str], ...], dialect: str, axis_first: bool = False) -> Dialect:
        names: dict[str, str] = {}
        for qualname, local in aliases:
            names.setdefault(qualname, local)
        tf = names.get("tensorflow")
        keras = names.get("keras")
        initializers = names.get("keras.initializers") or names.get("tensorflow.keras.initializers")
        if initializers is None and names.get("tensorflow.keras"):  # from tensorflow import keras
            initializers = f"{names['tensorflow.keras']}.initializers"
        ops = names.get("keras.ops") or (f"{keras}.ops" if keras else None)
        tf1 = names.get("tensorflow.compat.v1") or (f"{tf}.compat.v1" if tf else None)
        return cls(tf, tf1, keras, ops, initializers, dialect == "tf1", axis_first, names.get("numpy"))

    def concat(self, module: str, parts: list[str], axis: int = 0) -> str:
        """``tf.concat`` of rows (or along ``axis``), in the argument order the
        file uses (its TensorFlow 0.x took the axis first)."""
        if self.axis_first:
            return f"{module}.concat({axis}, [{', '.join(parts)}])"
        return f"{module}.concat([{', '.join(parts)}], {axis})"

    def needed_import(self) -> str | None:
        """The import a tf-based spelling needs when the file has none."""
        return None if self.tf or self.tf1 else "import tensorflow as tf"


def _tf1_style(site: FixSite, dialect: Dialect) -> bool:
    return site.namespace == "tf1" or (site.namespace == "tf" and dialect.tf1_code)


def _module(site: FixSite, dialect: Dialect) -> str:
    """The TensorFlow module to spell ``zeros`` / ``concat`` / initializers with."""
    if site.namespace in ("tf", "tf1", "tf2") and site.module:
        return site.module
    if _tf1_style(site, dialect):
        return dialect.tf1 or "tf"
    return dialect.tf or dialect.tf1 or "tf"


def _keras_initializers(site: FixSite, dialect: Dialect) -> str:
    if dialect.initializers:
        return dialect.initializers
    if site.namespace == "keras" and dialect.keras:
        return f"{dialect.keras}.initializers"
    if dialect.tf:
        return f"{dialect.tf}.keras.initializers"
    if dialect.keras:
        return f"{dialect.keras}.initializers"
    return f"{_module(site, dialect)}.keras.initializers"


def _initializer_object(name: str, site: FixSite, dialect: Dialect, args: str = "") -> str:
    """``tf.orthogonal_initializer()`` (TF1) / ``tf.keras.initializers.Orthogonal()``."""
    if _tf1_style(site, dialect):
        return f"{_module(site, dialect)}.{_TF1_FUNCTIONS[name]}({args})"
    return f"{_keras_initializers(site, dialect)}.{_TF2_CLASSES[name]}({args})"


def _dtype(site: FixSite, module: str) -> str:
    """The ``dtype=`` a new tensor needs to match its variable (none for float32)."""
    if site.dtype_code:
        return f", dtype={site.dtype_code}"
    return f", dtype={module}.{site.dtype}" if site.dtype else ""


def bias_runs(expected: Initializer, blocks: int) -> list[tuple[float, int]]:
    """A per-gate vector as (value, number of gate blocks) runs."""
    if expected.name != "piecewise":
        value = expected.constant_value()
        if value is None:
            raise CannotSpell(f"no spelling for {expected.text}")
        return [(value, blocks)]
    runs = []
    for _, start, end, piece in expected.pieces:
        value = piece.constant_value()
        if value is None:
            raise CannotSpell(f"no spelling for {expected.text}")
        runs.append((value, round((end - start) * blocks)))
    return runs


def _whole_shape(runs: list[tuple[float, int]], site: FixSite) -> str | None:
    """The shape as written, for a bias of one constant whose dims cannot be
    read (a name holding the shape, a slice of a list): None otherwise."""
    if len(runs) != 1 or not site.shape or X.dims(site.shape):
        return None
    return site.shape


def _total_size(site: FixSite) -> str:
    """A one-dimensional bias's length as written."""
    dims, _axis = _bias_dims(site)
    if len(dims) != 1:
        raise CannotSpell("cannot read the bias's length where it is created")
    return dims[0]


def _bias_dims(site: FixSite) -> tuple[list[str], int]:
    """The bias's dims as written and the axis its gates run along: its only
    one, or the only one that is not 1 (``[1, 4 * u]``: the last; a NumPy
    column ``(4 * u, 1)``: the first)."""
    dims = X.dims(site.shape) if site.shape else None
    if not dims:
        raise CannotSpell("cannot read the bias's length where it is created")
    if len(dims) == 1:
        return dims, 0
    long = [k for k, dim in enumerate(dims) if dim != "1"]
    if len(long) != 1:
        raise CannotSpell(f"cannot tell which axis of the bias's shape `{site.shape}` holds the gates")
    return dims, long[0]


def _constant_tensor(value: float, size: str, module: str, dtype: str) -> str:
    if value == 0.0:
        return f"{module}.zeros([{size}]{dtype})"
    if value == 1.0:
        return f"{module}.ones([{size}]{dtype})"
    # ``fill`` takes its dtype from the value: a Python float is float32.
    if dtype:
        return f"{module}.fill([{size}], {module}.cast({value!r}, {dtype.removeprefix(', dtype=')}))"
    return f"{module}.fill([{size}], {value!r})"


def _vector(runs: list[tuple[float, int]], width: str, module: str, dtype: str, dialect: Dialect, dims: list[str] | None = None, axis: int = 0) -> str:
    """``tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])], 0)``; for
    a bias shaped ``[1, 4 * u]`` (``dims``), pieces ``[1, u]`` joined along
    its gate ``axis``."""

    def size(count: int) -> str:
        piece = X.multiply(width, count)
        return piece if not dims or len(dims) == 1 else ", ".join(piece if k == axis else dim for k, dim in enumerate(dims))

    parts = [_constant_tensor(value, size(count), module, dtype) for value, count in runs]
    return parts[0] if len(parts) == 1 else dialect.concat(module, parts, axis)


# --- tf.Variable(<value>) ---------------------------------------------------------


def value_code(expected: Initializer, weight: CellWeight, dialect: Dialect, match: str, reference: str) -> str:
    """A tensor with the reference's initial values at the weight's shape."""
    site = weight.fix_site
    if site.api == "numpy":
        return numpy_code(expected, weight, dialect, match)
    module = _module(site, dialect)
    dtype = _dtype(site, module)
    if expected.name in ("glorot_uniform", "orthogonal"):
        if match == "exact" and _per_gate(weight):
            shape, index = _exact_slice(expected, weight, reference)
            return f"{_initializer_object(expected.name, site, dialect)}({shape}{dtype}){index}"
        if match == "exact" and weight.role is Role.FUSED_KERNEL and reference == "keras":
            return _exact_fused(weight, site, dialect, dtype)
        return f"{_initializer_object(expected.name, site, dialect)}({site.shape}{dtype})"
    if weight.role in (Role.BIAS, Role.FORGET_BIAS):
        blocks = max(1, len(weight.gates))
        runs = bias_runs(expected, blocks)
        whole = _whole_shape(runs, site)
        if whole is not None and not (site.namespace == "keras" and dialect.keras):
            # One constant: the shape as written serves, whatever it is (``shape``, ``sizes[1:]``).
            return _constant_tensor(runs[0][0], whole, module, dtype).replace(f"([{whole}]", f"({whole}", 1)
        dims, axis = _bias_dims(site)
        width = X.divide(dims[axis], blocks)
        if site.namespace == "keras" and dialect.keras:
            if len(dims) != 1:
                raise CannotSpell("cannot read the bias's length where it is created")
            return _ops_vector(runs, width, dialect, site)
        return _vector(runs, width, module, dtype, dialect, dims, axis)
    raise CannotSpell(f"no spelling for {expected.text}")


def _ops_vector(runs: list[tuple[float, int]], width: str, dialect: Dialect, site: FixSite) -> str:
    """The same vector in Keras 3 ops, for ``keras.Variable``."""
    ops = dialect.ops or f"{dialect.keras}.ops"
    dtype = f", dtype={site.dtype_code}" if site.dtype_code else f', dtype="{site.dtype}"' if site.dtype else ""
    parts = [_ops_constant(ops, value, X.multiply(width, count), dtype) for value, count in runs]
    return parts[0] if len(parts) == 1 else f"{ops}.concatenate([{', '.join(parts)}])"


# --- initializer= of get_variable / add_weight / keras.Variable -----------------------


def initializer_code(expected: Initializer, weight: CellWeight, dialect: Dialect, match: str, reference: str) -> str:
    site = weight.fix_site
    layer = site.namespace in ("layer", "keras")
    if expected.name in ("glorot_uniform", "orthogonal"):
        if match == "exact" and _per_gate(weight):
            return _exact_lambda(expected, weight, site, dialect, reference)
        if match == "exact" and weight.role is Role.FUSED_KERNEL and reference == "keras":
            return _exact_fused_lambda(weight, site, dialect)
        if layer:
            return f'"{expected.name}"'
        return _initializer_object(expected.name, site, dialect)
    if weight.role not in (Role.BIAS, Role.FORGET_BIAS):
        raise CannotSpell(f"no spelling for {expected.text}")
    blocks = max(1, len(weight.gates))
    runs = bias_runs(expected, blocks)
    if len(runs) == 1:
        value = runs[0][0]
        if layer:
            return {0.0: '"zeros"', 1.0: '"ones"'}.get(value) or f"{_keras_initializers(site, dialect)}.Constant({value!r})"
        if value in (0.0, 1.0):
            return _initializer_object_v1("zeros" if value == 0.0 else "ones", site, dialect)
        return f"{_module(site, dialect)}.constant_initializer({value!r})"
    dims, axis = _bias_dims(site)
    width = X.divide(dims[axis], blocks)
    if layer and dialect.keras and not dialect.tf:
        if len(dims) != 1:
            raise CannotSpell("cannot read the bias's length where it is created")
        ops = dialect.ops or f"{dialect.keras}.ops"
        parts = [_ops_constant(ops, v, X.multiply(width, n), ", dtype") for v, n in runs]
        return f"lambda shape, dtype=None: {ops}.concatenate([{', '.join(parts)}])"
    module = _module(site, dialect)
    if layer:
        return f'lambda shape, dtype="float32": {_vector_with_dtype(runs, width, module, dialect, dims, axis)}'
    return f"lambda shape, dtype={module}.float32, partition_info=None: {_vector_with_dtype(runs, width, module, dialect, dims, axis)}"


# --- a parameter's default (a configurable initialiser) --------------------------------


_KERAS_CONSTANT_CLASSES = {0.0: "Zeros", 1.0: "Ones"}


def default_code(expected: Initializer, weight: CellWeight, dialect: Dialect, match: str, reference: str) -> str:
    """The reference initialiser as a parameter's new default, in the form
    of the old one: a string (``"orthogonal"``) where the default was a
    string, else an initializer object (``tf.orthogonal_initializer()``,
    ``keras.initializers.Orthogonal()``). A default serves every weight
    created with it, so it cannot hold a per-gate vector."""
    site = weight.fix_site
    if _tf1_style(site, dialect) and dialect.tf1:
        # A default is evaluated when its function is defined, that is when
        # the module is imported: spelled through ``compat.v1``, a TF1 module
        # that imports under TensorFlow 2 still does (``tf.glorot_uniform_
        # initializer`` is gone there, ``tf.compat.v1``'s is not).
        site = replace(site, module=dialect.tf1)
    if expected.name in ("glorot_uniform", "orthogonal"):
        if match == "exact":
            return initializer_code(expected, weight, dialect, match, reference)
        if site.default_form == "string":
            return f'"{expected.name}"'
        return _initializer_object(expected.name, site, dialect)
    if weight.role not in (Role.BIAS, Role.FORGET_BIAS):
        raise CannotSpell(f"no spelling for {expected.text}")
    runs = bias_runs(expected, max(1, len(weight.gates)))
    if len(runs) != 1:
        raise CannotSpell(
            f"its initializer is the default of `{site.parameter}`, which starts every gate's block alike, and the reference's per-gate vector cannot be such a default"
        )
    value = runs[0][0]
    if site.default_form == "string" and value in (0.0, 1.0):
        return '"zeros"' if value == 0.0 else '"ones"'
    if _tf1_style(site, dialect) or site.namespace in ("tf", "tf1"):
        if value in (0.0, 1.0):
            return _initializer_object_v1("zeros" if value == 0.0 else "ones", site, dialect)
        return f"{_module(site, dialect)}.constant_initializer({value!r})"
    initializers = _keras_initializers(site, dialect)
    if value in _KERAS_CONSTANT_CLASSES:
        return f"{initializers}.{_KERAS_CONSTANT_CLASSES[value]}()"
    return f"{initializers}.Constant({value!r})"


def configured_bias_code(expected: Initializer, current: Initializer, weight: CellWeight, dialect: Dialect, configured: str) -> str:
    """A per-gate bias whose initializer is configurable, as Keras' LSTMCell
    builds it with unit_forget_bias: the configured initializer draws every
    block that should start as it does now, the reference's constant the
    others (``tf.concat([self.bias_initializer((u,), dtype), tf.ones((u,),
    dtype), self.bias_initializer((2 * u,), dtype)], 0)``)."""
    site = weight.fix_site
    now = current.constant_value()
    if now is None:
        raise CannotSpell(f"its initializer is the default of `{site.parameter}`, which does not start as a constant")
    blocks = max(1, len(weight.gates))
    width = X.divide(_total_size(site), blocks)
    runs = bias_runs(expected, blocks)
    if site.namespace in ("layer", "keras") and dialect.keras and not dialect.tf:
        ops = dialect.ops or f"{dialect.keras}.ops"
        parts = [f"{configured}(({X.multiply(width, n)},), dtype)" if v == now else _ops_constant(ops, v, X.multiply(width, n), ", dtype") for v, n in runs]
        return f"lambda shape, dtype=None: {ops}.concatenate([{', '.join(parts)}])"
    module = _module(site, dialect)
    parts = []
    for value, count in runs:
        size = X.multiply(width, count)
        if value == now:
            parts.append(f"{configured}(({size},), dtype)")
        elif value in (0.0, 1.0):
            parts.append(f"{module}.{'zeros' if value == 0.0 else 'ones'}(({size},), dtype)")
        else:
            parts.append(f"{module}.fill([{size}], {module}.cast({value!r}, dtype))")
    joined = parts[0] if len(parts) == 1 else dialect.concat(module, parts)
    if site.namespace in ("layer", "keras"):
        return f"lambda shape, dtype=None: {joined}"
    return f"lambda shape, dtype={module}.float32, partition_info=None: {joined}"


def _ops_constant(ops: str, value: float, size: str, dtype: str) -> str:
    """A Keras 3 ops vector of one constant: ``ops.zeros((u,))``, ``ops.ones``,
    else ``ops.full((u,), -2.0)``. ``dtype`` is the argument text after the
    shape (``, dtype`` or ``, dtype="float64"``), or empty."""
    if value in (0.0, 1.0):
        return f"{ops}.{'zeros' if value == 0.0 else 'ones'}(({size},){dtype})"
    return f"{ops}.full(({size},), {value!r}{dtype})"


def _vector_with_dtype(runs: list[tuple[float, int]], width: str, module: str, dialect: Dialect, dims: list[str] | None = None, axis: int = 0) -> str:
    """The per-gate vector inside an ``initializer=`` callable, in the
    ``dtype`` it is called with; a constant other than 0 and 1 is a ``fill``.
    ``dims``: the shape as written (``[1, 4 * u]``: pieces ``[1, u]`` along ``axis``)."""
    parts = []
    for value, count in runs:
        size = X.multiply(width, count)
        if dims and len(dims) > 1:
            size = ", ".join(size if k == axis else dim for k, dim in enumerate(dims))
        if value in (0.0, 1.0):
            parts.append(f"{module}.{'zeros' if value == 0.0 else 'ones'}([{size}], dtype)")
        else:
            parts.append(f"{module}.fill([{size}], {module}.cast({value!r}, dtype))")
    return parts[0] if len(parts) == 1 else dialect.concat(module, parts, axis)


def _initializer_object_v1(name: str, site: FixSite, dialect: Dialect) -> str:
    return f"{_module(site, dialect)}.{_TF1_FUNCTIONS[name]}()"


# --- --match exact ------------------------------------------------------------------


def _gate_count(weight: CellWeight) -> int:
    return 4 if weight.cell is CellKind.LSTM else 3


def _per_gate(weight: CellWeight) -> bool:
    return len(weight.gates) <= 1 and weight.role in (Role.INPUT_KERNEL, Role.RECURRENT_KERNEL)


def _exact_slice(expected: Initializer, weight: CellWeight, reference: str) -> tuple[str, str]:
    """A per-gate matrix drawn as its slice of the reference's fused matrix:
    ``Orthogonal()([u, 4 * u])[:, :u]`` (Keras), or a row block of TF1's one
    glorot kernel over ``[x, h]``: ``glorot([n_in + u, 4 * u])[:n_in, :u]``."""
    dims = X.dims(weight.fix_site.shape) if weight.fix_site.shape else None
    if not dims or len(dims) != 2:
        raise CannotSpell("cannot read the matrix's shape where it is created")
    rows, width = dims
    fused_width = X.multiply(width, _gate_count(weight))
    if reference == "keras":
        return f"[{rows}, {fused_width}]", f"[:, :{width}]"
    if weight.role is Role.INPUT_KERNEL:
        return f"[{rows} + {width}, {fused_width}]", f"[:{rows}, :{width}]"
    n_in = weight.fix_site.input_size
    if n_in is None:
        raise CannotSpell("under --match exact, a TF1 recurrent block needs the cell's input size, which is not written where this weight is created")
    return f"[{n_in} + {width}, {fused_width}]", f"[{n_in}:, :{width}]"


def _exact_fused(weight: CellWeight, site: FixSite, dialect: Dialect, dtype: str) -> str:
    """Keras keeps a fused [x; h] kernel as glorot input rows over orthogonal
    recurrent rows."""
    dims = X.dims(site.shape) if site.shape else None
    if not dims or len(dims) != 2:
        raise CannotSpell("cannot read the fused kernel's shape where it is created")
    rows, columns = dims
    width = X.divide(columns, max(1, len(weight.gates)))
    n_in = X.split_sum(rows, width)
    if n_in is None:
        raise CannotSpell(f"cannot split the fused kernel's rows `{rows}` into input and hidden sizes")
    module = _module(site, dialect)
    glorot = _initializer_object("glorot_uniform", site, dialect)
    orthogonal = _initializer_object("orthogonal", site, dialect)
    return dialect.concat(module, [f"{glorot}([{n_in}, {columns}]{dtype})", f"{orthogonal}([{width}, {columns}]{dtype})"])


def _exact_fused_lambda(weight: CellWeight, site: FixSite, dialect: Dialect) -> str:
    """Keras' split of a fused [x; h] kernel, for an ``initializer=``: glorot
    rows for the input, orthogonal rows for the hidden state."""
    dims = X.dims(site.shape) if site.shape else None
    if not dims or len(dims) != 2:
        raise CannotSpell("cannot read the fused kernel's shape where it is created")
    width = X.divide(dims[1], max(1, len(weight.gates)))
    if site.namespace in ("layer", "keras"):
        init = _keras_initializers(site, dialect)
        if dialect.keras and not dialect.tf:
            ops = dialect.ops or f"{dialect.keras}.ops"
            join = f"{ops}.concatenate([{{}}, {{}}], axis=0)"
        else:
            join = dialect.concat(_module(site, dialect), ["{}", "{}"])
        rows = join.format(f"{init}.GlorotUniform()((shape[0] - {width}, shape[1]), dtype)", f"{init}.Orthogonal()(({width}, shape[1]), dtype)")
        return f'lambda shape, dtype="float32": {rows}'
    module = _module(site, dialect)
    glorot = _initializer_object("glorot_uniform", site, dialect)
    orthogonal = _initializer_object("orthogonal", site, dialect)
    rows = dialect.concat(module, [f"{glorot}([shape[0] - {width}, shape[1]], dtype)", f"{orthogonal}([{width}, shape[1]], dtype)"])
    return f"lambda shape, dtype={module}.float32, partition_info=None: {rows}"


def _exact_lambda(expected: Initializer, weight: CellWeight, site: FixSite, dialect: Dialect, reference: str) -> str:
    """The exact slice for an ``initializer=`` argument: a callable of shape."""
    k = _gate_count(weight)
    layer = site.namespace in ("layer", "keras")
    obj = f"{_keras_initializers(site, dialect)}.{_TF2_CLASSES[expected.name]}()" if layer else _initializer_object(expected.name, site, dialect)
    if reference == "keras":
        fused, index = f"shape[0], {k} * shape[1]", "[:, : shape[1]]"
    elif weight.role is Role.INPUT_KERNEL:
        fused, index = f"shape[0] + shape[1], {k} * shape[1]", "[: shape[0], : shape[1]]"
    else:
        raise CannotSpell("under --match exact, a TF1 recurrent block needs the cell's input size, which an initializer= callable does not get")
    if layer:
        return f"lambda shape, dtype=\"float32\": {obj}(({fused}), dtype){index}"
    module = _module(site, dialect)
    return f"lambda shape, dtype={module}.float32, partition_info=None: {obj}([{fused}], dtype){index}"


# --- NumPy arrays ----------------------------------------------------------------------
#
# A from-scratch cell keeps its weights as arrays; they get arrays, drawn from
# the generator the code already draws from (``rng = np.random.RandomState(0)``
# keeps its seeding): glorot_uniform as ``uniform(-limit, limit, shape)`` with
# Keras' limit sqrt(6 / (fan_in + fan_out)), orthogonal as the Q factor of a
# normal matrix's QR decomposition, constants as zeros / ones / full. The arrays
# are float64, as NumPy's are; a dtype the replaced expression declared is kept.


def numpy_code(expected: Initializer, weight: CellWeight, dialect: Dialect, match: str) -> str:
    site = weight.fix_site
    np = dialect.numpy
    if np is None:
        raise CannotSpell("the file does not import numpy as a module, which the new array needs")
    dims = X.dims(site.shape) if site.shape else None
    if not dims:
        raise CannotSpell("cannot read the array's shape where it is created")
    declared = site.dtype or "float32"  # numpy's own float64 is None only when float32 was written
    dtype = "" if declared == "float64" else declared
    if expected.name in ("glorot_uniform", "orthogonal"):
        if match == "exact" and (_per_gate(weight) or weight.role is Role.FUSED_KERNEL):
            raise CannotSpell("--match exact has no NumPy spelling for a slice of the reference's fused matrix; --match per-matrix has one")
        rng = _numpy_generator(site, np)
        shape = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
        if expected.name == "glorot_uniform":
            code = _numpy_glorot(dims, shape, rng, np)
        else:
            code = _numpy_orthogonal(dims, rng, np)
        return f"{code}.astype({np}.{dtype})" if dtype else code
    if weight.role not in (Role.BIAS, Role.FORGET_BIAS):
        raise CannotSpell(f"no NumPy spelling for {expected.text}")
    blocks = max(1, len(weight.gates))
    runs = bias_runs(expected, blocks)
    # A declared dtype as .astype(...), the way the analysis reads an array
    # cast after it is made (np.zeros(n, dtype=...) it does not count as a weight).
    cast = f".astype({np}.{dtype})" if dtype else ""

    def constant(value: float, shape: str) -> str:
        return f"{np}.{'zeros' if value == 0.0 else 'ones'}({shape})" if value in (0.0, 1.0) else f"{np}.full({shape}, {value!r})"

    whole = _whole_shape(runs, site)
    if whole is not None:
        return constant(runs[0][0], whole) + cast
    dims, axis = _bias_dims(site)
    width = X.divide(dims[axis], blocks)
    parts = []
    for value, count in runs:
        size = X.multiply(width, count)
        parts.append(constant(value, size if len(dims) == 1 else "(" + ", ".join(size if k == axis else dim for k, dim in enumerate(dims)) + ")"))
    if len(parts) == 1:
        return parts[0] + cast
    return f"{np}.concatenate([{', '.join(parts)}]{f', axis={axis}' if axis else ''}){cast}"


def _numpy_generator(site: FixSite, np: str) -> str:
    """What the code draws from: ``rng`` (a RandomState or Generator),
    ``np.random``; a constant array's ``np`` becomes ``np.random``."""
    module = site.module
    if module and module != np and (module == f"{np}.random" or "." not in module):
        return module
    return f"{np}.random"


def _numpy_glorot(dims: list[str], shape: str, rng: str, np: str) -> str:
    if len(dims) > 2:
        raise CannotSpell("no NumPy spelling of glorot_uniform for more than two dimensions")
    fans = X.multiply(dims[0], 2) if len(dims) == 1 else _sum(dims[0], dims[1])
    limit = f"{np}.sqrt(6.0 / ({fans}))"  # 6.0: Python 2 divides integers
    return f"{rng}.uniform(-{limit}, {limit}, {shape})"


def _numpy_orthogonal(dims: list[str], rng: str, np: str) -> str:
    """Q of a normal matrix's QR: orthonormal columns for a tall or square
    shape; a wide one (``(u, 4 * u)``) is the transpose of a tall one."""
    if len(dims) != 2:
        raise CannotSpell("an orthogonal NumPy array needs a two-dimensional shape")
    rows, columns = dims
    if _at_most(columns, rows):
        return f"{np}.linalg.qr({rng}.standard_normal(({rows}, {columns})))[0]"
    if _at_most(rows, columns):
        return f"{np}.linalg.qr({rng}.standard_normal(({columns}, {rows})))[0].T"
    raise CannotSpell(f"cannot tell which side of the shape `({rows}, {columns})` is longer, which an orthogonal NumPy array needs")


def _at_most(small: str, large: str) -> bool:
    """Whether ``small <= large`` for any positive sizes: ``u`` and ``4 * u``,
    ``h`` and ``h + n_in``."""
    if small == large:
        return True
    a, b = X.linear(small), X.linear(large)
    if a is None or b is None:
        return False
    terms = dict(b[0])
    for atom, coef in a[0].items():
        terms[atom] = terms.get(atom, 0) - coef
    return all(c >= 0 for c in terms.values()) and b[1] - a[1] >= 0


def _sum(a: str, b: str) -> str:
    """``a + b`` in the sizes' own terms (``n + 4 * u``), or parenthesised."""
    left, right = X.linear(a), X.linear(b)
    if left is None or right is None:
        return f"({a}) + ({b})"
    terms = dict(left[0])
    for atom, coef in right[0].items():
        terms[atom] = terms.get(atom, 0) + coef
    return X.render(({k: v for k, v in terms.items() if v}, left[1] + right[1]))
