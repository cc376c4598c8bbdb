"""The command line as a user meets it: output lines, summary, exit codes,
JSON, bad input that does not stop the run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from fixture_format import FIXTURES, ROOT

from lstm_init_lint.frontends.cli import main
from lstm_init_lint.rules import _cells

BAD_CELL = _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")
GOOD_CELL = _cells.lstm()


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "good.py").write_text(GOOD_CELL)
    (tmp_path / "bad.py").write_text(BAD_CELL)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "model.py").write_text(BAD_CELL)
    (tmp_path / "notes.txt").write_text("not python")
    return tmp_path


def test_clean_file_exits_0(tmp_path, capsys):
    (tmp_path / "good.py").write_text(GOOD_CELL)
    assert main([str(tmp_path / "good.py")]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "All checks passed (1 file checked)."


def test_findings_exit_1_with_one_line_each_sorted_by_path(tree, capsys):
    assert main([str(tree)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    findings, summary = lines[:-1], lines[-1]
    assert len(findings) == 2
    assert findings[0].startswith(f"{tree / 'bad.py'}:7:9: LST001 ")
    assert findings[1].startswith(f"{tree / 'pkg' / 'model.py'}:7:9: LST001 ")
    assert summary == "Found 2 findings in 2 files (3 files checked)."


def test_default_path_is_the_current_directory(tree, monkeypatch, capsys):
    monkeypatch.chdir(tree)
    assert main([]) == 1
    assert "bad.py:7:9: LST001" in capsys.readouterr().out


def test_a_file_that_cannot_be_parsed_is_named_and_the_others_still_run(tree, capsys):
    # It names a weight and a product, so the pre-filter hands it to the parser.
    (tree / "broken.py").write_text("import tensorflow as tf\nW = tf.Variable(w0)\ndef f(:\n    return x @ W\n")
    assert main([str(tree)]) == 2
    captured = capsys.readouterr()
    assert f"{tree / 'broken.py'}:3:7: error: syntax error" in captured.err
    assert "bad.py:7:9: LST001" in captured.out
    assert "1 file could not be analysed" in captured.out


def test_a_broken_file_the_prefilter_passes_over_is_not_checked(tree, capsys):
    """No weight, no product: neither parsed nor checked for syntax errors
    (ruff's and flake8's E999 are for that); counted as passed over."""
    (tree / "script.py").write_text("print 'hello'\ndef f(:\n    pass\n")
    assert main([str(tree)]) == 1
    captured = capsys.readouterr()
    assert "script.py" not in captured.err + captured.out
    assert "bad.py:7:9: LST001" in captured.out


def test_a_broken_file_that_may_hold_a_cell_is_reported(tree, capsys):
    """A weight and a product: the file goes to the parser, which names what
    is wrong with it (Python 2 that is broken as Python 2 too)."""
    (tree / "script.py").write_text("print 'hello'\ndef f(:\n    pass\nimport tensorflow as tf\nW = tf.Variable(w) @ U\n")
    assert main([str(tree)]) == 2
    captured = capsys.readouterr()
    assert f"{tree / 'script.py'}:1:1: error: syntax error: Missing parentheses in call to 'print'" in captured.err
    assert "bad.py:7:9: LST001" in captured.out


def test_missing_path_is_an_error_but_other_paths_run(tree, capsys):
    assert main([str(tree / "nope.py"), str(tree / "bad.py")]) == 2
    captured = capsys.readouterr()
    assert f"{tree / 'nope.py'}: error: no such file or directory" in captured.err
    assert "LST001" in captured.out


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["--no-such-flag"]) == 2
    assert capsys.readouterr().err == "error: unknown option '--no-such-flag'; 'lstm-init-lint --help' lists the options\n"


def test_bad_reference_is_a_usage_error(capsys):
    assert main(["--reference", "pytorch", "."]) == 2
    assert capsys.readouterr().err == "error: --reference must be one of keras or tf1 (got 'pytorch')\n"


def test_json_contract(tree, capsys):
    assert main(["--format", "json", str(tree / "bad.py")]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert len(findings) == 1
    finding = findings[0]
    for key in ("path", "line", "column", "end_line", "end_column", "code", "role", "weight", "cell", "current", "expected", "message", "fixable"):
        assert key in finding, key
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (7, 9, 7, 15)
    assert finding["code"] == "LST001"
    assert finding["role"] == "recurrent_kernel"
    assert finding["weight"] == "self.U"
    assert finding["cell"] == "lstm"
    assert finding["current"]["name"] == "random_normal"
    assert finding["current"]["params"]["stddev"] == 0.1
    assert finding["expected"]["name"] == "orthogonal"
    assert finding["fixable"] is True
    assert finding["fix"]["replacement"] == "tf.keras.initializers.Orthogonal()([units, 4 * units])"
    assert finding["evidence"]


def test_json_is_an_empty_array_when_clean(tmp_path, capsys):
    (tmp_path / "good.py").write_text(GOOD_CELL)
    assert main(["--format", "json", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_reference_tf1_accepts_glorot_recurrent_kernels(tmp_path, capsys):
    path = tmp_path / "cell.py"
    path.write_text(_cells.lstm(U="tf.keras.initializers.GlorotUniform()([units, 4 * units])"))
    assert main([str(path)]) == 1
    assert main(["--reference", "tf1", str(path)]) == 0


def test_help_lists_every_flag(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--format", "--reference", "--fix", "--diff", "--match", "--version", "--help", "--jobs", "--no-cache", "--statistics"):
        assert flag in out


def test_version(capsys):
    from lstm_init_lint import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"lstm-init-lint {__version__}"


def test_installed_console_script_on_the_fixtures():
    """The README's first command: the real entry point on fixtures/."""
    script = shutil.which("lstm-init-lint", path=str(ROOT / ".venv" / "bin")) or shutil.which("lstm-init-lint")
    command = [script] if script else [sys.executable, "-m", "lstm_init_lint"]
    result = subprocess.run([*command, str(FIXTURES)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "LST001" in result.stdout and "LST004" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("Found ")


def test_fix_rewrites_and_reports_what_changed_then_exits_0(tmp_path, capsys):
    path = tmp_path / "cell.py"
    path.write_text(BAD_CELL)
    assert main(["--fix", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}:7:9: LST001 fixed: self.U: random_normal(stddev=0.1) -> orthogonal" in out
    assert out.strip().endswith("Fixed 1 finding in 1 file (1 file checked).")
    assert "tf.keras.initializers.Orthogonal()([units, 4 * units])" in path.read_text()
    assert main([str(path)]) == 0


def test_fix_exits_1_when_something_is_left(tmp_path, capsys):
    path = tmp_path / "loop.py"
    path.write_bytes((FIXTURES / "attention_decoder_shared_helper.py").read_bytes())
    assert main(["--fix", str(path)]) == 1
    out = capsys.readouterr().out
    assert "LST004" in out and "[not fixed: the expression at line 16 also creates" in out
    assert "1 left without an automatic fix" in out


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "cell.py"
    path.write_text(BAD_CELL)
    before = path.read_bytes()
    assert main(["--diff", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"--- {path}" in out and f"+++ {path}" in out
    assert "-        self.U = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))" in out
    assert "+        self.U = tf.Variable(tf.keras.initializers.Orthogonal()([units, 4 * units]))" in out
    assert path.read_bytes() == before
    path.write_text(GOOD_CELL)
    assert main(["--diff", str(path)]) == 0


def test_fix_keeps_permissions_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "cell.py"
    path.write_text(BAD_CELL)
    path.chmod(0o640)
    assert main(["--fix", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.py"]


def test_fix_through_a_symbolic_link_rewrites_the_target(tmp_path):
    target = tmp_path / "real.py"
    target.write_text(BAD_CELL)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert main(["--fix", str(link)]) == 0
    assert link.is_symlink()
    assert "Orthogonal" in target.read_text()


def test_fix_json_marks_what_was_fixed(tmp_path, capsys):
    path = tmp_path / "cell.py"
    path.write_text(BAD_CELL)
    assert main(["--fix", "--format", "json", str(path)]) == 0
    (finding,) = json.loads(capsys.readouterr().out)
    assert finding["fixed"] is True and finding["code"] == "LST001"


def test_a_file_with_a_syntax_error_is_not_touched_by_fix(tmp_path, capsys):
    broken = tmp_path / "broken.py"
    broken_text = "def f(:\n    pass\nimport tensorflow as tf\nW = tf.Variable(w) @ U\n"  # may hold a cell: parsed
    broken.write_text(broken_text)
    good = tmp_path / "cell.py"
    good.write_text(BAD_CELL)
    assert main(["--fix", str(tmp_path)]) == 2
    assert broken.read_text() == broken_text
    assert "Orthogonal" in good.read_text()
    assert "broken.py:1:7: error: syntax error" in capsys.readouterr().err
