"""Findings to text or JSON. The JSON shape is a public contract (README).
SARIF and GitHub annotations are in ``sarif.py`` and ``github.py``."""

from __future__ import annotations

import json

from ..model import Finding, RunResult
from .words import PASSED_OVER_WHY, count as _count, nothing_to_check


def text(result: RunResult, colour: bool = False) -> str:
    """One ``path:line:col: CODE message`` line per finding (``path:cell
    N:line:col`` in a notebook), then the summary; ANSI colour if asked."""
    return "\n".join([*finding_lines(result, colour), summary(result)])


def finding_lines(result: RunResult, colour: bool = False) -> list[str]:
    """The findings of ``text``, without the summary (the command line
    prints the file errors between the two)."""
    from .colour import paint

    lines = []
    for file in result.files:
        for finding in file.findings:
            where = paint(location(finding), "bold", on=colour)
            lines.append(f"{where}: {paint(finding.code, 'bold', 'red', on=colour)} {finding.message}")
    return lines


def location(finding: Finding) -> str:
    span = finding.span
    cell = f":cell {finding.notebook_cell}" if finding.notebook_cell is not None else ""
    return f"{finding.path}{cell}:{span.line}:{span.column}"


def summary(result: RunResult) -> str:
    """The last line of a lint. It says "passed" only when every file was
    analysed and none has a finding; files the pre-filter or the gate passed
    over were not checked, and it says so."""
    passed_over = sum(1 for file in result.files if file.passed_over)
    checked = len(result.files) - passed_over
    findings = result.findings
    errors = result.errors
    files = checked_part(checked, passed_over)
    if not result.files:
        return "No files checked."
    skipped = skipped_count(result)
    if findings:
        with_findings = len({f.path for f in findings})
        line = f"Found {_count(len(findings), 'finding')} in {_count(with_findings, 'file')} ({files})"
    elif checked == 0:
        line = nothing_to_check(passed_over)
    elif errors and checked == len(errors):
        line = f"Nothing analysed ({files})"
    elif errors:
        line = f"No findings in the other {_count(checked - len(errors), 'file')} ({files})"
    elif passed_over:
        line = f"No findings ({files})"
    else:
        line = f"All checks passed ({files})"
    if errors:
        line += f"; {_count(len(errors), 'file')} could not be analysed"
    if skipped:
        line += f"; {_count(skipped, 'file')} skipped"
    return line + "."


def checked_part(checked: int, passed_over: int) -> str:
    """``3 files checked``, then how many were passed over (not checked), if any."""
    part = f"{_count(checked, 'file')} checked"
    if passed_over:
        part += f", {passed_over} passed over {PASSED_OVER_WHY}"
    return part


def skipped_count(result: RunResult) -> int:
    return sum(1 for file in result.files if file.skipped is not None)


def warnings(result: RunResult) -> str:
    """One ``path: warning: ...`` line per file skipped (too large to hold a
    cell worth parsing): reported, but no failure."""
    return "\n".join(f"{file.path}: warning: {file.skipped}" for file in result.files if file.skipped is not None)


def json_report(result: RunResult) -> str:
    return json.dumps([finding.to_json() for finding in result.findings], indent=2)


def fix_text(outcomes: list, written: bool) -> str:
    """What --fix changed, what it left and why, and a summary line."""
    return "\n".join([*fix_lines(outcomes, written), fix_summary(outcomes, written)])


def fix_lines(outcomes: list, written: bool) -> list[str]:
    """What --fix changed and what it left (and why), one line each."""
    lines = []
    for outcome in outcomes:
        for finding in outcome.applied:
            there = finding.fix.elsewhere
            where = f" (in {there}, line {finding.fix.edits[0].span.line})" if there is not None else ""
            lines.append(f"{location(finding)}: {finding.code} {'fixed' if written else 'would fix'}: {finding.fix.description}{where}")
        for finding in outcome.remaining:
            reason = finding.no_fix_reason or "no automatic fix"
            if finding.suggested_edit:
                reason += f"; by hand: {finding.suggested_edit}"
            lines.append(f"{location(finding)}: {finding.code} {finding.message} [not fixed: {reason}]")
    return lines


def fix_summary(outcomes: list, written: bool) -> str:
    """The last line of --fix / --diff, with the files that could not be
    analysed (and so were not fixed)."""
    fixed = sum(len(o.applied) for o in outcomes)
    remaining = sum(len(o.remaining) for o in outcomes)
    changed = sum(1 for o in outcomes if o.changed)
    passed_over = sum(1 for o in outcomes if getattr(o, "passed_over", False))
    outcomes = [o for o in outcomes if not getattr(o, "imported", False)]  # checked: the files the run was given
    verb = "Fixed" if written else "Would fix"
    files = "1 file" if changed == 1 else f"{changed} files"
    line = f"{verb} {fixed} {'finding' if fixed == 1 else 'findings'} in {files} ({checked_part(len(outcomes) - passed_over, passed_over)})"
    if remaining:
        line += f"; {remaining} left without an automatic fix"
    failed = sum(1 for o in outcomes if o.error is not None)
    if failed:
        line += f"; {_count(failed, 'file')} could not be analysed"
    skipped = sum(1 for o in outcomes if getattr(o, "skipped", None) is not None)
    if skipped:
        line += f"; {_count(skipped, 'file')} skipped"
    return line + "."


def fix_json(outcomes: list) -> str:
    """Each finding as found before fixing, with ``fixed`` saying whether the
    run fixed it (or, with --diff, would)."""
    out = []
    for outcome in outcomes:
        for finding in outcome.applied:
            out.append({**finding.to_json(), "fixed": True})
        for finding in outcome.remaining:
            out.append({**finding.to_json(), "fixed": False})
    return json.dumps(out, indent=2)


def errors(result: RunResult) -> str:
    return "\n".join(error.render() for error in result.errors)
