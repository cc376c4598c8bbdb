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
