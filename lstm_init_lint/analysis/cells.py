"""Find recurrent cells in the operation graph by their gating arithmetic.

An LSTM updates its cell state as ``c = f * c_prev + i * g``: two products,
one of a gate and the previous cell state, one of two gates; its output is
``h = o * act(c)``. A GRU interpolates its hidden state:
``h = z * h_prev + (1 - z) * h_tilde``. These shapes are what make a cell a
cell, whatever its weights are called; ``roles.py`` then checks that the
cell really feeds a hidden state back through a matmul.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import symbolic as S
from .values import Component, Const, InitVal, Op, Opaque, Value

# Unknown one-argument callables that are not activations.
_NOT_ACTIVATIONS = {"read", "append", "write", "assign", "get_shape", "len", "shape", "zeros_like", "ones_like"}


def strip(value: Value) -> Value:
    """Look through shape-preserving wrappers: dropout, reshape, cast..."""
    while isinstance(value, Op) and value.kind == "pass" and value.args:
        value = value.args[0]
    return value


def is_raw(value: Value) -> bool:
    """A value the step receives from outside: a parameter, a loop-carried
    variable, or a piece of one (``state[0]``, ``h, c = state``)."""
    value = strip(value)
    while isinstance(value, Component):
        value = strip(value.parent)
    return isinstance(value, Opaque)


@dataclass
class Gate:
    """A gate's activation and its pre-activation (the argument of the
    activation, possibly a piece of a split)."""

    value: Value
    pre: Value
    activation: str
    complement: bool = False  # the gate is used as ``1 - g``


def _is_one(value: Value, other: Value) -> bool:
    """The 1 of ``1 - z``, as code writes it: ``1.0``, a cast of it,
    ``tf.constant(1.0, dtype=...)``, ``tf.ones_like(z)``."""
    value = strip(value)
    if isinstance(value, Const):
        return value.value == 1 and not isinstance(value.value, bool)
    if isinstance(value, InitVal):
        return value.dist.family in ("constant", "ones") and (value.dist.family == "ones" or value.dist.params.get("value") == S.const(1.0))
    if isinstance(value, Op) and value.kind == "call" and str(value.meta).rsplit(".", 1)[-1] == "ones_like" and value.args:
        return strip(value.args[0]) is strip(other)
    return False


def _logistic(value: Op) -> Value | None:
    """The ``x`` of a sigmoid written out: ``1 / (1 + exp(-x))``, as
    from-scratch code defines it."""
    if value.kind != "div" or len(value.args) != 2 or not (isinstance(value.args[0], Const) and value.args[0].value == 1):
        return None
    terms = additive_terms(value.args[1])
    if len(terms) != 2:
        return None
    for one, exp in (terms, terms[::-1]):
        exp = strip(exp)
        if isinstance(one, Const) and one.value == 1 and isinstance(exp, Op) and exp.kind == "call" and str(exp.meta).rsplit(".", 1)[-1] == "exp" and len(exp.args) == 1:
            negated = strip(exp.args[0])
            if isinstance(negated, Op) and negated.kind == "neg" and negated.args:
                return negated.args[0]
    return None


def _exp_of(value: Value) -> Value | None:
    """The ``x`` of ``exp(x)``."""
    value = strip(value)
    if isinstance(value, Op) and value.kind == "call" and str(value.meta).rsplit(".", 1)[-1] == "exp" and len(value.args) == 1:
        return strip(value.args[0])
    return None


def _negated(value: Value | None) -> Value | None:
    if isinstance(value, Op) and value.kind == "neg" and value.args:
        return strip(value.args[0])
    return None


def _stable_logistic(value: Op) -> Value | None:
    """The ``x`` of a numerically stable sigmoid: ``where(x >= 0, 1 / (1 +
    exp(-x)), exp(x) / (1 + exp(x)))`` (EpyNN's maths.sigmoid): the arm
    written as the plain logistic says what it is."""
    if value.kind != "call" or str(value.meta).rsplit(".", 1)[-1] != "where" or len(value.args) != 3:
        return None
    for arm in value.args[1:]:
        arm = strip(arm)
        if isinstance(arm, Op):
            pre = _logistic(arm)
            if pre is not None:
                return pre
    return None


def _tanh_written_out(value: Op) -> Value | None:
    """The ``x`` of ``(exp(x) - exp(-x)) / (exp(x) + exp(-x))``."""
    if value.kind != "div" or len(value.args) != 2:
        return None
    top, bottom = strip(value.args[0]), strip(value.args[1])
    if not (isinstance(top, Op) and top.kind == "sub" and len(top.args) == 2 and isinstance(bottom, Op) and bottom.kind == "add" and len(bottom.args) == 2):
        return None
    plus, minus = _exp_of(top.args[0]), _negated(_exp_of(top.args[1]))
    if plus is None or plus is not minus:
        return None
    terms = {id(_exp_of(term)) for term in bottom.args} | {id(_negated(_exp_of(term))) for term in bottom.args}
    return plus if id(plus) in terms and len([t for t in bottom.args if _exp_of(t) is not None]) == 2 else None


def gate_of(value: Value) -> Gate | None:
    value = strip(value)
    if isinstance(value, Op):
        if value.kind == "act" and value.args:
            return Gate(value, value.args[0], str(value.meta))
        pre = _logistic(value)
        if pre is None:
            pre = _stable_logistic(value)
        if pre is not None:
            return Gate(value, pre, "sigmoid")
        pre = _tanh_written_out(value)
        if pre is not None:
            return Gate(value, pre, "tanh")
        if value.kind == "sub" and len(value.args) == 2:
            if _is_one(value.args[0], value.args[1]):
                inner = gate_of(value.args[1])
                if inner is not None:
                    return Gate(inner.value, inner.pre, inner.activation, not inner.complement)
        if value.kind == "call" and value.meta not in _NOT_ACTIVATIONS:
            tensors = [a for a in value.args if not isinstance(a, Const)]
            if len(tensors) == 1:
                return Gate(value, tensors[0], "?")
    if isinstance(value, Component):
        parent = strip(value.parent)
        if isinstance(parent, Op) and parent.kind == "act" and parent.args:
            return Gate(value, Component(parent.args[0], value.key, value.node), str(parent.meta))
    return None


def additive_terms(value: Value) -> list[Value]:
    """The terms of a sum (nested ``+`` and ``tf.add`` / ``tf.add_n``)."""
    value = strip(value)
    if isinstance(value, Op) and value.kind == "add":
        out: list[Value] = []
        for arg in value.args:
            out.extend(additive_terms(arg))
        return out
    return [value]


def product(value: Value) -> tuple[Value, Value] | None:
    value = strip(value)
    if isinstance(value, Op) and value.kind == "mul" and len(value.args) == 2:
        return value.args[0], value.args[1]
    return None


@dataclass
class Cell:
    kind: str  # "lstm" or "gru"
    update: Op  # the new cell state (LSTM) / new hidden state (GRU)
    prev: Value  # the previous cell state (LSTM) / hidden state (GRU)
    gates: dict[str, Gate] = field(default_factory=dict)
    h_out: Op | None = None  # LSTM: o * act(c)

    @property
    def updates(self) -> set[int]:
        """Identities of the values this cell produces as new state."""
        out = {id(self.update)}
        if self.h_out is not None:
            out.add(id(self.h_out))
        return out


def _gate_and_raw(pair: tuple[Value, Value]) -> tuple[Gate, Value] | None:
    for a, b in (pair, pair[::-1]):
        gate = gate_of(a)
        if gate is not None and is_raw(b) and gate_of(b) is None:
            return gate, strip(b)
    return None


def _two_gates(pair: tuple[Value, Value]) -> tuple[Gate, Gate] | None:
    first, second = gate_of(pair[0]), gate_of(pair[1])
    if first is None or second is None:
        return None
    return first, second


def _unshifted(pre: Value) -> Value:
    """A pre-activation without a constant added to it: STAR's
    ``1 - sigmoid(k - beta)`` complements the gate ``sigmoid(k)``."""
    pre = strip(pre)
    while isinstance(pre, Op) and pre.kind in ("add", "sub") and len(pre.args) == 2:
        first, second = pre.args
        if isinstance(strip(second), Const) and isinstance(strip(second).value, (int, float)):
            pre = strip(first)
        elif pre.kind == "add" and isinstance(strip(first), Const) and isinstance(strip(first).value, (int, float)):
            pre = strip(second)
        else:
            break
    return pre


def _same_gate(a: Gate, b: Gate) -> bool:
    return a.value is b.value or (_unshifted(a.pre) is _unshifted(b.pre) and a.activation == b.activation)


def find_cells(adds: list[Op], muls: list[Op]) -> list[Cell]:
    cells: list[Cell] = []
    for op in adds:
        terms = additive_terms(op)
        if len(terms) != 2:
            continue
        products = [product(t) for t in terms]
        if products[0] is None or products[1] is None:
            continue
        for keep, mix in ((products[0], products[1]), (products[1], products[0])):
            found = _gate_and_raw(keep)
            if found is None:
                continue
            first_gate, prev = found
            gates = _two_gates(mix)
            if gates is not None:
                cell = _classify(op, first_gate, prev, gates, muls)
                if cell is not None:
                    cells.append(cell)
                    break
            # GRU: h = z * h_prev + (1 - z) * candidate, candidate not a gate
            other = _interpolation(first_gate, mix)
            if other is not None:
                cells.append(Cell("gru", op, prev, {"z": first_gate, "h": other}))
                break
    return cells


def _interpolation(keep_gate: Gate, mix: tuple[Value, Value]) -> Gate | None:
    """``(1 - z) * h_tilde`` for the ``z`` that multiplies h_prev."""
    for a, b in (mix, mix[::-1]):
        gate = gate_of(a)
        if gate is not None and _same_gate(gate, keep_gate) and gate.complement != keep_gate.complement:
            candidate = gate_of(b)
            if candidate is not None:
                return candidate
    return None


def _classify(op: Op, keep_gate: Gate, prev: Value, gates: tuple[Gate, Gate], muls: list[Op]) -> Cell | None:
    first, second = gates
    interpolates = (_same_gate(first, keep_gate) and first.complement != keep_gate.complement) or (
        _same_gate(second, keep_gate) and second.complement != keep_gate.complement
    )
    h_out, out_gate = _output_of(op, muls, prev)
    if interpolates and h_out is None:
        # z * h + (1 - z) * tanh(...): a GRU whose candidate is an activation.
        candidate = second if _same_gate(first, keep_gate) else first
        return Cell("gru", op, prev, {"z": keep_gate, "h": candidate})
    if first.activation == "tanh" and second.activation != "tanh":
        input_gate, candidate = second, first
    else:
        input_gate, candidate = first, second
    gates = {"f": keep_gate, "i": input_gate, "c": candidate}
    if interpolates and keep_gate.complement:
        # c = i * g + (1 - i) * c_prev (coupled input and forget gates): the
        # only gate is i, whose bias no forget-bias reasoning applies to.
        # (c = f * c_prev + (1 - f) * g keeps f: it is the forget gate.)
        del gates["f"]
    cell = Cell("lstm", op, prev, gates, h_out)
    if out_gate is not None:
        cell.gates["o"] = out_gate
    return cell


def _output_of(c_new: Op, muls: list[Op], c_prev: Value) -> tuple[Op | None, Gate | None]:
    """``h = o * tanh(c_new)``; else the variant without the squashing,
    ``h = o * c_new`` (a from-scratch LSTM that leaves the tanh out); else
    ``h = o * tanh(hard_sigmoid(c_new))`` (aniltrue's builder LSTM keeps the
    squashed sum as its cell state); else
    ``m = o * tanh(m)`` over the hidden state unpacked beside ``c_prev``
    (KristianHolsheimer's workshop cell squashes the previous hidden state,
    not the new cell state: its output gate is still the cell's)."""
    unsquashed: tuple[Op | None, Gate | None] = (None, None)
    of_prev_hidden: tuple[Op | None, Gate | None] = (None, None)
    for m in muls:
        pair = product(m)
        if pair is None:
            continue
        for a, b in (pair, pair[::-1]):
            gate = gate_of(a)
            if gate is None:
                continue
            if strip(b) is c_new and unsquashed[0] is None:
                unsquashed = (m, gate)
                continue
            squashed = gate_of(b)
            if squashed is not None and of_prev_hidden[0] is None and _beside(strip(squashed.pre), c_prev):
                of_prev_hidden = (m, gate)
            if squashed is None:
                continue
            inner = gate_of(squashed.pre) if strip(squashed.pre) is not c_new else None
            if strip(squashed.pre) is not c_new and (inner is None or strip(inner.pre) is not c_new):
                continue
            return m, gate
    return unsquashed if unsquashed[0] is not None else of_prev_hidden


def _beside(value: Value, c_prev: Value) -> bool:
    """``m`` of ``c, m = state`` where ``c_prev`` is ``c``: another piece of the
    same unpacked state."""
    c_prev = strip(c_prev)
    return (
        isinstance(value, Component)
        and isinstance(c_prev, Component)
        and value.parent is c_prev.parent
        and value.key[0] == c_prev.key[0] == "index"
        and value.key != c_prev.key
    )
