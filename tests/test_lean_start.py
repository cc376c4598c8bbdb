"""The lean start (``frontends/start.py``, issue 18): a pre-commit run over
files that cannot hold a cell reads and pre-filters them before importing
anything else, and prints what the full command line prints."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fixture_format import ROOT
from sample_cells import CLEAN, ONE_FINDING

from lstm_init_lint.frontends.cli import lint_command_line, main
from lstm_init_lint.run import prefilter, prefilter_words
from lstm_init_lint.source.limits import MAX_READ_BYTES

PLAIN = "import os\n\n\ndef home():\n    return os.environ['HOME']\n"
DENSE_ONLY = "import tensorflow as tf\n\nW = tf.Variable(tf.zeros([4, 4]))\ny = tf.nn.relu(tf.matmul(x, W) + 1)\n"  # kept by the pre-filter, passed over by the gate

# What the start must not import to pass over a file: the parser of the
# arguments, the configuration, the data types, the cache, the runner, the
# parsers, and the standard modules the issue names (tens of ms each).
NOT_ON_THE_LEAN_PATH = {
    "dataclasses",
    "inspect",
    "pathlib",
    "typing",
    "re",
    "json",
    "ast",
    "tomllib",
    "libcst",
    "lstm_init_lint.frontends.arguments",
    "lstm_init_lint.frontends.cli",
    "lstm_init_lint.model",
    "lstm_init_lint.knowledge.apis",
    "lstm_init_lint.run.config",
    "lstm_init_lint.run.cache",
    "lstm_init_lint.run.runner",
}


def _modules_imported_by_the_console_script(arguments: list[str]) -> tuple[int, str, set[str]]:
    """Run the console script's ``run()`` in a fresh interpreter without
    ``site`` (whose editable-install finder imports ``re`` and ``pathlib``
    itself) and list the modules the run imported."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "before = set(sys.modules)\n"
        f"sys.argv = ['lstm-init-lint', *{arguments!r}]\n"
        "from lstm_init_lint.frontends.start import run\n"
        "try:\n"
        "    run()\n"
        "except SystemExit as done:\n"
        "    sys.stderr.write('MODULES ' + ' '.join(sorted(set(sys.modules) - before)) + '\\n')\n"
        "    raise\n"
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=120)
    modules = next(line for line in result.stderr.splitlines() if line.startswith("MODULES ")).split()[1:]
    return result.returncode, result.stdout, set(modules)


def test_passing_over_a_file_imports_only_the_pre_filter(tmp_path):
    (tmp_path / "plain.py").write_text(PLAIN)
    (tmp_path / "empty.py").write_text("")
    code, out, modules = _modules_imported_by_the_console_script(["--force-exclude", str(tmp_path / "plain.py"), str(tmp_path / "empty.py")])
    assert code == 0
    assert out == "Nothing to check: 2 files passed over as unable to hold a recurrent cell.\n"
    assert modules & NOT_ON_THE_LEAN_PATH == set()
    assert {m for m in modules if m.startswith("lstm_init_lint")} == {
        "lstm_init_lint",
        "lstm_init_lint.frontends",
        "lstm_init_lint.frontends.start",
        "lstm_init_lint.run",
        "lstm_init_lint.run.prefilter",
        "lstm_init_lint.run.prefilter_words",
        "lstm_init_lint.output",
        "lstm_init_lint.output.words",
    }


def test_a_file_the_pre_filter_keeps_goes_on_to_the_full_command_line(tmp_path):
    """The control: the same listing sees the heavy modules when they are needed."""
    (tmp_path / "dense.py").write_text(DENSE_ONLY)
    code, out, modules = _modules_imported_by_the_console_script(["--no-cache", str(tmp_path / "dense.py")])
    assert code == 0
    assert out == "Nothing to check: 1 file passed over as unable to hold a recurrent cell.\n"  # by the gate
    assert {"lstm_init_lint.run.runner", "lstm_init_lint.run.config", "ast", "dataclasses"} <= modules


@pytest.mark.parametrize(
    "arguments",
    [
        ["PLAIN"],
        ["--force-exclude", "PLAIN", "EMPTY"],
        ["--no-cache", "--exit-zero", "PLAIN"],
        ["PLAIN", "CLEAN"],
        ["PLAIN", "CELL"],
        ["PLAIN", "DENSE"],
        ["--statistics", "PLAIN"],
        ["PLAIN", "MISSING"],
        ["PLAIN", "PLAIN"],
    ],
)
def test_the_lean_start_prints_what_the_full_command_line_prints(tmp_path, capsys, arguments):
    files = {"PLAIN": PLAIN, "EMPTY": "", "CLEAN": CLEAN, "CELL": ONE_FINDING, "DENSE": DENSE_ONLY}
    for name, text in files.items():
        (tmp_path / f"{name.lower()}.py").write_text(text)
    argv = [str(tmp_path / f"{a.lower()}.py") if a.isupper() else a for a in arguments]
    lean = main(["--no-cache", *argv])
    lean_out = capsys.readouterr()
    full = lint_command_line(["--no-cache", *argv])
    full_out = capsys.readouterr()
    assert (lean, lean_out.out, lean_out.err) == (full, full_out.out, full_out.err)


def test_the_words_snapshot_is_the_tables_words():
    """``prefilter_words.py`` is used only while ``knowledge/apis.py`` is
    unchanged; after a change to the tables, regenerate it with
    ``.venv/bin/python -m lstm_init_lint.run.prefilter --write-words``."""
    assert prefilter_words.TABLES_CRC32 == prefilter.tables_digest(), "knowledge/apis.py changed: run python -m lstm_init_lint.run.prefilter --write-words"
    assert prefilter_words.WORDS == prefilter.table_words()


def test_a_stale_snapshot_is_not_used(monkeypatch):
    monkeypatch.setattr(prefilter_words, "WORDS", {**prefilter_words.WORDS, "products": frozenset()})
    monkeypatch.setattr(prefilter_words, "TABLES_CRC32", -1)
    prefilter._load_words()
    try:
        assert b"matmul" in prefilter._PRODUCTS
    finally:
        monkeypatch.undo()
        prefilter._load_words()


def test_the_read_limit_is_the_reader_s():
    from lstm_init_lint.frontends import start

    assert start._READ_LIMIT == MAX_READ_BYTES
