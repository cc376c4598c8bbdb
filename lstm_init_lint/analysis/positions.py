"""Where chosen nodes are in the source, as ``PositionProvider`` says.

Speed, not meaning: libcst's ``PositionProvider`` generates the module's code
and records a range for every node, which cost more than parsing the file.
A finding needs the places of a few nodes, so ``positions_of`` generates the
code with the provider's own rules but records only the nodes asked for, and
stops once the last of them is written. Anything unexpected (a node whose
range is taken from children that were not recorded, libcst internals that
moved) falls back to the full provider: the ranges are the same either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

try:
    from libcst.metadata.position_provider import PositionProvidingCodegenState
except ImportError:  # moved in some libcst release: positions_of falls back
    PositionProvidingCodegenState = object  # type: ignore[assignment,misc]

_NOTHING = contextlib.nullcontext()


def all_positions(module: cst.Module) -> Mapping[cst.CSTNode, object]:
    """Every node's range (asked of the provider directly: through
    ``MetadataWrapper`` libcst first walks the whole tree once more)."""
    provider = PositionProvider()
    try:
        provider._gen_impl(module)
        return provider._computed
    except AttributeError:
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def positions_of(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Mapping[cst.CSTNode, object]:
    """The ranges of ``nodes`` (at least), as ``all_positions`` gives them."""
    try:
        return _chosen_positions(module, {id(node): node for node in nodes})
    except Exception:  # noqa: BLE001 - a libcst we do not know: do it the plain way
        return all_positions(module)


class _AllWritten(Exception):
    pass


@dataclass(frozen=False)
class _ChosenOnly(PositionProvidingCodegenState):
    """The provider's code generation state, recording only ``chosen``:
    the same start and end rules, without a range object (and a context
    manager) for every other node."""

    chosen: dict[int, cst.CSTNode] = field(default_factory=dict)
    left: int = 0

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.chosen:
            PositionProvidingCodegenState.before_codegen(self, node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.chosen:
            PositionProvidingCodegenState.after_codegen(self, node)
            self.left -= 1
            if self.left == 0:
                raise _AllWritten

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None):
        if id(node) not in self.chosen:
            return _NOTHING
        return PositionProvidingCodegenState.record_syntactic_position(self, node, start_node=start_node, end_node=end_node)


def _chosen_positions(module: cst.Module, chosen: dict[int, cst.CSTNode]) -> dict[cst.CSTNode, object]:
    found: dict[cst.CSTNode, object] = {}
    if not chosen:
        return found
    state = _ChosenOnly(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=SimpleNamespace(_computed=found),
        chosen=chosen,
        left=len(chosen),
    )
    try:
        module._codegen(state)
    except _AllWritten:
        pass
    if any(node not in found for node in chosen.values()):
        raise LookupError("a chosen node was not written")
    return found
