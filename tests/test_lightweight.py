"""The lint path never imports TensorFlow, Keras or NumPy, and never runs
the code it reads."""

from __future__ import annotations

import subprocess
import sys

from fixture_format import FIXTURES


def test_importing_the_cli_and_linting_a_directory_imports_no_tensorflow():
    code = (
        "import sys\n"
        "from lstm_init_lint.frontends.cli import main\n"
        f"code = main([{str(FIXTURES)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras', 'numpy', 'torch'))\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1 []"


def test_linting_runs_none_of_the_code(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "side_effects.py").write_text(
        "import sys\n"
        f"open({str(marker)!r}, 'w').write('ran')\n"
        "sys.exit(3)\n"
        "import tensorflow as tf\n"
        "W = tf.Variable(tf.random.normal([4, 4], stddev=0.1))\n"
    )
    from lstm_init_lint.frontends.cli import main

    assert main([str(tmp_path)]) == 0
    assert not marker.exists()


def test_the_ecosystem_libraries_are_imported_only_when_used(tmp_path):
    """nbformat for notebooks, rich for a progress bar on a terminal, jsonschema
    and flake8 never: a run over Python files does not pay for them."""
    (tmp_path / "cell.py").write_text("import tensorflow as tf\n")
    python_files = tmp_path / "python"  # the fixtures' Python files (fixtures/ holds a notebook too)
    python_files.mkdir()
    for fixture in FIXTURES.glob("*.py"):
        (python_files / fixture.name).write_bytes(fixture.read_bytes())
    code = (
        "import sys\n"
        "from lstm_init_lint.frontends.cli import main\n"
        "def loaded():\n"
        "    return sorted({m.split('.')[0] for m in sys.modules} & {'nbformat', 'rich', 'jsonschema', 'flake8', 'pathspec'})\n"
        "print(loaded())\n"
        f"main([{str(tmp_path / 'cell.py')!r}])\n"
        "print(loaded())\n"
        f"main([{str(python_files)!r}])\n"
        "print(loaded())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    after_import, after_file, after_walk = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert after_import == "[]"
    assert after_file == "[]"
    assert after_walk in ("[]", "['pathspec']")  # pathspec only for the excludes and a .gitignore a walk meets


# --- nothing heavy until a file needs it ----------------------------------------

HEAVY = ("libcst", "rich", "tensorflow", "keras", "tf_keras", "numpy", "torch")


def heavy_modules_after(code: str) -> list[str]:
    """The heavy top-level modules a fresh interpreter holds after ``code``."""
    script = f"import io, contextlib, sys\n{code}\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])  # a printed list of names


def quietly(argv: list[str]) -> str:
    return f"from lstm_init_lint.frontends.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n    main({argv!r})"


def test_importing_the_command_line_loads_no_parser_rich_or_tensorflow():
    assert heavy_modules_after("import lstm_init_lint.frontends.cli") == []


def test_help_and_version_load_no_parser():
    assert heavy_modules_after(quietly(["--help"])) == []
    assert heavy_modules_after(quietly(["--version"])) == []


def test_a_run_the_prefilter_settles_loads_no_parser(tmp_path):
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "docs.py").write_text('"""Mentions tf.Variable and tf.matmul only here."""\nimport tensorflow as tf\n')
    assert heavy_modules_after(quietly([str(tmp_path)])) == []


def test_a_run_served_from_the_cache_loads_no_parser():
    argv = ["--jobs", "1", str(FIXTURES)]  # in this process, where we can see it
    assert heavy_modules_after(quietly(argv)) == ["libcst"]
    assert heavy_modules_after(quietly(argv)) == []


def _side_effecting_tree(root, marker_dir):
    """Modules that would each leave a trace (or end the process) if any of
    them were imported or run, each with a fixable cell after the effect."""
    from sample_cells import THREE_FINDINGS

    def marker(name):
        return repr(str(marker_dir / name))

    effects = {
        "writes_a_file.py": f"open({marker('writes_a_file')}, 'w').write('ran')\n",
        "exits.py": f"import sys\nopen({marker('exits')}, 'w').write('ran')\nsys.exit(3)\n",
        "hard_exit.py": f"import os\nopen({marker('hard_exit')}, 'w').write('ran')\nos._exit(4)\n",
        "imports_a_sibling.py": "import writes_a_file  # noqa: F401\nimport exits  # noqa: F401\n",
        "sitecustomize.py": f"open({marker('sitecustomize')}, 'w').write('ran')\n",
        "setup.py": f"open({marker('setup')}, 'w').write('ran')\nraise SystemExit(5)\n",
        "pkg/__init__.py": f"open({marker('package')}, 'w').write('ran')\n",
        "pkg/model.py": f"from . import helpers  # noqa: F401\nopen({marker('pkg_model')}, 'w').write('ran')\n",
        "pkg/helpers.py": "import os\nos._exit(6)\n",
    }
    for name, effect in effects.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(effect + "\n" + THREE_FINDINGS)
    return sorted(effects)


def test_lint_fix_and_diff_run_none_of_a_trees_side_effects(tmp_path):
    """Linting, --diff and --fix over a tree of modules that write files,
    call sys.exit and os._exit at import: none of it runs (the exit status
    and the output are the tool's own, and no trace is left), yet every
    module is read, reported and fixed. The tool runs from inside the tree,
    so an import of any of them would find it."""
    from sample_cells import run_tool

    tree, traces = tmp_path / "tree", tmp_path / "traces"
    tree.mkdir()
    traces.mkdir()
    names = _side_effecting_tree(tree, traces)
    lint = run_tool([str(tree)], cwd=tree)
    assert lint.returncode == 1, lint.stderr
    assert lint.stdout.strip().splitlines()[-1] == f"Found {3 * len(names)} findings in {len(names)} files ({len(names)} files checked)."
    diff = run_tool(["--diff", str(tree)], cwd=tree)
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout.count("\n+++ ") == len(names)
    fix = run_tool(["--fix", str(tree)], cwd=tree)
    assert fix.returncode == 0, fix.stderr
    assert fix.stdout.strip().splitlines()[-1] == f"Fixed {3 * len(names)} findings in {len(names)} files ({len(names)} files checked)."
    assert sorted(p.name for p in traces.iterdir()) == []
    for name in names:
        assert "Orthogonal" in (tree / name).read_text()
