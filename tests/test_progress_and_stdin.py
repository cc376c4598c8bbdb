"""Long runs show a progress bar on a terminal only; editors send one file
on standard input (`--stdin-filename path.py -`)."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from sample_cells import CLEAN, ONE_FINDING, run_in_terminal, run_tool

from lstm_init_lint.output.progress import MIN_FILES

BAR = re.compile(r"lstm-init-lint \S* *\d+/(\d+) files")  # the label, the bar, "N/M files"


def bar_totals(screen: str) -> set[str]:
    """The totals of the progress bars drawn on the screen, colours removed."""
    return set(BAR.findall(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)))


@pytest.fixture
def many(tmp_path):
    for index in range(MIN_FILES + 5):
        (tmp_path / f"m{index:02}.py").write_text(CLEAN)
    (tmp_path / "zz.py").write_text(ONE_FINDING)
    return tmp_path


def test_a_terminal_run_over_many_files_shows_progress(many):
    code, screen = run_in_terminal([str(many)])
    assert code == 1
    assert bar_totals(screen) == {str(MIN_FILES + 6)}
    assert "Found 1 finding in 1 file" in screen


def test_no_progress_in_ci(many):
    code, screen = run_in_terminal([str(many)], env={"CI": "true"})
    assert code == 1 and "Found 1 finding" in screen
    assert bar_totals(screen) == set()


def test_no_progress_for_a_few_files(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    code, screen = run_in_terminal([str(tmp_path)])
    assert code == 1 and "Found 1 finding" in screen
    assert bar_totals(screen) == set()


def test_no_progress_when_piped(many):
    result = run_tool([str(many)])
    assert result.returncode == 1
    assert bar_totals(result.stderr) == set() and result.stderr == ""
    assert result.stdout.strip().splitlines()[-1] == f"Found 1 finding in 1 file ({MIN_FILES + 6} files checked)."


def test_stdin_with_a_filename(tmp_path):
    result = run_tool(["--stdin-filename", "pkg/model.py", "-"], cwd=tmp_path, input=ONE_FINDING)
    assert result.returncode == 1
    assert result.stdout.startswith("pkg/model.py:7:9: LST001 ")
    assert result.stdout.strip().endswith("(1 file checked).")


def test_stdin_without_a_filename_is_called_dash(tmp_path):
    result = run_tool(["-f", "json", "-"], cwd=tmp_path, input=ONE_FINDING)
    assert result.returncode == 1
    assert json.loads(result.stdout)[0]["path"] == "-"


def test_stdin_filename_picks_its_configuration_and_per_file_ignores(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lstm-init-lint.per-file-ignores]\n"legacy/*" = ["LST001"]\n')
    assert run_tool(["--stdin-filename", "legacy/old.py", "-"], cwd=tmp_path, input=ONE_FINDING).returncode == 0
    assert run_tool(["--stdin-filename", "new.py", "-"], cwd=tmp_path, input=ONE_FINDING).returncode == 1


def test_stdin_filename_with_force_exclude_skips_an_excluded_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lstm-init-lint]\nextend-exclude = ["generated/"]\n')
    result = run_tool(["--force-exclude", "--stdin-filename", "generated/model.py", "-"], cwd=tmp_path, input=ONE_FINDING)
    assert result.returncode == 0
    assert result.stdout.strip() == "No files checked."


def test_stdin_notebook(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ONE_FINDING)])
    result = run_tool(["--stdin-filename", "lab.ipynb", "-"], cwd=tmp_path, input=nbformat.writes(notebook))
    assert result.stdout.startswith("lab.ipynb:cell 1:7:9: LST001 ")


def test_stdin_syntax_error_names_the_file(tmp_path):
    result = run_tool(["--stdin-filename", "x.py", "-"], cwd=tmp_path, input="def f(:\n")
    assert result.returncode == 2
    assert "x.py:1:7: error: syntax error" in result.stderr


def test_dash_with_other_paths_is_a_usage_error(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    result = run_tool(["-", "cell.py"], cwd=tmp_path, input="")
    assert result.returncode == 2
    assert "cannot be combined with other paths" in result.stderr


def test_stdin_fix_prints_the_fixed_source_and_reports_on_stderr(tmp_path):
    result = run_tool(["--fix", "--stdin-filename", "cell.py", "-"], cwd=tmp_path, input=ONE_FINDING)
    assert result.returncode == 0
    assert result.stdout != ONE_FINDING and "tf.random.normal([units, 4 * units], stddev=0.1)" not in result.stdout
    assert "Orthogonal" in result.stdout
    assert "cell.py:7:9: LST001 fixed:" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "Fixed 1 finding in 1 file (1 file checked)."


def test_stdin_diff_prints_the_diff_and_exits_1(tmp_path):
    result = run_tool(["--diff", "--stdin-filename", "cell.py", "-"], cwd=tmp_path, input=ONE_FINDING)
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/cell.py\n+++ b/cell.py\n@@ ")
    assert "\n-        self.U = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))\n+" in result.stdout and "Orthogonal" in result.stdout
    assert "Would fix 1 finding in 1 file" in result.stderr


def test_stdin_fix_of_a_notebook_writes_the_notebook(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ONE_FINDING)])
    result = run_tool(["--fix", "--stdin-filename", "lab.ipynb", "-"], cwd=tmp_path, input=nbformat.writes(notebook))
    assert result.returncode == 0, result.stderr
    (cell,) = nbformat.reads(result.stdout, as_version=4).cells
    assert "Orthogonal" in cell.source and "stddev=0.1" not in cell.source
    assert "lab.ipynb:cell 1:7:9: LST001 fixed:" in result.stderr


def test_stdin_fix_of_an_excluded_file_gives_the_source_back(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lstm-init-lint]\nextend-exclude = ["generated/"]\n')
    result = run_tool(["--fix", "--force-exclude", "--stdin-filename", "generated/model.py", "-"], cwd=tmp_path, input=ONE_FINDING)
    assert (result.returncode, result.stdout, result.stderr) == (0, ONE_FINDING, "")


def test_stdin_fix_of_a_broken_file_gives_it_back_and_exits_2(tmp_path):
    result = run_tool(["--fix", "--stdin-filename", "x.py", "-"], cwd=tmp_path, input="def f(:\n")
    assert (result.returncode, result.stdout) == (2, "def f(:\n")
    assert "x.py:1:7: error: syntax error" in result.stderr
