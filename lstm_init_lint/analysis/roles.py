"""Infer each weight's role from how a cell uses it.

For every cell found by ``cells.py`` this module

1. splits each gate's pre-activation into its additive terms, following
   ``tf.split`` / slices of a fused sum down to the weight blocks they use;
2. decides which of the step's raw values are fed back from the previous
   step (the previous cell state, by the gating pattern itself; a hidden state
   unpacked together with it; a loop variable or ``tf.while_loop`` slot whose
   next value is the cell's new state; a parameter the function returns the
   new state for in the same position);
3. classifies the other operand of every matmul: the step's input, the
   previous hidden state, or both joined by ``concat``;
4. keeps the cell only if it really recurs: some matmul takes the previous
   hidden state, and some takes an input.

The result is a list of ``Usage`` records per weight, with the evidence for
each written out in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from ..model import GATE_LABELS
from . import symbolic as S
from .branches import options
from .cells import Cell, Gate, additive_terms, gate_of, is_raw, product, strip
from .numbers import label, to_expr
from .values import Component, Const, InitVal, Op, Opaque, Seq, Value, WeightInstance, WeightVal

_HIDDEN_NAME = re.compile(r"^(h|hx|ht|s|state|states|hidden|prev|m|mem|memory)$|(^|_)(h|hidden|state|prev|tm1|t_1|m)($|_)|^h_?(prev|tm1|t_1|old|last)|^prev_?h|hidden", re.I)


@dataclass
class Usage:
    weight: WeightInstance
    kind: str  # kernel, bias, peephole, projection
    cell: Cell
    gate: str | None
    block: tuple[float, float] | None  # fraction of the gate axis used
    rows: str | None  # "input" / "state" when a fused kernel's rows are sliced
    operand: str | None  # input, state, fused, cell
    certain: bool
    evidence: list[str] = field(default_factory=list)
    shift: bool = False  # a normalisation's shift (beside its gain), not a bias of its own


@dataclass
class CellUsage:
    cell: Cell
    usages: list[Usage]
    runtime_forget_offset: float


Describe = Callable[[object], str]


class CellAnalysis:
    """Roles of the weights in one cell."""

    def __init__(self, cell: Cell, describe: Describe) -> None:
        self.cell = cell
        self.describe = describe
        self.state_memo: dict[int, tuple[Value, tuple[bool, str, bool]]] = {}
        self.usages: list[Usage] = []
        self.offset = 0.0
        self.kernel_terms: list[tuple[str, WeightInstance, list[tuple], Value, Op, list[str]]] = []
        self.over_depth = False  # an operand is a loop's value that started as the "state" (see _state)

    # --- terms ------------------------------------------------------------

    def run(self) -> CellUsage | None:
        cell = self.cell
        seen: list[Value] = []
        for name, gate in list(cell.gates.items()):
            pre = strip(gate.pre)
            if any(pre is other for other in seen):
                continue  # 1 - f as the input gate (coupled gates): one gate, not two
            seen.append(pre)
            self.decompose(name, gate.pre, [], depth=0)
        if cell.kind == "gru":
            self.find_reset_gate()
        if cell.kind == "lstm" and cell.h_out is not None:
            self.find_projection()
        self.classify_kernels()
        self.drop_shifts()
        if not self.recurs():
            return None
        return CellUsage(cell, self.usages, self.offset)

    def drop_shifts(self) -> None:
        """A layer-norm shift is a gate's bias only when it is the gate's one
        bias; beside a bias of its own, or with another shift, it is not."""
        biases: dict[str | None, set[int]] = {}
        shifts: dict[str | None, set[int]] = {}
        for usage in self.usages:
            if usage.kind == "bias":
                (shifts if usage.shift else biases).setdefault(usage.gate, set()).add(id(usage.weight))
        drop = {gate for gate, found in shifts.items() if gate in biases or len(found) > 1}
        self.usages = [u for u in self.usages if not (u.shift and u.gate in drop)]

    def find_reset_gate(self) -> None:
        """A GRU's reset gate multiplies the previous state inside the
        candidate: ``concat([x, r * h]) @ W`` or ``(r * h) @ U``."""
        if "r" not in self.cell.gates:
            for gate, _, _, operand, _, _ in list(self.kernel_terms):
                if gate == "h":
                    found = _gate_factor(operand)
                    if found is None and "z" in self.cell.gates and not _same_gate_value(operand, self.cell.gates["z"]):
                        # tanh(x @ W + r @ U): the reset gate's value itself is
                        # the candidate's second operand (aniltrue's builder GRU)
                        found = gate_of(operand)
                    if found is not None:
                        self.cell.gates["r"] = found
                        break
        reset = self.cell.gates.get("r")
        if reset is not None and not any(t[0] == "r" for t in self.kernel_terms):
            self.decompose("r", reset.pre, [], depth=0)

    def decompose(self, gate: str, value: Value, selectors: list[tuple], depth: int) -> None:
        if depth > 12:
            return
        for term, shift in _terms_and_shifts(value):
            self.term(gate, term, selectors, depth, shift)

    def term(self, gate: str, term: Value, selectors: list[tuple], depth: int, shift: bool = False) -> None:
        term = strip(term)
        if isinstance(term, Const) and isinstance(term.value, (int, float)) and not isinstance(term.value, bool):
            if gate == "f":
                self.offset += float(term.value)
            return
        # ("other",): a time step of a projection computed for the whole
        # sequence before the loop (xw = x @ W, then xw[t] in the step).
        if isinstance(term, Component) and term.key[0] in ("split", "cols", "slice1", "index", "other") and not is_raw(term):
            weight = weight_of(term)
            if weight is None:
                self.decompose(gate, term.parent, [term.key, *selectors], depth + 1)
                return
        weight = weight_of(term)
        if weight is not None:
            instance, keys = weight
            if shift:
                self.add_usage(instance, "bias", gate, keys + selectors, None, True, [f"the shift of a normalisation (beside its gain) in the {gate_label(self.cell, gate)}'s pre-activation"])
                self.usages[-1].shift = True
                return
            self.add_usage(instance, "bias", gate, keys + selectors, None, True, [f"added to the {gate_label(self.cell, gate)}'s pre-activation"])
            return
        if isinstance(term, Op):
            if term.kind == "matmul":
                self.kernel_term(gate, term, selectors)
                return
            if term.kind == "mul":
                self.mul_term(gate, term, selectors, depth)
                return
            if term.kind == "gather" and len(term.args) == 2 and weight_of(term.args[0]) is not None:
                # embedding_lookup(W, ids) in a pre-activation is W's product
                # with the one-hot ids: W is the input kernel, written as a table.
                instance, keys = weight_of(term.args[0])
                self.kernel_terms.append((gate, instance, keys + selectors, term.args[1], term, []))
                return
            if term.kind == "call":
                # An unknown one-argument operation: the matmul under it
                # still feeds the gate. (An activation inside the gate's own,
                # sigmoid(relu(_linear([x, h]))), is not followed: relu(...)
                # is no gate's pre-activation, as fully_connected's default
                # activation_fn shows; tests/test_framework_layers.py.)
                tensors = [a for a in term.args if not isinstance(a, Const)]
                if len(tensors) == 1:
                    self.decompose(gate, tensors[0], selectors, depth + 1)
                return
            if term.kind == "sub" and len(term.args) == 2:
                self.decompose(gate, term.args[0], selectors, depth + 1)
                self.decompose(gate, term.args[1], selectors, depth + 1)
                return
            if term.kind == "div" and len(term.args) == 2 and weight_of(term.args[1]) is None:
                # (z - mean) / sqrt(var + eps): a normalisation keeps the
                # matmul it divides.
                self.decompose(gate, term.args[0], selectors, depth + 1)

    def mul_term(self, gate: str, term: Op, selectors: list[tuple], depth: int) -> None:
        a, b = term.args
        for weight_side, other in ((a, b), (b, a)):
            weight = weight_of(weight_side)
            if weight is not None and self.is_cell_state(other):
                instance, keys = weight
                self.add_usage(instance, "peephole", gate, keys + selectors, "cell", True, [f"multiplies the cell state elementwise in the {gate_label(self.cell, gate)}"])
                return
        for gate_side, other in ((a, b), (b, a)):
            inner = gate_of(gate_side)
            if inner is not None:
                if self.cell.kind == "gru" and gate == "h" and "r" not in self.cell.gates and gate_side is not self.cell.gates["z"].value:
                    self.cell.gates["r"] = inner
                self.decompose(gate, other, selectors, depth + 1)
                return
        for scale, other in ((a, b), (b, a)):
            if self.is_scale(scale, other) and not self.is_scale(other, scale):
                # A layer-norm gain, a hypernetwork's per-unit scale, a
                # dropout mask or a number times the matmul: the matmul's
                # weight keeps its role; the scale has none.
                self.decompose(gate, other, selectors, depth + 1)
                return

    def is_scale(self, value: Value, other: Value) -> bool:
        """A factor that scales a pre-activation without being one: a number,
        a weight vector, a mask, or a value computed without this cell's
        state (a hypernetwork's output, ``tf.nn.dropout(ones, keep)``)."""
        value = strip(value)
        if isinstance(value, (Const, InitVal)) or weight_of(value) is not None:
            return True
        if isinstance(value, Op) and value.kind == "matmul":
            # A hypernetwork's z @ W_d scales h @ U; of (x @ W) * (h @ U) inside
            # a gate, only the factor without the state can be the scale.
            return not self.depends_on_state(value, set(), 0) and self.depends_on_state(other, set(), 0)
        if is_raw(value):
            return not self.state(value)[0] and value is not self.cell.prev
        return isinstance(value, Op) and value.kind != "act" and not self.depends_on_state(value, set(), 0)

    def is_cell_state(self, value: Value) -> bool:
        if self.cell.kind != "lstm":
            return False
        value = strip(value)
        return value is self.cell.prev or value is self.cell.update

    def kernel_term(self, gate: str, term: Op, selectors: list[tuple]) -> None:
        a, b = term.args
        wa, wb = weight_of(a), weight_of(b)
        if (wa is None) == (wb is None):
            return
        instance, keys = wb if wb is not None else wa
        operand = a if wb is not None else b
        self.kernel_terms.append((gate, instance, keys + selectors, operand, term, []))

    def find_projection(self) -> None:
        """``m = matmul(o * tanh(c), W_proj)`` fed back as the hidden state.
        If some value is fed back as ``o * tanh(c)`` itself, there is no
        projection (a matmul of the output is then an output layer)."""
        h_out = self.cell.h_out
        projected = []
        for root in self.sibling_candidates():
            nxt = self.next_of(root)
            if nxt is None:
                continue
            nxt = strip(nxt)
            if nxt is h_out:
                return
            if isinstance(nxt, Op) and nxt.kind == "matmul":
                a, b = nxt.args
                for w_side, other in ((b, a), (a, b)):
                    weight = weight_of(w_side)
                    if weight is not None and strip(other) is h_out:
                        projected.append((nxt, weight))
        if len({id(p[0]) for p in projected}) == 1:
            nxt, (instance, keys) = projected[0]
            self.projection = nxt
            self.add_usage(instance, "projection", None, keys, None, True, ["projects the new hidden state, which is fed back as the next state"])

    def sibling_candidates(self) -> list[Value]:
        """Raw values that might be the previous hidden state: the pieces of
        the structure the previous cell state came from, and the other
        parameters of the step."""
        prev = self.cell.prev
        out: list[Value] = []
        if isinstance(prev, Component):
            kind = prev.key[0]
            for k in range(4):
                if kind == "index":
                    out.append(Component(prev.parent, ("index", k)))
                elif kind == "split":
                    out.append(Component(prev.parent, ("split", k, prev.key[2], prev.key[3])))
            if kind == "attr":
                out.append(Component(prev.parent, ("attr", "h")))
        if isinstance(prev, Opaque) and prev.origin is not None and prev.origin.kind in ("param", "slot"):
            record = prev.origin.record
            if prev.origin.kind == "param":
                out.extend(v for _, v in record.params if v is not prev)
        for _, _, _, operand, _, _ in self.kernel_terms:
            out.extend(_raw_parts(operand))
        return out

    # --- state ------------------------------------------------------------

    def next_of(self, root: Value) -> Value | None:
        """The value a raw root takes at the next step, when the code says."""
        root = strip(root)
        if isinstance(root, Opaque):
            origin = root.origin
            if origin is None:
                return None
            if origin.kind == "carried":
                return origin.record.next.get(origin.name)
            if origin.kind == "slot":
                return origin.record.pairs.get(id(root))
            if origin.kind == "param":
                return self.aligned_return(root)
            return None
        if isinstance(root, Component):
            parent_next = self.next_of(root.parent)
            if parent_next is None and self.cell.kind == "lstm":
                parent_next = self.packed_return(root)
            if parent_next is None:
                return None
            # After an undecided if, the next state may be either arm's.
            for option in options(parent_next):
                found = component_of(strip(option), root.key)
                if found is not None and self.is_update(found):
                    return found
            return component_of(strip(options(parent_next)[-1]), root.key)
        return None

    def aligned_return(self, root: Opaque) -> Value | None:
        """``def step(x, h, c): ... return h_new, c_new``: the parameters and
        the returned values line up around the previous cell state."""
        prev = self.cell.prev
        if self.cell.kind == "lstm" and isinstance(prev, Component):
            return self.aligned_list_return(root, prev)
        if self.cell.kind != "lstm" or not isinstance(prev, Opaque) or prev.origin is None:
            return None
        if prev.origin.kind != "param" or prev.origin.record is not root.origin.record:
            return None
        result = _returned_sequence(root.origin.record)
        if result is None:
            return None
        items = [strip(v) for v in result.items]
        if not any(item is self.cell.update for item in items):
            return None
        # ``def mlstm(x, c, h): ... return h, c``: the returned names, when
        # the step rebinds its parameters' names, say which is which.
        names = _element_names(result)
        if names is not None and prev.origin.name in names and names.index(prev.origin.name) == next(j for j, item in enumerate(items) if item is self.cell.update):
            if root.origin.name in names:
                j = names.index(root.origin.name)
                return items[j] if items[j] is not self.cell.update else None
            if None not in names:
                return None  # every returned value is named, and none is this one
        for j_c, item in enumerate(items):
            if any(strip(option) is self.cell.update for option in options(item)):
                j = j_c + (root.origin.index - prev.origin.index)
                if 0 <= j < len(items) and j != j_c:
                    return items[j]
        return None

    def aligned_list_return(self, root: Opaque, prev: Component) -> Value | None:
        """``def build_controller(x, outputs_prev, hiddens_prev): ... h_prev =
        hiddens_prev[k] ... return outputs, hiddens`` (NTM's controller, one
        list per layer): the parameter lists and the returned lists line up
        around the one that holds the previous cell state."""
        holder = strip(prev.parent)
        if not (isinstance(holder, Opaque) and holder.origin is not None and holder.origin.kind == "param"):
            return None
        if holder is root or holder.origin.record is not root.origin.record:
            return None
        result = _returned_sequence(root.origin.record)
        if result is None:
            return None
        items = [strip(v) for v in result.items]
        for j_c, item in enumerate(items):
            found = component_of(item, prev.key) if isinstance(item, Seq) else None
            if found is not None and strip(found) is self.cell.update:
                j = j_c + (root.origin.index - holder.origin.index)
                # Only a list beside the list: ``return h, (h, c)`` for
                # ``step(x, state)`` says nothing of ``x``.
                if 0 <= j < len(items) and j != j_c and isinstance(items[j], Seq):
                    return items[j]
        return None

    def packed_return(self, root: Component) -> Value | None:
        """``h, c = state; ...; return h, (h_new, c_new)``: find the returned
        structure that holds the new cell state where ``state`` held the old."""
        prev = self.cell.prev
        if not isinstance(prev, Component) or strip(prev.parent) is not strip(root.parent):
            return None
        parent = strip(root.parent)
        if not (isinstance(parent, Opaque) and parent.origin is not None and parent.origin.kind == "param"):
            return None
        returns = parent.origin.record.returns
        if not returns:
            return None
        result = strip(returns[-1])
        candidates = [result]
        if isinstance(result, Seq):
            candidates.extend(strip(v) for v in result.items)
        for candidate in candidates:
            if isinstance(candidate, (Seq, Op)) and component_of(candidate, prev.key) is not None:
                if strip(component_of(candidate, prev.key)) is self.cell.update:
                    return candidate
        return None

    def is_update(self, value: Value | None) -> bool:
        if value is None:
            return False
        if len(options(value)) > 1:
            return any(self.is_update(option) for option in options(value))
        value = strip(value)
        if id(value) in self.cell.updates:
            return True
        projection = getattr(self, "projection", None)
        return projection is not None and value is projection

    def later_step_feeds_back(self, root: Value, nxt: Value | None) -> bool:
        """A loop that runs the same step twice per iteration (ENAS'
        controller: ``stack_lstm`` before and after an embedding lookup) feeds
        back the second run's states, not this run's: the loop variable is
        still the previous hidden state when its next value comes from this
        cell's own code and the loop feeds the cell state back the same way."""
        origin = _origin(root)
        if nxt is None or origin is None or origin.kind != "carried" or self.cell.kind != "lstm":
            return False
        if not self._same_code(nxt):
            return False
        prev = self.cell.prev
        prev_origin = _origin(prev)
        if prev_origin is None or prev_origin.record is not origin.record:
            return False
        prev_next = self.next_of(prev)
        return prev_next is not None and not self.is_update(prev_next) and self._same_code(prev_next, self.cell.update)

    def _same_code(self, value: Value, of: Op | None = None) -> bool:
        """Whether ``value`` is another evaluation of this cell's new cell
        state or new hidden state (``of``: of that one only)."""
        value = strip(value)
        if not isinstance(value, Op) or value.node is None:
            return False
        produced = [of] if of is not None else [self.cell.update, self.cell.h_out]
        return any(op is not None and op is not value and op.node is value.node for op in produced)

    def state(self, root: Value) -> tuple[bool, str, bool]:
        """(is it the previous hidden state, why, certain)."""
        key = id(root)
        known = self.state_memo.get(key)
        if known is not None and known[0] is root:
            return known[1]
        result = self._state(root)
        # Keep the root alive with its answer, so its id is not reused.
        self.state_memo[key] = (root, result)
        return result

    def _state(self, root: Value) -> tuple[bool, str, bool]:
        cell = self.cell
        prev = cell.prev
        name = label(root)
        if root is prev:
            if cell.kind == "gru":
                return True, f"`{name}` is the previous hidden state: the update gate interpolates between it and the candidate", True
            return True, f"`{name}` is the previous cell state", True
        if cell.kind == "lstm" and isinstance(root, Component) and isinstance(prev, Component):
            if strip(root.parent) is strip(prev.parent) and root.key != prev.key:
                return True, f"`{name}` is unpacked from `{label(prev.parent)}` together with the previous cell state `{label(prev)}`", True
        origin = _origin(root)
        prev_origin = _origin(prev)
        if origin is not None and origin.kind == "carried" and origin.record.kind == "loop" and strip(root) is root:
            start = origin.record.initial.get(origin.name)
            if start is not None and strip(start) is strip(prev):
                # ``out = x; for layer: out = t * f(out @ W) + (1 - t) * x``:
                # the loop carries a value that starts as the very "state"
                # the gate interpolates with, which no loop feeds back: each
                # pass is a layer over depth (a highway stack), not a step.
                self.over_depth = True
                return False, "", True
        if origin is not None and prev_origin is not None and origin.kind in ("carried", "slot") and origin.record is not prev_origin.record:
            # Fed back by another loop than the one that carries this cell's
            # own state (a loop over layers inside a loop over time).
            return False, "", True
        nxt = self.next_of(root)
        if self.is_update(nxt) or self.later_step_feeds_back(root, nxt):
            if origin is not None and origin.kind == "carried" and origin.record.kind == "function":
                why = f"`{name}` is fed back: {origin.record.name}() stores the new state in it for its next call"
            elif origin is not None and origin.kind == "carried":
                why = f"`{name}` is fed back: the loop assigns it the new state"
            elif origin is not None and origin.kind == "slot":
                why = f"`{name}` is fed back: {origin.record.name} passes the new state back into it"
            else:
                why = f"`{name}` is the previous hidden state: the step returns the new one in its place"
            return True, why, True
        return False, "", True

    # --- operands -----------------------------------------------------------

    def operand_kind(self, value: Value, depth: int = 0) -> tuple[str, str]:
        """(kind, why) with kind in input, state, cell, fused, mixed, const, weight."""
        if depth > 20:
            return "mixed", ""
        value = strip(value)
        if isinstance(value, Const):
            return "const", ""
        if len(options(value)) > 1:
            kinds = [self.operand_kind(option, depth + 1) for option in options(value)]
            return kinds[0] if len({kind for kind, _ in kinds}) == 1 else ("mixed", "")
        if isinstance(value, WeightVal) or weight_of(value) is not None:
            return "weight", ""
        if is_raw(value):
            if self.cell.kind == "lstm" and value is self.cell.prev:
                return "cell", f"`{label(value)}` is the previous cell state"
            is_state, why, _ = self.state(value)
            if is_state:
                return "state", why
            return "input", f"`{label(value)}` is the step's input"
        if isinstance(value, Component):
            # A slice or time step of a computed tensor: whatever the tensor is.
            return self.operand_kind(value.parent, depth + 1)
        if isinstance(value, Op):
            if value.kind == "concat":
                kinds = [self.operand_kind(v, depth + 1) for v in value.args]
                names = {k for k, _ in kinds} - {"const"}
                whys = [w for _, w in kinds if w]
                if names == {"state"}:
                    return "state", "; ".join(whys[:1])
                if "state" in names and "input" in names:
                    return "fused", "joins the input with the previous hidden state: " + "; ".join(whys)
                if "input" in names and "state" not in names and "cell" not in names:
                    # [y_prev, attention context]: computed from the state by
                    # other layers, it still enters the cell as an input.
                    return "input", "; ".join(whys[:1])
                return "mixed", ""
            if value.kind == "mul" and len(value.args) == 2:
                a, b = value.args
                ka, wa = self.operand_kind(a, depth + 1)
                kb, wb = self.operand_kind(b, depth + 1)
                for k1, w1, other, k2 in ((ka, wa, b, kb), (kb, wb, a, ka)):
                    # A reset gate or a dropout mask times the hidden state is
                    # still the hidden state; a mask times the input, the input.
                    if k1 == "state" and (gate_of(other) is not None or k2 == "const" or _is_mask(other)):
                        return "state", w1
                    if k1 == "input" and (k2 in ("const", "input") or _is_mask(other)):
                        return "input", w1
                return "mixed", ""
            if value.kind == "gather":
                return "input", "an embedding lookup of the input"
            if value.kind == "call":
                tensors = [a for a in value.args if not isinstance(a, Const)]
                if len(tensors) == 1:
                    return self.operand_kind(tensors[0], depth + 1)
            if self.attention_read(value):
                # Bahdanau's context: the attention weights come from the
                # state, yet what they average enters the cell as an input.
                return "input", f"`{label(value)}` is an attention context: a softmax-weighted sum of values computed without the state"
            if self.depends_on_state(value, set(), 0):
                return "mixed", ""
            return "input", "computed without the previous state"
        if isinstance(value, InitVal):
            return "input", "a constant tensor"
        return "mixed", ""

    def attention_read(self, value: Op) -> bool:
        """``batch_dot(softmax(scores), values)`` or ``reduce_sum(a * values)``
        whose values do not depend on the state."""
        pair: tuple[Value, ...] = ()
        name = str(value.meta).rsplit(".", 1)[-1]
        if value.kind == "matmul" or (value.kind == "call" and name in _WEIGHTED_SUMS):
            pair = tuple(a for a in value.args if not isinstance(a, Const))
        elif value.kind == "call" and name in ("sum", "reduce_sum"):
            tensors = [a for a in value.args if not isinstance(a, Const)]
            inner = strip(tensors[0]) if len(tensors) == 1 else None
            if isinstance(inner, Op) and inner.kind == "mul":
                pair = inner.args
        if len(pair) != 2:
            return False
        for weights, values in (pair, pair[::-1]):
            if _is_softmax(weights) and weight_of(values) is None and not self.depends_on_state(values, set(), 0):
                return True
        return False

    def depends_on_state(self, value: Value, seen: set[int], depth: int) -> bool:
        if depth > 60 or id(value) in seen:
            return False
        seen.add(id(value))
        value = strip(value)
        if is_raw(value):
            if value is self.cell.prev:
                return True
            return self.state(value)[0]
        if isinstance(value, Op):
            return any(self.depends_on_state(a, seen, depth + 1) for a in value.args)
        if isinstance(value, Component):
            return self.depends_on_state(value.parent, seen, depth + 1)
        if isinstance(value, Seq):
            return any(self.depends_on_state(a, seen, depth + 1) for a in value.items)
        return False

    def multiplicative_state(self, operand: Value) -> list[tuple[WeightInstance, list[tuple], str, Op]] | None:
        """mLSTM's ``m = (x @ W_mx) * (h @ W_mh)``: a product of an input
        projection and a hidden-state projection, which the gate kernels read
        in place of the hidden state. Returns each factor's weight, its
        slicing, its operand kind and its matmul."""
        pair = product(operand)
        if pair is None:
            return None
        factors = []
        for factor in pair:
            factor = strip(factor)
            if not (isinstance(factor, Op) and factor.kind == "matmul"):
                return None
            a, b = factor.args
            wa, wb = weight_of(a), weight_of(b)
            if (wa is None) == (wb is None):
                return None
            instance, keys = wb if wb is not None else wa
            kind, _ = self.operand_kind(a if wb is not None else b)
            factors.append((instance, keys, kind, factor))
        if sorted(kind for *_, kind, _ in factors) != ["input", "state"]:
            return None
        return factors

    def classify_kernels(self) -> None:
        factored: set[int] = set()
        for gate, instance, keys, operand, term, _ in self.kernel_terms:
            factors = self.multiplicative_state(operand)
            if factors is not None:
                if id(strip(operand)) not in factored:
                    factored.add(id(strip(operand)))
                    for inner, inner_keys, inner_kind, matmul in factors:
                        where = f"`{self.describe(matmul.node)}`" if matmul.node is not None else "a matmul"
                        what = "the step's input" if inner_kind == "input" else "the previous hidden state"
                        evidence = [f"multiplies {what} in {where}, a factor of the multiplicative state `{label(strip(operand))}` the gates read in place of the hidden state"]
                        self.add_usage(inner, "kernel", None, inner_keys, inner_kind, True, evidence)
                kind, why = "state", "the multiplicative state m = (x @ W_mx) * (h @ W_mh), which the gates read in place of the hidden state"
            else:
                kind, why = self.operand_kind(operand)
            rows = None
            for key in keys:
                if key[0] == "slice1" and instance.shape is not None and len(instance.shape) == 2:
                    rows = "rows"
            if kind == "cell":
                self.add_usage(instance, "peephole", gate, keys, "cell", True, [f"multiplies the previous cell state in the {gate_label(self.cell, gate)}"])
            elif kind in ("input", "state", "fused"):
                where = f"`{self.describe(term.node)}`" if term.node is not None else "a matmul"
                role_why = {
                    "input": f"looks up the step's input ids in {where}, its product with a one-hot input" if term.kind == "gather" else f"multiplies the step's input in {where}",
                    "state": f"multiplies the previous hidden state in {where}",
                    "fused": f"multiplies the input and the previous hidden state joined, in {where}",
                }[kind]
                evidence = [f"{role_why} ({gate_label(self.cell, gate)})"]
                if why:
                    evidence.append(why)
                self.add_usage(instance, "kernel", gate, keys, kind, True, evidence, rows=rows)
        self.break_ties_by_name()

    def break_ties_by_name(self) -> None:
        """When the gating proves a cell but nothing shows which operand is
        the hidden state, a name such as ``h_prev`` may decide: supporting
        evidence only, so the role is not certain."""
        kernels = [u for u in self.usages if u.kind == "kernel"]
        if any(u.operand in ("state", "fused") for u in kernels):
            return
        roots: dict[int, Value] = {}
        for _, _, _, operand, _, _ in self.kernel_terms:
            value = strip(operand)
            if is_raw(value):
                roots[id(value)] = value
        if len(roots) < 2:
            self.break_join_by_name(kernels)
            return
        named = [r for r in roots.values() if _HIDDEN_NAME.search(label(r).split(".")[-1].split("[")[0])]
        if len(named) != 1:
            return
        chosen = named[0]
        for usage in kernels:
            for _, instance, _, operand, _, _ in self.kernel_terms:
                if instance is usage.weight and strip(operand) is chosen:
                    usage.operand = "state"
                    usage.certain = False
                    usage.evidence = [f"multiplies `{label(chosen)}`, taken to be the previous hidden state by its name ({gate_label(self.cell, usage.gate)})"]

    def break_join_by_name(self, kernels: list[Usage]) -> None:
        """``xc = np.hstack((x, h_prev))`` multiplied by every gate's kernel,
        where nothing shows that ``h_prev`` is fed back (the new state is
        kept on an object the caller reads): a name such as ``h_prev`` for
        exactly one of the joined raw parts makes the join [input; hidden
        state], as supporting evidence only (the role is not certain)."""
        joins: dict[int, Value] = {}
        for _, _, _, operand, _, _ in self.kernel_terms:
            value = strip(operand)
            if isinstance(value, Op) and value.kind == "concat":
                joins[id(value)] = value
        if len(joins) != 1:
            return
        join = next(iter(joins.values()))
        # a part may be either a parameter or its default (``if h_prev is None: h_prev = np.zeros_like(...)``)
        parts = [[strip(option) for option in options(part) if is_raw(option)] for part in join.args]
        if len(parts) != 2 or not all(parts):
            return
        named = [part[0] for part in parts if any(_HIDDEN_NAME.search(label(raw).split(".")[-1].split("[")[0]) for raw in part)]
        if len(named) != 1 or any(raw is self.cell.prev for part in parts for raw in part):
            return
        joined = self.describe(join.node) if join.node is not None else label(join)
        for usage in kernels:
            for _, instance, _, operand, _, _ in self.kernel_terms:
                if instance is usage.weight and strip(operand) is join:
                    usage.operand = "fused"
                    usage.certain = False
                    usage.evidence = [
                        f"multiplies `{joined}`, taken to join the input with the previous hidden state `{label(named[0])}` by its name ({gate_label(self.cell, usage.gate)})"
                    ]

    def gates_depth(self) -> bool:
        """The gating mixes a state with an "input" computed from that state
        in the same step (``y = ffn(x)``, then ``gate(x, y)``, looped over
        blocks): a gated residual or highway layer over depth, not time."""
        kinds = [self.operand_kind(operand)[0] for *_, operand, _, _ in self.kernel_terms]
        if self.over_depth:
            return True
        if "state" not in kinds or "input" in kinds or "fused" in kinds:
            return False
        # The cell's own state, not another layer's: a stacked layer's input
        # is computed in the same step from the layer below's state.
        own = {id(strip(self.cell.prev))}
        for kind, (*_, operand, _, _) in zip(kinds, self.kernel_terms):
            if kind == "state":
                own.update(id(part) for part in _raw_parts(operand))
        return any(kind == "mixed" and _reads(operand, own, set(), 0) for kind, (*_, operand, _, _) in zip(kinds, self.kernel_terms))

    def recurs(self) -> bool:
        if self.over_depth:
            return False
        kernels = [u for u in self.usages if u.kind == "kernel"]
        fed_back = any(u.operand in ("state", "fused") for u in kernels)
        has_input = any(u.operand in ("input", "fused") for u in kernels)
        return fed_back and has_input

    def add_usage(self, instance: WeightInstance, kind: str, gate: str | None, keys: list[tuple], operand: str | None, certain: bool, evidence: list[str], rows: str | None = None) -> None:
        block = block_of(instance, keys)
        self.usages.append(Usage(instance, kind, self.cell, gate, block, rows, operand, certain, evidence))


def _origin(value: Value):
    value = strip(value)
    while isinstance(value, Component):
        value = strip(value.parent)
    return value.origin if isinstance(value, Opaque) else None


def _reads(value: Value, roots: set[int], seen: set[int], depth: int) -> bool:
    """Whether ``value`` is computed from one of the raw values ``roots``."""
    if depth > 60 or id(value) in seen:
        return False
    seen.add(id(value))
    value = strip(value)
    if id(value) in roots:
        return True
    if isinstance(value, Op):
        return any(_reads(a, roots, seen, depth + 1) for a in value.args)
    if isinstance(value, Component):
        return _reads(value.parent, roots, seen, depth + 1)
    if isinstance(value, Seq):
        return any(_reads(a, roots, seen, depth + 1) for a in value.items)
    return False


def _terms_and_shifts(value: Value) -> list[tuple[Value, bool]]:
    """The terms of a sum, each with whether it is a normalisation's shift:
    a term added in the same ``+`` as ``normalised * gain`` (``ln(z) + b``
    leaves ``b`` outside the normalisation's own sum, a bias)."""
    value = strip(value)
    if not (isinstance(value, Op) and value.kind == "add"):
        return [(value, False)]
    args = [strip(a) for a in value.args]
    gained = any(_gain_product(a) for a in args)
    out: list[tuple[Value, bool]] = []
    for arg in args:
        if isinstance(arg, Op) and arg.kind == "add":
            out.extend(_terms_and_shifts(arg))
        else:
            out.append((arg, gained))
    return out


def _gain_product(value: Value) -> bool:
    """``normalised * gain``: a weight times a division or a normalising call
    (not a peephole's ``w * c``, whose other factor is the raw cell state)."""
    pair = product(value)
    if pair is None:
        return False
    for gain, normalised in (pair, pair[::-1]):
        normalised = strip(normalised)
        if weight_of(gain) is not None and weight_of(normalised) is None and isinstance(normalised, Op) and normalised.kind in ("div", "call"):
            return True
    return False


def _element_names(result: Seq) -> list[str | None] | None:
    """The names a returned tuple display spells (``return h, c``)."""
    node = result.node
    if not isinstance(node, (cst.Tuple, cst.List)) or len(node.elements) != len(result.items):
        return None
    return [element.value.value if isinstance(element.value, cst.Name) else None for element in node.elements]


def _raw_parts(operand: Value, depth: int = 0) -> list[Value]:
    """The raw values a matmul operand is made of: ``x``, ``h`` in
    ``concat([x, h])``, ``h`` in ``r * h``."""
    operand = strip(operand)
    if depth > 8:
        return []
    if is_raw(operand):
        return [operand]
    if isinstance(operand, Op) and operand.kind in ("concat", "mul"):
        return [part for arg in operand.args for part in _raw_parts(arg, depth + 1)]
    return []


def _same_gate_value(operand: Value, gate: Gate) -> bool:
    return strip(operand) is strip(gate.value)


def _gate_factor(operand: Value) -> Gate | None:
    operand = strip(operand)
    pair = product(operand)
    if pair is not None:
        for a, b in (pair, pair[::-1]):
            gate = gate_of(a)
            if gate is not None and is_raw(b):
                return gate
    if isinstance(operand, Op) and operand.kind == "concat":
        for item in operand.args:
            found = _gate_factor(item)
            if found is not None:
                return found
    return None


def _is_mask(value: Value) -> bool:
    value = strip(value)
    return isinstance(value, Opaque) or (isinstance(value, Op) and value.kind == "call")


def component_of(value: Value, key: tuple) -> Value | None:
    """The piece ``key`` of a structured value: an item of a tuple, list or
    stack, or the matching input of a concat."""
    if isinstance(value, Seq):
        index = key[1] if key[0] in ("index", "split") else None
        if key[0] == "attr" and len(value.items) == 2:
            index = {"c": 0, "h": 1}.get(key[1])  # LSTMStateTuple(c, h)
        if isinstance(index, int) and -len(value.items) <= index < len(value.items):
            return value.items[index]
        return None
    if isinstance(value, Op) and value.kind == "concat" and key[0] == "split" and isinstance(key[2], int) and key[2] == len(value.args):
        if isinstance(key[1], int) and -len(value.args) <= key[1] < len(value.args):
            return value.args[key[1]]
    return None


_WEIGHTED_SUMS = {"batch_dot", "matmul", "bmm", "einsum", "dot", "batch_matmul"}


def _is_softmax(value: Value) -> bool:
    """A softmax, as a call or written out (``exp(e) / sum(exp(e))``), seen
    through reshapes and ``expand_dims``."""
    for _ in range(8):
        value = strip(value)
        if isinstance(value, Component):
            value = value.parent
            continue
        if not isinstance(value, Op):
            return False
        name = str(value.meta).rsplit(".", 1)[-1]
        if (value.kind in ("act", "call") and name == "softmax") or (value.kind == "div" and len(value.args) == 2 and _is_exp(value.args[0])):
            return True
        tensors = [a for a in value.args if not isinstance(a, Const)]
        if value.kind != "call" or len(tensors) != 1:
            return False
        value = tensors[0]
    return False


def _is_exp(value: Value) -> bool:
    value = strip(value)
    return isinstance(value, Op) and value.kind == "call" and str(value.meta).rsplit(".", 1)[-1] == "exp"


def weight_of(value: Value) -> tuple[WeightInstance, list[tuple]] | None:
    """The weight a value is, with the slicing applied to it (outermost last)."""
    keys: list[tuple] = []
    value = strip(value)
    while isinstance(value, Component):
        if value.key[0] == "attr" and value.key[1] != "T":
            return None
        if value.key[0] != "attr":
            keys.insert(0, value.key)
        value = strip(value.parent)
    if isinstance(value, WeightVal):
        return value.weight, keys
    return None


def block_of(instance: WeightInstance, keys: list[tuple]) -> tuple[float, float] | None:
    """Which fraction of the weight's gate axis (its last axis) a chain of
    splits and slices selects; None for the whole."""
    start, end = 0.0, 1.0
    width = instance.shape[-1] if instance.shape else None
    rank = len(instance.shape) if instance.shape else None
    selected = False
    for key in keys:
        kind = key[0]
        span = end - start
        if kind == "split":
            _, k, parts, axis = key
            if rank == 2 and axis == 0:
                continue  # a split of the rows, not of the gates
            if isinstance(parts, int):
                lo, hi = k / parts, (k + 1) / parts
            else:
                total = parts[0]
                for size in parts[1:]:
                    total = S.binary("+", total, size)
                offset = S.const(0)
                for size in parts[:k]:
                    offset = S.binary("+", offset, size)
                lo = S.ratio(offset, total) if k else 0.0
                hi = S.ratio(S.binary("+", offset, parts[k]), total)
                if lo is None or hi is None:
                    return None
            start, end = start + lo * span, start + hi * span
            selected = True
        elif kind in ("cols", "slice1"):
            if kind == "slice1" and rank == 2:
                continue  # rows of a kernel
            _, lower, upper = key
            if width is None:
                return None
            segment = S.binary("*", width, S.const(span))
            lo = S.ratio(lower, segment) if lower is not None and S.as_number(lower) != 0 else 0.0
            hi = S.ratio(upper, segment) if upper is not None else 1.0
            if lo is None or hi is None:
                return None
            start, end = start + lo * span, start + hi * span
            selected = True
        elif kind == "index" and isinstance(key[1], int) and rank is not None and rank >= 2 and instance.shape:
            count = S.as_number(instance.shape[0])
            if count:
                k = key[1] % int(count)
                start, end = k / count, (k + 1) / count
                selected = True
    return (round(start, 6), round(end, 6)) if selected else None


def gate_label(cell: Cell, gate: str | None) -> str:
    if gate is None:
        return "cell"
    return GATE_LABELS.get((cell.kind, gate), gate)


def analyse_cells(cells: list[Cell], describe: Describe) -> list[CellUsage]:
    out = []
    depth: set[int] = set()
    for cell in cells:
        analysis = CellAnalysis(cell, describe)
        result = analysis.run()
        if result is not None:
            out.append(result)
        elif analysis.gates_depth():
            depth.add(id(cell.update.node))
    # A function whose gating some caller applies across depth (its "input"
    # computed from its "state" within the step) is a depth gate, also where
    # it is evaluated on its own with opaque arguments.
    return [result for result in out if id(result.cell.update.node) not in depth]


__all__ = ["Usage", "CellUsage", "analyse_cells", "gate_label", "to_expr", "Gate"]


def _returned_sequence(record) -> Seq | None:
    """What a step function returns last, when it returns several values
    (``return h, c``)."""
    if not record.returns:
        return None
    result = strip(record.returns[-1])
    return result if isinstance(result, Seq) else None
