"""What to verify in one file, as plain JSON for the TensorFlow worker.

The parent process (which never imports TensorFlow) analyses the file and
lists each recurrent weight: the initialiser expression as written, the shape
as written, what the reference promises for it. The worker evaluates the
expressions with TensorFlow and compares.
"""

from __future__ import annotations

import ast
from typing import Any

from ..analysis import sizes
from ..model import CellKind, CellWeight, Initializer, Role, Settings
from ..knowledge.apis import FRAMEWORK_LAYERS
from ..knowledge.reference import REFERENCES
from ..rules._bias import as_initializer, expected_blocks

_DEFAULT_FOR_API = {"get_variable": "glorot_uniform", "add_weight": "glorot_uniform"}
# A framework layer's weights (knowledge.apis.FRAMEWORK_LAYERS): "Dense", "Dense bias", ...
for _layer in FRAMEWORK_LAYERS.values():
    _DEFAULT_FOR_API[_layer.api] = _layer.kernel_default
    _DEFAULT_FOR_API[f"{_layer.api} bias"] = _layer.bias_default


def expected_initializer(weight: CellWeight, settings: Settings) -> Initializer:
    """What the reference starts this weight at (whether or not it already does)."""
    reference = REFERENCES[settings.reference]
    cell = reference.cell(weight.cell.value)
    role = weight.role
    if role in (Role.BIAS, Role.FORGET_BIAS):
        return as_initializer(expected_blocks(weight, reference), weight.gate_width)
    default = cell.default_for(role)
    return default.initializer


def free_names(expression: str) -> set[str] | None:
    """Dotted names an expression reads that it does not bind itself
    (``self.hidden_dim``, ``units``, ``tf.zeros``); None if it does not parse."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return None
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda):
            args = node.args
            bound.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
    names: set[str] = set()

    def chain(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            base = chain(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(getattr(node, "ctx", None), ast.Load):
            text = chain(node)
            if text is not None and text.split(".")[0] not in bound:
                names.add(text)
    return names


def weight_job(weight: CellWeight, settings: Settings, code: str, text, aliases: tuple[tuple[str, str], ...], before: str | None, elsewhere: dict | None = None) -> dict[str, Any]:
    """``elsewhere``: the text of each imported module a weight's initialiser
    is written in (``FixSite.path``), by path: the expression is read there."""
    site = weight.fix_site
    expected = expected_initializer(weight, settings)
    written_in = site.path if site is not None and site.path is not None and site.path in (elsewhere or {}) else None
    if written_in is not None:
        text = elsewhere[written_in]
    expression = text.slice(site.replace) if site is not None and site.replace is not None else None
    if expression is None and weight.site.implicit == "variable_scope" and weight.site.init_span is not None and weight.site.helper_path is None:
        # Inherited from a scope written in this file (``--fix`` wraps a
        # helper's call in one): its initializer is evaluated at the weight's shape.
        expression = text.slice(weight.site.init_span)
    implicit = None
    if expression is None and site is not None:
        implicit = _DEFAULT_FOR_API.get(site.api)
        if weight.site.implicit == "variable_scope":
            implicit = None  # inherited from the scope: evaluated only where it is written
        elif weight.site.implicit is None:
            implicit = None  # given, but not as an expression to evaluate (TF 1.0 _linear's bias_start)
        elif weight.site.implicit.endswith(" TF 0.x default"):
            implicit = "uniform_unit_scaling"  # the file is TF 0.x code (analysis.calls.apply_tf0_defaults)
    imports = {local for _, local in aliases}
    shape_names = set()
    if site is not None and site.shape:
        shape_names = {name for name in (free_names(site.shape) or set()) if name.split(".")[0] not in imports}
    skip = None
    if expression is None and implicit is None:
        skip = "its initialiser is not written at the weight as an expression (an enclosing variable_scope, or _linear's bias_start, provides it)"
    elif expression is not None:
        names = free_names(expression)
        if names is None:
            skip = "the initialiser expression does not parse on its own"
        else:
            unknown = sorted(n for n in names if n.split(".")[0] not in imports and n not in shape_names and not _builtin(n) and not _prefix_of(n, shape_names))
            if unknown:
                skip = f"it depends on {', '.join('`' + n + '`' for n in unknown[:3])}, known only when the program runs"
    if site is None or not site.shape or not sizes.dims(site.shape):
        skip = skip or "its shape is only known when the program runs"
    return {
        "label": weight.site.instance or weight.site.weight,
        "line": weight.site.span.line,
        "written_in": written_in,  # the imported module the expression was read from (None: this file)
        "role": weight.role.value,
        "cell": weight.cell.value,
        "gates": list(weight.gates),
        "forget_block": weight.forget_block,
        "kind": site.kind if site is not None else "value",
        "api": site.api if site is not None else None,
        "namespace": site.namespace if site is not None else None,
        "module": site.module if site is not None else None,
        "expression": expression,
        "implicit": implicit,
        "shape": site.shape if site is not None else None,
        "sizes": dict(weight.stated_sizes),  # the file's own values for names in the shape, as the message uses
        "input_size": site.input_size if site is not None else None,
        "dtype": site.dtype if site is not None else None,
        "current": weight.site.initializer.text,
        "before": before,
        "expected": expected.to_json(),
        "per_gate": len(weight.gates) <= 1 and weight.role in (Role.INPUT_KERNEL, Role.RECURRENT_KERNEL),
        "blocks": 4 if weight.cell is CellKind.LSTM else 3,
        "skip": skip,
        "gate_width": sizes.divide(sizes.dims(site.shape)[-1], max(1, len(weight.gates))) if site and site.shape and sizes.dims(site.shape) else None,
    }


def _builtin(name: str) -> bool:
    import builtins

    return hasattr(builtins, name.split(".")[0])


def _prefix_of(name: str, shape_names: set[str]) -> bool:
    return any(s.startswith(name + ".") for s in shape_names)


def file_job(
    path: str, code: str, weights: tuple[CellWeight, ...], aliases, settings: Settings, dims: dict[str, int], before: dict[str, str], introduced: list[str],
    elsewhere: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``elsewhere``: the source of each imported module a weight's
    initialiser is written in, by the path the analysis gave it."""
    from ..fix.plan import Text

    text = Text(code)
    others = {where: Text(other) for where, other in (elsewhere or {}).items()}
    return {
        "path": path,
        "code": code,
        "imports": [list(pair) for pair in aliases],
        "dims": dims,
        "reference": settings.reference,
        "match": settings.match,
        "introduced": introduced,
        "weights": [
            weight_job(w, settings, code, text, aliases, before.get(w.site.instance or w.site.weight), others)
            for w in sorted(weights, key=lambda w: (w.site.span.line, w.site.span.column, w.site.instance or ""))
        ],
    }
