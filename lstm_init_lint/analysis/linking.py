"""Producers and consumers of a cell's weights joined by structure alone.

The d2l style: ``get_params()`` creates every gate's weights and returns
them in one list (or tuple, or dict); ``lstm(inputs, state, params)`` unpacks
or indexes that container and runs the cell. Often nothing in the file joins
the two: a training helper in another package does
(``train(lstm, get_params, ...)``), or an object keeps the container in an
attribute. Evaluated on its own, the consumer multiplies by parts of an
opaque parameter and the producer's weights meet no matmul, so neither is
reported.

Here a parameter of a function that is unpacked into names, indexed by
constant keys or read by attributes is matched to the functions of the file
whose evaluation returned a container of weights of the same arity, keys or
attributes. The consumer is then evaluated once more with that container in
the parameter's place, so the cell finder sees the producer's weights (and
they are reported where the producer creates them). A consumer that is not
a recurrent cell (an MLP, an attention layer) still makes no cell, so its
producer stays quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import libcst as cst

from ..source.walk import walk
from .values import Component, DictVal, FuncVal, ObjVal, Opaque, Seq, Value, WeightVal

if TYPE_CHECKING:
    from .interpreter import Interpreter

# Fewer weights than this is not a cell's parameter container (a pair is
# too common a shape to link by).
MIN_WEIGHTS = 3


@dataclass(frozen=True)
class Producer:
    """A function whose evaluation returned a container holding weights."""

    func: FuncVal
    container: Value  # Seq, DictVal or ObjVal
    names: tuple[str | None, ...]  # per Seq item: the name its weight is bound to


@dataclass(frozen=True)
class Demand:
    """How a function reads one of its parameters as a container."""

    param: str
    unpacked: tuple[tuple[str | None, ...], ...]  # each unpacking's target names, in order
    keys: frozenset  # constant subscripts: params[0], params["W_xi"]
    attributes: frozenset[str]  # params.W_xi


@dataclass(frozen=True)
class Link:
    """Why a weight reached a consumer: for the finding's evidence."""

    consumer: str
    param: str
    producer: str
    how: str

    def evidence(self) -> str:
        return (
            f"`{self.param}` of {self.consumer}() is linked by structure to what {self.producer}() returns "
            f"({self.how}); no call in the file passes one to the other"
        )


def link_by_structure(it: Interpreter) -> None:
    """Evaluate each consumer again with the producer it matches."""
    link_held_objects(it)
    producers = _producers(it)
    if not producers:
        return
    for func, self_obj in _functions(it):
        for demand in _demands(func):
            chosen = _choose(demand, [p for p in producers if p.func.node is not func.node])
            if chosen is None:
                continue
            producer, how = chosen
            link = Link(func.name, demand.param, producer.func.name, how)
            for weight in _weights_in(producer.container):
                it.links.setdefault(id(weight.weight), link)
            it.evaluate_standalone(func, self_obj, bound={demand.param: producer.container})


def link_held_objects(it: Interpreter) -> None:
    """``self.param.wg`` in a method of one class, where ``self.param`` is
    whatever its constructor was given (``LstmNode(lstm_param, ...)``) and
    another class of the file keeps its weights under those attribute names
    (``LstmParam.__init__``: ``self.wg = ...``): the method is evaluated
    again with an instance of that class as ``self.param``. The one class
    that holds three or more of the weights read, and every attribute read,
    is chosen; none where several fit."""
    # Speed: only an instance holding enough weights can be the one chosen,
    # so without one no method's reads are looked at (a library's classes).
    constructed = [built for _, built in it.standalone_objects if built.cls is not None and _holds_weights(built)]
    if not constructed:
        return
    reads_of: dict[int, dict[str, frozenset[str]]] = {}  # by method node: several objects share a class
    for obj, _ in it.standalone_objects:
        if obj.cls is None:
            continue
        for method in list(obj.cls.methods.values()):
            held: dict[str, ObjVal] = {}
            reads = reads_of.get(id(method.node))
            if reads is None:
                reads = reads_of[id(method.node)] = _held_reads(method)
            for attribute, read in reads.items():
                if not isinstance(obj.attrs.get(attribute), (Opaque, Component)):
                    continue  # the class itself sets what it holds there
                fitting = [p for p in constructed if p.cls is not obj.cls and _holds(p, read)]
                if len(fitting) != 1:
                    continue
                producer = held[attribute] = fitting[0]
                link = Link(method.name, f"self.{attribute}", producer.cls.name, f"the {len(read)} attributes it reads are a {producer.cls.name} instance's")
                for name in read:
                    value = producer.attrs.get(name)
                    if isinstance(value, WeightVal):
                        it.links.setdefault(id(value.weight), link)
            if held:
                consumer = ObjVal(obj.cls)
                consumer.attrs = {**obj.attrs, **held}
                it.evaluate_standalone(method, consumer)


def _holds(obj: ObjVal, read: frozenset[str]) -> bool:
    """Three or more of the attributes read are random arrays or variables
    (a class of zero buffers is a state, not parameters), and every one
    read is there."""
    weights = [name for name in read if isinstance(obj.attrs.get(name), WeightVal) and not _constant_weight(obj.attrs[name])]
    return len(weights) >= MIN_WEIGHTS and all(name in obj.attrs or obj.cls.lookup(name) is not None for name in read)


def _holds_weights(obj: ObjVal) -> bool:
    """Whether ``obj`` holds enough random weights for ``_holds`` to choose it."""
    return sum(1 for value in obj.attrs.values() if isinstance(value, WeightVal) and not _constant_weight(value)) >= MIN_WEIGHTS


def _constant_weight(value: WeightVal) -> bool:
    init = value.weight.init
    return init is not None and init.dist.family in ("zeros", "ones", "constant")


def _held_reads(method: FuncVal) -> dict[str, frozenset[str]]:
    """``self.X.Y`` in a method's body: the Ys read of each X."""
    node = method.node
    if method.owner is None or not isinstance(node, cst.FunctionDef):
        return {}
    params = [*node.params.posonly_params, *node.params.params]
    if not params:
        return {}
    reads = _HeldReads(params[0].name.value)
    walk(node.body, reads)
    return {name: frozenset(found) for name, found in reads.found.items()}


class _HeldReads(cst.CSTVisitor):
    def __init__(self, self_name: str) -> None:
        self.self_name = self_name
        self.found: dict[str, set[str]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        inner = node.value
        if isinstance(inner, cst.Attribute) and isinstance(inner.value, cst.Name) and inner.value.value == self.self_name:
            self.found.setdefault(inner.attr.value, set()).add(node.attr.value)


def _functions(it: Interpreter) -> list[tuple[FuncVal, Value | None]]:
    found: list[tuple[FuncVal, Value | None]] = [(func, None) for func in it.module_funcs]
    for cls in it.classes:
        obj = ObjVal(cls)
        found.extend((method, obj) for method in cls.methods.values())
    return found


def _producers(it: Interpreter) -> list[Producer]:
    """Functions of the file whose evaluation returned three or more weights
    in one list, tuple, dict or object (the first evaluation of each)."""
    seen: set[int] = set()
    functions = {id(func.node): func for func, _ in _functions(it)}
    out = []
    for record in it.records:
        if record.kind != "function" or id(record.node) in seen or not record.returns:
            continue
        func = functions.get(id(record.node))
        if func is None:
            continue
        seen.add(id(record.node))
        container = record.returns[-1]
        if len(_weights_in(container)) < MIN_WEIGHTS:
            continue
        names: tuple[str | None, ...] = ()
        if isinstance(container, Seq):
            names = tuple(_bound_name(item) for item in container.items)
        out.append(Producer(func, container, names))
    return out


def _weights_in(container: Value) -> list[WeightVal]:
    if isinstance(container, Seq):
        items: Any = container.items
    elif isinstance(container, DictVal):
        items = container.entries.values()
    elif isinstance(container, ObjVal):
        items = container.attrs.values()
    else:
        return []
    return [item for item in items if isinstance(item, WeightVal)]


def _bound_name(item: Value) -> str | None:
    if isinstance(item, WeightVal) and item.weight.binding is not None:
        target = item.weight.binding[0]
        if isinstance(target, cst.Name):
            return target.value
    return None


def _choose(demand: Demand, producers: list[Producer]) -> tuple[Producer, str] | None:
    """The one producer whose container fits ``demand``; where several fit,
    the one whose weights are bound to the names the consumer unpacks."""
    fitting = [(p, how) for p in producers if (how := _fits(demand, p)) is not None]
    if len(fitting) > 1:
        named = [(p, how) for p, how in fitting if any(_same_names(names, p.names) for names in demand.unpacked)]
        fitting = named
    return fitting[0] if len(fitting) == 1 else None


def _same_names(unpacked: tuple[str | None, ...], produced: tuple[str | None, ...]) -> bool:
    return len(unpacked) == len(produced) and all(a is not None and a == b for a, b in zip(unpacked, produced))


def _fits(demand: Demand, producer: Producer) -> str | None:
    container = producer.container
    if isinstance(container, Seq):
        arities = {len(names) for names in demand.unpacked}
        size = len(container.items)
        if arities:
            if arities != {size}:
                return None
            return f"unpacked into {size} names, as many as it returns"
        indices = {k for k in demand.keys if isinstance(k, int) and not isinstance(k, bool)}
        if len(indices) >= MIN_WEIGHTS and indices == demand.keys and all(-size <= k < size for k in indices):
            return f"indexed by {len(indices)} constant positions of the {size} it returns"
        return None
    if isinstance(container, DictVal):
        keys = {k for k in demand.keys if isinstance(k, str)}
        if len(keys) >= MIN_WEIGHTS and keys == demand.keys and keys <= set(container.entries) and not demand.unpacked:
            return f"indexed by {len(keys)} of the keys it returns"
        return None
    if isinstance(container, ObjVal):
        attributes = demand.attributes
        if len(attributes) >= MIN_WEIGHTS and attributes <= set(container.attrs) and not demand.unpacked and not demand.keys:
            return f"read by {len(attributes)} of the attributes it returns"
    return None


def _demands(func: FuncVal) -> list[Demand]:
    node = func.node
    if not isinstance(node, cst.FunctionDef):
        return []
    params = [p.name.value for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)]
    if func.owner is not None and params:
        params = params[1:]  # self
    if not params:
        return []
    reads = _ContainerReads(set(params))
    walk(node.body, reads)
    out = []
    for name in params:
        unpacked = tuple(reads.unpacked.get(name, ()))
        keys = frozenset(reads.keys.get(name, ()))
        attributes = frozenset(reads.attributes.get(name, ()))
        if name in reads.other_uses and not unpacked:
            continue  # passed on, iterated, ...: not read as a container here
        if unpacked or keys or attributes:
            out.append(Demand(name, unpacked, keys, attributes))
    return out


class _ContainerReads(cst.CSTVisitor):
    """How a function body reads its parameters: unpacked (``a, b, c =
    params``), by constant subscript, by attribute; nested functions and
    classes are not this function's reads."""

    def __init__(self, params: set[str]) -> None:
        self.params = params
        self.unpacked: dict[str, list[tuple[str | None, ...]]] = {}
        self.keys: dict[str, set] = {}
        self.attributes: dict[str, set[str]] = {}
        self.other_uses: set[str] = set()
        self._accounted: set[int] = set()  # Name nodes read as a container

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if not (isinstance(value, cst.Name) and value.value in self.params):
            return
        for target in node.targets:
            if isinstance(target.target, (cst.Tuple, cst.List)):
                elements = target.target.elements
                if any(isinstance(e, cst.StarredElement) for e in elements):
                    continue
                names = tuple(e.value.value if isinstance(e.value, cst.Name) else None for e in elements)
                self.unpacked.setdefault(value.value, []).append(names)
                self._accounted.add(id(value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        base = node.value
        if not (isinstance(base, cst.Name) and base.value in self.params) or len(node.slice) != 1:
            return
        inner = node.slice[0].slice
        if not isinstance(inner, cst.Index):
            return
        key = _constant(inner.value)
        if key is not None:
            self.keys.setdefault(base.value, set()).add(key)
            self._accounted.add(id(base))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._accounted.add(id(node.attr))
        base = node.value
        if isinstance(base, cst.Name) and base.value in self.params:
            self.attributes.setdefault(base.value, set()).add(node.attr.value)
            self._accounted.add(id(base))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._accounted.add(id(node.keyword))

    def leave_Name(self, node: cst.Name) -> None:
        # visit_* of the parents run first, so an unaccounted read here is a
        # use of the whole container (passed on, iterated over, returned).
        if node.value in self.params and id(node) not in self._accounted:
            self.other_uses.add(node.value)


def _constant(node: cst.CSTNode) -> Any:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value, 0)
        except ValueError:
            return None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and isinstance(node.expression, cst.Integer):
        value = _constant(node.expression)
        return -value if value is not None else None
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - an odd literal is no key
            return None
        return value if isinstance(value, str) else None
    return None
