"""Jupyter notebooks: code cells analysed as the one module the kernel runs,
IPython syntax that does not break parsing, `path:cell N:line:col`, and
changed cells written back with everything else kept (for --fix)."""

from __future__ import annotations

import difflib
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lstm_init_lint.engine import lint_source
from lstm_init_lint.frontends.cli import main
from lstm_init_lint.source.notebooks.magics import mask
from lstm_init_lint.source.notebooks.read import read_notebook
from lstm_init_lint.source.notebooks.write import cell_sources, write_cells

SETUP = """%matplotlib inline
!pip install -q tensorflow
import tensorflow as tf
files = !ls data
tf.random.normal?


def init_matrix(shape):
    return tf.random.normal(shape, stddev=0.1)
"""

CELL = """class LSTMCell(tf.Module):
    def __init__(self, n_in, units):
        %time x = 1
        self.W = tf.Variable(tf.keras.initializers.GlorotUniform()([n_in, 4 * units]))
        self.U = tf.Variable(init_matrix([units, 4 * units]))
        self.b = tf.Variable(tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])], 0))

    def __call__(self, x, state):
        h, c = state
        z = x @ self.W + h @ self.U + self.b
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (h, c)"""

BASH = """%%bash
for f in *.csv; do
  echo "$f"
done"""

TIMED = """%%time
cell = LSTMCell(3, 5)"""


def tutorial(code_cell: str = CELL) -> str:
    """A notebook as Jupyter saves it: markdown, outputs, metadata, magics."""
    setup = new_code_cell(SETUP, execution_count=1, metadata={"tags": ["setup"]})
    setup.outputs = [new_output("stream", name="stdout", text="Successfully installed tensorflow\n")]
    notebook = new_notebook(
        cells=[new_markdown_cell("# A hand-written LSTM"), setup, new_markdown_cell("The cell:"), new_code_cell(code_cell, execution_count=2), new_code_cell(BASH), new_code_cell(TIMED)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    return nbformat.writes(notebook) + "\n"


# Quiet first: IPython syntax that must neither break parsing nor be taken for Python.


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("%matplotlib inline\nx = 1", "pass\nx = 1"),
        ("!pip install tf\nx = 1", "pass\nx = 1"),
        ("files = !ls\nx = 1", "pass\nx = 1"),
        ("tf.nn?\n??tf", "pass\npass"),
        ("if True:\n    %time f()\n    !ls", "if True:\n    pass\n    pass"),
        ("!apt-get install \\\n   graphviz\nx = 1", "pass\n\nx = 1"),
        ("%%bash\necho hi\nls", "\n\n"),
        ("%%writefile model.py\nimport os", "\n"),
        ("%%time\nx = f()", "\nx = f()"),
        ("y = (a\n     % b)", "y = (a\n     % b)"),  # modulo, not a magic
        ('s = """\n!not a shell escape\n"""', 's = """\n!not a shell escape\n"""'),
        ("x = 5  # what?", "x = 5  # what?"),
    ],
)
def test_ipython_syntax_is_masked_line_for_line(source, expected):
    assert mask(source) == expected
    assert mask(source).count("\n") == source.count("\n")


def test_a_notebook_without_findings_is_clean(tmp_path, capsys):
    clean = CELL.replace("init_matrix([units, 4 * units])", "tf.keras.initializers.Orthogonal()([units, 4 * units])")
    (tmp_path / "clean.ipynb").write_text(tutorial(clean))
    assert main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "All checks passed (1 file checked)."


def test_findings_are_reported_by_cell_and_line_within_the_cell(tmp_path, capsys):
    path = tmp_path / "tutorial.ipynb"
    path.write_text(tutorial())
    assert main([str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    # The helper is defined in cell 2 and used in cell 4: the cells are analysed together.
    assert out[0].startswith(f"{path}:cell 4:5:9: LST001 LSTM recurrent kernel `self.U` (gates i, f, c, o) starts as random_normal(stddev=0.1) via init_matrix() (cell 2, line 9);")
    assert out[1] == "Found 1 finding in 1 file (1 file checked)."


def test_json_adds_notebook_cell_and_line_is_within_the_cell(tmp_path, capsys):
    path = tmp_path / "tutorial.ipynb"
    path.write_text(tutorial())
    assert main(["--format", "json", str(path)]) == 1
    (finding,) = json.loads(capsys.readouterr().out)
    assert finding["notebook_cell"] == 4
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (5, 9, 5, 15)
    assert finding["cell"] == "lstm"  # the existing key keeps its meaning
    source_line = nbformat.reads(path.read_text(), as_version=4).cells[finding["notebook_cell"] - 1].source.split("\n")[finding["line"] - 1]
    assert source_line[finding["column"] - 1 : finding["end_column"] - 1] == "self.U"


def test_noqa_in_a_cell_silences_the_finding(tmp_path, capsys):
    path = tmp_path / "tutorial.ipynb"
    path.write_text(tutorial(CELL.replace("init_matrix([units, 4 * units]))", "init_matrix([units, 4 * units]))  # noqa: LST001")))
    assert main([str(path)]) == 0


def test_top_level_await_in_a_cell_is_fine_as_ipython_allows_it(tmp_path, capsys):
    notebook = nbformat.reads(tutorial(), as_version=4)
    notebook.cells.append(new_code_cell("import asyncio\nawait asyncio.sleep(0)"))
    path = tmp_path / "tutorial.ipynb"
    path.write_text(nbformat.writes(notebook))
    assert main([str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines()[-1] == "Found 1 finding in 1 file (1 file checked)."


def test_a_notebook_that_is_not_json_is_a_clear_error_and_the_run_goes_on(tmp_path, capsys):
    (tmp_path / "broken.ipynb").write_text('{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}\n')
    (tmp_path / "good.ipynb").write_text(tutorial())
    assert main([str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert f"{tmp_path / 'broken.ipynb'}:3:24: error: not a notebook: invalid JSON: Expecting property name enclosed in double quotes" in captured.err
    assert f"{tmp_path / 'good.ipynb'}:cell 4:5:9: LST001" in captured.out
    assert "1 file could not be analysed" in captured.out


def test_json_that_is_not_a_notebook_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "data.ipynb").write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    assert main([str(tmp_path)]) == 2
    assert f"{tmp_path / 'data.ipynb'}: error: not a notebook" in capsys.readouterr().err


def test_a_cell_with_a_syntax_error_is_named_and_the_other_cells_still_run(tmp_path, capsys):
    notebook = nbformat.reads(tutorial(), as_version=4)
    notebook.cells.insert(3, new_code_cell("print 'python 2'"))
    (tmp_path / "mixed.ipynb").write_text(nbformat.writes(notebook))
    assert main([str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert f"{tmp_path / 'mixed.ipynb'}:cell 4:1:1: error: syntax error: Missing parentheses in call to 'print'" in captured.err
    assert f"{tmp_path / 'mixed.ipynb'}:cell 5:5:9: LST001" in captured.out


def test_old_nbformat_3_notebooks_are_read():
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": ""},
        "worksheets": [{"cells": [{"cell_type": "code", "input": SETUP, "language": "python", "outputs": [], "metadata": {}}, {"cell_type": "code", "input": CELL, "language": "python", "outputs": [], "metadata": {}}]}],
    }
    result = lint_source(json.dumps(v3).encode(), "old.ipynb")
    assert result.error is None
    assert [(f.code, f.notebook_cell, f.span.line) for f in result.findings] == [("LST001", 2, 5)]


# Writing back (what --fix will call).


def test_write_cells_changes_only_the_given_cell_and_keeps_everything_else():
    original = tutorial()
    new_source = CELL.replace("init_matrix([units, 4 * units])", "tf.keras.initializers.Orthogonal()([units, 4 * units])")
    written = write_cells(original.encode(), {4: new_source}).decode()
    before, after = json.loads(original), json.loads(written)
    assert after["metadata"] == before["metadata"] and after["nbformat_minor"] == before["nbformat_minor"]
    for index, (old, new) in enumerate(zip(before["cells"], after["cells"]), 1):
        if index == 4:
            assert "".join(new["source"]) == new_source
            assert {k: v for k, v in new.items() if k != "source"} == {k: v for k, v in old.items() if k != "source"}
        else:
            assert new == old, f"cell {index} changed"
    # As Jupyter saved it, byte for byte, but for the one source line.
    changed = [line for line in difflib.unified_diff(original.splitlines(), written.splitlines(), lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        '-    "        self.U = tf.Variable(init_matrix([units, 4 * units]))\\n",',
        '+    "        self.U = tf.Variable(tf.keras.initializers.Orthogonal()([units, 4 * units]))\\n",',
    ]


def test_write_cells_refuses_a_cell_that_is_not_code():
    with pytest.raises(ValueError, match="cell 1 is not a code cell"):
        write_cells(tutorial().encode(), {1: "x = 1\n"})
    with pytest.raises(ValueError, match="cell 99 is not a code cell"):
        write_cells(tutorial().encode(), {99: "x = 1\n"})


def test_write_cells_keeps_a_source_stored_as_one_string():
    document = json.loads(tutorial())
    document["cells"][1]["source"] = "".join(document["cells"][1]["source"])  # untouched, one string
    written = json.loads(write_cells(json.dumps(document, indent=1).encode(), {4: "x = 1\ny = 2\n"}))
    assert written["cells"][1]["source"] == document["cells"][1]["source"]
    assert written["cells"][3]["source"] == ["x = 1\n", "y = 2\n"]


def test_a_fixed_module_goes_back_into_its_cells_with_the_magics_restored(tmp_path):
    """The whole --fix path for a notebook: rewrite the module, split it into
    cells, write them back, lint again."""
    original = tutorial().encode()
    module = read_notebook(original, "tutorial.ipynb")
    fixed_text = "import numpy as np\n" + module.text.replace("init_matrix([units, 4 * units])", "tf.keras.initializers.Orthogonal()([units, 4 * units])")
    changes = cell_sources(module, fixed_text)
    assert sorted(changes) == [2, 4]
    assert changes[2].startswith("import numpy as np\n%matplotlib inline\n!pip install -q tensorflow\n")
    assert "files = !ls data\n" in changes[2] and "tf.random.normal?\n" in changes[2]
    written = write_cells(original, changes)
    assert lint_source(written, "tutorial.ipynb").findings == ()
    cells = nbformat.reads(written.decode(), as_version=4).cells
    assert cells[1].outputs == nbformat.reads(original.decode(), as_version=4).cells[1].outputs
    assert cells[4].source == BASH and cells[5].source == TIMED


def test_positions_after_a_blanked_cell_magic_stay_right(tmp_path, capsys):
    # %%bash without a final newline, before the cells with Python.
    notebook = new_notebook(cells=[new_code_cell(BASH), new_code_cell(SETUP), new_code_cell(CELL)])
    (tmp_path / "order.ipynb").write_text(nbformat.writes(notebook))
    assert main(["-f", "json", str(tmp_path)]) == 1
    (finding,) = json.loads(capsys.readouterr().out)
    assert (finding["notebook_cell"], finding["line"], finding["column"]) == (3, 5, 9)
    assert "via init_matrix() (cell 2, line 9)" in finding["message"]


def _mixed(tmp_path):
    """The tutorial with a Python 2 cell (cell 4) before the LSTM's (cell 5)."""
    notebook = nbformat.reads(tutorial(), as_version=4)
    notebook.cells.insert(3, new_code_cell("print 'python 2'"))
    path = tmp_path / "mixed.ipynb"
    path.write_text(nbformat.writes(notebook))
    return path


@pytest.mark.parametrize("mode", ["--diff", "--fix"])
def test_fix_and_diff_fix_the_cells_that_parse_and_name_the_one_that_does_not(tmp_path, capsys, mode):
    path = _mixed(tmp_path)
    before = path.read_text()
    assert main([mode, str(path)]) == 2
    captured = capsys.readouterr()
    verb = "Would fix" if mode == "--diff" else "Fixed"
    error = f"{path}:cell 4:1:1: error: syntax error: Missing parentheses in call to 'print'"
    assert error in captured.err
    summary = (captured.err if mode == "--diff" else captured.out).splitlines()[-1]
    assert summary == f"{verb} 1 finding in 1 file (1 file checked); 1 file could not be analysed."
    if mode == "--diff":
        assert "+" in captured.out and "orthogonal" in captured.out.lower()
        assert path.read_text() == before
    else:
        after = nbformat.reads(path.read_text(), as_version=4)
        assert after.cells[3].source == "print 'python 2'"  # the broken cell, as it was
        assert after.cells[4].source != nbformat.reads(before, as_version=4).cells[4].source
        assert main([str(path)]) == 2  # only the broken cell is left
        assert " LST001 " not in capsys.readouterr().out
