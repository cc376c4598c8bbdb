"""The places of chosen nodes are exactly what libcst's PositionProvider
gives, whichever nodes are chosen."""

from __future__ import annotations

import libcst as cst
import pytest
from fixture_format import FIXTURES, is_python2
from libcst.metadata import MetadataWrapper, PositionProvider

from lstm_init_lint.analysis.positions import all_positions, positions_of
from lstm_init_lint.source.python2 import read_python2


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.stem)
def test_chosen_positions_are_the_providers(path):
    source = path.read_bytes()
    if is_python2(path):  # the analysis reads its Python 3 translation
        source = read_python2(source).translated_source
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert dict(all_positions(module)) == dict(expected)
    nodes = list(expected)
    for chosen in (nodes, nodes[::7], nodes[3::11], [nodes[-1]], [nodes[len(nodes) // 2]]):
        found = positions_of(module, chosen)
        assert {node: found[node] for node in chosen} == {node: expected[node] for node in chosen}


def test_a_node_from_another_tree_falls_back_to_every_position():
    module = cst.parse_module("x = 1\n")
    stranger = cst.parse_module("y = 2\n").body[0]
    assert positions_of(module, [stranger]) == all_positions(module)
