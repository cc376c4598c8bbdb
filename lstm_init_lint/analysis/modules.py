"""Other modules of the project, as the analysis of one file sees them.

A cell's helpers (``linear``, ``lstm_step``, ``stack_lstm``) or its maths
often live in a sibling module (``from ops import linear``, ``from . import
common_ops``). The interpreter asks a ``ModuleSource`` for each import it
meets; the source (``run.resolve.DiskModules`` in a run, anything in a test)
finds the file, reads and parses it. The analysis stays free of I/O: it only
ever sees ``LoadedModule`` values.

An imported module is interpreted once per analysis, lazily (at its first
import), in a scope of its own: its definitions and constants become the
values of the names imported from it. Its functions are not evaluated on
their own (a cell that lies wholly in the imported module is that module's
finding, reported when it is linted), only when the importing file calls them.
A module that cannot be found, read or parsed, one imported while it is
being imported (a cycle), or one past the limits leaves its names opaque.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

import libcst as cst

from .frames import Scope
from .values import Value

# Interpreting imported modules costs steps of the file's own budget; this
# bounds how many one file may pull in (an ``__init__`` that imports a whole
# framework must not). Past it, a module not yet read is not read at all
# (TensorFlow's ``python/keras/backend.py`` parsed 91 modules to keep 24).
MAX_MODULES = 24
# How deep imports are followed: 1 is the analysed file's own imports, 2 also
# theirs. A cell's helpers sit in a module the cell's file imports, or one
# that module imports; deeper, a package's ``__init__`` pulls in a framework
# (Keras' own ``layers/rnn/lstm.py`` read 68 of Keras' modules; now 31).
MAX_IMPORT_DEPTH = 2


@dataclass(frozen=True)
class LoadedModule:
    """One project module the source found: its path as the run names files
    (relative to the current directory when the importing file's is), its
    parsed tree and the digest of its bytes (the cache's key includes it)."""

    path: str
    module: cst.Module
    digest: str
    package: bool = False  # an ``__init__.py``: its submodules are its attributes


class ModuleSource(Protocol):
    def load(self, importer: str, name: str, level: int) -> LoadedModule | None:
        """The module ``name`` (dotted, possibly empty for ``from . import x``)
        as ``importer`` would import it (``level``: the leading dots of a
        relative import), or None when it is no module of the project."""


class ProjectModule(Value):
    """A module of the project bound by an import: its top-level names."""

    __slots__ = ("loaded", "name", "scope")

    def __init__(self, loaded: LoadedModule | None, name: str, scope: Scope) -> None:
        self.loaded = loaded  # None: a namespace package (a directory without __init__.py)
        self.name = name
        self.scope = scope

    def __repr__(self) -> str:
        return f"ProjectModule({self.name})"


def alias_name(alias: cst.ImportAlias, name: str | None) -> str | None:
    """The name an import alias binds: its ``as`` name, else ``name``."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return name


def top_level_names(module: ProjectModule) -> dict[str, Value]:
    """What ``from module import *`` binds: ``__all__`` when the module
    spells it as a list of strings, else every name without a leading
    underscore."""
    exported = module.scope.vars.get("__all__")
    names = _strings(exported)
    if names is not None:
        return {name: module.scope.vars[name] for name in names if name in module.scope.vars}
    return {name: value for name, value in module.scope.vars.items() if not name.startswith("_")}


def _strings(value: Value | None) -> list[str] | None:
    from .values import Const, Seq

    if isinstance(value, Seq) and all(isinstance(item, Const) and isinstance(item.value, str) for item in value.items):
        return [item.value for item in value.items]
    return None


# An imported module's body gets a budget of its own (a huge module leaves
# the names it has not reached opaque, and the importing file keeps its own).
MODULE_BUDGET = 60_000


class ImportFollower:
    """The interpreter's side of imports of project modules: load each one
    once per analysis, interpret its body in a scope of its own, and bind the
    names imported from it."""

    def __init__(self, interpreter, source: ModuleSource, path: str, out_of_budget: type[Exception]) -> None:
        self.interpreter = interpreter
        self.out_of_budget = out_of_budget  # the interpreter's BudgetExceeded
        self.source = source
        self.path = path
        self.modules: dict[str, ProjectModule] = {}  # by LoadedModule.path
        self.loaded: list[LoadedModule] = []  # in the order they were read
        self.importers: list[str] = [path]  # the module whose imports are being run, innermost last

    def module(self, name: str, level: int = 0) -> ProjectModule | None:
        """The project module ``name`` as the current module imports it."""
        if len(self.importers) > MAX_IMPORT_DEPTH:
            return None  # too deep: its names stay opaque
        try:
            if self._is_analysed_file(name, level):
                return None  # a cycle back to the file analysed: asked before it is parsed again
            if len(self.modules) >= MAX_MODULES and not self._may_be_read(name, level):
                return None  # no room for another module: not parsed only to be left opaque
            loaded = self.source.load(self.importers[-1], name, level)
        except (OSError, ValueError):
            return None
        if loaded is None or loaded.path == self.path:
            return None
        known = self.modules.get(loaded.path)
        if known is not None:
            return known  # memoised; or being imported now (a cycle): what it has bound so far
        if len(self.modules) >= MAX_MODULES:
            return None
        project = ProjectModule(loaded, name, Scope())
        self.modules[loaded.path] = project
        self.loaded.append(loaded)
        self._run_body(project)
        return project

    def _may_be_read(self, name: str, level: int) -> bool:
        """Whether the current module's import of ``name`` may be one of the
        modules already read (then ``module`` serves it from memory). A source
        that can say where a module is without reading it (``find``) answers
        exactly; any other is asked to load it, as before."""
        find = getattr(self.source, "find", None)
        if find is None:
            return True
        found = find(self.importers[-1], name, level)
        return found is not None and any(os.path.abspath(found) == os.path.abspath(path) for path in self.modules)

    def _is_analysed_file(self, name: str, level: int) -> bool:
        """Whether the current module's import of ``name`` names the file
        under analysis (a followed module importing it back), when the
        source can say where a module is without reading it."""
        find = getattr(self.source, "find", None)
        if find is None or len(self.importers) < 2:
            return False  # the analysed file's own imports never name itself (``find`` says so)
        found = find(self.importers[-1], name, level)
        return found is not None and os.path.abspath(found) == os.path.abspath(self.path)

    def defined_beside(self, name: str) -> Value | None:
        """The function ``name`` as the one sibling module (same directory)
        that defines it at its top level defines it, or None: a snippet's
        helper from another snippet of the same notebook
        (``init_weights_numpy`` in sol/ex_lstm_class_numpy.py, used by
        sol/ex_lstm_class_tensorflow.py)."""
        finder = getattr(self.source, "defining_sibling", None)
        if finder is None:
            return None
        try:
            sibling = finder(self.path, name)
        except (OSError, ValueError):
            return None
        if sibling is None:
            return None
        project = self.module(sibling)
        if project is None:
            return None
        from .values import FuncVal

        value = project.scope.vars.get(name)
        return value if isinstance(value, FuncVal) else None

    def bind_import(self, full: str, asname: str | None, scope: Scope) -> bool:
        """``import a.b`` (binds ``a``, with ``b`` its attribute) or ``import
        a.b as c``; False when ``full`` is no project module."""
        target = self.module(full)
        if target is None:
            return False
        if asname is not None:
            scope.vars[asname] = target
            return True
        parts = full.split(".")
        top = self.module(parts[0]) if len(parts) > 1 else target
        top = top or ProjectModule(None, parts[0], Scope())
        holder = top
        for index, part in enumerate(parts[1:-1], start=2):
            inner = holder.scope.vars.get(part)
            if not isinstance(inner, ProjectModule):
                inner = self.module(".".join(parts[:index])) or ProjectModule(None, part, Scope())
                holder.scope.vars[part] = inner
            holder = inner
        if holder is not target:
            holder.scope.vars[parts[-1]] = target
        scope.vars[parts[0]] = top
        return True

    def bind_from(self, base: str, level: int, names, scope: Scope) -> bool:
        """``from base import names`` (``names``: libcst's ImportStar or
        aliases); False when ``base`` is no project module."""
        from .values import Opaque, Origin, dotted

        submodules = self._submodules(base, level, names)
        if submodules is not None:
            # ``from keras.src import ops, tree``: the modules themselves,
            # without running the package's ``__init__``, which may import a
            # whole framework (its names are not what this import binds).
            for local, module in submodules:
                scope.vars[local] = module
            return True
        project = self.module(base, level)
        if project is None:
            if (level == 0 or base) and not self._has_submodule(base, level, names):
                return False
            # ``from . import ops`` or ``from sonnet.src import initializers``
            # with no __init__.py in the package's directory
            project = ProjectModule(None, base or ".", Scope())
        if isinstance(names, cst.ImportStar):
            scope.vars.update(top_level_names(project))
            return True
        for alias in names:
            name = dotted(alias.name)
            if name is None:
                continue
            local = alias_name(alias, name)
            value = project.scope.vars.get(name)
            if value is None:
                value = self.module(f"{base}.{name}" if base else name, level)
            scope.vars[local] = value if value is not None else Opaque(name, Origin("unknown", name=name))
        return True

    def _submodules(self, base: str, level: int, names) -> list[tuple[str, ProjectModule]] | None:
        """``(local name, module)`` for each name of ``from base import
        names`` when every one is a module of the project the source can
        find without reading the package (None otherwise)."""
        from .values import dotted

        find = getattr(self.source, "find", None)
        if find is None or isinstance(names, cst.ImportStar) or not base:
            return None
        found = []
        for alias in names:
            name = dotted(alias.name)
            if name is None or find(self.importers[-1], f"{base}.{name}", level) is None:
                return None
            local = alias_name(alias, name)
            found.append((local, name))
        out = []
        for local, name in found:
            module = self.module(f"{base}.{name}", level)
            if module is None:
                return None  # too deep, too many, or the file analysed: as before
            out.append((local, module))
        return out

    def _has_submodule(self, base: str, level: int, names) -> bool:
        """Whether ``from base import names`` names a module of the project
        (a package directory without ``__init__.py``)."""
        from .values import dotted

        if isinstance(names, cst.ImportStar):
            return False
        for alias in names:
            name = dotted(alias.name)
            if name is not None and self.module(f"{base}.{name}" if base else name, level) is not None:
                return True
        return False

    def _run_body(self, project: ProjectModule) -> None:
        from .frames import Frame
        from .values import Const

        interpreter = self.interpreter
        assert project.loaded is not None
        project.scope.vars["__name__"] = Const(project.name)  # ``if __name__ == "__main__":`` is not run on import
        saved = interpreter.steps, interpreter.budget, interpreter.foreign
        interpreter.steps, interpreter.budget, interpreter.foreign = 0, MODULE_BUDGET, saved[2] + 1
        self.importers.append(project.loaded.path)
        frame = Frame(project.scope, 0, None, None, None, None)
        try:
            for stmt in _definitions(project.loaded.module.body):
                interpreter.exec_stmt(stmt, frame)
        except (self.out_of_budget, RecursionError):
            pass  # what it bound so far stands; the rest stays opaque
        finally:
            self.importers.pop()
            interpreter.steps, interpreter.budget, interpreter.foreign = saved


def _definitions(body):
    """The statements of an imported module's body that define its names:
    definitions, imports, assignments, and the ``if`` / ``try`` blocks around
    them. A script's work at import time (``main()``, a training loop) is no
    part of what another file imports from it."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            smalls = [s for s in stmt.body if isinstance(s, (cst.Import, cst.ImportFrom, cst.Assign, cst.AnnAssign, cst.AugAssign))]
            if len(smalls) == len(stmt.body):
                yield stmt
            elif smalls:
                yield stmt.with_changes(body=smalls)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef, cst.If, cst.Try, cst.With)):
            yield stmt


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def catches_import_error(stmt: cst.Try) -> bool:
    """``try: from .ops import linear`` / ``except ImportError: ...``."""
    for handler in stmt.handlers:
        kind = handler.type
        if kind is None:
            return True
        names = [e.value for e in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
        if any(isinstance(n, cst.Name) and n.value in _IMPORT_ERRORS for n in names):
            return True
    return False


def keep_project_imports(before: dict[str, Value], scope: Scope) -> None:
    """After the handlers of an ``except ImportError``: a name the ``try``
    body bound to something of the project keeps it when a handler rebound
    it to a name that is not followed (a framework's fallback, an opaque
    import): the project's file is the one on disk."""
    from .values import ModuleRef, Opaque

    for name, value in before.items():
        now = scope.vars.get(name)
        if now is not value and isinstance(now, (ModuleRef, Opaque)) and not isinstance(value, (ModuleRef, Opaque)):
            scope.vars[name] = value
