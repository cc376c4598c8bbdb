"""From a parsed module to the weights of its recurrent cells, with roles.

    interpreter  evaluate the module abstractly: weights, op graph, loops
    cells        find LSTM / GRU gating patterns in the op graph
    roles        follow each gate back to its weights and their operands
    (here)       merge what several evaluations saw of the same weight and
                 describe it as ``model.CellWeight``
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import libcst as cst

from ..knowledge.reference import GATE_ORDER
from ..model import CellKind, CellWeight, Initializer, Role, Span, WeightSite
from ..source.walk import descendants
from . import sizes
from . import symbolic as S
from .cells import find_cells
from .initializers import to_model
from . import calls
from .interpreter import UNBOUND_ALIASES, Interpreter
from .numbers import render_shape
from .positions import all_positions, positions_of
from .roles import CellUsage, Usage, analyse_cells
from .fixsite import Defaults, call_site_value, contains, fix_site, passed_at_call, value_parameter
from .modules import LoadedModule, ModuleSource
from .values import InitVal, ModuleRef, WeightInstance



@dataclass(frozen=True)
class Analysis:
    weights: tuple[CellWeight, ...]
    incomplete: bool  # the interpreter stopped early on a huge file
    dialect: str  # "tf1" or "tf2": which defaults plain ``tensorflow`` names have
    aliases: tuple[tuple[str, str], ...] = ()  # (module, local name) the file imports
    axis_first: bool = False  # the file calls concat / split in TF 0.x's order (axis first)
    # (path, digest) of each project module the analysis read (the cache's key includes them)
    modules_read: tuple[tuple[str, str], ...] = ()
    # (path, source text, aliases) of each module a weight's fix is written in
    # (``FixSite.path``): the fix is spelled in that module's own names.
    fixed_elsewhere: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()


def analyse(module: cst.Module, modules: ModuleSource | None = None, path: str = "") -> Analysis:
    """``modules``: where the project's own modules are read from when the
    file imports them (None: imports stay opaque names); ``path`` names the
    file for it (its directory, its project)."""
    interpreter = Interpreter(module, modules=modules if getattr(modules, "follows_imports", True) else None, path=path)
    interpreter.run()
    _tf0_class_defaults(interpreter, modules, path)
    analysis = _described(interpreter, module, interpreter.imports.loaded if interpreter.imports is not None else ())
    if analysis.weights or not interpreter.weights or modules is None:
        return analysis
    through = _through_importers(module, modules, path)
    return through if through is not None else analysis


def _tf0_class_defaults(interpreter: Interpreter, modules: ModuleSource | None, path: str) -> None:
    """In TensorFlow 0.x code, an RNNCell's get_variable without an
    initializer takes 0.x's default too once no other module of the project
    opens a ``variable_scope(initializer=...)`` that could reach it (the
    source's ``scope_initializer_elsewhere``: a scan of the project's files;
    None, unknown, keeps TF1's reading as before)."""
    if not (interpreter.axis_first or interpreter.tf0_evidence) or not interpreter.class_weights:
        return
    elsewhere = getattr(modules, "scope_initializer_elsewhere", None)
    if elsewhere is None:
        return
    try:
        opened = elsewhere(path)
    except (OSError, ValueError):
        return
    if opened is False:
        calls.apply_tf0_defaults(interpreter, class_weights=True)


# How many of the project's modules that import a file are analysed with its
# weights in view (``_through_importers``).
MAX_IMPORTERS = 4


def _through_importers(module: cst.Module, modules: ModuleSource, path: str) -> Analysis | None:
    """A file that creates weights which reach no cell on their own may hold
    the parameters of a cell whose step lives in another module that this
    file does not import: EpyNN's ``lstm/parameters.py`` fills ``layer.p``,
    ``lstm/forward.py`` runs the step on it, and only ``lstm/models.py``
    imports both. Each module of the project that imports this file (the
    source's ``importers``: a cheap scan, bounded there) is analysed as it
    runs, with this file's tree in place of its own reading of it, and the
    weights created in this file are reported here, at their creation lines;
    what the importer's other modules create is theirs."""
    find_importers = getattr(modules, "importers", None)
    if find_importers is None:
        return None
    try:
        importers = find_importers(path)[:MAX_IMPORTERS]
    except (OSError, ValueError):
        return None
    for importer in importers:
        follower = getattr(modules, "following", modules)
        focused = _Focused(follower, LoadedModule(path, module, "", package=path.endswith("__init__.py")), getattr(modules, "same_file", None))
        interpreter = Interpreter(importer.module, modules=focused, path=importer.path)
        interpreter.run()
        loaded = interpreter.imports.loaded if interpreter.imports is not None else []
        if not any(m.module is module for m in loaded):
            continue
        others = tuple(m for m in loaded if m.module is not module) + (importer,)
        analysis = _described(interpreter, module, others, via=importer.path)
        if analysis.weights:
            return analysis
    return None


class _Focused:
    """A module source that hands out the analysed file's own tree when an
    importer imports it (so its nodes are the ones findings are placed on)."""

    def __init__(self, source: ModuleSource, focus: LoadedModule, same_file) -> None:
        self._source = source
        self._focus = focus
        self._same_file = same_file or (lambda a, b: a == b)
        self.find = getattr(source, "find", None)
        self.defining_sibling = getattr(source, "defining_sibling", None)

    def load(self, importer: str, name: str, level: int) -> LoadedModule | None:
        loaded = self._source.load(importer, name, level)
        if loaded is not None and self._same_file(loaded.path, self._focus.path):
            return self._focus
        return loaded


def _described(interpreter: Interpreter, module: cst.Module, loaded, via: str | None = None) -> Analysis:
    """The analysis of what ``interpreter`` evaluated, placed in ``module``
    (``loaded``: the other modules the evaluation read). ``via``: the
    importer that evaluated ``module``'s weights, named in their evidence."""
    dialect = "tf1" if interpreter.tf1_evidence else "tf2"
    aliases = _aliases(interpreter) if via is None else _module_aliases(interpreter, module)
    loaded = tuple(loaded)
    read = tuple((m.path, m.digest) for m in loaded)
    cells = find_cells(interpreter.adds, interpreter.muls)
    if not cells:
        return Analysis((), interpreter.incomplete, dialect, aliases, interpreter.axis_first, read)
    describer = _Describer(module, loaded)
    describer.tf0_spelling = interpreter.tf0_spelling
    cell_usages = analyse_cells(cells, describer.text)
    if not cell_usages:
        return Analysis((), interpreter.incomplete, dialect, aliases, interpreter.axis_first, read)
    describer.expect(_nodes_to_place(cell_usages))
    groups = _per_call_groups(cell_usages, describer)
    if describer.others:
        groups = [group for group in groups if _reported_here(group, describer, via)]
    sharing = _Sharing(interpreter.weights, cell_usages, describer, groups, interpreter.parameter_defaults, interpreter.star_arguments)
    weights = _cell_weights(groups, describer, dialect, sharing, interpreter.passed_as, interpreter.links)
    if via is not None:
        steps = sorted({_module_of(cu.cell.update.node, describer) or "this file" for cu in cell_usages})
        link = f"the step in {', '.join(steps)} runs on it in {via}, a module of the project that imports this file"
        weights = [_fixed_here_only(replace(w, evidence=(*w.evidence[:3], link))) for w in weights]
    elsewhere = _modules_fixed(weights, interpreter, loaded)
    return Analysis(tuple(weights), interpreter.incomplete, dialect, aliases, interpreter.axis_first, read, elsewhere)


def _reported_here(group: _Group, describer: _Describer, via: str | None) -> bool:
    """Whether this file reports the weight of ``group``, of the two files
    that could: a weight created in an imported module whose cell's step
    lies in a third module is that module's finding (``_through_importers``
    finds it there, at its creation line), and one whose step lies in the
    importer is the importer's (reported at its call, as before); so is
    one the module creates with its own TensorFlow 0.x default."""
    weight = group.entries[0][0].weight
    created = _module_of(weight.binding[0] if weight.binding is not None else weight.creation_node, describer)
    steps = {_module_of(cell_usage.cell.update.node, describer) for _, cell_usage in group.entries}
    if via is not None:
        return via not in steps
    if created is not None and isinstance(weight.init, InitVal) and (weight.init.implicit or "").endswith(" TF 0.x default"):
        return False  # a default of the module's own TensorFlow version: reported there (_tf0_class_defaults)
    return created is None or any(step is None or step == created for step in steps)


def _fixed_here_only(weight: CellWeight) -> CellWeight:
    """A weight found through an importer is fixed in its own file or not at
    all: a fix planned in a third module (EpyNN's ``maths.orthogonal``, the
    recurrent kernels' initialiser too) is refused, with why."""
    site = weight.fix_site
    if site is None or site.path is None or site.blocker is not None:
        return weight
    helper = weight.site.helper or "its initialiser"
    line = f", line {weight.site.helper_line}" if weight.site.helper_line else ""
    blocker = f"its initialiser, {helper} ({site.path}{line}), is written in another module of the project; give this weight an initialiser of its own here"
    return replace(weight, fix_site=replace(site, blocker=blocker, replace=None))


def _module_of(node: cst.CSTNode, describer: _Describer) -> str | None:
    try:
        return describer.where(node)[0]
    except LookupError:
        return None


def _module_aliases(interpreter: Interpreter, module: cst.Module) -> tuple[tuple[str, str], ...]:
    """The (module, local name) pairs ``module``'s own imports bind, as the
    interpreter of an importer read it (its fixes are spelled in them)."""
    if interpreter.imports is None:
        return ()
    for project in interpreter.imports.modules.values():
        if project.loaded is not None and project.loaded.module is module:
            return tuple((v.qualname, name) for name, v in project.scope.vars.items() if isinstance(v, ModuleRef))
    return ()


def _modules_fixed(weights: list[CellWeight], interpreter: Interpreter, loaded: tuple[LoadedModule, ...]) -> tuple:
    """The text and module aliases of each imported module a fix edits."""
    paths = {w.fix_site.path for w in weights if w.fix_site is not None and w.fix_site.path is not None}
    out = []
    for module in loaded:
        if module.path in paths:
            project = interpreter.imports.modules.get(module.path)
            names = project.scope.vars.items() if project is not None else ()
            out.append((module.path, module.module.code, tuple((v.qualname, name) for name, v in names if isinstance(v, ModuleRef))))
    return tuple(out)


def _aliases(interpreter: Interpreter) -> tuple[tuple[str, str], ...]:
    """Module-level names bound to imported modules: (qualified name, local name)."""
    out = []
    for name, value in interpreter.module_scope.vars.items():
        if isinstance(value, ModuleRef):
            out.append((value.qualname, name))
    for name in sorted(interpreter.unbound_aliases_read - set(interpreter.module_scope.vars)):
        out.append((UNBOUND_ALIASES[name], name))
    return tuple(out)


class _Sharing:
    """Which weights each initialiser expression creates, so a fix never
    rewrites an expression that also creates a weight it should not change."""

    def __init__(
        self, weights: list[WeightInstance], cell_usages: list[CellUsage], describer: _Describer, groups: list[_Group], parameter_defaults: set[int],
        star_arguments: dict | None = None,
    ) -> None:
        self.parameter_defaults = parameter_defaults
        self.star_arguments = star_arguments or {}  # Interpreter.star_arguments
        self.defaults = Defaults(describer.module)
        self._describer = describer
        self._weights = weights
        self.weights = weights  # every weight the run made (a wrap must not reach another)
        self._default_users: dict[int, list[tuple[tuple, tuple[str, tuple | None]]]] | None = None
        used = {id(u.weight) for cu in cell_usages for u in cu.usages}
        self._used = used
        # A weight made by one call of a helper is known by that call.
        self.per_call: dict[int, tuple[tuple, str]] = {}
        for group in groups:
            if group.call is not None:
                key = (*_identity(group.entries[0][0].weight), id(group.call))
                for usage, _ in group.entries:
                    self.per_call[id(usage.weight)] = (key, describer.text(group.call, 80))
        self.by_node: dict[int, dict[tuple, tuple[str, tuple | None]]] = {}
        # The weights each helper call makes (through every call of the helpers around it).
        self.by_call: dict[int, set[str]] = {}
        # The same, less the arrays a helper binds to its own local names
        # (``new_param = np.random.randn(rows, cols)``): what outlives the call.
        self.kept_by_call: dict[int, set[str]] = {}
        # Every evaluation of each bound weight (``self.W = ...``), used by a
        # cell or not: another one may have the sizes the file states.
        self.evaluations: dict[tuple, list[WeightInstance]] = {}
        for weight in weights:
            if weight.binding is not None:
                self.evaluations.setdefault(_identity(weight), []).append(weight)
        for weight in weights:
            if weight.init_node is None or (weight.binding is None and id(weight) not in used):
                continue  # a helper evaluated on its own: not a weight of the program
            key, label = self.per_call.get(id(weight)) or (_identity(weight), _label(weight, describer))
            self.by_node.setdefault(id(weight.init_node), {})[key] = (label, weight.loop_key)
            if weight.created_path:
                self.by_call.setdefault(id(weight.created_path[-1]), set()).add(label)
                if not _helper_local(weight):
                    self.kept_by_call.setdefault(id(weight.created_path[-1]), set()).add(label)

    def kept_from_call(self, weight: WeightInstance) -> tuple[str, ...]:
        """The labels of the weights the helper call that made ``weight``
        makes and that outlive it (bound by a caller, or to an attribute)."""
        return tuple(sorted(self.kept_by_call.get(id(weight.created_path[-1]), ()))) if weight.created_path else ()

    def made_by_call(self, weight: WeightInstance) -> tuple[str, ...]:
        """The labels of the weights the helper call that made ``weight`` makes."""
        return tuple(sorted(self.by_call.get(id(weight.created_path[-1]), ()))) if weight.created_path else ()

    def default_of(self, weight: WeightInstance) -> cst.Param | None:
        """The parameter whose default gives this weight its initialiser."""
        if weight.init is None:
            return None
        return self.defaults.of(weight.init_node, weight.creation_node, weight.init)

    def default_sharers(self, param: cst.Param, weight: WeightInstance) -> tuple[tuple[str, tuple | None], ...]:
        """The other weights a change of ``param``'s default would change."""
        if self._default_users is None:
            self._default_users = {}
            for other in self._weights:
                if other.init_node is None or (other.binding is None and id(other) not in self._used):
                    continue
                found = self.default_of(other)
                if found is not None:
                    key, label = self.per_call.get(id(other)) or (_identity(other), _label(other, self._describer))
                    self._default_users.setdefault(id(found), []).append((key, (label, other.loop_key)))
        mine = self.per_call[id(weight)][0] if id(weight) in self.per_call else _identity(weight)
        entries = {key: entry for key, entry in self._default_users.get(id(param), []) if key != mine}
        return tuple(sorted(entries.values(), key=lambda e: e[0]))

    def others(self, weight: WeightInstance) -> tuple[tuple[str, tuple | None], ...]:
        if weight.init_node is None:
            return ()
        mine = self.per_call[id(weight)][0] if id(weight) in self.per_call else _identity(weight)
        return tuple(sorted((entry for key, entry in self.by_node.get(id(weight.init_node), {}).items() if key != mine), key=lambda e: e[0]))


def _label(weight: WeightInstance, describer: _Describer) -> str:
    if weight.binding is not None:
        node, instance, _ = weight.binding
        return instance or describer.text(node, 80)
    return weight.name_hint or describer.text(weight.creation_node, 50)


class _Describer:
    """Source text and positions of nodes, computed only when needed. A node
    may belong to an imported module (``others``): ``where`` says which."""

    def __init__(self, module: cst.Module, others: tuple[LoadedModule, ...] = ()) -> None:
        self.module = module
        self.others = others
        self._positions = None
        self._unexpected = 0  # places asked that ``expect`` was not told of
        self._code: dict[int, tuple[object, str]] = {}  # speed: a node is described several times
        self._local: set[int] | None = None  # ids of this module's nodes, once an import was followed
        self._foreign: dict[str, object] = {}  # an imported module's path -> its positions
        self.tf0_spelling: cst.CSTNode | None = None  # Interpreter.tf0_spelling

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def text(self, node: object, limit: int = 60) -> str:
        known = self._code.get(id(node))
        if known is None:
            known = self._code[id(node)] = (node, " ".join(self.module.code_for_node(node).split()))
        code = known[1]
        return code if len(code) <= limit else code[: limit - 1] + "…"

    def is_local(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` is in the analysed file (not in a module it imports)."""
        if not self.others:
            return True
        if self._local is None:
            self._local = _node_ids(self.module)
        return id(node) in self._local

    def expect(self, nodes: list[cst.CSTNode]) -> None:
        """Speed: find the places of ``nodes`` in one pass (``positions``)."""
        self._positions = positions_of(self.module, [n for n in nodes if self.is_local(n)])

    def span(self, node: cst.CSTNode) -> Span:
        if not self.is_local(node):
            return self.where(node)[1]
        if self._positions is None or node not in self._positions:
            # A place nobody expected (a parameter's default a fix replaces):
            # the code up to it is written again, which costs less than every
            # node's place, until a few such asks make that the cheaper way.
            self._unexpected += 1
            if self._unexpected > _UNEXPECTED_PLACES:
                self._positions = all_positions(self.module)
            else:
                self._positions = {**(self._positions or {}), **positions_of(self.module, [node])}
        where = self._positions[node]
        return Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    def where(self, node: cst.CSTNode) -> tuple[str | None, Span]:
        """The file (None: the analysed one) and the place of ``node``."""
        if self.is_local(node):
            return None, self.span(node)
        for other in self.others:
            positions = self._foreign.get(other.path)
            if positions is None:
                positions = self._foreign[other.path] = all_positions(other.module)
            found = positions.get(node)
            if found is not None:
                return other.path, Span(found.start.line, found.start.column + 1, found.end.line, found.end.column + 1)
        raise LookupError("a node of no module the analysis read")

    def place(self, node: cst.CSTNode) -> str:
        """``line N`` in the analysed file, ``MODULE, line N`` in another (``where``)."""
        where, span = self.where(node)
        return f"line {span.line}" if where is None else f"{where}, line {span.line}"

    def call_leaving(self, path: tuple[cst.CSTNode, ...]) -> cst.CSTNode | None:
        """The call of ``path`` through which the evaluation leaves the
        analysed file (``lstm.lstm_cell(...)`` inside ``encoder()``, however
        often ``encoder()`` is called), or None when it never enters it."""
        leaving = None
        for node in path:
            if not self.is_local(node):
                break
            leaving = node
        return leaving


def _node_ids(module: cst.Module) -> set[int]:
    return {id(node) for node in descendants(module)}


_UNEXPECTED_PLACES = 4


def _nodes_to_place(cell_usages: list[CellUsage]) -> list[cst.CSTNode]:
    """Every node ``_site`` and ``fix_site`` may ask the place of (a superset)."""
    nodes = []
    for cell_usage in cell_usages:
        for usage in cell_usage.usages:
            weight = usage.weight
            nodes.append(weight.creation_node)
            if weight.binding is not None:
                nodes.append(weight.binding[0])
            if weight.init is not None:
                nodes.append(weight.init.node)
            if weight.init_node is not None:
                nodes.append(weight.init_node)
            nodes.extend(weight.path)
            nodes.extend(n.func.attr for n in weight.path[-1:] if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute))
    return nodes


def _identity(weight: WeightInstance) -> tuple[int, str | None]:
    if weight.binding is not None:
        node, instance, _ = weight.binding
        return id(node), instance
    # (a layer function's kernel and bias come from one call: tf.layers.dense(x, n))
    return id(weight.creation_node), weight.layer.part if weight.layer is not None else None


@dataclass
class _Group:
    """The usages of one weight, and the helper call that made it when one
    creation statement made several weights (one per call of the helper)."""

    entries: list[tuple[Usage, CellUsage]]
    call: cst.CSTNode | None = None
    # The call in this file through which a weight created in an imported
    # module is made (it is reported there).
    local_call: cst.CSTNode | None = None


def _per_call_groups(cell_usages: list[CellUsage], describer: _Describer) -> list[_Group]:
    """Group the usages by weight: by where the weight is bound and through
    which calls that binding was reached.

    A function evaluated on its own and again inside its callers reaches the
    same statement through a shorter and a longer call path; both are one
    weight (the shorter path is a suffix of the longer). When one statement
    is reached through calls that make weights of different roles or gates
    (``linear([x])`` and ``linear([h])``, ``new_gate("i")`` and
    ``new_gate("f")``), each call is a weight of its own, known by the
    innermost call that tells it from the others. When every path agrees
    the weight stays one, as a loop over layers calling one cell is."""
    by_path: dict[tuple, tuple[tuple, list]] = {}
    for cell_usage in cell_usages:
        for usage in cell_usage.usages:
            path = usage.weight.path
            key = (_identity(usage.weight), tuple(id(n) for n in path))
            by_path.setdefault(key, (path, []))[1].append((usage, cell_usage))
    merged: dict[tuple, dict[tuple, tuple[tuple, list]]] = {}
    for (place, ids), (path, entries) in by_path.items():
        for start in range(len(ids), -1, -1):
            if (place, ids[start:]) in by_path:
                shortest = ids[start:]
                break
        slot = merged.setdefault(place, {}).setdefault(shortest, (path[len(path) - len(shortest):], []))
        slot[1].extend(entries)
    groups: list[_Group] = []
    for paths in merged.values():
        if len(paths) == 1:
            groups.extend(_Group(entries) for _, entries in paths.values())
            continue
        signed = [(ids, path, entries, _signature(entries)) for ids, (path, entries) in paths.items()]
        if len({sign for *_, sign in signed}) == 1:
            groups.append(_Group([e for _, _, entries, _ in signed for e in entries]))
            continue
        split: dict[tuple, _Group] = {}
        for ids, path, entries, sign in signed:
            others = [other for other, _, _, other_sign in signed if other_sign != sign]
            call = None
            for start in range(len(ids) - 1, -1, -1):
                tail = ids[start:]
                if not any(other[len(other) - len(tail):] == tail for other in others if len(other) >= len(tail)):
                    call = path[start]
                    break
            split.setdefault((id(call), sign), _Group([], call)).entries.extend(entries)
        groups.extend(split.values())
    return [part for group in groups for part in _per_local_call(group, describer)]


def _per_local_call(group: _Group, describer: _Describer) -> list[_Group]:
    """A weight created in an imported module is this file's weight once per
    call written here through which the evaluation enters that module
    (``lstm.lstm_cell(x, ...)`` in an encoder and in a decoder are two cells),
    and is reported at that call; one that no call of this file creates is
    not this file's finding."""
    if not describer.others:
        return [group]
    weight = group.entries[0][0].weight
    target = weight.binding[0] if weight.binding is not None else weight.creation_node
    if describer.is_local(target) and (group.call is None or describer.is_local(group.call)):
        return [group]
    parts: dict[int, _Group] = {}
    for usage, cell_usage in group.entries:
        local = describer.call_leaving(usage.weight.path)
        if local is None:
            continue
        parts.setdefault(id(local), _Group([], group.call if group.call is not None and describer.is_local(group.call) else None, local)).entries.append((usage, cell_usage))
    return list(parts.values())


def _signature(entries: list[tuple[Usage, CellUsage]]) -> tuple | None:
    usages = [u for u, _ in entries]
    kinds = {u.cell.kind for u in usages}
    if len(kinds) != 1:
        return None
    return _role(usages), _gates(usages, kinds.pop())[0]


def _helper_local(weight: WeightInstance) -> bool:
    """Whether the helper that creates ``weight`` binds it to a name of its
    own (the frame that binds it is the one the helper call opened)."""
    return weight.binding is not None and isinstance(weight.binding[0], cst.Name) and bool(weight.path) and weight.path[-1] is weight.created_path[-1]


def _cell_weights(groups: list[_Group], describer: _Describer, dialect: str, sharing: _Sharing, passed_as: dict, links: dict) -> list[CellWeight]:
    described = []
    for group in groups:
        entries = group.entries
        weight = _describe_weight(entries, describer, dialect, sharing, passed_as, group.call, group.local_call, links)
        if weight is not None:
            cells = {id(usage.cell) for usage, _ in entries}
            creator = max((u.weight for u, _ in entries), key=lambda w: w.depth).creator
            described.append((weight, cells, creator))
    return [_with_input_size(weight, cells, creator, described) for weight, cells, creator in described]


def _with_input_size(weight: CellWeight, cells: set[int], creator: str | None, described: list) -> CellWeight:
    """For a per-gate recurrent kernel: the cell's input size as written by
    the same function that creates it (``self.emb_dim``), which --match exact
    needs to cut TF1's fused kernel into row blocks."""
    if weight.role is not Role.RECURRENT_KERNEL or weight.fix_site is None or len(weight.gates) > 1:
        return weight
    sizes_written = set()
    for other, other_cells, other_creator in described:
        if other.role is Role.INPUT_KERNEL and other_cells & cells and other_creator == creator and other.fix_site and other.fix_site.shape:
            dims = sizes.dims(other.fix_site.shape)
            if dims and len(dims) == 2:
                sizes_written.add(dims[0])
    if len(sizes_written) != 1:
        return weight
    return replace(weight, fix_site=replace(weight.fix_site, input_size=sizes_written.pop()))


def _role(usages: list[Usage]) -> tuple[Role, bool] | None:
    kinds = {u.kind for u in usages}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind == "projection":
        return Role.PROJECTION, True
    if kind == "peephole":
        return Role.PEEPHOLE, True
    if kind == "bias":
        gates = {u.gate for u in usages}
        if usages[0].cell.kind == "lstm" and gates == {"f"} and all(u.block is None for u in usages):
            return Role.FORGET_BIAS, True
        return Role.BIAS, True
    operands = {u.operand for u in usages}
    if operands == {"input"}:
        return Role.INPUT_KERNEL, True
    if operands == {"state"}:
        return Role.RECURRENT_KERNEL, True
    if operands == {"fused"}:
        return Role.FUSED_KERNEL, True
    if operands == {"input", "state"} and any(u.rows for u in usages):
        return Role.FUSED_KERNEL, True
    return None


def _gates(usages: list[Usage], kind: str) -> tuple[tuple[str, ...], int | None]:
    """The gates a weight feeds in the order of its column blocks, and the
    index of the forget gate's block."""
    blocks = {}
    for usage in usages:
        if usage.block is not None and usage.gate is not None:
            blocks.setdefault(usage.block, usage.gate)
    if not blocks:
        names = {u.gate for u in usages if u.gate is not None}
        ordered = tuple(g for g in GATE_ORDER[kind] if g in names)
        return ordered, (0 if ordered == ("f",) else None)
    widths = {round(end - start, 6) for start, end in blocks}
    if len(widths) != 1:
        ordered_blocks = sorted(blocks)
        gates = tuple(blocks[b] for b in ordered_blocks)
    else:
        width = widths.pop()
        count = max(1, round(1 / width)) if width > 0 else 1
        slots = ["?"] * count
        for (start, _), gate in blocks.items():
            index = int(round(start / width))
            if 0 <= index < count:
                slots[index] = gate
        gates = tuple(slots)
    forget = gates.index("f") if "f" in gates else None
    return gates, forget


def _number(expr) -> int | None:
    value = S.as_number(expr) if expr is not None else None
    return int(value) if value is not None and value == int(value) else None


def _describe_weight(
    entries: list[tuple[Usage, CellUsage]],
    describer: _Describer,
    dialect: str,
    sharing: _Sharing,
    passed_as: dict,
    call: cst.CSTNode | None = None,
    local_call: cst.CSTNode | None = None,
    links: dict | None = None,
) -> CellWeight | None:
    usages = [u for u, _ in entries]
    kinds = {u.cell.kind for u in usages}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    role_certain = _role(usages)
    if role_certain is None:
        return None
    role, _ = role_certain
    instances = [u.weight for u in usages]
    representative = max(instances, key=lambda w: (w.init is not None, w.depth))
    init = representative.init
    if init is None:
        return None
    gates, forget_block = _gates(usages, kind)
    shape = representative.shape or init.shape
    site = _site(representative, init, shape, describer, dialect, call or local_call)
    blocks = max(1, len(gates)) if any(u.block for u in usages) else 1
    sized = _sized_shape(representative, shape, sharing, call)
    units = fan_in = None
    if sized:
        if role in (Role.RECURRENT_KERNEL, Role.PROJECTION, Role.PEEPHOLE):
            units = _number(sized[0])
        elif sized[_gate_axis(sized, role)] is not None and S.as_number(sized[_gate_axis(sized, role)]) is not None:
            units = _number(S.binary("/", sized[_gate_axis(sized, role)], S.const(float(blocks))))
        if role == Role.INPUT_KERNEL and len(sized) == 2:
            fan_in = _number(sized[0])
    evidence: list[str] = []
    for usage in usages:
        for line in usage.evidence:
            if line not in evidence:
                evidence.append(line)
    evidence = evidence[:4]
    link = next((links[id(w)] for w in instances if links and id(w) in links), None)
    if link is not None:
        # The producer and the cell's code meet only through the link: say so.
        evidence = [*evidence[:3], link.evidence()]
    offsets = [c.runtime_forget_offset for _, c in entries]
    cells = {id(u.cell) for u in usages}
    site_fix = fix_site(representative, init, instances, sharing.others(representative), passed_as, describer.span, describer.code, sharing.star_arguments)
    if site_fix.inline is not None:
        site_fix = replace(site_fix, inline=replace(site_fix.inline, makes=sharing.made_by_call(representative)))
    if site_fix.kind == "value" and site_fix.shape is None and site_fix.blocker and (at_call := call_site_value(representative, [w.init for w in instances if w.init is not None], passed_as, sharing.star_arguments, describer.code)) is not None:
        helper_call, written_shape = at_call
        if describer.is_local(helper_call) and len(sharing.kept_from_call(representative)) <= 1:
            # The helper's value is built over several statements, the shape is
            # its caller's: the call that makes this weight is what changes.
            site_fix = replace(site_fix, replace=describer.span(helper_call), shape=written_shape, blocker=None, sharers=(), inline=None)
    if (
        not site_fix.blocker
        and not init.implicit
        and representative.created_path
        and describer.is_local(representative.created_path[-1])
        and (valued := value_parameter(representative, init, describer.span)) is not None
    ):
        # The helper takes the value as a parameter: the fixer passes the
        # reference's value at the call where it can (else rewrites as before).
        site_fix = replace(site_fix, value_parameter=valued)
    if call is not None and not site_fix.blocker and not init.implicit and init.node is not None and contains(call, init.node):
        # The call passes the initialiser in (``linear(h, n, initializer=...)``):
        # fixed there, for this call alone.
        site_fix = replace(site_fix, replace=describer.span(init.node), sharers=())
    elif call is None and not site_fix.blocker and site_fix.kind == "initializer" and (param := sharing.default_of(representative)) is not None:
        # A configurable initialiser (a parameter, or an attribute the
        # constructor sets from one): its default changes, so a caller's
        # choice still counts and get_config() still tells the truth.
        site_fix = replace(
            site_fix,
            replace=describer.span(param.default),
            default_form="string" if isinstance(param.default, cst.SimpleString) else "object",
            parameter=param.name.value,
            sharers=sharing.default_sharers(param, representative),
            argument=site_fix.replace,
            configured=sharing.defaults.configured_strings(representative.creation_node),
            argument_callable=sharing.defaults.callable_configuration(representative.init_node, representative.creation_node, param),
            passed_strings=tuple((describer.span(node), value) for node, value in sharing.defaults.passed_strings(representative.creation_node, param)),
        )
    elif call is None and not site_fix.blocker and init.node is not None and id(init.node) in sharing.parameter_defaults:
        site_fix = replace(
            site_fix,
            blocker=f"its initialiser is a parameter's default (`{describer.text(init.node, 50)}`, line {describer.span(init.node).line}), "
            "which a caller may replace; change the default, or pass the right initialiser where the function is called",
        )
    elif call is not None and not site_fix.blocker and (passed := passed_at_call(representative, call, describer.span)) is not None:
        # The helper takes its initialiser as a parameter: the right one is
        # passed at this call (its argument replaced, or the keyword added).
        site_fix = replace(site_fix, replace=passed[0], call=passed[1], keyword=passed[2], sharers=())
    elif call is not None and not site_fix.blocker:
        # The helper's one initialiser serves calls that need different ones:
        # a variable_scope around this call gives this call's weight its own,
        # where the helper's get_variable takes none itself.
        wrapped, why_not = _scope_wrap(representative, init, call, describer, sharing)
        if wrapped is not None:
            site_fix = replace(site_fix, wrap=wrapped, replace=None, sharers=(), inline=None, value_parameter=None)
        else:
            site_fix = replace(
                site_fix,
                blocker=f"`{site.weight}` is created inside {site.helper}() (line {site.helper_line}) for every call, and its calls make weights "
                f"of different roles; {why_not}; give {site.helper}() an initializer parameter and pass the right one at each call",
            )
    # The expression --fix rewrites (``init_node``: ``init_matrix([n, u])`` in
    # ``tf.Variable(init_matrix([n, u]))``) may be here even when the helper
    # that draws the values is in another module; then it is fixed here.
    replaced = representative.init_node
    written_elsewhere = not describer.is_local(representative.creation_node) or (replaced is not None and not describer.is_local(replaced))
    if local_call is not None or written_elsewhere:
        site_fix = _elsewhere(site_fix, representative, init, describer, call or local_call, per_call=call is not None, sharing=sharing)
    # Sizes in the terms of the call the weight is reported at, when a helper made it.
    written = site_fix.inline.shape if site_fix.inline is not None and site_fix.inline.shape else site_fix.shape
    gate_width = _gate_width(written, shape, role, len(gates))
    stated = sizes.stated_values(site_fix.shape, [_number(d) for d in sized]) if site_fix.shape and sized else ()
    if site.initializer.pieces and gate_width and len(gates) > 1:
        site = replace(site, initializer=_pieces_in_gate_widths(site.initializer, gate_width, len(gates)))
    return CellWeight(
        site=site,
        role=role,
        cell=CellKind(kind),
        gates=gates,
        forget_block=forget_block,
        runtime_forget_offset=max(offsets) if offsets else 0.0,
        units=units,
        fan_in=fan_in,
        certain=all(u.certain for u in usages),
        evidence=tuple(evidence),
        projection=any(any(u.kind == "projection" for u in c.usages) for _, c in entries),
        gate_width=gate_width,
        fix_site=site_fix,
        stated_sizes=stated,
        layer_norm_shift=all(u.shift for u in usages),
    )


def _sized_shape(representative: WeightInstance, shape, sharing: _Sharing, call: cst.CSTNode | None):
    """The shape with the sizes the file states: the representative's own
    when it has numbers, else that of the deepest other evaluation of the
    same bound weight that has (``cell = MyCell(128)`` called in a way no
    cell shows in, while the cell was found in ``call`` evaluated on its own)."""
    if not shape or all(_number(d) is not None for d in shape) or call is not None or representative.binding is None:
        return shape
    others = [w for w in sharing.evaluations.get(_identity(representative), ()) if w.shape and len(w.shape) == len(shape)]
    numbered = [w for w in others if all(_number(d) is not None for d in w.shape)]
    if not numbered:
        return shape
    return max(numbered, key=lambda w: w.depth).shape


def _elsewhere(site_fix, weight: WeightInstance, init: InitVal, describer: _Describer, call: cst.CSTNode | None, per_call: bool, sharing: _Sharing | None = None):
    """The fix of a weight whose initialiser is written in an imported
    module: this file's run does not rewrite another file (unless the call
    here passes the initialiser in, which the caller handled)."""
    if call is not None and init.node is not None and describer.is_local(init.node) and contains(call, init.node) and not site_fix.blocker:
        return replace(site_fix, replace=describer.span(init.node), sharers=())
    if site_fix.wrap is not None and not site_fix.blocker:
        # The scope is written around the call, here: the helper's module is not edited.
        return site_fix
    node = init.node if init.node is not None and not init.implicit else weight.creation_node
    where, span = describer.where(node)
    if weight.recorded_by is not None and not describer.is_local(weight.creation_node):
        # Neither here (the recording call takes no initialiser) nor there
        # (the one initialiser serves the weights of every recording call).
        made_in, made = describer.where(weight.creation_node)
        reason = (
            f"it is created in {made_in} (line {made.line}) by {weight.creator or 'a builder'}(), in a loop over what calls such as this one "
            f"recorded, with one initialiser ({where}, line {span.line}) for the weights of every call, of different roles"
        )
        return replace(site_fix, replace=None, sharers=(), blocker=reason)
    if where is not None and not per_call and _fixable_there(site_fix, weight, describer, where):
        # Created and initialised in one imported module, one weight for
        # every call of this file: the fix edits that module (the runner
        # writes it; a buffer from an editor keeps this refusal's reason).
        return replace(site_fix, path=where)
    if where is None:
        reason = site_fix.blocker
    elif per_call:
        _, why_not = _scope_wrap(weight, init, call, describer, sharing) if call is not None and sharing is not None else (None, None)
        reason = (
            f"it is created in {where} (line {span.line}), a module this file imports, by a helper whose one initialiser serves calls "
            f"that make weights of different roles; {why_not + '; ' if why_not else ''}give the helper an initializer parameter and pass the right one at each call"
        )
    else:
        reason = f"its initialiser is written in {where} (line {span.line}), a module this file imports; fix it there"
    local = call if call is not None else None
    return replace(site_fix, replace=None, call=describer.span(local) if local is not None else site_fix.call, sharers=(), blocker=reason or site_fix.blocker)


# get_variable's fallbacks, which an enclosing variable_scope's initializer replaces.
_SCOPE_REPLACES = ("get_variable default", "get_variable TF 0.x default")


def _scope_wrap(weight: WeightInstance, init: InitVal, call: cst.CSTNode, describer: _Describer, sharing: _Sharing) -> tuple[Span | None, str | None]:
    """The statement to wrap in ``with variable_scope(get_variable_scope(),
    initializer=...)`` so that the weight this helper call makes starts as the
    reference's (TF1: a scope's initializer is the default of every
    get_variable under it that passes none, and an inner scope's wins), or
    why no such scope can do it."""
    line = describer.place(weight.creation_node)
    if weight.api != "get_variable":
        return None, f"it is not made by get_variable ({line}), which alone takes its initializer from an enclosing variable_scope"
    if init.implicit == "variable_scope":
        # (the scope may be the helper's own, which would override one written around the call)
        return None, f"its get_variable takes the initializer of an enclosing variable_scope ({describer.place(init.node)}); change that scope's initializer"
    if init.implicit not in _SCOPE_REPLACES:
        return None, f"its get_variable ({line}) passes an initializer of its own, which no variable_scope around the call overrides"
    if not describer.is_local(call):
        return None, "the call is not in this file"
    statement, why_not = sharing.defaults.statement_to_wrap(call)
    if statement is None:
        return None, why_not
    # Every other weight the statement makes with get_variable's fallback
    # would take the scope's initializer too (this weight, reached through
    # this call on a longer path, is the same one).
    for other in sharing.weights:
        if other.api != "get_variable" or other.init is None or other.init.implicit not in _SCOPE_REPLACES:
            continue
        if _identity(other) == _identity(weight) and any(node is call for node in other.path):
            continue
        if any(describer.is_local(node) and contains(statement, node) for node in other.path):
            return None, f"the statement also makes `{_label(other, describer)}` with get_variable's default, which a scope's initializer would change too"
    return describer.span(statement), None


def _fixable_there(site_fix, weight: WeightInstance, describer: _Describer, where: str) -> bool:
    """Whether the fix planned at the creation site can be written in the
    imported module ``where`` as it is: every place it edits is there (the
    creating call, the initialiser), and it takes no form tied to this file
    (a parameter's default, a value passed at a call, a helper call inlined)."""
    if site_fix.blocker or site_fix.inline is not None or site_fix.value_parameter is not None or site_fix.default_form is not None:
        return False
    if site_fix.argument is not None or site_fix.passed_strings:
        return False
    nodes = [weight.creation_node] + ([weight.init_node] if weight.init_node is not None else [])
    return all(not describer.is_local(n) and describer.where(n)[0] == where for n in nodes)


def _pieces_in_gate_widths(initializer: Initializer, width: str, blocks: int) -> Initializer:
    """Name a per-gate vector's piece sizes in gate widths as the code writes
    them (``zeros[units], ones[units]``), not in the sizes one run evaluated."""
    pieces = []
    for _, start, end, piece in initializer.pieces:
        count = (end - start) * blocks
        if abs(count - round(count)) > 1e-6 or round(count) < 1:
            return initializer
        pieces.append((sizes.multiply(width, round(count)), start, end, piece))
    return replace(initializer, pieces=tuple(pieces))


def _gate_width(written: str | None, shape, role: Role, gates: int) -> str | None:
    """One gate's width: from the shape as written at the creation site when
    there is one (``4 * units`` -> ``units``), else from the evaluated shape."""
    if role not in (Role.BIAS, Role.FORGET_BIAS, Role.INPUT_KERNEL, Role.RECURRENT_KERNEL, Role.FUSED_KERNEL):
        return None
    count = gates if gates > 1 else 1
    dims = sizes.dims(written) if written else None
    if dims:
        along = [k for k, dim in enumerate(dims) if dim != "1"] if role in (Role.BIAS, Role.FORGET_BIAS) and len(dims) > 1 else []
        return sizes.divide(dims[along[0] if len(along) == 1 else -1], count)
    return S.render(S.divide(shape[_gate_axis(shape, role)], count)) if shape else None


def _gate_axis(shape: tuple, role: Role) -> int:
    """The axis a weight's gate blocks run along: the last, but for a bias
    kept as a column (NumPy's ``(4 * u, 1)``) the one that is not 1."""
    if role in (Role.BIAS, Role.FORGET_BIAS) and len(shape) > 1:
        along = [k for k, dim in enumerate(shape) if dim is not None and S.as_number(dim) != 1]
        if len(along) == 1:
            return along[0]
    return -1


def _site(weight: WeightInstance, init: InitVal, shape, describer: _Describer, dialect: str, call: cst.CSTNode | None = None) -> WeightSite:
    if call is not None:
        # One of several weights a helper makes, one per call: reported at the
        # call that makes it, naming the helper and where it creates it.
        target = weight.binding[0] if weight.binding is not None else weight.creation_node
        name = describer.text(target, 50)
        instance, depth = _call_text(call, describer), 0
        span = describer.span(_chain_link(call, describer))
    elif weight.binding is not None:
        target, instance, depth = weight.binding
        name = describer.text(target, 80)
        span = describer.span(target)
    else:
        instance, depth = None, weight.depth
        name = weight.name_hint or describer.text(weight.creation_node, 50)
        span = describer.span(weight.creation_node)
    source = None if init.implicit else describer.text(init.node, 80)
    initializer = to_model(init.dist, shape, source, dialect)
    if init.implicit:
        initializer = Initializer(initializer.name, initializer.params, _implicit_source(init, describer), initializer.entry_std, initializer.fan_scaling, initializer.pieces)
    helper = init.helper
    if helper is None and weight.creator is not None and depth < weight.depth:
        helper = weight.creator
    # (a default, "... default", is written nowhere; a variable_scope's is written on the scope)
    init_path, init_span = (None, None) if init.implicit and init.implicit.endswith(" default") else describer.where(init.node)
    if call is not None:
        helper = helper or weight.creator
        helper_path, helper_span = (init_path, init_span) if init_span is not None else describer.where(weight.creation_node)
        helper_line = helper_span.line
    else:
        helper_path = init_path
        helper_line = init_span.line if helper and init_span else None
    if init_path is not None and helper is None:
        helper = weight.creator or "an imported helper"
    return WeightSite(
        weight=name,
        instance=instance,
        span=span,
        initializer=initializer,
        init_span=init_span,
        helper=helper,
        helper_line=helper_line,
        shape=render_shape(shape),
        implicit=init.implicit,
        helper_path=helper_path,
    )


def _chain_link(call: cst.CSTNode, describer: _Describer) -> cst.CSTNode:
    """Where a call is reported: a method call written on a line of its own
    (``cell \\`` then ``.add_recurrent("input", ...) \\`` then
    ``.add_recurrent("forget", ...)``, one per line) at its method's name,
    not at the start of the chain it continues."""
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
        if describer.span(call.func.attr).line != describer.span(call).line:
            return call.func.attr
    return call


def _call_text(call: cst.CSTNode, describer: _Describer) -> str:
    """The call as the message quotes it: a chained call from its own ``.name(...)`` on."""
    text = describer.text(call, 10_000)
    if _chain_link(call, describer) is not call:
        before = describer.text(call.func.value, 10_000)
        if text.startswith(before):
            text = text[len(before) :].lstrip(" \\")
    return text if len(text) <= 80 else text[:79] + "…"


def _implicit_source(init: InitVal, describer: _Describer) -> str | None:
    if init.implicit == "variable_scope" and describer.is_local(init.node):
        return describer.text(init.node, 80)
    if init.implicit and init.implicit.endswith(" TF 0.x default") and describer.tf0_spelling is not None:
        # what showed the file is TensorFlow 0.x code, named in the message
        try:
            place = describer.place(describer.tf0_spelling)
        except LookupError:
            return None
        return f"`{describer.text(describer.tf0_spelling, 50)}` at {place}"
    return None
