"""What calls do, for the interpreter: TensorFlow / Keras / NumPy calls,
weight creation, recurrence drivers, builtins, methods of known values and
subscripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import libcst as cst

from . import branches
from . import symbolic as S
from ..knowledge.apis import ACTIVATIONS, CREATOR_METHODS, FRAMEWORK_LAYERS, LAYER_NORM_BETA, FrameworkLayer, activation_name, canonical, op_kind, table_key
from .initializers import TENSOR_INITS, Dist, bind, build_object, build_tensor, generation, keras_string, object_spec
from .frames import Frame, Record
from .numbers import to_expr, to_shape
from .caller_scopes import note_default, note_runner
from .modules import ProjectModule
from .values import (
    NONE,
    BoundMethod,
    Builtin,
    ClassVal,
    Component,
    Const,
    DenseLayer,
    DictVal,
    ExternalMethod,
    FuncVal,
    InitializerObj,
    InitVal,
    LayerPart,
    ModuleRef,
    ObjVal,
    Op,
    Opaque,
    Origin,
    Partial,
    Parts,
    RngVal,
    ScopeCtx,
    Seq,
    SuperVal,
    Value,
    WeightInstance,
    WeightVal,
    dotted,
)

if TYPE_CHECKING:
    from .interpreter import Interpreter

# As for range(): a split or unstack into more pieces than this is not unrolled.
MAX_PARTS = 64


BUILTINS = {
    name: Builtin(name)
    for name in (
        "range",
        "len",
        "enumerate",
        "zip",
        "list",
        "tuple",
        "reversed",
        "sorted",
        "int",
        "float",
        "str",
        "dict",
        "super",
        "getattr",
        "setattr",
        "max",
        "min",
        "abs",
        "print",
        "isinstance",
        "sum",
        "round",
        "iter",
        "next",
        "map",
        "hasattr",
        "bool",
    )
}

_ACTIVATION_STRINGS = {"sigmoid", "tanh", "hard_sigmoid", "relu", "softsign", "elu", "selu", "linear", "swish", "silu", "gelu"}
_SETTERS = {"assign", "load", "set_weights"}
_PASS_METHODS = {"astype", "reshape", "numpy", "read_value", "value", "squeeze", "copy", "clone", "float", "type", "T", "transpose", "detach", "to"}


# --- entry points from the interpreter -------------------------------------------


def call_value(it: Interpreter, callee: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    if not isinstance(callee, (FuncVal, BoundMethod, ClassVal)) and branches.has_either([callee, *args, *kwargs.values()]):
        # tf.matmul(h, W) where W may be either arm's weight: one call per
        # option, so each arm's graph is whole (a user function takes the
        # Either as it is and does the same inside).
        names = list(kwargs)
        return branches.distribute(
            [callee, *args, *kwargs.values()],
            lambda v: call_value(it, v[0], list(v[1 : 1 + len(args)]), dict(zip(names, v[1 + len(args) :])), node, frame),
        )
    if isinstance(callee, ModuleRef) and callee.qualname == "functools.partial" and args:
        return Partial(args[0], args[1:], kwargs)
    if isinstance(callee, Partial):
        return call_value(it, callee.func, [*callee.args, *args], {**callee.kwargs, **kwargs}, node, frame)
    if isinstance(callee, ModuleRef):
        note_runner(it, callee.qualname, args, kwargs, frame.path + (node,))
        return api_call(it, callee.qualname, args, kwargs, node, frame)
    if isinstance(callee, FuncVal):
        return it.invoke(callee, args, kwargs, None, frame)
    if isinstance(callee, BoundMethod):
        return it.invoke(callee.func, args, kwargs, callee.obj, frame)
    if isinstance(callee, ClassVal):
        return it.instantiate(callee, args, kwargs, frame)
    if isinstance(callee, InitializerObj):
        return apply_initializer(callee, args, kwargs)
    if isinstance(callee, ObjVal):
        return it.call_object(callee, args, kwargs, frame, node)
    if isinstance(callee, DenseLayer):
        return apply_dense(it, callee, args, node)
    if isinstance(callee, Builtin):
        return call_builtin(it, callee.name, args, kwargs, node, frame)
    if isinstance(callee, ExternalMethod):
        return external_method(it, callee.obj, callee.name, args, kwargs, node, frame)
    if isinstance(callee, Const) and isinstance(callee.value, str) and callee.value in _ACTIVATION_STRINGS:
        return Op("act", tuple(args[:1]), node, callee.value)
    return it.make_op("call", tuple(args) + tuple(kwargs.values()), node, _label(callee))


def _label(value: Value) -> str:
    if isinstance(value, Opaque):
        return value.label
    if isinstance(value, Component) and value.key[0] == "attr":
        return value.key[1]
    return type(value).__name__


def call_method(it: Interpreter, base: Value, name: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value | None:
    """Method calls on values the interpreter understands; None to fall back
    to attribute lookup and a plain call."""
    if isinstance(base, (ModuleRef, ClassVal, ProjectModule)):
        return None
    if isinstance(base, ObjVal):
        found = base.attrs.get(name)
        if found is None and base.cls is not None:
            found = base.cls.lookup(name)
        if found is not None:
            return None
        return external_method(it, base, name, args, kwargs, node, frame)
    if isinstance(base, SuperVal):
        if base.cls is not None:
            for parent in base.cls.bases:
                if isinstance(parent, ClassVal) and isinstance(parent.lookup(name), FuncVal):
                    return None
        if name == "__init__" and isinstance(base.obj, ObjVal):
            framework_constructor(base, args, kwargs)
        return external_method(it, base.obj, name, args, kwargs, node, frame)
    if isinstance(base, Seq) and base.kind == "list":
        if name == "append" and args:
            base.items.append(args[0])
            if isinstance(args[0], Seq) and frame.path and id(args[0]) not in it.registered_at:
                # self._recurrent_list.append([name, inputs]) in a builder's
                # add_recurrent(...): the weights its build() makes in a loop
                # over that list are made for this call (``_new_weight``).
                it.registered_at[id(args[0])] = (args[0], frame.path)
            # self.kernels.append(variable(...)): created here, as self.kernels[k]
            it.note_binding(args[0], node.func.value, f"{_dotted(node.func.value)}[{len(base.items) - 1}]", frame, it.call_mark)
            return NONE
        if name == "extend" and args:
            items = it.known_items(args[0])
            if items is not None:
                base.items.extend(items)
            return NONE
        if name == "insert" and len(args) == 2 and isinstance(args[0], Const) and isinstance(args[0].value, int):
            base.items.insert(args[0].value, args[1])
            return NONE
        return Opaque(name)
    if isinstance(base, DictVal):
        return dict_method(base, name, args, kwargs)
    if isinstance(base, InitVal):
        if name in _PASS_METHODS:
            return base
        return Opaque(name)
    if isinstance(base, RngVal):
        return tensor_init(it, "rng", name, args, kwargs, node)
    if isinstance(base, ScopeCtx):
        if name == "set_initializer" and args:
            if it.scope_initializers:
                it.scope_initializers[-1] = args[0]
            else:
                it.global_scope_initializer = args[0]
        return NONE
    if isinstance(base, Const):
        if isinstance(base.value, str) and name == "format" and all(isinstance(a, Const) for a in args):
            try:
                return Const(base.value.format(*[a.value for a in args]))
            except Exception:  # noqa: BLE001 - user format strings
                return Opaque("str")
        return Opaque(name)
    if isinstance(base, WeightVal):
        if name in ("read_value", "value", "numpy") or (base.weight.api == "numpy" and name in _PASS_METHODS):
            return base
        if name == "dot" and len(args) == 1:
            return Op("matmul", (base, args[0]), node)
        if name in _SETTERS:
            set_after_creation(base, node)
            return NONE
        return it.make_op("call", (base, *args), node, name)
    if isinstance(base, (Opaque, Component)) and _never_bound(base):
        # T.nnet.sigmoid(z) beside TF code, T never imported: a call of
        # some library's function of its arguments, not a method of T.
        if name in ACTIVATIONS and len(args) == 1:
            return Op("act", (args[0],), node, name)
        return it.make_op("call", tuple(args), node, name)
    if isinstance(base, (Opaque, Op, Component)):
        if name in _SETTERS:
            set_after_creation(base, node)  # bias[u:2 * u].assign(1.0)
        if name in _PASS_METHODS:
            return Op("pass", (base,), node, name)
        if name == "dot" and len(args) == 1:
            return Op("matmul", (base, args[0]), node)  # NumPy's a.dot(b)
        if name == "read":
            return Component(base, ("other",), node)
        return it.make_op("call", (base, *args), node, name)
    return None


def _never_bound(value: Value) -> bool:
    """A name the file neither imports, defines nor assigns (``T`` of
    ``T.nnet.sigmoid``), or an attribute of one."""
    while isinstance(value, Component) and value.key[0] == "attr":
        value = value.parent
    return isinstance(value, Opaque) and value.origin is not None and value.origin.kind == "unknown" and value.label == value.origin.name


def _dotted(node: cst.CSTNode) -> str:
    return dotted(node) or "…"


def dict_method(base: DictVal, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if name in ("get", "setdefault") and args and isinstance(args[0], Const):
        found = base.entries.get(args[0].value)
        if found is None and len(args) > 1:
            if name == "setdefault":
                base.entries[args[0].value] = args[1]
            return args[1]
        return found if found is not None else NONE
    if name == "update":
        if args and isinstance(args[0], DictVal):
            base.entries.update(args[0].entries)
        base.entries.update(kwargs)
        return NONE
    if name == "values":
        return Seq(list(base.entries.values()), "list")
    if name == "keys":
        return Seq([Const(k) for k in base.entries], "list")
    if name == "items":
        return Seq([Seq([Const(k), v]) for k, v in base.entries.items()], "list")
    return Opaque(name)


# Keras' recurrent cells take the hidden size first: ``GRUCell(units, ...)``.
_KERAS_CELL_BASES = ("SimpleRNNCell", "GRUCell", "LSTMCell")


def framework_constructor(base: SuperVal, args: list[Value], kwargs: dict[str, Value]) -> None:
    """``super().__init__(units, kernel_initializer=kernel_initializer, ...)``
    of a Keras layer the file does not define: the layer stores each
    ``*_initializer`` it is given as ``self.<name>`` (through
    ``initializers.get``), its activations (``activations.get``), and a
    recurrent cell its ``units``; what the
    subclass's own ``build`` then reads. An attribute the subclass set
    itself wins."""
    obj = base.obj
    for keyword, value in kwargs.items():
        if (keyword.endswith("_initializer") or keyword in ("activation", "recurrent_activation")) and keyword not in obj.attrs:
            obj.attrs[keyword] = value
    external = [parent for parent in (base.cls.bases if base.cls is not None else ()) if isinstance(parent, ModuleRef)]
    if args and "units" not in obj.attrs and any(parent.qualname.rsplit(".", 1)[-1] in _KERAS_CELL_BASES for parent in external):
        obj.attrs["units"] = args[0]


def external_method(it: Interpreter, obj: Value, name: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    """A method the file does not define: Keras' ``add_weight`` and friends."""
    if name in CREATOR_METHODS:
        return create_add_weight(it, args, kwargs, node, frame)
    if name in ("__init__", "build"):
        return NONE
    return it.make_op("call", tuple(args), node, name)


def subscript(it: Interpreter, base: Value, node: cst.Subscript, frame: Frame) -> Value:
    elements = node.slice
    if isinstance(base, (Seq, DictVal, Const)) and len(elements) == 1:
        inner = elements[0].slice
        if isinstance(inner, cst.Index):
            key = it.ev(inner.value, frame)
            if isinstance(key, Const):
                try:
                    if isinstance(base, Seq):
                        return base.items[key.value]
                    if isinstance(base, DictVal):
                        found = base.entries.get(key.value)
                        return found if found is not None else Opaque("dict item")
                    return Const(base.value[key.value])
                except (IndexError, TypeError, KeyError):
                    return Opaque("item")
            if isinstance(base, Seq) and len(base.items) == 1:
                # h[t - 1] of a one-item list (h = [None for _ in range(T)]
                # evaluated once over an unknown count): its item, whatever
                # the index.
                return base.items[0]
        elif isinstance(inner, cst.Slice) and isinstance(base, Seq):
            lower = it.ev(inner.lower, frame) if inner.lower is not None else Const(None)
            upper = it.ev(inner.upper, frame) if inner.upper is not None else Const(None)
            if isinstance(lower, Const) and isinstance(upper, Const):
                try:
                    return Seq(base.items[lower.value : upper.value], base.kind)
                except TypeError:
                    pass
        return Opaque("item")
    if isinstance(base, InitVal):
        return base
    if isinstance(base, Parts) and len(elements) == 1 and isinstance(elements[0].slice, cst.Index):
        key = it.ev(elements[0].slice.value, frame)
        if isinstance(key, Const) and isinstance(key.value, int):
            return Component(base.parent, ("index", key.value), node)
        return Component(base.parent, ("other",), node)
    return Component(base, slice_key(it, elements, frame), node)


def slice_key(it: Interpreter, elements: Any, frame: Frame) -> tuple:
    def bound(expr: cst.CSTNode | None, default: Any) -> Any:
        if expr is None:
            return default
        return to_expr(it.ev(expr, frame))

    def full(element: cst.SubscriptElement) -> bool:
        inner = element.slice
        if isinstance(inner, cst.Slice):
            return inner.lower is None and inner.upper is None
        return isinstance(inner, cst.Index) and isinstance(inner.value, cst.Ellipsis)

    if len(elements) == 1:
        inner = elements[0].slice
        if isinstance(inner, cst.Index):
            key = it.ev(inner.value, frame)
            if isinstance(key, Const) and isinstance(key.value, (int, str)):
                return ("index", key.value)
            return ("other",)
        return ("slice1", bound(inner.lower, S.const(0)), bound(inner.upper, None))
    last = elements[-1].slice
    if isinstance(last, cst.Slice) and all(full(e) for e in elements[:-1]) and not full(elements[-1]):
        return ("cols", bound(last.lower, S.const(0)), bound(last.upper, None))
    return ("other",)


def init_arithmetic(kind: str, left: Value, right: Value) -> Value | None:
    """``np.random.randn(n, m) * 0.01`` and friends: scale or shift an initial
    value by a number."""
    for matrix, signs in ((left, right), (right, left)):
        if kind == "mul" and isinstance(matrix, InitVal) and isinstance(signs, Opaque) and signs.origin is not None and signs.origin.kind == "sign":
            if matrix.dist.family in ("orthogonal", "identity"):
                return matrix  # flipping columns' signs leaves a matrix orthogonal
    if isinstance(left, InitVal) and not isinstance(right, (InitVal, WeightVal)):
        factor = to_expr(right)
        if factor is None:
            return None
        if kind == "mul":
            return scaled_init(left, factor)
        if kind == "div":
            return scaled_init(left, S.binary("/", S.const(1.0), factor))
        if kind == "add":
            return _with_dist(left, left.dist.shifted(factor))
        if kind == "sub":
            return _with_dist(left, left.dist.shifted(S.neg(factor)))
        return None
    if isinstance(right, InitVal) and not isinstance(left, (InitVal, WeightVal)):
        factor = to_expr(left)
        if factor is None:
            return None
        if kind == "mul":
            return scaled_init(right, factor)
        if kind == "add":
            return _with_dist(right, right.dist.shifted(factor))
    return None


def rescaled_numpy_weight(kind: str, left: Value, right: Value, node: cst.CSTNode) -> Value | None:
    """``w = np.random.randn(*shape); return stddev * w`` (an ``init_weights``
    helper drawing first and scaling after): the array held in a local name,
    times or divided by a number computed from constants and sizes, is the
    same weight with a scaled initial value, written by the whole product."""
    if kind not in ("mul", "div"):
        return None
    for weight_side, number in ((left, right), (right, left)):
        if weight_side is right and kind == "div":
            continue
        if not (isinstance(weight_side, WeightVal) and weight_side.weight.api == "numpy" and weight_side.weight.init is not None):
            continue
        binding = weight_side.weight.binding
        if binding is None or not isinstance(binding[0], cst.Name) or not _plain_number(number, 0):
            continue
        factor = to_expr(number)
        if factor is None:
            continue
        weight = weight_side.weight
        weight.init = scaled_init(weight.init, factor if kind == "mul" else S.binary("/", S.const(1.0), factor))
        weight.init_node = node
        return weight_side
    return None


def _symbolic_sum(items: list[Value] | None, node: cst.CSTNode) -> Value | None:
    """``sum(shape)`` over sizes (``[n_in, n_hidden]``): their sum as the
    code writes it, marked as a number (``Op("pass", meta="sum")``), so a
    message says ``sqrt(n_in + n_hidden)``."""
    if not items or len(items) > 16 or any(to_expr(item) is None for item in items):
        return None
    total = items[0]
    for item in items[1:]:
        total = Op("add", (total, item), node)
    return Op("pass", (total,), node, "sum")


def _plain_number(value: Value, depth: int) -> bool:
    """A number the code computes from constants and sizes (``6.0 /
    np.sqrt(sum(shape))``), never a tensor: a parameter or a state times a
    weight is a product, not a scaling."""
    if depth > 12:
        return False
    if isinstance(value, Const):
        return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
    if isinstance(value, Opaque):
        return value.label in ("sum", "len", "max", "min") and (value.origin is None or value.origin.kind == "unknown")
    if isinstance(value, Op) and value.kind == "pass" and value.meta == "sum":
        return True  # a sum of sizes (``_symbolic_sum``)
    if isinstance(value, Op) and value.kind in ("add", "sub", "mul", "div", "floordiv", "pow", "sqrt", "neg"):
        return all(_plain_number(arg, depth + 1) for arg in value.args)
    return False


def scaled_init(value: InitVal, factor: S.Expr) -> InitVal:
    return _with_dist(value, value.dist.scaled(factor))


def _with_dist(value: InitVal, dist: Dist) -> InitVal:
    return copy_init(value, dist)


def copy_init(value: InitVal, dist: Dist | None = None, shape: tuple | None = None) -> InitVal:
    out = InitVal(value.dist if dist is None else dist, value.node, value.shape if shape is None else shape)
    out.helper, out.helper_node = value.helper, value.helper_node
    out.shape_value, out.numpy, out.implicit, out.pieces = value.shape_value, value.numpy, value.implicit, value.pieces
    return out


def apply_initializer(obj: InitializerObj, args: list[Value], kwargs: dict[str, Value]) -> InitVal:
    shape_value = args[0] if args else kwargs.get("shape")
    shape = to_shape(shape_value) if shape_value is not None else None
    out = InitVal(obj.dist, obj.node, shape)
    out.helper, out.helper_node = obj.helper, obj.helper_node
    out.shape_value = shape_value
    return out


# --- builtins --------------------------------------------------------------------


def call_builtin(it: Interpreter, name: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    if name == "range":
        if args and all(isinstance(a, Const) and isinstance(a.value, int) for a in args):
            values = range(*[a.value for a in args])
            if len(values) <= 64:
                return Seq([Const(v) for v in values], "list")
        return Opaque("range")
    if name == "len":
        items = it.known_items(args[0]) if args else None
        return Const(len(items)) if items is not None else Opaque("len", Origin("unknown", name="len"))
    if name == "enumerate" and args:
        items = it.known_items(args[0])
        if items is not None:
            return Seq([Seq([Const(i), v]) for i, v in enumerate(items)], "list")
        return Opaque("enumerate")
    if name == "zip":
        lists = [it.known_items(a) for a in args]
        if lists and all(items is not None for items in lists):
            return Seq([Seq(list(group)) for group in zip(*lists)], "list")
        known = [items for items in lists if items is not None]
        if known:
            # zip(hs, cs, Ws) over layers: the weight lists say how many; a
            # state list the loop carries (opaque) gives its k-th item, which
            # the loop's next value of that list tells the analysis about.
            count = min(len(items) for items in known)
            columns = [items if items is not None else [Component(a, ("index", k), node) for k in range(count)] for a, items in zip(args, lists)]
            return Seq([Seq(list(group)) for group in zip(*columns)], "list")
        return Opaque("zip")
    if name in ("list", "tuple", "reversed", "sorted", "iter"):
        if not args:
            return Seq([], "list")
        items = it.known_items(args[0])
        if items is None:
            return args[0]
        if name == "reversed":
            items = items[::-1]
        return Seq(items, "list" if name == "list" else "tuple")
    if name in ("int", "float", "round", "abs"):
        if args and isinstance(args[0], Const) and isinstance(args[0].value, (int, float, str)):
            try:
                return Const({"int": int, "float": float, "round": round, "abs": abs}[name](args[0].value))
            except (TypeError, ValueError):
                return Opaque(name)
        return Op("pass", tuple(args[:1]), node, name) if args else Const(0)
    if name == "str" and args and isinstance(args[0], Const):
        return Const(str(args[0].value))
    if name == "dict":
        result = DictVal(dict(args[0].entries) if args and isinstance(args[0], DictVal) else {})
        result.entries.update(kwargs)
        return result
    if name == "super":
        return SuperVal(frame.cls, frame.self_obj)
    if name == "getattr" and len(args) >= 2 and isinstance(args[1], Const) and isinstance(args[1].value, str):
        return it.get_attr(args[0], args[1].value, node)
    if name == "setattr" and len(args) == 3 and isinstance(args[1], Const) and isinstance(args[0], ObjVal):
        args[0].attrs[str(args[1].value)] = args[2]
        return NONE
    if name == "sum" and len(args) == 1 and not isinstance(args[0], Const):
        total = _symbolic_sum(it.known_items(args[0]), node)
        if total is not None:
            return total
    if name in ("max", "min", "sum") and args and all(isinstance(a, Const) for a in args):
        try:
            return Const({"max": max, "min": min, "sum": sum}[name](a.value for a in args))
        except (TypeError, ValueError):
            return Opaque(name)
    if name == "print":
        return NONE
    if name == "isinstance" and len(args) == 2:
        return _isinstance(args[0], args[1])
    return Opaque(name)


_PY_TYPES = {"list": list, "tuple": tuple, "dict": dict, "int": int, "float": float, "str": str, "bool": bool}


def _isinstance(value: Value, spec: Value) -> Value:
    """``isinstance(args, (list, tuple))`` when the interpreter knows what
    ``args`` is: a list or tuple display, a constant, a dict, a weight or the
    result of tensor arithmetic. Anything else stays unknown."""
    names = [item.name for item in spec.items if isinstance(item, Builtin)] if isinstance(spec, Seq) else [spec.name] if isinstance(spec, Builtin) else []
    if not names or not all(name in _PY_TYPES for name in names) or (isinstance(spec, Seq) and len(names) != len(spec.items)):
        return Opaque("isinstance")
    if isinstance(value, Seq):
        return Const(value.kind in names)
    if isinstance(value, DictVal):
        return Const("dict" in names)
    if isinstance(value, Const):
        return Const(isinstance(value.value, tuple(_PY_TYPES[name] for name in names)))
    if isinstance(value, (WeightVal, InitVal)) or (isinstance(value, Op) and value.kind != "call"):
        return Const(False)  # a tensor
    return Opaque("isinstance")


# --- TensorFlow / Keras / NumPy ------------------------------------------------


def api_call(it: Interpreter, qualname: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    resolved = canonical(qualname)
    if resolved is None:
        return it.make_op("call", tuple(args), node, qualname)
    namespace, path = resolved
    kind = op_kind(namespace, path)
    if kind is not None:
        return known_op(it, kind, namespace, path, args, kwargs, node, frame)
    if path.endswith("LSTMStateTuple"):
        c = args[0] if args else kwargs.get("c", Opaque("c"))
        h = args[1] if len(args) > 1 else kwargs.get("h", Opaque("h"))
        return Seq([c, h], "tuple", node)
    if table_key(namespace, path) in TENSOR_INITS:
        return tensor_init(it, namespace, path, args, kwargs, node)
    spec = object_spec(namespace, path)
    if spec is not None:
        return InitializerObj(build_object(spec, _numbers(args), _numbers_kw(kwargs), generation(namespace)), node)
    return it.make_op("call", tuple(args) + tuple(kwargs.values()), node, path)


def _number(value: Value) -> Any:
    if isinstance(value, Const):
        if isinstance(value.value, bool) or value.value is None or isinstance(value.value, str):
            return value.value
        return S.const(float(value.value)) if isinstance(value.value, (int, float)) else None
    expr = to_expr(value)
    return expr


def _numbers(args: list[Value]) -> list[Any]:
    return [_number(a) for a in args]


def _numbers_kw(kwargs: dict[str, Value]) -> dict[str, Any]:
    return {k: _number(v) for k, v in kwargs.items()}


def tensor_init(it: Interpreter, namespace: str, path: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
    key = f"rng:{path}" if namespace == "rng" else table_key(namespace, path)
    if key not in TENSOR_INITS:
        return Opaque(path)
    _, params, _ = TENSOR_INITS[key]
    bound = bind(params, args, kwargs)
    shape_value = bound.pop("shape", None)
    if isinstance(shape_value, list):
        shape = to_shape(Seq(shape_value))
    elif shape_value is not None:
        shape = to_shape(shape_value)
    else:
        shape = None
    numbers = {k: _number(v) for k, v in bound.items() if isinstance(v, Value)}
    if key in ("tf:eye", "tf:linalg.eye", "np:eye", "np:identity", "keras:ops.eye"):
        first = next(iter(bound.values()), None)
        dim = to_expr(first) if isinstance(first, Value) else None
        shape = (dim, dim) if dim is not None else None
        numbers = {}
    out = InitVal(build_tensor(key, numbers), node, shape)
    unpacked = it.unpacked_shape.get(id(node))
    if isinstance(shape_value, list) and unpacked is not None and len(unpacked.items) == len(shape_value) and all(a is b for a, b in zip(unpacked.items, shape_value)):
        out.shape_value = unpacked  # randn(*shape): the list the code passes
    else:
        out.shape_value = Seq(shape_value) if isinstance(shape_value, list) else shape_value
    out.numpy = namespace in ("np", "rng") and "dtype" not in kwargs
    return out


class OpCall:
    """One call of a known operation, as its handler sees it: the kind the
    operations table gives it, where it was spelled, and its arguments."""

    __slots__ = ("it", "kind", "namespace", "path", "args", "kwargs", "node", "frame")

    def __init__(self, it: Interpreter, kind: str, namespace: str, path: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> None:
        self.it = it
        self.kind = kind
        self.namespace = namespace
        self.path = path
        self.args = args
        self.kwargs = kwargs
        self.node = node
        self.frame = frame

    def arg(self, index: int, name: str, default: Value | None = None) -> Value | None:
        if len(self.args) > index:
            return self.args[index]
        return self.kwargs.get(name, default)


def known_op(it: Interpreter, kind: str, namespace: str, path: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    """What a call of a kind in ``knowledge.apis.OPS`` computes."""
    handler = OP_HANDLERS.get(kind)
    if handler is None:
        return Opaque(path)
    return handler(OpCall(it, kind, namespace, path, args, kwargs, node, frame))


def _axis(op: Op) -> Any:
    return op.meta.value if isinstance(op.meta, Const) else op.meta


def blockwise_matmul(it: Interpreter, a: Value, b: Value, node: cst.CSTNode) -> Value:
    """``a @ b``; when both are joined at run time, columns of ``a`` against
    rows of ``b`` (``matmul(concat([x, h], 1), concat([W_x, W_h], 0))``),
    the sum of the blocks' products ``x @ W_x + h @ W_h``, which is what
    the code computes and what tells each weight's role."""
    if (
        isinstance(a, Op)
        and isinstance(b, Op)
        and a.kind == "concat"
        and b.kind == "concat"
        and len(a.args) == len(b.args) > 1
        and _axis(a) in (1, -1)
        and _axis(b) == 0
    ):
        return it.make_op("add", tuple(Op("matmul", (x, w), node) for x, w in zip(a.args, b.args)), node)
    return Op("matmul", (a, b), node)


def _matmul(c: OpCall) -> Value:
    a, b = c.arg(0, "a"), c.arg(1, "b")
    if a is None or b is None:
        a, b = c.arg(0, "x1"), c.arg(1, "x2")
    if a is None or b is None:
        return Opaque("matmul")
    return blockwise_matmul(c.it, a, b, c.node)


def _einsum(c: OpCall) -> Value:
    tensors = [a for a in c.args if not (isinstance(a, Const) and isinstance(a.value, str))]
    if len(tensors) == 2:
        return Op("matmul", (tensors[0], tensors[1]), c.node)
    return c.it.make_op("call", tuple(tensors), c.node, "einsum")


def _add_n(c: OpCall) -> Value:
    items = c.it.known_items(c.arg(0, "inputs", Seq([])))
    return c.it.make_op("add", tuple(items or ()), c.node)


def _arithmetic(c: OpCall) -> Value:
    a, b = c.arg(0, "x"), c.arg(1, "y")
    if a is None or b is None:
        return Opaque(c.kind)
    scaled = init_arithmetic(c.kind, a, b)
    if scaled is not None:
        return scaled
    return c.it.make_op(c.kind, (a, b), c.node)


def _act(c: OpCall) -> Value:
    x = c.arg(0, "x") or c.arg(0, "features")
    return Op("act", (x,) if x is not None else (), c.node, activation_name(c.path))


def _is_int(value: Value | None) -> bool:
    return isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool)


def _concat(c: OpCall) -> Value:
    values, axis = c.arg(0, "values") or c.arg(0, "xs") or c.arg(0, "tensors"), c.arg(1, "axis")
    if "concat_dim" in c.kwargs or (_is_int(values) and axis is not None and c.it.known_items(axis) is not None):
        # TF 0.x: concat(concat_dim, values), told apart by its arguments (an
        # int first, a list second), whatever version the file targets.
        values, axis = c.arg(1, "values"), c.arg(0, "concat_dim")
        c.it.axis_first = c.it.tf1_evidence = True
        c.it.tf0_spelling = c.it.tf0_spelling or c.node
    if isinstance(values, Parts):
        return _whole(values, c.node)
    items = c.it.known_items(values) if values is not None else None
    if items is None and isinstance(values, (Opaque, Component, Op)):
        # A list the analysis cannot see into (``args`` that may be a list or
        # a tensor, after an undecided ``if``): joined from what it is made of.
        return Op("concat", (values,), c.node, axis)
    if items is None:
        return Opaque("concat")
    if items and all(isinstance(v, InitVal) for v in items):
        along = axis.value if isinstance(axis, Const) and isinstance(axis.value, int) else (0 if axis is None else None)
        return concat_inits(items, c.node, along)
    return Op("concat", tuple(items), c.node, axis)


def _whole(value: Value | None, node: cst.CSTNode) -> Value | None:
    """The pieces of ``tf.unstack(x)`` / ``tf.split(x, n)`` without a count,
    used as a whole tensor again (``tf.stack(xs)``, ``tf.concat(xs, 0)``):
    ``x`` itself, up to its layout."""
    if isinstance(value, Parts):
        return Op("pass", (value.parent,), node, value.kind)
    return value


def _stack(c: OpCall) -> Value:
    values = c.arg(0, "values") or c.arg(0, "arrays") or c.arg(0, "object")
    if isinstance(values, Parts):
        return _whole(values, c.node)
    items = c.it.known_items(values) if values is not None else None
    if items is None:
        return Op("pass", (values,), c.node) if values is not None else Opaque("stack")
    return Seq(items, "stack", c.node)


def _unstack(c: OpCall) -> Value:
    value = c.arg(0, "value") or c.arg(0, "x")
    if isinstance(value, Seq):
        return Seq(list(value.items), "tuple")
    num = c.arg(1, "num")
    if isinstance(num, Const) and isinstance(num.value, int) and 0 <= num.value <= MAX_PARTS:
        return Seq([Component(value, ("index", k), c.node) for k in range(num.value)], "tuple", c.node)
    return Parts(value, "unstack", None, c.node)


def _split(c: OpCall) -> Value:
    value = c.arg(0, "value") or c.arg(0, "ary") or c.arg(0, "x")
    parts = c.arg(1, "num_or_size_splits") or c.arg(1, "indices_or_sections")
    axis_value = c.arg(2, "axis")
    if "split_dim" in c.kwargs or "num_split" in c.kwargs or (_is_int(value) and len(c.args) >= 3 and not isinstance(c.args[2], Const)):
        # TF 0.x: split(split_dim, num_split, value): an int where the tensor
        # goes and a tensor where the axis goes.
        axis_value, parts, value = c.arg(0, "split_dim"), c.arg(1, "num_split"), c.arg(2, "value")
        c.it.axis_first = c.it.tf1_evidence = True
        c.it.tf0_spelling = c.it.tf0_spelling or c.node
    axis = axis_value.value if isinstance(axis_value, Const) else (0 if axis_value is None else None)
    if isinstance(parts, Const) and not (isinstance(parts.value, int) and 0 < parts.value <= MAX_PARTS):
        return Parts(value, "split", axis, c.node)  # no count to unroll (or one too large to)
    if isinstance(value, InitVal):
        count = parts.value if isinstance(parts, Const) else 2
        return Seq([value] * count, "tuple", c.node)
    if isinstance(parts, Const):
        return Seq([Component(value, ("split", k, parts.value, axis), c.node) for k in range(parts.value)], "tuple", c.node)
    sizes = c.it.known_items(parts) if parts is not None else None
    if sizes is not None:
        exprs = tuple(to_expr(s) or S.sym("?") for s in sizes)
        return Seq([Component(value, ("split", k, exprs, axis), c.node) for k in range(len(exprs))], "tuple", c.node)
    return Parts(value, "split", axis, c.node)


def _neg(c: OpCall) -> Value:
    x = c.arg(0, "x")
    if x is None:
        return Opaque(c.path)
    if isinstance(x, Const) and isinstance(x.value, (int, float)):
        return Const(-x.value)
    if isinstance(x, InitVal):
        return scaled_init(x, S.const(-1.0))
    return Op("neg", (x,), c.node)


def _pass(c: OpCall) -> Value:
    value = c.arg(0, "x") or c.arg(0, "value") or c.arg(0, "tensor") or c.arg(0, "input") or c.arg(0, "t")
    if c.path == "constant" and isinstance(value, Const) and isinstance(value.value, (int, float)):
        shape_value = c.arg(2, "shape")
        shape = to_shape(shape_value) if shape_value is not None else None
        return InitVal(Dist("constant", {"value": S.const(float(value.value))}), c.node, shape)
    if isinstance(value, (InitVal, Const)) or value is None:
        return value if value is not None else Opaque(c.path)
    return Op("pass", (value,), c.node, c.path)


def _layer_norm(c: OpCall) -> Value:
    """``tf.contrib.layers.layer_norm(z)``: ``normalised(z) * gamma + beta``
    with its own gamma (ones) and, unless ``center=False``, beta (zeros),
    made by contrib's code. The sum's shape is the one a user-written layer
    norm has, so beta is a gate's bias only when the gate has no other
    (``roles.drop_shifts``); gamma is a scale and never reported."""
    inputs = c.arg(0, "inputs")
    if inputs is None or isinstance(inputs, (InitVal, Const)):
        return inputs if inputs is not None else Opaque(c.path)
    normalised = Op("div", (inputs, Opaque("layer_norm std")), c.node)
    gamma = _new_weight(c.it, c.node, "layer_norm gamma", c.frame)
    gamma.init = InitVal(Dist("ones"), c.node, None)
    gamma.init.implicit = "layer_norm default"
    out = Op("mul", (normalised, WeightVal(gamma)), c.node)
    center = c.arg(1, "center")
    if isinstance(center, Const) and not center.value:
        return out
    beta = _new_weight(c.it, c.node, LAYER_NORM_BETA, c.frame)
    beta.namespace = c.namespace
    scope = c.kwargs.get("scope")
    prefix = scope.value if isinstance(scope, Const) and isinstance(scope.value, str) else "LayerNorm"
    beta.name_hint = f"{prefix}/beta"
    # No automatic fix: param_initializers={"beta": ...} starts every gate's
    # shift at the same value, not the forget gate's slice alone.
    beta.layer = LayerPart(
        "layer_norm",
        "bias",
        "param_initializers",
        "layer_norm's own beta is the shift of every gate at once: its param_initializers={'beta': ...} would move them all",
        None,
    )
    beta.init = InitVal(Dist("zeros"), c.node, None)
    beta.init.implicit = "layer_norm default"
    return Op("add", (out, WeightVal(beta)), c.node)


def _gather(c: OpCall) -> Value:
    return Op("gather", (c.arg(0, "params") or Opaque("params"), c.arg(1, "ids") or c.arg(1, "indices") or Opaque("ids")), c.node)


def _sqrt(c: OpCall) -> Value:
    x = c.arg(0, "x")
    if isinstance(x, Const) and isinstance(x.value, (int, float)) and x.value >= 0 and x.value < 1e300:
        return Const(x.value**0.5)
    return Op("sqrt", (x,) if x is not None else (), c.node)


def _maximum(c: OpCall) -> Value:
    """``tf.maximum(1., fan_in)``, as variance-scaling initialisers guard a
    fan against 0: the fan itself for any layer with a unit, so the scale
    stays a size the message can state."""
    x, y = c.arg(0, "x"), c.arg(1, "y")
    if x is None or y is None:
        return Opaque("maximum")
    numbers = [isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool) for v in (x, y)]
    if all(numbers):
        return Const(max(x.value, y.value))
    for number, guard, other in ((numbers[0], x, y), (numbers[1], y, x)):
        if number and guard.value <= 1:
            return other
    return c.it.make_op("call", (x, y), c.node, "maximum")


def _xw_plus_b(c: OpCall) -> Value:
    x, w, b = c.arg(0, "x"), c.arg(1, "weights"), c.arg(2, "biases")
    if x is None or w is None or b is None:
        return Opaque("xw_plus_b")
    return c.it.make_op("add", (Op("matmul", (x, w), c.node), b), c.node)


def _while_loop(c: OpCall) -> Value:
    return while_loop(c.it, c.arg(1, "body"), c.arg(2, "loop_vars"), c.node, c.frame)


def _scan(c: OpCall) -> Value:
    return scan(c.it, c.arg(0, "fn"), c.arg(1, "elems"), c.arg(2, "initializer"), c.node, c.frame)


def _k_rnn(c: OpCall) -> Value:
    return keras_rnn(c.it, c.arg(0, "step_function"), c.arg(1, "inputs"), c.arg(2, "initial_states"), c.node, c.frame)


def _cond(c: OpCall) -> Value:
    """``tf.cond(pred, true_fn, false_fn)`` / ``K.in_train_phase(x, alt)``:
    both arms run (each may create weights); the value is the first arm's,
    the training arm of a batch norm, which keeps the matmul it normalises."""
    if c.path == "cond":
        arms = [c.arg(1, "true_fn"), c.arg(2, "false_fn")]
    else:
        arms = [c.arg(0, "x"), c.arg(1, "alt")]
    results = []
    for arm in arms:
        if isinstance(arm, (FuncVal, BoundMethod)):
            arm = call_value(c.it, arm, [], {}, c.node, c.frame)
        if arm is not None:
            results.append(arm)
    return results[0] if results else Opaque(c.path)


def _variable(c: OpCall) -> Value:
    return create_variable(c.it, c.namespace, c.path, c.args, c.kwargs, c.node, c.frame)


def _get_variable(c: OpCall) -> Value:
    return create_get_variable(c.it, c.namespace, c.args, c.kwargs, c.node, c.frame)


def _variable_scope(c: OpCall) -> Value:
    return ScopeCtx(c.arg(3, "initializer"))


def _get_variable_scope(c: OpCall) -> Value:
    return ScopeCtx(None)


def _decomposition(c: OpCall) -> Value:
    return decomposition(c.kind, c.namespace, c.arg(0, "a") or c.arg(0, "tensor") or c.arg(0, "input"), c.node)


def _sign(c: OpCall) -> Value:
    return Opaque("sign", Origin("sign"))


def _activation_get(c: OpCall) -> Value:
    name = c.arg(0, "identifier")
    if isinstance(name, Const) and isinstance(name.value, str):
        return ModuleRef(f"keras.activations.{name.value}")
    return name if name is not None else Opaque("activation")


def _initializer_get(c: OpCall) -> Value:
    return initializer_value(c.arg(0, "identifier"), c.node) or Opaque("initializer")


def _dense(c: OpCall) -> Value:
    """A framework layer whose weights a cell uses (``knowledge.apis.
    FRAMEWORK_LAYERS``): ``Dense(units)`` and its kin create a kernel and,
    unless told not to, a bias, each with the layer's own default; reported
    where the layer is constructed (a function such as ``tf.layers.dense``:
    where it is called, which also applies them)."""
    spec = FRAMEWORK_LAYERS[table_key(c.namespace, c.path)]
    units = c.arg(*spec.units)
    if isinstance(units, Seq) and units.items:
        units = units.items[-1]  # EinsumDense(output_shape=(..., units))
    columns = to_expr(units) if units is not None else None
    shape = (S.sym("input_dim"), columns) if columns is not None else None
    namespace = "layer" if c.namespace == "keras" else c.namespace
    old_signature = spec.old_signature is not None and _old_signature(c, spec)
    kernel_blocker = bias_blocker = None
    if old_signature:
        # TF 1.0/1.1's _linear(args, output_size, bias, bias_start=0.0, scope=None)
        old = f"this {spec.api} is TensorFlow 1.0/1.1's (or 0.x's), which takes no {spec.kernel[1]}= or {spec.bias[1]}="
        kernel_blocker = f"{old}; give the enclosing variable_scope the initializer, or use TF 1.2's {spec.api}"
        bias_blocker = f"{old}: its bias_start starts the whole bias at one constant; use TF 1.2's {spec.api}"
    elif spec.old_signature is not None and not _new_signature(c, spec):
        kernel_blocker = bias_blocker = (
            f"nothing in the call tells whether this {spec.api} is TF 1.2's (which takes {spec.kernel[1]}= and {spec.bias[1]}=) "
            f"or TF 1.0/1.1's (which takes neither); where it is TF 1.2's, pass the initializer by keyword"
        )
    kernel = _layer_weight(c, spec, "kernel", spec.kernel, Dist(spec.kernel_default), shape, namespace, kernel_blocker)
    bias = None
    if _has_bias(c, spec):
        bias = _layer_weight(c, spec, "bias", spec.bias, Dist(spec.bias_default), (columns,) if columns is not None else None, namespace, bias_blocker)
        bias.weight.shape_node = _arg_node(c.node, *spec.units)
    name = spec.activation_default
    activation = c.arg(*spec.activation) if spec.activation is not None else None
    if isinstance(activation, Const) and isinstance(activation.value, str):
        name = activation.value
    elif isinstance(activation, ModuleRef):
        name = activation.qualname.rsplit(".", 1)[-1]
    elif isinstance(activation, Const) and activation.value is None:
        name = None
    elif activation is not None:
        name = "?"
    layer = DenseLayer(kernel, bias, name, spec.joins_inputs)
    if spec.function:
        _name_function_weights(c, spec, layer, old_signature)
        inputs = c.arg(*spec.inputs) if spec.inputs is not None else None
        return apply_dense(c.it, layer, [inputs] if inputs is not None else [], c.node)
    return layer


def _old_signature(c: OpCall, spec: FrameworkLayer) -> bool:
    """``_linear(args, n, bias, bias_start=0.0)``, TF 1.0/1.1's: a number
    where TF 1.2's bias_initializer= goes, or a name only those had."""
    position, keyword = spec.old_signature
    if keyword in c.kwargs or "scope" in c.kwargs:
        return True
    value = c.args[position] if len(c.args) > position else None
    if value is not None and to_expr(value) is not None and not isinstance(value, (InitializerObj, InitVal)):
        return True
    return spec.old_by_name is True and not _new_signature(c, spec)


def _new_signature(c: OpCall, spec: FrameworkLayer) -> bool:
    """TF 1.2's ``_linear(..., bias_initializer=None, kernel_initializer=None)``."""
    return spec.kernel[1] in c.kwargs or spec.bias[1] in c.kwargs or len(c.args) > spec.kernel[0]


def _has_bias(c: OpCall, spec: FrameworkLayer) -> bool:
    if spec.bias_switch is not None:
        switch = c.arg(*spec.bias_switch)
        if switch is None:
            if not spec.bias_by_default:
                return False
        elif isinstance(switch, Const) and not switch.value:
            return False  # False, None, or _linear(x, n, 0)
    if spec.no_bias_when_none:
        value = c.arg(*spec.bias)
        if isinstance(value, Const) and value.value is None:
            return False
        normalizer = c.arg(3, "normalizer_fn")  # fully_connected: a normalizer replaces the bias
        if normalizer is not None and not (isinstance(normalizer, Const) and normalizer.value is None):
            return False
    return True


def _name_function_weights(c: OpCall, spec: FrameworkLayer, layer: DenseLayer, old_signature: bool) -> None:
    """The names TensorFlow gives them: ``name/kernel`` (tf.layers.dense),
    ``scope/weights`` (fully_connected), ``Linear/Matrix`` (TF 1.0's _linear)."""
    if spec.api == "tf.layers.dense":
        given, parts = c.kwargs.get("name"), ("kernel", "bias")
        default = "dense"
    elif spec.api in ("fully_connected", "linear"):
        given, parts = c.kwargs.get("scope"), ("weights", "biases")
        default = "fully_connected"
    else:
        given, parts = c.kwargs.get("scope"), (("Matrix", "Bias") if old_signature else ("kernel", "bias"))
        default = "Linear" if old_signature else ""
    scope = given.value if isinstance(given, Const) and isinstance(given.value, str) else default
    for weight, part in ((layer.kernel, parts[0]), (layer.bias, parts[1])):
        if weight is not None:
            weight.weight.name_hint = f"{scope}/{part}" if scope else part


def _layer_weight(
    c: OpCall, spec: FrameworkLayer, part: str, where: tuple[int, str], default: Dist, shape: tuple | None, namespace: str, blocker: str | None
) -> WeightVal:
    weight = _new_weight(c.it, c.node, spec.api if part == "kernel" else f"{spec.api} bias", c.frame)
    weight.namespace = namespace
    weight.layer = LayerPart(spec.api, part, where[1], blocker, _fix_module(c))
    value = c.kwargs.get(where[1])
    old_signature = spec.old_signature is not None and blocker is not None  # (set only for TF 1.0's _linear)
    if value is None and where[0] < 99 and len(c.args) > where[0] and not old_signature:
        value = c.args[where[0]]  # (TF 1.0's _linear has bias_start and scope where 1.2's initializers go)
    if isinstance(value, Const) and value.value is None:
        value = None
    weight.init_node = _arg_node(c.node, where[0], where[1]) if value is not None else None
    weight.init_form = _form(value)
    init = _resolve_initial(c.it, value, shape, c.frame, c.node) if value is not None else None
    if part == "bias" and old_signature and c.arg(*spec.old_signature) is not None:
        start = to_expr(c.arg(*spec.old_signature))
        if start is not None:  # bias_start=0.25: constant_initializer(bias_start)
            value = c.arg(*spec.old_signature)
            init = InitVal(Dist("constant", {"value": start}), _arg_node(c.node, *spec.old_signature), shape)
            weight.init_node = None  # a number, not an initializer --fix could replace
    if init is None and value is None:
        scope_init = None
        if part == "kernel" and spec.kernel_scope:
            scope_init = next((s for s in reversed(c.it.scope_initializers) if s is not None), c.it.global_scope_initializer)
        init = _resolve_initial(c.it, scope_init, shape, c.frame, c.node) if scope_init is not None else None
        if init is not None:
            init = InitVal(init.dist, init.node, shape or init.shape)
            init.implicit = "variable_scope"
        else:
            init = InitVal(default, c.node, shape)
            init.implicit = f"{spec.api} default"
    weight.init = init
    weight.shape = shape
    return WeightVal(weight)


def _fix_module(c: OpCall) -> str | None:
    """The file's own name for plain ``tensorflow`` when the layer is not
    reached through ``compat.v1`` (TF1 code spells ``tf.zeros_initializer()``,
    which TF 1.4 has and ``tf.compat.v1`` is not); None: the fix's dialect
    decides."""
    if c.namespace not in ("tf", "tf1") or "compat" in (dotted(c.node.func) or ""):
        return None
    names = {value.qualname: name for name, value in c.it.module_scope.vars.items() if isinstance(value, ModuleRef)}
    return names.get("tensorflow")


def apply_dense(it: Interpreter, layer: DenseLayer, args: list[Value], node: cst.CSTNode) -> Value:
    x = args[0] if args else Opaque("inputs")
    if layer.joins_inputs:
        items = it.known_items(x)
        if items is not None and len(items) > 1:
            x = Op("concat", tuple(items), node, Const(1))  # _linear([x, h], n): concat([x, h], 1) @ kernel
        elif items:
            x = items[0]
    out: Value = Op("matmul", (x, layer.kernel), node)
    if layer.bias is not None:
        out = it.make_op("add", (out, layer.bias), node)
    if layer.activation in ("linear", None):
        return out
    if layer.activation == "?":
        return it.make_op("call", (out,), node, "activation")
    return Op("act", (out,), node, layer.activation)


def _set_value(c: OpCall) -> Value:
    """``K.set_value(bias, value)``, ``tf.assign(bias, value)``."""
    target = c.arg(0, "x") or c.arg(0, "ref")
    if target is not None:
        set_after_creation(target, c.node)
    return NONE


def _rng(c: OpCall) -> Value:
    return RngVal()


def _array(c: OpCall) -> Value:
    return tensor_init(c.it, c.namespace, c.path, c.args, c.kwargs, c.node)


# One handler per kind of the operations table (tests/test_resolver.py checks
# that every kind there has one).
OP_HANDLERS: dict[str, Callable[[OpCall], Value]] = {
    "matmul": _matmul,
    "einsum": _einsum,
    "add_n": _add_n,
    "add": _arithmetic,
    "sub": _arithmetic,
    "mul": _arithmetic,
    "div": _arithmetic,
    "act": _act,
    "concat": _concat,
    "stack": _stack,
    "unstack": _unstack,
    "split": _split,
    "pass": _pass,
    "layer_norm": _layer_norm,
    "neg": _neg,
    "gather": _gather,
    "sqrt": _sqrt,
    "maximum": _maximum,
    "xw_plus_b": _xw_plus_b,
    "while_loop": _while_loop,
    "scan": _scan,
    "k_rnn": _k_rnn,
    "cond": _cond,
    "variable": _variable,
    "get_variable": _get_variable,
    "variable_scope": _variable_scope,
    "get_variable_scope": _get_variable_scope,
    "qr": _decomposition,
    "svd": _decomposition,
    "sign": _sign,
    "activation_get": _activation_get,
    "initializer_get": _initializer_get,
    "rng": _rng,
    "array": _array,
    "set_value": _set_value,
    "dense": _dense,
}


def concat_inits(items: list[InitVal], node: cst.CSTNode, axis: int | None = 0) -> Value:
    """``tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])], 0)``; also
    of rows ``[1, u]`` along axis 1, or NumPy columns ``(u, 1)`` along axis 0:
    a vector kept with its other dims 1."""
    pieces = []
    ranks = {len(item.shape) for item in items if item.shape}
    rank = ranks.pop() if len(ranks) == 1 and all(item.shape for item in items) else None
    along = None if rank is None or axis is None or not -rank <= axis < rank else axis % rank
    for item in items:
        if along is None or any(j != along and S.as_number(dim) != 1 for j, dim in enumerate(item.shape)):
            return InitVal(Dist("unknown", {"expr": "concat"}), node, None)
        pieces.append((item.shape[along], item.dist))
    total = pieces[0][0]
    for size, _ in pieces[1:]:
        total = S.binary("+", total, size)
    shape = tuple(total if j == along else S.const(1) for j in range(rank))
    out = InitVal(Dist("piecewise", pieces=pieces), node, shape)
    out.numpy = all(item.numpy for item in items)  # np.concatenate of NumPy arrays is one
    out.pieces = list(items)
    return out


def numpy_initial(value: Value | None, transposed: bool = False) -> Value | None:
    """The initial value of a NumPy array kept under a local name, where it
    is only material for another value (a decomposition, an initializer
    function's result, ``tf.Variable``'s initial value), through calls that
    keep its values (``tf.constant(a, dtype)``); ``transposed``: its
    transpose ``a.T`` will do as well."""
    while isinstance(value, Op) and value.kind == "pass" and value.args or transposed and isinstance(value, Component) and value.key == ("attr", "T"):
        value = value.parent if isinstance(value, Component) else value.args[0]
    if isinstance(value, WeightVal) and value.weight.api == "numpy" and value.weight.init is not None:
        return value.weight.init
    return value


def decomposition(kind: str, namespace: str, value: Value | None, node: cst.CSTNode) -> Value:
    """An orthogonal matrix written by hand: ``np.linalg.svd(np.random.randn(n, n))``."""
    # a helper's local random array (``a = np.random.randn(rows, cols)``, then
    # ``np.linalg.qr(a)``), taken for a weight where it was written: decomposed,
    # it is only the raw material of the orthogonal matrix (and a.T is as good)
    value = numpy_initial(value, transposed=True)
    if not isinstance(value, InitVal):
        return Seq([Opaque(kind), Opaque(kind), Opaque(kind)])
    ortho = copy_init(value, Dist("orthogonal", {"gain": S.const(1.0)}))
    if kind == "qr":
        return Seq([ortho, Opaque("r")])
    if namespace == "np":
        return Seq([ortho, Opaque("s"), ortho])
    return Seq([Opaque("s"), ortho, ortho])


# --- recurrence drivers -----------------------------------------------------------


def _slots(it: Interpreter, template: Value | None, record: Any, names: list[str], index: int, spread: bool) -> Value:
    """Opaque loop slots shaped like ``template``: one per item of a known
    sequence. ``spread``: the items are separate parameters of the body
    (``tf.while_loop``), else one parameter holds them all (``tf.scan``)."""
    items = it.known_items(template) if template is not None else None
    if items is None:
        name = names[index] if index < len(names) else "state"
        return Opaque(name, Origin("slot", record, index, name))
    slots = []
    for k in range(len(items)):
        if spread:
            name = names[index + k] if index + k < len(names) else f"loop_var_{k}"
        else:
            name = f"{names[index] if index < len(names) else 'state'}[{k}]"
        slots.append(Opaque(name, Origin("slot", record, index + k, name)))
    return Seq(slots, "tuple")


def _param_names(func: Value) -> list[str]:
    target = func.func if isinstance(func, BoundMethod) else func
    if not isinstance(target, FuncVal):
        return []
    params = target.node.params
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(func, BoundMethod) and names:
        names = names[1:]
    return names


def _call(it: Interpreter, func: Value, args: list[Value], frame: Frame) -> Value | None:
    if isinstance(func, FuncVal):
        return it.invoke(func, args, {}, None, frame)
    if isinstance(func, BoundMethod):
        return it.invoke(func.func, args, {}, func.obj, frame)
    return None


def _pair(record: Any, slots: Value, result: Value | None) -> None:
    if isinstance(slots, Seq):
        items = result.items if isinstance(result, Seq) else None
        for k, slot in enumerate(slots.items):
            if items is not None and k < len(items):
                record.pairs[id(slot)] = items[k]
    elif result is not None:
        record.pairs[id(slots)] = result


def while_loop(it: Interpreter, body: Value | None, loop_vars: Value | None, node: cst.Call, frame: Frame) -> Value:
    record = Record("driver", node, "tf.while_loop")
    it.records.append(record)
    names = _param_names(body) if body is not None else []
    slots = _slots(it, loop_vars, record, names, 0, spread=True)
    args = list(slots.items) if isinstance(slots, Seq) else [slots]
    result = _call(it, body, args, frame) if body is not None else None
    _pair(record, slots, result)
    count = len(args)
    return Seq([Opaque("while_loop output") for _ in range(count)], "tuple", node)


def scan(it: Interpreter, fn: Value | None, elems: Value | None, initializer: Value | None, node: cst.Call, frame: Frame) -> Value:
    record = Record("driver", node, "tf.scan")
    it.records.append(record)
    names = _param_names(fn) if fn is not None else []
    acc = _slots(it, initializer if initializer is not None else elems, record, names, 0, spread=False)
    element = Component(elems if elems is not None else Opaque("elems"), ("other",), node)
    result = _call(it, fn, [acc, element], frame) if fn is not None else None
    _pair(record, acc, result)
    return Opaque("scan output")


def keras_rnn(it: Interpreter, step: Value | None, inputs: Value | None, initial: Value | None, node: cst.Call, frame: Frame) -> Value:
    record = Record("driver", node, "K.rnn")
    it.records.append(record)
    names = _param_names(step) if step is not None else []
    states = _slots(it, initial, record, names, 1, spread=False)
    element = Component(inputs if inputs is not None else Opaque("inputs"), ("other",), node)
    result = _call(it, step, [element, states], frame) if step is not None else None
    new_states = result.items[1] if isinstance(result, Seq) and len(result.items) > 1 else None
    _pair(record, states, new_states)
    return Seq([Opaque("last_output"), Opaque("outputs"), Opaque("new_states")], "tuple", node)


# --- weight creation ------------------------------------------------------------


def _new_weight(it: Interpreter, node: cst.Call, api: str, frame: Frame) -> WeightInstance:
    weight = WeightInstance(node, api, frame.depth, frame.func is not None)
    if it.standalone_class is not None:
        it.class_weights.add(id(weight))
    weight.creator = frame.func.name if frame.func is not None else None
    weight.index = len(it.weights)
    keys = [(name, value) for owner, name, value in it.loop_keys if owner is frame]
    weight.loop_key = keys[-1] if keys else None
    weight.path = weight.created_path = it.weight_path(frame)
    weight.recorded_by = it.recording_call(frame)
    weight.creator_func = frame.func
    weight.call_scope = frame.caller_scope
    it.weights.append(weight)
    return weight


def _arg_node(node: cst.Call, index: int, keyword: str) -> cst.CSTNode | None:
    positional = [a for a in node.args if a.keyword is None and not a.star]
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if index < len(positional):
        return positional[index].value
    return None


def _form(value: Value | None) -> str:
    if value is None or (isinstance(value, Const) and value.value is None):
        return "default"
    if isinstance(value, InitVal):
        return "tensor"
    if isinstance(value, Const):
        return "string"
    if isinstance(value, ModuleRef):
        return "class"
    if isinstance(value, (FuncVal, BoundMethod)):
        return "callable"
    return "object"


def initializer_value(value: Value | None, node: cst.CSTNode) -> Value | None:
    """An ``initializer=`` argument as an initializer object, when it is one."""
    if isinstance(value, InitializerObj):
        return value
    if isinstance(value, Const) and isinstance(value.value, str):
        dist = keras_string(value.value)
        return InitializerObj(dist, node) if dist is not None else None
    if isinstance(value, ModuleRef):
        resolved = canonical(value.qualname)
        if resolved is not None:
            spec = object_spec(*resolved)
            if spec is not None:
                return InitializerObj(build_object(spec, [], {}, generation(resolved[0])), node)
    return None


def _resolve_initial(it: Interpreter, value: Value | None, shape: tuple | None, frame: Frame, node: cst.CSTNode) -> InitVal | None:
    """The initial distribution from an initializer argument of any form."""
    if value is None:
        return None
    if isinstance(value, InitVal):
        return value
    obj = initializer_value(value, node)
    if obj is not None:
        out = InitVal(obj.dist, obj.node, shape)
        out.helper, out.helper_node = obj.helper, obj.helper_node
        return out
    if isinstance(value, (FuncVal, BoundMethod)):
        shape_arg: Value = Seq([Opaque("dim")]) if shape is None else Opaque("shape")
        # an array the function keeps under a name before returning it is its result
        result = numpy_initial(_call(it, value, [shape_arg] if not _takes_no_args(value) else [], frame))
        if isinstance(result, InitVal) and result.helper is None:
            func = value.func if isinstance(value, BoundMethod) else value
            result = copy_init(result)
            result.helper, result.helper_node = func.name, func.node
        if isinstance(result, InitVal):
            if shape is not None:
                result = copy_init(result, shape=shape) if result.shape is None or _shape_is_opaque(result.shape) else result
            return result
    return None


def _takes_no_args(func: Value) -> bool:
    target = func.func if isinstance(func, BoundMethod) else func
    if not isinstance(target, FuncVal):
        return False
    params = target.node.params
    count = len(params.posonly_params) + len(params.params)
    if isinstance(func, BoundMethod):
        count -= 1
    return count == 0 and not isinstance(params.star_arg, cst.Param)


def _shape_is_opaque(shape: tuple) -> bool:
    return len(shape) == 1 and shape[0][0] == "s" and shape[0][1] == "shape"


def create_variable(it: Interpreter, namespace: str, path: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    """``tf.Variable(initial_value)``, ``K.variable(value)``,
    ``keras.Variable(initializer, shape=...)``."""
    api = "keras.Variable" if namespace == "keras" and path.endswith("Variable") else ("K.variable" if namespace == "keras" else "tf.Variable")
    keyword = "initializer" if api == "keras.Variable" else ("value" if api == "K.variable" else "initial_value")
    weight = _new_weight(it, node, api, frame)
    weight.namespace = namespace
    value = args[0] if args else kwargs.get(keyword)
    value = numpy_initial(value)  # tf.Variable(self.w_init): the array was its initial value
    weight.init_form = _form(value)
    shape_value = kwargs.get("shape")
    shape = to_shape(shape_value) if shape_value is not None else None
    weight.shape_node = _arg_node(node, 99, "shape")
    weight.init_node = _arg_node(node, 0, keyword)
    init = _resolve_initial(it, value, shape, frame, node)
    if isinstance(value, (FuncVal, BoundMethod)) and init is None:
        result = _call(it, value, [], frame)
        init = result if isinstance(result, InitVal) else None
    weight.init = init
    weight.shape = shape or (init.shape if init is not None else None)
    name = kwargs.get("name")
    weight.name_hint = name.value if isinstance(name, Const) and isinstance(name.value, str) else None
    return WeightVal(weight)


def set_after_creation(target: Value, node: cst.CSTNode) -> None:
    """A weight written after it is created (slice assignment, ``assign``,
    ``K.set_value``): its initial value is what that write leaves, which is
    not read here, so nothing is said about it."""
    while isinstance(target, (Component, Op)) and not isinstance(target, WeightVal):
        if isinstance(target, Op) and target.kind != "pass":
            return
        parent = target.parent if isinstance(target, Component) else (target.args[0] if target.args else None)
        if parent is None:
            return
        target = parent
    if isinstance(target, WeightVal):
        target.weight.init = InitVal(Dist("unknown", {"expr": "set after it is created"}), node, target.weight.shape)


def holds_numpy_weight(value: Value, target: cst.CSTNode) -> bool:
    """A NumPy array kept as a parameter: a from-scratch cell's weights are
    plain arrays (``self.W = np.random.randn(n, m) * 0.01``). Kept on an
    object, or random under any name; a constant array under a local name is
    more often a state or a buffer than a weight (the cell's gating decides
    in the end: only arrays that reach its matmuls and gates are reported)."""
    if not (isinstance(value, InitVal) and value.numpy and isinstance(value.node, cst.Call)):
        return False
    if value.shape is not None and not 1 <= len(value.shape) <= 2:
        return False
    if isinstance(target, cst.Attribute) or _named_entry(target):
        return True
    return isinstance(target, cst.Name) and value.dist.family not in ("zeros", "ones", "constant", "piecewise")


def _named_entry(target: cst.CSTNode) -> bool:
    """``layer.p['Uf'] = ...``: an entry of a parameter dictionary under a
    string key (written, or built from a string) is kept like an attribute
    (EpyNN keeps every weight so); an integer or sliced index is more often
    a buffer's step."""
    if not (isinstance(target, cst.Subscript) and len(target.slice) == 1):
        return False
    index = target.slice[0].slice
    if not isinstance(index, cst.Index):
        return False
    key = index.value
    if isinstance(key, cst.BinaryOperation) and isinstance(key.operator, cst.Add):  # layer.p["U" + gate]
        return isinstance(key.left, cst.SimpleString) or isinstance(key.right, cst.SimpleString)
    return isinstance(key, (cst.SimpleString, cst.FormattedString))


def create_numpy_weight(it: Interpreter, init: InitVal, expression: cst.CSTNode, frame: Frame) -> Value:
    """The weight a NumPy array is: created where the array is written, its
    initial value the whole right-hand side."""
    weight = _new_weight(it, init.node, "numpy", frame)
    weight.namespace = "np"
    weight.init = init
    weight.init_node = expression
    weight.init_form = "tensor"
    weight.shape = init.shape
    return WeightVal(weight)


def create_get_variable(it: Interpreter, namespace: str, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    """``tf.get_variable(name, shape, dtype, initializer)``: no initializer
    means the enclosing variable scope's, else glorot_uniform (TF1)."""
    weight = _new_weight(it, node, "get_variable", frame)
    weight.namespace = namespace
    name = args[0] if args else kwargs.get("name")
    weight.name_hint = name.value if isinstance(name, Const) and isinstance(name.value, str) else None
    shape_value = args[1] if len(args) > 1 else kwargs.get("shape")
    shape = to_shape(shape_value) if shape_value is not None else None
    weight.shape_node = _arg_node(node, 1, "shape")
    init_value = args[3] if len(args) > 3 else kwargs.get("initializer")
    weight.init_node = _arg_node(node, 3, "initializer")
    weight.init_form = _form(init_value)
    if isinstance(init_value, Const) and init_value.value is None:
        init_value = None
    init = _resolve_initial(it, init_value, shape, frame, node)
    if init is None and init_value is None:
        scope_init = next((s for s in reversed(it.scope_initializers) if s is not None), it.global_scope_initializer)
        init = _resolve_initial(it, scope_init, shape, frame, node) if scope_init is not None else None
        if init is not None:
            init = InitVal(init.dist, init.node, shape or init.shape)
            init.implicit = "variable_scope"
        else:
            init = InitVal(Dist("glorot_uniform"), node, shape)
            init.implicit = "get_variable default"
            note_default(it, weight, shape, frame, node)
    weight.init = init
    weight.shape = shape or (init.shape if init is not None else None)
    return WeightVal(weight)


# The fallbacks TF 0.x's get_variable replaced (a variable_scope's
# initializer, where there is one, was taken first and is kept).
_TF0_FALLBACKS = {"get_variable default": "get_variable TF 0.x default", "_linear default": "_linear TF 0.x default"}


def apply_tf0_defaults(it: Interpreter, class_weights: bool = False) -> None:
    """Once the file has run and shown it is TensorFlow 0.x code (an
    axis-first concat / split, a 0.x-only name): each variable that took
    get_variable's fallback took 0.x's, ``uniform_unit_scaling_initializer()``
    (factor 1.0: uniform in +-sqrt(3 / fan_in)), not TF 1.0's glorot_uniform.
    Decided at the end, as the evidence may come after the variable. A
    variable of a class evaluated on its own (an RNNCell) is left at TF1's
    reading: a caller in another file may open the scope that gives it its
    initializer (taggerflow's train.py), which a file's own run cannot see;
    ``class_weights``: they too, once no other module of the project opens
    such a scope (``analysis._tf0_class_defaults``)."""
    for weight in it.weights:
        init = weight.init
        if id(weight) in it.class_weights and not class_weights:
            continue
        if isinstance(init, InitVal) and init.implicit in _TF0_FALLBACKS and weight.api in ("get_variable", "_linear"):  # (not _linear's bias)
            dist = Dist("variance_scaling", {"scale": S.const(1.0), "mode": "fan_in", "distribution": "uniform"})
            replaced = copy_init(init, dist)
            replaced.implicit = _TF0_FALLBACKS[init.implicit]
            weight.init = replaced


def create_add_weight(it: Interpreter, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame) -> Value:
    """Keras ``self.add_weight(...)``: Keras 3's positional order is (shape,
    initializer, dtype), tf.keras 2's (name, shape, dtype, initializer)."""
    weight = _new_weight(it, node, "add_weight", frame)
    weight.namespace = "layer"
    keras2 = bool(args) and isinstance(args[0], Const) and isinstance(args[0].value, str)
    order = ("name", "shape", "dtype", "initializer") if keras2 else ("shape", "initializer", "dtype")
    bound = dict(zip(order, args))
    bound.update(kwargs)
    name = bound.get("name")
    weight.name_hint = name.value if isinstance(name, Const) and isinstance(name.value, str) else None
    shape = to_shape(bound["shape"]) if "shape" in bound else None
    weight.shape_node = _arg_node(node, order.index("shape"), "shape")
    init_value = bound.get("initializer")
    weight.init_node = _arg_node(node, order.index("initializer"), "initializer")
    weight.init_form = _form(init_value)
    if isinstance(init_value, Const) and init_value.value is None:
        init_value = None
    init = _resolve_initial(it, init_value, shape, frame, node)
    if init is None and init_value is None:
        init = InitVal(Dist("glorot_uniform"), node, shape)
        init.implicit = "add_weight default"
    weight.init = init
    weight.shape = shape or (init.shape if init is not None else None)
    return WeightVal(weight)


# For ``caller_scopes``: an initializer value read as any argument is.
resolve_initial = _resolve_initial
