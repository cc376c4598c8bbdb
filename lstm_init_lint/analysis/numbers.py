"""Turn abstract values into symbolic numbers and shapes."""

from __future__ import annotations

from . import symbolic as S
from .values import Component, Const, Op, Opaque, Seq, Value


def label(value: Value) -> str:
    """A readable name for an opaque value, used as its symbol."""
    if isinstance(value, Opaque):
        return value.label
    if isinstance(value, Component):
        base = label(value.parent)
        key = value.key
        if key[0] == "attr":
            return f"{base}.{key[1]}"
        if key[0] == "index":
            return f"{base}[{key[1]}]"
        return f"{base}[...]"
    return "?"


def to_expr(value: Value, depth: int = 0) -> S.Expr | None:
    """The value as a symbolic number, or None when it is not a number."""
    if depth > 40:
        return None
    if isinstance(value, Const):
        v = value.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        return S.const(v)
    if isinstance(value, (Opaque, Component)):
        return S.sym(label(value))
    if isinstance(value, Op):
        kind = value.kind
        if kind in ("add", "sub", "mul", "div", "floordiv", "pow") and len(value.args) == 2:
            a = to_expr(value.args[0], depth + 1)
            b = to_expr(value.args[1], depth + 1)
            if a is None or b is None:
                return None
            op = {"add": "+", "sub": "-", "mul": "*", "div": "/", "floordiv": "//", "pow": "**"}[kind]
            return S.binary(op, a, b)
        if kind == "neg":
            a = to_expr(value.args[0], depth + 1)
            return None if a is None else S.neg(a)
        if kind == "sqrt":
            a = to_expr(value.args[0], depth + 1)
            return None if a is None else S.sqrt(a)
        if kind == "pass" and value.args:
            return to_expr(value.args[0], depth + 1)
        if kind == "call":
            # An unknown function's result used as a number: a symbol.
            return S.sym(f"{value.meta}()")
    return None


_unknown_dims = 0


def to_shape(value: Value) -> tuple | None:
    """A shape (tuple of symbolic dims) from ``[a, b]``, ``(n,)`` or ``n``."""
    global _unknown_dims
    if isinstance(value, Seq):
        dims = []
        for item in value.items:
            expr = to_expr(item)
            if expr is None:
                _unknown_dims += 1
                expr = S.sym(f"?{_unknown_dims}")
            dims.append(expr)
        return tuple(dims)
    expr = to_expr(value)
    if expr is not None:
        return (expr,)
    return None


def fans(shape: tuple) -> tuple[S.Expr, S.Expr] | None:
    """(fan_in, fan_out) as Keras and TF1 compute them."""
    if not shape:
        return None
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = shape[0]
    for dim in shape[1:-2]:
        receptive = S.binary("*", receptive, dim)
    return S.binary("*", shape[-2], receptive), S.binary("*", shape[-1], receptive)


def render_shape(shape: tuple | None) -> str | None:
    if shape is None:
        return None
    return "[" + ", ".join(S.render(d) for d in shape) + "]"
