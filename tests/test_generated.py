"""Generated code (hypothesis): valid Python programs from hypothesmith, and
programs with recurrent cells built from random combinations of the
supported styles (cell_programs.py).

For every program linting never raises and never reports an internal error;
--fix writes only code that parses, and fixing the result again changes
nothing. For the cell programs, every deliberately wrong weight is reported
and no deliberately right one is, and after --fix no fixable finding is left.

The runs are derandomized and keep no example database, so CI sees the same
examples every time; the example counts keep the module near a minute on
two cores.
"""

from __future__ import annotations

import ast

import hypothesmith
import pytest
from cell_programs import cell_programs
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from lstm_init_lint.engine import lint_source
from lstm_init_lint.engine import fix_source
from lstm_init_lint.model import Settings

pytestmark = pytest.mark.slow  # hypothesis: hundreds of generated programs

FIXED_SEED = settings(derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _parses(source: bytes) -> None:
    compile(source, "fixed.py", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)


def _lint_and_fix_are_safe(source: bytes, reference: str = "keras") -> None:
    settings_ = Settings(reference=reference)
    result = lint_source(source, "generated.py", settings_)
    assert result.error is None or not result.error.message.startswith("internal error"), result.error
    outcome = fix_source(source, "generated.py", settings_)
    assert outcome.error is None or not outcome.error.message.startswith("internal error"), outcome.error
    if outcome.error is not None:
        assert outcome.fixed == source  # a file that could not be fixed is left as it was
        return
    _parses(outcome.fixed)
    again = fix_source(outcome.fixed, "generated.py", settings_)
    assert again.error is None and again.fixed == outcome.fixed and again.applied == ()


# --- (a) any valid Python ---------------------------------------------------------


@settings(FIXED_SEED, max_examples=60)
@given(hypothesmith.from_grammar())
def test_any_program_from_the_grammar_lints_and_fixes_safely(source):
    _lint_and_fix_are_safe(source.encode("utf-8"))


@settings(FIXED_SEED, max_examples=60)
@given(hypothesmith.from_node())
def test_any_program_from_libcst_nodes_lints_and_fixes_safely(source):
    _lint_and_fix_are_safe(source.encode("utf-8"))


# --- (b) programs with recurrent cells ------------------------------------------------


@settings(FIXED_SEED, max_examples=200)
@given(cell_programs(), st.sampled_from(["keras", "tf1"]))
def test_generated_cells_never_crash_and_fixes_are_stable(program, reference):
    note(program.style)
    note(program.source)
    _lint_and_fix_are_safe(program.source.encode("utf-8"), reference)


@settings(FIXED_SEED, max_examples=200)
@given(cell_programs())
def test_every_wrong_weight_is_reported_and_no_right_one(program):
    note(program.style)
    note(program.source)
    result = lint_source(program.source.encode("utf-8"), "cell.py")
    assert result.error is None, result.error
    reported = {f.instance or f.weight for f in result.findings}
    note(f"reported: {sorted(reported)}")
    assert program.wrong <= reported, f"not reported: {sorted(program.wrong - reported)}"
    assert not program.right & reported, f"reported but right: {sorted(program.right & reported)}"


@settings(FIXED_SEED, max_examples=200)
@given(cell_programs())
def test_after_fix_the_program_parses_and_nothing_fixable_is_left(program):
    note(program.style)
    note(program.source)
    source = program.source.encode("utf-8")
    outcome = fix_source(source, "cell.py")
    assert outcome.error is None, outcome.error
    note(outcome.fixed.decode())
    _parses(outcome.fixed)
    if program.wrong:
        assert outcome.changed or all(not f.fixable for f in lint_source(source, "cell.py", plan_fixes=True).findings)
    relinted = lint_source(outcome.fixed, "cell.py", plan_fixes=True)
    assert relinted.error is None
    left = [f for f in relinted.findings if f.fixable]
    assert left == [], [(f.instance or f.weight, f.code) for f in left]
    assert all(f.no_fix_reason for f in relinted.findings)
    again = fix_source(outcome.fixed, "cell.py")
    assert again.fixed == outcome.fixed and again.applied == ()
