"""Reading a libcst tree without rebuilding it: ``children(node)`` and
``walk(node, visitor)``, the same answers as libcst's ``node.children`` and
``node.visit(visitor)`` for a visitor that only reads.

Why: libcst computes both through ``_visit_and_replace_children``, which
builds a new node for every node it passes (and calls each visitor's
attribute hooks for every field). The analysis asks what a loop body
assigns, what a method reads of ``self``, where a parameter's default is,
thousands of times per file; walked that way, those questions were most of
the analysis' time on large files.

A node's children are its dataclass fields that hold nodes, in the order
libcst visits them (lexical order, which is not always the order the fields
are declared in: a ``Call``'s parentheses come before its function). That
order is learnt from libcst itself, once per node type and set of fields
present, so it cannot drift from libcst's; a node whose children cannot be
told apart that way (the same child object in two fields) is asked of
libcst directly.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import libcst as cst

_CSTNode = cst.CSTNode
_FIELDS: dict[type, tuple[str, ...]] = {}
# (node type, the fields that hold nodes in this one) -> those fields in libcst's order;
# None: libcst visits them interleaved, so each such node is asked of libcst.
_ORDER: dict[tuple[type, tuple[str, ...]], tuple[str, ...] | None] = {}


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node.children``, without libcst's rebuild of the node."""
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(field.name for field in dataclasses.fields(kind))
    present = []
    values = []
    for name in fields:
        value = getattr(node, name)
        value_kind = type(value)
        if value_kind is tuple or value_kind is list:
            if value:
                present.append(name)
                values.append(value)
        elif _is_node(value_kind):
            present.append(name)
            values.append(value)
    if not present:
        return []
    key = (kind, tuple(present))
    order = _ORDER.get(key, _UNKNOWN)
    if order is _UNKNOWN:
        order = _ORDER[key] = _learn_order(node, present, values)
    if order is None:
        return list(node.children)
    if len(present) == 1:
        value = values[0]
        return [value] if type(value) is not tuple and type(value) is not list else [item for item in value if _is_node(type(item))]
    by_name = dict(zip(present, values))
    out: list[cst.CSTNode] = []
    for name in order:
        value = by_name[name]
        if type(value) is tuple or type(value) is list:
            out.extend(item for item in value if _is_node(type(item)))
        else:
            out.append(value)
    return out


_UNKNOWN = object()
_NODE_KINDS: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    """Whether values of this type are libcst nodes (``isinstance`` against
    libcst's abstract base class is slow, and asked a million times a file)."""
    known = _NODE_KINDS.get(kind)
    if known is None:
        known = _NODE_KINDS[kind] = issubclass(kind, _CSTNode)
    return known


def _learn_order(node: cst.CSTNode, present: list[str], values: list[Any]) -> tuple[str, ...] | None:
    """The order libcst visits ``node``'s fields in, read from its own
    ``children``; None when a field's children are not visited together."""
    field_of: dict[int, str] = {}
    for name, value in zip(present, values):
        for item in value if type(value) is tuple or type(value) is list else (value,):
            if id(item) in field_of:
                return None  # one object in two places: order by identity is ambiguous
            field_of[id(item)] = name
    order: list[str] = []
    for child in node.children:
        name = field_of.get(id(child))
        if name is None:
            return None
        if not order or order[-1] != name:
            if name in order:
                return None  # interleaved with another field
            order.append(name)
    if len(order) != len(present):
        return None
    return tuple(order)


def descendants(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``root`` and every node below it, parents before children."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def walk(root: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """``root.visit(visitor)`` for a visitor that only reads: its
    ``visit_<Node>`` methods (returning False skips the node's children)
    and ``leave_<Node>`` methods (called even then, as libcst does) in
    libcst's order."""
    visits: dict[type, tuple[Any, Any]] = {}
    stack: list[tuple[cst.CSTNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        kind = type(node)
        hooks = visits.get(kind)
        if hooks is None:
            name = kind.__name__
            hooks = visits[kind] = (getattr(visitor, f"visit_{name}", None), getattr(visitor, f"leave_{name}", None))
        visit, leave = hooks
        if leaving:
            leave(node)
            continue
        descend = visit is None or visit(node) is not False
        if leave is not None:
            stack.append((node, True))
        if descend:
            stack.extend((child, False) for child in reversed(children(node)))
