"""An abstract interpreter over the libcst tree.

It walks a module the way Python would run it, but computes descriptions
(``values.py``) instead of tensors, and never imports or runs anything. It
inlines calls to the file's own functions and methods, so a weight created
through ``self.init_matrix(shape)``, a lambda, a nested helper, a dict of
parameters or a tuple-returning helper is still seen as the weight it is, and
the matmul that uses it is seen with the operands it really gets.

Every function and method is also evaluated on its own with opaque
parameters, since the caller (Keras, ``tf.while_loop``, another file) is often
not in the file. Loops are run once with the variables they feed back marked
as such; loops over a short constant list (``for gate in "ifco"``) are
unrolled so that dictionary keys come out right.

The interpreter records what later stages need: every weight created, every
``add`` and ``mul`` node (where the gating patterns live), and for each
function, loop and ``tf.while_loop`` what goes in and what comes back out.
"""

from __future__ import annotations

import re
import string
from typing import Any

import libcst as cst

from . import branches, calls, decorators, linking
from . import symbolic as S
from ..knowledge.apis import TF0_ONLY, TF1_ONLY
from ..source.walk import children, walk
from .frames import Frame, Record, Scope
from .caller_scopes import apply_caller_scopes
from .initializers import Dist
from .modules import ImportFollower, ModuleSource, ProjectModule, alias_name, catches_import_error, keep_project_imports
from .numbers import to_expr
from .values import (
    NONE,
    BoundMethod,
    ClassVal,
    Component,
    Const,
    DictVal,
    DenseLayer,
    Either,
    ExternalMethod,
    FuncVal,
    InitializerObj,
    InitVal,
    ModuleRef,
    ObjVal,
    Op,
    Opaque,
    Origin,
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

MAX_CALL_DEPTH = 10
# Objects of one class called on their own after the program ran
# (Interpreter.call_constructed_objects): enough to see whether their sizes agree.
MAX_CONSTRUCTED_CALLS = 3
MAX_UNROLL = 16
DEFAULT_BUDGET = 400_000
# A list, tuple or dict display longer than this is data (a table, embedded
# weights), not a cell's parameters: it is not evaluated item by item.
MAX_LITERAL_ITEMS = 1_000


# A name the file never binds that still means one module: NumPy's and
# TensorFlow's aliases are universal (notebook snippets, ``exec``-ed exercise
# solutions rely on them).
UNBOUND_ALIASES = {"np": "numpy", "tf": "tensorflow"}


class BudgetExceeded(Exception):
    """The file is too large or too convoluted to follow completely."""


_BINOPS = {
    cst.Add: "add",
    cst.Subtract: "sub",
    cst.Multiply: "mul",
    cst.Divide: "div",
    cst.FloorDivide: "floordiv",
    cst.Power: "pow",
    cst.MatrixMultiply: "matmul",
    cst.Modulo: "mod",
}
_AUGOPS = {
    cst.AddAssign: "add",
    cst.SubtractAssign: "sub",
    cst.MultiplyAssign: "mul",
    cst.DivideAssign: "div",
    cst.FloorDivideAssign: "floordiv",
    cst.PowerAssign: "pow",
    cst.MatrixMultiplyAssign: "matmul",
}
_COMPARE = {
    cst.Equal: lambda a, b: a == b,
    cst.NotEqual: lambda a, b: a != b,
    cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b,
    cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
    cst.Is: lambda a, b: a is b,
    cst.IsNot: lambda a, b: a is not b,
}
_PY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "pow": lambda a, b: a**b,
    "mod": lambda a, b: a % b,
}


# Folding the file's constants must stay cheap: ``10 ** 10 ** 10``, ``"x" *
# 10 ** 9`` or ``"%0999999999d" % 1`` are left unevaluated (a result of more
# than this many digits, bits or items).
MAX_FOLDED_SIZE = 10_000
_WIDE_FORMAT = re.compile(r"%[^a-zA-Z%]*\d{4,}")


def foldable(kind: str, a: Any, b: Any) -> bool:
    """Whether ``a <kind> b`` on two Python constants has a small result."""
    if kind == "pow" and _is_int(a) and _is_int(b):
        return b <= 0 or abs(a) <= 1 or b * abs(a).bit_length() <= MAX_FOLDED_SIZE
    if kind == "mul":
        for sequence, count in ((a, b), (b, a)):
            if isinstance(sequence, (str, bytes, tuple, list)) and _is_int(count):
                return len(sequence) * count <= MAX_FOLDED_SIZE
    if kind == "mod" and isinstance(a, (str, bytes)):
        return not _WIDE_FORMAT.search(a if isinstance(a, str) else a.decode("latin-1"))
    return True


def _membership_operand(left: Const, right: Seq) -> Value:
    """A list whose items are constants or lists, for ``left in right``,
    as a constant tuple of what can equal ``left``; otherwise ``right``.

    ``name in self._recurrent_list`` with [name, inputs] pairs in the list
    (aniltrue's RNNCellBuilder) is False in Python: no pair equals a name.
    Read as unknown, the ``if`` would take the other initializer."""
    if isinstance(left.value, (list, tuple)):
        return right
    items = []
    for item in right.items:
        if isinstance(item, Const):
            items.append(item.value)
        elif not isinstance(item, Seq):
            return right  # an item of unknown value may equal ``left``
    return Const(tuple(items))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _random_source(passed: Value, default: Value | None) -> Value:
    """``def orthogonal(shape, rng=np.random)`` called with ``rng=layer.np_rng``
    (EpyNN): an unknown object passed for a parameter that defaults to NumPy's
    random module or a generator is used as one (its ``standard_normal`` draws
    the same way), so the helper's array is still a known draw."""
    if isinstance(passed, (Opaque, Component)) and (isinstance(default, RngVal) or (isinstance(default, ModuleRef) and default.qualname == "numpy.random")):
        return default
    return passed


class Interpreter:
    def __init__(self, module: cst.Module, budget: int = DEFAULT_BUDGET, modules: ModuleSource | None = None, path: str = "") -> None:
        self.module = module
        self.budget = budget
        # Imports of the project's own modules, followed when a source of
        # modules is given (``modules.ImportFollower``); how deep in imported
        # modules' bodies the interpreter is now (their definitions are not
        # the file's own: not evaluated on their own, not reported).
        self.imports = ImportFollower(self, modules, path, BudgetExceeded) if modules is not None else None
        self.foreign = 0
        # A file without one import statement is a snippet run in a namespace
        # that others filled (``%load`` cells of one notebook): a function it
        # calls but never defines may be defined by a sibling file.
        self.imports_nothing = not any(
            isinstance(small, (cst.Import, cst.ImportFrom))
            for stmt in module.body
            if isinstance(stmt, cst.SimpleStatementLine)
            for small in stmt.body
        )
        self.steps = 0
        self.weights: list[WeightInstance] = []
        self.adds: list[Op] = []
        self.muls: list[Op] = []
        self.records: list[Record] = []
        self.classes: list[ClassVal] = []
        self.module_funcs: list[FuncVal] = []
        self.scope_initializers: list[Value | None] = []
        self.global_scope_initializer: Value | None = None
        # A caller's ``variable_scope(initializer=...)`` around
        # ``dynamic_rnn(cell, ...)`` (``caller_scopes``): id(cell class) ->
        # the initializer; the defaulted get_variable calls of classes
        # evaluated on their own; the class being evaluated so.
        self.caller_scopes: dict[int, Value] = {}
        self.caller_paths: dict[int, tuple] = {}  # id(cell class) -> the calls that reached its runner
        self.defaulted: list[tuple] = []
        self.standalone_class: ClassVal | None = None
        self.class_weights: set[int] = set()  # ids of weights made while a class was evaluated on its own
        self.call_stack: list[cst.CSTNode] = []
        # ids of initialiser expressions that are a parameter's default: --fix
        # must not write over a parameter a caller may set.
        self.parameter_defaults: set[int] = set()
        self.call_nodes: list[cst.Call] = []  # the calls being dispatched now, innermost last
        self.tf1_evidence = False
        self.axis_first = False  # concat / split called in TF 0.x's order: the fixer writes it so
        # a name only TensorFlow 0.x has (tf.mul, tf.pack...; knowledge.apis.TF0_ONLY)
        self.tf0_evidence = False
        # The first call that showed TensorFlow 0.x (an axis-first concat /
        # split, a 0.x-only name): the messages name it.
        self.tf0_spelling: cst.CSTNode | None = None
        self.incomplete = False
        self.module_scope = Scope()
        self.call_mark = 0  # len(self.weights) before the current call's arguments ran
        # (frame, loop variable, constant value) of the unrolled loops running
        # now: a weight created in one knows which iteration made it.
        self.loop_keys: list[tuple[Frame, str, Any]] = []
        # A list a builder method appended to an attribute's list, with the
        # call path it was appended on (id -> (the list, the path)); and, while a
        # loop runs over such lists, (its frame, the path) of each item (``calls._new_weight``).
        self.registered_at: dict[int, tuple[Seq, tuple]] = {}
        self.registered_items: list[tuple[Frame, tuple]] = []
        # id(Seq) -> (the Seq, the argument nodes it was passed as). A shape
        # list reaches tf.random.normal through helper parameters; --fix needs
        # the node that holds it at the weight's creation site.
        self.passed_as: dict[int, tuple[Value, list[cst.CSTNode]]] = {}
        # id(call) -> the Seq a call's one positional argument unpacks
        # (``np.random.randn(*shape)``): that shape list, not a copy of its
        # items, is the weight's shape, so --fix finds where it is written.
        self.unpacked_shape: dict[int, Seq] = {}
        # The UNBOUND_ALIASES the file reads without binding them: new code
        # --fix writes uses the same names (``np`` in an exercise run by exec).
        self.unbound_aliases_read: set[str] = set()
        # id(Seq) -> the argument nodes of the call a ``*args`` parameter
        # collected them from (``rand_arr(-0.1, 0.1, n, m)`` for ``def
        # rand_arr(a, b, *args)``): the shape as the call writes it.
        self.star_arguments: dict[int, tuple[cst.CSTNode, ...]] = {}
        # Speed: what each loop body assigns, by the body's id (see assigned_names).
        self.assigned_in: dict[int, tuple[cst.CSTNode, _AssignedNames]] = {}
        # Objects the program constructs (``MyCell(num_units=128)``), and the
        # ids of those whose call ran: one never called (handed to
        # ``tf.nn.dynamic_rnn`` or ``keras.layers.RNN``) is called on its own
        # after the rest, so its weights have the sizes its constructor got.
        self.constructed: list[ObjVal] = []
        self.called_objects: set[int] = set()
        # id(WeightInstance) -> the structural link that took it to a cell (linking.py)
        self.links: dict[int, linking.Link] = {}
        # (id(obj), id(getter)) -> (obj, value): a property is read once per
        # object, as the lazily-creating properties of cells are written.
        self.property_values: dict[tuple[int, int], tuple[Value, Value]] = {}
        # (id(base), attribute) -> (base, value): attributes written on a value
        # that is no object of the file (``self.state.s = ...`` where state is
        # a constructor's parameter), read back as written, so a cell that
        # keeps its activations on a state object is one graph.
        self.opaque_attrs: dict[tuple[int, str], tuple[Value, Value]] = {}
        # The instance each class's methods were evaluated on by themselves
        # (what its constructor and methods left on it: linking.py).
        self.standalone_objects: list[tuple[ObjVal, ObjVal]] = []  # (the instance, a copy as its constructor left it)

    # --- driving -------------------------------------------------------------

    def run(self) -> None:
        frame = Frame(self.module_scope, 0, None, None, None, None)
        try:
            self.exec_block(self.module.body, frame)
            self.finish_frame(frame)
        except (BudgetExceeded, RecursionError):
            self.incomplete = True
        # The definitions met so far get a budget of their own: a huge
        # module body must not hide the cells defined above it.
        self.steps = 0
        try:
            self.evaluate_standalone_definitions()
            linking.link_by_structure(self)
        except (BudgetExceeded, RecursionError):
            self.incomplete = True
        self.steps = 0
        try:
            self.call_constructed_objects()
        except (BudgetExceeded, RecursionError):
            self.incomplete = True
        apply_caller_scopes(self, calls.resolve_initial)
        if self.axis_first or self.tf0_evidence:
            calls.apply_tf0_defaults(self)

    def evaluate_standalone_definitions(self) -> None:
        """Evaluate each method and module function with opaque parameters."""
        for cls in self.classes:
            obj = ObjVal(cls)
            methods = list(cls.methods.values())
            first = [m for m in methods if m.name == "__init__"] + [m for m in methods if m.name == "build"]
            rest = [m for m in methods if m.name not in ("__init__", "build")]
            self.standalone_class = cls
            try:
                for method in first:
                    self.evaluate_standalone(method, obj)
                # as constructed, before other methods rebind its attributes (self.w -= lr * dw)
                constructed = ObjVal(cls)
                constructed.attrs = dict(obj.attrs)
                self.standalone_objects.append((obj, constructed))
                for method in rest:
                    self.evaluate_standalone(method, obj)
            finally:
                self.standalone_class = None
        for func in self.module_funcs:
            self.evaluate_standalone(func, None)

    def call_constructed_objects(self) -> None:
        """Build and call, with opaque inputs, each object the program made
        but never called (the first few of each class): the weights it
        creates have the sizes its constructor was given, which messages
        and ``verify`` use. At depth 1, as a call from the program would be."""
        per_class: dict[int, int] = {}
        for obj in self.constructed:
            cls = obj.cls
            if cls is None or id(obj) in self.called_objects:
                continue
            method = cls.lookup("__call__") or cls.lookup("call")
            if not isinstance(method, FuncVal) or per_class.get(id(cls), 0) >= MAX_CONSTRUCTED_CALLS:
                continue
            per_class[id(cls)] = per_class.get(id(cls), 0) + 1
            self.called_objects.add(id(obj))
            build = cls.lookup("build")
            # As a runner calls it: a caller's initializer scope still reaches
            # the variables this evaluation creates (``caller_scopes``).
            self.standalone_class = cls
            try:
                if isinstance(build, FuncVal) and not obj.built:
                    obj.built = True
                    self.evaluate_standalone(build, obj, 1)
                self.evaluate_standalone(method, obj, 1)
            finally:
                self.standalone_class = None

    def evaluate_standalone(self, func: FuncVal, self_obj: Value | None, depth: int = 0, bound: dict[str, Value] | None = None) -> Value:
        """``bound``: parameters given a value instead (a producer's container, linking.py)."""
        record = Record("function", func.node, func.name)
        scope = Scope(func.closure)
        params = self.param_list(func)
        args: list[Value] = []
        skip_self = self_obj is not None and not func.is_lambda and func.method_kind != decorators.STATIC
        for index, (name, param) in enumerate(params):
            if skip_self and index == 0:
                scope.vars[name] = self_obj.cls if func.method_kind == decorators.CLASS and isinstance(self_obj, ObjVal) else self_obj
                continue
            default = func.defaults.get(name)
            if bound is not None and name in bound:
                scope.vars[name] = bound[name]
                args.append(bound[name])
                record.params.append((name, bound[name]))
                continue
            # An initialiser default (``w_init=tf.random_normal_initializer(...)``)
            # is what the function uses when no caller says otherwise.
            # So is a function of the project's own (``initialization=orthogonal``).
            if (isinstance(default, Const) and default.value is not None) or isinstance(default, (InitializerObj, FuncVal)):
                value: Value = default
                if isinstance(default, InitializerObj):
                    self.parameter_defaults.add(id(default.node))
            else:
                value = Opaque(name, Origin("param", record, len(args), name))
            scope.vars[name] = value
            args.append(value)
            record.params.append((name, value))
        self.bind_star_params(func, scope, [], {})
        kept = self.kept_on_object(func, params, self_obj, record) if skip_self else []
        result = self.run_body(func, scope, record, depth, self_obj)
        for label, attrs, attr in kept:
            if attr in attrs:
                record.next[label] = attrs[attr]
        return result

    def kept_on_object(self, func: FuncVal, params: list[tuple[str, cst.Param]], self_obj: Value | None, record: Record) -> list[tuple]:
        """A method that reads ``self.h`` and stores a new ``self.h`` is a step
        its caller repeats: each call starts from what the previous one
        stored (``self.hidden_state = tanh(c) * o``), as a loop's variable.
        Those attributes start the method's evaluation on its own as values
        fed back from the previous call."""
        if not isinstance(self_obj, ObjVal) or func.is_lambda or func.name in ("__init__", "build") or not params:
            return []
        self_name = params[0][0]
        kept = []
        for base, attr in self.assigned_names(func.node.body).attributes:
            if base != self_name or attr not in self_obj.attrs:
                continue
            if _is_weightish(self_obj.attrs[attr]) and not _is_state_buffer(self_obj.attrs[attr]):
                continue
            label = f"{base}.{attr}"
            opaque = Opaque(label, Origin("carried", record, name=label))
            record.carried[label] = opaque
            self_obj.attrs[attr] = opaque
            kept.append((label, self_obj.attrs, attr))
        return kept

    # --- statements ------------------------------------------------------------

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise BudgetExceeded()

    def exec_block(self, body: Any, frame: Frame) -> None:
        for stmt in body:
            if frame.stopped:
                break
            self.exec_stmt(stmt, frame)

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        self.tick()
        handler = self._stmt_handlers.get(type(stmt))
        if handler is not None:
            handler(self, stmt, frame)

    def _exec_simple_line(self, stmt: cst.SimpleStatementLine, frame: Frame) -> None:
        for small in stmt.body:
            if frame.stopped:
                break
            handler = self._small_handlers.get(type(small))
            if handler is not None:
                handler(self, small, frame)

    def _exec_suite(self, suite: cst.BaseSuite, frame: Frame) -> None:
        if isinstance(suite, cst.IndentedBlock):
            self.exec_block(suite.body, frame)
        else:
            for small in suite.body:
                if frame.stopped:
                    break
                handler = self._small_handlers.get(type(small))
                if handler is not None:
                    handler(self, small, frame)

    def _exec_assign(self, stmt: cst.Assign, frame: Frame) -> None:
        mark = len(self.weights)
        value = branches.one_array(self.ev(stmt.value, frame))
        if len(stmt.targets) == 1 and calls.holds_numpy_weight(value, stmt.targets[0].target):
            value = calls.create_numpy_weight(self, value, stmt.value, frame)
        for target in stmt.targets:
            self.assign(target.target, value, frame, fresh=mark)

    def _exec_ann_assign(self, stmt: cst.AnnAssign, frame: Frame) -> None:
        if stmt.value is not None:
            mark = len(self.weights)
            self.assign(stmt.target, self.ev(stmt.value, frame), frame, fresh=mark)

    def _exec_aug_assign(self, stmt: cst.AugAssign, frame: Frame) -> None:
        kind = _AUGOPS.get(type(stmt.operator))
        current = self.ev(stmt.target, frame)
        value = self.ev(stmt.value, frame)
        result = self.binop(kind, current, value, stmt) if kind else Opaque("?")
        self.assign(stmt.target, result, frame)

    def _exec_expr(self, stmt: cst.Expr, frame: Frame) -> None:
        self.ev(stmt.value, frame)

    def _exec_assert(self, stmt: cst.Assert, frame: Frame) -> None:
        self.ev(stmt.test, frame)

    def _exec_return(self, stmt: cst.Return, frame: Frame) -> None:
        value = self.ev(stmt.value, frame) if stmt.value is not None else NONE
        frame.returns.append(value)
        frame.stopped = True

    def _exec_import(self, stmt: cst.Import, frame: Frame) -> None:
        for alias in stmt.names:
            full = dotted(alias.name)
            if full is None:
                continue
            asname = alias_name(alias, None)
            if self.imports is not None and self.imports.bind_import(full, asname, frame.scope):
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                frame.scope.vars[alias.asname.name.value] = ModuleRef(full)
            else:
                top = full.split(".")[0]
                frame.scope.vars[top] = ModuleRef(top)

    def _exec_import_from(self, stmt: cst.ImportFrom, frame: Frame) -> None:
        if self.imports is not None:
            base = dotted(stmt.module) if stmt.module is not None else ""
            if base is not None and self.imports.bind_from(base, len(stmt.relative), stmt.names, frame.scope):
                return
        if stmt.relative or stmt.module is None:
            return
        base = dotted(stmt.module)
        if base is None or isinstance(stmt.names, cst.ImportStar):
            return
        for alias in stmt.names:
            name = dotted(alias.name)
            if name is None:
                continue
            local = alias_name(alias, name)
            frame.scope.vars[local] = ModuleRef(f"{base}.{name}")

    def _exec_if(self, stmt: cst.If, frame: Frame) -> None:
        """Only the live arm when the test is decided (``if True:``,
        ``if not isinstance(args, (list, tuple)):`` on a list, ``if not bias:``
        on a default); otherwise both arms, each from the state before the
        ``if``, joined: a variable they leave different may be either
        (branches.py)."""
        test = self.ev(stmt.test, frame)
        if isinstance(test, Const):
            if test.value:
                self._exec_suite(stmt.body, frame)
            elif isinstance(stmt.orelse, cst.If):
                self._exec_if(stmt.orelse, frame)
            elif isinstance(stmt.orelse, cst.Else):
                self._exec_suite(stmt.orelse.body, frame)
            return
        variables = frame.scope.vars
        before = dict(variables)
        containers = self._containers_assigned_in(stmt, frame)
        items_before = [_items_of(store) for store in containers]
        self._exec_suite(stmt.body, frame)
        body_returned, frame.stopped = frame.stopped, False
        after_body = dict(variables)
        variables.clear()
        variables.update(before)
        # Each arm's item assignments start from the items before the if too:
        # ``if t == 0: c[t] = i * g`` / ``else: c[t] = f * c[t - 1] + i * g``
        # must not read the first arm's c[t] as the other arm's c[t - 1].
        items_after_body = [_items_of(store) for store in containers]
        for store, items in zip(containers, items_before):
            _set_items(store, items)
        orelse = stmt.orelse
        if isinstance(orelse, cst.If):
            self._exec_if(orelse, frame)
        elif isinstance(orelse, cst.Else):
            self._exec_suite(orelse.body, frame)
        else:
            frame.stopped = False
        else_returned = frame.stopped
        if body_returned and not else_returned:
            pass  # only the other arm goes on
        elif else_returned and not body_returned:
            variables.clear()
            variables.update(after_body)
            for store, items in zip(containers, items_after_body):
                _set_items(store, items)
        else:
            joined = branches.join(before, after_body, dict(variables), stmt)
            variables.clear()
            variables.update(joined)
            for store, items, body_items in zip(containers, items_before, items_after_body):
                if set(body_items) == set(_items_of(store)):
                    _set_items(store, branches.join(items, body_items, _items_of(store), stmt))
        frame.stopped = body_returned and else_returned

    def _containers_assigned_in(self, stmt: cst.If, frame: Frame) -> list[Any]:
        """The lists and dicts an ``if`` (either arm) assigns items of:
        ``c[t] = ...``."""
        out: list[Any] = []
        suites = [stmt.body] + ([stmt.orelse.body] if isinstance(stmt.orelse, cst.Else) else [])
        for suite in suites:
            for base in self.assigned_names(suite).subscripted:
                container = frame.scope.lookup(base)
                store = container.items if isinstance(container, Seq) and container.kind == "list" else container.entries if isinstance(container, DictVal) else None
                if store is not None and all(store is not seen for seen in out):
                    out.append(store)
        return out

    def _exec_for(self, stmt: cst.For, frame: Frame) -> None:
        iterable = self.ev(stmt.iter, frame)
        items = self.known_items(iterable)
        record = Record("loop", stmt)
        self.records.append(record)
        unrolled = items is not None and len(items) <= MAX_UNROLL
        carried = self.carried(stmt.body, frame, record, containers=not unrolled, exclude=_target_names(stmt.target))
        if unrolled:
            key_name = stmt.target.value if isinstance(stmt.target, cst.Name) else None
            for item in items:
                if frame.stopped:
                    break
                self.start_iteration(carried, frame)
                self.assign(stmt.target, item, frame)
                keyed = key_name is not None and isinstance(item, Const)
                if keyed:
                    self.loop_keys.append((frame, key_name, item.value))
                registered = self.registered_at.get(id(item)) if isinstance(item, Seq) else None
                if registered is not None:
                    self.registered_items.append((frame, registered[1]))
                self._exec_suite(stmt.body, frame)
                if registered is not None:
                    self.registered_items.pop()
                if keyed:
                    self.loop_keys.pop()
        else:
            self.start_iteration(carried, frame)
            source = iterable.parent if isinstance(iterable, Parts) else iterable
            self.assign(stmt.target, Component(source, ("other",), stmt.iter), frame)
            self._exec_suite(stmt.body, frame)
            frame.stopped = False  # the loop may run no iteration
        self.end_loop(carried, frame, record)
        if stmt.orelse is not None:
            self._exec_suite(stmt.orelse.body, frame)

    def _exec_while(self, stmt: cst.While, frame: Frame) -> None:
        record = Record("loop", stmt)
        self.records.append(record)
        carried = self.carried(stmt.body, frame, record, containers=True)
        self.start_iteration(carried, frame)
        self.ev(stmt.test, frame)
        self._exec_suite(stmt.body, frame)
        frame.stopped = False  # the loop may run no iteration
        self.end_loop(carried, frame, record)
        if stmt.orelse is not None:
            self._exec_suite(stmt.orelse.body, frame)

    def carried(self, body: cst.BaseSuite, frame: Frame, record: Record, containers: bool, exclude: frozenset[str] = frozenset()) -> list[tuple]:
        """What a loop may feed back from one iteration to the next: the
        variables its body assigns that already have a value and, for loops
        over time rather than over a short constant list, the items of lists
        and dicts it assigns into (``states[layer] = (c, h)``) and the
        attributes of objects it assigns (``self.h = ...``).

        Returns (label, store, key, opaque): ``store`` is None for a variable
        (``key`` is its name), else the dict or list holding the value."""
        collector = self.assigned_names(body)
        found: list[tuple] = []
        seen: set[str] = set()
        for name in collector.names:
            if name not in seen and name not in exclude and frame.scope.lookup(name) is not None:
                seen.add(name)
                found.append((name, None, name))
        if containers:
            for base, attr in collector.attributes:
                obj = frame.scope.lookup(base)
                label = f"{base}.{attr}"
                if isinstance(obj, ObjVal) and attr in obj.attrs and label not in seen and not _is_weightish(obj.attrs[attr]):
                    seen.add(label)
                    found.append((label, obj.attrs, attr))
            for base in collector.subscripted:
                container = frame.scope.lookup(base)
                if isinstance(container, Seq) and container.kind == "list":
                    store: Any = container.items
                    keys: list = list(range(len(container.items)))
                elif isinstance(container, DictVal):
                    store = container.entries
                    keys = list(container.entries)
                else:
                    continue
                for key in keys:
                    label = f"{base}[{key!r}]"
                    if label not in seen and not _is_weightish(store[key]):
                        seen.add(label)
                        found.append((label, store, key))
        out = []
        for label, store, key in found:
            opaque = Opaque(label, Origin("carried", record, name=label))
            record.carried[label] = opaque
            if store is None:
                record.initial[label] = frame.scope.lookup(key)
            out.append((label, store, key, opaque))
        return out

    def assigned_names(self, body: cst.CSTNode) -> _AssignedNames:
        """What ``body`` (a block or a statement) assigns, collected once per
        node: a loop or an ``if`` is met each time its function is
        evaluated, and a block's answer is built from its statements'
        (each nested block is walked once, not once per enclosing block).
        (The node is kept in the memo so that its id cannot be reused.)"""
        found = self.assigned_in.get(id(body))
        if found is not None:
            return found[1]
        collector = _AssignedNames()
        if isinstance(body, (cst.FunctionDef, cst.ClassDef)):
            pass  # its own scope's names (the visitor skips them too)
        elif isinstance(body, cst.SimpleStatementLine):
            walk(body, collector)
        elif isinstance(body, (cst.IndentedBlock, cst.Module)):
            for statement in body.body:
                collector.merge(self.assigned_names(statement))
        elif isinstance(body, cst.SimpleStatementSuite):
            walk(body, collector)
        else:
            # A compound statement: a ``for``'s target, then its blocks in
            # the order they are written (``else`` and ``elif`` included).
            if isinstance(body, cst.For):
                collector.visit_For(body)
            for child in children(body):
                if isinstance(child, (cst.BaseSuite, cst.BaseCompoundStatement, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)):
                    collector.merge(self.assigned_names(child))
        self.assigned_in[id(body)] = (body, collector)
        return collector

    def start_iteration(self, carried: list[tuple], frame: Frame) -> None:
        for _, store, key, opaque in carried:
            if store is None:
                frame.scope.vars[key] = opaque
            else:
                store[key] = opaque

    def end_loop(self, carried: list[tuple], frame: Frame, record: Record) -> None:
        for label, store, key, _ in carried:
            if store is None:
                value = frame.scope.vars.get(key)
            elif isinstance(store, dict):
                value = store.get(key)
            else:
                value = store[key] if key < len(store) else None
            if value is not None:
                record.next[label] = value

    def _exec_with(self, stmt: cst.With, frame: Frame) -> None:
        pushed = 0
        for item in stmt.items:
            value = self.ev(item.item, frame)
            if isinstance(value, ScopeCtx):
                self.scope_initializers.append(value.initializer)
                pushed += 1
            if item.asname is not None:
                self.assign(item.asname.name, value, frame)
        try:
            self._exec_suite(stmt.body, frame)
        finally:
            for _ in range(pushed):
                self.scope_initializers.pop()

    def _exec_try(self, stmt: cst.Try, frame: Frame) -> None:
        # Any statement of the body may raise: no return in it is sure.
        self._exec_suite(stmt.body, frame)
        frame.stopped = False
        imported = dict(frame.scope.vars) if self.imports is not None and catches_import_error(stmt) else None
        for handler in stmt.handlers:
            self._exec_suite(handler.body, frame)
            frame.stopped = False
        if imported is not None:
            keep_project_imports(imported, frame.scope)
        if stmt.orelse is not None:
            self._exec_suite(stmt.orelse.body, frame)
            frame.stopped = False
        if stmt.finalbody is not None:
            self._exec_suite(stmt.finalbody.body, frame)

    def _exec_match(self, stmt: cst.Match, frame: Frame) -> None:
        self.ev(stmt.subject, frame)
        for case in stmt.cases:
            self._exec_suite(case.body, frame)
            frame.stopped = False

    def _exec_function_def(self, stmt: cst.FunctionDef, frame: Frame) -> None:
        func = self.make_function(stmt, frame.scope, stmt.name.value, owner=None, frame=frame)
        frame.scope.vars[stmt.name.value] = func
        if self.foreign:
            pass  # an imported module's function: evaluated when this file calls it
        elif frame.depth == 0 and frame.func is None and frame.cls is None:
            self.module_funcs.append(func)
        else:
            frame.created.append(func)

    def make_function(self, node: cst.CSTNode, closure: Scope, name: str, owner: ClassVal | None, frame: Frame, is_lambda: bool = False) -> FuncVal:
        defaults: dict[str, Value] = {}
        params: cst.Parameters = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                defaults[param.name.value] = self.ev(param.default, frame)
        kind = decorators.method_kind(node) if owner is not None else decorators.INSTANCE
        return FuncVal(node, closure, name, defaults, owner, is_lambda, kind)

    def _exec_class_def(self, stmt: cst.ClassDef, frame: Frame) -> None:
        bases = [self.ev(arg.value, frame) for arg in stmt.bases]
        cls = ClassVal(stmt, stmt.name.value, bases)
        frame.scope.vars[stmt.name.value] = cls
        if not self.foreign:
            self.classes.append(cls)
        body = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else ()
        class_frame = Frame(Scope(frame.scope), frame.depth, None, None, None, cls, frame.path)
        for item in body:
            if isinstance(item, cst.FunctionDef):
                if decorators.is_accessor(item) and item.name.value in cls.methods:
                    continue  # @kernel.setter: reading self.kernel still runs the getter
                cls.methods[item.name.value] = self.make_function(item, frame.scope, item.name.value, cls, class_frame)
            elif isinstance(item, cst.SimpleStatementLine):
                for small in item.body:
                    if isinstance(small, cst.Assign):
                        value = self.ev(small.value, class_frame)
                        for target in small.targets:
                            if isinstance(target.target, cst.Name):
                                cls.attrs[target.target.value] = value
                                class_frame.scope.vars[target.target.value] = value

    # --- assignment ------------------------------------------------------------

    def assign(self, target: cst.CSTNode, value: Value, frame: Frame, fresh: int | None = None) -> None:
        """Bind ``value`` to ``target``. ``fresh`` is the number of weights
        that existed before the right-hand side ran: weights created since
        are created by this statement, so this is where they are reported."""
        if isinstance(target, cst.Name):
            frame.scope.vars[target.value] = value
            self.note_binding(value, target, None, frame, fresh)
        elif isinstance(target, cst.Attribute):
            base = self.ev(target.value, frame)
            if isinstance(base, (ObjVal, ClassVal)):
                base.attrs[target.attr.value] = value
            elif isinstance(base, (Opaque, Component)):
                self.opaque_attrs[(id(base), target.attr.value)] = (base, value)
            self.note_binding(value, target, None, frame, fresh)
        elif isinstance(target, cst.Subscript):
            base = self.ev(target.value, frame)
            calls.set_after_creation(base, target)  # b[u:2 * u] = 1.0
            if isinstance(base, InitVal) and isinstance(target.value, (cst.Name, cst.Attribute)):
                # t = np.zeros(shape); t[:, :u] = ...: no longer what it was created as
                self.assign(target.value, calls.copy_init(base, Dist("unknown", {"expr": "written into after creation"})), frame)
            key = self.subscript_constant(target, frame)
            instance = None
            if isinstance(base, DictVal) and key is not None:
                base.entries[key] = value
                written = target.slice[0].slice
                if not (isinstance(written, cst.Index) and isinstance(written.value, cst.SimpleString)):
                    instance = f"{dotted(target.value) or '…'}[{key!r}]"  # (a written key names it as written)
            elif isinstance(base, Seq) and isinstance(key, int):
                try:
                    base.items[key] = value
                except IndexError:
                    pass
            elif isinstance(base, Seq) and len(base.items) == 1 and key is None and isinstance(target.slice[0].slice, cst.Index):
                base.items[0] = value  # h[t] = ... into a list of one (symbolic) item
            self.note_binding(value, target, instance, frame, fresh)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [el.value for el in target.elements]
            parts = self.unpack(value, len(elements), target)
            for element, part in zip(elements, parts):
                if isinstance(element, cst.StarredElement):
                    continue
                self.assign(element, part, frame, fresh)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, Opaque("*"), frame)

    def weight_path(self, frame: Frame) -> tuple[cst.CSTNode, ...]:
        """The call path a weight made or bound in ``frame`` is known by:
        the frame's, or the builder call that recorded it (``recording_call``):
        one weight per such call, however the evaluation reached it (a
        layer's constructor, the cell's factory on its own)."""
        recording = self.recording_call(frame)
        return (recording,) if recording is not None else frame.path

    def recording_call(self, frame: Frame) -> cst.CSTNode | None:
        """In a loop over what a builder method recorded (``registered_at``),
        in a build() evaluated on its own: the call that recorded the item
        (``cell.add_recurrent("forget", ...)``)."""
        if not frame.path:
            for owner, path in reversed(self.registered_items):
                if owner is frame:
                    return path[-1]
        return None

    def note_binding(self, value: Value, target: cst.CSTNode, instance: str | None, frame: Frame, fresh: int | None) -> None:
        if fresh is None:
            return
        if isinstance(value, Either):
            for option in value.options:
                self.note_binding(option, target, instance, frame, fresh)
        elif isinstance(value, WeightVal):
            weight = value.weight
            if weight.index >= fresh and (weight.binding is None or frame.depth < weight.binding[2]):
                weight.binding = (target, instance, frame.depth)
                weight.path = self.weight_path(frame)
                weight.recorded_by = self.recording_call(frame)
                weight.bound_scope = frame.scope
        elif isinstance(value, DenseLayer):
            # self.W_i = Dense(units): its weights, reported at the construction
            base = instance or dotted(target) or "…"
            for part, weight in (("kernel", value.kernel), ("bias", value.bias)):
                if weight is not None:
                    self.note_binding(weight, target, f"{base}.{part}", frame, fresh)
        elif isinstance(value, Seq) and not isinstance(target, (cst.Tuple, cst.List)):
            # self.W = [tf.Variable(...) for _ in range(4)]: self.W[0] ... self.W[3]
            # A weight already named where it was made keeps that name: for
            # params = get_params() the finding belongs inside get_params().
            base = instance or dotted(target) or "…"
            for index, item in enumerate(value.items):
                if isinstance(item, WeightVal) and item.weight.binding is None:
                    self.note_binding(item, target, f"{base}[{index}]", frame, fresh)

    def unpack(self, value: Value, count: int, node: cst.CSTNode) -> list[Value]:
        if isinstance(value, Either):
            # c, h = state in one arm, split(state) in the other: each name may be either piece
            parts = [self.unpack(option, count, node) for option in value.options]
            return [Either(tuple(p[k] for p in parts), value.node) for k in range(count)]
        if isinstance(value, Seq):
            items = list(value.items)
            return items + [Opaque("?")] * (count - len(items))
        if isinstance(value, Parts):
            return [value.part(k, count) for k in range(count)]
        return [Component(value, ("index", k), node) for k in range(count)]

    def subscript_constant(self, node: cst.Subscript, frame: Frame) -> Any:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        key = self.ev(node.slice[0].slice.value, frame)
        if isinstance(key, Const) and isinstance(key.value, (int, str, float, tuple)):
            return key.value
        return None

    def known_items(self, value: Value) -> list[Value] | None:
        """The items of a sequence whose length is known."""
        if isinstance(value, Seq):
            return list(value.items)
        if isinstance(value, Const) and isinstance(value.value, str):
            return [Const(ch) for ch in value.value]
        if isinstance(value, DictVal):
            return [Const(k) for k in value.entries]
        if isinstance(value, ModuleRef) and value.qualname in _STRING_CONSTANTS:
            return [Const(ch) for ch in _STRING_CONSTANTS[value.qualname]]
        return None

    # --- functions ----------------------------------------------------------

    def param_list(self, func: FuncVal) -> list[tuple[str, cst.Param]]:
        params: cst.Parameters = func.node.params
        return [(p.name.value, p) for p in (*params.posonly_params, *params.params)]

    def bind_star_params(self, func: FuncVal, scope: Scope, rest_args: list[Value], rest_kwargs: dict[str, Value]) -> None:
        params: cst.Parameters = func.node.params
        for param in params.kwonly_params:
            name = param.name.value
            if name not in scope.vars:
                scope.vars[name] = rest_kwargs.pop(name, None) or func.defaults.get(name) or Opaque(name)
        if isinstance(params.star_arg, cst.Param):
            collected = Seq(list(rest_args))
            scope.vars[params.star_arg.name.value] = collected
            call = self.call_nodes[-1] if self.call_nodes else None
            positional = [a for a in call.args if a.keyword is None] if isinstance(call, cst.Call) else []
            if rest_args and len(positional) >= len(rest_args) and not any(a.star for a in positional):
                self.star_arguments[id(collected)] = tuple(a.value for a in positional[len(positional) - len(rest_args):])
        if params.star_kwarg is not None:
            scope.vars[params.star_kwarg.name.value] = DictVal(dict(rest_kwargs))

    def invoke(self, func: FuncVal, args: list[Value], kwargs: dict[str, Value], self_obj: Value | None, frame: Frame) -> Value:
        func.invoked = True
        if self_obj is not None and func.name in ("__call__", "call"):
            self.called_objects.add(id(self_obj))
        if func.node in self.call_stack or len(self.call_stack) >= MAX_CALL_DEPTH:
            return Opaque(func.name + "()")
        record = Record("function", func.node, func.name)
        scope = Scope(func.closure)
        args = list(args)
        kwargs = dict(kwargs)
        params = self.param_list(func)
        if self_obj is not None and params and not func.is_lambda and func.method_kind != decorators.STATIC:
            scope.vars[params[0][0]] = self_obj.cls if func.method_kind == decorators.CLASS and isinstance(self_obj, ObjVal) else self_obj
            params = params[1:]
        for index, (name, _param) in enumerate(params):
            if args:
                value = _random_source(args.pop(0), func.defaults.get(name))
            elif name in kwargs:
                value = _random_source(kwargs.pop(name), func.defaults.get(name))
            elif name in func.defaults:
                value = func.defaults[name]
            else:
                value = Opaque(name, Origin("param", record, index, name))
            scope.vars[name] = value
            record.params.append((name, value))
        self.bind_star_params(func, scope, args, kwargs)
        path = frame.path + (self.call_nodes[-1],) if self.call_nodes else frame.path
        result = self.run_body(func, scope, record, frame.depth + 1, self_obj, path, frame.scope)
        return result

    def run_body(self, func: FuncVal, scope: Scope, record: Record, depth: int, self_obj: Value | None, path: tuple = (), caller_scope: Scope | None = None) -> Value:
        self.records.append(record)
        callee_frame = Frame(scope, depth, record, func, self_obj, func.owner, path, caller_scope)
        self.call_stack.append(func.node)
        try:
            if func.is_lambda:
                callee_frame.returns.append(self.ev(func.node.body, callee_frame))
            else:
                self._exec_suite(func.node.body, callee_frame)
            self.finish_frame(callee_frame)
        finally:
            self.call_stack.pop()
        record.returns = callee_frame.returns
        result = callee_frame.returns[-1] if callee_frame.returns else NONE
        return self.mark_helper(result, func)

    def finish_frame(self, frame: Frame) -> None:
        """Evaluate, on their own, the nested functions this frame defined but
        did not call (closures returned to a caller, callbacks)."""
        for func in frame.created:
            if not func.invoked:
                func.invoked = True
                self.evaluate_standalone(func, None, frame.depth + 1)

    def mark_helper(self, result: Value, func: FuncVal) -> Value:
        """Remember which user function produced an initial value."""
        result = branches.one_array(result)
        if isinstance(result, InitVal):
            copy = calls.copy_init(result)
            copy.helper, copy.helper_node = func.name, func.node
            return copy
        if isinstance(result, InitializerObj):
            copy_obj = InitializerObj(result.dist, result.node)
            copy_obj.helper, copy_obj.helper_node = func.name, func.node
            return copy_obj
        return result

    def instantiate(self, cls: ClassVal, args: list[Value], kwargs: dict[str, Value], frame: Frame) -> Value:
        obj = ObjVal(cls)
        self.constructed.append(obj)
        init = cls.lookup("__init__")
        if isinstance(init, FuncVal):
            self.invoke(init, args, kwargs, obj, frame)
        return obj

    def call_object(self, obj: ObjVal, args: list[Value], kwargs: dict[str, Value], frame: Frame, node: cst.CSTNode) -> Value:
        if obj.cls is None:
            return Op("call", tuple(args), node, "object")
        method = obj.cls.lookup("__call__")
        if isinstance(method, FuncVal):
            return self.invoke(method, args, kwargs, obj, frame)
        method = obj.cls.lookup("call")
        if isinstance(method, FuncVal):
            build = obj.cls.lookup("build")
            if isinstance(build, FuncVal) and not obj.built:
                obj.built = True
                self.invoke(build, [Opaque("input_shape")], {}, obj, frame)
            return self.invoke(method, args, kwargs, obj, frame)
        return Op("call", tuple(args), node, obj.cls.name)

    # --- expressions ------------------------------------------------------------

    def ev(self, node: cst.CSTNode, frame: Frame) -> Value:
        self.tick()
        handler = self._expr_handlers.get(type(node))
        if handler is None:
            return Opaque(type(node).__name__)
        return handler(self, node, frame)

    def _ev_name(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        value = frame.scope.lookup(name)
        if value is not None:
            return value
        if name == "True":
            return Const(True)
        if name == "False":
            return Const(False)
        if name == "None":
            return NONE
        builtin = calls.BUILTINS.get(name)
        if builtin is not None:
            return builtin
        if name in UNBOUND_ALIASES:
            # A snippet run by ``%load`` or ``exec`` in a namespace that
            # imported NumPy: ``np`` is bound nowhere in the file, and means
            # numpy wherever it is written so.
            self.unbound_aliases_read.add(name)
            return ModuleRef(UNBOUND_ALIASES[name])
        if self.imports is not None and self.foreign == 0 and self.imports_nothing:
            defined = self.imports.defined_beside(name)
            if defined is not None:
                return defined
        return Opaque(name, Origin("unknown", name=name))

    def _ev_attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base = self.ev(node.value, frame)
        if isinstance(base, Either):
            return branches.distribute([base], lambda b: self.get_attr(b[0], node.attr.value, node))
        if isinstance(base, ObjVal) and node.attr.value not in base.attrs and base.cls is not None:
            getter = base.cls.lookup(node.attr.value)
            if isinstance(getter, FuncVal) and getter.method_kind == decorators.PROPERTY:
                return self.read_property(getter, base, node, frame)
        return self.get_attr(base, node.attr.value, node)

    def read_property(self, getter: FuncVal, obj: ObjVal, node: cst.Attribute, frame: Frame) -> Value:
        """``self.kernel`` where ``kernel`` is a ``@property``: what its getter
        returns (the weight it creates or keeps), once per object."""
        key = (id(obj), id(getter.node))
        known = self.property_values.get(key)
        if known is not None:
            return known[1]
        self.call_nodes.append(node)
        try:
            value = self.invoke(getter, [], {}, obj, frame)
        finally:
            self.call_nodes.pop()
        self.property_values[key] = (obj, value)
        return value

    def get_attr(self, base: Value, attr: str, node: cst.CSTNode) -> Value:
        if isinstance(base, (Opaque, Component)):
            written = self.opaque_attrs.get((id(base), attr))
            if written is not None and written[0] is base:
                return written[1]
        if isinstance(base, ModuleRef):
            if base.qualname in ("tensorflow", "tensorflow.compat.v1") and attr in TF1_ONLY:
                self.tf1_evidence = True
            if (base.qualname, attr) in TF0_ONLY:
                self.tf0_evidence = self.tf1_evidence = True
                self.tf0_spelling = self.tf0_spelling or node
            return ModuleRef(f"{base.qualname}.{attr}")
        if isinstance(base, ProjectModule):  # ``ops.linear`` after ``import ops``
            found = base.scope.vars.get(attr)
            return found if found is not None else Opaque(attr, Origin("unknown", name=attr))
        if isinstance(base, ObjVal):
            if attr in base.attrs:
                return base.attrs[attr]
            found = base.cls.lookup(attr) if base.cls is not None else None
            if isinstance(found, FuncVal):
                if found.method_kind == decorators.STATIC:
                    return found  # self._linear(...) of a @staticmethod takes no self
                return BoundMethod(found, base)
            if found is not None:
                return found
            opaque = Opaque(f"self.{attr}", Origin("unknown", name=attr))
            base.attrs[attr] = opaque
            return opaque
        if isinstance(base, ClassVal):
            found = base.lookup(attr)
            if isinstance(found, FuncVal) and found.method_kind == decorators.CLASS:
                return BoundMethod(found, base)  # Cell.create(...): the class is its first argument
            return found if found is not None else Opaque(f"{base.name}.{attr}")
        if isinstance(base, SuperVal):
            if base.cls is not None:
                for parent in base.cls.bases:
                    if isinstance(parent, ClassVal):
                        found = parent.lookup(attr)
                        if isinstance(found, FuncVal):
                            return BoundMethod(found, base.obj)
            return ExternalMethod(base.obj, attr)
        if isinstance(base, InitVal) and attr == "T":
            return base
        if isinstance(base, DictVal):
            return Opaque(attr)
        if isinstance(base, Const):
            return Opaque(attr)
        return Component(base, ("attr", attr), node)

    def _ev_call(self, node: cst.Call, frame: Frame) -> Value:
        mark = len(self.weights)
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in node.args:
            value = self.ev(arg.value, frame)
            if arg.star == "*":
                items = self.known_items(value)
                if items is not None:
                    if isinstance(value, Seq) and len(node.args) == 1:
                        self.unpacked_shape[id(node)] = value
                    args.extend(items)
                else:
                    args.append(value)
            elif arg.star == "**":
                if isinstance(value, DictVal):
                    kwargs.update({str(k): v for k, v in value.entries.items()})
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
            if isinstance(value, Seq):
                self.passed_as.setdefault(id(value), (value, []))[1].append(arg.value)
        func = node.func
        if isinstance(func, cst.Attribute):
            base = self.ev(func.value, frame)
            if isinstance(base, Either):
                return branches.distribute([base], lambda b: self.call_attribute(b[0], func, args, kwargs, node, frame, mark))
            return self.call_attribute(base, func, args, kwargs, node, frame, mark)
        callee = self.ev(func, frame)
        self.call_nodes.append(node)
        try:
            return calls.call_value(self, callee, args, kwargs, node, frame)
        finally:
            self.call_nodes.pop()

    def call_attribute(self, base: Value, func: cst.Attribute, args: list[Value], kwargs: dict[str, Value], node: cst.Call, frame: Frame, mark: int) -> Value:
        self.call_mark = mark
        self.call_nodes.append(node)
        try:
            handled = calls.call_method(self, base, func.attr.value, args, kwargs, node, frame)
        finally:
            self.call_nodes.pop()
        if handled is not None:
            return handled
        callee = self.get_attr(base, func.attr.value, func)
        self.call_nodes.append(node)
        try:
            return calls.call_value(self, callee, args, kwargs, node, frame)
        finally:
            self.call_nodes.pop()

    def _ev_subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.ev(node.value, frame)
        if isinstance(base, Either):
            return branches.distribute([base], lambda b: calls.subscript(self, b[0], node, frame))
        return calls.subscript(self, base, node, frame)

    def _ev_binop(self, node: cst.BinaryOperation, frame: Frame) -> Value:
        left = self.ev(node.left, frame)
        right = self.ev(node.right, frame)
        kind = _BINOPS.get(type(node.operator))
        if kind is None:
            return Opaque("binop")
        return self.binop(kind, left, right, node)

    def binop(self, kind: str, left: Value, right: Value, node: cst.CSTNode) -> Value:
        if isinstance(left, Either) or isinstance(right, Either):
            return branches.distribute([left, right], lambda pair: self.binop(kind, pair[0], pair[1], node))
        if isinstance(left, Const) and isinstance(right, Const) and kind in _PY:
            if not foldable(kind, left.value, right.value):
                return Opaque("const")
            try:
                return Const(_PY[kind](left.value, right.value))
            except Exception:  # noqa: BLE001 - folding user constants may fail in any way
                return Opaque("const")
        if kind == "mod" and isinstance(left, Const) and isinstance(left.value, str) and isinstance(right, Seq) and right.kind == "tuple":
            # ``"%s_%s" % (name, input)``: a builder's weight-dictionary key
            # (aniltrue's RNNCellBuilder), read back the same way in its step.
            if all(isinstance(item, Const) for item in right.items):
                return self.binop(kind, left, Const(tuple(item.value for item in right.items)), node)
        if kind == "add" and isinstance(left, Seq) and isinstance(right, Seq):
            return Seq(left.items + right.items, left.kind)
        if kind == "add" and isinstance(left, Seq) and left.kind == "list" and left.items and isinstance(right, (Opaque, Component)):
            # ``[x, h] + reads`` with ``reads`` a parameter (NTM's controller):
            # the known items stay known, one piece stands for the rest, so
            # ``concat(args)`` still shows the step's input and state.
            return Seq(left.items + [Component(right, ("index", 0), node)], "list")
        if kind == "mul" and isinstance(left, Seq) and isinstance(right, Const) and isinstance(right.value, int):
            if len(left.items) * right.value > MAX_FOLDED_SIZE:
                return Opaque("repeated sequence")
            return Seq(left.items * right.value, left.kind)
        if kind == "matmul":
            return calls.blockwise_matmul(self, left, right, node)
        scaled = calls.init_arithmetic(kind, left, right)
        if scaled is not None:
            return scaled
        rescaled = calls.rescaled_numpy_weight(kind, left, right, node)
        if rescaled is not None:
            return rescaled
        op = Op(kind, (left, right), node)
        if kind == "add":
            self.adds.append(op)
        elif kind == "mul":
            self.muls.append(op)
        return op

    def make_op(self, kind: str, args: tuple[Value, ...], node: cst.CSTNode, meta: Any = None) -> Op:
        op = Op(kind, args, node, meta)
        if kind == "add":
            self.adds.append(op)
        elif kind == "mul":
            self.muls.append(op)
        return op

    def _ev_unary(self, node: cst.UnaryOperation, frame: Frame) -> Value:
        value = self.ev(node.expression, frame)
        if isinstance(value, Either):
            return branches.distribute([value], lambda v: self._unary(node, v[0]))
        return self._unary(node, value)

    def _unary(self, node: cst.UnaryOperation, value: Value) -> Value:
        if isinstance(node.operator, cst.Minus):
            if isinstance(value, Const) and isinstance(value.value, (int, float)):
                return Const(-value.value)
            if isinstance(value, InitVal):
                return calls.scaled_init(value, S.const(-1.0))
            return Op("neg", (value,), node)
        if isinstance(node.operator, cst.Plus):
            return value
        if isinstance(node.operator, cst.Not) and isinstance(value, Const):
            return Const(not value.value)
        return Opaque("unary")

    def _ev_boolop(self, node: cst.BooleanOperation, frame: Frame) -> Value:
        left = self.ev(node.left, frame)
        right = self.ev(node.right, frame)
        if isinstance(node.operator, cst.Or):
            if isinstance(left, Const) and not left.value:
                return right
            if isinstance(left, Opaque) and not isinstance(right, Opaque):
                return right
            return left
        if isinstance(left, Const):
            return right if left.value else left
        return Opaque("and")

    def _ev_compare(self, node: cst.Comparison, frame: Frame) -> Value:
        """Known only when every side is a constant: ``gate == "f"`` inside a
        loop over gate names picks one branch per gate."""
        left = self.ev(node.left, frame)
        known = isinstance(left, Const)
        result = True
        for target in node.comparisons:
            right = self.ev(target.comparator, frame)
            if known and isinstance(right, Seq) and isinstance(target.operator, (cst.In, cst.NotIn)):
                right = _membership_operand(left, right)
            if known and isinstance(right, Const):
                compare = _COMPARE.get(type(target.operator))
                try:
                    result = result and compare is not None and bool(compare(left.value, right.value))
                except TypeError:
                    known = False
                known = known and compare is not None
                left = right
            else:
                known = False
        return Const(result) if known else Opaque("comparison")

    def _ev_ifexp(self, node: cst.IfExp, frame: Frame) -> Value:
        test = self.ev(node.test, frame)
        body = self.ev(node.body, frame)
        orelse = self.ev(node.orelse, frame)
        if isinstance(test, Const):
            return body if test.value else orelse
        if isinstance(body, Const) and body.value is None:
            return orelse
        return body

    def _ev_lambda(self, node: cst.Lambda, frame: Frame) -> Value:
        func = self.make_function(node, frame.scope, "<lambda>", None, frame, is_lambda=True)
        frame.created.append(func)
        return func

    def _ev_sequence(self, node: cst.CSTNode, frame: Frame) -> Value:
        if len(node.elements) > MAX_LITERAL_ITEMS:
            return Opaque("large literal")
        items: list[Value] = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                value = self.ev(element.value, frame)
                known = self.known_items(value)
                items.extend(known if known is not None else [Opaque("*")])
            else:
                items.append(self.ev(element.value, frame))
        kind = "list" if isinstance(node, cst.List) else "tuple"
        return Seq(items, kind, node)

    def _ev_dict(self, node: cst.Dict, frame: Frame) -> Value:
        if len(node.elements) > MAX_LITERAL_ITEMS:
            return Opaque("large literal")
        result = DictVal()
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                value = self.ev(element.value, frame)
                if isinstance(value, DictVal):
                    result.entries.update(value.entries)
                continue
            key = self.ev(element.key, frame)
            value = self.ev(element.value, frame)
            if isinstance(key, Const):
                result.entries[key.value] = value
        return result

    def _ev_const(self, node: cst.CSTNode, frame: Frame) -> Value:
        try:
            return Const(node.evaluated_value)
        except Exception:  # noqa: BLE001 - odd literals: treat as unknown
            return Opaque("literal")

    def _ev_concat_string(self, node: cst.ConcatenatedString, frame: Frame) -> Value:
        left = self.ev(node.left, frame)
        right = self.ev(node.right, frame)
        if isinstance(left, Const) and isinstance(right, Const) and isinstance(left.value, str) and isinstance(right.value, str):
            return Const(left.value + right.value)
        return Opaque("string")

    def _ev_fstring(self, node: cst.FormattedString, frame: Frame) -> Value:
        out = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
                continue
            value = self.ev(part.expression, frame)
            if not isinstance(value, Const) or part.format_spec is not None:
                return Opaque("f-string")
            out.append(str(value.value) if part.conversion != "r" else repr(value.value))
        return Const("".join(out))

    def _ev_comprehension(self, node: cst.CSTNode, frame: Frame) -> Value:
        """``[tf.Variable(...) for _ in range(4)]``: unrolled over a short
        known iterable, else evaluated once."""
        inner = Frame(Scope(frame.scope), frame.depth, frame.record, frame.func, frame.self_obj, frame.cls, frame.path, frame.caller_scope)
        results: list[Value] = []
        entries: dict[Any, Value] = {}

        def element() -> None:
            if isinstance(node, cst.DictComp):
                key = self.ev(node.key, inner)
                if isinstance(key, Const):
                    entries[key.value] = self.ev(node.value, inner)
            else:
                results.append(self.ev(node.elt, inner))

        def run(comp: cst.CompFor) -> None:
            iterable = self.ev(comp.iter, inner)
            items = self.known_items(iterable)
            if items is None or len(items) > MAX_UNROLL:
                items = [Component(iterable, ("other",), comp.iter)]
            key_name = comp.target.value if isinstance(comp.target, cst.Name) else None
            for item in items:
                self.assign(comp.target, item, inner)
                keyed = key_name is not None and isinstance(item, Const)
                if keyed:
                    self.loop_keys.append((inner, key_name, item.value))
                try:
                    if comp.inner_for_in is not None:
                        run(comp.inner_for_in)
                    else:
                        element()
                finally:
                    if keyed:
                        self.loop_keys.pop()

        run(node.for_in)
        if isinstance(node, cst.DictComp):
            return DictVal(entries)
        return Seq(results, "list", node)

    def _ev_named_expr(self, node: cst.NamedExpr, frame: Frame) -> Value:
        mark = len(self.weights)
        value = self.ev(node.value, frame)
        self.assign(node.target, value, frame, fresh=mark)
        return value

    def _ev_passthrough(self, node: cst.CSTNode, frame: Frame) -> Value:
        inner = getattr(node, "value", None) or getattr(node, "expression", None)
        if inner is not None:
            self.ev(inner, frame)
        return Opaque(type(node).__name__)

    def _ev_ellipsis(self, node: cst.Ellipsis, frame: Frame) -> Value:
        return Const(Ellipsis)


# The standard library's string constants: a vocabulary is often sized as
# ``len(string.ascii_lowercase) + 1``, the input width of a character model.
_STRING_CONSTANTS = {f"string.{name}": getattr(string, name) for name in ("ascii_letters", "ascii_lowercase", "ascii_uppercase", "digits", "hexdigits", "octdigits", "punctuation", "printable", "whitespace")}


def _target_names(target: cst.CSTNode) -> frozenset[str]:
    collector = _AssignedNames()
    collector._targets(target)
    return frozenset(collector.names)


def _is_weightish(value: Value) -> bool:
    """Values a loop never feeds back as state: weights, functions, objects."""
    return isinstance(value, (WeightVal, FuncVal, BoundMethod, ClassVal, ObjVal, ModuleRef, ProjectModule, DictVal))


def _is_state_buffer(value: Value) -> bool:
    """``self.hidden_state = np.zeros((1, n))``: a constant NumPy array on an
    object, taken for a weight until a method stores a new state in it."""
    if not isinstance(value, WeightVal) or value.weight.api != "numpy" or value.weight.init is None:
        return False
    return value.weight.init.dist.family in ("zeros", "ones", "constant")


def _items_of(store: Any) -> dict[Any, Value]:
    """A list's or dict's items as a dict, by index or key."""
    return dict(enumerate(store)) if isinstance(store, list) else dict(store)


def _set_items(store: Any, items: dict[Any, Value]) -> None:
    if isinstance(store, list):
        store[:] = [items[k] for k in sorted(items)]
    else:
        store.clear()
        store.update(items)


class _AssignedNames(cst.CSTVisitor):
    """What a block assigns (not inside nested functions or classes): plain
    names, ``base[...]`` items and ``base.attr`` attributes."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.subscripted: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def _targets(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self.names.append(node.value)
        elif isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name):
            if node.value.value not in self.subscripted:
                self.subscripted.append(node.value.value)
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            pair = (node.value.value, node.attr.value)
            if pair not in self.attributes:
                self.attributes.append(pair)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._targets(element.value)
        elif isinstance(node, cst.StarredElement):
            self._targets(node.value)

    def merge(self, other: "_AssignedNames") -> None:
        """Add what a later part of the block assigns (as one walk would)."""
        self.names.extend(other.names)
        self.subscripted.extend(name for name in other.subscripted if name not in self.subscripted)
        self.attributes.extend(pair for pair in other.attributes if pair not in self.attributes)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


Interpreter._stmt_handlers = {
    cst.SimpleStatementLine: Interpreter._exec_simple_line,
    cst.If: Interpreter._exec_if,
    cst.For: Interpreter._exec_for,
    cst.While: Interpreter._exec_while,
    cst.With: Interpreter._exec_with,
    cst.Try: Interpreter._exec_try,
    cst.FunctionDef: Interpreter._exec_function_def,
    cst.ClassDef: Interpreter._exec_class_def,
}
if hasattr(cst, "TryStar"):
    Interpreter._stmt_handlers[cst.TryStar] = Interpreter._exec_try
if hasattr(cst, "Match"):
    Interpreter._stmt_handlers[cst.Match] = Interpreter._exec_match

Interpreter._small_handlers = {
    cst.Assign: Interpreter._exec_assign,
    cst.AnnAssign: Interpreter._exec_ann_assign,
    cst.AugAssign: Interpreter._exec_aug_assign,
    cst.Expr: Interpreter._exec_expr,
    cst.Return: Interpreter._exec_return,
    cst.Assert: Interpreter._exec_assert,
    cst.Import: Interpreter._exec_import,
    cst.ImportFrom: Interpreter._exec_import_from,
}

Interpreter._expr_handlers = {
    cst.Name: Interpreter._ev_name,
    cst.Attribute: Interpreter._ev_attribute,
    cst.Call: Interpreter._ev_call,
    cst.Subscript: Interpreter._ev_subscript,
    cst.BinaryOperation: Interpreter._ev_binop,
    cst.UnaryOperation: Interpreter._ev_unary,
    cst.BooleanOperation: Interpreter._ev_boolop,
    cst.Comparison: Interpreter._ev_compare,
    cst.IfExp: Interpreter._ev_ifexp,
    cst.Lambda: Interpreter._ev_lambda,
    cst.Tuple: Interpreter._ev_sequence,
    cst.List: Interpreter._ev_sequence,
    cst.Set: Interpreter._ev_sequence,
    cst.Dict: Interpreter._ev_dict,
    cst.Integer: Interpreter._ev_const,
    cst.Float: Interpreter._ev_const,
    cst.Imaginary: Interpreter._ev_const,
    cst.SimpleString: Interpreter._ev_const,
    cst.ConcatenatedString: Interpreter._ev_concat_string,
    cst.FormattedString: Interpreter._ev_fstring,
    cst.ListComp: Interpreter._ev_comprehension,
    cst.SetComp: Interpreter._ev_comprehension,
    cst.GeneratorExp: Interpreter._ev_comprehension,
    cst.DictComp: Interpreter._ev_comprehension,
    cst.NamedExpr: Interpreter._ev_named_expr,
    cst.Await: Interpreter._ev_passthrough,
    cst.Yield: Interpreter._ev_passthrough,
    cst.StarredElement: Interpreter._ev_passthrough,
    cst.Ellipsis: Interpreter._ev_ellipsis,
}

__all__ = ["Interpreter", "Record", "Frame", "Scope", "dotted", "to_expr", "Dist"]
