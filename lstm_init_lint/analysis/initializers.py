"""Decode initialiser calls into one canonical description.

Every spelling (``tf.random_normal(shape, stddev=0.1)``,
``np.random.randn(n, m) * 0.1``, ``initializer="orthogonal"``,
``tf.contrib.layers.xavier_initializer()``...) becomes a ``Dist``: a family
and its parameters, with the defaults of the API generation the file uses
(TF1's ``random_normal_initializer()`` has stddev 1.0, TF2's 0.05;
``tests/test_reference.py`` checks such defaults against the installed
TensorFlow). ``to_model`` then turns a ``Dist`` at a shape into the
frozen ``model.Initializer`` the rules compare.
"""

from __future__ import annotations

import math
from typing import Any

from ..model import Initializer
from . import symbolic as S
from .numbers import fans


class Dist:
    """A distribution family and its parameters (symbolic numbers or strings)."""

    __slots__ = ("family", "params", "pieces")

    def __init__(self, family: str, params: dict[str, Any] | None = None, pieces: list | None = None) -> None:
        self.family = family
        self.params = params or {}
        self.pieces = pieces  # [(size expr, Dist)] for a vector built by concat

    def scaled(self, factor: S.Expr) -> Dist:
        """The distribution of ``X * factor``."""
        p = dict(self.params)
        fam = self.family
        if fam in ("random_normal", "truncated_normal"):
            p["mean"] = S.binary("*", p.get("mean", S.const(0.0)), factor)
            p["stddev"] = _abs(S.binary("*", p.get("stddev", S.const(1.0)), factor))
            return Dist(fam, p)
        if fam == "random_uniform":
            a = S.binary("*", p.get("minval", S.const(0.0)), factor)
            b = S.binary("*", p.get("maxval", S.const(1.0)), factor)
            if S.as_number(factor) is not None and S.as_number(factor) < 0:
                a, b = b, a
            return Dist(fam, {"minval": a, "maxval": b})
        if fam == "zeros":
            return self
        if fam == "ones":
            return Dist("constant", {"value": factor})
        if fam == "constant" and "value" in p:
            return Dist("constant", {"value": S.binary("*", p["value"], factor)})
        if fam in ("orthogonal", "identity"):
            return Dist(fam, {"gain": S.binary("*", p.get("gain", S.const(1.0)), factor)})
        if fam == "variance_scaling" or fam in _FAN_FAMILIES:
            base = as_variance_scaling(self)
            q = dict(base.params)
            q["scale"] = S.binary("*", q["scale"], S.binary("*", factor, factor))
            return Dist("variance_scaling", q)
        return Dist("unknown", {"expr": "scaled " + self.family})

    def shifted(self, offset: S.Expr) -> Dist:
        """The distribution of ``X + offset``."""
        p = dict(self.params)
        fam = self.family
        if fam in ("random_normal", "truncated_normal"):
            p["mean"] = S.binary("+", p.get("mean", S.const(0.0)), offset)
            return Dist(fam, p)
        if fam == "random_uniform":
            return Dist(fam, {"minval": S.binary("+", p.get("minval", S.const(0.0)), offset), "maxval": S.binary("+", p.get("maxval", S.const(1.0)), offset)})
        if fam == "zeros":
            return Dist("constant", {"value": offset})
        if fam == "ones":
            return Dist("constant", {"value": S.binary("+", S.const(1.0), offset)})
        if fam == "constant" and "value" in p:
            return Dist("constant", {"value": S.binary("+", p["value"], offset)})
        return Dist("unknown", {"expr": "shifted " + self.family})


def _abs(expr: S.Expr) -> S.Expr:
    value = S.as_number(expr)
    return S.const(abs(value)) if value is not None else expr


_FAN_FAMILIES = {
    "glorot_uniform": ("fan_avg", 1.0, "uniform"),
    "glorot_normal": ("fan_avg", 1.0, "truncated_normal"),
    "he_uniform": ("fan_in", 2.0, "uniform"),
    "he_normal": ("fan_in", 2.0, "truncated_normal"),
    "lecun_uniform": ("fan_in", 1.0, "uniform"),
    "lecun_normal": ("fan_in", 1.0, "truncated_normal"),
}


def as_variance_scaling(dist: Dist) -> Dist:
    if dist.family in _FAN_FAMILIES:
        mode, scale, distribution = _FAN_FAMILIES[dist.family]
        return Dist("variance_scaling", {"scale": S.const(scale), "mode": mode, "distribution": distribution})
    return dist


# --- the API tables -------------------------------------------------------------
# Each entry: family, positional parameter names, defaults. "shape" marks the
# shape argument; "*dims" means the dims are the positional arguments
# (np.random.randn(3, 4)). Defaults that differ between TF1 and TF2 are given as
# {"tf1": ..., "tf2": ...}.

_ZERO = 0.0

TENSOR_INITS: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] = {
    # TensorFlow (tf1 and tf2 share these tensor ops)
    "tf:random_normal": ("random_normal", ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "tf:random.normal": ("random_normal", ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "tf:truncated_normal": ("truncated_normal", ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "tf:random.truncated_normal": ("truncated_normal", ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "tf:random_uniform": ("random_uniform", ("shape", "minval", "maxval"), {"minval": 0.0, "maxval": 1.0}),
    "tf:random.uniform": ("random_uniform", ("shape", "minval", "maxval"), {"minval": 0.0, "maxval": 1.0}),
    "tf:zeros": ("zeros", ("shape",), {}),
    "tf:ones": ("ones", ("shape",), {}),
    "tf:fill": ("constant", ("shape", "value"), {}),
    "tf:eye": ("identity", ("num_rows", "num_columns"), {"gain": 1.0}),
    "tf:linalg.eye": ("identity", ("num_rows", "num_columns"), {"gain": 1.0}),
    # Keras 3
    "keras:random.normal": ("random_normal", ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "keras:random.truncated_normal": ("truncated_normal", ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "keras:random.uniform": ("random_uniform", ("shape", "minval", "maxval"), {"minval": 0.0, "maxval": 1.0}),
    "keras:ops.zeros": ("zeros", ("shape",), {}),
    "keras:ops.ones": ("ones", ("shape",), {}),
    "keras:ops.full": ("constant", ("shape", "fill_value"), {}),
    "keras:ops.eye": ("identity", ("N", "M"), {"gain": 1.0}),
    "keras:backend.zeros": ("zeros", ("shape",), {}),
    "keras:backend.ones": ("ones", ("shape",), {}),
    "keras:backend.random_normal": ("random_normal", ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "keras:backend.random_uniform": ("random_uniform", ("shape", "minval", "maxval"), {"minval": 0.0, "maxval": 1.0}),
    # NumPy
    "np:random.randn": ("random_normal", ("*dims",), {"mean": 0.0, "stddev": 1.0}),
    "np:random.rand": ("random_uniform", ("*dims",), {"minval": 0.0, "maxval": 1.0}),
    "np:random.normal": ("random_normal", ("mean", "stddev", "shape"), {"mean": 0.0, "stddev": 1.0}),
    "np:random.uniform": ("random_uniform", ("minval", "maxval", "shape"), {"minval": 0.0, "maxval": 1.0}),
    "np:random.standard_normal": ("random_normal", ("shape",), {"mean": 0.0, "stddev": 1.0}),
    "np:random.random": ("random_uniform", ("shape",), {"minval": 0.0, "maxval": 1.0}),
    "np:random.random_sample": ("random_uniform", ("shape",), {"minval": 0.0, "maxval": 1.0}),
    "np:random.sample": ("random_uniform", ("shape",), {"minval": 0.0, "maxval": 1.0}),
    "np:zeros": ("zeros", ("shape",), {}),
    "np:ones": ("ones", ("shape",), {}),
    "np:full": ("constant", ("shape", "value"), {}),
    "np:eye": ("identity", ("N", "M"), {"gain": 1.0}),
    "np:identity": ("identity", ("n",), {"gain": 1.0}),
    # numpy Generator / RandomState methods
    "rng:normal": ("random_normal", ("mean", "stddev", "shape"), {"mean": 0.0, "stddev": 1.0}),
    "rng:standard_normal": ("random_normal", ("shape",), {"mean": 0.0, "stddev": 1.0}),
    "rng:uniform": ("random_uniform", ("minval", "maxval", "shape"), {"minval": 0.0, "maxval": 1.0}),
    "rng:random": ("random_uniform", ("shape",), {"minval": 0.0, "maxval": 1.0}),
    "rng:random_sample": ("random_uniform", ("shape",), {"minval": 0.0, "maxval": 1.0}),
    "rng:randn": ("random_normal", ("*dims",), {"mean": 0.0, "stddev": 1.0}),
    "rng:rand": ("random_uniform", ("*dims",), {"minval": 0.0, "maxval": 1.0}),
}

# Keyword spellings that mean the same parameter.
_KEYWORD_ALIASES = {
    "loc": "mean",
    "scale": "stddev",
    "low": "minval",
    "high": "maxval",
    "size": "shape",
    "dims": "shape",
    "fill_value": "value",
    "num_rows": "N",
}

_TF1_TF2 = {"tf1", "tf2"}

INITIALIZER_OBJECTS: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] = {
    # TF1-era *_initializer functions; under TF2 the names that survive are the
    # TF2 classes, whose defaults differ (the tf1 / tf2 values below).
    "random_normal_initializer": ("random_normal", ("mean", "stddev"), {"mean": 0.0, "stddev": {"tf1": 1.0, "tf2": 0.05}}),
    "truncated_normal_initializer": ("truncated_normal", ("mean", "stddev"), {"mean": 0.0, "stddev": {"tf1": 1.0, "tf2": 0.05}}),
    "random_uniform_initializer": ("random_uniform", ("minval", "maxval"), {"minval": {"tf1": 0.0, "tf2": -0.05}, "maxval": {"tf1": 1.0, "tf2": 0.05}}),
    "glorot_uniform_initializer": ("glorot_uniform", (), {}),
    "glorot_normal_initializer": ("glorot_normal", (), {}),
    "orthogonal_initializer": ("orthogonal", ("gain",), {"gain": 1.0}),
    "zeros_initializer": ("zeros", (), {}),
    "ones_initializer": ("ones", (), {}),
    "constant_initializer": ("constant", ("value",), {"value": 0.0}),
    "variance_scaling_initializer": ("variance_scaling", ("scale", "mode", "distribution"), {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}),
    "uniform_unit_scaling_initializer": ("uniform_unit_scaling", ("factor",), {"factor": 1.0}),
    "he_normal": ("he_normal", (), {}),
    "he_uniform": ("he_uniform", (), {}),
    "lecun_normal": ("lecun_normal", (), {}),
    "lecun_uniform": ("lecun_uniform", (), {}),
    "keras_identity": ("identity", ("gain",), {"gain": 1.0}),
    # Keras classes (tf.keras, Keras 3, tf.initializers under TF2)
    "GlorotUniform": ("glorot_uniform", (), {}),
    "GlorotNormal": ("glorot_normal", (), {}),
    "Orthogonal": ("orthogonal", ("gain",), {"gain": 1.0}),
    "OrthogonalInitializer": ("orthogonal", ("gain",), {"gain": 1.0}),
    "Zeros": ("zeros", (), {}),
    "Ones": ("ones", (), {}),
    "Constant": ("constant", ("value",), {"value": 0.0}),
    "RandomNormal": ("random_normal", ("mean", "stddev"), {"mean": 0.0, "stddev": 0.05}),
    "RandomUniform": ("random_uniform", ("minval", "maxval"), {"minval": -0.05, "maxval": 0.05}),
    "TruncatedNormal": ("truncated_normal", ("mean", "stddev"), {"mean": 0.0, "stddev": 0.05}),
    "VarianceScaling": ("variance_scaling", ("scale", "mode", "distribution"), {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}),
    "HeNormal": ("he_normal", (), {}),
    "HeUniform": ("he_uniform", (), {}),
    "LecunNormal": ("lecun_normal", (), {}),
    "LecunUniform": ("lecun_uniform", (), {}),
    "Identity": ("identity", ("gain",), {"gain": 1.0}),
    # tf.contrib (TF1 only)
    "xavier_initializer": ("xavier", ("uniform",), {"uniform": True}),
    "xavier_initializer_conv2d": ("xavier", ("uniform",), {"uniform": True}),
    "contrib_variance_scaling_initializer": ("contrib_variance_scaling", ("factor", "mode", "uniform"), {"factor": 2.0, "mode": "FAN_IN", "uniform": False}),
}

# Lower-case Keras names are aliases of the classes.
_KERAS_LOWER = {
    "glorot_uniform": "GlorotUniform",
    "glorot_normal": "GlorotNormal",
    "orthogonal": "Orthogonal",
    "zeros": "Zeros",
    "zero": "Zeros",
    "ones": "Ones",
    "one": "Ones",
    "constant": "Constant",
    "random_normal": "RandomNormal",
    "normal": "RandomNormal",
    "random_uniform": "RandomUniform",
    "uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal",
    "variance_scaling": "VarianceScaling",
    "he_normal": "HeNormal",
    "he_uniform": "HeUniform",
    "lecun_normal": "LecunNormal",
    "lecun_uniform": "LecunUniform",
    "identity": "Identity",
}

# TF1's tf.initializers.* / tf.compat.v1.initializers.* are the v1 init_ops.
_TF1_INITIALIZERS_MODULE = {
    "random_normal": "random_normal_initializer",
    "truncated_normal": "truncated_normal_initializer",
    "random_uniform": "random_uniform_initializer",
    "glorot_uniform": "glorot_uniform_initializer",
    "glorot_normal": "glorot_normal_initializer",
    "orthogonal": "orthogonal_initializer",
    "zeros": "zeros_initializer",
    "ones": "ones_initializer",
    "constant": "constant_initializer",
    "variance_scaling": "variance_scaling_initializer",
    "he_normal": "he_normal",
    "he_uniform": "he_uniform",
    "lecun_normal": "lecun_normal",
    "lecun_uniform": "lecun_uniform",
    "identity": "keras_identity",
}


def keras_string(name: str) -> Dist | None:
    """``initializer="orthogonal"`` and the other Keras string aliases."""
    cls = _KERAS_LOWER.get(name) or (name if name in INITIALIZER_OBJECTS and name[0].isupper() else None)
    if cls is None:
        return None
    return build_object(cls, [], {}, "tf2")


def object_spec(namespace: str, path: str) -> str | None:
    """The INITIALIZER_OBJECTS key for an initializer constructor, or None."""
    last = path.rsplit(".", 1)[-1]
    keras_key = _KERAS_LOWER.get(last, last if last in INITIALIZER_OBJECTS and last[:1].isupper() else None)
    if namespace == "keras":
        return keras_key if path.startswith("initializers.") else None
    if namespace not in ("tf", "tf1", "tf2"):
        return None
    if path.startswith("contrib.layers.") or path.startswith("contrib.keras.initializers."):
        if last == "variance_scaling_initializer":
            return "contrib_variance_scaling_initializer"
        return last if last in ("xavier_initializer", "xavier_initializer_conv2d") else None
    if path.startswith("keras.initializers."):
        return keras_key
    if path.startswith("initializers.") or path.startswith("init_ops."):
        if namespace == "tf2" or last[:1].isupper():
            return keras_key
        # TF1's v1 init_ops; under TF2 these names are the Keras classes, whose
        # defaults match the TF2 column of the *_initializer entries.
        return _TF1_INITIALIZERS_MODULE.get(last, last if last in INITIALIZER_OBJECTS else None)
    if "." in path:
        return None
    if last.endswith("_initializer") and last in INITIALIZER_OBJECTS:
        return last
    return None


def generation(namespace: str) -> str:
    """``tf1`` / ``tf2`` where the namespace decides, ``tf`` where the file's
    dialect will (plain ``import tensorflow``)."""
    if namespace in ("tf1", "tf2", "tf"):
        return namespace
    return "tf2"


def bind(params: tuple[str, ...], args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Match positional and keyword arguments to parameter names."""
    bound: dict[str, Any] = {}
    if params and params[0] == "*dims":
        bound["shape"] = list(args)
    else:
        for name, value in zip(params, args):
            bound[name] = value
    for key, value in kwargs.items():
        bound[_KEYWORD_ALIASES.get(key, key)] = value
    return bound


def _default(value: Any, gen: str) -> Any:
    """A default; where TF1 and TF2 differ and the file's generation is not
    known yet (plain ``tensorflow``), both, resolved by ``to_model``."""
    if isinstance(value, dict) and set(value) == _TF1_TF2:
        if gen in _TF1_TF2:
            return value[gen]
        return ("gen", S.const(float(value["tf1"])), S.const(float(value["tf2"])))
    return value


def build_object(key: str, args: list[Any], kwargs: dict[str, Any], gen: str) -> Dist:
    """Build the Dist of an initializer object from converted arguments
    (numbers already symbolic expressions, strings plain)."""
    family, params, defaults = INITIALIZER_OBJECTS[key]
    bound = bind(params, args, kwargs)
    values = {k: _default(v, gen) for k, v in defaults.items()}
    for name in params:
        if name in bound and bound[name] is not None:
            values[name] = bound[name]
    for name in ("mean", "stddev", "minval", "maxval", "gain", "value", "scale", "factor"):
        if name in values and isinstance(values[name], (int, float)) and not isinstance(values[name], bool):
            values[name] = S.const(float(values[name]))
    if family == "xavier":
        return Dist("glorot_uniform" if values.get("uniform", True) is not False else "glorot_normal")
    if family == "contrib_variance_scaling":
        mode = str(values.get("mode", "FAN_IN")).lower()
        dist = "uniform" if values.get("uniform") is True else "truncated_normal"
        return Dist("variance_scaling", {"scale": values["factor"], "mode": mode, "distribution": dist})
    if family == "uniform_unit_scaling":
        factor = values["factor"]
        return Dist("variance_scaling", {"scale": S.binary("*", factor, factor), "mode": "fan_in", "distribution": "uniform"})
    if family == "random_uniform" and values.get("maxval") is None:
        values["maxval"] = S.const(1.0)
    keep = {k: v for k, v in values.items() if k in ("mean", "stddev", "minval", "maxval", "gain", "value", "scale", "mode", "distribution")}
    if family == "variance_scaling":
        keep.setdefault("scale", S.const(1.0))
        keep.setdefault("mode", "fan_in")
        keep.setdefault("distribution", "truncated_normal")
    return Dist(family, keep)


def build_tensor(key: str, bound: dict[str, Any]) -> Dist:
    family, _, defaults = TENSOR_INITS[key]
    values: dict[str, Any] = {}
    for name, default in defaults.items():
        values[name] = S.const(float(default)) if isinstance(default, (int, float)) else default
    for name in ("mean", "stddev", "minval", "maxval", "value"):
        if name in bound and bound[name] is not None:
            values[name] = bound[name]
    if family == "random_uniform" and values.get("maxval") is None:
        values["maxval"] = S.const(1.0)
    if family == "constant" and not isinstance(values.get("value"), tuple):
        return Dist("unknown", {"expr": "a constant we cannot read"})
    return Dist(family, values)


# --- from Dist to the model -------------------------------------------------------

_TRUNC_STD = 0.8796256610342398  # std of a standard normal truncated at +-2


def _num(expr: Any) -> float | None:
    if isinstance(expr, tuple):
        return S.as_number(expr)
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        return float(expr)
    return None


def _show(expr: Any) -> Any:
    if isinstance(expr, tuple):
        value = S.as_number(expr)
        return value if value is not None else S.render(expr)
    return expr


def _fan_scaling(variance: S.Expr, shape: tuple | None) -> tuple[str, float] | None:
    """Express a symbolic variance as scale / fan, when it is one."""
    if shape is None:
        return None
    fan = fans(shape)
    if fan is None:
        return None
    fan_in, fan_out = fan
    candidates = (
        ("fan_avg", S.binary("/", S.const(2.0), S.binary("+", fan_in, fan_out))),
        ("fan_in", S.binary("/", S.const(1.0), fan_in)),
        ("fan_out", S.binary("/", S.const(1.0), fan_out)),
    )
    for mode, unit in candidates:
        r = S.ratio(variance, unit)
        if r is not None and r > 0:
            return (mode, round(r, 6))
    return None


def _computed_glorot(lo: float, hi: float, shape: tuple | None) -> tuple[str, float] | None:
    """A uniform whose bounds are +-sqrt(6 / (fan_in + fan_out)) of its own
    shape to the last digits is glorot_uniform computed by hand (NumPy has no
    named one: ``rng.uniform(-limit, limit, (n, m))``). Bounds typed as
    literals that happen to be close at this width do not agree to 1e-9."""
    fan = fans(shape) if shape else None
    if fan is None or not math.isclose(lo, -hi):
        return None
    total = S.as_number(S.binary("+", fan[0], fan[1]))
    if total is None or total <= 0:
        return None
    return ("fan_avg", 1.0) if math.isclose(hi * hi, 6.0 / total, rel_tol=1e-9) else None


def _settle(value: Any, dialect: str) -> Any:
    if isinstance(value, tuple) and value and value[0] == "gen":
        return value[1] if dialect == "tf1" else value[2]
    return value


def to_model(dist: Dist, shape: tuple | None, source: str | None, dialect: str = "tf2") -> Initializer:
    fam = dist.family
    p = {k: _settle(v, dialect) for k, v in dist.params.items()}
    if dist.pieces is not None:
        return _piecewise(dist, source, dialect)
    if fam in _FAN_FAMILIES:
        mode, scale, _ = _FAN_FAMILIES[fam]
        return Initializer(fam, (), source, None, (mode, scale))
    if fam == "variance_scaling":
        scale = _num(p.get("scale"))
        mode = str(p.get("mode", "fan_in")).lower()
        distribution = str(p.get("distribution", "truncated_normal")).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        params = (("scale", _show(p.get("scale"))), ("mode", mode), ("distribution", distribution))
        if scale is not None and math.isclose(scale, 1.0) and mode == "fan_avg":
            name = "glorot_uniform" if distribution == "uniform" else "glorot_normal"
            return Initializer(name, (), source, None, ("fan_avg", 1.0))
        return Initializer(fam, params, source, None, (mode, scale) if scale is not None else None)
    if fam in ("random_normal", "truncated_normal"):
        mean = p.get("mean", S.const(0.0))
        std = p.get("stddev", S.const(1.0))
        params = (("mean", _show(mean)), ("stddev", _show(std)))
        std_num = _num(std)
        factor = _TRUNC_STD if fam == "truncated_normal" else 1.0
        if std_num is not None:
            return Initializer(fam, params, source, std_num * factor)
        variance = S.binary("*", std, std)
        if fam == "truncated_normal":
            variance = S.binary("*", variance, S.const(_TRUNC_STD**2))
        return Initializer(fam, params, source, None, _fan_scaling(variance, shape))
    if fam == "random_uniform":
        lo, hi = p.get("minval", S.const(0.0)), p.get("maxval", S.const(1.0))
        params = (("minval", _show(lo)), ("maxval", _show(hi)))
        lo_n, hi_n = _num(lo), _num(hi)
        if lo_n is not None and hi_n is not None:
            return Initializer(fam, params, source, abs(hi_n - lo_n) / math.sqrt(12.0), _computed_glorot(lo_n, hi_n, shape))
        width = S.binary("-", hi, lo)
        variance = S.binary("/", S.binary("*", width, width), S.const(12.0))
        return Initializer(fam, params, source, None, _fan_scaling(variance, shape))
    if fam in ("zeros", "ones"):
        return Initializer(fam, (), source, 0.0)
    if fam == "constant":
        value = _show(p.get("value", S.const(0.0)))
        if isinstance(value, float) and value == 0.0:
            return Initializer("zeros", (), source, 0.0)
        if isinstance(value, float) and value == 1.0:
            return Initializer("ones", (), source, 0.0)
        return Initializer(fam, (("value", value),), source, 0.0)
    if fam in ("orthogonal", "identity"):
        return Initializer(fam, (("gain", _show(p.get("gain", S.const(1.0)))),), source)
    what = p.get("expr")
    return Initializer("unknown", (("expr", what),) if what else (), source)


def _piecewise(dist: Dist, source: str | None, dialect: str) -> Initializer:
    sizes = [size for size, _ in dist.pieces]
    total = sizes[0]
    for size in sizes[1:]:
        total = S.binary("+", total, size)
    pieces = []
    start = S.const(0.0)
    for size, piece in dist.pieces:
        end = S.binary("+", start, size)
        lo = S.ratio(start, total) if S.as_number(start) != 0 else 0.0
        hi = S.ratio(end, total)
        if lo is None or hi is None:
            return Initializer("unknown", (("expr", "concat of pieces of unknown size"),), source)
        pieces.append((S.render(size), lo, hi, to_model(piece, (size,), None, dialect)))
        start = end
    return Initializer("piecewise", (), source, None, None, tuple(pieces))
