"""Where each weight's initialiser is written, for ``--fix``.

The analysis knows which expression at a weight's creation site defines its
initial value, the shape and dtype the code gives it there, and which other
weights that same expression creates (a helper's body, a loop). This module
turns that into a ``model.FixSite``; the fixer decides what to write.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from ..model import FixSite, Inline, Span
from ..source.walk import children, descendants, walk
from .values import Component, InitVal, Seq, WeightInstance, dotted

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
        stack.extend(children(node))
    return False


def shape_node_text(inits: list[InitVal], where: cst.CSTNode, code: Callable[[cst.CSTNode], str], passed_as: dict, star_arguments: dict | None = None) -> str | None:
    """The weight's shape as written inside ``where`` (the expression --fix
    replaces): a list literal or a name passed down to the initializer, the
    arguments a helper's ``*args`` collected (``rand_arr(-0.1, 0.1, n)``), or
    the shape argument of the call that draws the values."""
    for init in inits:
        value = init.shape_value
        if not isinstance(value, Seq):
            continue
        nodes = ([value.node] if value.node is not None else []) + list(passed_as.get(id(value), (None, []))[1])
        for node in nodes:
            if contains(where, node):
                return code(node)
        collected = (star_arguments or {}).get(id(value), ())
        if collected and all(contains(where, node) for node in collected):
            return _tuple_text(collected, code)
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


def dtype_of(init: InitVal, where: cst.CSTNode | None, creation: cst.Call | None = None, code: Callable[[cst.CSTNode], str] | None = None) -> tuple[str | None, str | None]:
    """The dtype a new initial value must have, as ``(name, code)``: the
    creating call's own ``dtype=`` first (``tf.Variable(array, dtype=tf.float32)``
    casts a NumPy array, but refuses a float64 tensor), else what the
    expression says (``.astype(...)``, ``dtype=``), else float64 for a NumPy
    array. ``name`` is None for float32 (every spelling's default); ``code``
    is the creating call's ``dtype=`` as written when it is no plain dtype
    name (``dtype=self.dtype``), which the new value then reuses."""
    if creation is not None:
        for arg in creation.args:
            if arg.keyword is not None and arg.keyword.value == "dtype" and not (where is not None and contains(where, arg.value)):
                name = _dtype_name(arg.value)
                if name is None:
                    return None, code(arg.value) if code is not None else dotted(arg.value)
                return (None if name == "float32" else name), None
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
            stack.extend(children(node))
    if declared is None and init.numpy:
        declared = "float64"
    return (None if declared in (None, "float32") else declared), None


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
    star_arguments: dict | None = None,
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
            shape = shape_node_text(inits, replace, code, passed_as, star_arguments)
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
    dtype_name, dtype_code = dtype_of(init, replace, call, code)
    return FixSite(
        kind=kind,
        api=weight.api,
        replace=span(replace) if replace is not None else None,
        call=span(call),
        shape=shape,
        dtype=dtype_name,
        dtype_code=dtype_code,
        module=module,
        namespace=namespace,
        sharers=sharers,
        blocker=blocker,
        loop_key=weight.loop_key,
        keyword=weight.layer.keyword if weight.layer is not None else "initializer",
        # Only a shared expression needs another place to write the fix.
        inline=inline_site(weight, shape, span, code) if sharers and blocker is None else None,
    )


def call_site_value(weight: WeightInstance, inits: list[InitVal], passed_as: dict, star_arguments: dict, code: Callable[[cst.CSTNode], str]) -> tuple[cst.Call, str] | None:
    """(helper call, shape as written there) when a helper whose body builds
    the value in several statements (``w = np.random.randn(*shape)``, ``return
    stddev * w``) returns it, and the call that binds this weight passes the
    shape: ``init_weights([n_features, n_hidden])``. The whole call is then the
    weight's creation expression as written, and --fix replaces it by the
    reference's value at that shape, leaving the helper to its other callers.
    A shape the helper collects as ``*args`` (``rand_arr(a, b, *args)``) is
    the call's arguments in that place: ``(n, m)``.
    None when the helper returns anything but that value or the call does not
    spell the shape."""
    func = weight.creator_func
    if func is None or func.is_lambda or weight.binding is None:
        return None
    created, bound = weight.created_path, weight.path
    if len(created) != len(bound) + 1 or any(a is not b for a, b in zip(created, bound)):
        return None
    call = created[-1]
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return None
    body = func.node.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else []
    returns = [s.body[0] for s in statements if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Return)]
    if len(returns) != 1 or returns[0] is not statements[-1].body[0] or _returns_elsewhere(statements[:-1]):
        return None
    returned = returns[0].value
    # A name (``return q``): what the one return gives back is what the caller
    # binds, which is this weight; a tuple or a subscript would be more or less.
    if returned is None or not (returned is weight.init_node or returned is weight.creation_node or isinstance(returned, cst.Name)):
        return None
    for init in inits:
        value = init.shape_value
        if not isinstance(value, Seq):
            continue
        source = _shape_of_argument(value)
        if source is not None and any(arg.value is source.node for arg in call.args):
            # ``rows, cols = param.shape`` of an argument drawn at the call
            # (``self._init_orthogonal(np.random.randn(n, 4 * u))``): its dims as written.
            written = shape_node_text([source], source.node, code, passed_as, star_arguments)
            if written is not None:
                return call, written
        nodes = ([value.node] if value.node is not None else []) + list(passed_as.get(id(value), (None, []))[1])
        for node in nodes:
            if any(arg.value is node for arg in call.args):
                return call, code(node)
        collected = star_arguments.get(id(value), ())
        if collected and all(any(arg.value is node for arg in call.args) for node in collected):
            return call, _tuple_text(collected, code)
    return None


def _tuple_text(nodes: tuple[cst.CSTNode, ...], code: Callable[[cst.CSTNode], str]) -> str:
    """The nodes as a tuple written out: ``(n, m)``, ``(n,)``."""
    return "(" + ", ".join(code(node) for node in nodes) + ("," if len(nodes) == 1 else "") + ")"


def _shape_of_argument(shape: Seq) -> InitVal | None:
    """The array whose ``.shape`` the items of ``shape`` are, in order
    (``param.shape[0], param.shape[1]``), or None."""
    sources = []
    for index, item in enumerate(shape.items):
        if not (isinstance(item, Component) and item.key == ("index", index) and isinstance(item.parent, Component) and item.parent.key == ("attr", "shape")):
            return None
        sources.append(item.parent.parent)
    source = sources[0] if sources else None
    if not isinstance(source, InitVal) or any(other is not source for other in sources) or source.node is None:
        return None
    if source.shape is None or len(source.shape) != len(shape.items):
        return None
    return source


def _returns_elsewhere(statements: list[cst.CSTNode]) -> bool:
    """Whether a ``return`` (or ``yield``) sits anywhere in ``statements``."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Return, cst.Yield)):
            return True
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            stack.extend(children(node))
    return False


def _pieces_shape(init: InitVal, code: Callable[[cst.CSTNode], str], passed_as: dict) -> str | None:
    """A vector built as ``concat([zeros([a]), ones([b])])``: its length is
    the sum of the pieces' lengths as written."""
    sizes = []
    rows: list[list[str]] = []  # each piece's dims as written, for pieces [1, u] / (u, 1)
    for piece in init.pieces or ():
        value = piece.shape_value
        if not isinstance(value, Seq) or value.node is None or not isinstance(value.node, (cst.List, cst.Tuple)):
            return None
        rows.append([code(element.value) for element in value.node.elements])
    if not rows or len({len(row) for row in rows}) != 1:
        return None
    along = {k for row in rows for k, dim in enumerate(row) if dim != "1"} if len(rows[0]) > 1 else {0}
    if len(along) != 1:
        return None
    axis = along.pop()
    sizes = [row[axis] for row in rows]
    dims = ["1"] * len(rows[0])
    dims[axis] = " + ".join(sizes)
    return "[" + ", ".join(dims) + "]"


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- a configurable initialiser: the parameter default behind it -------------------


class Defaults:
    """Finds the parameter default a weight's initialiser comes from, when the
    creating call passes a parameter (``initializer=w_init``) or an attribute
    the constructor set from one (``self.kernel_initializer =
    initializers.get(kernel_initializer)``). Rewriting that default, not the
    argument, keeps the parameter working and ``get_config()`` truthful.

    Read from the syntax alone; the parent map is built on first use."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._parents: dict[int, cst.CSTNode] | None = None
        self._calls: list[cst.Call] = []  # every call in the module, in the order of a walk
        # (id(__init__), attribute) -> _constructor_param's answer: each weight
        # of a configurable cell asks it again for the same attribute
        self._constructor_params: dict[tuple[int, str], tuple[cst.Param | None, cst.CSTNode | None]] = {}

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        self._walk_once()
        return self._parents.get(id(node))

    def _walk_once(self) -> None:
        """The parent map and the calls, from one walk of the module."""
        if self._parents is not None:
            return
        self._parents = {}
        stack: list[cst.CSTNode] = [self.module]
        while stack:
            parent = stack.pop()
            if isinstance(parent, cst.Call):
                self._calls.append(parent)
            for child in children(parent):
                self._parents[id(child)] = parent
                stack.append(child)

    def _enclosing(self, node: cst.CSTNode, kind: type) -> cst.CSTNode | None:
        current = self._parent(node)
        while current is not None and not isinstance(current, kind):
            current = self._parent(current)
        return current

    def statement_to_wrap(self, call: cst.CSTNode) -> tuple[cst.BaseSmallStatement | None, str | None]:
        """The statement ``--fix`` may wrap in ``with variable_scope(...)`` to
        give the weights ``call`` makes an initializer, or why there is none.
        Only a line of its own in a block (an assignment or an expression
        statement): the with-statement must hold that one statement, run it
        at once (not a lambda's body, run later, outside the scope) and keep
        every other line where it is."""
        line = self._enclosing(call, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
        if isinstance(line, cst.SimpleStatementSuite):
            return None, "the call's statement shares its line with the statement that holds it (`if ...: x = f()`)"
        if line is None:
            return None, "the call is not in a simple statement (an assignment or an expression statement) that a with-statement could hold"
        statement = next((s for s in line.body if contains(s, call)), None)
        if len(line.body) != 1 or not isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr)):
            return None, "the call is not an assignment or an expression statement on a line of its own, which a with-statement could hold"
        if not isinstance(self._parent(line), (cst.IndentedBlock, cst.Module)):
            return None, "the call's statement is not in a block a with-statement could stand in"
        current = self._parent(call)
        while current is not None and current is not statement:
            if isinstance(current, cst.Lambda):
                return None, "the call is in a lambda, which runs later, outside any scope written around this statement"
            current = self._parent(current)
        for node in descendants(statement):
            if isinstance(node, (cst.SimpleString, cst.FormattedString)) and "\n" in self.module.code_for_node(node):
                return None, "the call's statement holds a multi-line string, which indenting the statement would change"
        return statement, None

    def of(self, argument: cst.CSTNode | None, creation: cst.CSTNode, init: InitVal) -> cst.Param | None:
        """The parameter whose default the weight's initialiser is, or None."""
        function = self._enclosing(creation, cst.FunctionDef)
        if argument is None or function is None:
            return None
        if isinstance(argument, cst.Name):
            param = _param(function, argument.value)
            came_from_default = param is not None and (init.node is param.default or (init.node is creation and isinstance(param.default, cst.SimpleString)))
        elif isinstance(argument, cst.Attribute) and isinstance(argument.value, cst.Name) and argument.value.value == "self":
            param, source = self._constructor_param(function, argument.attr.value)
            # The decoded initialiser must be the default's (read through
            # ``initializers.get`` or passed on as it is), not a value set elsewhere.
            came_from_default = param is not None and (init.node is param.default or init.node is source or init.node is creation)
        else:
            return None
        if not came_from_default or param.default is None or (isinstance(param.default, cst.Name) and param.default.value == "None"):
            return None
        return param

    def callable_configuration(self, argument: cst.CSTNode | None, creation: cst.CSTNode, param: cst.Param) -> bool:
        """Whether the creating call's argument is an initializer object
        (a default that is one, or a string read through ``initializers.get``),
        so that new code may call it: ``self.bias_initializer((u,), dtype)``."""
        if not isinstance(param.default, cst.SimpleString):
            return True
        if isinstance(argument, cst.Attribute) and isinstance(argument.value, cst.Name) and argument.value.value == "self":
            function = self._enclosing(creation, cst.FunctionDef)
            _, source = self._constructor_param(function, argument.attr.value) if function is not None else (None, None)
            return isinstance(source, cst.Call)
        return False

    def configured_strings(self, creation: cst.CSTNode) -> tuple[tuple[str, str], ...]:
        """``(self.attribute, default)`` for each attribute the class's
        constructor sets from a parameter whose default is a string
        (``self.kernel_initializer = initializers.get(kernel_initializer)``,
        default ``"glorot_uniform"``): what a weight may be given instead."""
        function = self._enclosing(creation, cst.FunctionDef)
        cls = self._enclosing(function, cst.ClassDef) if function is not None else None
        init = _constructor(cls)
        if init is None:
            return ()
        out = []
        for statement in init.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue  # an ``if`` or ``for`` in the constructor: its body is a block, not statements
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Attribute):
                    target = small.targets[0].target
                    name = _parameter_name(small.value)
                    param = _param(init, name) if name and _is_self_attribute(target, target.attr.value) else None
                    if param is not None and isinstance(param.default, cst.SimpleString) and isinstance(param.default.evaluated_value, str):
                        out.append((f"self.{target.attr.value}", param.default.evaluated_value))
        return tuple(out)

    def passed_strings(self, creation: cst.CSTNode, param: cst.Param) -> tuple[tuple[cst.SimpleString, str], ...]:
        """The string each call in this module that constructs the class (or
        calls the function) gives ``param``: ``ConfiguredCell(8,
        recurrent_initializer="he_uniform")``. A fix of the default leaves
        these deviating choices in force unless it changes them too."""
        function = self._enclosing(creation, cst.FunctionDef)
        cls = self._enclosing(function, cst.ClassDef) if function is not None else None
        owner = _constructor(cls) if cls is not None else function
        if owner is None or _param(owner, param.name.value) is None:
            return ()
        name = cls.name.value if cls is not None else owner.name.value
        ordered = [*owner.params.posonly_params, *owner.params.params][(1 if cls is not None else 0):]
        position = next((k for k, p in enumerate(ordered) if p.name.value == param.name.value), None)
        out = []
        self._walk_once()
        for node in self._calls:
            func = node.func
            called = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else None
            if called != name:
                continue
            for index, arg in enumerate(node.args):
                if arg.star:
                    break
                if (arg.keyword is not None and arg.keyword.value == param.name.value) or (arg.keyword is None and index == position):
                    if isinstance(arg.value, cst.SimpleString) and isinstance(arg.value.evaluated_value, str):
                        out.append((arg.value, arg.value.evaluated_value))
        return tuple(out)

    def _constructor_param(self, method: cst.FunctionDef, attribute: str) -> tuple[cst.Param | None, cst.CSTNode | None]:
        """``self.<attribute> = param`` or ``= <...>.get(param)`` in the
        class's ``__init__``: that parameter, and the assigned expression."""
        init = _constructor(self._enclosing(method, cst.ClassDef))
        if init is None:
            return None, None
        known = self._constructor_params.get((id(init), attribute))
        if known is None:
            known = self._constructor_params[(id(init), attribute)] = self._read_constructor(init, attribute)
        return known

    def _read_constructor(self, init: cst.FunctionDef, attribute: str) -> tuple[cst.Param | None, cst.CSTNode | None]:
        found: tuple[cst.Param | None, cst.CSTNode | None] = (None, None)
        stack: list[cst.CSTNode] = [init.body]
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            if isinstance(node, cst.Assign) and any(_is_self_attribute(t.target, attribute) for t in node.targets):
                name = _parameter_name(node.value)
                param = _param(init, name) if name else None
                if found[0] is not None or param is None:
                    return None, None  # assigned twice, or from something else: not simply configurable
                found = (param, node.value)
            passed = _passed_to_framework_constructor(node, attribute)
            if passed is not None:
                # super().__init__(kernel_initializer=kernel_initializer): a
                # Keras base class stores it as self.kernel_initializer.
                param = _param(init, passed.value) if isinstance(passed, cst.Name) else None
                if found[0] is not None or param is None:
                    return None, None
                found = (param, passed)
            stack.extend(children(node))
        return found


def _passed_to_framework_constructor(node: cst.CSTNode, keyword: str) -> cst.BaseExpression | None:
    """The ``keyword=`` argument of a ``super().__init__(...)`` /
    ``super(Cls, self).__init__(...)`` call, when ``node`` is one."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "__init__"):
        return None
    inner = node.func.value
    if not (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name) and inner.func.value == "super"):
        return None
    return next((arg.value for arg in node.args if arg.keyword is not None and arg.keyword.value == keyword), None)


def _constructor(cls: cst.CSTNode | None) -> cst.FunctionDef | None:
    if not isinstance(cls, cst.ClassDef) or not isinstance(cls.body, cst.IndentedBlock):
        return None
    return next((s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__" and isinstance(s.body, cst.IndentedBlock)), None)


def _is_self_attribute(node: cst.CSTNode, attribute: str) -> bool:
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self" and node.attr.value == attribute


def _parameter_name(value: cst.CSTNode) -> str | None:
    """``param`` or ``initializers.get(param)``."""
    if isinstance(value, cst.Name):
        return value.value
    if isinstance(value, cst.Call) and len(value.args) == 1 and value.args[0].keyword is None and isinstance(value.args[0].value, cst.Name):
        func = value.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "get") or (isinstance(func, cst.Name) and func.value == "get"):
            return value.args[0].value.value
    return None


def _param(function: cst.FunctionDef, name: str) -> cst.Param | None:
    params = function.params
    for param in (*params.params, *params.kwonly_params, *params.posonly_params):
        if param.name.value == name:
            return param
    return None


# --- a helper's initializer parameter, passed at the call ------------------------------


def passed_at_call(weight: WeightInstance, call: cst.CSTNode, span: Callable[[cst.CSTNode], Span]) -> tuple[Span | None, Span, str] | None:
    """(argument to replace, call, keyword) when the helper that creates the
    weight at ``call`` passes one of its own parameters as the initializer
    (``get_variable(..., initializer=initializer)`` in ``def linear(...,
    initializer=None)``) and reads it nowhere else: the fix passes the right
    initialiser at this call, replacing the argument the call gives (or adding
    the keyword). None otherwise."""
    func, name = weight.creator_func, weight.init_node
    if func is None or func.is_lambda or not isinstance(name, cst.Name) or weight.init_form == "tensor":
        return None
    if not weight.created_path or weight.created_path[-1] is not call or not isinstance(call, cst.Call):
        return None
    params = func.node.params
    ordered = [*params.posonly_params, *params.params]
    if func.owner is not None:
        ordered = ordered[1:]  # self
    names = [p.name.value for p in (*ordered, *params.kwonly_params)]
    if name.value not in names or _reads(func.node.body, name.value) != 1:
        return None
    for index, arg in enumerate(call.args):
        if arg.star:
            return None
        if (arg.keyword is not None and arg.keyword.value == name.value) or (arg.keyword is None and index < len(ordered) and ordered[index].name.value == name.value):
            return span(arg.value), span(call), name.value
    return None, span(call), name.value


# Where a constant's value is written in the calls that make one: (position, keyword).
_VALUE_ARGUMENT = {"fill": (1, "value"), "full": (1, "fill_value"), "constant": (0, "value"),
                   "constant_initializer": (0, "value"), "Constant": (0, "value")}


def _value_name(node: cst.CSTNode | None) -> str | None:
    """The name a constant piece takes its value from: ``tf.fill([u], forget)``,
    ``tf.constant_initializer(value)``, ``forget * tf.ones([u])``."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        names = [side.value for side in (node.left, node.right) if isinstance(side, cst.Name)]
        calls = [side for side in (node.left, node.right) if isinstance(side, cst.Call)]
        return names[0] if len(names) == 1 and len(calls) == 1 else None
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
    if name not in _VALUE_ARGUMENT:
        return None
    index, keyword = _VALUE_ARGUMENT[name]
    positional = [a for a in node.args if a.keyword is None and not a.star]
    chosen = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == keyword), None)
    if chosen is None and index < len(positional):
        chosen = positional[index].value
    return chosen.value if isinstance(chosen, cst.Name) else None


def value_parameter(weight: WeightInstance, init: InitVal, span: Callable[[cst.CSTNode], Span]) -> tuple[str, Span | None, Span, tuple[int, ...]] | None:
    """For a constant bias a helper makes from one of its parameters
    (``def lstm_bias(units, forget=0.0)``, its forget piece ``tf.fill([units],
    forget)``): the parameter, the argument the call that made the weight
    gives it (None: the default), that call, and the pieces it sets. None
    when the helper reads the parameter anywhere else."""
    func = weight.creator_func
    created = weight.created_path
    if func is None or func.is_lambda or not created or len(created) <= len(weight.path) or not isinstance(created[-1], cst.Call):
        return None
    pieces = init.pieces if init.pieces else [init]
    names = [_value_name(piece.node) for piece in pieces]
    used = {n for n in names if n is not None}
    if len(used) != 1:
        return None
    name = used.pop()
    if _param(func.node, name) is None or _reads(func.node.body, name) != 1:
        return None
    call = created[-1]
    params = func.node.params
    ordered = [*params.posonly_params, *params.params][(1 if func.owner is not None else 0):]
    for index, arg in enumerate(call.args):
        if arg.star:
            return None
        if (arg.keyword is not None and arg.keyword.value == name) or (arg.keyword is None and index < len(ordered) and ordered[index].name.value == name):
            if _calls_something(arg.value):
                return None
            return name, span(arg.value), span(call), tuple(k for k, n in enumerate(names) if n == name)
    return name, None, span(call), tuple(k for k, n in enumerate(names) if n == name)


def _reads(body: cst.CSTNode, name: str) -> int:
    visitor = _Names()
    walk(body, visitor)
    return sum(1 for n in visitor.names if n.value == name)


# --- a shared helper's call, inlined ---------------------------------------------------

PLACEHOLDER = "__lstm_init_lint_new_initializer__"


def inline_site(weight: WeightInstance, shape: str | None, span: Callable[[cst.CSTNode], Span], code: Callable[[cst.CSTNode], str]) -> Inline | None:
    """The helper call that made ``weight`` and that ``--fix`` may replace by
    the helper's expression, or None. Only for a helper whose body is one
    ``return`` of an expression that creates the weight, called once between
    the frame that binds the weight and the one that creates it (and
    creating nothing else), whose
    arguments map onto its parameters, and whose other names mean at the call
    what they mean in the helper."""
    func = weight.creator_func
    if func is None or weight.binding is None or weight.bound_scope is None:
        return None
    created, bound = weight.created_path, weight.path
    if len(created) < len(bound) + 1 or any(a is not b for a, b in zip(created, bound)):
        return None
    # Through two helpers (``three()`` returning ``normal(shape)``, ...) the
    # call rewritten is the innermost, written in the outer helper's scope;
    # the fixer rewrites it only when every weight it makes gets the fix.
    calling_scope = weight.bound_scope if len(created) == len(bound) + 1 else weight.call_scope
    if calling_scope is None:
        return None
    call = created[-1]
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return None
    body = _returned_expression(func.node)
    if body is not weight.creation_node:
        return None  # a helper that makes more than this weight (a tuple of them) is rewritten nowhere
    bindings = _bindings(func, call, code)
    if bindings is None:
        return None
    for name in _free_names(body):
        if name not in bindings and func.closure.lookup(name) is not calling_scope.lookup(name):
            return None  # a name the call's scope binds to something else
    written = substitute(shape, bindings) if shape is not None else None
    return Inline(span(call), span(body), tuple(bindings.items()), written)


def _returned_expression(node: cst.CSTNode) -> cst.BaseExpression | None:
    if isinstance(node, cst.Lambda):
        return node.body
    if not isinstance(node, cst.FunctionDef) or node.decorators or node.asynchronous:
        return None
    statements = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else [node.body]
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]
    if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine) or len(statements[0].body) != 1:
        return None
    returned = statements[0].body[0]
    return returned.value if isinstance(returned, cst.Return) and returned.value is not None else None


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _bindings(func, call: cst.Call, code: Callable[[cst.CSTNode], str]) -> dict[str, str | None] | None:
    """Each parameter's argument text at ``call`` (a default when it is a
    literal; None when neither), or None when the call does not map plainly
    onto the parameters."""
    params = func.node.params
    if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
        return None
    names = [p for p in (*params.posonly_params, *params.params)]
    keyword_only = list(params.kwonly_params)
    positional = [a for a in call.args if a.keyword is None]
    keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
    out: dict[str, str | None] = {}
    if func.owner is not None and not func.is_lambda:
        # A method called on an object: ``self`` is what it is called on.
        if not isinstance(call.func, cst.Attribute) or not names:
            return None
        out[names[0].name.value] = code(call.func.value)
        names = names[1:]
    if len(positional) > len(names):
        return None
    for index, param in enumerate([*names, *keyword_only]):
        name = param.name.value
        if index < len(positional) and index < len(names):
            out[name] = code(positional[index].value)
        elif name in keywords:
            out[name] = code(keywords.pop(name).value)
        elif isinstance(param.default, (cst.Integer, cst.Float, cst.SimpleString)) or (
            isinstance(param.default, cst.Name) and param.default.value in ("None", "True", "False")
        ):
            out[name] = code(param.default)
        else:
            out[name] = None
    if keywords:
        return None  # a keyword the helper does not take
    return out


class _Names(cst.CSTVisitor):
    """The names an expression reads (not attribute names, not keywords)."""

    def __init__(self) -> None:
        self.names: list[cst.Name] = []
        self.skip: set[int] = set()
        self.scoped = False  # a lambda or comprehension binds names of its own

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.scoped = True

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.scoped = True

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.scoped = True

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self.skip:
            self.names.append(node)


def _free_names(expression: cst.BaseExpression) -> set[str]:
    visitor = _Names()
    walk(expression, visitor)
    return {n.value for n in visitor.names}


_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float, cst.SimpleString, cst.List, cst.Tuple, cst.Dict)


class _Substitute(cst.CSTTransformer):
    def __init__(self, replacements: dict[str, cst.BaseExpression], skip: set[int], bare: set[int]) -> None:
        self.replacements = replacements
        self.skip = skip
        self.bare = bare  # names in a place that needs no parentheses (an argument, an element)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) in self.skip or original.value not in self.replacements:
            return updated
        new = self.replacements[original.value]
        if id(original) in self.bare or isinstance(new, _ATOMS) or new.lpar:
            return new
        return new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


class _Places(cst.CSTVisitor):
    def __init__(self) -> None:
        self.bare: set[int] = set()

    def visit_Arg(self, node: cst.Arg) -> None:
        self.bare.add(id(node.value))

    def visit_Element(self, node: cst.Element) -> None:
        self.bare.add(id(node.value))

    def visit_Index(self, node: cst.Index) -> None:
        self.bare.add(id(node.value))


def substitute(text: str, bindings: dict[str, str | None]) -> str | None:
    """``text`` (an expression in the helper's terms) in the call's terms:
    each parameter replaced by its argument (in parentheses where needed).
    None when a parameter it reads has no argument, when an argument that
    calls something would be evaluated more than once, or when the
    expression binds names of its own."""
    try:
        expression = cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None
    names = _Names()
    walk(expression, names)
    if names.scoped:
        return None
    read = [n.value for n in names.names if n.value in bindings]
    replacements: dict[str, cst.BaseExpression] = {}
    for name in set(read):
        argument = bindings[name]
        if argument is None:
            return None
        try:
            node = cst.parse_expression(argument)
        except cst.ParserSyntaxError:
            return None
        if read.count(name) > 1 and _calls_something(node):
            return None
        replacements[name] = node
    places = _Places()
    walk(expression, places)
    new = expression.visit(_Substitute(replacements, names.skip, places.bare))
    return cst.Module([]).code_for_node(new)


def _calls_something(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            return True
        stack.extend(children(current))
    return False
