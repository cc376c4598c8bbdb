"""Where each weight's initialiser is written, for ``--fix``.

The analysis knows which expression at a weight's creation site defines its
initial value, the shape and dtype the code gives it there, and which other
weights that same expression creates (a helper's body, a loop). This module
turns that into a ``model.FixSite``; the fixer decides what to write.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from ..model import FixSite, Span
from .values import InitVal, Seq, WeightInstance, dotted

_DIMS_CALLS = ("randn", "rand")


def contains(root: cst.CSTNode, target: cst.CSTNode, limit: int = 2000) -> bool:
    """Whether ``target`` is ``root`` or one of its descendants."""
    stack = [root]
    seen = 0
    while stack and seen < limit:
        node = stack.pop()
        if node is target:
            return True
        seen += 1
        stack.extend(node.children)
    return False


def shape_node_text(inits: list[InitVal], where: cst.CSTNode, code: Callable[[cst.CSTNode], str], passed_as: dict) -> str | None:
    """The weight's shape as written inside ``where`` (the expression --fix
    replaces): a list literal or a name passed down to the initializer, or
    the shape argument of the call that draws the values."""
    for init in inits:
        value = init.shape_value
        if not isinstance(value, Seq):
            continue
        nodes = ([value.node] if value.node is not None else []) + list(passed_as.get(id(value), (None, []))[1])
        for node in nodes:
            if contains(where, node):
                return code(node)
    for init in inits:
        call = init.node
        if not isinstance(call, cst.Call) or not contains(where, call):
            continue
        positional = [a for a in call.args if a.keyword is None and not a.star]
        name = call.func.attr.value if isinstance(call.func, cst.Attribute) else getattr(call.func, "value", "")
        if name in _DIMS_CALLS:
            dims = [code(a.value) for a in positional]
            return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in ("shape", "size"):
                return code(arg.value)
        if name in ("normal", "uniform") and init.numpy:
            return code(positional[2].value) if len(positional) > 2 else None
        if positional:
            return code(positional[0].value)
    return None


def dtype_of(init: InitVal, where: cst.CSTNode | None) -> str | None:
    """``float64`` when the weight is not float32: NumPy arrays default to
    float64 unless ``.astype(...)`` or ``dtype=`` says otherwise."""
    declared = None
    if where is not None:
        stack = [where]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Call):
                func = node.func
                if isinstance(func, cst.Attribute) and func.attr.value == "astype" and node.args:
                    declared = _dtype_name(node.args[0].value)
                for arg in node.args:
                    if arg.keyword is not None and arg.keyword.value == "dtype":
                        declared = declared or _dtype_name(arg.value)
            stack.extend(node.children)
    if declared is None and init.numpy:
        declared = "float64"
    return None if declared in (None, "float32") else declared


def _dtype_name(node: cst.CSTNode) -> str | None:
    text = dotted(node) or (node.evaluated_value if isinstance(node, cst.SimpleString) else None)
    if not isinstance(text, str):
        return None
    last = text.rsplit(".", 1)[-1]
    return {"float": "float64", "double": "float64", "half": "float16"}.get(last, last if last.startswith(("float", "bfloat")) else None)


def fix_site(
    weight: WeightInstance,
    init: InitVal,
    group: list[WeightInstance],
    sharers: tuple[tuple[str, tuple | None], ...],
    passed_as: dict,
    span: Callable[[cst.CSTNode], Span],
    code: Callable[[cst.CSTNode], str],
) -> FixSite:
    call = weight.creation_node
    func = call.func
    module = dotted(func.value) if isinstance(func, cst.Attribute) else None
    namespace = weight.namespace
    kind = "initializer"
    if weight.api in ("tf.Variable", "K.variable") or weight.init_form == "tensor":
        kind = "value"
    replace = weight.init_node
    inits = [w.init for w in group if w.init is not None]
    shape = None
    blocker = None
    if kind == "value":
        if replace is None:
            blocker = "cannot find the initial value in the call that creates it"
        elif init.dist.family == "piecewise":
            shape = _pieces_shape(init, code, passed_as)
        else:
            shape = shape_node_text(inits, replace, code, passed_as)
        if replace is not None and shape is None:
            blocker = f"cannot see the weight's shape where it is created (`{_short(code(replace))}`)"
    elif weight.layer is not None:
        if weight.layer.part == "bias" and weight.shape_node is not None:
            shape = f"[{code(weight.shape_node)}]"  # Dense(units): the bias has units entries
        # A framework layer's initialisers go through its own arguments, and
        # its module (tf.layers, core_rnn_cell) has no initializers to spell.
        module = weight.layer.module
        blocker = weight.layer.blocker
    elif weight.shape_node is not None:
        shape = code(weight.shape_node)
    if weight.api == "numpy":
        # The reference spellings are TensorFlow's; written into NumPy code
        # they would turn its arrays into tensors.
        blocker = "a NumPy array: there is no NumPy spelling of the reference initialisers to write"
    return FixSite(
        kind=kind,
        api=weight.api,
        replace=span(replace) if replace is not None else None,
        call=span(call),
        shape=shape,
        dtype=dtype_of(init, replace),
        module=module,
        namespace=namespace,
        sharers=sharers,
        blocker=blocker,
        loop_key=weight.loop_key,
        keyword=weight.layer.keyword if weight.layer is not None else "initializer",
    )


def _pieces_shape(init: InitVal, code: Callable[[cst.CSTNode], str], passed_as: dict) -> str | None:
    """A vector built as ``concat([zeros([a]), ones([b])])``: its length is
    the sum of the pieces' lengths as written."""
    sizes = []
    for piece in init.pieces or ():
        value = piece.shape_value
        if not isinstance(value, Seq) or value.node is None or len(value.items) != 1:
            return None
        element = value.node.elements[0].value if isinstance(value.node, (cst.List, cst.Tuple)) else None
        if element is None:
            return None
        sizes.append(code(element))
    return "[" + " + ".join(sizes) + "]" if sizes else None


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
