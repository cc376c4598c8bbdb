"""The fixed fixtures run under TensorFlow 2.21, and their freshly created
weights start like the reference: Glorot bound and variance for kernels,
orthogonality for recurrent kernels, exact zeros and forget-slice ones for
biases. Every weight no finding was about (embeddings, output layers,
already-correct weights) keeps its original distribution.

Each module runs twice (as written, and fixed) under tests/weight_probe.py,
which records every variable TensorFlow creates with the fixture lines on the
call stack at that moment.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from fixture_format import DEFINES_ONLY, FIXTURES, TF1_ONLY, is_python2, run_environment, runs_here, selected_params

from lstm_init_lint.engine import lint_source
from lstm_init_lint.engine import fix_source
from lstm_init_lint.model import Role, Settings

pytestmark = pytest.mark.slow  # runs every fixture twice under TensorFlow

PROBE = Path(__file__).with_name("weight_probe.py")

CHANGED = sorted(p for p in FIXTURES.glob("*.py") if p.with_name(p.name + ".fixed").exists())
RUNNABLE = [path for path in CHANGED if not is_python2(path) and path.name not in TF1_ONLY]


def _probe(path: Path) -> list[dict]:
    env = run_environment(path, dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES=""))
    result = subprocess.run([sys.executable, str(PROBE), str(path)], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, f"{path.name} failed to run:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, request):
    """(original records, fixed records, findings) per changed fixture this
    run's tests ask for."""
    directory = tmp_path_factory.mktemp("fixed")
    wanted = [path for path in RUNNABLE if path in selected_params(request, "runs")]
    jobs = []
    for path in wanted:
        fixed = directory / path.name
        fixed.write_bytes(fix_source(path.read_bytes(), str(path)).fixed)
        jobs += [path, fixed]
    with ThreadPoolExecutor(max_workers=2) as pool:
        records = dict(zip(jobs, pool.map(_probe, jobs)))
    out = {}
    for path in wanted:
        findings = lint_source(path.read_bytes(), str(path), Settings(), plan_fixes=True).findings
        # The fixed module's lines, numbered as the original's (the findings'):
        # a fix that wraps a call in a with-statement moves the lines below it.
        back = original_lines(path.read_text(encoding="utf-8"), (directory / path.name).read_text(encoding="utf-8"))
        fixed = [dict(r, lines=sorted({back.get(line, line) for line in r["lines"]})) for r in records[directory / path.name]]
        out[path] = (records[path], fixed, findings)
    return out


def original_lines(original: str, fixed: str) -> dict[int, int]:
    """Each 1-based line of ``fixed`` -> the line of ``original`` it comes
    from: unchanged lines one to one; in a changed run, a line that is an
    original line re-indented maps to it, a ``with ...:`` written around a
    call to the line after it, any other line to the original line at its
    place in the run."""
    old_lines, new_lines = original.splitlines(), fixed.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    back: dict[int, int] = {}
    for tag, start, end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            back.update((new_start + k + 1, start + k + 1) for k in range(end - start))
            continue
        if end == start:
            continue
        pending = []  # with-statements written above a line, mapped to it
        for index in range(new_start, new_end):
            text = new_lines[index].strip()
            same = next((i for i in range(start, end) if old_lines[i].strip() == text), None)
            if same is None and text.startswith("with ") and text.endswith(":"):
                pending.append(index)
                continue
            if same is None:
                same = start + min(index - new_start, end - start - 1)
            for new in pending + [index]:
                back[new + 1] = same + 1
            pending = []
        for index in pending:
            back[index + 1] = start + min(index - new_start, end - start - 1) + 1
    return back


def _floats(records: list[dict]) -> list[dict]:
    return [r for r in records if r["dtype"].startswith(("float", "bfloat", "half", "double"))]


def _glorot_bound(shape: list[int]) -> float:
    # Keras's fans: a convolution kernel [kh, kw, in, out] counts its receptive field
    # (kh * kw) in both fans, as glorot_uniform does for it.
    receptive_field = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fan_in, fan_out = (shape[0], shape[0]) if len(shape) == 1 else (shape[-2], shape[-1])
    return math.sqrt(6.0 / ((fan_in + fan_out) * receptive_field))


def assert_glorot_uniform(values: np.ndarray, shape: list[int], where: str) -> None:
    bound = _glorot_bound(shape)
    assert np.max(np.abs(values)) <= bound * (1 + 1e-5), f"{where}: |w| exceeds the glorot bound {bound:.4g}"
    if values.size >= 200:
        assert np.max(np.abs(values)) >= 0.8 * bound, f"{where}: far inside the glorot bound, not glorot_uniform"
        assert abs(values.var() / (bound**2 / 3) - 1) < 0.2, f"{where}: variance {values.var():.3g}, glorot's is {bound ** 2 / 3:.3g}"


def assert_orthogonal(values: np.ndarray, shape: list[int], where: str) -> None:
    matrix = values.reshape(shape)
    gram = matrix @ matrix.T if shape[0] <= shape[1] else matrix.T @ matrix
    assert np.allclose(gram, np.eye(gram.shape[0]), atol=1e-4), f"{where}: not orthogonal (max |W W^T - I| = {np.max(np.abs(gram - np.eye(gram.shape[0]))):.2g})"


def assert_bias(values: np.ndarray, expected, where: str, alone: bool) -> None:
    """Exactly the expected constant per slice (alone: the only weight made at
    this line); for weights made together in a loop, each is a constant 0 or 1."""
    if not alone:
        assert set(np.unique(values)) <= {0.0, 1.0}, f"{where}: a loop-made bias is not zeros or ones"
        return
    pieces = expected.pieces or ((None, 0.0, 1.0, expected),)
    n = values.size
    for _, start, end, piece in pieces:
        block = values[round(start * n) : round(end * n)]
        assert np.all(block == piece.constant_value()), f"{where}: slice [{start}, {end}) is not {piece.constant_value()}"


def _part(finding) -> str | None:
    """``kernel`` / ``bias`` when the finding names one weight of a layer
    (``self.W_f.bias``, ``gates/kernel``), which the probe's records name too."""
    for text in (finding.instance, finding.weight):
        if text:
            last = text.replace("/", ".").rsplit(".", 1)[-1]
            if last in ("kernel", "bias"):
                return last
    return None


NOT_RUN_AS_SCRIPT = {name: "the module only defines its cell and never calls it, so running it creates no weight to check" for name in DEFINES_ONLY if (FIXTURES / name).with_name(name + ".fixed").exists()}


@pytest.mark.parametrize("path", runs_here(CHANGED, gaps=NOT_RUN_AS_SCRIPT))
def test_fixed_weights_start_like_the_reference(runs, path):
    original, fixed, findings = runs[path]
    # A call's own deviating string for a configurable cell is reported at the
    # call (engine.call_site_findings); the weight it sets is checked where it
    # is created, by the finding on the constructor's default.
    findings = [f for f in findings if " in the cell this call makes: " not in f.message]
    fixed_lines = {f.span.line for f in findings if f.fixable}
    checked = 0
    for record in fixed:
        lines = set(record["lines"]) & fixed_lines
        if not lines:
            continue
        line = min(lines)
        # A layer's kernel and bias share its line: each is checked against
        # the finding about it (W_f's bias may be reported, its kernel not).
        # (a NumPy record has no name: its `self.bias` is a weight, not a layer's part)
        mine = [f for f in findings if f.fixable and f.span.line == line and ("name" not in record or _part(f) in (None, record["name"]))]
        if not mine:
            continue
        roles = {f.role for f in mine}
        values = np.asarray(record["values"])
        shape = record["shape"]
        where = f"{path.name}:{line} {shape}"
        named = any(_part(f) for f in mine)  # a layer's kernel or bias: alone among the layer's weights of that name
        alone = sum(1 for r in fixed if line in r["lines"] and (not named or r.get("name") == record.get("name"))) == 1
        checks = []
        if roles & {Role.INPUT_KERNEL, Role.FUSED_KERNEL, Role.PEEPHOLE, Role.PROJECTION}:
            checks.append(lambda: assert_glorot_uniform(values, shape, where))
        if Role.RECURRENT_KERNEL in roles:
            checks.append(lambda: assert_orthogonal(values, shape, where))
        if roles & {Role.BIAS, Role.FORGET_BIAS}:
            checks.append(lambda: assert_bias(values, mine[0].expected, where, alone))
        # Weights made on one line (W_xi, W_hi, b_i = three()) come from one
        # call: each must pass the check of one of the line's roles.
        failures = []
        for check in checks:
            try:
                check()
                break
            except AssertionError as failure:
                failures.append(str(failure))
        else:
            pytest.fail("; ".join(failures) or f"{where}: no check for {roles}")
        checked += 1
    assert checked, f"{path.name}: no fixed weight was created when the module ran"


@pytest.mark.parametrize("path", runs_here(CHANGED))
def test_weights_nobody_reported_keep_their_distribution(runs, path):
    original, fixed, findings = runs[path]
    reported = {f.span.line for f in findings}
    # Weights only: Keras 3's random ops keep an int64 seed state variable.
    original, fixed = _floats(original), _floats(fixed)
    assert len(original) == len(fixed), "the fix changed how many weights the module creates"
    for before, after in zip(original, fixed):
        if set(before["lines"]) & reported:
            continue
        assert before["shape"] == after["shape"]
        old, new = np.asarray(before["values"]), np.asarray(after["values"])
        if old.std() == 0:
            assert np.array_equal(old, new), f"{path.name}:{before['lines']} changed"
        else:
            # Fresh draws, so compare the two samples with a tolerance that
            # shrinks with the number of entries: log(s1 / s2) has a standard
            # error of about 1 / sqrt(n - 1) for two samples of n; allow 5.
            n = old.size
            spread = max(old.std(), new.std())
            assert new.std() > 0, f"{path.name}:{before['lines']}: now constant ({new.flat[0]:.3g})"
            assert abs(math.log(new.std() / old.std())) < 5 / math.sqrt(max(n - 1, 1)), f"{path.name}:{before['lines']}: std {old.std():.3g} -> {new.std():.3g}"
            assert abs(new.mean() - old.mean()) < 5 * spread * math.sqrt(2 / n), f"{path.name}:{before['lines']}: mean {old.mean():.3g} -> {new.mean():.3g}"


PER_GATE_CELL = '''import tensorflow as tf


class Cell(tf.Module):
    def __init__(self, n_in, units):
        self.W_f = tf.Variable(tf.random.normal([n_in, units], stddev=0.1))
        self.U_f = tf.Variable(tf.random.normal([units, units], stddev=0.1))
        self.W_c = tf.Variable(tf.random.normal([n_in, units], stddev=0.1))
        self.U_c = tf.Variable(tf.random.normal([units, units], stddev=0.1))

    def __call__(self, x, state):
        h, c = state
        f = tf.sigmoid(x @ self.W_f + h @ self.U_f)
        c = f * c + (1 - f) * tf.tanh(x @ self.W_c + h @ self.U_c)
        return tf.sigmoid(c) * tf.tanh(c), (h, c)


if __name__ == "__main__":
    cell = Cell(96, 128)
    cell(tf.ones([2, 96]), (tf.zeros([2, 128]), tf.zeros([2, 128])))
'''


@pytest.mark.parametrize("reference", ["keras", "tf1"])
def test_match_exact_draws_each_gate_as_its_slice_of_the_fused_reference(tmp_path, reference):
    """--match exact: a per-gate [in, u] kernel gets the per-entry bound of
    glorot over the reference's fused matrix ([in, 4u] for Keras, [in + u,
    4u] for TF1), and a per-gate recurrent block is a slice of one
    orthogonal [u, 4u] draw (Keras): rows of norm at most 1, entries of std
    1/sqrt(4u)."""
    path = tmp_path / "cell.py"
    outcome = fix_source(PER_GATE_CELL.encode(), "cell.py", Settings(reference=reference, match="exact"))
    assert outcome.remaining == ()
    path.write_bytes(outcome.fixed)
    assert fix_source(outcome.fixed, "cell.py", Settings(reference=reference, match="exact")).fixed == outcome.fixed
    n_in, units = 96, 128
    records = {tuple(r["lines"])[0]: r for r in _probe(path)}
    for line in (6, 8):  # input kernels
        values = np.asarray(records[line]["values"])
        fused = [n_in, 4 * units] if reference == "keras" else [n_in + units, 4 * units]
        assert_glorot_uniform(values, fused, f"W at line {line}")
    for line in (7, 9):  # recurrent kernels
        block = np.asarray(records[line]["values"]).reshape(units, units)
        if reference == "keras":
            assert np.linalg.norm(block, axis=1).max() <= 1 + 1e-5
            assert abs(block.std() * math.sqrt(4 * units) - 1) < 0.1
        else:
            assert_glorot_uniform(block.ravel(), [n_in + units, 4 * units], f"U at line {line}")


def test_a_weight_fixed_in_the_module_it_is_written_in_starts_like_the_reference(tmp_path):
    """project_weights_module: cell.py's weights and initialisers are written
    in weights.py; --fix of cell.py rewrites weights.py, and cell.py, run
    with it, then creates reference weights (and the quiet twin's MLP keeps its own)."""
    import shutil

    from lstm_init_lint.run.runner import fix_paths

    package = tmp_path / "project_weights_module"
    shutil.copytree(FIXTURES / "packages" / "project_weights_module", package, ignore=shutil.ignore_patterns("*.expected", "*.fixed"))
    (tmp_path / "pyproject.toml").write_text("")
    from lstm_init_lint.run.resolve import DiskModules

    findings = lint_source((package / "cell.py").read_bytes(), str(package / "cell.py"), Settings(), DiskModules(), plan_fixes=True).findings
    assert len(findings) == 3
    before = {name: _probe_in(package / name) for name in ("cell.py", "mlp.py")}
    outcomes = fix_paths([str(package / "cell.py")], Settings())
    assert [o.path.endswith("weights.py") for o in outcomes if o.changed] == [True]
    after = {name: _probe_in(package / name) for name in ("cell.py", "mlp.py")}
    by_line = {f.span.line: f for f in findings}
    checked = set()
    for record in _floats(after["cell.py"]):
        if not set(record["lines"]) & set(by_line):
            continue
        line = min(set(record["lines"]) & set(by_line))
        finding, values, shape = by_line[line], np.asarray(record["values"]), record["shape"]
        where = f"cell.py:{line} {shape}"
        if finding.role is Role.INPUT_KERNEL:
            assert_glorot_uniform(values, shape, where)
        elif finding.role is Role.RECURRENT_KERNEL:
            assert_orthogonal(values, shape, where)
        else:
            assert_bias(values, finding.expected, where, alone=True)
        checked.add(finding.role)
    assert checked == {Role.INPUT_KERNEL, Role.RECURRENT_KERNEL, Role.BIAS}
    assert [r["shape"] for r in _floats(after["mlp.py"])] == [r["shape"] for r in _floats(before["mlp.py"])]
    pooled = {run: np.concatenate([np.ravel(r["values"]) for r in _floats(records["mlp.py"]) if r["name"] == "dense_kernel"]) for run, records in (("before", before), ("after", after))}
    assert np.std(pooled["after"]) == pytest.approx(0.1, rel=0.3) and np.std(pooled["before"]) == pytest.approx(0.1, rel=0.3)  # still normal(0.1)


def test_a_call_wrapped_in_a_scope_makes_its_weight_like_the_reference(tmp_path):
    """project_scope_wrap: ops.linear (another module, no initializer) makes
    lstm_cell.py's input and recurrent kernels; --fix wraps the [h] call in
    a variable_scope, and lstm_cell.py, run with ops.py, then creates the
    same variables (names, shapes) with an orthogonal recurrent kernel, the
    input kernel still glorot_uniform."""
    import shutil

    from lstm_init_lint.run.runner import fix_paths

    package = tmp_path / "project_scope_wrap"
    shutil.copytree(FIXTURES / "packages" / "project_scope_wrap", package, ignore=shutil.ignore_patterns("*.expected", "*.fixed"))
    (tmp_path / "pyproject.toml").write_text("")
    before = _floats(_probe_in(package / "lstm_cell.py"))
    outcomes = fix_paths([str(package)], Settings())
    assert [Path(o.path).name for o in outcomes if o.changed] == ["lstm_cell.py"]
    after = _floats(_probe_in(package / "lstm_cell.py"))
    assert [(r["name"], r["shape"]) for r in after] == [(r["name"], r["shape"]) for r in before]
    kernels = {tuple(r["shape"]): np.asarray(r["values"]) for r in after if len(r["shape"]) == 2}
    assert_glorot_uniform(kernels[(6, 32)], [6, 32], "lstm_cell.py input kernel")
    assert_orthogonal(kernels[(8, 32)], [8, 32], "lstm_cell.py recurrent kernel")


def _probe_in(path: Path, extra: dict | None = None) -> list[dict]:
    """``_probe`` with the module's own directory importable (its sibling modules)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", PYTHONPATH=os.pathsep.join([str(path.parent), os.environ.get("PYTHONPATH", "")]), **(extra or {}))
    result = subprocess.run([sys.executable, str(PROBE), str(path)], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, f"{path.name} failed to run:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


def test_a_callers_scope_in_another_module_is_fixed_where_the_cell_creates_the_weight(tmp_path):
    """project_caller_scope: train.py's variable_scope(initializer=uniform(-0.1,
    0.1)) reaches the input kernel cells.Cell creates without one; --fix of
    train.py gives that get_variable in cells.py glorot_uniform, and
    train.py, run with it, then creates a glorot kernel (the recurrent
    kernel, already orthogonal, stays so)."""
    import shutil

    from lstm_init_lint.run.runner import fix_paths

    package = tmp_path / "project_caller_scope"
    shutil.copytree(FIXTURES / "packages" / "project_caller_scope", package, ignore=shutil.ignore_patterns("*.expected", "*.fixed"))
    (tmp_path / "pyproject.toml").write_text("")
    legacy = {"TF_USE_LEGACY_KERAS": "1"}  # TF1's RNNCell
    before = {r["shape"][0]: r for r in _floats(_probe_in(package / "train.py", legacy)) if r["name"] == "W"}
    outcomes = fix_paths([str(package / "train.py")], Settings())
    assert [Path(o.path).name for o in outcomes if o.changed] == ["cells.py"]
    after = {r["name"]: r for r in _floats(_probe_in(package / "train.py", legacy))}
    old = np.asarray(before[16]["values"])
    assert np.max(np.abs(old)) <= 0.1  # the scope's uniform(-0.1, 0.1) before the fix
    assert_glorot_uniform(np.asarray(after["W"]["values"]), after["W"]["shape"], "cells.py W")
    assert_orthogonal(np.asarray(after["U"]["values"]), after["U"]["shape"], "cells.py U")
