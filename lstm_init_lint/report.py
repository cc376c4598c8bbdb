"""Findings to text or JSON. The JSON shape is a public contract (README).
SARIF and GitHub annotations are in ``sarif.py`` and ``github.py``."""

from __future__ import annotations

import json

from .model import Finding, RunResult


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


def errors(result: RunResult) -> str:
    return "\n".join(error.render() for error in result.errors)
