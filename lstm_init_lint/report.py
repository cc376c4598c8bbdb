"""Findings to text or JSON. The JSON shape is a public contract (README)."""

from __future__ import annotations

import json

from .model import RunResult


def text(result: RunResult) -> str:
    lines = []
    for file in result.files:
        for finding in file.findings:
            span = finding.span
            lines.append(f"{finding.path}:{span.line}:{span.column}: {finding.code} {finding.message}")
    lines.append(summary(result))
    return "\n".join(lines)


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
