"""The package's modules import one another without a cycle: the pipeline
reads one way (source -> analysis -> rules -> engine -> run -> output), and
none is hidden in a function-level import either.

A function-level import that only defers a heavy one (libcst, TensorFlow) may
close a cycle, since it runs after both modules are loaded; each is listed
in ``DEFERRED``, with what it defers, so a new one is a decision, not an
accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lstm_init_lint"

# (importer, imported): what the function-level import defers.
DEFERRED: dict[tuple[str, str], str] = {
    ("lstm_init_lint.frontends.start", "lstm_init_lint.frontends.cli"): "the full command line (argument parser, configuration, runner), which the lean start imports only when a file may hold a cell",
}


def _modules() -> dict[str, tuple[Path, bool]]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


MODULES = _modules()


def _imports(name: str) -> list[tuple[str, bool]]:
    """(module imported, at the top level?) for every import that runs:
    at the top, in functions and in classes, not under ``if TYPE_CHECKING``."""
    path, is_package = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if is_package else name.rsplit(".", 1)[0]
    never_run = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if id(node) in never_run:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            if target in MODULES:
                found.append((target, id(node) in top_level))
    return found


def _graph() -> dict[str, set[str]]:
    """Importer -> imported, including the packages an import initialises on
    the way (``from ..rules.base import X`` runs ``rules/__init__``)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _ in _imports(name):
            parts = target.split(".")
            for depth in range(2, len(parts) + 1):
                step = ".".join(parts[:depth])
                if step in MODULES and not (name == step or name.startswith(step + ".")) and (name, step) not in DEFERRED:
                    graph[name].add(step)
    return graph


def _a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_walk_sees_the_package_and_its_function_level_imports():
    graph = _graph()
    assert "lstm_init_lint.engine" in graph and "lstm_init_lint.analysis.interpreter" in graph
    # engine imports the analysis inside lint's functions (libcst loads only when a file is parsed).
    assert "lstm_init_lint.analysis" in graph["lstm_init_lint.engine"]


def test_no_import_cycle():
    cycle = _a_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_each_allowed_deferred_import_exists_and_is_inside_a_function():
    for (importer, imported), defers in DEFERRED.items():
        imports = [top for target, top in _imports(importer) if target == imported] if importer in MODULES else []
        assert imports, f"{importer} no longer imports {imported}: remove it from DEFERRED ({defers})"
        assert not any(imports), f"{importer} imports {imported} at the top level, which DEFERRED allows only inside a function"
