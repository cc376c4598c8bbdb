"""The abstract values the interpreter computes with.

The interpreter does not run user code: it evaluates each expression into one
of these descriptions. A tensor expression becomes an ``Op`` graph whose
leaves are weights (``WeightVal``), initial values (``InitVal``) and values it
cannot see into (``Opaque``: a parameter, a loop-carried variable, the result
of an unknown call). The cell finder then looks for gating patterns in that
graph, and the role inference follows each weight back to the operands it
meets.

These classes are mutable on purpose (a list can be appended to, an object
gains attributes); they never leave the analysis package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import libcst as cst

if TYPE_CHECKING:
    from .initializers import Dist


class Value:
    __slots__ = ()


class Const(Value):
    """A Python literal: int, float, str, bool or None."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Const({self.value!r})"


NONE = Const(None)


class Seq(Value):
    """A tuple, list, or a ``tf.stack`` of known items. Lists are mutable."""

    __slots__ = ("items", "kind", "node")

    def __init__(self, items: list[Value], kind: str = "tuple", node: cst.CSTNode | None = None) -> None:
        self.items = items
        self.kind = kind
        self.node = node

    def __repr__(self) -> str:
        return f"Seq({self.kind}, {self.items!r})"


class DictVal(Value):
    __slots__ = ("entries",)

    def __init__(self, entries: dict[Any, Value] | None = None) -> None:
        self.entries = entries if entries is not None else {}


class ModuleRef(Value):
    """A resolved import: ``tf.nn`` in a file with ``import tensorflow as tf``
    is ``ModuleRef("tensorflow.nn")``."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __repr__(self) -> str:
        return f"ModuleRef({self.qualname})"


class FuncVal(Value):
    """A user function, method or lambda together with its defining scope."""

    __slots__ = ("node", "closure", "name", "defaults", "owner", "invoked", "is_lambda", "method_kind")

    def __init__(
        self, node: cst.CSTNode, closure: Any, name: str, defaults: dict[str, Value], owner: Any = None, is_lambda: bool = False, method_kind: str = "instance"
    ) -> None:
        self.node = node
        self.closure = closure
        self.name = name
        self.defaults = defaults
        self.owner = owner
        self.invoked = False
        self.is_lambda = is_lambda
        # How a method is bound (decorators.py): instance, static, class, property.
        self.method_kind = method_kind


class BoundMethod(Value):
    __slots__ = ("func", "obj")

    def __init__(self, func: FuncVal, obj: Value) -> None:
        self.func = func
        self.obj = obj


class ClassVal(Value):
    __slots__ = ("node", "name", "methods", "bases", "attrs")

    def __init__(self, node: cst.CSTNode, name: str, bases: list[Value]) -> None:
        self.node = node
        self.name = name
        self.methods: dict[str, FuncVal] = {}
        self.bases = bases
        self.attrs: dict[str, Value] = {}

    def lookup(self, name: str, seen: set[int] | None = None) -> Value | None:
        if name in self.methods:
            return self.methods[name]
        if name in self.attrs:
            return self.attrs[name]
        seen = seen or set()
        seen.add(id(self))
        for base in self.bases:
            if isinstance(base, ClassVal) and id(base) not in seen:
                found = base.lookup(name, seen)
                if found is not None:
                    return found
        return None


class ObjVal(Value):
    """An instance of a user class (``self`` inside its methods)."""

    __slots__ = ("cls", "attrs", "built")

    def __init__(self, cls: ClassVal | None) -> None:
        self.cls = cls
        self.attrs: dict[str, Value] = {}
        self.built = False


class SuperVal(Value):
    __slots__ = ("cls", "obj")

    def __init__(self, cls: ClassVal | None, obj: Value) -> None:
        self.cls = cls
        self.obj = obj


class Origin:
    """Why a value is opaque. ``kind`` is ``param`` (a function parameter),
    ``carried`` (a variable a loop feeds back to its next iteration), ``slot``
    (a loop variable of ``tf.while_loop`` / ``tf.scan``), ``sign`` (an array
    of +-1: ``np.sign(...)``), or ``unknown``."""

    __slots__ = ("kind", "record", "index", "name")

    def __init__(self, kind: str, record: Any = None, index: int = -1, name: str = "") -> None:
        self.kind = kind
        self.record = record
        self.index = index
        self.name = name


class Opaque(Value):
    """A value the interpreter cannot see into."""

    __slots__ = ("label", "origin")

    def __init__(self, label: str, origin: Origin | None = None) -> None:
        self.label = label
        self.origin = origin

    def __repr__(self) -> str:
        kind = self.origin.kind if self.origin else "?"
        return f"Opaque({self.label}, {kind})"


class Component(Value):
    """A part of another value: ``state[0]``, ``h, c = state``, a piece of
    ``tf.split``, a column slice ``z[:, u:2*u]``, an attribute ``state.c``.

    ``key`` is a tuple: ``("index", i)``, ``("attr", name)``,
    ``("split", k, parts, axis)`` where ``parts`` is an int (equal parts) or a
    tuple of sizes, ``("cols", start, stop)`` with symbolic bounds (a slice of
    the last axis), ``("slice1", start, stop)`` (a slice of the only given
    axis), or ``("other",)``.
    """

    __slots__ = ("parent", "key", "node")

    def __init__(self, parent: Value, key: tuple, node: cst.CSTNode | None = None) -> None:
        self.parent = parent
        self.key = key
        self.node = node

    def __repr__(self) -> str:
        return f"Component({self.parent!r}, {self.key[0]})"


class Op(Value):
    """A tensor or arithmetic operation: ``kind`` is ``matmul``, ``add``,
    ``sub``, ``mul``, ``div``, ``neg``, ``pow``, ``act`` (``meta`` holds the
    activation's name), ``concat``, ``gather``, ``pass`` (shape-preserving:
    dropout, reshape, cast...), ``sqrt``, or ``call`` (an unknown function;
    ``meta`` holds its name)."""

    __slots__ = ("kind", "args", "node", "meta")

    def __init__(self, kind: str, args: tuple[Value, ...], node: cst.CSTNode | None = None, meta: Any = None) -> None:
        self.kind = kind
        self.args = args
        self.node = node
        self.meta = meta

    def __repr__(self) -> str:
        return f"Op({self.kind}{'/' + str(self.meta) if self.meta else ''})"


class InitVal(Value):
    """An initial value: a random or constant tensor or array that becomes a
    weight when wrapped in ``tf.Variable``."""

    __slots__ = ("dist", "node", "helper", "helper_node", "shape", "implicit", "shape_value", "numpy", "pieces")

    def __init__(self, dist: Dist, node: cst.CSTNode, shape: tuple | None = None) -> None:
        self.dist = dist
        self.node = node  # where the distribution is written
        self.helper: str | None = None  # the user function that returned it
        self.helper_node: cst.CSTNode | None = None
        self.shape = shape  # tuple of symbolic expressions, or None
        # Why there is no initializer in the code, when there is none:
        # "tf.get_variable default", "variable_scope", "add_weight default".
        self.implicit: str | None = None
        # The value the shape came from (a list literal's Seq carries its
        # node): where --fix finds the shape as written.
        self.shape_value: Value | None = None
        self.numpy = False  # a NumPy array (float64 unless told otherwise)
        self.pieces: list[InitVal] | None = None  # what a concat was built from


class InitializerObj(Value):
    """An initializer object or string (``tf.orthogonal_initializer()``,
    ``"glorot_uniform"``): produces an ``InitVal`` once given a shape."""

    __slots__ = ("dist", "node", "helper", "helper_node")

    def __init__(self, dist: Dist, node: cst.CSTNode) -> None:
        self.dist = dist
        self.node = node
        self.helper: str | None = None
        self.helper_node: cst.CSTNode | None = None


class RngVal(Value):
    """``np.random.default_rng()`` / ``np.random.RandomState()``."""

    __slots__ = ()


class WeightInstance:
    """One weight created while evaluating the file."""

    __slots__ = (
        "creation_node",
        "api",
        "init",
        "init_node",
        "shape",
        "shape_node",
        "depth",
        "binding",
        "name_hint",
        "creator",
        "standalone",
        "index",
        "namespace",
        "init_form",
        "loop_key",
        "path",
        "layer",
        "created_path",
        "creator_func",
        "bound_scope",
        "call_scope",
        "recorded_by",
    )

    def __init__(self, creation_node: cst.Call, api: str, depth: int, standalone: bool) -> None:
        self.creation_node = creation_node
        self.api = api
        self.init: InitVal | None = None
        self.init_node: cst.CSTNode | None = None  # the initializer expression at the creation site
        self.shape: tuple | None = None
        self.shape_node: cst.CSTNode | None = None
        self.depth = depth
        # (target node, instance label or None, frame depth)
        self.binding: tuple[cst.CSTNode, str | None, int] | None = None
        self.name_hint: str | None = None
        self.creator: str | None = None  # the user function that created it
        self.standalone = standalone
        self.index = -1  # creation order in the file's evaluation
        self.namespace: str | None = None  # of the creating call: tf, tf1, tf2, keras
        # How the initial value was given: tensor, object, string, class,
        # callable, or default (no initializer at all).
        self.init_form = "default"
        # (variable, value) of the innermost unrolled loop, in the creating
        # function, that made this weight: ("gate", "f").
        self.loop_key: tuple[str, Any] | None = None
        # The call nodes leading to the frame that binds it (or, unbound, that
        # creates it): one creation statement reached through two calls of a
        # helper makes two weights.
        self.path: tuple[cst.CSTNode, ...] = ()
        # For --fix through a helper: the call path of the frame that created
        # it (``path`` plus the helper call, when a caller binds what a helper
        # returns), that frame's function, and the scope of the binding frame.
        self.created_path: tuple[cst.CSTNode, ...] = ()
        self.creator_func: Any = None
        self.bound_scope: Any = None
        # The scope the helper call ending ``created_path`` is written in.
        self.call_scope: Any = None
        # A framework layer's weight (knowledge.apis.FrameworkLayer): the
        # argument --fix passes its initialiser through, or why there is none.
        self.layer: LayerPart | None = None
        # The builder call whose record a build() loop made it from
        # (``Interpreter.recording_call``): the builder's one initialiser
        # serves every such call's weights, of whatever role.
        self.recorded_by: cst.CSTNode | None = None


@dataclass(frozen=True)
class LayerPart:
    """Which weight of a framework layer this is, and how its initialiser is
    given: through ``keyword`` of the layer's call, or not at all
    (``blocker`` says why)."""

    api: str  # the layer, as findings name it (tf.layers.dense)
    part: str  # kernel or bias
    keyword: str  # kernel_initializer=, weights_initializer=, ...
    blocker: str | None = None
    module: str | None = None  # the file's name for the TensorFlow a fix spells initializers with


class WeightVal(Value):
    __slots__ = ("weight",)

    def __init__(self, weight: WeightInstance) -> None:
        self.weight = weight

    def __repr__(self) -> str:
        return f"WeightVal({self.weight.api})"


class ScopeCtx(Value):
    """``tf.variable_scope(...)`` and ``tf.get_variable_scope()``."""

    __slots__ = ("initializer",)

    def __init__(self, initializer: Value | None) -> None:
        self.initializer = initializer


class Parts(Value):
    """``tf.unstack(x)`` / ``tf.split(x, n)`` with a count only the unpacking
    target will tell."""

    __slots__ = ("parent", "kind", "axis", "node")

    def __init__(self, parent: Value, kind: str, axis: Any, node: cst.CSTNode) -> None:
        self.parent = parent
        self.kind = kind
        self.axis = axis
        self.node = node

    def part(self, k: int, count: int) -> Value:
        if self.kind == "split":
            return Component(self.parent, ("split", k, count, self.axis), self.node)
        return Component(self.parent, ("index", k), self.node)


class DenseLayer(Value):
    """A framework layer a hand-written cell uses as its kernel
    (``self.W_i = Dense(units)``, ``_Linear([x, h], n, True)``): its kernel
    and bias weights, created with the layer, and its activation; calling it
    is ``act(x @ kernel + bias)`` (``joins_inputs``: ``x`` a list joined
    along the features first)."""

    __slots__ = ("kernel", "bias", "activation", "joins_inputs")

    def __init__(self, kernel: WeightVal, bias: WeightVal | None, activation: str | None, joins_inputs: bool = False) -> None:
        self.kernel = kernel
        self.bias = bias
        self.activation = activation
        self.joins_inputs = joins_inputs


class ExternalMethod(Value):
    """A method of something outside the file (``super().build``)."""

    __slots__ = ("obj", "name")

    def __init__(self, obj: Value, name: str) -> None:
        self.obj = obj
        self.name = name


class Builtin(Value):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Partial(Value):
    """``functools.partial(func, *args, **kwargs)``: calling it calls ``func``
    with these arguments first (sonnet hands ``partial(_lstm_fn, w_i=...)`` to
    its unroll loop as the step)."""

    __slots__ = ("func", "args", "kwargs")

    def __init__(self, func: Value, args: list[Value], kwargs: dict[str, Value]) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs


def dotted(node: cst.CSTNode) -> str | None:
    """``self.W`` / ``tf.nn`` as text, without generating code."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


class Either(Value):
    """A value that may be any of ``options``: what a variable holds after an
    ``if`` whose test the analysis cannot decide, when its arms assign it
    differently (``node`` is that ``if``). Operations on it are carried out
    on each option (branches.py), options of one ``if`` together, so each
    arm's arithmetic stays a graph of its own that the cell finder reads."""

    __slots__ = ("options", "node")

    def __init__(self, options: tuple[Value, ...], node: cst.CSTNode) -> None:
        self.options = options
        self.node = node

    def __repr__(self) -> str:
        return f"Either({len(self.options)})"
