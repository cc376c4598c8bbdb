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

* **an addition has two product terms**, one of them a product of two
  gates (``find_cells`` needs one: an LSTM's ``i * g``, a GRU's
  ``(1 - z) * h_tilde``), each a product written there or reaching it
  through what the interpreter follows: a name or attribute bound to a
  product anywhere in the file (flow-insensitively: any binding counts,
  ``self.fc`` like ``fc``), a call of a same-file function or lambda that
  returns or yields one, a call that passes one through (any call but a
  known operation that makes something else: an activation, a matmul, a
  concatenation...), a parameter of a same-file function some call passes
  one to, an element of a container or loop that holds one (``append``
  included); and a gate is an activation (or a call the table does not
  know) of something computed from a weight *and* from a kernel's product
  (``sigmoid(x @ W + b)``): the analysis reports a gate's weights, so a
  numerical routine's ``np.exp(-a) * x + (1 - np.exp(-a)) * y`` is no cell
  (``_Products``); or
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
from collections.abc import Callable, Iterable

from ..knowledge.apis import CREATOR_KINDS, CREATOR_METHODS, NOT_PROJECT_MODULES, OPS, last_names

_MULTIPLICATIONS = last_names(frozenset({"mul"}))
_ADDITIONS = last_names(frozenset({"add"}))
_SUMS = last_names(frozenset({"add_n"}))  # one argument: a list of terms
# Known operations that make something other than their argument: a product
# passed to one of them is no longer a product. Any other call (``pass``
# kinds such as ``tf.identity`` and ``dropout``, methods such as
# ``.astype``, unknown and same-file functions) may hand it on.
_MAKE_OTHER_KINDS = frozenset({"matmul", "einsum", "xw_plus_b", "sqrt", "add", "add_n", "sub", "div", "neg", "variable", "get_variable", "dense", "qr", "svd", "array", "rng"})
_FILLING_METHODS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft"})
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
# Calls that make a weight the analysis may report: a variable, a NumPy
# array (a from-scratch cell's weights), a framework layer's own kernel
# (``Dense``, ``_linear``).
_WEIGHT_MAKERS = _CREATORS
# Calls that multiply by a kernel: a matmul, an einsum, a framework layer.
_KERNEL_PRODUCTS = _PRODUCTS | last_names(frozenset({"dense"}))
# Every name the operations table knows: a binding to a call of a class
# it does not know (``self.proj = Projection(n)``) may be a layer whose call
# multiplies by a kernel of its own.
_KNOWN_CALLS = last_names(frozenset(OPS.values())) | _BUILTINS_OF_OTHER_VALUES
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


def _child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that may hold a child worth a visit, kept in ``_CHILD_FIELDS``."""
    fields = _CHILD_FIELDS[kind] = tuple(field for field in kind._fields if field not in _LEAF_FIELDS)
    return fields


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
        # Names bound by unpacking a name into three or more, or by indexing it
        # with a string (``W_xz, W_hz, b_z = params``, ``W = params["W_xz"]``;
        # ``carries`` takes ``p["W_xi"]`` itself too): weights when ``analysis/linking.py`` joins
        # the function to a producer of the file that no call joins it to.
        self.unpackings: list[list[str]] = []
        self.summed: list[tuple[Chain, list[str], list[ast.expr]]] = []  # a sum bound to names: its terms
        self.factors: list[tuple[Chain, ast.expr, ast.expr]] = []  # the two sides of each ``*``
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
                    self.summed.append((chain, _keys(node.target, chain[-1]), [node.target, node.value]))
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                self._bind(chain, node.target, node.iter)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind(chain, node.optional_vars, node.context_expr)
            elif isinstance(node, ast.BinOp):
                if isinstance(node.op, ast.Add):
                    self.additions.append((chain, _terms(node)))
                elif isinstance(node.op, (ast.Mult, ast.MatMult)):
                    self.does_cell_work = True
                    if isinstance(node.op, ast.Mult):
                        self.factors.append((chain, node.left, node.right))
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
            for field in _child_fields(kind) if fields is None else fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            push((item, inner_chain, inner))
                elif isinstance(value, ast.AST):
                    push((value, inner_chain, inner))

    def _bind(self, chain: Chain, target: ast.expr, value: ast.expr) -> None:
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            self.summed.append((chain, _keys(target, chain[-1]), _terms(value)))
        if (isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) >= 3 and isinstance(value, ast.Name)) or (
            isinstance(value, ast.Subscript) and isinstance(value.value, (ast.Name, ast.Attribute)) and isinstance(value.slice, ast.Constant) and isinstance(value.slice.value, str)
        ):
            self.unpackings.append(_keys(target, chain[-1]))
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
        elif name in _FILLING_METHODS and isinstance(node.func, ast.Attribute) and node.args:
            # ``self.lstm_W.append(W)``: the container holds what is put in it
            keys = _keys(node.func.value, chain[-1])
            if keys:
                self.bindings.extend((chain, keys, argument) for argument in node.args)
        if name in _ADDITIONS:
            self.additions.append((chain, [term for argument in node.args[:2] for term in _terms(argument)]))
        elif name in _SUMS and node.args:
            items = node.args[0]
            if isinstance(items, (ast.List, ast.Tuple)):
                self.additions.append((chain, [term for item in items.elts for term in _terms(item)]))
            else:
                self.sums.append((chain, items))
        if name in _MULTIPLICATIONS and len(node.args) >= 2:
            self.factors.append((chain, node.args[0], node.args[1]))
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
        """Whether an addition has two product terms, one of which may
        multiply two gates: the shape ``cells.find_cells`` looks for
        (``f * c_prev + i * g``, ``z * h_prev + (1 - z) * h_tilde``)."""
        # The shape with any activation or unknown call taken for a gate, as
        # ``cells.gate_of`` takes it; then some gate of that sum must be of
        # weights (``_Products``), or the analysis has no weight to report:
        # its forget, input or candidate gate, or failing those its output
        # gate (``h = o * tanh(c)`` of a new cell state ``c``).
        loose = _Products(self, strict=False)
        shaped = [(chain, terms) for chain, terms in self.additions if self._shaped(loose, chain, terms)]
        shaped += [(chain, [items]) for chain, items in self.sums if loose.holds(items, chain) and loose.holds(items, chain, both=True)]
        if not shaped:
            return False
        weighed = _Products(self, strict=True)
        if any(weighed.holds(term, chain) for chain, terms in shaped for term in terms):
            return True
        cell_states = {key for chain, keys, terms in self.summed if self._shaped(loose, chain, terms) for key in keys}
        return any(
            (weighed.gate(a, chain) and _mentions(b, chain, cell_states)) or (weighed.gate(b, chain) and _mentions(a, chain, cell_states))
            for chain, a, b in self.factors
        )

    @staticmethod
    def _shaped(products: _Products, chain: Chain, terms: list[ast.expr]) -> bool:
        """Two product terms, one of which may multiply two gates."""
        gated = [term for term in terms if products.holds(term, chain)]
        return len(gated) >= 2 and any(products.holds(term, chain, both=True) for term in gated)

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


# What a test of ``_Products._close`` needs an expression to mention before
# it can pass: a sign of a weight, of a kernel's product, of a gate's
# product; a gate test has no such sign.
_CARRYING, _MULTIPLYING, _HOLDING, _GATING = range(4)


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
    neither of which may be a gate (``x * 2``) is no cell's.

    The analysis reports the weights of a gate's pre-activation, so an
    activation or unknown call counts as a gate only when its argument may
    carry a weight (``carries``): a product with one (a matmul, a framework
    layer, an embedding lookup) or a variable itself (``w * c``, ``x + b``).
    ``sigmoid(x)`` of a test's array, ``np.exp(-d) * a + np.exp(-e) * b`` of
    a numerical routine, hold none."""

    def __init__(self, facts: _Facts, strict: bool = True) -> None:
        self.strict = strict  # False: any activation or unknown call is a gate, weights or not
        self.names: set[str] = set()  # keys (``_keys``) that may hold a product
        self.gate_names: set[str] = set()
        self.functions: set[str] = set()  # same-file functions that may return a product
        self.gate_functions: set[str] = set()
        self.names2: set[str] = set()  # keys that may hold a product of two gates
        self.functions2: set[str] = set()
        self.weight_names: set[str] = set()  # keys that may hold a weight, or something computed from one
        self.weight_functions: set[str] = set()
        self.product_names: set[str] = set()  # keys that may hold a kernel's product, or something computed from one
        self.product_functions: set[str] = set()
        # Keys bound to a call the table does not know: an object whose call
        # may multiply by its kernel (``self.proj = Projection(n)``).
        self.layer_names = {key for _, keys, value in facts.bindings if _may_make_layer(value) for key in keys}
        self.own_functions = frozenset(facts.returns)  # the file's own functions and methods, by name
        self.linkable = any(_last_name(call.func) in _WEIGHT_MAKERS for _, call in facts.calls)
        if self.linkable:
            self.weight_names.update(key for keys in facts.unpackings for key in keys)
        self._carrying: set[int] = set()  # ids of expressions known to carry (a node's answer only grows)
        self._multiplying: set[int] = set()
        self._close(facts)

    def _close(self, facts: _Facts) -> None:
        """Grow the sets to their least fixpoint: every binding, return and
        call is read once, and again only when a name it mentions joined a
        set (a worklist: each answer only grows, and depends on nothing but
        the sets' members among the names the expression mentions)."""
        both = lambda node, chain: self.holds(node, chain, both=True)  # noqa: E731

        carries, multiplies, holds, gate = self.carries, self.multiplies, self.holds, self.gate

        def weighing(keys: list[str]) -> list:
            return [(self.weight_names, carries, keys, _CARRYING), (self.product_names, multiplies, keys, _MULTIPLYING)] if self.strict else []

        def weighing_function(name: str) -> list:
            return [(self.weight_functions, carries, [name], _CARRYING), (self.product_functions, multiplies, [name], _MULTIPLYING)] if self.strict else []

        # Each item: what it reads, and the sets it may grow, with the test for
        # each and which signs (below) the test needs.
        items: list[tuple[list[tuple[ast.expr, Chain]], list[tuple[set[str], Callable, list[str], int]]]] = []
        for chain, keys, value in facts.bindings:
            items.append(([(value, chain)], [*weighing(keys), (self.names, holds, keys, _HOLDING), (self.names2, both, keys, _HOLDING), (self.gate_names, gate, keys, _GATING)]))
        for name, values in facts.returns.items():
            for chain, value in values:
                items.append(
                    ([(value, chain)], [*weighing_function(name), (self.functions, holds, [name], _HOLDING), (self.functions2, both, [name], _HOLDING), (self.gate_functions, gate, [name], _GATING)])
                )
        for chain, call in facts.calls:
            parameters = facts.parameters.get(_last_name(call.func) or "")
            read = [(argument, chain) for argument in _arguments(call)]
            if not parameters and _last_name(call.func) == "partial" and call.args:
                # ``partial(step, w_i=W)``: the bound arguments are the step's (Sonnet's UnrolledLSTM)
                parameters = facts.parameters.get(_last_name(call.args[0]) or "")
                read = read[1:]
            if parameters:
                items.append((read, [*weighing(parameters), (self.names, holds, parameters, _HOLDING), (self.names2, both, parameters, _HOLDING), (self.gate_names, gate, parameters, _GATING)]))
        readers: dict[str, list[int]] = {}
        mentions: list[set[str]] = []
        for index, (read, _) in enumerate(items):
            mentioned = _mentioned(read)
            mentions.append(mentioned)
            for key in mentioned:
                readers.setdefault(key, []).append(index)
        # Speed: an expression may hold a weight only if it mentions a maker
        # of one or a member of these sets (read live).
        carrying_signs = (_WEIGHT_MAKERS, self.layer_names, self.weight_names, self.weight_functions)
        product_signs = (_KERNEL_PRODUCTS | {"@"}, self.layer_names, self.product_names, self.product_functions)
        # and a product of a gate, only if it multiplies or mentions one
        product_of_gate_signs = (_MULTIPLICATIONS | {"*"}, self.names, self.functions, self.names2, self.functions2)
        signs_for = {_CARRYING: carrying_signs, _MULTIPLYING: product_signs, _HOLDING: product_of_gate_signs}
        scalings: list[tuple[Chain, list[str], ast.expr, ast.expr]] = list(facts.scalings)
        queued = set(range(len(items)))
        queue = list(reversed(range(len(items))))
        while True:
            while queue:
                index = queue.pop()
                queued.discard(index)
                read, grows = items[index]
                mentioned = mentions[index]
                for names, test, keys, needs in grows:
                    if names.issuperset(keys):
                        continue
                    if needs is not _GATING and all(mentioned.isdisjoint(signs) for signs in signs_for[needs]):
                        continue
                    if any(test(node, chain) for node, chain in read):
                        names.update(keys)
                        for key in keys:
                            for reader in readers.get(key, ()):
                                if reader not in queued:
                                    queued.add(reader)
                                    queue.append(reader)
            # ``c *= f``: rare, read again until nothing changes
            grown = False
            for chain, keys, target, value in scalings:
                for names, needs_both in ((self.names, False), (self.names2, True)):
                    if names.issuperset(keys):
                        continue
                    gated = (self.gate(target, chain) and self.gate(value, chain)) if needs_both else (self.gate(target, chain) or self.gate(value, chain))
                    if gated:
                        names.update(keys)
                        grown = True
                        for key in keys:
                            for reader in readers.get(key, ()):
                                if reader not in queued:
                                    queued.add(reader)
                                    queue.append(reader)
            if not grown:
                return

    def holds(self, node: ast.expr, chain: Chain, both: bool = False) -> bool:
        """Whether ``node``'s value may be a cell's product (``Op("mul")`` of
        a gate in the interpreter, after the pass-through operations
        ``cells.strip`` skips); with ``both``, a product of two gates (an
        LSTM's ``i * g``, a GRU's ``(1 - z) * h_tilde``)."""
        names, functions = (self.names2, self.functions2) if both else (self.names, self.functions)
        stack = [node]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BinOp):
                if isinstance(node.op, ast.Mult) and self._gated(node.left, node.right, chain, both):
                    return True
            elif isinstance(node, ast.Name):
                if node.id in functions or any(f"{scope}:{node.id}" in names for scope in chain):
                    return True  # a function passed around too (``partial(mul, f)``, ``m = mul``)
            elif isinstance(node, ast.Attribute):
                if f".{node.attr}" in names or node.attr in functions:
                    return True
                stack.append(node.value)
            elif isinstance(node, ast.Call):
                if self._call_holds(node, chain, stack, both):
                    return True
            else:
                _look_inside(node, stack)
        return False

    def _gated(self, left: ast.expr, right: ast.expr, chain: Chain, both: bool) -> bool:
        """Whether a product of these factors may be a cell's: one of them a
        gate, or with ``both``, each."""
        if both:
            return self.gate(left, chain) and self.gate(right, chain)
        return self.gate(left, chain) or self.gate(right, chain)

    def _call_holds(self, node: ast.Call, chain: Chain, stack: list[ast.expr], both: bool) -> bool:
        """A call that makes a product (a multiplication of a gate, a
        same-file function returning one), or whose arguments the caller
        should look into."""
        names, functions = (self.names2, self.functions2) if both else (self.names, self.functions)
        name = _last_name(node.func)
        if name in _MULTIPLICATIONS:
            return len(node.args) >= 2 and self._gated(node.args[0], node.args[1], chain, both)
        if name in functions:
            return True
        if name == "getattr" and any(isinstance(a, ast.Constant) and a.value in functions for a in node.args):
            return True
        if isinstance(node.func, (ast.Call, ast.Subscript)):
            stack.append(node.func)  # ``partial(mul, f)(c)``, ``ops[0](f, c)``
        elif isinstance(node.func, ast.Name) and any(f"{scope}:{node.func.id}" in names for scope in chain):
            return True
        if name in _NOT_PASSING:
            return False
        if isinstance(node.func, ast.Attribute):
            stack.append(node.func.value)  # ``(f * c).astype(...)``
        stack.extend(node.args)
        stack.extend(keyword.value for keyword in node.keywords)
        return False

    def gate(self, node: ast.expr, chain: Chain) -> bool:
        """Whether ``node``'s value may be a gate (``cells.gate_of``) of a
        weight (see the class's docstring)."""
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
                    # an activation, or a call the table does not know: a
                    # gate of what it is given, or a layer's own
                    if not self.strict or self._named(node.func, self.layer_names, chain) or any(
                        self.carries(argument, chain) and self.multiplies(argument, chain) for argument in _arguments(node)
                    ):
                        return True
                    continue
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

    def carries(self, node: ast.expr, chain: Chain) -> bool:
        """Whether ``node``'s value may hold a weight, or be computed from
        one (``x @ W``, ``np.dot(W, x)``, ``split(xh @ W)[1]``), anywhere in
        the expression: a maker's call, a name or same-file function that
        holds one, a layer object's call."""
        return self._reaches(node, chain, _WEIGHT_MAKERS, self.weight_names, self.weight_functions, self._carrying, products=False)

    def multiplies(self, node: ast.expr, chain: Chain) -> bool:
        """Whether ``node``'s value may be computed from a kernel's product
        (a matmul, an einsum, ``@``, a framework layer's or a layer
        object's call), anywhere in the expression. A gate's pre-activation
        holds one beside the weight ``carries`` sees: a numerical routine's
        ``np.exp(-a)`` of an array holds none."""
        return self._reaches(node, chain, _KERNEL_PRODUCTS, self.product_names, self.product_functions, self._multiplying, products=True)

    def _reaches(
        self, node: ast.expr, chain: Chain, makers: frozenset[str], names: set[str], functions: set[str], known: set[int], *, products: bool
    ) -> bool:
        """Whether anywhere in ``node`` is a call of one of ``makers`` (not
        the file's own function of that name), a layer object's call, or a
        name or same-file function of ``names`` / ``functions``. With
        ``products`` (a kernel's product), ``@`` counts too; without (a
        weight), ``p["W_xi"]`` in a file that makes weights (a producer's,
        which linking may join). ``known`` holds the ids of expressions
        already found (an answer only grows)."""
        if id(node) in known:
            return True
        stack = [node]
        while stack:
            part = stack.pop()
            if isinstance(part, ast.Call):
                name = _last_name(part.func)
                if (name in makers and not self._own(part)) or name in functions or self._named(part.func, self.layer_names, chain):
                    break
                stack.extend(_arguments(part))
                if isinstance(part.func, (ast.Attribute, ast.Call, ast.Subscript)):
                    stack.append(part.func.value if isinstance(part.func, ast.Attribute) else part.func)
            elif products and isinstance(part, ast.BinOp) and isinstance(part.op, ast.MatMult):
                break
            elif isinstance(part, (ast.Name, ast.Attribute)):
                if self._named(part, names, chain):
                    break
                if isinstance(part, ast.Name) and part.id in functions:
                    break
                if isinstance(part, ast.Attribute):
                    stack.append(part.value)
            elif isinstance(part, ast.Lambda):
                continue
            elif not products and self.linkable and isinstance(part, ast.Subscript) and isinstance(part.slice, ast.Constant) and isinstance(part.slice.value, str):
                break  # ``p["W_xi"]``: a weight of a producer ``linking.py`` may join
            else:
                stack.extend(child for child in _child_nodes(part) if isinstance(child, ast.expr))
        else:
            return False
        known.add(id(node))
        return True

    def _own(self, call: ast.Call) -> bool:
        """A call of the file's own function or method of that name
        (``zeros(shape)`` where the file defines ``zeros``, ``self.dense(x)``):
        what it makes is what that function returns, as the interpreter
        reads it, not the operations table's."""
        function = call.func
        if isinstance(function, ast.Name):
            return function.id in self.own_functions
        return isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) and function.value.id in ("self", "cls") and function.attr in self.own_functions

    @staticmethod
    def _named(node: ast.expr, keys: set[str], chain: Chain) -> bool:
        """Whether a name or attribute is one of ``keys`` (``_keys``)."""
        if isinstance(node, ast.Name):
            return any(f"{scope}:{node.id}" in keys for scope in chain)
        if isinstance(node, ast.Attribute):
            return f".{node.attr}" in keys
        return False


def _mentioned(read: list[tuple[ast.expr, Chain]]) -> set[str]:
    """The set members the tests may look up for these expressions: each
    name's key in every scope it sits in (``_keys``) and as a function's
    name, each attribute's key and name, and the strings ``getattr`` may
    look up."""
    found: set[str] = set()
    for node, chain in read:
        stack = [node]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                found.add(node.id)
                found.update(f"{scope}:{node.id}" for scope in chain)
            elif isinstance(node, ast.Attribute):
                found.add(node.attr)
                found.add(f".{node.attr}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.MatMult, ast.Mult)):
                found.add("@" if isinstance(node.op, ast.MatMult) else "*")
            stack.extend(_child_nodes(node))
    return found


def _child_nodes(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes`` without the fields that hold no child worth a
    visit (``ctx``, operators, strings): what the gate descends into."""
    kind = type(node)
    children: list[ast.AST] = []
    fields = _CHILD_FIELDS.get(kind)
    for field in _child_fields(kind) if fields is None else fields:
        value = getattr(node, field, None)
        if type(value) is list:
            children.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            children.append(value)
    return children


def _mentions(node: ast.expr, chain: Chain, keys: set[str]) -> bool:
    """Whether a name or attribute of ``node`` is one of ``keys`` (``_keys``)."""
    if not keys:
        return False
    return any(
        (isinstance(part, ast.Name) and any(f"{scope}:{part.id}" in keys for scope in chain)) or (isinstance(part, ast.Attribute) and f".{part.attr}" in keys)
        for part in ast.walk(node)
    )


def _arguments(node: ast.Call) -> list[ast.expr]:
    return [*node.args, *(keyword.value for keyword in node.keywords)]


def _may_make_layer(value: ast.expr) -> bool:
    """A call of a framework layer, or of a class (a capitalised name) the
    operations table does not know: what it makes may be called with an
    input and multiply it by a kernel of its own."""
    if not isinstance(value, ast.Call):
        return False
    name = _last_name(value.func)
    return name is None or name in _WEIGHT_MAKERS or (name[:1].isupper() and name not in _KNOWN_CALLS)


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
