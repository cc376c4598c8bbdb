"""The pre-filter never passes over a file with findings, and passes over
the files that plainly cannot hold a cell.

Every case that must be kept is first shown to have findings with the real
analysis (``lint_source`` does not use the pre-filter), so these tests fail
if the analysis learns a spelling the pre-filter does not know.
"""

from __future__ import annotations

import pytest
from fixture_format import FIXTURES, findings_in as findings, fixtures_with_findings, rule_examples

from lstm_init_lint.engine import lint_source
from lstm_init_lint.run.runner import lint_paths
from lstm_init_lint.model import HowChecked, Settings
from lstm_init_lint.run.prefilter import may_hold_cell
from lstm_init_lint.rules import _cells

BAD_CELL = _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")


@pytest.mark.parametrize("path", list(fixtures_with_findings()))
def test_every_fixture_with_findings_is_kept(path):
    assert may_hold_cell(path.read_bytes())


@pytest.mark.parametrize("example", list(rule_examples()))
def test_every_rule_example_with_findings_is_kept(example):
    if findings(example) or findings(example, "tf1"):
        assert may_hold_cell(example.encode("utf-8"))


def test_a_run_over_the_fixtures_finds_what_each_file_alone_finds():
    """End to end: the pre-filter in the run loses nothing on fixtures/."""
    from lstm_init_lint.run.resolve import DiskModules

    run = lint_paths([str(FIXTURES)])
    # A notebook is never pre-filtered, but is in the run; the fixture packages' files import each other.
    files = sorted([*FIXTURES.glob("*.py"), *FIXTURES.glob("*.ipynb"), *FIXTURES.glob("packages/*/*.py")], key=str)
    alone = [f for path in files for f in lint_source(path.read_bytes(), str(path), Settings(), DiskModules()).findings]
    assert run.findings == alone
    assert run.findings


# --- spellings that must be kept: each has findings ------------------------------

KEPT = {
    "aliased imports": BAD_CELL.replace("import tensorflow as tf", "import tensorflow as tf\nfrom tensorflow import Variable as V").replace("tf.Variable(", "V("),
    "matmul only as @, split over helpers": BAD_CELL.replace(
        "    def __call__(self, x, state):", "    def project(self, a, w):\n        return a @ w\n\n    def __call__(self, x, state):"
    ).replace("x @ self.W + h @ self.U", "self.project(x, self.W) + self.project(h, self.U)"),
    "tf.matmul, no @": BAD_CELL.replace("x @ self.W + h @ self.U", "tf.matmul(x, self.W) + tf.matmul(h, self.U)"),
    "getattr with a string": BAD_CELL.replace("tf.Variable(", 'getattr(tf, "Variable")('),
    "getattr with the name on a line of its own": BAD_CELL.replace("tf.Variable(", 'getattr(\n            tf,\n            "Variable"\n        )('),
    "getattr with a name continued onto its own line": BAD_CELL.replace("import tensorflow as tf", 'import tensorflow as tf\n\nCREATE = \\\n"Variable"').replace(
        "tf.Variable(", "getattr(tf, CREATE)("
    ),
    "getattr with a name held in a variable": BAD_CELL.replace("import tensorflow as tf", 'import tensorflow as tf\n\nCREATE = "Variable"').replace(
        "tf.Variable(", "getattr(tf, CREATE)("
    ),
    "products only on lines in brackets that start with @": BAD_CELL.replace(
        "z = x @ self.W + h @ self.U + self.b", "z = tf.add(tf.add((x\n@ self.W\n), (h\n@ self.U\n)), self.b)"
    ),
    "products only on continuation lines before a def, like decorators": BAD_CELL.replace(
        "    def __call__(self, x, state):",
        "    def inp(self, x):\n        return x \\\n@ self.W\n    def rec(self, h):\n        return h \\\n@ self.U\n    def __call__(self, x, state):",
    ).replace("x @ self.W + h @ self.U", "self.inp(x) + self.rec(h)"),
    "decorated methods and a decorator-like continuation": BAD_CELL.replace("    def __call__", "    @tf.function\n    def __call__"),
    "the products only inside an f-string": BAD_CELL.replace("        z = x @ self.W + h @ self.U + self.b", '        print(f"{(z := x @ self.W + h @ self.U + self.b)}")'),
    "comments and docstrings quoting everything": '"""Uses tf.Variable and tf.matmul."""\n# add_weight @ matmul\n' + BAD_CELL,
    "CRLF line ends": BAD_CELL.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("name", list(KEPT))
def test_a_cell_however_spelled_is_kept(name):
    source = KEPT[name]
    assert findings(source), "the case must have findings for this test to mean anything"
    assert may_hold_cell(source.encode("utf-8"))


def test_bytes_it_cannot_read_as_ascii_are_kept_for_the_parser():
    utf16 = "# -*- coding: utf-16 -*-\n".encode("ascii") + "x = 1\n".encode("utf-16")
    assert may_hold_cell(utf16)
    assert may_hold_cell(b"\xff\xfe" + "x = 1\n".encode("utf-16-le"))
    assert may_hold_cell(b"x = 1\x00\n")
    assert may_hold_cell(b"# coding: no-such-codec\nx = 1\n")


def test_an_f_string_nested_the_python_3_12_way_is_kept():
    # Read as Python 3.11 strings, the product would sit inside a literal.
    assert may_hold_cell(b'import tensorflow as tf\nW = tf.Variable(w)\ns = f"{d["k"]} {tf.matmul(h, W)}"\n')


# --- files it passes over ----------------------------------------------------------

PASSED_OVER = {
    "no tensorflow at all": "def add(a, b):\n    return a @ b + 1\n",
    "weights but no product": "import tensorflow as tf\nW = tf.Variable(tf.zeros([3]))\nprint(W * 2)\n",
    "products but no weights": "import numpy as np\n\n\ndef f(a, b):\n    return np.tanh(np.dot(a, b))\n",
    "words only in a docstring and a comment": '"""Wraps tf.Variable and tf.matmul."""\nimport tensorflow as tf\n# W = tf.Variable(x) @ U\nx = tf.constant(1)\n',
    "words only in strings": 'import tensorflow as tf\nNAMES = ["Variable", "matmul"]\nMESSAGE = "call add_weight then dot"\n',
    "decorators are not products": "import tensorflow as tf\n\n\n@tf_export('v1.Variable', v1=[])\n@deprecated(None, 'x')\ndef make(shape):\n    return tf.Variable(tf.zeros(shape))\n",
    "getattr, and the words only in docstrings and comments": '"""Wraps tf.Variable."""\nimport tensorflow as tf\n\n\ndef f(x):\n    """Calls tf.matmul."""\n    # tf.Variable(x) @ w\n    return getattr(x, "shape")\n',
    # (an import of the project's own module would be kept: see test_gate.py)
    "a Variable without a tensorflow import": "from torch.autograd import Variable\n\n\ndef f(x):\n    return x @ Variable(3)\n",
    "longer identifiers that contain the words": "import tensorflow as tf\nfrom tensorflow.python.ops import resource_variable_ops\nv = resource_variable_ops.is_resource_variable(x)\ny = v @ x\n",
}


@pytest.mark.parametrize("name", list(PASSED_OVER))
def test_a_file_that_cannot_hold_a_cell_is_passed_over(name):
    source = PASSED_OVER[name]
    assert not findings(source)
    assert not may_hold_cell(source.encode("utf-8"))


def test_passed_over_files_are_counted_not_dropped(tmp_path):
    (tmp_path / "cell.py").write_text(BAD_CELL)
    (tmp_path / "util.py").write_text(PASSED_OVER["no tensorflow at all"])
    (tmp_path / "broken.py").write_text("def f(:\n")  # not parsed: it cannot hold a cell
    result = lint_paths([str(tmp_path)])
    how = {r.path.rsplit("/", 1)[-1]: r.how for r in result.files}
    assert how == {"broken.py": HowChecked.PASSED_OVER, "cell.py": HowChecked.ANALYSED, "util.py": HowChecked.PASSED_OVER}
    assert len(result.findings) == 1


def test_only_python_files_are_pre_filtered(tmp_path):
    """A file named explicitly that is not ``*.py`` (a notebook keeps its
    code inside JSON strings) is always handed to the parser."""
    (tmp_path / "script").write_text(PASSED_OVER["no tensorflow at all"])
    (result,) = lint_paths([str(tmp_path / "script")]).files
    assert result.how == HowChecked.ANALYSED


# One spelling per entry of the interpreter's tables (knowledge/apis.py): a
# file that creates its weight and multiplies by it through any of them must
# be kept, so adding a spelling there that the pre-filter's words miss fails here.
_MODULES = {"tf": "tf", "keras": "keras", "np": "np", "math": "math"}
_TABLE_CELL = """
import math
import numpy as np
import tensorflow as tf
import keras


class Cell:
    def __init__(self, units):
        self.W = {create}

    def step(self, x, h):
        return tf.sigmoid({product})
"""


def _spelling(key: str) -> str:
    namespace, path = key.split(":", 1)
    return f"{_MODULES[namespace]}.{path}"


def _table_entries(kinds):
    from lstm_init_lint.knowledge.apis import OPS

    return [pytest.param(key, id=key) for key, kind in sorted(OPS.items()) if kind in kinds]


def _product_call(key: str) -> str:
    from lstm_init_lint.knowledge.apis import OPS

    arguments = {"einsum": "'ij,jk->ik', h, self.W", "xw_plus_b": "h, self.W, 0.0"}.get(OPS[key], "h, self.W")
    return f"{_spelling(key)}({arguments})"


@pytest.mark.parametrize("key", _table_entries({"matmul", "einsum", "xw_plus_b"}))
def test_every_product_in_the_operations_table_is_kept(key):
    source = _TABLE_CELL.format(create="tf.Variable(tf.zeros([units, units]))", product=_product_call(key))
    assert may_hold_cell(source.encode("utf-8")), source


@pytest.mark.parametrize("key", _table_entries({"variable", "get_variable", "dense"}))
def test_every_weight_creator_in_the_operations_table_is_kept(key):
    source = _TABLE_CELL.format(create=f"{_spelling(key)}('w', [units, units])", product="tf.matmul(h, self.W)")
    assert may_hold_cell(source.encode("utf-8")), source


_NUMPY_CELL = """
import numpy as np


class Cell:
    def __init__(self, units):
        self.W = {create}

    def step(self, x, h):
        return np.tanh(np.dot(h, self.W))
"""


@pytest.mark.parametrize("key", _table_entries({"array", "rng"}))
def test_every_numpy_array_creator_in_the_operations_table_is_kept(key):
    """A from-scratch cell's weights are NumPy arrays; a file without any
    TensorFlow creator must still be kept when it makes them."""
    source = _NUMPY_CELL.format(create=f"{_spelling(key)}(units)")
    assert may_hold_cell(source.encode("utf-8")), source


def test_numpy_arrays_without_numpy_are_not_weights():
    source = _NUMPY_CELL.replace("import numpy as np", "import cupy as np").format(create="np.random.randn(units, units)")
    assert not may_hold_cell(source.encode("utf-8"))


def test_every_array_creator_has_its_parameters():
    """The operations table's NumPy array creators are the NumPy entries of
    the tensor initialisers' table (which reads their arguments), and back."""
    from lstm_init_lint.analysis.initializers import TENSOR_INITS
    from lstm_init_lint.knowledge.apis import OPS

    assert {key for key, kind in OPS.items() if kind == "array"} == {key for key in TENSOR_INITS if key.startswith("np:")}


def test_the_kinds_the_pre_filter_reads_are_the_tables_products_and_creators():
    """The kinds above are the ones the pre-filter takes its words from; a
    kind renamed in the table must not leave the pre-filter without words."""
    from lstm_init_lint.knowledge.apis import ARRAY_KINDS, CREATOR_KINDS, OPS, PRODUCT_KINDS

    assert PRODUCT_KINDS == {"matmul", "einsum", "xw_plus_b"} and PRODUCT_KINDS <= set(OPS.values())
    assert CREATOR_KINDS == {"variable", "get_variable", "dense"} and CREATOR_KINDS <= set(OPS.values())
    assert ARRAY_KINDS == {"array", "rng"} and ARRAY_KINDS <= set(OPS.values())


@pytest.mark.parametrize(
    "imported", ["from .ops import linear\n", "import ops\n", "from ops import *\n", "from model.layers import linear\n", "import os, utils\n"]
)
def test_a_file_importing_a_module_of_its_own_project_is_kept(imported):
    """The module may create the weights or hold the maths, so the file needs
    neither word itself (the structural gate then reads its tree)."""
    assert may_hold_cell(f"{imported}\n\ndef step(x, h):\n    return sigmoid(linear([x, h], 4))\n".encode())


def test_imports_of_the_standard_library_and_frameworks_are_not_the_projects():
    source = b"import os, sys\nimport numpy as np\nfrom tensorflow.python.ops import math_ops\nfrom absl.testing import parameterized\n\nx = sigmoid(y)\n"
    assert not may_hold_cell(source)


def test_every_framework_layer_is_a_creator_of_the_operations_table():
    """The layers' own table (their defaults) and the operations table the
    pre-filter's words come from list the same spellings."""
    from lstm_init_lint.knowledge.apis import FRAMEWORK_LAYERS, OPS

    assert {key for key, kind in OPS.items() if kind == "dense"} == set(FRAMEWORK_LAYERS)


_LAYER_FUNCTION_CELL = """
import tensorflow as tf


def step(x, h, units):
    return tf.sigmoid({call}(tf.concat([x, h], 1), units))
"""


def _layer_functions():
    from lstm_init_lint.knowledge.apis import FRAMEWORK_LAYERS

    return [pytest.param(key, id=key) for key, spec in sorted(FRAMEWORK_LAYERS.items()) if spec.function]


@pytest.mark.parametrize("key", _layer_functions())
def test_a_cell_whose_only_creator_and_product_is_a_layer_function_is_kept(key):
    """tf.layers.dense(x, n) creates its weights and multiplies by them in
    one call: the file spells no other creator and no other product."""
    source = _LAYER_FUNCTION_CELL.format(call=_spelling(key))
    assert may_hold_cell(source.encode("utf-8")), source
