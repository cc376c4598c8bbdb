"""The format of the expected-findings files beside each fixture.

``fixtures/NAME.expected`` lists what ``--reference keras`` must report for
``fixtures/NAME.py``, one finding per line::

    LINE:COLUMN CODE CELL ROLE WEIGHT [INSTANCE]

An empty file means the fixture must stay quiet. ``NAME.tf1.expected``, where
present, does the same for ``--reference tf1``. Lines starting with ``#`` are
comments.
"""

from __future__ import annotations

from pathlib import Path

from lstm_init_lint.model import Finding

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def as_line(finding: Finding) -> str:
    parts = [f"{finding.span.line}:{finding.span.column}", finding.code, finding.cell.value, finding.role.value, finding.weight]
    if finding.instance:
        parts.append(finding.instance)
    return " ".join(parts)


def read_expected(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


# Python 2 fixtures (``py2_*``): linted and fixed like the others (as Python
# 2, tests/test_python2.py), but no Python 3 runs them, so the tests that
# execute fixtures under TensorFlow list them as skipped, with this reason.
PYTHON2_PREFIX = "py2_"
PYTHON2_SKIP = "Python 2 source: it cannot run under the Python 3 TensorFlow (tests/test_python2.py checks it parses as Python 2)"


# Fixtures in the spelling of TensorFlow 1.x internals or tf.contrib, which no
# TensorFlow 2 has: linted, fixed and verified, but nothing here can run them.
TF1_ONLY = {"contrib_fully_connected_gru.py", "tf1_linear_class_gru.py", "tf1_linear_old_signature.py"}
TF1_ONLY_SKIP = "written for tf.contrib / TensorFlow 1.x internals, which no TensorFlow 2 has: nothing here can run it (its findings, fixed text and verification are checked)"
# TF1's layers (tf.compat.v1.layers.dense) run in TF 2.21 only on tf_keras with
# TF_USE_LEGACY_KERAS=1, set before TensorFlow is imported.
LEGACY_KERAS = {"tf1_layers_dense_fused_gates.py", "negative_tf_layers_dense_mlp.py", "tail_tf1_contrib_layer_norm_compat_dense.py"}


def run_environment(path: Path, base: dict) -> dict:
    """The environment a fixture runs in: ``base``, plus legacy Keras for the
    fixtures that need TF1's layers."""
    env = dict(base)
    if path.name.replace(".fixed", "") in LEGACY_KERAS:
        env["TF_USE_LEGACY_KERAS"] = "1"
    return env


def runs_here(paths, ids=None, gaps=None):
    """``runnable``, with the TF1-only fixtures skipped too (``TF1_ONLY``)."""
    import pytest

    return [
        pytest.param(*param.values, id=param.id, marks=[pytest.mark.skip(reason=TF1_ONLY_SKIP)]) if param.values[0].name in TF1_ONLY else param
        for param in runnable(paths, ids, gaps)
    ]


def is_python2(path: Path) -> bool:
    return path.name.startswith(PYTHON2_PREFIX)


def runnable(paths, ids=None, gaps=None):
    """``paths`` as pytest params, the Python 2 ones marked skipped (``PYTHON2_SKIP``).
    ``gaps``: file name -> why the check cannot yet pass on that file; those are
    strict xfails, so the day the gap closes the test says so."""
    import pytest

    gaps = gaps or {}

    def marks(path):
        if is_python2(path):
            return [pytest.mark.skip(reason=PYTHON2_SKIP)]
        if path.name in gaps:
            return [pytest.mark.xfail(strict=True, reason=gaps[path.name])]
        return []

    return [pytest.param(path, id=path.stem if ids is None else ids(path), marks=marks(path)) for path in paths]


def selected_params(request, fixture: str, name: str = "path") -> set:
    """The ``name`` parameters of the tests of this module that this run will
    call and that use ``fixture``: a module-scoped fixture that runs
    TensorFlow for each of them runs it only for those (``-k`` included)."""
    return {
        item.callspec.params[name]
        for item in request.session.items
        if item.module is request.module and fixture in getattr(item, "fixturenames", ()) and name in getattr(getattr(item, "callspec", None), "params", {})
    }


def fixtures_with_findings():
    """Each fixture some ``.expected`` file gives findings, as a pytest param
    named by its stem: the files no front gate may pass over."""
    import pytest

    for path in sorted(FIXTURES.glob("*.py")):
        expected = [path.with_name(path.stem + suffix) for suffix in (".expected", ".tf1.expected")]
        if any(read_expected(e) for e in expected if e.exists()):
            yield pytest.param(path, id=path.stem)


def findings_in(source: str | bytes, reference: str = "keras") -> list:
    """The findings the engine gives a snippet, which must analyse cleanly."""
    from lstm_init_lint.engine import lint_source
    from lstm_init_lint.model import Settings

    data = source.encode("utf-8") if isinstance(source, str) else source
    result = lint_source(data, "case.py", Settings(reference=reference))
    assert result.error is None, result.error
    return list(result.findings)


# Fixtures that only define their cell, with no ``__main__`` driver yet: run
# as a script they create no weight (a known gap; a driver would also change
# the sizes their messages state, so their expected texts with it).
DEFINES_ONLY = frozenset({"d2l_params_dict_on_an_object.py", "d2l_params_linked_by_structure.py", "decorated_methods_binding.py", "negative_d2l_params_mlp_attention.py", "undecided_if_arms_joined.py"})


def rule_examples():
    """Every rule's VALID and INVALID examples as pytest params, named by rule
    and position: the snippets no front gate may pass over when they have findings."""
    import pytest

    from lstm_init_lint.rules import RULES

    for rule in RULES:
        for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for index, example in enumerate(examples):
                yield pytest.param(example, id=f"{rule.code}-{kind}-{index}")
