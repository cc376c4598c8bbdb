"""The flake8 front end: the real flake8, with the plugin installed through
its entry point, reports what lstm-init-lint reports."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sample_cells import CLEAN, THREE_FINDINGS, run_tool, tool


def flake8(*args, cwd=None, input=None) -> subprocess.CompletedProcess:
    executable = tool("flake8")
    command = [executable] if executable else [sys.executable, "-m", "flake8"]
    return subprocess.run([*command, *args], cwd=cwd, input=input, capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "cell.py").write_text(THREE_FINDINGS)
    return tmp_path


def test_the_plugin_is_registered():
    result = flake8("--version")
    assert result.returncode == 0
    assert "lstm-init-lint: 0.1.0" in result.stdout


def test_flake8_select_lst_reports_the_same_findings_as_the_tool(project):
    through_flake8 = flake8("--select", "LST", ".", cwd=project)
    direct = run_tool(["cell.py", "clean.py"], cwd=project)
    assert through_flake8.returncode == 1, through_flake8.stderr
    expected = ["./" + line for line in direct.stdout.strip().splitlines()[:-1]]
    assert through_flake8.stdout.strip().splitlines() == expected
    assert [line.split(": ")[1].split()[0] for line in expected] == ["LST002", "LST001", "LST004"]


def test_flake8_noqa_and_extend_ignore_apply(project):
    lines = THREE_FINDINGS.split("\n")
    lines[6] += "  # noqa: LST001"
    (project / "cell.py").write_text("\n".join(lines))
    result = flake8("--select", "LST", "--extend-ignore", "LST004", "cell.py", cwd=project)
    assert [line.split()[1] for line in result.stdout.strip().splitlines()] == ["LST002"]


def test_flake8_reference_option(project):
    from lstm_init_lint.rules import _cells

    (project / "cell.py").write_text(_cells.lstm(U="tf.keras.initializers.GlorotUniform()([units, 4 * units])"))
    assert "LST001" in flake8("--select", "LST", "cell.py", cwd=project).stdout
    assert flake8("--select", "LST", "--lstm-init-reference", "tf1", "cell.py", cwd=project).stdout == ""


def test_flake8_on_standard_input(project):
    result = flake8("--select", "LST", "--stdin-display-name", "editor.py", "-", cwd=project, input=THREE_FINDINGS)
    assert [line.split(":")[:3] for line in result.stdout.strip().splitlines()] == [["editor.py", "6", "9"], ["editor.py", "7", "9"], ["editor.py", "8", "9"]]
