"""# noqa on the creation line, --select / --ignore / --exit-zero: what a
user silences is silenced in one place (api.lint_source), for the report
and for the fixer alike."""

from __future__ import annotations

import json

import pytest
from sample_cells import ONE_FINDING, THREE_FINDINGS

from lstm_init_lint.engine import detect, lint_source
from lstm_init_lint.frontends.cli import main
from lstm_init_lint.model import Settings


def with_comment(source: str, line: int, comment: str) -> str:
    lines = source.split("\n")
    lines[line - 1] += comment
    return "\n".join(lines)


def codes_of(source: str, settings: Settings | None = None) -> list[str]:
    result = lint_source(source.encode(), "cell.py", settings)
    assert result.error is None
    return [f.code for f in result.findings]


# Quiet first: comments that must NOT silence anything.


@pytest.mark.parametrize(
    "comment",
    [
        "  # noqa: LST002",  # another rule's code
        "  # noqa: E501",  # another tool's code
        "  # no qa",
        "  # noqa-ish",
    ],
)
def test_comments_that_do_not_silence_the_finding(comment):
    source = with_comment(ONE_FINDING, 7, comment)
    assert codes_of(source) == ["LST001"]


def test_noqa_on_another_line_does_not_silence():
    # Line 12 uses self.U; the finding is at its creation, line 7.
    assert codes_of(with_comment(ONE_FINDING, 12, "  # noqa")) == ["LST001"]


def test_noqa_inside_a_string_is_not_a_comment():
    source = ONE_FINDING.replace(
        "self.U = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))",
        'self.U = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1), name="# noqa")',
    )
    assert codes_of(source) == ["LST001"]


@pytest.mark.parametrize("comment", ["  # noqa", "  # noqa: LST001", "  # NOQA:LST001", "  # noqa: E501, LST001", "  # noqa: LST00", "  # type: ignore  # noqa: LST001"])
def test_noqa_on_the_creation_line_silences(comment):
    assert codes_of(with_comment(ONE_FINDING, 7, comment)) == []


def test_noqa_with_codes_silences_only_those():
    source = with_comment(THREE_FINDINGS, 6, "  # noqa: LST001")  # LST002 is on line 6
    assert codes_of(source) == ["LST002", "LST001", "LST004"]
    source = with_comment(THREE_FINDINGS, 8, "  # noqa: LST004")
    assert codes_of(source) == ["LST002", "LST001"]


def test_the_detector_itself_is_unfiltered_for_flake8():
    source = with_comment(ONE_FINDING, 7, "  # noqa")
    assert [f.code for f in detect(source.encode(), "cell.py").findings] == ["LST001"]


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ((), (), ["LST002", "LST001", "LST004"]),
        (("LST001",), (), ["LST001"]),
        (("LST00",), ("LST004",), ["LST002", "LST001"]),
        ((), ("LST00",), []),
        (("LST001",), ("LST00",), ["LST001"]),  # the longer code wins
        (("LST00",), ("LST00",), []),  # a tie: ignore wins
    ],
)
def test_select_and_ignore_settings(select, ignore, expected):
    assert codes_of(THREE_FINDINGS, Settings(select=select, ignore=ignore)) == expected


def test_cli_select_ignore_and_noqa_together(tmp_path, capsys):
    path = tmp_path / "cell.py"
    path.write_text(with_comment(THREE_FINDINGS, 7, "  # noqa: LST001"))
    assert main(["-f", "json", "--select", "LST001", "--select", "LST004", str(path)]) == 1
    assert [f["code"] for f in json.loads(capsys.readouterr().out)] == ["LST004"]
    assert main(["--ignore", "LST004,LST002", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "All checks passed (1 file checked)."


def test_exit_zero_reports_but_exits_0(tmp_path, capsys):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    assert main(["--exit-zero", str(tmp_path)]) == 0
    assert "LST001" in capsys.readouterr().out


def test_exit_zero_still_exits_2_on_a_file_that_cannot_be_analysed(tmp_path, capsys):
    (tmp_path / "broken.py").write_text("def f(:\nimport tensorflow as tf\nW = tf.Variable(w) @ U\n")  # may hold a cell: parsed
    assert main(["--exit-zero", str(tmp_path)]) == 2
    assert "broken.py:1" in capsys.readouterr().err
