"""The documentation a user reads matches the tool."""

from __future__ import annotations

from fixture_format import ROOT

from lstm_init_lint.output.docs import main as check_rule_pages
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


def options_of(command_name: str) -> list[str]:
    from lstm_init_lint.frontends.arguments import COMMANDS

    return [name for option in COMMANDS[command_name].options for name in option.names if name.startswith("--") and name != "--help"]


def test_readme_and_help_document_every_flag_and_command(capsys):
    from lstm_init_lint.frontends.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert main(["--help"]) == 0
    help_text = capsys.readouterr().out
    options = options_of("check")
    assert {"--select", "--ignore", "--exit-zero", "--config", "--show-settings", "--force-exclude", "--stdin-filename", "--match"} <= set(options)
    for option in options:
        assert f"`{option}" in readme, f"{option} is not in the README"
        assert option in help_text, f"{option} is not in --help"
    for command in ("lstm-init-lint rules", "lstm-init-lint explain", "lstm-init-lint verify"):
        assert command in readme, command
    for command in ("check", "rules", "explain", "verify"):
        assert f"\n  {command} " in help_text, f"{command} is not among the commands --help lists"
    for fmt in ("text", "json", "sarif", "github"):
        assert fmt in help_text
    assert main(["verify", "--help"]) == 0
    verify_help = capsys.readouterr().out
    for option in options_of("verify"):
        assert option in verify_help and f"`{option}" in readme, option


def test_help_has_one_usage_line_in_the_tool_s_words(capsys):
    from lstm_init_lint.frontends.cli import main

    assert main(["--help"]) == 0
    help_text = capsys.readouterr().out
    usage = [line for line in help_text.splitlines() if line.lower().startswith("usage")]
    assert usage == ["usage: lstm-init-lint [COMMAND] [OPTIONS] [PATHS]..."]
    assert "check [OPTIONS]" not in help_text and "<list" not in help_text and "Path]" not in help_text


def test_readme_documents_pre_commit_and_configuration():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "# .pre-commit-config.yaml" in readme and "id: lstm-init-lint" in readme
    assert "[tool.lstm-init-lint.per-file-ignores]" in readme and "select = [" in readme
    assert "flake8 --select LST" in readme and "notebook_cell" in readme
