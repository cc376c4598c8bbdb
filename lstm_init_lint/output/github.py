"""Findings as GitHub Actions workflow commands: each becomes an annotation
on the pull request's diff.

    ::warning file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=LST001::message

Values are escaped as the runner expects (``%``, CR and LF everywhere; also
``:`` and ``,`` in properties). A notebook's finding is annotated on the
file with ``cell N:line:col`` in the message, since its line is within a
cell, not within the ``.ipynb`` file. Files that could not be analysed
become ``::error`` annotations.
"""

from __future__ import annotations

from ..model import RunResult


def github_report(result: RunResult) -> str:
    lines = []
    for finding in result.findings:
        span = finding.span
        if finding.notebook_cell is None:
            where = {"file": finding.path, "line": span.line, "col": span.column, "endLine": span.end_line, "endColumn": span.end_column}
            message = finding.message
        else:
            where = {"file": finding.path}
            message = f"cell {finding.notebook_cell}:{span.line}:{span.column}: {finding.message}"
        lines.append(command("warning", {**where, "title": finding.code}, f"{finding.code} {message}"))
    for error in result.errors:
        where = {"file": error.path}
        if error.line is not None and error.notebook_cell is None:
            where["line"] = error.line
            if error.column is not None:
                where["col"] = error.column
        lines.append(command("error", {**where, "title": "lstm-init-lint"}, error.render()))
    return "\n".join(lines)


def command(kind: str, properties: dict, message: str) -> str:
    props = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {props}::{_escape_data(message)}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
