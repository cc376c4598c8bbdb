"""Each rule's own examples: the VALID programs give no finding of its code,
each INVALID program exactly one. The same examples are on the rule's page."""

from __future__ import annotations

import pytest
from conftest import lint

from lstm_init_lint.rules import RULES, _cells

VALID = [pytest.param(rule, source, id=f"{rule.code}-valid-{i}") for rule in RULES for i, source in enumerate(rule.VALID)]
INVALID = [pytest.param(rule, source, id=f"{rule.code}-invalid-{i}") for rule in RULES for i, source in enumerate(rule.INVALID)]


@pytest.mark.parametrize(("rule", "source"), VALID)
def test_valid_examples_are_quiet(rule, source):
    assert [f.message for f in lint(source) if f.code == rule.code] == []


@pytest.mark.parametrize(("rule", "source"), INVALID)
def test_invalid_examples_give_one_finding(rule, source):
    findings = [f for f in lint(source) if f.code == rule.code]
    assert len(findings) == 1, [f.message for f in lint(source)]
    finding = findings[0]
    assert finding.role in rule.roles
    assert finding.message.count("\n") == 0


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_documents_itself(rule):
    sections = rule.sections()
    for heading in ("What it does", "Why it matters", "Example", "Use instead", "Fix safety"):
        assert sections.get(heading), f"{rule.code} lacks '{heading}'"
    assert "changes how the model trains" in sections["Fix safety"]
    assert rule.VALID and rule.INVALID
    assert rule.code.startswith("LST") and len(rule.code) == 6


def test_a_superseded_code_is_a_registered_rule():
    codes = {rule.code for rule in RULES}
    for rule in RULES:
        assert set(rule.supersedes) <= codes - {rule.code}, rule.code



def test_a_bias_wrong_in_every_gate_is_one_lst005_finding_forget_slice_included():
    (finding,) = [f for f in lint(_cells.lstm(b="tf.random.normal([4 * units], stddev=0.1)")) if f.code in ("LST004", "LST005")]
    assert finding.code == "LST005"
    # What it asks for has the forget slice at 1: nothing is left for LST004 to say.
    assert [piece.name for _, _, _, piece in finding.expected.pieces] == ["zeros", "ones", "zeros"]


def test_a_bias_wrong_only_in_its_forget_slice_is_lst004():
    codes = [f.code for f in lint(_cells.lstm(b="tf.zeros([4 * units])")) if f.code in ("LST004", "LST005")]
    assert codes == ["LST004"]
