"""Real code at scale: the installed TensorFlow and Keras sources (about
2,700 files) are linted, and fixed with --diff, without one internal error
or traceback, and whatever --diff would write parses.

The packages are found without importing them, and named explicitly: a
named directory is walked even though it lies inside .venv/ and
site-packages/. The --fix --diff run is a subprocess started first, so it
runs on the second core while this process lints.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_format import FIXTURES

from lstm_init_lint.frontends.cli import main

pytestmark = pytest.mark.slow  # lints and diffs the about 2,700 files of TensorFlow and Keras

# What a file that cannot be analysed may be told; anything else (an
# "internal error") is a bug.
CLEAN_ERRORS = re.compile(
    r"^(?P<path>[^:]+)(:cell \d+)?(:\d+(:\d+)?)?: error: (syntax error: |cannot decode the file|source contains a NUL byte"
    r"|too large to analyse|the code is nested too deeply|libcst cannot parse this file|not a notebook: )"
    r"|^(?P<skipped>[^:]+): warning: skipped: too large to analyse"
)
# What --diff says on standard error about each finding (would fix / not fixed).
FIX_LINE = re.compile(r"^[^:]+(:cell \d+)?:\d+:\d+: LST\d{3} ")


def _package_directory(name: str) -> str:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed (the test extra installs it)"
    return spec.submodule_search_locations[0]


TREES = [_package_directory("tensorflow"), _package_directory("keras")]
FILE_COUNT = sum(1 for tree in TREES for path in Path(tree).rglob("*.py"))


@pytest.fixture(scope="module")
def diff_run():
    """``lstm-init-lint --fix --diff`` over both trees, started at once."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lstm_init_lint", "--fix", "--diff", *TREES], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment()
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}


def test_the_trees_are_big_enough_to_mean_something():
    assert FILE_COUNT > 2_000


def test_linting_tensorflow_and_keras_has_no_internal_error(diff_run, capsys):
    code = main([*TREES])
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line]
    bad = [line for line in errors if not CLEAN_ERRORS.match(line)]
    assert bad == [], "\n".join(bad)
    assert code == (2 if errors else 1 if "Found" in out.splitlines()[-1] else 0)
    # Every file under the named packages was taken, though they lie in .venv/site-packages/:
    # checked, or passed over as unable to hold a cell (the summary counts both).
    assert _files_taken(out.splitlines()[-1]) == FILE_COUNT, out.splitlines()[-1]


def test_fix_diff_over_tensorflow_and_keras_never_crashes_and_its_output_parses(diff_run):
    out, err = (stream.decode("utf-8") for stream in diff_run.communicate(timeout=1800))
    assert "Traceback" not in err
    # Standard output is the diff alone; what would change, and the summary, are on standard error.
    lines = [line for line in err.splitlines() if line]
    summary = lines[-1]
    bad = [line for line in lines[:-1] if not FIX_LINE.match(line) and not CLEAN_ERRORS.match(line)]
    assert bad == [], "\n".join(bad)
    assert diff_run.returncode in (0, 1, 2)
    match = re.fullmatch(r"Would fix (\d+) findings? in (\d+) files? \((.*)\)(\.|; .*\.)", summary)
    assert match, summary
    assert _files_taken(summary) == FILE_COUNT, summary
    patched = _apply_diff(out)
    assert len(patched) == int(match.group(2))
    for path, text in patched.items():
        compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)


def test_the_diff_reader_reproduces_the_fixed_fixtures(capsys):
    """The check above reads --diff's output back into files: on the
    fixtures it must give exactly the expected fixed texts."""
    assert main(["--diff", str(FIXTURES)]) == 1
    patched = _apply_diff(capsys.readouterr().out)
    fixed = [*FIXTURES.glob("*.fixed"), *FIXTURES.glob("packages/*/*.fixed")]  # .py and .ipynb, and the fixture packages'
    expected = {str(p.with_suffix("")): _read(str(p)) for p in fixed}
    assert patched == expected


def _files_taken(summary: str) -> int:
    """The files a summary line accounts for: ``(N files checked)`` or
    ``(N files checked, M passed over as unable to hold a recurrent cell)``."""
    match = re.search(r"\((\d+) files? checked(?:, (\d+) passed over as unable to hold a recurrent cell)?\)", summary)
    assert match, summary
    return int(match.group(1)) + int(match.group(2) or 0)


def _apply_diff(output: str) -> dict[str, str]:
    """The new text of each file in --diff's output (unified diffs of whole
    files, each against the file on disk)."""
    patched: dict[str, str] = {}
    lines = output.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        if not _file_header(lines, index):
            index += 1
            continue
        path = _diff_path(lines[index + 1])
        original = _read(path).splitlines(keepends=True)
        new: list[str] = []
        position = 0  # lines of the original consumed
        index += 2
        while index < len(lines) and lines[index].startswith("@@"):
            start = int(re.match(r"@@ -(\d+)", lines[index]).group(1))
            start = max(start - 1, 0) if not re.match(r"@@ -\d+,0 ", lines[index]) else start
            new.extend(original[position:start])
            position = start
            index += 1
            while index < len(lines) and lines[index][:1] in (" ", "-", "+", "\\") and not _file_header(lines, index):
                kind, text = lines[index][:1], lines[index][1:]
                if kind == "\\":  # "\ No newline at end of file": the previous line has none
                    if new and new[-1].endswith("\n"):
                        new[-1] = new[-1][:-1]
                elif kind == " ":
                    new.append(original[position])
                    position += 1
                elif kind == "-":
                    position += 1
                else:
                    new.append(text)
                index += 1
        new.extend(original[position:])
        patched[path] = "".join(new)
    return patched


def _file_header(lines: list[str], index: int) -> bool:
    return lines[index].startswith("--- ") and index + 1 < len(lines) and lines[index + 1].startswith("+++ ")


def _diff_path(header: str) -> str:
    """The file a ``+++`` line names: ``b/`` before a relative path (as git
    prints it), an absolute path as it is."""
    name = header[len("+++ ") :].rstrip("\n")
    return name[len("b/") :] if name.startswith("b/") else name


def _read(path: str) -> str:
    """A file's text as the fixer sees it: its own encoding, newlines untouched."""
    import tokenize

    with open(path, "rb") as handle:
        encoding = tokenize.detect_encoding(handle.readline)[0]
    with open(path, encoding=encoding, newline="") as handle:
        return handle.read()
