"""Bad input: each is one clear line on standard error naming the file (and
the line where there is one), the other files are still analysed and fixed,
the exit status is 2, and --fix never writes the bad file.

And input that only looks bad (latin-1 with its cookie, a BOM, CRLF and
mixed newlines, an empty file, a directory called ``x.py``) is analysed and
fixed with every byte it does not need to change kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sample_cells import THREE_FINDINGS

from lstm_init_lint.frontends.cli import main
from lstm_init_lint.engine import fix_source
from lstm_init_lint.source.limits import MAX_SOURCE_BYTES

FIXED = fix_source(THREE_FINDINGS.encode(), "cell.py").fixed
GOOD_FINDINGS = ("cell.py:6:9: LST002", "cell.py:7:9: LST001", "cell.py:8:9: LST004")


def _nested_ifs(levels: int) -> bytes:
    lines = [" " * depth + "if x:" for depth in range(levels)]
    return ("\n".join(lines) + "\n" + " " * levels + "pass\n").encode()


def _ten_megabytes() -> bytes:
    """A cell, then generated code (a table of rows, as a _pb2 file might hold)."""
    row = "    ({0}, 'name_{0}', {0}.5, [{0}, {0}, {0}]),\n"
    rows, size, index = [], 0, 0
    while size < 10 * 1024 * 1024:
        text = row.format(index)
        rows.append(text)
        size += len(text)
        index += 1
    return (THREE_FINDINGS + "\nTABLE = [\n" + "".join(rows) + "]\n").encode()


# What the pre-filter and the structural gate keep for the parser (a weight,
# a product through TensorFlow, a sum of two gated products): code without it
# is passed over unparsed, and not checked for syntax errors (ruff's and
# flake8's E999 are for that).
LOOKS_LIKE_A_CELL = b"import tensorflow as tf\nW = tf.Variable(tf.zeros([4, 4]))\nc = tf.sigmoid(tf.matmul(x, W)) * c + tf.sigmoid(x) * tf.tanh(x)\n"
# The same words after a file's error, which keeps its line: enough for the
# pre-filter, and Python's parser (which the gate needs) fails first.
CELL_WORDS_AFTER = b"\nimport tensorflow as tf\nW = tf.Variable(w) @ U\n"

# name: (file name, bytes, the error line after "PATH")
BAD_FILES = {
    "syntax error": ("bad.py", b"import tensorflow as tf\n\ndef f(:\n    pass\n", ":3:7: error: syntax error: invalid syntax"),
    # Python 2 is analysed (tests/test_python2.py); Python 2 with a syntax
    # error in it as well is neither, and gets Python 3's message.
    "python 2 with a syntax error": (
        "bad.py",
        b"import tensorflow as tf\n\nW = tf.Variable(tf.random_normal([4, 4], stddev=0.1))\nprint \"built\", W\ndef show(:\n    pass\n",
        ":4:1: error: syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?",
    ),
    "python 2 octal literal with a syntax error": (
        "bad.py",
        b"import os\n\nos.chmod('model.ckpt', 0644)\nif x\n",
        ":3:24: error: syntax error: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
    ),
    "tabs and spaces with a syntax error": ("bad.py", b"def f():\n\tif x:\n        pass\n    else\n", ":3:1: error: syntax error: inconsistent use of tabs and spaces in indentation"),
    "NUL byte": ("bad.py", b"x = 1\ny = 2\x00\n", ":2: error: source contains a NUL byte"),
    "undecodable, no cookie, line 1": ("bad.py", b'x = "\xff\xfe"\n', ":1: error: cannot decode the file as utf-8: byte 0xff is not valid"),
    "undecodable, no cookie, line 3": ("bad.py", b'x = 1\ny = 2\nz = "caf\xe9"\n', ":3: error: cannot decode the file as utf-8: byte 0xe9 is not valid"),
    "undecodable with a utf-8 cookie": ("bad.py", b'# -*- coding: utf-8 -*-\nx = "\xff"\n', ":2: error: cannot decode the file as utf-8: byte 0xff is not valid"),
    "undecodable with an ascii cookie": ("bad.py", b'# coding: ascii\nx = "caf\xc3\xa9"\n', ":2: error: cannot decode the file as ascii: byte 0xc3 is not valid"),
    "unknown encoding": ("bad.py", b"#!/usr/bin/env python\n# coding: klingon\nx = 1\n", ":2: error: cannot decode the file: unknown encoding: klingon"),
    "BOM and another cookie": (
        "bad.py",
        b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
        ": error: cannot decode the file: it starts with a UTF-8 byte order mark but its coding cookie names another encoding",
    ),
    "10,000 nested parentheses": ("deep.py", b"x = " + b"(" * 10_000 + b"1" + b")" * 10_000 + b"\n", ":1:205: error: syntax error: too many nested parentheses"),
    "10,000 nested lists": ("deep.py", b"x = " + b"[" * 10_000 + b"1" + b"]" * 10_000 + b"\n", ":1:205: error: syntax error: too many nested parentheses"),
    "1,000 nested ifs": ("deep.py", _nested_ifs(1_000), ":101:1: error: syntax error: too many levels of indentation"),
    "a 10,000-operand and chain": ("deep.py", LOOKS_LIKE_A_CELL + b"x = " + b" and ".join([b"a"] * 10_000) + b"\n", ":4:5: error: the code is nested too deeply to analyse (more than 100 levels)"),
    "100,000 nots": ("deep.py", b"x = " + b"not " * 100_000 + b"1\n", ": error: the code is nested too deeply to parse (Python's own parser refuses it)"),
    "a 2,000-level attribute chain": ("deep.py", LOOKS_LIKE_A_CELL + b"x = a" + b".b" * 2_000 + b"\n", ":4:5: error: the code is nested too deeply to analyse (more than 100 levels)"),
    "a notebook that is not JSON": ("bad.ipynb", b'{"cells": [', ":1:12: error: not a notebook: invalid JSON: Expecting value"),
    "a notebook that is JSON but not a notebook": ("bad.ipynb", b"[1, 2, 3]\n", ": error: not a notebook: "),
}
# A Python file only reaches the parser when it may hold a cell.
BAD_FILES = {
    case: (name, data + CELL_WORDS_AFTER if name.endswith(".py") and not data.startswith(LOOKS_LIKE_A_CELL) else data, line)
    for case, (name, data, line) in BAD_FILES.items()
}


def _bytes(case: str) -> bytes:
    return BAD_FILES[case][1]


def _project(tmp_path, case: str):
    name = BAD_FILES[case][0]
    good = tmp_path / "cell.py"
    good.write_text(THREE_FINDINGS)
    bad = tmp_path / name
    bad.write_bytes(_bytes(case))
    return good, bad


def _one_error_line(err: str, path) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(str(path)), err
    return lines[0][len(str(path)) :]


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_one_clear_line_and_the_others_are_still_linted(case, tmp_path, capsys):
    good, bad = _project(tmp_path, case)
    assert main([str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert _one_error_line(err, bad).startswith(BAD_FILES[case][2])
    for finding in GOOD_FINDINGS:
        assert f"{tmp_path}/{finding}" in out
    assert out.strip().splitlines()[-1] == "Found 3 findings in 1 file (2 files checked); 1 file could not be analysed."


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_fix_never_writes_a_bad_file_and_still_fixes_the_others(case, tmp_path, capsys):
    good, bad = _project(tmp_path, case)
    before, stat = bad.read_bytes(), bad.stat()
    assert main(["--fix", str(good), str(bad)]) == 2
    _, err = capsys.readouterr()
    assert _one_error_line(err, bad).startswith(BAD_FILES[case][2])
    assert bad.read_bytes() == before
    assert bad.stat().st_mtime_ns == stat.st_mtime_ns and bad.stat().st_ino == stat.st_ino
    assert good.read_bytes() == FIXED
    assert sorted(os.listdir(tmp_path)) == sorted(["cell.py", bad.name])


@pytest.mark.slow  # lints and fixes every bad input in subprocesses
def test_a_whole_directory_of_bad_files_in_a_subprocess_without_a_traceback(tmp_path):
    """The installed command as a user runs it: one line per bad file, the
    good file's findings, exit 2, and nothing on standard error but those lines."""
    (tmp_path / "cell.py").write_text(THREE_FINDINGS)
    expected = {}
    for index, case in enumerate(BAD_FILES):
        name, _, line = BAD_FILES[case]
        stem, suffix = os.path.splitext(name)
        path = tmp_path / f"{stem}_{index:02d}{suffix}"
        path.write_bytes(_bytes(case))
        expected[str(path)] = line
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "cell.py"}
    for arguments in ([str(tmp_path)], ["--fix", str(tmp_path)]):
        result = subprocess.run([sys.executable, "-m", "lstm_init_lint", *arguments], capture_output=True, text=True, timeout=600)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        errors = dict(line.split(":", 1) for line in result.stderr.splitlines())
        assert sorted(errors) == sorted(expected)
        for path, line in expected.items():
            assert f":{errors[path]}".startswith(line), (path, errors[path])
    assert (tmp_path / "cell.py").read_bytes() == FIXED
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "cell.py"} == before


def test_ten_megabytes_of_a_cell_are_skipped_before_the_parser_sees_them(tmp_path):
    """A file that may hold a cell but is over the limit is skipped with a
    warning, no error: the parser is never even imported (the big file holds
    a cell, so the pre-filter keeps it), and the run's exit status is the
    other files' (here, the three findings of cell.py)."""
    good = tmp_path / "cell.py"
    good.write_text(THREE_FINDINGS)
    bad = tmp_path / "big.py"
    bad.write_bytes(_ten_megabytes())
    assert len(bad.read_bytes()) >= 10 * 1024 * 1024
    script = (
        "import sys\nfrom lstm_init_lint.frontends.cli import main\n"
        f"code = main(['--no-cache', '--jobs', '1', {str(bad)!r}])\n"
        "print(code, 'libcst' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert result.stdout.splitlines()[-1] == "0 False", result
    limit = f"{MAX_SOURCE_BYTES / (1 << 20):.1f} MiB"
    assert result.stderr == f"{bad}: warning: skipped: too large to analyse (10.0 MiB; the limit is {limit} of Python source that may hold a cell); exclude it or split it\n"
    assert main([str(good), str(bad)]) == 1
    assert main(["--fix", str(good), str(bad)]) == 0
    assert good.read_bytes() == FIXED and bad.read_bytes() == _ten_megabytes()


# --- paths that are not files --------------------------------------------------


def _lint_and_fix(capsys, good, named) -> tuple[str, str]:
    """Lint, then fix, ``good`` and ``named``: the error line each time (after
    the path), checking that the good file's findings were reported and fixed."""
    assert main([str(good), str(named)]) == 2
    out, err = capsys.readouterr()
    for finding in GOOD_FINDINGS:
        assert finding in out
    lint_error = _one_error_line(err, named)
    assert main(["--fix", str(good), str(named)]) == 2
    fix_error = _one_error_line(capsys.readouterr().err, named)
    assert good.read_bytes() == FIXED
    return lint_error, fix_error


def test_a_broken_symbolic_link(tmp_path, capsys):
    good = tmp_path / "cell.py"
    good.write_text(THREE_FINDINGS)
    link = tmp_path / "model.py"
    link.symlink_to("nowhere.py")
    assert _lint_and_fix(capsys, good, link) == (": error: broken symbolic link (to nowhere.py)",) * 2
    assert not (tmp_path / "nowhere.py").exists()  # --fix did not create the target


def test_a_symbolic_link_loop(tmp_path, capsys):
    good = tmp_path / "cell.py"
    good.write_text(THREE_FINDINGS)
    (tmp_path / "a.py").symlink_to("b.py")
    (tmp_path / "b.py").symlink_to("a.py")
    assert _lint_and_fix(capsys, good, tmp_path / "a.py") == (": error: symbolic link loop",) * 2


def test_a_path_that_does_not_exist(tmp_path, capsys):
    good = tmp_path / "cell.py"
    good.write_text(THREE_FINDINGS)
    assert _lint_and_fix(capsys, good, tmp_path / "missing.py") == (": error: no such file or directory",) * 2
    assert not (tmp_path / "missing.py").exists()


def test_a_fifo_named_like_a_python_file_is_not_read(tmp_path, capsys):
    good = tmp_path / "cell.py"
    good.write_text(THREE_FINDINGS)
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    assert _lint_and_fix(capsys, good, fifo) == (": error: not a regular file or directory",) * 2


def test_a_walk_skips_links_that_lead_nowhere_and_lints_the_rest(tmp_path, capsys):
    """Inside a directory walk, a dangling or looping link is not a file to lint."""
    (tmp_path / "cell.py").write_text(THREE_FINDINGS)
    (tmp_path / "dangling.py").symlink_to("nowhere.py")
    (tmp_path / "a.py").symlink_to("b.py")
    (tmp_path / "b.py").symlink_to("a.py")
    assert main([str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert out.strip().splitlines()[-1] == "Found 3 findings in 1 file (1 file checked)."


def test_a_directory_named_x_py_is_a_directory_to_walk_not_a_file_to_read(tmp_path, capsys):
    """Named or met in a walk, it is walked like any directory; nothing tries
    to read it as source, and --fix fixes what is inside it."""
    directory = tmp_path / "x.py"
    directory.mkdir()
    (directory / "cell.py").write_text(THREE_FINDINGS)
    for target in (directory, tmp_path):
        assert main([str(target)]) == 1
        out, err = capsys.readouterr()
        assert err == "" and f"{directory}/cell.py:7:9: LST001" in out
    assert main(["--fix", str(tmp_path)]) == 0
    assert (directory / "cell.py").read_bytes() == FIXED


# --- input that only looks bad: analysed and fixed, every other byte kept ------


def test_an_empty_file_is_clean_and_left_empty(tmp_path, capsys):
    empty = tmp_path / "empty.py"
    empty.write_bytes(b"")
    assert main([str(empty)]) == 0
    # It cannot hold a cell: passed over, and the summary says so rather than "passed".
    assert capsys.readouterr().out.strip() == "Nothing to check: 1 file passed over as unable to hold a recurrent cell."
    assert main(["--fix", str(empty)]) == 0
    assert empty.read_bytes() == b""


def test_code_python_refuses_to_compile_is_an_error_in_a_file_that_may_hold_a_cell(tmp_path, capsys):
    path = tmp_path / "module.py"
    path.write_bytes(LOOKS_LIKE_A_CELL + b"def f():\n    pass\nreturn 1\n")
    assert main([str(path)]) == 2
    line = LOOKS_LIKE_A_CELL.count(b"\n") + 3
    assert capsys.readouterr().err == f"{path}:{line}:1: error: syntax error: 'return' outside function\n"
    assert main(["--fix", str(path)]) == 2
    assert path.read_bytes() == LOOKS_LIKE_A_CELL + b"def f():\n    pass\nreturn 1\n"


@pytest.mark.parametrize("source", [b"def f():\n    pass\nreturn 1\n", b"import tensorflow as tf\nW = tf.Variable(w)\ndef f(:\n"], ids=["compile error", "syntax error"])
def test_a_broken_file_that_cannot_hold_a_cell_is_passed_over_unchecked(source, tmp_path, capsys):
    """Syntax errors in files unrelated to recurrent cells are ruff's and
    flake8's to report (E999): such a file is counted as passed over, and
    neither parsed nor checked."""
    path = tmp_path / "module.py"
    path.write_bytes(source)
    assert main(["--statistics", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "1 passed over by the pre-filter" in captured.out
    assert main(["--fix", str(path)]) == 0
    assert path.read_bytes() == source


def test_2000_implicitly_joined_strings_beside_a_cell_are_linted_and_fixed(tmp_path, capsys):
    """libcst nests joined strings pairwise, so generating the code of such a
    module recurses 2,000 deep; the tool never regenerates it."""
    help_text = "\nHELP = (\n" + "".join(f'    "line {i}\\n"\n' for i in range(2_000)) + ")\n"
    path = tmp_path / "cell.py"
    path.write_bytes((THREE_FINDINGS + help_text).encode())
    assert main([str(path)]) == 1
    assert [line.split(": ", 1)[0].rsplit(":", 2)[0] for line in capsys.readouterr().out.splitlines()[:-1]] == [str(path)] * 3
    assert main(["--fix", str(path)]) == 0
    assert path.read_bytes() == FIXED + help_text.encode()


def test_a_latin1_file_with_its_cookie_is_linted_and_fixed_in_latin1(tmp_path, capsys):
    source = "# -*- coding: latin-1 -*-\n# Modèle écrit à la main (cellule LSTM)\n" + THREE_FINDINGS
    path = tmp_path / "cell.py"
    path.write_bytes(source.encode("latin-1"))
    assert main(["--format", "json", str(path)]) == 1
    assert [f["code"] for f in json.loads(capsys.readouterr().out)] == ["LST002", "LST001", "LST004"]
    assert main(["--fix", str(path)]) == 0
    data = path.read_bytes()
    assert data == fix_source(source.encode("latin-1"), "cell.py").fixed
    assert "# Modèle écrit à la main (cellule LSTM)\n".encode("latin-1") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("latin-1") == FIXED.decode().replace("import tensorflow", "# -*- coding: latin-1 -*-\n# Modèle écrit à la main (cellule LSTM)\nimport tensorflow", 1)


def test_a_utf8_bom_is_kept(tmp_path, capsys):
    path = tmp_path / "cell.py"
    path.write_bytes(b"\xef\xbb\xbf" + THREE_FINDINGS.encode())
    assert main([str(path)]) == 1
    assert main(["--fix", str(path)]) == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED


def test_crlf_newlines_are_kept(tmp_path):
    path = tmp_path / "cell.py"
    path.write_bytes(THREE_FINDINGS.encode().replace(b"\n", b"\r\n"))
    assert main(["--fix", str(path)]) == 0
    assert path.read_bytes() == FIXED.replace(b"\n", b"\r\n")


def test_mixed_newlines_are_kept_line_by_line(tmp_path):
    """Only the edited expressions change: each line keeps its own ending."""
    endings = [b"\r\n", b"\n", b"\n", b"\r\n"]
    original_lines = THREE_FINDINGS.encode().split(b"\n")[:-1]
    fixed_lines = FIXED.split(b"\n")[:-1]
    assert len(original_lines) == len(fixed_lines)

    def joined(lines):
        return b"".join(line + endings[i % len(endings)] for i, line in enumerate(lines))

    path = tmp_path / "cell.py"
    path.write_bytes(joined(original_lines))
    assert main(["--fix", str(path)]) == 0
    assert path.read_bytes() == joined(fixed_lines)
    assert main([str(path)]) == 0
