"""Python 2 sources (issue 16): a file Python 3 refuses but a Python 2
grammar reads is analysed and fixed like any other, and stays Python 2.

The Python 2 grammar the checks use is lib2to3's own driver, called here
directly, not through the tool's wrapper. The fixtures are
fixtures/py2_*.py (and a notebook with a Python 2 kernel); their findings
and fixed text are also checked by test_fixtures.py and test_fix.py.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import warnings

import pytest
from cell_programs import cell_programs
from fixture_format import FIXTURES, as_line, is_python2, read_expected
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from lstm_init_lint.engine import fix_source, lint_source
from lstm_init_lint.frontends.cli import main
from lstm_init_lint.model import Settings
from lstm_init_lint.source.notebooks.read import python2_kernel
from lstm_init_lint.rules import _cells

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from lib2to3 import pygram, pytree
    from lib2to3.pgen2 import driver

PYTHON2_FILES = sorted(p for p in FIXTURES.glob("*.py") if is_python2(p))
NOTEBOOK = FIXTURES / "py2_notebook_kernel.ipynb"


def python2_tree(text: str):
    """lib2to3's Python 2 grammar (``print`` a statement): raises on what
    Python 2 would not parse; the tree gives the text back exactly."""
    tree = driver.Driver(pygram.python_grammar, convert=pytree.convert).parse_string(text)
    assert str(tree) == text
    return tree


def python3_refuses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return True
    return False


def test_the_python2_fixtures_are_python2_and_not_python3():
    assert len(PYTHON2_FILES) >= 2
    for path in PYTHON2_FILES:
        text = path.read_text(encoding="utf-8")
        python2_tree(text)
        assert python3_refuses(text), path.name


@pytest.mark.parametrize("path", PYTHON2_FILES, ids=[p.stem for p in PYTHON2_FILES])
def test_a_python2_fixture_is_analysed_and_its_fix_parses_as_python2(path):
    source = path.read_bytes()
    result = lint_source(source, str(path))
    assert result.error is None and result.python == 2
    assert [as_line(f) for f in result.findings] == read_expected(path.with_name(path.stem + ".expected"))
    assert all(f.python == 2 and f.to_json()["python"] == 2 for f in result.findings)
    outcome = fix_source(source, str(path))
    assert outcome.error is None and outcome.changed
    fixed = outcome.fixed.decode("utf-8")
    assert fixed == path.with_name(path.name + ".fixed").read_text(encoding="utf-8")
    python2_tree(fixed)
    assert python3_refuses(fixed)  # still Python 2: nothing but initialisers changed
    # Byte for byte outside the rewritten initialisers: only the lines the
    # fix's edits name differ.
    changed = {number for number, (a, b) in enumerate(zip(source.decode().split("\n"), fixed.split("\n")), 1) if a != b}
    edited = {line for f in outcome.applied for e in f.fix.edits for line in range(e.span.line, e.span.end_line + 1)}
    assert changed == edited and len(fixed.split("\n")) == len(source.decode().split("\n"))
    assert fix_source(outcome.fixed, str(path)).fixed == outcome.fixed


def test_the_rnncell_fixture_keeps_every_python2_construct():
    fixed = (FIXTURES / "py2_rnncell_except_comma.py.fixed").read_text(encoding="utf-8")
    for construct in ("except OSError, e:", "options.iteritems()", 'key <> "scope"', "`path`", "0755", "\treturn (self._num_units", "for step in xrange(3):", "print session.run("):
        assert construct in fixed


def test_a_python3_file_is_not_marked():
    path = FIXTURES / "tf1_seqgan_init_matrix.py"
    result = lint_source(path.read_bytes(), str(path))
    assert result.python == 3
    assert all("python" not in f.to_json() for f in result.findings)


def test_a_python3_file_never_loads_the_python2_reader():
    """The Python 2 path starts only after the Python 3 parse failed."""
    script = (
        "import sys\n"
        "from lstm_init_lint.engine import lint_source\n"
        "from lstm_init_lint.engine import fix_source\n"
        f"source = open({str(FIXTURES / 'tf1_seqgan_init_matrix.py')!r}, 'rb').read()\n"
        "assert lint_source(source, 'x.py').findings\n"
        "assert fix_source(source, 'x.py').changed\n"
        "print(sorted(m for m in sys.modules if 'lib2to3' in m or 'fissix' in m or m.startswith('lstm_init_lint.source.python2') or m == 'lstm_init_lint.fix.python2'))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip() == "[]"


# --- neither Python 3 nor Python 2 ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'print "x"\ndef broken(:\n    pass\n',  # the Python 2 grammar refuses it too
        'print "x"\nf() = 3\n',  # the Python 2 grammar takes it, Python does not
        'print "x"\ndef f():\n    return 1\nreturn 2\n',  # 'return' outside function
        "x = (\n",
    ],
)
def test_a_file_that_is_neither_keeps_the_python3_error(tmp_path, text, capsys):
    python3_message = None
    try:
        compile(text, "bad.py", "exec")
    except SyntaxError as error:
        python3_message = error.msg
    result = lint_source(text.encode(), "bad.py")
    assert result.error is not None and result.error.message == f"syntax error: {python3_message}"
    # A file that cannot hold a cell is passed over unparsed: its syntax is
    # ruff's and flake8's to check (E999), not ours.
    path = tmp_path / "bad.py"
    path.write_text(text)
    assert main(["--no-cache", str(path)]) == 0
    assert capsys.readouterr().err == ""
    assert fix_source(text.encode(), "bad.py").fixed == text.encode()


def test_a_python2_file_without_a_cell_is_no_error_and_is_counted(tmp_path, capsys):
    (tmp_path / "util.py").write_text('def show(x):\n    print "value:", x\n')
    (tmp_path / "cell.py").write_text(_cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)") + 'print "done"\n')
    (tmp_path / "modern.py").write_text("print('hello')\n")
    assert main(["--no-cache", "--statistics", "--format", "json", str(tmp_path)]) == 1
    files = json.loads(capsys.readouterr().out)["files"]
    # util.py is passed over unparsed, so only the cell's file is read as Python 2.
    assert files["errors"] == 0 and files["python2"] == 1 and files["passed_over"] == 2
    assert main(["--no-cache", "--statistics", str(tmp_path)]) == 1
    assert "(1 read as Python 2)" in capsys.readouterr().out


def test_the_cache_keeps_the_python2_count(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "util.py").write_text(_cells.lstm() + 'print "hello"\n')  # a cell, so it is parsed
    for _ in range(2):
        assert main(["--statistics", "--format", "json", "util.py"]) == 0
        files = json.loads(capsys.readouterr().out)["files"]
        assert files["python2"] == 1
    assert files["cached"] == 1


# --- positions ----------------------------------------------------------------------

TAIL_CELL = _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")


def _with(line_marker: str, new_line: str) -> str:
    lines = TAIL_CELL.split("\n")
    (index,) = [i for i, line in enumerate(lines) if line_marker in line]
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = indent + new_line
    return "\n".join(lines)


def test_a_finding_after_a_rewritten_token_on_its_line_is_placed_in_the_original():
    python3 = lint_source(TAIL_CELL.encode(), "cell.py").findings
    (original,) = [f for f in python3 if f.code == "LST001"]
    line = TAIL_CELL.split("\n")[original.span.line - 1].strip()
    source = _with(line, 'print "U", 0777, 10L; ' + line)
    result = lint_source(source.encode(), "cell.py")
    (finding,) = [f for f in result.findings if f.code == "LST001"]
    assert finding.span.line == original.span.line
    assert finding.span.column == original.span.column + len('print "U", 0777, 10L; ')
    fixed = fix_source(source.encode(), "cell.py").fixed.decode()
    new_line = fixed.split("\n")[finding.span.line - 1]
    assert new_line.lstrip().startswith('print "U", 0777, 10L; ') and "Orthogonal" in new_line
    python2_tree(fixed)


def test_a_fix_that_would_change_python2_code_is_refused_with_a_reason():
    source = TAIL_CELL.replace("tf.random.normal([units, 4 * units], stddev=0.1)", "tf.random.normal([units, 4L * units], stddev=0.1)")
    assert source != TAIL_CELL
    (finding,) = [f for f in lint_source(source.encode(), "cell.py", plan_fixes=True).findings if f.code == "LST001"]
    assert not finding.fixable and finding.fix is None
    assert "Python 2 code on line" in finding.no_fix_reason and "fix it by hand" in finding.no_fix_reason
    outcome = fix_source(source.encode(), "cell.py")
    assert "4L * units" in outcome.fixed.decode()


def test_crlf_and_a_coding_cookie_are_kept():
    source = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + TAIL_CELL + 'print "fin"\n').replace("\n", "\r\n").encode("latin-1")
    outcome = fix_source(source, "cell.py")
    assert outcome.error is None and outcome.changed
    assert outcome.fixed.count(b"\r\n") == source.count(b"\r\n") and b"caf\xe9" in outcome.fixed
    python2_tree(outcome.fixed.decode("latin-1"))


# --- notebooks ----------------------------------------------------------------------


def test_a_notebook_with_a_python2_kernel_is_analysed_and_fixed_in_python2():
    source = NOTEBOOK.read_bytes()
    result = lint_source(source, str(NOTEBOOK))
    assert result.error is None and result.python == 2
    lines = [f"cell {f.notebook_cell} {as_line(f)}" for f in result.findings]
    assert lines == read_expected(NOTEBOOK.with_name(NOTEBOOK.stem + ".expected"))
    assert all(f.to_json()["python"] == 2 for f in result.findings)
    from lstm_init_lint.engine import fix_notebook

    outcome = fix_notebook(source, str(NOTEBOOK), Settings())
    assert outcome.error is None and outcome.fixed == NOTEBOOK.with_name(NOTEBOOK.name + ".fixed").read_bytes()
    cells = ["".join(c["source"]) for c in json.loads(outcome.fixed)["cells"] if c["cell_type"] == "code"]
    python2_tree("\n".join(c for c in cells if not c.startswith("%")) + "\n")
    assert fix_notebook(outcome.fixed, str(NOTEBOOK), Settings()).fixed == outcome.fixed


def test_a_notebook_with_a_python3_kernel_is_not_read_as_python2():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    notebook["metadata"] = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python", "version": "3.6.8"}}
    result = lint_source(json.dumps(notebook).encode(), "nb.ipynb")
    assert result.error is not None and "Missing parentheses in call to 'print'" in result.error.message


def test_in_a_python2_notebook_the_broken_cells_are_blamed_not_the_python2_ones():
    """Python 3 stops at the first ``print x``; the kernel (Python 2) would
    stop at the broken cells, so those are named and left out."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    broken = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["def broken(:\n", "    pass"]}
    assigns_a_call = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["print 'x'\n", "f() = 3"]}
    notebook["cells"][2:2] = [broken]
    notebook["cells"][4:4] = [assigns_a_call]  # the Python 2 grammar takes it, Python does not
    result = lint_source(json.dumps(notebook).encode(), "nb.ipynb")
    assert result.error.render() == "nb.ipynb:cell 3:1:12: error: syntax error: invalid syntax (as Python 2) (cells 5 could not be parsed either)"
    assert [(f.notebook_cell, f.code) for f in result.findings] == [(6, "LST002"), (6, "LST001"), (6, "LST004")]


@pytest.mark.parametrize(
    ("metadata", "python2"),
    [
        ({"language_info": {"version": "2.7.15"}}, True),
        ({"language_info": {"version": "3.7.1"}, "kernelspec": {"name": "python2"}}, False),
        ({"kernelspec": {"name": "python2", "language": "python"}}, True),
        ({"kernelspec": {"name": "conda-env", "display_name": "Python 2 (tf)", "language": "python"}}, True),
        ({"kernelspec": {"name": "ir", "language": "R"}}, False),
        ({}, False),
        (None, False),
    ],
)
def test_which_kernels_are_python2(metadata, python2):
    assert python2_kernel(metadata) is python2


# --- generated Python 2 programs (hypothesis) ----------------------------------------

PYTHON2_STATEMENTS = [
    'print "step", 1',
    "print >>sys.stderr, 'shape', [1, 2]",
    "print",
    "exec 'pass' in {}",
    "seed_ = 0777 + 10L",
    "same_ = 1 <> 2",
    'pattern_ = ur"\\d+"',
    "shown_ = `seed_`",
    "for _k, _v in {}.iteritems(): pass",
    "for _ in xrange(2): print _,",
    "try:\n{indent}    pass\n{indent}except ValueError, e:\n{indent}    print e",
    "if 0:\n{indent}\traise ValueError, 'never'",
]
_CLAUSES = ("elif", "else", "except", "finally", "@")


def _statement_starts(source: str) -> list[tuple[int, str]]:
    """(0-based line, indentation) where a new statement may go: before a
    statement's first line (its first decorator), never before a clause."""
    lines = source.split("\n")
    starts = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
            text = lines[first]
            if text.lstrip().startswith(_CLAUSES[:-1]) or text[: len(text) - len(text.lstrip())] != " " * node.col_offset:
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            starts.add((first, text[: node.col_offset]))
    return sorted(starts)


@st.composite
def python2_cell_programs(draw):
    program = draw(cell_programs())
    lines = program.source.split("\n")
    starts = _statement_starts(program.source)
    chosen = draw(st.lists(st.sampled_from(starts), min_size=1, max_size=6, unique=True))
    inserted = []
    for line, indent in sorted(chosen, reverse=True):
        statement = draw(st.sampled_from(PYTHON2_STATEMENTS)).replace("{indent}", indent)
        lines[line:line] = [indent + part for part in [statement]]
        inserted.append(indent + statement)
    return program, "\n".join(lines), inserted


@settings(derandomize=True, database=None, deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(python2_cell_programs())
def test_fixing_a_generated_python2_cell_stays_python2_and_is_stable(case):
    program, source, inserted = case
    note(program.style)
    note(source)
    python2_tree(source)
    result = lint_source(source.encode(), "cell.py")
    assert result.error is None, result.error
    # ``print >>f, x`` and a bare ``print`` are Python 3 expressions too.
    assert result.python == (2 if python3_refuses(source) else 3)
    # The same verdicts as the program in Python 3.
    python3 = lint_source(program.source.encode(), "cell.py")
    assert sorted((f.code, f.instance or f.weight) for f in result.findings) == sorted((f.code, f.instance or f.weight) for f in python3.findings)
    outcome = fix_source(source.encode(), "cell.py")
    assert outcome.error is None, outcome.error
    fixed = outcome.fixed.decode()
    note(fixed)
    python2_tree(fixed)
    for statement in inserted:  # every Python 2 statement kept byte for byte
        assert statement in fixed
    again = fix_source(outcome.fixed, "cell.py")
    assert again.error is None and again.fixed == outcome.fixed and again.applied == ()
