"""Bias arithmetic shared by the forget-bias and bias rules: what each gate's
block of a bias starts at, and what the reference stores there."""

from __future__ import annotations

import math

from ..model import CellKind, CellWeight, Initializer
from ..knowledge.reference import Reference

Values = list  # of float, or None where the block is random or unknown


def current_blocks(init: Initializer, count: int) -> Values:
    """The constant each of ``count`` equal blocks starts at (None: random)."""
    value = init.constant_value()
    if value is not None:
        return [value] * count
    if init.name != "piecewise":
        return [None] * count
    out: Values = []
    for k in range(count):
        lo, hi = k / count, (k + 1) / count
        piece = next((p for _, start, end, p in init.pieces if start <= lo + 1e-9 and hi <= end + 1e-9), None)
        out.append(piece.constant_value() if piece is not None else None)
    return out


def expected_blocks(weight: CellWeight, reference: Reference) -> Values:
    """What the reference stores for each gate this bias feeds; for an LSTM's
    forget gate, 1 less whatever the cell adds at run time."""
    cell = reference.cell(weight.cell.value)
    out: Values = []
    for gate in weight.gates:
        if gate == "?":
            out.append(None)
        elif weight.cell is CellKind.LSTM and gate == "f":
            out.append(1.0 - weight.runtime_forget_offset)
        else:
            out.append(cell.bias_for(gate))
    return out


def same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, abs_tol=1e-6)


def as_initializer(values: Values, gate_width: str | None) -> Initializer:
    """``zeros``, ``ones``, ``constant(v)`` or a piecewise vector."""
    known = [v if v is not None else 0.0 for v in values]
    if not known:
        return Initializer("zeros", entry_std=0.0)
    if all(math.isclose(v, known[0]) for v in known):
        return _constant(known[0])
    runs: list[tuple[float, int]] = []
    for v in known:
        if runs and math.isclose(runs[-1][0], v):
            runs[-1] = (v, runs[-1][1] + 1)
        else:
            runs.append((v, 1))
    width = gate_width or "units"
    if " " in width:
        width = f"({width})"
    pieces = []
    start = 0
    for value, length in runs:
        size = width if length == 1 else f"{length} * {width}"
        pieces.append((size, start / len(known), (start + length) / len(known), _constant(value)))
        start += length
    return Initializer("piecewise", pieces=tuple(pieces))


def _constant(value: float) -> Initializer:
    if value == 0.0:
        return Initializer("zeros", entry_std=0.0)
    if value == 1.0:
        return Initializer("ones", entry_std=0.0)
    return Initializer("constant", (("value", value),), entry_std=0.0)


def forget_phrase(bias: float) -> str:
    """``the forget gate starts at 0.50, keeping 0.1% of the state after 10 steps``."""
    gate = 1.0 / (1.0 + math.exp(-bias))
    kept = 100 * gate**10
    return f"the forget gate starts at {gate:.2f}, keeping {kept:.2g}% of the cell state after 10 steps"
