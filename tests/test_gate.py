"""The structural gate (``source/gate.py``) never passes over a file with
findings, and passes over files that plainly hold no cell.

Every case that must be kept is first shown to have findings with the real
analysis (``lint_source`` uses neither the pre-filter nor the gate), so these
tests fail when the analysis learns a shape the gate does not know.
"""

from __future__ import annotations

import ast

import pytest
from fixture_format import FIXTURES, findings_in as findings, fixtures_with_findings, rule_examples
from hypothesis import HealthCheck, given, settings

from cell_programs import cell_programs
from lstm_init_lint.engine import lint_source
from lstm_init_lint.model import HowChecked
from lstm_init_lint.rules import _cells
from lstm_init_lint.run.runner import lint_paths
from lstm_init_lint.source.gate import may_hold_cell


def gate(source: str | bytes) -> bool:
    return may_hold_cell(ast.parse(source))


@pytest.mark.parametrize("path", list(fixtures_with_findings()))
def test_every_fixture_with_findings_passes_the_gate(path):
    try:
        tree = ast.parse(path.read_bytes())
    except SyntaxError:
        pytest.skip("Python 2: Python 3's parser refuses it, so the gate never sees it (the file goes to the parser)")
    assert may_hold_cell(tree)


def test_every_fixture_passes_the_gate_or_has_no_findings():
    """The quiet fixtures may be passed over; none with findings is."""
    for path in sorted(FIXTURES.glob("*.py")):
        try:
            tree = ast.parse(path.read_bytes())
        except SyntaxError:
            continue
        if not may_hold_cell(tree):
            assert not lint_source(path.read_bytes(), str(path)).findings, path


@pytest.mark.parametrize("example", list(rule_examples()))
def test_every_rule_example_with_findings_passes_the_gate(example):
    if findings(example) or findings(example, "tf1"):
        assert gate(example)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(cell_programs())
def test_every_generated_cell_passes_the_gate(program):
    assert gate(program.source)


# --- what a cell may be spread over --------------------------------------------------

_STEP = """
import tensorflow as tf


class Cell(tf.Module):
    def __init__(self, units):
        self.W = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))
        self.U = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))
        self.b = tf.Variable(tf.zeros([4 * units]))

{helpers}
    def __call__(self, x, state):
        h, c = state
        i, f, g, o = tf.split(tf.matmul(x, self.W) + tf.matmul(h, self.U) + self.b, 4, axis=1)
        i, f, g, o = tf.sigmoid(i), tf.sigmoid(f), tf.tanh(g), tf.sigmoid(o)
{update}
        return o * tf.tanh(c), (o * tf.tanh(c), c)
"""

SPREAD_CELLS = {
    "inline": ("", "        c = f * c + i * g"),
    "names": ("", "        kept = f * c\n        added = i * g\n        c = kept + added"),
    "tf.add of tf.multiply": ("", "        c = tf.add(tf.multiply(f, c), tf.multiply(i, g))"),
    "add_n of a list": ("", "        c = tf.add_n([f * c, i * g])"),
    "add_n of a name": ("", "        terms = [f * c, i * g]\n        c = tf.add_n(terms)"),
    "augmented": ("", "        c = f * c\n        c += i * g"),
    "multiplied in place": ("", "        c *= f\n        c += i * g"),
    "attributes": ("", "        self.kept = f * c\n        self.added = i * g\n        c = self.kept + self.added"),
    "through dropout": ("", "        c = tf.nn.dropout(f * c, 0.1) + tf.identity(i * g)"),
    "a method returning a product": ("    def _gated(self, gate, value):\n        return gate * value\n\n", "        c = self._gated(f, c) + self._gated(i, g)"),
    "a lambda": ("", "        gated = lambda gate, value: gate * value\n        c = gated(f, c) + gated(i, g)"),
    "a function that adds its parameters": ("    def _update(self, kept, added):\n        return kept + added\n\n", "        c = self._update(f * c, i * g)"),
    "a tuple from a helper": ("    def _parts(self, f, c, i, g):\n        return f * c, i * g\n\n", "        kept, added = self._parts(f, c, i, g)\n        c = kept + added"),
}


@pytest.mark.parametrize("name", list(SPREAD_CELLS))
def test_a_cell_update_spread_over_names_and_helpers_passes_the_gate(name):
    helpers, update = SPREAD_CELLS[name]
    source = _STEP.format(helpers=helpers, update=update)
    assert findings(source), "the analysis must find this cell for the test to mean anything"
    assert gate(source)


PROJECT_IMPORTS = {
    "a relative import": "from .ops import linear\n",
    "a sibling module": "import ops\n",
    "a star import": "from ops import *\n",
    "a package of the project": "from model.layers import linear\n",
}


@pytest.mark.parametrize("name", list(PROJECT_IMPORTS))
def test_a_file_calling_helpers_of_its_own_project_passes(name):
    """The maths may live in the imported module (the project-wide analysis
    follows it), so a file that uses what it imports and computes gates passes."""
    imported = PROJECT_IMPORTS[name]
    called = "ops.linear" if imported == "import ops\n" else "linear"
    source = f"import tensorflow as tf\n{imported}\n\ndef step(x, h):\n    return tf.sigmoid({called}([x, h], 4))\n"
    assert gate(source)


LAYER_GATED_CELL = """
import tensorflow as tf


def gru_step(x, h, units):
    xh = tf.concat([x, h], 1)
    r = tf.compat.v1.layers.dense(xh, units, activation={activation})
    u = tf.compat.v1.layers.dense(xh, units, activation={activation})
    c = tf.compat.v1.layers.dense(tf.concat([x, r * h], 1), units, activation=tf.tanh, kernel_initializer=tf.random_normal_initializer(stddev=0.1))
    return u * h + (1 - u) * c
"""


@pytest.mark.parametrize("activation", ["tf.sigmoid", "'sigmoid'", "tf.nn.sigmoid"])
def test_a_cell_whose_gates_are_framework_layers_passes_the_gate(activation):
    """The layer's product and its gate are one call; a sum of two such gated
    products is a cell, while a sigmoid layer on its own is not (below)."""
    source = LAYER_GATED_CELL.format(activation=activation)
    assert findings(source) or findings(source, "tf1"), "the analysis must find this cell for the test to mean anything"
    assert gate(source)


# --- what it passes over ---------------------------------------------------------------

PASSED_OVER = {
    "an MLP": "import tensorflow as tf\nW = tf.Variable(tf.zeros([4, 4]))\nb = tf.Variable(tf.zeros([4]))\n\ndef f(x):\n    return tf.nn.relu(tf.matmul(x, W) + b)\n",
    "one product in a sum": "import tensorflow as tf\nW = tf.Variable(tf.zeros([4, 4]))\n\ndef f(x, s):\n    return x * tf.matmul(x, W) + s\n",
    "products of activations only": "import tensorflow as tf\nW = tf.Variable(tf.zeros([4, 4]))\n\ndef f(x):\n    return tf.sigmoid(x * x) + tf.tanh(tf.matmul(x, W) * 2)\n",
    "a framework and the standard library only": "import os\nimport numpy as np\nfrom tensorflow.python.ops import math_ops\nW = np.zeros([4, 4])\nprint(os.sep, math_ops.matmul(W, W) + W)\n",
    "a project import it never uses": "import ops\nimport tensorflow as tf\nW = tf.Variable(tf.zeros([4, 4]))\nh = tf.matmul(W, W) + W\n",
    "a project import in glue code": "from .train import fit\nfrom .data import load\n\nfit(load('ptb'), epochs=3)\n",
    # gated sums whose gates hold no weight: the analysis has nothing to report
    "a numerical routine's blend": "import numpy as np\n\n\ndef blend(a, b, t):\n    w = 1 / (1 + np.exp(-t))\n    return w * a + (1 - w) * np.tanh(b)\n",
    "gates of an array without a kernel": "import numpy as np\n\nx = np.random.rand(3)\nc = np.zeros(3)\nf = 1 / (1 + np.exp(-x))\nc = f * c + f * np.tanh(x)\n",
    "a classifier's sigmoid layer": "import tensorflow as tf\n\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(16, activation='relu'), tf.keras.layers.Dense(1, activation='sigmoid')])\n",
}


@pytest.mark.parametrize("name", list(PASSED_OVER))
def test_a_file_without_a_two_product_sum_is_passed_over(name):
    source = PASSED_OVER[name]
    assert not findings(source)
    assert not gate(source)


def test_the_gate_reads_its_words_from_the_operations_table():
    """A multiplication or addition spelling added to the table reaches the gate."""
    from lstm_init_lint.knowledge.apis import OPS
    from lstm_init_lint.source import gate as gate_module

    assert {key.rsplit(".", 1)[-1].split(":")[-1] for key, kind in OPS.items() if kind == "mul"} <= gate_module._MULTIPLICATIONS
    assert {key.rsplit(".", 1)[-1].split(":")[-1] for key, kind in OPS.items() if kind == "add"} <= gate_module._ADDITIONS


def test_files_the_gate_passes_over_are_counted_and_not_parsed(tmp_path):
    (tmp_path / "cell.py").write_text(_cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)"))
    (tmp_path / "mlp.py").write_text(PASSED_OVER["an MLP"])
    result = lint_paths([str(tmp_path)])
    how = {r.path.rsplit("/", 1)[-1]: r.how for r in result.files}
    assert how == {"cell.py": HowChecked.ANALYSED, "mlp.py": HowChecked.PASSED_OVER_BY_GATE}
    assert len(result.findings) == 1


def test_a_cell_whose_only_gate_of_weights_is_the_output_gate_passes():
    """The analysis may report the output gate's weights (``h = o * tanh(c)``)
    though the sum's own gates hold none."""
    source = (
        "import tensorflow as tf\n\nW_o = tf.Variable(tf.random.normal([8, 8], stddev=0.1))\n\n\n"
        "def step(x, h, c, f_in, i_in, g_in):\n    f, i, g = tf.sigmoid(f_in), tf.sigmoid(i_in), tf.tanh(g_in)\n"
        "    c = f * c + i * g\n    o = tf.sigmoid(tf.matmul(h, W_o))\n    return o * tf.tanh(c), c\n"
    )
    assert gate(source)
    assert not gate(source.replace("tf.matmul(h, W_o)", "h"))


def test_products_bound_through_setattr_and_globals_pass_the_gate():
    through_setattr = _STEP.format(helpers="", update='        setattr(self, "kept", f * c)\n        c = self.kept + i * g')
    assert gate(through_setattr)
    through_global = (
        "import tensorflow as tf\n\nW = tf.Variable(tf.random.normal([8, 32], stddev=0.1))\n\n\n"
        "def gates(x, c):\n    global kept\n    kept = tf.sigmoid(tf.matmul(x, W[:, 8:16])) * c\n\n\n"
        "def update(x):\n    return kept + tf.sigmoid(tf.matmul(x, W[:, :8])) * tf.tanh(tf.matmul(x, W[:, 16:24]))\n"
    )
    assert gate(through_global)
