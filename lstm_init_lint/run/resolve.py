"""The project's own modules, read from disk for the analysis of one file.

``analysis.modules`` asks for a module by the name a file imports it by; this
finds it where Python would for that project: beside the importing file, in
each directory above it up to the project root (the nearest directory above
it holding ``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``; without
one, up to the current directory) and, for a relative import, in the
importing file's package. It reads and parses each file once per process
(checked again by size and modification time), behind the same limits as a
file named on the command line and a lower one on size
(``limits.MAX_FOLLOWED_BYTES``); a module that cannot be read or parsed, or
is larger than that, is simply not found. Files passed one at a time (pre-commit, an editor's
``--stdin-filename``) resolve their imports the same way.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from ..model import FileError

if TYPE_CHECKING:  # the analysis imports libcst: only a file that is analysed needs it
    from ..analysis.modules import LoadedModule

_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


class DiskModules:
    def __init__(self) -> None:
        # absolute path -> ((size, mtime_ns), LoadedModule or None)
        self._read: dict[str, tuple[tuple[int, int], LoadedModule | None]] = {}
        self._roots: dict[str, str | None] = {}
        self._found: dict[tuple[str, str, int], str | None] = {}
        self._raw: dict[str, bytes | None] = {}
        # project root -> (absolute path -> the project files that import it and may run a step)
        self._importers: dict[str, dict[str, list[str]]] = {}
        self._listed: dict[str, list[str] | None] = {}  # project root -> its .py files (None: too many)
        self._graphs: dict[str, dict[str, list[str]]] = {}  # project root -> each file's project imports
        self._gated: dict[str, dict[str, bool]] = {}  # project root -> whether each file spells a gate word
        self._scoping: dict[str, set[str]] = {}  # project root -> its files opening a scope initializer

    def load(self, importer: str, name: str, level: int) -> LoadedModule | None:
        found = self.find(importer, name, level)
        return self._loaded(found, importer) if found is not None else None

    def find(self, importer: str, name: str, level: int) -> str | None:
        """The file of module ``name`` as ``importer`` imports it, or None."""
        here = os.path.dirname(os.path.abspath(importer))
        key = (here, name, level)
        if key not in self._found:  # speed: every file of a directory imports tensorflow, numpy, os...
            self._found[key] = self._find(here, name, level)
        found = self._found[key]
        return found if found is not None and found != os.path.abspath(importer) else None

    def _find(self, here: str, name: str, level: int) -> str | None:
        parts = [p for p in name.split(".") if p]
        if level:
            base = here
            for _ in range(level - 1):
                base = os.path.dirname(base)
            places = [base]
        else:
            if not parts or parts[0] in _frameworks():
                # A framework's own package (``keras.src.ops``) is no module of
                # the project, even where its source lies in the tree linted (a
                # checkout of Keras, a vendored copy): its calls are the
                # operations table's, as the pre-filter and the gate take them.
                return None
            places = self._places(here)
        for place in places:
            found = _module_file(place, parts)
            if found is not None:
                return os.path.abspath(found)
        return None

    def defining_sibling(self, importer: str, name: str) -> str | None:
        """The module name of the one ``.py`` file beside ``importer`` that
        defines a top-level function ``name`` (None: none, or more than one;
        only small directories of small files are looked through)."""
        here = os.path.dirname(os.path.abspath(importer))
        try:
            entries = sorted(e for e in os.listdir(here) if e.endswith(".py"))
        except OSError:
            return None
        if len(entries) > _MAX_SIBLINGS:
            return None
        definition = re.compile(rb"^def[ \t]+" + re.escape(name.encode()) + rb"[ \t]*\(", re.M)
        found = []
        for entry in entries:
            path = os.path.join(here, entry)
            if path == os.path.abspath(importer) or not entry[:-3].isidentifier():
                continue
            data = self.raw(path)
            if data is not None and len(data) <= _MAX_SIBLING_BYTES and definition.search(data):
                found.append(entry[:-3])
        return found[0] if len(found) == 1 else None

    def same_file(self, one: str, other: str) -> bool:
        return os.path.abspath(one) == os.path.abspath(other)

    def importers(self, path: str) -> list[LoadedModule]:
        """The modules of ``path``'s project that import it and apply a gate
        activation or import a module that does (a layer class importing
        its parameters and its step), read and parsed, in path order: where
        the analysis looks for the step of weights that reach no cell in
        their own file."""
        found = (self._loaded(importer, path) for importer in self.importer_paths(path))
        return [module for module in found if module is not None]

    def importer_paths(self, path: str) -> list[str]:
        """``importers``' files, without reading them as modules: from one
        scan of the project's ``.py`` files per process (each import
        resolved as ``find`` resolves it), none in a project past
        ``_MAX_PROJECT_FILES`` files."""
        target = os.path.abspath(path)
        root = self.project_root(os.path.dirname(target))
        if root not in self._importers:
            self._importers[root] = self._scan_importers(root)
        return self._importers[root].get(target, [])

    def _scan_importers(self, root: str) -> dict[str, list[str]]:
        graph = self._graph_of(root)
        gated = self._gated[root]
        out: dict[str, list[str]] = {}
        for candidate, imported in graph.items():
            if not (gated[candidate] or any(gated.get(other, False) for other in imported)):
                continue
            for target in imported:
                out.setdefault(target, []).append(candidate)
        return out

    def _graph_of(self, root: str) -> dict[str, list[str]]:
        """Each project file's imports of other project files (once per
        process; none in too large a tree), and which spell a gate word."""
        if root not in self._graphs:
            gated: dict[str, bool] = {}
            graph: dict[str, list[str]] = {}
            scoping: set[str] = set()
            for candidate in self._files_of(root) or []:
                data = _read_head(candidate)
                if data is None:
                    continue
                gated[candidate] = any(gate in data for gate in _GATE_WORDS)
                if _opens_scope_initializer(data):
                    scoping.add(candidate)
                graph[candidate] = sorted({found for found in (self.find(candidate, name, level) for name, level in import_names(data)) if found is not None})
            self._graphs[root], self._gated[root], self._scoping[root] = graph, gated, scoping
        return self._graphs[root]

    def scope_initializer_elsewhere(self, path: str) -> bool | None:
        """Whether a ``.py`` file of ``path``'s project that imports it, or
        imports a module that does (up to ``_SCOPE_IMPORT_DEPTH`` imports
        away), spells a ``variable_scope(..., initializer=...)`` or
        ``set_initializer`` (a caller's scope that may reach an RNNCell's
        variables); None when the project is too large to tell or a file
        could not be read."""
        target = os.path.abspath(path)
        root = self.project_root(os.path.dirname(target))
        if self._files_of(root) is None:
            return None
        graph = self._graph_of(root)
        reaching, frontier = set(), {target}
        for _ in range(_SCOPE_IMPORT_DEPTH):
            frontier = {f for f, imported in graph.items() if frontier.intersection(imported)} - reaching - {target}
            reaching |= frontier
        return bool(reaching & self._scoping[root])

    def _files_of(self, root: str) -> list[str] | None:
        """The project's ``.py`` files, listed once per process (None: past
        ``_MAX_PROJECT_FILES``, too large a tree to scan)."""
        if root not in self._listed:
            files: list[str] | None = []
            for directory, subdirectories, names in os.walk(root):
                subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d not in _NOT_PROJECT_DIRECTORIES)
                files.extend(os.path.abspath(os.path.join(directory, n)) for n in sorted(names) if n.endswith(".py"))
                if len(files) > _MAX_PROJECT_FILES:
                    files = None
                    break
            self._listed[root] = files
        return self._listed[root]

    def raw(self, path: str) -> bytes | None:
        """A module's bytes for the pre-filter (read once per process)."""
        if path not in self._raw:
            try:
                with open(path, "rb") as handle:
                    self._raw[path] = handle.read(_MAX_READ)
            except OSError:
                self._raw[path] = None
        return self._raw[path]

    def _places(self, here: str) -> list[str]:
        """Where an absolute import is looked for: the importing file's
        directory and each directory above it up to the project root (or, in
        a tree without a root marker, up to the current directory, where a
        run starts: ``from src.common_ops import lstm`` in ``src/ptb/x.py``)."""
        top = self.project_root(here)
        places = [here]
        current = here
        while current != top:
            parent = os.path.dirname(current)
            if parent == current:
                break
            places.append(parent)
            current = parent
        return places

    def project_root(self, directory: str) -> str:
        """The top of the project ``directory`` is in: the nearest directory
        at or above it with a root marker; without one, the current directory
        when ``directory`` is under it, else ``directory`` itself."""
        top = self._root(directory)
        if top is None:
            cwd = os.getcwd()
            top = cwd if inside(directory, cwd) else directory
        return top

    def _root(self, directory: str) -> str | None:
        if directory not in self._roots:
            current = directory
            found = None
            while True:
                if any(os.path.exists(os.path.join(current, marker)) for marker in _ROOT_MARKERS):
                    found = current
                    break
                parent = os.path.dirname(current)
                if parent == current:
                    break
                current = parent
            self._roots[directory] = found
        return self._roots[directory]

    def _loaded(self, path: str, importer: str) -> LoadedModule | None:
        absolute = os.path.abspath(path)
        try:
            status = os.stat(absolute)
        except OSError:
            return None
        stamp = (status.st_size, status.st_mtime_ns)
        known = self._read.get(absolute)
        if known is not None and known[0] == stamp:
            return known[1]
        named = absolute if os.path.isabs(importer) else os.path.relpath(absolute)
        loaded = _read_module(absolute, named)
        self._read[absolute] = (stamp, loaded)
        return loaded


def _frameworks() -> frozenset[str]:
    """The top-level names that are never the project's. ``knowledge.apis``
    is imported when an import is first resolved, not with this module: the
    runner imports this module, and a run whose files are all passed over
    never loads the operations table."""
    from ..knowledge.apis import NOT_PROJECT_MODULES

    return NOT_PROJECT_MODULES


def _module_file(place: str, parts: list[str]) -> str | None:
    """``place/a/b.py`` or ``place/a/b/__init__.py`` for ``a.b`` (the package's
    ``__init__.py`` for no parts: ``from . import x``)."""
    directory = os.path.join(place, *parts)
    if parts and os.path.isfile(directory + ".py"):
        return directory + ".py"
    init = os.path.join(directory, "__init__.py")
    if os.path.isfile(init):
        return init
    return None


def _read_module(absolute: str, named: str) -> LoadedModule | None:
    from ..source.limits import MAX_FOLLOWED_BYTES
    from ..source.parse import parse
    from .cache import digest
    from .read import read_source

    source = read_source(absolute)
    if isinstance(source, FileError) or len(source) > MAX_FOLLOWED_BYTES:
        return None
    module = parse(source, named)
    if isinstance(module, FileError):
        from ..source.python2 import parse_python2

        read = parse_python2(source, named, module)
        if read is None:
            return None
        module = read[0]
    from ..analysis.modules import LoadedModule

    return LoadedModule(named, module, digest(source), package=absolute.endswith("__init__.py"))


# ``import a.b, c as d`` and ``from .x import y`` at the start of a line
# (the pre-filter's view: a statement inside a function counts as well).
_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import\b([^\r\n#]*)|import[ \t]+([^\r\n#;]+))", re.M)


# A file that spells none of these holds no part of a cell itself (no weight,
# no product, no gate): its imports are not read for the pre-filter.
# (Speed: a library's files import each other everywhere; only a file that
# creates weights or applies a gate activation itself is read with its imports.)
_CELL_WORDS = (b"ariable", b"add_weight", b"sigmoid", b"tanh")


def imported_sources(source: bytes, path: str, limit: int = 8, budget: int = 1_000_000) -> list[bytes]:
    """The bytes of the project modules ``source`` imports (at most
    ``limit`` modules, ``budget`` bytes): the pre-filter reads a file together
    with them, since a cell's weights or maths may be spelled only there."""
    if not any(word in source for word in _CELL_WORDS):
        return []
    modules = disk_modules()
    found: list[bytes] = []
    seen = {os.path.abspath(path)}
    queue = [(source, path)]
    while queue and len(found) < limit and budget > 0:
        text, importer = queue.pop()
        for name, level in import_names(text):
            file = modules.find(importer, name, level)
            if file is None or os.path.abspath(file) in seen:
                continue
            seen.add(os.path.abspath(file))
            data = modules.raw(file)
            if data is None:
                continue
            budget -= len(data)
            found.append(data)  # the file's own imports only: a helper module's imports are not read
    return found


def _read_head(path: str) -> bytes | None:
    """A file's bytes for the importer scan (None: unreadable or too large)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_IMPORTER_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= _MAX_IMPORTER_BYTES else None


# ``variable_scope("rnn", initializer=...)`` (arguments over a few lines,
# one level of parentheses inside) or ``scope.set_initializer(...)``.
_SCOPE_INITIALIZER = re.compile(rb"variable_scope\((?:[^()]|\([^()]*\))*?\binitializer\s*=|\bset_initializer\s*\(")


def _opens_scope_initializer(data: bytes) -> bool:
    return _SCOPE_INITIALIZER.search(data) is not None


def import_names(text: bytes) -> list[tuple[str, int]]:
    """(dotted name, level) of each module ``text`` may import, as spelled:
    ``from . import ops`` may import ``.ops`` as well as the package."""
    candidates: list[tuple[str, int]] = []
    for match in _IMPORT.finditer(text):
        dots, base, names, plain = match.groups()
        if plain is not None:
            for item in plain.split(b","):
                name = item.strip().split()[0] if item.strip() else b""
                candidates.append((name.decode("ascii", "replace"), 0))
        else:
            level = len(dots)
            base_name = base.decode("ascii", "replace")
            candidates.append((base_name, level))
            for item in names.strip(b" \t()\\").split(b","):  # ``from . import ops``: ops may be a module
                word = item.strip().split()[0] if item.strip() else b""
                if word and word != b"*":
                    joined = f"{base_name}.{word.decode('ascii', 'replace')}" if base_name else word.decode("ascii", "replace")
                    candidates.append((joined, level))
    return [(name, level) for name, level in candidates if name or level]


_MAX_READ = 4_000_000  # bytes of one imported module the pre-filter reads
# A snippet's helper is looked for beside it only in a directory of a few small files.
_MAX_SIBLINGS = 32
_MAX_SIBLING_BYTES = 200_000

# The importer scan (``DiskModules.importers``): a project's tree is listed
# once per process, and not scanned at all past this many files; an importer
# past this size is not read for it.
_MAX_PROJECT_FILES = 2000
_MAX_IMPORTER_BYTES = 200_000
_SCOPE_IMPORT_DEPTH = 3  # a training script -> its model -> the cell's module
_NOT_PROJECT_DIRECTORIES = frozenset({"__pycache__", "node_modules", "site-packages"})
# What a module that runs a cell's step spells (its gate activations).
_GATE_WORDS = (b"sigmoid", b"tanh")

_DISK: DiskModules | None = None


class ImportersOnly:
    """The module source of a file whose own imports are not followed
    (``runner.modules_for``: speed): its imports stay opaque, but the
    modules that import it are still found (``DiskModules.importers``) and
    analysed with every import followed, should its weights reach no cell."""

    follows_imports = False

    def __init__(self, following: DiskModules) -> None:
        self.following = following
        self.importers = following.importers
        self.same_file = following.same_file
        self.scope_initializer_elsewhere = following.scope_initializer_elsewhere

    def load(self, importer: str, name: str, level: int) -> LoadedModule | None:
        return None


def importers_only() -> ImportersOnly:
    return ImportersOnly(disk_modules())


def inside(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or below it."""
    path, directory = os.path.abspath(path), os.path.abspath(directory)
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def disk_modules() -> DiskModules:
    """This process's reader (each worker of a run has its own)."""
    global _DISK
    if _DISK is None:
        _DISK = DiskModules()
    return _DISK


def modules_unchanged(modules: tuple[tuple[str, str], ...]) -> bool:
    """Whether every module a cached result read still has the same bytes."""
    from .cache import digest

    for path, known in modules:
        try:
            with open(path, "rb") as handle:
                if digest(handle.read()) != known:
                    return False
        except OSError:
            return False
    return True
