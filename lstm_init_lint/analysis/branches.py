"""Both arms of an undecided ``if``, joined.

When the analysis cannot decide an ``if`` (``if self._state_is_tuple:``,
``if layer == 0:`` outside an unrolled loop), each arm runs from the same
state, and a variable the arms leave different holds an ``Either`` of the
two values. An operation on an ``Either`` is carried out on each option, the
options of one ``if`` taken together (``c`` and ``h`` unpacked in the same
arm stay together), so each arm's arithmetic is an ordinary graph: a weight
created in either arm meets the matmul it feeds, and the cell finder sees
each arm's cell.

Only tensors are joined (operations, parameters, weights, initial values,
sequences): constants and modules keep what the later arm set, as before,
so sizes, flags and import fallbacks fold as they did. Where the options
would multiply past ``MAX_OPTIONS`` the later arm wins.
"""

from __future__ import annotations

import itertools
from typing import Callable

from .values import Component, DenseLayer, Either, InitVal, Op, Opaque, Parts, Seq, Value, WeightVal

MAX_OPTIONS = 4

_TENSORS = (Op, Component, Opaque, WeightVal, InitVal, Seq, Parts, DenseLayer, Either)


def join(before: dict[str, Value], body: dict[str, Value], orelse: dict[str, Value], node) -> dict[str, Value]:
    """The variables after an undecided ``if``, from what each arm left."""
    out = dict(orelse)
    for name, value in body.items():
        other = orelse.get(name)
        if other is None or other is value:
            out[name] = value if other is None else other
            continue
        if isinstance(value, _TENSORS) and isinstance(other, _TENSORS) and _count(value) + _count(other) <= MAX_OPTIONS:
            out[name] = Either(_flat(value, node) + _flat(other, node), node)
    return out


def _count(value: Value) -> int:
    return len(value.options) if isinstance(value, Either) else 1


def _flat(value: Value, node) -> tuple[Value, ...]:
    """Options of the same ``if`` (an ``elif`` chain's inner joins) in one list."""
    if isinstance(value, Either) and value.node is node:
        return value.options
    return (value,)


def has_either(values) -> bool:
    return any(isinstance(v, Either) for v in values)


def distribute(values: list[Value], apply: Callable[[list[Value]], Value]) -> Value:
    """``apply(values)`` on each combination of the options of the
    ``Either`` among ``values``; one ``if``'s options are taken together.
    The results form an ``Either`` again (of the first ``if``)."""
    ifs: list = []
    for value in values:
        if isinstance(value, Either) and all(value.node is not seen.node for seen in ifs):
            ifs.append(value)
    counts = [len(e.options) for e in ifs]
    total = 1
    for count in counts:
        total *= count
    if total > MAX_OPTIONS:
        # Too many combinations: the later arm of each, as without joins.
        return apply([v.options[-1] if isinstance(v, Either) else v for v in values])
    results = []
    for choice in itertools.product(*(range(c) for c in counts)):
        picked = {id(e.node): index for e, index in zip(ifs, choice)}
        args = [_pick(v, picked) for v in values]
        results.append(apply(args))
    if len(results) == 1:
        return results[0]
    first = results[0]
    if all(r is first for r in results):
        return first
    return Either(tuple(results), ifs[0].node)


def _pick(value: Value, picked: dict[int, int]) -> Value:
    if isinstance(value, Either):
        index = picked.get(id(value.node))
        if index is not None and index < len(value.options):
            chosen = value.options[index]
            # An option that is itself an Either of an if already chosen
            # (``o * tanh(c)``, c joined by a later if from values of o's
            # if): the same arm of it, not every arm.
            while isinstance(chosen, Either) and picked.get(id(chosen.node), len(chosen.options)) < len(chosen.options):
                chosen = chosen.options[picked[id(chosen.node)]]
            return chosen
        return value.options[-1]
    return value


def one_array(value: Value) -> Value:
    """An ``Either`` whose options are the same initial value (an array one
    arm only transposed: ``if rows < cols: q = q.T``) as that value, so it
    can become the one weight it is."""
    if not isinstance(value, Either) or not all(isinstance(o, InitVal) for o in value.options):
        return value
    first = value.options[0]
    for other in value.options[1:]:
        if other.node is not first.node or other.dist.family != first.dist.family or other.dist.params != first.dist.params or other.dist.pieces or first.dist.pieces:
            return value
    return first


def options(value: Value | None) -> tuple[Value, ...]:
    """The values ``value`` may be (itself, unless it is an ``Either``)."""
    if value is None:
        return ()
    if isinstance(value, Either):
        out: list[Value] = []
        for option in value.options:
            out.extend(options(option))
        return tuple(out)
    return (value,)
