"""The bounds that keep any input from crashing or stalling a run
(lstm_init_lint/source/limits.py and the interpreter's budget), tested from the
side a user sees: code inside the bounds is analysed completely, code
outside them is one clear error, and a huge file never hides a cell."""

from __future__ import annotations

import subprocess
import sys

import libcst as cst
import pytest
from sample_cells import THREE_FINDINGS

from lstm_init_lint.analysis.interpreter import MAX_LITERAL_ITEMS, Interpreter
from lstm_init_lint.engine import lint_source
from lstm_init_lint.engine import fix_source
from lstm_init_lint.source.limits import MAX_DEPTH

NESTED = {
    "a + chain": lambda n: "x = " + " + ".join(["1"] * n),
    "an and chain": lambda n: "x = " + " and ".join(["a"] * n),
    "an attribute chain": lambda n: "x = a" + ".b" * n,
    "nots": lambda n: "x = " + "not " * n + "1",
    "unary minuses": lambda n: "x = " + "-" * n + "1",
    "conditional expressions": lambda n: "x = " + "1 if c else " * n + "1",
    "lambdas": lambda n: "x = " + "lambda: " * n + "1",
    "calls of calls": lambda n: "x = a" + "()" * n,
    "subscripts": lambda n: "x = a" + "[0]" * n,
    "powers": lambda n: "x = " + " ** ".join(["2"] * n),
    "an elif chain": lambda n: "if a:\n    pass\n" + "elif a:\n    pass\n" * n,
    "nested calls": lambda n: "x = " + "f(" * n + "1" + ")" * n,
    "joined strings": lambda n: "x = (\n" + "".join(f'    "{i}"\n' for i in range(n)) + ")",
}


@pytest.mark.parametrize("shape", list(NESTED))
def test_a_cell_beside_code_nested_up_to_the_limit_is_analysed_and_fixed(shape):
    source = (THREE_FINDINGS + "\n" + NESTED[shape](MAX_DEPTH - 5) + "\n").encode()
    result = lint_source(source, "cell.py")
    assert result.error is None, result.error
    assert [f.code for f in result.findings] == ["LST002", "LST001", "LST004"]
    outcome = fix_source(source, "cell.py")
    assert outcome.error is None and len(outcome.applied) == 3


@pytest.mark.parametrize("shape", [s for s in NESTED if s != "joined strings"])
def test_code_nested_beyond_the_limit_is_one_clear_error(shape):
    """(Python's own tree does not show joined strings; beyond the
    recursion limit they are the message without a line: test_bad_input.)"""
    source = (THREE_FINDINGS + "\n" + NESTED[shape](3 * MAX_DEPTH) + "\n").encode()
    error = lint_source(source, "cell.py").error
    assert error is not None
    assert error.message.startswith(("the code is nested too deeply", "syntax error: too many nested parentheses")), error


def test_syntax_newer_than_this_python_is_still_read_by_libcst():
    """A file Python rejects goes to libcst when its tokens are shallow:
    ``type`` statements (3.12) and ``except A, B:`` (3.14) parse there."""
    source = ("type Shape = tuple[int, int]\n\ntry:\n    pass\nexcept ValueError, TypeError:\n    pass\n\n" + THREE_FINDINGS).encode()
    result = lint_source(source, "cell.py")
    assert result.error is None, result.error
    assert len(result.findings) == 3


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14 accepts except A, B:")
def test_a_rejected_file_with_deep_nesting_after_its_error_never_reaches_libcst(tmp_path):
    """Python stops at its first error (``except A, B:``, which libcst
    reads); the 100,000 ``not`` below it would crash libcst with a
    segmentation fault, so the file is reported with Python's message. In a
    subprocess: a crash must fail this test, not end the test run. (The
    weight and the product at the end make the pre-filter keep it.)"""
    path = tmp_path / "old.py"
    path.write_bytes(b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n" + b"x = " + b"not " * 100_000 + b"1\n" + b"import tensorflow as tf\nW = tf.Variable(w) @ U\n")
    result = subprocess.run([sys.executable, "-m", "lstm_init_lint", str(path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result
    assert result.stderr.strip() == f"{path}:3:8: error: syntax error: multiple exception types must be parenthesized"


def test_a_module_body_that_exhausts_the_budget_does_not_hide_the_cell_above_it():
    """The class is defined first; the module body then runs out of budget.
    The class's methods still get a budget of their own."""
    body = "".join(f"v{i} = f(v{i - 1}, {i}) + g({i})\n" for i in range(1, 400))
    module = cst.parse_module(THREE_FINDINGS + "\n" + body)
    interpreter = Interpreter(module, budget=2_000)
    interpreter.run()
    assert interpreter.incomplete
    created = {weight.name_hint or "" for weight in interpreter.weights} | {
        module.code_for_node(weight.binding[0]) for weight in interpreter.weights if weight.binding is not None
    }
    assert {"self.W", "self.U", "self.b"} <= created


def test_a_large_data_literal_costs_the_same_as_a_small_one():
    """A table of numbers is not evaluated item by item: its work does not
    grow with its length."""

    def steps(items: int) -> int:
        module = cst.parse_module(THREE_FINDINGS + "\nTABLE = [" + ", ".join(str(i) for i in range(items)) + "]\n")
        interpreter = Interpreter(module)
        interpreter.run()
        return interpreter.steps

    assert steps(20 * MAX_LITERAL_ITEMS) == steps(2 * MAX_LITERAL_ITEMS)
    source = (THREE_FINDINGS + "\nTABLE = [" + ", ".join(str(i) for i in range(20 * MAX_LITERAL_ITEMS)) + "]\n").encode()
    assert len(lint_source(source, "cell.py").findings) == 3
