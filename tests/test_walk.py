"""The fast tree reading (``source/walk.py``) answers as libcst does: the same
children in the same order for every node, and the same visits in the same
order, on every Python 3 fixture and on this package's own sources."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from lstm_init_lint.source.walk import children, descendants, walk

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in [*(ROOT / "fixtures").rglob("*.py"), *(ROOT / "lstm_init_lint").rglob("*.py")] if p.stat().st_size > 200)


def _parsed(path: Path) -> cst.Module | None:
    try:
        return cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        return None  # a Python 2 fixture


class _Recorder(cst.CSTVisitor):
    """Every visit and leave, and no descent into function bodies (a visit
    returning False), as the analysis' visitors do."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        return not isinstance(node, cst.FunctionDef)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))


class _ByName(cst.CSTVisitor):
    """The same, through ``visit_<Node>`` / ``leave_<Node>`` methods (the
    only hooks ``walk`` calls)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.events.append(("visit", id(node)))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.events.append(("visit", id(node)))
        return False

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.events.append(("leave", id(original_node)))

    def visit_Call(self, node: cst.Call) -> None:
        self.events.append(("visit", id(node)))

    def leave_Call(self, original_node: cst.Call) -> None:
        self.events.append(("leave", id(original_node)))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_children_are_libcsts_in_its_order(path: Path) -> None:
    module = _parsed(path)
    if module is None:
        pytest.skip("not Python 3")
    nodes = list(descendants(module))
    assert len(nodes) > 5
    for node in nodes:
        assert [id(c) for c in children(node)] == [id(c) for c in node.children], type(node).__name__


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: str(p.relative_to(ROOT)))
def test_walk_visits_as_libcst_does(path: Path) -> None:
    module = _parsed(path)
    if module is None:
        pytest.skip("not Python 3")
    expected, got = _ByName(), _ByName()
    module.visit(expected)
    walk(module, got)
    assert got.events == expected.events
    # ``walk`` calls only the named hooks; libcst's own ``on_visit`` order is
    # what ``descendants`` must follow when nothing is skipped.
    recorder = _Recorder()
    module.visit(recorder)
    visited = [node_id for event, node_id in recorder.events if event == "visit"]
    assert visited == [id(n) for n in _descendants_skipping_bodies(module)]


def _descendants_skipping_bodies(root: cst.CSTNode) -> list[cst.CSTNode]:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, cst.FunctionDef):
            stack.extend(reversed(children(node)))
    return out
