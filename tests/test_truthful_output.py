"""What the command line prints is true (issue 17): a summary never says
"passed" when a file failed, finding nothing is said, usage errors speak the
tool's words, every mode honours --format and --statistics, and a large file
that cannot matter does not fail the run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from sample_cells import CLEAN, ONE_FINDING, THREE_FINDINGS, run_in_terminal, run_tool

from lstm_init_lint.frontends.cli import main
from lstm_init_lint.source.limits import MAX_SOURCE_BYTES


def _bad_inputs(tmp_path):
    """Each kind of file that cannot be analysed, by name."""
    (tmp_path / "syntax.py").write_text("import tensorflow as tf\ndef f(:\n    return tf.Variable(x) @ W\n")
    # Each may hold a cell (a weight and a product), so it reaches the parser.
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "encoding.py").write_bytes(b"x = '\xff'\nimport tensorflow as tf\nW = tf.Variable(w) @ U\n")
    os.symlink(tmp_path / "gone.py", tmp_path / "link.py")
    os.mkfifo(tmp_path / "fifo.py")
    return {
        "missing": str(tmp_path / "nonexistent"),
        "syntax": str(tmp_path / "syntax.py"),
        "nul": str(tmp_path / "nul.py"),
        "encoding": str(tmp_path / "encoding.py"),
        "link": str(tmp_path / "link.py"),
        "fifo": str(tmp_path / "fifo.py"),
    }


@pytest.mark.parametrize("kind", ["missing", "syntax", "nul", "encoding", "link", "fifo"])
def test_a_file_that_failed_is_never_called_passed_and_its_error_comes_first(tmp_path, kind, capfd):
    path = _bad_inputs(tmp_path)[kind]

    assert main([path]) == 2
    out, err = capfd.readouterr()
    assert "passed" not in out
    assert out == "Nothing analysed (1 file checked); 1 file could not be analysed.\n"
    assert err.startswith(f"{path}") and ": error: " in err


def test_errors_come_before_the_summary_as_ruff_prints_them(tmp_path):
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "syntax.py").write_text("import tensorflow as tf\ndef f(:\n    return tf.Variable(x) @ W\n")
    # One stream, as a terminal shows both: the error line, then the summary.
    merged = subprocess.run(
        [sys.executable, "-m", "lstm_init_lint", "--no-cache", "clean.py", "syntax.py"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert merged.returncode == 2
    assert merged.stdout.splitlines() == [
        "syntax.py:2:7: error: syntax error: invalid syntax",
        "No findings in the other 1 file (2 files checked); 1 file could not be analysed.",
    ]


def test_findings_and_errors_are_both_counted(tmp_path, capsys):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    (tmp_path / "syntax.py").write_text("import tensorflow as tf\ndef f(:\n    return tf.Variable(x) @ W\n")
    assert main([str(tmp_path)]) == 2
    assert capsys.readouterr().out.splitlines()[-1] == "Found 1 finding in 1 file (2 files checked); 1 file could not be analysed."


def test_a_mistyped_command_is_not_read_as_missing_paths(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["explian", "LST001"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: 'explian' is neither a file nor a command; did you mean `explain`?\n"
    # A file of that name is linted as a file.
    (tmp_path / "explian").mkdir()
    (tmp_path / "explian" / "cell.py").write_text(ONE_FINDING)
    assert main(["explian"]) == 1


def test_fix_names_the_file_it_could_not_analyse_before_its_summary(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    (tmp_path / "syntax.py").write_text("import tensorflow as tf\ndef f(:\n    return tf.Variable(x) @ W\n")
    merged = subprocess.run([sys.executable, "-m", "lstm_init_lint", "--fix", "cell.py", "syntax.py"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert merged.returncode == 2
    lines = merged.stdout.splitlines()
    assert lines[-2] == "syntax.py:2:7: error: syntax error: invalid syntax"
    assert lines[-1] == "Fixed 1 finding in 1 file (2 files checked); 1 file could not be analysed."


@pytest.mark.parametrize("setup", ["empty", "excluded"])
def test_nothing_linted_is_said_on_stderr(tmp_path, capsys, setup):
    target = tmp_path / "src"
    target.mkdir()
    arguments = [str(target)]
    if setup == "excluded":
        (target / "cell.py").write_text(ONE_FINDING)
        arguments = ["--exclude", "*.py", str(target)]
    assert main(arguments) == 0
    captured = capsys.readouterr()
    assert captured.err == "warning: No Python files found under the given path(s)\n"
    assert captured.out == "No files checked.\n"
    assert "passed" not in captured.out


def test_nothing_to_fix_is_said_too(tmp_path, capsys):
    assert main(["--fix", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "warning: No Python files found under the given path(s)\n"


PLAIN = "import os\n\n\ndef home():\n    return os.environ['HOME']\n"  # the pre-filter passes over it
DENSE_ONLY = "import tensorflow as tf\n\nW = tf.Variable(tf.zeros([4, 4]))\ny = tf.nn.relu(tf.matmul(x, W) + 1)\n"  # the gate passes over it


@pytest.mark.parametrize("cache", [False, True], ids=["fresh", "from the cache"])
def test_files_passed_over_are_never_called_checked_or_passed(tmp_path, capsys, monkeypatch, cache):
    (tmp_path / "plain.py").write_text(PLAIN)
    (tmp_path / "dense.py").write_text(DENSE_ONLY)
    (tmp_path / "clean.py").write_text(CLEAN)
    monkeypatch.setenv("LSTM_INIT_LINT_CACHE_DIR", str(tmp_path.parent / f"{tmp_path.name}-cache"))
    flags = [] if cache else ["--no-cache"]
    for _ in range(2 if cache else 1):  # the second run serves all three from the cache
        assert main([*flags, str(tmp_path)]) == 0
        assert capsys.readouterr().out == "No findings (1 file checked, 2 passed over as unable to hold a recurrent cell).\n"
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    assert main([*flags, str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "Found 1 finding in 1 file (2 files checked, 2 passed over as unable to hold a recurrent cell)."
    assert main([*flags, str(tmp_path / "plain.py"), str(tmp_path / "dense.py")]) == 0
    out = capsys.readouterr().out
    assert out == "Nothing to check: 2 files passed over as unable to hold a recurrent cell.\n"
    assert "checks passed" not in out


def test_all_checks_passed_only_when_every_file_was_checked(tmp_path, capsys):
    (tmp_path / "clean.py").write_text(CLEAN)
    assert main(["--no-cache", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "All checks passed (1 file checked).\n"


def test_fix_counts_the_files_passed_over_apart(tmp_path, capsys):
    (tmp_path / "plain.py").write_text(PLAIN)
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    assert main(["--fix", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Fixed 1 finding in 1 file (1 file checked, 1 passed over as unable to hold a recurrent cell)."
    assert (tmp_path / "plain.py").read_text() == PLAIN


def _padded_cells(directory, count: int):
    """Files with a cell each, padded past a worker chunk so that a pool
    hands them out one by one (and each takes a moment to parse)."""
    padding = "PADDING = '''" + ("x" * 99 + "\n") * 2700 + "'''\n"
    for index in range(count):
        (directory / f"cell{index:02}.py").write_text(THREE_FINDINGS + padding)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_progress_bar_moves_as_files_complete(tmp_path, jobs):
    _padded_cells(tmp_path, 30)
    code, screen = run_in_terminal(["--no-cache", "--jobs", jobs, str(tmp_path)])
    assert code == 1
    shown = {int(done) for done in re.findall(r"(\d+)/30 files", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen))}
    assert any(0 < done < 30 for done in shown), shown


def test_progress_is_told_of_each_file_as_it_completes(tmp_path, monkeypatch):
    from lstm_init_lint.run import runner

    for index in range(12):
        (tmp_path / f"cell{index:02}.py").write_text(ONE_FINDING)
    monkeypatch.setattr(runner, "CHUNK_BYTES", 1)  # one file per chunk: twelve completions to report
    calls = []
    result = runner.lint_paths([str(tmp_path)], progress=lambda done, total: calls.append((done, total)), jobs=2)
    assert len(result.findings) == 12
    assert calls == [(done, 12) for done in range(13)]


@pytest.mark.parametrize("output_format", ["sarif", "github", "text"])
def test_diff_prints_the_diff_whatever_the_format_and_the_summary_on_stderr(tmp_path, capsys, output_format):
    path = tmp_path / "cell.py"
    path.write_text(ONE_FINDING)
    assert main(["--diff", "--format", output_format, str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert "would fix" not in captured.out and "Would fix" not in captured.out
    assert captured.err.splitlines()[-1] == "Would fix 1 finding in 1 file (1 file checked)."
    assert path.read_text() == ONE_FINDING


@pytest.mark.parametrize("mode", ["--diff", "--fix"])
def test_json_with_diff_or_fix_prints_the_findings_with_their_fixes(tmp_path, capsys, mode):
    path = tmp_path / "cell.py"
    path.write_text(THREE_FINDINGS)
    main([mode, "--format", "json", str(path)])
    captured = capsys.readouterr()
    findings = json.loads(captured.out)
    assert [f["code"] for f in findings] == ["LST002", "LST001", "LST004"]
    assert all(f["fixed"] and f["fix"]["replacement"] for f in findings)
    assert captured.err.splitlines()[-1].endswith("finding in 1 file (1 file checked).".replace("finding", "findings"))


def test_fix_with_sarif_reports_what_is_left_in_sarif(tmp_path, capsys):
    path = tmp_path / "cell.py"
    path.write_text(ONE_FINDING)
    assert main(["--fix", "--format", "sarif", str(path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["runs"][0]["results"] == []
    assert captured.err.splitlines()[-1] == "Fixed 1 finding in 1 file (1 file checked)."


@pytest.mark.parametrize("mode", [[], ["--fix"], ["--diff"]], ids=["lint", "fix", "diff"])
def test_statistics_work_in_every_mode(tmp_path, capsys, mode):
    path = tmp_path / "cell.py"
    path.write_text(THREE_FINDINGS)
    main([*mode, "--statistics", str(path)])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    for code in ("LST001", "LST002", "LST004"):
        assert re.search(rf"^1  {code}  \S+", text, re.M), text
    if mode == ["--diff"]:  # the diff is what --diff is for; the counts go beside it
        assert captured.out.startswith("--- ")
    else:
        assert "--- " not in captured.out and "LST001 LSTM" not in text  # counts instead of each finding
    if mode:
        assert f"(1 {'fixed' if mode == ['--fix'] else 'would fix'})" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--jobs", "foo", "."], "error: --jobs expects a whole number of processes, 1 or more (got 'foo')"),
        (["-j0", "."], "error: --jobs expects a whole number of processes, 1 or more (got '0')"),
        (["--format", "foo", "."], "error: --format must be one of text, json, sarif or github (got 'foo')"),
        (["--format", "jsn", "."], "error: --format must be one of text, json, sarif or github (got 'jsn'); did you mean `json`?"),
        (["--verify-timeout", "soon", "."], "error: --verify-timeout expects a number of seconds greater than 0 (got 'soon')"),
        (["--statistic", "."], "error: unknown option '--statistic' (did you mean `--statistics`?); 'lstm-init-lint --help' lists the options"),
        (["--format"], "error: --format needs a value: --format FORMAT"),
        (["--fix=yes"], "error: --fix takes no value (got '--fix=yes')"),
        (["--select", "LST42", "."], "error: --select: unknown rule code or prefix 'LST42' (codes: LST001, LST002, LST003, LST004, LST005, LST006, LST007)"),
        (["explain"], "error: 'lstm-init-lint explain' needs RULE: lstm-init-lint explain RULE"),
        (["verify", "--jobs", "2"], "error: unknown option '--jobs' (--jobs is an option of 'lstm-init-lint check'); 'lstm-init-lint verify --help' lists the options"),
    ],
)
def test_usage_errors_are_in_the_tool_s_words(argv, message, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == message + "\n"
    for leak in ("Input should be", "Value error", "Usage:", "Try '", "<list", "click", "typer"):
        assert leak not in captured.err


def test_help_of_each_command_has_its_own_usage_line(capsys):
    for command, usage in (("verify", "usage: lstm-init-lint verify [OPTIONS] [PATHS]..."), ("explain", "usage: lstm-init-lint explain RULE"), ("check", "usage: lstm-init-lint [COMMAND] [OPTIONS] [PATHS]...")):
        assert main([command, "--help"]) == 0
        assert capsys.readouterr().out.splitlines()[0] == usage


@pytest.mark.parametrize("name", ["LST001", "lst001", "recurrent-kernel-init"])
def test_explain_by_code_or_name(name, capsys):
    assert main(["explain", name]) == 0
    assert capsys.readouterr().out.startswith("# LST001 `recurrent-kernel-init`")


def test_explain_an_unknown_rule_lists_codes_and_names(capsys):
    assert main(["explain", "recurrent-kernel"]) == 2
    assert "LST001 (recurrent-kernel-init)" in capsys.readouterr().err


def test_show_settings_of_a_path_that_does_not_exist(tmp_path, capsys):
    assert main(["--show-settings", str(tmp_path / "nope.py")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{tmp_path / 'nope.py'}: error: no such file or directory")


def test_a_large_data_only_file_is_passed_over_like_any_other(tmp_path, capsys):
    data = tmp_path / "table.py"
    data.write_text("TABLE = [\n" + "    (1, 2, 3, 4, 5, 6, 7, 8),\n" * 40_000 + "]\n")
    assert data.stat().st_size > 1 << 20
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    assert main(["--no-cache", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines()[-1] == "Found 1 finding in 1 file (1 file checked, 1 passed over as unable to hold a recurrent cell)."


def test_a_cell_file_over_the_limit_is_skipped_with_a_warning_not_an_error(tmp_path, capsys):
    big = tmp_path / "big.py"
    big.write_text(ONE_FINDING + "# " + "x" * 98 + "\n" * 1 + ("# " + "x" * 98 + "\n") * (MAX_SOURCE_BYTES // 100 + 10))
    assert main(["--no-cache", str(big)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{big}: warning: skipped: too large to analyse (")
    assert captured.out == "All checks passed (1 file checked); 1 file skipped.\n"
    assert main(["--no-cache", "--statistics", "--format", "json", str(big)]) == 0
    assert json.loads(capsys.readouterr().out)["files"]["skipped"] == 1
    assert main(["--fix", str(big)]) == 0
    assert "1 file skipped" in capsys.readouterr().out


def _without_tensorflow(tmp_path) -> dict:
    """An environment whose Python cannot import TensorFlow, as after a
    plain ``pip install .``: a ``sitecustomize`` that hides it."""
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(
        "import importlib.abc, sys\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide())\n"
    )
    return {"PYTHONPATH": str(hide)}


def test_verify_cmd_needs_no_tensorflow_and_prints_no_verification_table(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "cell.py").write_text(ONE_FINDING)
    result = run_tool(["--fix", "--verify-cmd", f"{sys.executable} -c pass", "cell.py"], cwd=project, env=_without_tensorflow(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "TensorFlow" not in result.stdout + result.stderr
    assert "Verified" not in result.stdout and "weight " not in result.stdout
    assert result.stdout.splitlines()[-1] == "Fixed 1 finding in 1 file (1 file checked)."
    assert (project / "cell.py").read_text() != ONE_FINDING


def test_verify_without_tensorflow_says_the_command_that_works(tmp_path):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    result = run_tool(["--fix", "--verify", "cell.py"], cwd=tmp_path, env=_without_tensorflow(tmp_path))
    assert result.returncode == 2
    assert "pip install 'tensorflow-cpu>=2.16'" in result.stderr
    assert "pip install 'lstm-init-lint[verify]'" not in result.stderr


def test_a_size_the_file_does_not_state_is_called_assumed(tmp_path, capsys):
    (tmp_path / "symbolic.py").write_text(THREE_FINDINGS)  # sizes are parameters: n_in, units
    assert main(["--no-cache", str(tmp_path / "symbolic.py")]) == 1
    out = capsys.readouterr().out
    assert "at an assumed 512 units that is a spectral radius" in out
    assert "with an assumed 512 inputs" in out
    assert "at 512 units" not in out


def test_a_size_the_file_states_is_the_cell_s_own(capsys):
    from fixture_format import FIXTURES

    assert main(["--no-cache", str(FIXTURES / "tf2_module_per_matrix.py")]) == 1
    out = capsys.readouterr().out
    assert "at its 512 units that is a spectral radius" in out and "with its 300 inputs" in out
    assert "assumed" not in out


def test_a_missing_file_spelled_like_a_path_is_a_missing_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check.py"]) == 2
    assert capsys.readouterr().err == "check.py: error: no such file or directory\n"


SIZES_FROM_DEFAULTS_AND_CONSTANTS = '''import tensorflow as tf

UNITS = 256


class Cell(tf.Module):
    def __init__(self, n_in=100, units=UNITS):
        self.W = tf.Variable(tf.random.normal([n_in, 4 * units], stddev=0.1))
        self.U = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))
        self.b = tf.Variable(tf.zeros([4 * units]))

    def __call__(self, x, state):
        h, c = state
        z = tf.matmul(x, self.W) + tf.matmul(h, self.U) + self.b
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (h, c)
'''


def test_sizes_from_parameter_defaults_and_module_constants_are_used(tmp_path, capsys):
    (tmp_path / "cell.py").write_text(SIZES_FROM_DEFAULTS_AND_CONSTANTS)
    assert main(["--no-cache", str(tmp_path / "cell.py")]) == 1
    out = capsys.readouterr().out
    assert "at its 256 units" in out and "with its 100 inputs" in out
    assert "assumed" not in out


def test_sizes_from_constructor_calls_at_module_level_and_in_main_are_used(capsys):
    from fixture_format import FIXTURES

    assert main(["--no-cache", str(FIXTURES / "sizes_from_constructor_calls.py")]) == 1
    lines = capsys.readouterr().out.splitlines()
    by_weight = {re.search(r"`([^`]+)`", line).group(1): line for line in lines if "`" in line}
    # LSTMCell(n_in=24, units=96) at module level:
    assert "with its 24 inputs, unit-variance inputs give pre-activations with std of about 0.49" in by_weight["self.W"]
    assert "at its 96 units that is a spectral radius of about 0.98" in by_weight["self.U"]
    # GRUCell(units=48) in the __main__ block, handed to keras.layers.RNN:
    assert "at its 48 units that is a spectral radius of about 0.35" in by_weight["self.recurrent_kernel"]
    # Its input width comes only from the data at run time: said to be assumed.
    assert "with an assumed 512 inputs" in by_weight["self.kernel"]
    assert sum("assumed" in line for line in lines) == 1


CONSTRUCTED_OVER_A_DEFAULT = SIZES_FROM_DEFAULTS_AND_CONSTANTS + '''

def main():
    return tf.keras.layers.RNN(Cell(n_in=40, units=64))


if __name__ == "__main__":
    main()
'''


def test_a_constructor_call_s_sizes_win_over_the_parameter_defaults(tmp_path, capsys):
    (tmp_path / "cell.py").write_text(CONSTRUCTED_OVER_A_DEFAULT)
    assert main(["--no-cache", str(tmp_path / "cell.py")]) == 1
    out = capsys.readouterr().out
    assert "at its 64 units" in out and "with its 40 inputs" in out
    assert "256" not in out and "100 inputs" not in out and "assumed" not in out


TF1_CELL = '''import tensorflow.compat.v1 as tf


class MyLSTMCell(tf.nn.rnn_cell.RNNCell):
    def __init__(self, num_units):
        super().__init__()
        self._num_units = num_units

    @property
    def state_size(self):
        return tf.nn.rnn_cell.LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def __call__(self, inputs, state, scope=None):
        c, h = state
        W = tf.get_variable("W", [inputs.get_shape()[-1], 4 * self._num_units])
        U = tf.get_variable("U", [self._num_units, 4 * self._num_units], initializer=tf.random_normal_initializer(stddev=0.1))
        z = tf.matmul(inputs, W) + tf.matmul(h, U)
        i, j, f, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(j)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, tf.nn.rnn_cell.LSTMStateTuple(c, h)
'''


def test_a_notebook_s_constructor_call_in_a_later_cell_gives_the_sizes(tmp_path, capsys):
    import nbformat

    cells = [
        nbformat.v4.new_code_cell(TF1_CELL),
        nbformat.v4.new_markdown_cell("Build the graph."),
        nbformat.v4.new_code_cell("inputs = tf.placeholder(tf.float32, [None, 20, 32])\ncell = MyLSTMCell(200)\noutputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)"),
    ]
    path = tmp_path / "lab.ipynb"
    path.write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
    assert main(["--no-cache", str(path)]) == 1
    (line,) = [line for line in capsys.readouterr().out.splitlines() if " LST001 " in line]
    assert line.startswith(f"{path}:cell 1:")
    assert "at its 200 units that is a spectral radius of about 1.4" in line


CHARACTER_MODEL = '''import string

import tensorflow as tf

vocabulary_size = len(string.ascii_lowercase) + 1  # [a-z] and the space
num_nodes = 64
ix = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
im = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))
fx = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
fm = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))
cx = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
cm = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))
ox = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
om = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))


def lstm_cell(i, o, state):
    input_gate = tf.sigmoid(tf.matmul(i, ix) + tf.matmul(o, im))
    forget_gate = tf.sigmoid(tf.matmul(i, fx) + tf.matmul(o, fm))
    update = tf.matmul(i, cx) + tf.matmul(o, cm)
    state = forget_gate * state + input_gate * tf.tanh(update)
    output_gate = tf.sigmoid(tf.matmul(i, ox) + tf.matmul(o, om))
    return output_gate * tf.tanh(state), state
'''


def test_a_vocabulary_sized_from_a_string_constant_is_the_input_width(tmp_path, capsys):
    """The Udacity course's character model: ``len(string.ascii_lowercase) + 1``."""
    (tmp_path / "chars.py").write_text(CHARACTER_MODEL)
    assert main(["--no-cache", str(tmp_path / "chars.py")]) == 1
    out = capsys.readouterr().out
    assert out.count("with its 27 inputs") == 4 and out.count("at its 64 units") == 4
    assert "assumed" not in out
