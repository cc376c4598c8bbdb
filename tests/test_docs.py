"""The documentation a user reads matches the tool."""

from __future__ import annotations

from fixture_format import ROOT

from lstm_init_lint.docs import main as check_rule_pages
from lstm_init_lint.rules import RULES


def test_rule_pages_are_generated_from_the_rules():
    assert check_rule_pages([str(ROOT / "docs" / "rules"), "--check"]) == 0


def test_readme_names_every_rule_and_flag():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert rule.code in readme and f"docs/rules/{rule.code}.md" in readme
    for flag in ("--format", "--reference", "--version"):
        assert flag in readme


def test_readme_test_command_is_what_ci_runs():
    """The README's test command and .ci/run's last line are the same."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in readme
