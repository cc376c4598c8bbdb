"""Findings to text or JSON. The JSON shape is a public contract (README).
SARIF and GitHub annotations are in ``sarif.py`` and ``github.py``."""

from __future__ import annotations

import json

from ..model import Finding, RunResult


def text(result: RunResult, colour: bool = False) -> str:
    """One ``path:line:col: CODE message`` line per finding (``path:cell
    N:line:col`` in a notebook), then the summary; ANSI colour if asked."""
    from .colour import paint

    lines = []
    for file in result.files:
        for finding in file.findings:
            where = paint(location(finding), "bold", on=colour)
            lines.append(f"{where}: {paint(finding.code, 'bold', 'red', on=colour)} {finding.message}")
    lines.append(summary(result))
    return "\n".join(lines)


def location(finding: Finding) -> str:
    span = finding.span
    cell = f":cell {finding.notebook_cell}" if finding.notebook_cell is not None else ""
    return f"{finding.path}{cell}:{span.line}:{span.column}"


def summary(result: RunResult) -> str:
    checked = len(result.files)
    findings = result.findings
    errors = result.errors
    files = "1 file" if checked == 1 else f"{checked} files"
    if findings:
        with_findings = len({f.path for f in findings})
        what = "1 finding" if len(findings) == 1 else f"{len(findings)} findings"
        where = "1 file" if with_findings == 1 else f"{with_findings} files"
        line = f"Found {what} in {where} ({files} checked)."
    else:
        line = f"All checks passed ({files} checked)."
    if errors:
        line += f" {len(errors)} {'file' if len(errors) == 1 else 'files'} could not be analysed."
    return line


def json_report(result: RunResult) -> str:
    return json.dumps([finding.to_json() for finding in result.findings], indent=2)


def fix_text(outcomes: list, written: bool) -> str:
    """What --fix changed, what it left and why, and a summary line."""
    lines = []
    for outcome in outcomes:
        for finding in outcome.applied:
            lines.append(f"{location(finding)}: {finding.code} {'fixed' if written else 'would fix'}: {finding.fix.description}")
        for finding in outcome.remaining:
            reason = finding.no_fix_reason or "no automatic fix"
            lines.append(f"{location(finding)}: {finding.code} {finding.message} [not fixed: {reason}]")
    fixed = sum(len(o.applied) for o in outcomes)
    remaining = sum(len(o.remaining) for o in outcomes)
    changed = sum(1 for o in outcomes if o.changed)
    checked = len(outcomes)
    verb = "Fixed" if written else "Would fix"
    files = "1 file" if changed == 1 else f"{changed} files"
    line = f"{verb} {fixed} {'finding' if fixed == 1 else 'findings'} in {files} ({checked} {'file' if checked == 1 else 'files'} checked)"
    line += f"; {remaining} left without an automatic fix." if remaining else "."
    lines.append(line)
    return "\n".join(lines)


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
