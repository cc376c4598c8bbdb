"""Weights a builder makes for the calls that record its gates (issue 13:
aniltrue/MLProject's RNNCellBuilder), and a step bound with
``functools.partial`` (sonnet's UnrolledLSTM).

fixtures/packages/project_cell_builder: ``lstm.py`` chains one
``add_recurrent`` / ``add_kernel`` call per gate on a builder from
``builder.py``, whose ``build()`` makes every recorded gate's weights in a
loop, with one initialiser for all of them; its ``.expected`` files say what
is reported and where. Here: what a user reads about the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

from fixture_format import FIXTURES

from lstm_init_lint.engine import lint_source
from lstm_init_lint.model import Settings
from lstm_init_lint.run.resolve import DiskModules
from lstm_init_lint.run.runner import fix_paths

PACKAGE = FIXTURES / "packages" / "project_cell_builder"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / PACKAGE.name
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("*.expected"))
    return target


def test_each_gate_is_reported_at_its_own_chained_call_naming_the_builder():
    path = PACKAGE / "lstm.py"
    findings = lint_source(path.read_bytes(), str(path), Settings(), DiskModules(), plan_fixes=True).findings
    lines = path.read_text(encoding="utf-8").splitlines()
    for finding in findings:
        # the line of the call that recorded the gate, not the chain's first line
        assert lines[finding.span.line - 1].strip().startswith(finding.instance), finding.instance
    forget = [f for f in findings if f.code == "LST001" and f.gates == ("f",)]
    assert len(forget) == 1
    message = forget[0].message
    assert "via build() (" in message and "builder.py, line 22)" in message  # kernel_initializer's line


def test_the_builders_one_initialiser_is_not_rewritten_and_the_reason_says_why(tmp_path):
    package = _copy(tmp_path)
    before = {p.name: p.read_bytes() for p in package.glob("*.py")}
    outcomes = {Path(o.path).name: o for o in fix_paths([str(package)], Settings())}
    assert {p.name: p.read_bytes() for p in package.glob("*.py")} == before
    left = outcomes["lstm.py"].remaining
    assert len(left) == 5 and all(f.fix is None for f in left)
    reason = next(f.no_fix_reason for f in left if f.code == "LST004")
    assert reason.startswith("it is created in ") and "builder.py (line 69) by build(), in a loop over what calls such as this one recorded" in reason
    assert "builder.py, line 24)" in reason  # bias_initializer's line
    # no "add initializer= to the call": add_recurrent takes none
    assert all("initializer=" not in f.suggested_edit for f in left)


PARTIAL_STEP = """\
import tensorflow as tf
{imports}


def step(w_i, x, state, w_h, b):
    h, c = state
    i, f, g, o = tf.split(tf.matmul(x, w_i) + tf.matmul(h, w_h) + b, 4, axis=1)
    c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, (h, c)


class Unrolled(tf.Module):
    def __call__(self, xs, state):
        self.w_i = tf.Variable(tf.keras.initializers.GlorotUniform()([3, 20]))
        self.w_h = tf.Variable(tf.random.normal([5, 20]))
        self.b = tf.Variable(tf.zeros([20]))
        core = {partial}(step, self.w_i, b=self.b, w_h=self.w_h)
        for x in tf.unstack(xs):
            _, state = core(x, state)
        return state
"""


def test_a_step_bound_by_partial_keeps_each_bound_weights_role():
    for imports, partial in (("import functools", "functools.partial"), ("from functools import partial", "partial")):
        source = PARTIAL_STEP.format(imports=imports, partial=partial).encode()
        findings = lint_source(source, "unrolled.py", Settings()).findings
        assert [(f.code, f.weight) for f in findings] == [("LST001", "self.w_h")], imports
