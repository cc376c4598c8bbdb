"""The structural gate: from Python's own tree (``ast``, which
``limits.check`` builds anyway), whether a file can hold a recurrent cell,
before libcst spends ten times as long on it.

The analysis reports a weight only inside a cell, and it finds a cell only
at an addition of exactly two products (``analysis/cells.find_cells``: an
LSTM's ``c = f * c_prev + i * g``, a GRU's ``h = z * h_prev + (1 - z) * g``).
Such an addition and its products are operations the interpreter builds
from this file's own code: ``+`` / ``+=`` or a call of an addition
(``tf.add``, ``add_n``, ``bias_add``...), ``*`` / ``*=`` or a call of a
multiplication (``tf.multiply``, ``tf.mul``...), the names of both taken from
the operations table (``knowledge/apis.py``), so a spelling added there
reaches the gate. So a file is kept when

* **an addition has two product terms**, each a product written there or
  reaching it through what the interpreter follows: a name or attribute
  bound to a product anywhere in the file (flow-insensitively: any binding
  counts, ``self.fc`` like ``fc``), a call of a same-file function or lambda
  that returns or yields one, a call that passes one through (any call but a
  known operation that makes something else: an activation, a matmul, a
  concatenation...), a parameter of a same-file function some call passes
  one to, an element of a container or loop that holds one; or
* **it imports a module of its own project** (a relative import, or a
  top-level module that is neither the standard library nor TensorFlow,
  Keras or NumPy) and uses a name that import binds, while it also creates
  a weight, multiplies, calls an activation or opens a ``variable_scope``
  with an ``initializer=`` (a caller's scope, issue 13 item 6): the cell's arithmetic or its
  helpers may live in that module, which the project-wide analysis follows.

Everything else is passed over: a file whose cell would live only in a
module that imports it (the weights in ``parameters.py``, the step in a
``forward.py`` that ``parameters.py`` never imports), and a file that only
glues other modules' functions together without creating, multiplying or
activating anything itself.

It errs one way only: every test here answers "may hold one" when unsure.
Names are matched by their last part (``math_ops.multiply`` is a
multiplication wherever ``math_ops`` comes from) and across scopes.
"""

from __future__ import annotations

import ast
import sys

from ..knowledge.apis import CREATOR_KINDS, CREATOR_METHODS, NOT_PROJECT_MODULES, OPS, last_names

_MULTIPLICATIONS = last_names(frozenset({"mul"}))
_ADDITIONS = last_names(frozenset({"add"}))
_SUMS = last_names(frozenset({"add_n"}))  # one argument: a list of terms
# Known operations that make something other than their argument: a product
# passed to one of them is no longer a product. Any other call (``pass``
# kinds such as ``tf.identity`` and ``dropout``, methods such as
# ``.astype``, unknown and same-file functions) may hand it on.
_MAKE_OTHER_KINDS = frozenset({"matmul", "einsum", "xw_plus_b", "sqrt", "add", "add_n", "sub", "div", "neg", "variable", "get_variable", "dense", "qr", "svd", "array", "rng"})
_BUILTINS_OF_OTHER_VALUES = frozenset({"len", "print", "isinstance", "str", "int", "float", "bool", "range"})
_NOT_PASSING = (
    last_names(_MAKE_OTHER_KINDS | {"act"}) - last_names(frozenset(OPS.values()) - _MAKE_OTHER_KINDS - {"act"})  # ``identity``: NumPy's makes an array, TensorFlow's passes
) | _BUILTINS_OF_OTHER_VALUES
# Calls whose value is no gate: the table's operations that make something
# of their own, and multiplications (a product is no gate). Those that hand
# on a piece of their argument (``split``, ``identity``, ``dropout``...) are
# looked into; any other call may be a gate.
_NOT_GATES = (last_names(_MAKE_OTHER_KINDS) - last_names(frozenset(OPS.values()) - _MAKE_OTHER_KINDS)) | _MULTIPLICATIONS | _BUILTINS_OF_OTHER_VALUES
_HANDING_ON = last_names(frozenset(OPS.values()) - _MAKE_OTHER_KINDS - {"mul", "act"}) - last_names(frozenset({"act"}))
_ACTIVATIONS = last_names(frozenset({"act"})) | frozenset({"exp"})  # exp: a sigmoid written out
_CREATORS = last_names(CREATOR_KINDS | frozenset({"array", "rng"})) | frozenset(CREATOR_METHODS)
_PRODUCTS = last_names(frozenset({"matmul", "einsum", "xw_plus_b"}))
_NOT_PROJECT_MODULES = frozenset(sys.stdlib_module_names) | NOT_PROJECT_MODULES | {"__future__"}


def may_hold_cell(tree: ast.Module) -> bool:
    """False only when no cell the analysis would report can be in the file
    whose tree this is (see the module's docstring)."""
    facts = _Facts(tree)
    if facts.does_cell_work and facts.project_names_used:
        return True
    return facts.has_two_product_sum()


_LAYERS = last_names(frozenset({"dense"}))
_ACTIVATION_KEYWORDS = frozenset({"activation", "activation_fn"})
_GATE_ACTIVATIONS = frozenset({"sigmoid", "hard_sigmoid", "tanh"})


def _gated_layer(node: ast.Call) -> bool:
    """A framework layer applied with a gate activation
    (``fully_connected(xh, n, activation_fn=tf.sigmoid)``,
    ``tf.layers.dense(x, n, activation="sigmoid")``): the product and the
    gate are one call. It is a gate like any other, so the file is kept only
    when such a gate meets a sum of two products (a classifier's
    ``Dense(1, activation="sigmoid")`` alone holds no cell)."""
    if _last_name(node.func) not in _LAYERS:
        return False
    for keyword in node.keywords:
        if keyword.arg in _ACTIVATION_KEYWORDS:
            value = keyword.value
            named = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else value.value if isinstance(value, ast.Constant) else None
            if named in _ACTIVATIONS or named in _GATE_ACTIVATIONS:
                return True
    return False


def project_imports(tree: ast.Module) -> bool:
    """Whether the file imports a module of its own project (see the module's
    docstring), used or not."""
    return bool(_Facts(tree).project_names)


def _last_name(function: ast.expr) -> str | None:
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


Chain = tuple  # the scopes a node sits in, outermost first: ids of the module and enclosing functions


def _keys(target: ast.expr, scope: int) -> list[str]:
    """The identifiers a binding target binds, as keys: a name in its scope,
    an attribute by its name alone (``self.fc`` in any method), a
    subscripted container's, each element of a tuple or list."""
    if isinstance(target, ast.Name):
        return [f"{scope}:{target.id}"]
    if isinstance(target, ast.Attribute):
        return [f".{target.attr}"]
    if isinstance(target, (ast.Subscript, ast.Starred)):
        return _keys(target.value, scope)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [key for element in target.elts for key in _keys(element, scope)]
    return []


def _shared(keys: list[str], chain: Chain, shared: set[str]) -> list[str]:
    out = list(keys)
    for key in keys:
        scope, _, name = key.partition(":")
        if name in shared:
            out += [f"{outer}:{name}" for outer in chain]
    return out


def _parameters(arguments: ast.arguments, scope: int) -> list[str]:
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return [f"{scope}:{name}" for name in names]


# The node types ``_Facts._walk`` reads; it only descends into the others.
_READ = frozenset(
    {
        ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Return, ast.Yield, ast.YieldFrom, ast.Assign, ast.AnnAssign, ast.NamedExpr,
        ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension, ast.withitem, ast.BinOp, ast.Call, ast.Name, ast.Import, ast.ImportFrom,
        ast.Global, ast.Nonlocal,
    }
)  # fmt: skip
# Fields whose nodes have no children and are read through their parent
# (``ctx``: Load/Store, operators), or that hold no node.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "id", "attr", "arg", "name", "module", "level", "kind", "conversion", "lineno"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


class _Facts:
    """One walk over the tree: the bindings, functions, calls and additions
    the fixpoint below reads (each with the scopes it sits in), and the
    file's imports."""

    def __init__(self, tree: ast.Module) -> None:
        self.bindings: list[tuple[Chain, list[str], ast.expr]] = []
        self.returns: dict[str, list[tuple[Chain, ast.expr]]] = {}  # by function name: what it returns or yields
        self.parameters: dict[str, list[str]] = {}  # by function name: its parameters' keys
        self.calls: list[tuple[Chain, ast.Call]] = []
        self.additions: list[tuple[Chain, list[ast.expr]]] = []  # the terms of each addition
        self.sums: list[tuple[Chain, ast.expr]] = []  # add_n's argument, when not written out
        self.scalings: list[tuple[Chain, list[str], ast.expr, ast.expr]] = []  # ``c *= f``
        self.project_names: set[str] = set()
        self.used_names: set[str] = set()
        self.shared_names: set[str] = set()  # declared ``global`` or ``nonlocal`` somewhere
        self.does_cell_work = False
        self._walk(tree)
        if self.shared_names:
            # A binding of such a name may be read in any scope: key it in
            # every scope its function sits in, the module's included.
            self.bindings = [(chain, _shared(keys, chain, self.shared_names), value) for chain, keys, value in self.bindings]

    def _walk(self, tree: ast.Module) -> None:
        stack: list[tuple[ast.AST, Chain, str | None]] = [(tree, (0,), None)]
        push = stack.append
        while stack:
            node, chain, function = stack.pop()
            inner, inner_chain = function, chain
            kind = type(node)
            if kind not in _READ:  # most nodes (constants, attributes, subscripts...): only their children matter
                pass
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner, inner_chain = node.name, (*chain, id(node))
                self.returns.setdefault(inner, [])
                self.parameters.setdefault(inner, []).extend(_parameters(node.args, id(node)))
            elif isinstance(node, ast.Lambda):
                inner, inner_chain = None, (*chain, id(node))  # its body: a return of the name it is bound to (``_bind``)
            elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None and function is not None:
                self.returns[function].append((chain, node.value))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(chain, target, node.value)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                self._bind(chain, node.target, node.value)
            elif isinstance(node, ast.AugAssign):
                self._bind(chain, node.target, node.value)
                if isinstance(node.op, ast.Mult):
                    self.scalings.append((chain, _keys(node.target, chain[-1]), node.target, node.value))
                    self.does_cell_work = True
                elif isinstance(node.op, ast.Add):
                    self.additions.append((chain, [node.target, node.value]))
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                self._bind(chain, node.target, node.iter)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind(chain, node.optional_vars, node.context_expr)
            elif isinstance(node, ast.BinOp):
                if isinstance(node.op, ast.Add):
                    self.additions.append((chain, _terms(node)))
                elif isinstance(node.op, (ast.Mult, ast.MatMult)):
                    self.does_cell_work = True
            elif isinstance(node, ast.Call):
                self._call(chain, node)
            elif isinstance(node, ast.Name):
                self.used_names.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self._import(node)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                self.shared_names.update(node.names)
            # ``ast.iter_child_nodes`` inlined, over the fields that can
            # hold an expression or a statement (not ``ctx`` or an operator):
            # the walk is most of the gate's time.
            fields = _CHILD_FIELDS.get(kind)
            if fields is None:
                fields = _CHILD_FIELDS[kind] = tuple(field for field in kind._fields if field not in _LEAF_FIELDS)
            for field in fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            push((item, inner_chain, inner))
                elif isinstance(value, ast.AST):
                    push((value, inner_chain, inner))

    def _bind(self, chain: Chain, target: ast.expr, value: ast.expr) -> None:
        if isinstance(value, ast.Lambda) and isinstance(target, ast.Name):
            self.returns.setdefault(target.id, []).append(((*chain, id(value)), value.body))
            self.parameters.setdefault(target.id, []).extend(_parameters(value.args, id(value)))
        keys = _keys(target, chain[-1])
        if keys:
            self.bindings.append((chain, keys, value))

    def _call(self, chain: Chain, node: ast.Call) -> None:
        self.calls.append((chain, node))
        name = _last_name(node.func)
        if name == "setattr" and len(node.args) == 3 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            self.bindings.append((chain, [f".{node.args[1].value}"], node.args[2]))  # the interpreter follows it too
        if name in _ADDITIONS:
            self.additions.append((chain, [term for argument in node.args[:2] for term in _terms(argument)]))
        elif name in _SUMS and node.args:
            items = node.args[0]
            if isinstance(items, (ast.List, ast.Tuple)):
                self.additions.append((chain, [term for item in items.elts for term in _terms(item)]))
            else:
                self.sums.append((chain, items))
        if name in _MULTIPLICATIONS or name in _ACTIVATIONS or name in _CREATORS or name in _PRODUCTS:
            self.does_cell_work = True
        elif name == "variable_scope" and any(keyword.arg == "initializer" for keyword in node.keywords):
            self.does_cell_work = True  # its initializer reaches the cells an imported helper runs inside it

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").split(".")[0] in _NOT_PROJECT_MODULES:
                return
            for alias in node.names:
                # ``from ops import *`` binds names the file cannot show: any
                # name it uses may be one.
                self.project_names.add("*" if alias.name == "*" else alias.asname or alias.name)
            return
        for alias in node.names:
            if alias.name.split(".")[0] not in _NOT_PROJECT_MODULES:
                self.project_names.add(alias.asname or alias.name.split(".")[0])

    def has_two_product_sum(self) -> bool:
        products = _Products(self)
        return any(sum(1 for term in terms if products.holds(term, chain)) >= 2 for chain, terms in self.additions) or any(
            products.holds(items, chain) for chain, items in self.sums
        )

    @property
    def project_names_used(self) -> bool:
        return "*" in self.project_names or bool(self.project_names & self.used_names)


def _terms(node: ast.expr) -> list[ast.expr]:
    """The terms of a sum written out (``a + b + c``), as the interpreter
    flattens them."""
    terms, stack = [], [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            stack += [node.right, node.left]
        else:
            terms.append(node)
    return terms


class _Products:
    """Which names, attributes and functions of a file may hold a gate or a
    cell's product: the least sets closed under the bindings, returns and
    calls of ``facts``.

    A gate (``cells.gate_of``) is an activation, any call the operations
    table does not know (an unknown one-argument call counts as one), a
    framework layer applied with a gate activation (``_gated_layer``), a
    piece of one (``tf.split(tf.sigmoid(z), 4)[1]``), ``1 - g`` or a sigmoid
    written out (``1 / (1 + exp(-x))``). A cell's product (``cells.product``
    in a cell) multiplies a gate by something, so a product of two values
    neither of which may be a gate (``x * 2``) is no cell's."""

    def __init__(self, facts: _Facts) -> None:
        self.names: set[str] = set()  # keys (``_keys``) that may hold a product
        self.gate_names: set[str] = set()
        self.functions: set[str] = set()  # same-file functions that may return a product
        self.gate_functions: set[str] = set()
        changed = True
        while changed:
            changed = False
            for chain, keys, value in facts.bindings:
                if not self.names.issuperset(keys) and self.holds(value, chain):
                    self.names.update(keys)
                    changed = True
                if not self.gate_names.issuperset(keys) and self.gate(value, chain):
                    self.gate_names.update(keys)
                    changed = True
            for chain, keys, target, value in facts.scalings:  # ``c *= f``
                if not self.names.issuperset(keys) and (self.gate(target, chain) or self.gate(value, chain)):
                    self.names.update(keys)
                    changed = True
            for name, values in facts.returns.items():
                if name not in self.functions and any(self.holds(value, chain) for chain, value in values):
                    self.functions.add(name)
                    changed = True
                if name not in self.gate_functions and any(self.gate(value, chain) for chain, value in values):
                    self.gate_functions.add(name)
                    changed = True
            for chain, call in facts.calls:
                parameters = facts.parameters.get(_last_name(call.func) or "")
                if not parameters:
                    continue
                arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
                if not self.names.issuperset(parameters) and any(self.holds(argument, chain) for argument in arguments):
                    self.names.update(parameters)
                    changed = True
                if not self.gate_names.issuperset(parameters) and any(self.gate(argument, chain) for argument in arguments):
                    self.gate_names.update(parameters)
                    changed = True

    def holds(self, node: ast.expr, chain: Chain) -> bool:
        """Whether ``node``'s value may be a cell's product (``Op("mul")`` of
        a gate in the interpreter, after the pass-through operations
        ``cells.strip`` skips)."""
        stack = [node]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BinOp):
                if isinstance(node.op, ast.Mult) and (self.gate(node.left, chain) or self.gate(node.right, chain)):
                    return True
            elif isinstance(node, ast.Name):
                if node.id in self.functions or any(f"{scope}:{node.id}" in self.names for scope in chain):
                    return True  # a function passed around too (``partial(mul, f)``, ``m = mul``)
            elif isinstance(node, ast.Attribute):
                if f".{node.attr}" in self.names or node.attr in self.functions:
                    return True
                stack.append(node.value)
            elif isinstance(node, ast.Call):
                if self._call_holds(node, chain, stack):
                    return True
            else:
                _look_inside(node, stack)
        return False

    def _call_holds(self, node: ast.Call, chain: Chain, stack: list[ast.expr]) -> bool:
        """A call that makes a product (a multiplication of a gate, a
        same-file function returning one), or whose arguments the caller
        should look into."""
        name = _last_name(node.func)
        if name in _MULTIPLICATIONS:
            return any(self.gate(argument, chain) for argument in node.args)
        if name in self.functions:
            return True
        if name == "getattr" and any(isinstance(a, ast.Constant) and a.value in self.functions for a in node.args):
            return True
        if isinstance(node.func, (ast.Call, ast.Subscript)):
            stack.append(node.func)  # ``partial(mul, f)(c)``, ``ops[0](f, c)``
        elif isinstance(node.func, ast.Name) and any(f"{scope}:{node.func.id}" in self.names for scope in chain):
            return True
        if name in _NOT_PASSING:
            return False
        if isinstance(node.func, ast.Attribute):
            stack.append(node.func.value)  # ``(f * c).astype(...)``
        stack.extend(node.args)
        stack.extend(keyword.value for keyword in node.keywords)
        return False

    def gate(self, node: ast.expr, chain: Chain) -> bool:
        """Whether ``node``'s value may be a gate (``cells.gate_of``)."""
        stack = [node]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call):
                name = _last_name(node.func)
                if name in self.gate_functions or _gated_layer(node):
                    return True
                if name in _NOT_GATES:
                    continue  # a matmul, a sum, a variable, a product...
                if name not in _HANDING_ON:
                    return True  # an activation, or a call the table does not know
                stack.extend(node.args)  # ``tf.split(tf.sigmoid(z), 4)``, ``tf.identity(g)``
                stack.extend(keyword.value for keyword in node.keywords)
                if isinstance(node.func, ast.Attribute):
                    stack.append(node.func.value)
            elif isinstance(node, ast.BinOp):
                if isinstance(node.op, (ast.Add, ast.Sub, ast.Div)):  # ``1 - z``, ``1 / (1 + exp(-x))``
                    stack += [node.left, node.right]
            elif isinstance(node, ast.Name):
                if any(f"{scope}:{node.id}" in self.gate_names for scope in chain):
                    return True
            elif isinstance(node, ast.Attribute):
                if f".{node.attr}" in self.gate_names:
                    return True
                stack.append(node.value)
            else:
                _look_inside(node, stack)
        return False


def _look_inside(node: ast.expr, stack: list[ast.expr]) -> None:
    """The parts of ``node`` whose value may become its own: a container's
    elements, a subscript's container, either arm of a choice."""
    if isinstance(node, (ast.Subscript, ast.Starred, ast.NamedExpr, ast.Await)):
        stack.append(node.value)
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        stack.extend(node.elts)
    elif isinstance(node, ast.Dict):
        stack.extend(value for value in node.values if value is not None)
    elif isinstance(node, ast.IfExp):
        stack += [node.body, node.orelse]
    elif isinstance(node, ast.BoolOp):
        stack.extend(node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        stack.append(node.operand)
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        stack.append(node.elt)
    elif isinstance(node, ast.DictComp):
        stack.append(node.value)
