"""``--statistics``: findings counted per rule, and how each file was
checked, so that no file is passed over without it showing."""

from __future__ import annotations

import json
from collections import Counter

from ..model import HowChecked, RunResult
from .report import summary

_FILE_COUNTS = (
    ("passed_over", HowChecked.PASSED_OVER, "passed over by the pre-filter"),
    ("passed_over_by_gate", HowChecked.PASSED_OVER_BY_GATE, "passed over by the structural gate"),
    ("cached", HowChecked.CACHED, "served from the cache"),
    ("analysed", HowChecked.ANALYSED, "analysed"),
    ("not_read", HowChecked.NOT_READ, "not read"),
    ("skipped", HowChecked.SKIPPED, "skipped (too large to analyse)"),
)


def rule_counts(result: RunResult) -> list[tuple[str, str, int]]:
    """(code, name, count) for each rule with findings, in code order."""
    from ..rules import RULES_BY_CODE

    counts = Counter(finding.code for finding in result.findings)
    return [(code, RULES_BY_CODE[code].name if code in RULES_BY_CODE else "", counts[code]) for code in sorted(counts)]


def file_counts(result: RunResult) -> dict[str, int]:
    how = Counter(file.how for file in result.files)
    counts = {"checked": len(result.files)}
    counts.update({key: how[kind] for key, kind, _ in _FILE_COUNTS})
    counts["errors"] = len(result.errors)
    # Read as Python 2 (``python2``): a count across the kinds above.
    counts["python2"] = sum(1 for file in result.files if file.python == 2)
    # Project modules the analyses imported (``from ops import linear``), each counted once.
    counts["modules_followed"] = len({path for file in result.files for path, _ in file.modules})
    return counts


def text(result: RunResult, with_summary: bool = True) -> str:
    rules = rule_counts(result)
    width = max((len(str(count)) for _, _, count in rules), default=1)
    lines = [f"{count:>{width}}  {code}  {name}" for code, name, count in rules]
    files = file_counts(result)
    parts = ", ".join(f"{files[key]} {words}" for key, _, words in _FILE_COUNTS)
    python2 = f" ({files['python2']} read as Python 2)" if files["python2"] else ""
    followed = files["modules_followed"]
    modules = f"; {followed} imported module{'s' if followed != 1 else ''} of the project followed" if followed else ""
    lines.append(f"Files: {files['checked']} in all: {parts}{python2}{modules}.")  # "checked" would count the passed over
    if with_summary:
        lines.append(summary(result))
    return "\n".join(lines)


def fix_statistics(outcomes: list, written: bool) -> str:
    """``--statistics`` with ``--fix`` / ``--diff``: per rule, the findings
    and how many were fixed (or would be)."""
    found = Counter(f.code for o in outcomes for f in (*o.applied, *o.remaining))
    fixed = Counter(f.code for o in outcomes for f in o.applied)
    from ..rules import RULES_BY_CODE

    width = max((len(str(count)) for count in found.values()), default=1)
    verb = "fixed" if written else "would fix"
    return "\n".join(
        f"{found[code]:>{width}}  {code}  {RULES_BY_CODE[code].name if code in RULES_BY_CODE else ''} ({fixed[code]} {verb})" for code in sorted(found)
    )


def json_statistics(result: RunResult) -> str:
    return json.dumps(
        {
            "rules": [{"code": code, "name": name, "count": count} for code, name, count in rule_counts(result)],
            "files": file_counts(result),
        },
        indent=2,
    )
