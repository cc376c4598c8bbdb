"""Verification with the real TensorFlow: fixed fixtures pass, a wrong
initialiser fails with a useful message, and --verify-cmd puts back a file
whose fix breaks the user's own smoke test."""

from __future__ import annotations

import shutil

import pytest
from fixture_format import FIXTURES, is_python2, runnable, selected_params

from lstm_init_lint.engine import lint_source
from lstm_init_lint.frontends.cli import main
from lstm_init_lint.model import Settings
from lstm_init_lint.rules import _cells
from lstm_init_lint.verify import verify_sources

pytestmark = pytest.mark.slow  # verification in TensorFlow

FIXED = sorted(FIXTURES.glob("*.py.fixed"))


@pytest.fixture(scope="module")
def fixed_checks(request):
    wanted = selected_params(request, "fixed_checks")
    items = [(str(p), p.read_bytes(), {}, []) for p in FIXED if not is_python2(p) and p in wanted]
    return {check.path: check for check in verify_sources(items, Settings(), {})}


# verify evaluates an initialiser at its creation site's shape; a fix made at a
# helper's call (initializer= passed in) is evaluated at the helper's shape,
# written in the helper's own locals, which verify cannot yet bind.
PER_CALL_GAP = {
    "helper_per_call_linear.py.fixed": "an initializer passed to a helper is evaluated at the helper's own shape expression, which verify cannot yet bind",
    # verify binds a name it cannot read to a small integer; here a name it
    # then calls (a classmethod's ``cls``, a caller's scope) is that integer.
    "decorated_methods_binding.py.fixed": "verify binds a classmethod-built cell's names to integers and then calls one (TypeError)",
    "tf1_caller_scope_dynamic_rnn.py.fixed": "verify evaluates the caller's scope initializer with a name bound to an integer and then calls it (TypeError)",
    # the parameters live on a class the cell is handed (LstmNode(param, ...)):
    # verify finds no sizes for LstmParam's mem_cell_ct and evaluates nothing
    "numpy_params_held_by_another_class.py.fixed": "verify binds no size for a parameter class the cell is given, so the fixed biases are not evaluated",
}


@pytest.mark.parametrize("path", runnable(FIXED, ids=lambda p: p.name, gaps=PER_CALL_GAP))
def test_every_fixed_fixture_verifies(fixed_checks, path):
    """Every weight the fix wrote passes; only weights still reported (no
    automatic fix: a loop's forget bias) may fail."""
    check = fixed_checks[str(path)]
    assert check.error is None and check.compiles and not check.missing_names
    still_reported = {f.instance or f.weight for f in lint_source(path.read_bytes(), str(path)).findings}
    failures = [f"{w.label}: {w.detail}" for w in check.weights if w.verdict == "fail" and w.label not in still_reported]
    assert failures == []
    # What the fix wrote was evaluated, not skipped: every weight it changed
    # is written inline at its creation site.
    assert any(w.verdict == "ok" for w in check.weights)


def test_a_wrong_initialiser_fails_verification_with_the_reason():
    path = FIXTURES / "tf2_module_per_matrix.py"
    (check,) = verify_sources([(str(path), path.read_bytes(), {}, [])], Settings(), {"units": 64, "n_in": 32})
    verdicts = {w.label: w for w in check.weights}
    assert not check.ok
    assert verdicts["self.U"].verdict == "fail" and "not orthogonal" in verdicts["self.U"].detail
    assert verdicts["self.W"].verdict == "fail" and "beyond the glorot bound" in verdicts["self.W"].detail
    assert verdicts["self.b"].verdict == "fail" and "are not all 1.0" in verdicts["self.b"].detail
    assert check.dims == {"n_in": 32, "units": 64}
    assert verdicts["self.W"].shape == (32, 256)


def test_fix_verify_prints_the_table_and_keeps_verified_fixes(tmp_path, capsys):
    path = tmp_path / "seqgan.py"
    path.write_bytes((FIXTURES / "tf1_seqgan_init_matrix.py").read_bytes())
    assert main(["--fix", "--verify", "--dims", "hidden_dim=64,emb_dim=32", str(path)]) == 0
    out = capsys.readouterr().out
    assert "weight    role              before                     after           reference" in out
    assert "self.Ui   recurrent_kernel  random_normal(stddev=0.1)  orthogonal      keras recurrent slice [64, 64]" in out
    assert "Verified 1 file: 12 weights start like the reference, 0 do not, 0 not evaluated." in out
    assert path.read_bytes() == (FIXTURES / "tf1_seqgan_init_matrix.py.fixed").read_bytes()


def test_verify_cmd_restores_a_file_whose_fix_breaks_the_command(tmp_path, monkeypatch, capsys):
    cell = tmp_path / "cell.py"
    original = _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")
    cell.write_text(original)
    other = tmp_path / "other.py"
    other.write_bytes((FIXTURES / "tf2_module_per_matrix.py").read_bytes())
    monkeypatch.chdir(tmp_path)
    # A smoke test that passes on the original and fails once cell.py's
    # recurrent kernel is orthogonal.
    command = "python -c \"import sys; sys.exit('Orthogonal' in open('cell.py').read())\""
    assert main(["--fix", "--verify-cmd", command, "."]) == 1
    out = capsys.readouterr().out
    assert "--verify-cmd passed before the fix and fails after it" in out
    assert "cell.py: restored to its original bytes" in out
    assert "other.py: fix kept" in out
    assert cell.read_text() == original
    assert "Orthogonal" in other.read_text()


def test_verify_command_on_files_as_they_are(capsys):
    assert main(["verify", str(FIXTURES / "tf2_module_correct.py")]) == 0
    assert "3 weights start like the reference, 0 do not" in capsys.readouterr().out
    assert main(["verify", str(FIXTURES / "tf2_module_per_matrix.py")]) == 1


def test_a_clear_message_when_tensorflow_is_missing(monkeypatch, capsys):
    import lstm_init_lint.verify as verify

    monkeypatch.setattr(verify, "tensorflow_available", lambda: False)
    assert main(["verify", str(FIXTURES)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'tensorflow-cpu>=2.16'" in err and "pip install '.[verify]'" in err and "Traceback" not in err


def test_verify_needs_fix_and_dims_must_be_well_formed(capsys):
    assert main(["--verify", str(FIXTURES)]) == 2
    assert "--verify and --verify-cmd go with --fix" in capsys.readouterr().err
    assert main(["--fix", "--verify", "--dims", "units=big", str(FIXTURES / "tf2_module_correct.py")]) == 2
    assert "--dims takes name=integer pairs" in capsys.readouterr().err


def test_verify_evaluates_at_the_sizes_the_messages_use(capsys):
    """The file states its sizes only at the constructor calls
    (LSTMCell(n_in=24, units=96), GRUCell(units=48)): verify binds them,
    as the messages do, instead of small integers."""
    path = FIXTURES / "sizes_from_constructor_calls.py"
    (check,) = verify_sources([(str(path), path.read_bytes(), {}, [])], Settings(), {})
    shapes = {w.label: w.shape for w in check.weights}
    assert shapes["self.W"] == (24, 384) and shapes["self.U"] == (96, 384) and shapes["self.b"] == (384,)
    assert shapes["self.recurrent_kernel"] == (48, 144)
    assert check.dims["n_in"] == 24 and check.dims["units"] == 96 and check.dims["self.units"] == 48
    # --dims, the user's explicit choice, still wins.
    (chosen,) = verify_sources([(str(path), path.read_bytes(), {}, [])], Settings(), {"units": 8})
    assert {w.label: w.shape for w in chosen.weights}["self.U"] == (8, 32)


# Each package fixture with a fix: the file --verify checks with the modules
# it imports beside it (as fixed), the modules named in its block, the
# module its initialisers were read in, and how many weights start right.
PACKAGES = {
    "project_weights_module": ("cell.py", ["weights.py"], "initialisers read in weights.py: kernel, recurrent, bias", 3),
    "project_ops": ("gru_imported_init.py", ["ops.py"], None, 4),
    "project_controller": ("sampler.py", ["stack_ops.py"], None, 1),
    "project_caller_scope": ("train.py", ["cells.py"], None, 3),
    "project_scope_wrap": ("lstm_cell.py", ["ops.py"], None, 3),
}


def _package_copy(tmp_path, name):
    package = tmp_path / name
    shutil.copytree(FIXTURES / "packages" / name, package, ignore=shutil.ignore_patterns("*.expected", "*.fixed"))
    return package


def _block(out: str, path) -> str:
    """The verify report's block for one file."""
    return next(block for block in out.split("\n\n") if block.splitlines()[0].split("  (")[0].strip().endswith(str(path)))


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_a_package_fixture_verifies_as_a_whole(tmp_path, monkeypatch, capsys, name):
    """--fix --verify on a package fixture: the file whose cell spans modules
    is checked with the fixed modules it imports beside it, the report says
    which, and every weight the fixes wrote starts like the reference."""
    importer, beside, read_in, ok = PACKAGES[name]
    package = _package_copy(tmp_path, name)
    monkeypatch.chdir(package)
    # (project_ops' lstm_from_ops.py keeps findings --fix leaves: reported at the calls of ops.linear)
    assert main(["--fix", "--verify", "--no-cache", "."]) == (1 if name == "project_ops" else 0)
    out = capsys.readouterr().out
    block = _block(out, importer)
    assert f"checked with the modules it imports beside it, as fixed: {', '.join(beside)}" in block
    if read_in:
        assert read_in in block
    assert f"{ok} weights start like the reference, 0 do not, 0 not evaluated" in out
    for fixed in (FIXTURES / "packages" / name).glob("*.py.fixed"):
        assert (package / fixed.name.removesuffix(".fixed")).read_bytes() == fixed.read_bytes()


def test_a_weight_fixed_in_another_module_that_verifies_wrong_restores_it(tmp_path, monkeypatch, capsys):
    """verify reads the fixed initialiser in weights.py, where cell.py's fix
    wrote it; a wrong one there (the bias's forget slice at 2.0) fails
    cell.py's check, and weights.py goes back to its original bytes."""
    package = _package_copy(tmp_path, "project_weights_module")
    monkeypatch.chdir(package)
    original = (package / "weights.py").read_bytes()
    from lstm_init_lint.fix import plan

    real = plan.spelling.initializer_code

    def forget_at_two(expected, weight, *args):
        return real(expected, weight, *args).replace("tf.ones(", "2.0 * tf.ones(")

    monkeypatch.setattr(plan.spelling, "initializer_code", forget_at_two)
    assert main(["--fix", "--verify", "--no-cache", "."]) == 1
    out = capsys.readouterr().out
    block = _block(out, "cell.py")
    assert "initialisers read in weights.py: kernel, recurrent, bias" in block
    assert "FAIL" in next(line for line in block.splitlines() if line.strip().startswith("bias "))
    assert "weights.py: restored to its original bytes (verification failed)" in out
    assert (package / "weights.py").read_bytes() == original


def test_verify_follows_a_files_imports_as_they_are(capsys):
    """``verify`` on cell.py as it is: its weights are written in weights.py,
    read there, and each fails as cell.py's findings say."""
    assert main(["verify", str(FIXTURES / "packages" / "project_weights_module" / "cell.py")]) == 1
    out = capsys.readouterr().out
    assert "initialisers read in " in out and "weights.py: kernel, recurrent, bias" in out
    assert "Verified 1 file: 0 weights start like the reference, 3 do not, 0 not evaluated." in out
