"""Symbolic numbers: shapes, slice bounds and scales as the code writes them.

A shape such as ``[self.hidden_dim, 4 * self.hidden_dim]`` or a scale such as
``1 / np.sqrt(n_in)`` is kept as a small expression tree over named symbols.
Two expressions are compared by evaluating them at a few random positive
integer assignments of their symbols: cheap, and exact enough for the
polynomial-and-square-root arithmetic that shapes and scales use.

Trees are tuples: ``("c", 3.0)``, ``("s", "units")``, ``("+", a, b)``,
``("-", a, b)``, ``("*", a, b)``, ``("/", a, b)``, ``("**", a, b)``,
``("neg", a)``, ``("sqrt", a)``.
"""

from __future__ import annotations

import math
import random

Expr = tuple

_TRIALS = 3
_rng = random.Random(20261128)
_ASSIGNMENTS: list[dict[str, float]] = []


def const(value: float) -> Expr:
    return ("c", value)


def sym(name: str) -> Expr:
    return ("s", name)


def binary(op: str, a: Expr, b: Expr) -> Expr:
    if a[0] == "c" and b[0] == "c":
        value = _apply(op, a[1], b[1])
        if value is not None:
            return ("c", value)
    # The identities that scaling by a number produces: 0 * x, 1 * x, x + 0.
    if op == "*":
        for x, y in ((a, b), (b, a)):
            if x == ("c", 0) or x == ("c", 0.0):
                return ("c", 0.0)
            if x[0] == "c" and x[1] == 1:
                return y
    if op in ("+", "-") and b[0] == "c" and b[1] == 0:
        return a
    if op == "+" and a[0] == "c" and a[1] == 0:
        return b
    if op == "/" and b[0] == "c" and b[1] == 1:
        return a
    return (op, a, b)


def _apply(op: str, x: float, y: float) -> float | None:
    try:
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            return x / y
        if op == "//":
            return x // y
        if op == "**":
            if isinstance(x, int) and isinstance(y, int) and y > 0 and abs(x) > 1 and y * abs(x).bit_length() > 10_000:
                return None  # a huge integer: not worth computing
            return x**y
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return None


def sqrt(a: Expr) -> Expr:
    if a[0] == "c" and a[1] >= 0:
        try:
            return ("c", math.sqrt(a[1]))
        except OverflowError:  # an integer too large for a float
            pass
    return ("sqrt", a)


def neg(a: Expr) -> Expr:
    if a[0] == "c":
        return ("c", -a[1])
    return ("neg", a)


def symbols(expr: Expr, out: set[str] | None = None) -> set[str]:
    out = set() if out is None else out
    if expr[0] == "s":
        out.add(expr[1])
    elif expr[0] != "c":
        for child in expr[1:]:
            symbols(child, out)
    return out


def evaluate(expr: Expr, env: dict[str, float]) -> float:
    kind = expr[0]
    if kind == "c":
        return float(expr[1])
    if kind == "s":
        return env[expr[1]]
    if kind == "neg":
        return -evaluate(expr[1], env)
    if kind == "sqrt":
        return math.sqrt(evaluate(expr[1], env))
    value = _apply(kind, evaluate(expr[1], env), evaluate(expr[2], env))
    if value is None:
        raise ArithmeticError(kind)
    return value


def _assignment(trial: int, names: set[str]) -> dict[str, float]:
    while len(_ASSIGNMENTS) <= trial:
        _ASSIGNMENTS.append({})
    table = _ASSIGNMENTS[trial]
    for name in names:
        if name not in table:
            # Distinct, largish integers: shapes are positive and sizes are
            # rarely equal by accident at these values.
            table[name] = float(_rng.randint(11, 997))
    return table


def samples(*exprs: Expr) -> list[tuple[float, ...]] | None:
    """The expressions' values at a few random assignments, or None when the
    arithmetic fails (division by zero, sqrt of a negative)."""
    names: set[str] = set()
    for expr in exprs:
        symbols(expr, names)
    out = []
    for trial in range(_TRIALS if names else 1):
        env = _assignment(trial, names)
        try:
            out.append(tuple(evaluate(e, env) for e in exprs))
        except (ArithmeticError, ValueError, OverflowError):
            return None
    return out


def ratio(a: Expr, b: Expr) -> float | None:
    """``a / b`` when it is the same number at every assignment, else None."""
    values = samples(a, b)
    if not values:
        return None
    ratios = set()
    for x, y in values:
        if y == 0:
            return None
        ratios.add(round(x / y, 9))
    return ratios.pop() if len(ratios) == 1 else None


def as_number(expr: Expr) -> float | None:
    return float(expr[1]) if expr[0] == "c" else None


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "//": 2, "**": 3}


def render(expr: Expr, parent: int = 0) -> str:
    kind = expr[0]
    if kind == "c":
        value = expr[1]
        return f"{value:g}" if isinstance(value, float) else str(value)
    if kind == "s":
        return expr[1]
    if kind == "neg":
        return "-" + render(expr[1], 3)
    if kind == "sqrt":
        return f"sqrt({render(expr[1])})"
    prec = _PRECEDENCE[kind]
    text = f"{render(expr[1], prec)} {kind} {render(expr[2], prec + 1)}"
    return f"({text})" if prec < parent else text


def divide(expr: Expr, count: int) -> Expr:
    """``expr / count``, written the way a person would: ``4 * units`` / 4 is
    ``units``."""
    if count == 1:
        return expr
    if expr[0] == "*":
        for a, b in ((expr[1], expr[2]), (expr[2], expr[1])):
            if a[0] == "c" and a[1] == count:
                return b
            if a[0] == "c" and a[1] % count == 0:
                return binary("*", const(a[1] // count), b)
    return binary("/", expr, const(count)) if expr[0] != "c" else const(expr[1] / count)

