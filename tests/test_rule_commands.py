"""`lstm-init-lint rules` and `lstm-init-lint explain CODE`: the rule docs at
hand, from the same source as docs/rules/."""

from __future__ import annotations

from fixture_format import ROOT

from lstm_init_lint.frontends.cli import main
from lstm_init_lint.rules import RULES


def test_rules_lists_code_name_and_summary(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES):
        code, name, summary = line.split(maxsplit=2)
        assert (code, name, summary) == (rule.code, rule.name, rule.summary())


def test_explain_prints_the_rule_page_exactly(capsys):
    for rule in RULES:
        assert main(["explain", rule.code]) == 0
        page = (ROOT / "docs" / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")
        assert capsys.readouterr().out == page


def test_explain_accepts_lower_case(capsys):
    assert main(["explain", "lst004"]) == 0
    assert capsys.readouterr().out.startswith("# LST004 `forget-gate-bias`")


def test_explain_an_unknown_code_is_an_error(capsys):
    assert main(["explain", "LST999"]) == 2
    assert "unknown rule 'LST999'; the rules: LST001 (recurrent-kernel-init), LST002" in capsys.readouterr().err


def test_a_path_is_still_linted_by_default(tmp_path, capsys):
    """The commands sit beside the default check: a plain path still lints."""
    (tmp_path / "good.py").write_text("x = 1\n")
    assert main([str(tmp_path)]) == 0
    assert main(["check", str(tmp_path)]) == 0
