"""A NumPy cell in a file that never imports NumPy: an exercise solution
``%load``-ed into a notebook that did (KristianHolsheimer/tensorflow_training
sol/ex_lstm_class_numpy.py). ``np`` bound nowhere means numpy, for the
pre-filter as for the analysis; bound to anything else, it does not."""

from __future__ import annotations

from lstm_init_lint.engine import lint_source
from lstm_init_lint.model import Settings
from lstm_init_lint.run.prefilter import may_hold_cell

SNIPPET = """\
def init_weights(shape):
    w = np.random.randn(*shape)
    stddev = 6.0 / np.sqrt(sum(shape))
    return stddev * w


class Cell:
    def __init__(self, n_in, n_hidden):
        self.w_i = init_weights([n_in, n_hidden])
        self.u_i = init_weights([n_hidden, n_hidden])
        self.b_i = np.zeros((1, n_hidden))
        self.w_f = init_weights([n_in, n_hidden])
        self.u_f = init_weights([n_hidden, n_hidden])
        self.b_f = np.zeros((1, n_hidden))
        self.w_c = init_weights([n_in, n_hidden])
        self.u_c = init_weights([n_hidden, n_hidden])
        self.b_c = np.zeros((1, n_hidden))
        self.w_o = init_weights([n_in, n_hidden])
        self.u_o = init_weights([n_hidden, n_hidden])
        self.b_o = np.zeros((1, n_hidden))

    def __call__(self, x, state):
        c, h = state
        i = 1 / (1 + np.exp(-(np.dot(x, self.w_i) + np.dot(h, self.u_i) + self.b_i)))
        f = 1 / (1 + np.exp(-(np.dot(x, self.w_f) + np.dot(h, self.u_f) + self.b_f)))
        o = 1 / (1 + np.exp(-(np.dot(x, self.w_o) + np.dot(h, self.u_o) + self.b_o)))
        c = f * c + i * np.tanh(np.dot(x, self.w_c) + np.dot(h, self.u_c) + self.b_c)
        h = o * np.tanh(c)
        return h, (c, h)


cell = Cell(7, 5)
"""


def _findings(source: str):
    result = lint_source(source.encode(), "snippet.py", Settings())
    assert result.error is None
    return result.findings


def test_an_unbound_np_is_numpy_and_a_drawn_then_scaled_array_keeps_its_scale():
    assert may_hold_cell(SNIPPET.encode())
    findings = _findings(SNIPPET)
    kernels = [f for f in findings if f.code in ("LST001", "LST002")]
    assert sorted(f.weight for f in kernels) == sorted(f"self.{kind}_{gate}" for kind in "wu" for gate in "ifco")
    # 6 / sqrt(sum(shape)) at the sizes Cell(7, 5) gives: [7, 5] and [5, 5].
    for f in kernels:
        stddev = "1.73205" if f.weight.startswith("self.w_") else "1.89737"
        assert f"starts as random_normal(stddev={stddev}) via init_weights()" in f.message, f.message
    forget = [f for f in findings if f.code == "LST004"]
    assert [f.weight for f in forget] == ["self.b_f"]


def test_np_bound_to_another_module_is_not_numpy():
    for binding in ("import cupy as np\n", "np = object()\n"):
        source = binding + SNIPPET
        assert _findings(source) == ()
    assert not may_hold_cell(("import cupy as np\n" + SNIPPET).encode())


def test_the_first_file_a_fresh_process_reads_may_use_np_unbound(tmp_path):
    """The pre-filter compiles its patterns for the first file that needs
    them: an unbound ``np.`` in the very first file a run reads must be read
    as numpy, not stop the run with an internal error."""
    import subprocess
    import sys

    path = tmp_path / "snippet.py"
    path.write_text(SNIPPET)
    run = subprocess.run([sys.executable, "-m", "lstm_init_lint", "--no-cache", str(path)], capture_output=True, text=True)
    assert "internal error" not in run.stdout + run.stderr, run.stdout + run.stderr
    assert "LST004" in run.stdout, run.stdout


def test_fix_rewrites_each_call_in_the_files_own_np_and_the_snippet_still_runs():
    """The helper builds its value over several statements and the shape is
    its callers': each call that makes a recurrent weight becomes the
    reference's array at the shape the call passes, written with the same
    unbound ``np`` the file uses; the helper stays for its other callers."""
    import numpy

    from lstm_init_lint.engine import fix_source

    outcome = fix_source(SNIPPET.encode(), "snippet.py")
    assert outcome.error is None
    fixed = outcome.fixed.decode()
    assert [f.code for f in outcome.remaining] == []
    assert "self.w_f = np.random.uniform(-np.sqrt(6.0 / (n_in + n_hidden)), np.sqrt(6.0 / (n_in + n_hidden)), (n_in, n_hidden))" in fixed
    assert "self.u_f = np.linalg.qr(np.random.standard_normal((n_hidden, n_hidden)))[0]" in fixed
    assert "self.b_f = np.ones((1, n_hidden))" in fixed
    assert "import" not in fixed and "def init_weights(shape):" in fixed
    namespace = {"np": numpy}  # what the notebook that %load-s it has
    exec(compile(fixed, "snippet.py", "exec"), namespace)
    cell = namespace["cell"]
    u = cell.u_f
    numpy.testing.assert_allclose(u @ u.T, numpy.eye(5), atol=1e-9)
    assert numpy.all(cell.b_f == 1.0) and numpy.all(cell.b_i == 0.0)
    limit = numpy.sqrt(6.0 / 12)
    assert cell.w_i.shape == (7, 5) and numpy.abs(cell.w_i).max() <= limit
    h, _ = cell(numpy.ones((2, 7)), (numpy.zeros((2, 5)), numpy.zeros((2, 5))))
    assert h.shape == (2, 5)
    assert fix_source(outcome.fixed, "snippet.py").fixed == outcome.fixed
