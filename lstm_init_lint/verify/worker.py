"""The TensorFlow side of verification, run in a subprocess:

    python -m lstm_init_lint.verify.worker < jobs.json > results.json

For each file: compile it, resolve every TensorFlow / Keras name the fix
introduced under the file's own import aliases, then evaluate each weight's
initialiser expression at its shape (unknown dimensions bound to small
integers, or to --dims) several times, and compare the draws with what the
reference promises and with the same slice of a real ``keras.layers.LSTM`` /
``GRU`` built here. Tolerances (also in the README):

- glorot_uniform: every |w| within the bound sqrt(6 / (fan_in + fan_out))
  (times 1 + 1e-5), and the variance within max(5%, 5 standard errors) of
  bound^2 / 3;
- orthogonal: max |W W^T - I| <= 1e-4 (on the smaller side); a slice of a
  fused orthogonal matrix: row norms <= 1 + 1e-5 and entry std within the
  same variance tolerance of 1 / sqrt(k * units);
- zeros, ones and the forget slice: exact values, gate block by gate block.

Only this module imports TensorFlow; it runs only for ``verify`` / ``--verify``.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import json
import math
import os
import sys
from typing import Any

from ..knowledge.reference import GATE_ORDER

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

DRAWS = 16


class Dims:
    """Values for the dimensions a file names (``units``, ``self.hidden_dim``,
    ``input_shape[-1]``): from --dims (by full name or last component), the
    user's explicit choice; else the file's own value where it states one
    (the weight's ``sizes``: a constructor call, a default, a constant, the
    ``__main__`` block), so that the check runs at the sizes the message
    speaks of; else distinct small integers, one per name."""

    FIRST = 12

    def __init__(self, given: dict[str, int]) -> None:
        self.given = given
        self.chosen: dict[str, int] = {}
        self.stated: dict[str, int] = {}

    def for_weight(self, stated: dict[str, int]) -> "Dims":
        """The same choices, with one weight's stated sizes (after --dims)."""
        view = Dims(self.given)
        view.chosen = self.chosen
        view.stated = stated
        return view

    def get(self, name: str) -> int:
        last = name.rsplit(".", 1)[-1]
        if name in self.stated and name not in self.given and last not in self.given:
            self.chosen.setdefault(name, self.stated[name])
            return self.stated[name]
        if name not in self.chosen:
            value = self.given.get(name, self.given.get(last))
            if value is None:
                value = self.FIRST + 4 * len(self.chosen)
            self.chosen[name] = value
        return self.chosen[name]


class _BindDimensions(ast.NodeTransformer):
    """Replace every name that is not an import (nor a lambda parameter) with
    its dimension's value: ``[self.hidden_dim, 4 * units]`` -> ``[16, 4 * 12]``."""

    def __init__(self, imports: set[str], dims: Dims) -> None:
        self.imports = imports
        self.dims = dims
        self.bound: set[str] = set()

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        args = node.args
        self.bound |= {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
        return self.generic_visit(node)

    def _root(self, node: ast.AST) -> str | None:
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    def _dimension(self, node: ast.AST) -> ast.AST | None:
        root = self._root(node)
        if root is None or root in self.imports or root in self.bound or hasattr(builtins, root):
            return None
        return ast.copy_location(ast.Constant(self.dims.get(ast.unparse(node))), node)

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        return self._dimension(node) or self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        return self._dimension(node) or self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self._dimension(node) or node


def bind(expression: str, imports: set[str], dims: Dims):
    tree = _BindDimensions(imports, dims).visit(ast.parse(expression, mode="eval"))
    return compile(ast.fix_missing_locations(tree), "<initialiser>", "eval")


def resolve(qualname: str) -> Any:
    try:
        return importlib.import_module(qualname)
    except ImportError:
        module, _, attr = qualname.rpartition(".")
        if not module:
            raise
        return getattr(resolve(module), attr)


class _AxisFirst:
    """A TensorFlow module with TensorFlow 0.x's ``concat(axis, values)``: the
    order a fix for a 0.x file is written in (``Dialect.axis_first``)."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def concat(self, axis: Any, values: Any, name: str = "concat") -> Any:
        return self._module.concat(values, axis, name=name)


def run_file(job: dict) -> dict:
    out: dict[str, Any] = {"path": job["path"], "compiles": True, "names": [], "weights": [], "dims": {}}
    try:
        compile(job["code"], job["path"], "exec")
    except SyntaxError as error:
        out["compiles"] = False
        out["compile_error"] = f"line {error.lineno}: {error.msg}"
    modules: dict[str, Any] = {}
    for qualname, local in job["imports"]:
        try:
            modules[local] = resolve(qualname)
            if job.get("axis_first") and qualname.split(".")[0] == "tensorflow":
                modules[local] = _AxisFirst(modules[local])
        except Exception as error:  # noqa: BLE001 - reported, not raised
            out["names"].append({"name": local, "ok": False, "error": f"cannot import {qualname}: {error}"})
    for dotted in job["introduced"]:
        root, *rest = dotted.split(".")
        value = modules.get(root)
        ok = value is not None
        for part in rest:
            if not ok:
                break
            ok = hasattr(value, part)
            value = getattr(value, part, None)
        out["names"].append({"name": dotted, "ok": ok, "error": None if ok else f"{dotted} does not exist in the installed TensorFlow"})
    dims = Dims(job["dims"])
    for weight in job["weights"]:
        out["weights"].append(check_weight(weight, job, modules, dims.for_weight(weight.get("sizes") or {})))
    out["dims"] = dims.chosen
    return out


def evaluate(weight: dict, modules: dict[str, Any], dims: Dims, tf) -> Any:
    """One draw of the weight's initial value, as a NumPy array."""
    import numpy as np

    scope = {"__builtins__": builtins, **modules}
    imports = set(modules)
    shape = _as_shape(eval(bind(weight["shape"], imports, dims), scope)) if weight["shape"] else None  # noqa: S307 - the file's own shape expression
    dtype = getattr(tf, weight["dtype"]) if weight.get("dtype") else tf.float32
    if weight["expression"] is None:
        keras = resolve("keras")
        if weight["implicit"] == "uniform_unit_scaling":  # TF 0.x get_variable's own default, factor 1.0
            return np.asarray(keras.initializers.VarianceScaling(1.0, "fan_in", "uniform")(shape, dtype=dtype))
        return np.asarray(keras.initializers.get(weight["implicit"])(shape, dtype=dtype))
    value = eval(bind(weight["expression"], imports, dims), scope)  # noqa: S307 - verify runs the file's initialisers by design
    if weight["kind"] == "value":
        return np.asarray(value)
    if isinstance(value, str):
        value = resolve("keras").initializers.get(value)
    elif isinstance(value, type):
        value = value()
    try:
        return np.asarray(value(shape, dtype=dtype, partition_info=None))
    except TypeError:
        return np.asarray(value(shape, dtype=dtype))


def _as_shape(shape: Any) -> list[int]:
    if isinstance(shape, int):
        return [int(shape)]
    return [int(d) for d in shape]


def check_weight(weight: dict, job: dict, modules: dict, dims: Dims) -> dict:
    result = {"label": weight["label"], "line": weight["line"], "role": weight["role"], "current": weight["current"], "before": weight["before"], "expected": weight["expected"]["text"]}
    if weight["skip"]:
        return {**result, "verdict": "skipped", "detail": f"not evaluated: {weight['skip']}"}
    tf = resolve("tensorflow")
    try:
        if weight.get("input_size"):
            weight["input_size_value"] = int(eval(bind(weight["input_size"], set(modules), dims), {"__builtins__": builtins}))  # noqa: S307 - a dimension as the file writes it
        draws = [evaluate(weight, modules, dims, tf) for _ in range(DRAWS)]
    except Exception as error:  # noqa: BLE001 - the user's expression may fail in any way
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return {**result, "verdict": "fail", "detail": f"evaluating `{_short(weight['expression'] or weight['implicit'])}` failed: {type(error).__name__}: {_short(message, 120)}"}
    shape = list(draws[0].shape)
    reference = reference_slice(weight, job, shape)
    ok, detail = compare(weight, job, draws, shape)
    return {**result, "shape": shape, "verdict": "ok" if ok else "fail", "detail": detail, "reference": reference}


def _short(text: str | None, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _glorot_bound(shape: list[int]) -> float:
    # Keras's fans: a convolution kernel [kh, kw, in, out] counts its receptive field
    # (kh * kw) in both fans, as glorot_uniform does for it.
    receptive_field = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fan_in, fan_out = (shape[0], shape[0]) if len(shape) == 1 else (shape[-2], shape[-1])
    return math.sqrt(6.0 / ((fan_in + fan_out) * receptive_field))


def _variance_tolerance(n: int) -> float:
    return max(0.05, 5 * math.sqrt(0.8 / n))


def promised_shape(weight: dict, job: dict, shape: list[int]) -> list[int]:
    """The shape whose Glorot fans the reference uses for this weight: its
    own, or (--match exact, per-gate) the reference's fused matrix."""
    if job["match"] != "exact" or not weight["per_gate"] or len(shape) != 2:
        return shape
    k = weight["blocks"]
    rows, units = shape
    if job["reference"] == "keras":
        return [rows, k * units]
    if weight["role"] == "input_kernel":
        return [rows + units, k * units]
    return [weight["input_size_value"] + units, k * units]


def compare(weight: dict, job: dict, draws: list, shape: list[int]) -> tuple[bool, str]:
    import numpy as np

    expected = weight["expected"]
    name = expected["name"]
    pooled = np.concatenate([d.ravel() for d in draws]).astype(np.float64)
    if name in ("glorot_uniform", "glorot_normal"):
        target = promised_shape(weight, job, shape)
        bound = _glorot_bound(target)
        largest = float(np.max(np.abs(pooled)))
        variance = float(pooled.var())
        wanted = bound**2 / 3
        tolerance = _variance_tolerance(pooled.size)
        if largest > bound * (1 + 1e-5):
            return False, f"|w| reaches {largest:.4g}, beyond the glorot bound {bound:.4g} of {target}"
        if abs(variance / wanted - 1) > tolerance:
            return False, f"variance {variance:.4g}, glorot over {target} gives {wanted:.4g} (tolerance {tolerance:.0%})"
        return True, f"within ±{bound:.4g}, variance {variance:.4g} ({variance / wanted:.2f} of glorot over {target})"
    if name == "orthogonal":
        if job["match"] == "exact" and weight["per_gate"] and job["reference"] == "keras":
            k = weight["blocks"]
            worst = max(float(np.linalg.norm(d, axis=1).max()) for d in draws)
            std = float(pooled.std())
            wanted = 1 / math.sqrt(k * shape[-1])
            tolerance = _variance_tolerance(pooled.size)
            if worst > 1 + 1e-5:
                return False, f"a row has norm {worst:.4g}: not a slice of an orthogonal [{shape[0]}, {k * shape[-1]}] matrix"
            if abs((std / wanted) ** 2 - 1) > tolerance:
                return False, f"entry std {std:.4g}, a slice of orthogonal [{shape[0]}, {k * shape[-1]}] has {wanted:.4g}"
            return True, f"rows of norm <= 1, entry std {std:.4g} (slice of orthogonal [{shape[0]}, {k * shape[-1]}])"
        deviation = 0.0
        for draw in draws:
            matrix = draw.reshape(shape[0], -1).astype(np.float64)
            gram = matrix @ matrix.T if matrix.shape[0] <= matrix.shape[1] else matrix.T @ matrix
            deviation = max(deviation, float(np.max(np.abs(gram - np.eye(gram.shape[0])))))
        if deviation > 1e-4:
            return False, f"not orthogonal: max |W W^T - I| = {deviation:.3g}"
        return True, f"orthogonal (max |W W^T - I| = {deviation:.1e})"
    if expected.get("pieces") or name in ("zeros", "ones", "constant"):
        pieces = expected.get("pieces") or [{"start": 0.0, "end": 1.0, "initializer": expected}]
        for draw in draws:
            values = draw.ravel()
            n = values.size
            for piece in pieces:
                constant = _constant(piece["initializer"])
                block = values[round(piece["start"] * n) : round(piece["end"] * n)]
                if constant is None or not np.all(block == constant):
                    where = f"[{round(piece['start'] * n)}:{round(piece['end'] * n)}]"
                    return False, f"values {where} are not all {constant} (found {np.unique(block)[:4].tolist()})"
        return True, "exact: " + ", ".join(f"{_constant(p['initializer']):g} on [{p['start']:.2g}, {p['end']:.2g})" for p in pieces)
    return False, f"no statistical check for {expected['text']}"


def _constant(initializer: dict) -> float | None:
    name = initializer["name"]
    if name == "zeros":
        return 0.0
    if name == "ones":
        return 1.0
    if name == "constant":
        return float(initializer["params"]["value"])
    return None


def reference_slice(weight: dict, job: dict, shape: list[int]) -> str:
    """What the reference cell built by TensorFlow here holds at the same
    place, summarised: the bound and variance of a kernel slice, whether a
    recurrent block is orthogonal, the values of each bias block."""
    import numpy as np

    cell = weight["cell"]
    role = weight["role"]
    gates = weight["gates"] or ["?"]
    if job["reference"] == "tf1":
        return _tf1_reference(weight, shape)
    keras = resolve("keras")
    blocks = len(GATE_ORDER[cell])
    units = _units(weight, shape, blocks)
    n_in = shape[0] if role == "input_kernel" and len(shape) == 2 else max(2, units)
    layer = (keras.layers.LSTM if cell == "lstm" else keras.layers.GRU)(units)
    layer.build((None, None, n_in))
    kernel = np.asarray(layer.cell.kernel)
    recurrent = np.asarray(layer.cell.recurrent_kernel)
    bias = np.asarray(layer.cell.bias)
    order = GATE_ORDER[cell]
    columns = [order.index(g) for g in gates if g in order] or list(range(blocks))

    def cut(matrix: np.ndarray) -> np.ndarray:
        if weight["per_gate"]:
            k = columns[0]
            return matrix[..., k * units : (k + 1) * units]
        return matrix

    if role == "input_kernel":
        part = cut(kernel)
        return f"keras kernel slice {list(part.shape)}: max |w| {np.max(np.abs(part)):.3g}, var {part.var():.3g}"
    if role == "recurrent_kernel":
        part = cut(recurrent)
        return f"keras recurrent slice {list(part.shape)}: spectral norm {np.linalg.norm(part, 2):.3g}, entry std {part.std():.3g}"
    if role == "fused_kernel":
        part = np.concatenate([kernel, recurrent], 0)
        return f"keras kernel over recurrent kernel {list(part.shape)}: max |w| {np.max(np.abs(part)):.3g}"
    if role in ("bias", "forget_bias"):
        row = bias.reshape(-1, blocks * units)[0]
        values = [float(row[order.index(g) * units]) if g in order else float("nan") for g in gates]
        return "keras bias by gate: " + ", ".join(f"{g}={v:g}" for g, v in zip(gates, values))
    return "glorot_uniform at its own shape (LSTMCell)"


def _units(weight: dict, shape: list[int], blocks: int) -> int:
    role = weight["role"]
    if role == "recurrent_kernel":
        return shape[0]
    width = shape[-1]
    return width if weight["per_gate"] or len(weight["gates"]) <= 1 else max(1, width // max(1, len(weight["gates"])))


def _tf1_reference(weight: dict, shape: list[int]) -> str:
    role = weight["role"]
    if role in ("bias", "forget_bias"):
        return "LSTMCell: zeros, forget_bias=1.0 added at run time" if weight["cell"] == "lstm" else "GRUCell: gate bias 1.0, candidate 0"
    return f"glorot_uniform over the fused [in + units, {weight['blocks']} * units] kernel"


def main() -> None:
    jobs = json.load(sys.stdin)
    results = []
    for job in jobs:
        try:
            results.append(run_file(job))
        except Exception as error:  # noqa: BLE001 - one file's failure is its own
            results.append({"path": job["path"], "error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
