"""Every way of starting the command line is the same program: the console
script and ``python -m lstm_init_lint``; and a start-up as a pre-commit hook
makes it loads nothing heavy."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from fixture_format import FIXTURES
from sample_cells import tool

SCRIPT = [sys.executable, "-m", "lstm_init_lint"]
CONSOLE_SCRIPT = [tool("lstm-init-lint") or "lstm-init-lint"]


def _run(command: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.mark.parametrize(
    "switches",
    [[], ["--no-cache"], ["--exit-zero", "--no-cache"], ["--force-exclude", "--no-cache"], ["--format", "json"], ["--statistics", "--no-cache"]],
    ids=lambda switches: " ".join(switches) or "no switches",
)
@pytest.mark.slow  # two subprocesses over the fixtures per case
def test_every_entry_point_prints_the_same(tmp_path, switches):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES, tree)
    (tree / "broken.py").write_text("import tensorflow as tf\ny = tf.matmul(x, tf.Variable(w))\ndef f(:\n")  # words of a cell: not passed over
    arguments = [*switches, "tree/", "./tree/tf2_module_per_matrix.py"]

    runs = [_run([*command, *arguments], tmp_path) for command in (SCRIPT, CONSOLE_SCRIPT)]

    assert len({(r.stdout, r.stderr, r.returncode) for r in runs}) == 1
    assert runs[0].returncode == 2  # the broken file
    assert "tree/broken.py:3:7: error: syntax error" in runs[0].stderr
    assert "tree/tf2_module_per_matrix.py" in runs[0].stdout or "--statistics" in switches
    assert "Traceback" not in runs[0].stderr


def test_a_clean_file_exits_0_and_findings_exit_1(tmp_path):
    clean = _run([*SCRIPT, "--no-cache", str(FIXTURES / "tf2_module_correct.py")], tmp_path)
    findings = _run([*SCRIPT, "--no-cache", str(FIXTURES / "tf2_module_per_matrix.py")], tmp_path)

    assert (clean.returncode, findings.returncode) == (0, 1)
    assert "All checks passed" in clean.stdout
    assert " LST001 " in findings.stdout


@pytest.mark.parametrize("switches", [["--no-cache"], ["--no-cache", "--format", "json", "--select", "LST001", "-j", "1"], ["--help"], ["--version"], ["rules"]], ids=" ".join)
def test_a_start_up_loads_no_framework_nor_libcst_for_a_file_the_prefilter_passes_over(tmp_path, switches):
    ordinary = tmp_path / "ordinary.py"
    ordinary.write_text("def add(a, b):\n    return a + b\n")
    code = (
        "import sys\n"
        "from lstm_init_lint.frontends.cli import main\n"
        f"code = main({[*switches, str(ordinary)] if switches[0].startswith('--no') else switches!r})\n"
        "print(code, sorted(m for m in ('typer', 'click', 'pydantic', 'rich', 'libcst', 'tensorflow') if m in sys.modules))\n"
    )
    result = _run([sys.executable, "-c", code], tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr


def test_help_through_the_console_script(tmp_path):
    result = _run([*CONSOLE_SCRIPT, "--help"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: lstm-init-lint [COMMAND] [OPTIONS] [PATHS]...\n")
    assert "--force-exclude" in result.stdout and "--statistics" in result.stdout
