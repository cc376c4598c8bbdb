"""The report formats ``--format`` chooses from, rendered to text.

``text`` and ``json`` live in ``report.py`` (JSON is a public contract),
``sarif`` and ``github`` in their own modules; this is the one table of them.
"""

from __future__ import annotations

from ..model import RunResult

# The names ``--format`` accepts (``frontends.arguments`` reads them from here).
FORMATS = ("text", "json", "sarif", "github")


def render(result: RunResult, name: str, colour: bool = False) -> str:
    """The report for standard output; ``colour`` applies to ``text`` only."""
    if name == "json":
        from .report import json_report

        return json_report(result)
    if name == "sarif":
        from .sarif import sarif_report

        return sarif_report(result)
    if name == "github":
        from .github import github_report

        return github_report(result)
    from .report import text

    return text(result, colour=colour)
