"""Every fixture's findings, exactly as its .expected file lists them.

The quiet fixtures (negatives and already-correct cells, whose .expected file
is empty) run first: staying silent where we must is checked before speaking
where we should.
"""

from __future__ import annotations

import pytest
from fixture_format import FIXTURES, as_line, read_expected

from lstm_init_lint.engine import lint_source
from lstm_init_lint.model import Settings


def _cases():
    cases = []
    for path in sorted(FIXTURES.glob("*.py")):
        for reference, suffix in (("keras", ".expected"), ("tf1", ".tf1.expected")):
            expected = path.with_name(path.stem + suffix)
            if reference == "tf1" and not expected.exists():
                expected = path.with_name(path.stem + ".expected")
            lines = read_expected(expected)
            cases.append(pytest.param(path, reference, lines, id=f"{path.stem}[{reference}]"))
    # Quiet cases first.
    return sorted(cases, key=lambda case: bool(case.values[2]))


def test_every_fixture_has_an_expected_file():
    for path in FIXTURES.glob("*.py"):
        assert path.with_name(path.stem + ".expected").exists(), f"{path.name} has no .expected file"


@pytest.mark.parametrize(("path", "reference", "expected"), _cases())
def test_fixture_findings(path, reference, expected):
    result = lint_source(path.read_bytes(), str(path), Settings(reference=reference))
    assert result.error is None
    assert [as_line(f) for f in result.findings] == expected


def test_the_fixtures_cover_every_rule_and_both_cell_kinds():
    seen = set()
    for path in FIXTURES.glob("*.expected"):
        for line in read_expected(path):
            _, code, cell, role, *_ = line.split()
            seen.update({code, cell, role})
    from lstm_init_lint.rules import RULES

    assert {rule.code for rule in RULES} <= seen
    assert {"lstm", "gru"} <= seen
    assert {"input_kernel", "recurrent_kernel", "fused_kernel", "bias", "forget_bias", "peephole", "projection"} <= seen
