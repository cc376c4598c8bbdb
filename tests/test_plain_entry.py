"""The console script's quick path: a plain lint (paths and the switches a
pre-commit hook passes) runs without typer and prints exactly what the full
command line prints."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from pathlib import Path

from fixture_format import FIXTURES
from lstm_init_lint.plain import plain_arguments

# ``python -m lstm_init_lint`` runs the console script's entry point.
SCRIPT = [sys.executable, "-m", "lstm_init_lint"]
# The same arguments through typer: ``check`` is the default command spelled out.
FULL = [sys.executable, "-c", "import sys; from lstm_init_lint.cli import run; sys.argv[0] = 'lstm-init-lint'; run()", "check"]


def _run(command: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.mark.parametrize(
    "switches",
    [[], ["--no-cache"], ["--exit-zero", "--no-cache"], ["--force-exclude", "--no-cache"]],
    ids=lambda switches: " ".join(switches) or "no switches",
)
def test_a_plain_lint_prints_what_the_full_command_line_prints(tmp_path, switches):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES, tree)
    (tree / "broken.py").write_text("import tensorflow as tf\ndef f(:\n")
    arguments = [*switches, "tree/", "./tree/tf2_module_per_matrix.py"]

    quick = _run([*SCRIPT, *arguments], tmp_path)
    full = _run([*FULL, *arguments], tmp_path)

    assert quick.stdout == full.stdout
    assert quick.stderr == full.stderr
    assert quick.returncode == full.returncode == 2  # the broken file
    assert "tree/broken.py:2:7: error: syntax error" in quick.stderr
    assert "tree/tf2_module_per_matrix.py:" in quick.stdout


@pytest.mark.parametrize("switches", [["--fix"], ["--diff"], ["--fix", "--exit-zero"], ["--force-exclude", "--fix"]], ids=" ".join)
def test_a_plain_fix_prints_and_writes_what_the_full_command_line_does(tmp_path, switches):
    results, trees = [], []
    for command in (SCRIPT, FULL):
        root = tmp_path / str(len(trees))
        shutil.copytree(FIXTURES, root / "tree")
        results.append(_run([*command, *switches, "tree"], root))
        trees.append({path.relative_to(root): path.read_bytes() for path in sorted(root.rglob("*.py"))})
    quick, full = results

    assert quick.stdout == full.stdout
    assert quick.stderr == full.stderr
    assert quick.returncode == full.returncode
    assert trees[0] == trees[1]
    for original in FIXTURES.glob("*.py"):
        fixed = original.with_name(original.name + ".fixed")
        expected = fixed if fixed.exists() and "--diff" not in switches else original
        assert trees[0][Path("tree") / original.name] == expected.read_bytes(), original.name


def test_a_clean_file_exits_0_and_findings_exit_1(tmp_path):
    clean = _run([*SCRIPT, "--no-cache", str(FIXTURES / "tf2_module_correct.py")], tmp_path)
    findings = _run([*SCRIPT, "--no-cache", str(FIXTURES / "tf2_module_per_matrix.py")], tmp_path)

    assert (clean.returncode, findings.returncode) == (0, 1)
    assert "All checks passed" in clean.stdout
    assert " LST001 " in findings.stdout


def test_the_quick_path_imports_neither_typer_nor_libcst_for_a_file_the_prefilter_passes_over(tmp_path):
    ordinary = tmp_path / "ordinary.py"
    ordinary.write_text("def add(a, b):\n    return a + b\n")
    code = (
        "import sys\n"
        "from lstm_init_lint.plain import run\n"
        f"sys.argv = ['lstm-init-lint', '--no-cache', {str(ordinary)!r}]\n"
        "try:\n"
        "    run()\n"
        "except SystemExit as done:\n"
        "    print(done.code, sorted(m for m in ('typer', 'click', 'pydantic', 'rich', 'libcst') if m in sys.modules))\n"
    )
    result = _run([sys.executable, "-c", code], tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["-h"], ["--version"], ["-"], ["--fix", "--verify", "a.py"], ["--format", "json", "a.py"], ["--format=json"], ["rules"], ["explain", "LST001"], ["check", "a.py"], ["verify", "a.py"], [""]],
)
def test_anything_but_paths_and_the_hook_switches_goes_to_the_full_command_line(argv):
    assert plain_arguments(argv) is None


def test_paths_and_the_hook_switches_stay_on_the_quick_path():
    nothing = {"force_exclude": False, "no_cache": False, "exit_zero": False, "fix": False, "diff": False}
    assert plain_arguments([]) == ([], nothing)
    assert plain_arguments(["--force-exclude", "a.py", "src", "--exit-zero"]) == (["a.py", "src"], {**nothing, "force_exclude": True, "exit_zero": True})
    assert plain_arguments(["--force-exclude", "--fix", "a.py"]) == (["a.py"], {**nothing, "force_exclude": True, "fix": True})


def test_help_through_the_console_script_is_typer_s(tmp_path):
    result = _run([*SCRIPT, "--help"], tmp_path)
    assert result.returncode == 0
    assert "--force-exclude" in result.stdout and "--statistics" in result.stdout
