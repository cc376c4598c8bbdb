"""Findings as SARIF 2.1.0, the format code-scanning services read.

One run: the tool with every rule's metadata (id, name, summary, what it
does, a link to its page and the page itself as help), a result per finding
at its region, and the files that could not be analysed as notifications of
the invocation (which is then not successful). Paths are relative to the
working directory (``%SRCROOT%``) when they are under it.

A notebook's findings have no region: their lines are within a cell, not
within the ``.ipynb`` file's JSON, so the cell and line are in the message
and in ``properties.notebookCell``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..model import FileError, Finding, RunResult

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"


def sarif_report(result: RunResult) -> str:
    from ..rules import RULES

    codes = [rule.code for rule in RULES]
    errors = result.errors
    run = {
        "tool": {"driver": {"name": "lstm-init-lint", "version": __version__, "rules": [rule_metadata(rule) for rule in RULES]}},
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().as_uri() + "/"}},
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [_notification(error) for error in errors],
            }
        ],
        "results": [_result(finding, codes) for finding in result.findings],
    }
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2)


def rule_metadata(rule) -> dict:
    from .docs import render, rule_page_url

    sections = rule.sections()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": " ".join(sections["What it does"].split())},
        "helpUri": rule_page_url(rule.code),
        "help": {"text": " ".join(sections["Why it matters"].split()), "markdown": render(rule)},
        "defaultConfiguration": {"level": "warning"},
    }


def _result(finding: Finding, codes: list[str]) -> dict:
    location: dict = {"artifactLocation": artifact(finding.path)}
    message = finding.message
    properties: dict = {"role": finding.role.value, "weight": finding.weight, "certain": finding.certain}
    if finding.notebook_cell is None:
        location["region"] = {
            "startLine": finding.span.line,
            "startColumn": finding.span.column,
            "endLine": finding.span.end_line,
            "endColumn": finding.span.end_column,
        }
    else:
        message = f"cell {finding.notebook_cell}, line {finding.span.line}, column {finding.span.column}: {message}"
        properties["notebookCell"] = finding.notebook_cell
    return {
        "ruleId": finding.code,
        "ruleIndex": codes.index(finding.code),
        "level": "warning",
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
        "properties": properties,
    }


def _notification(error: FileError) -> dict:
    location: dict = {"artifactLocation": artifact(error.path)}
    if error.line is not None and error.notebook_cell is None:
        location["region"] = {"startLine": error.line, **({"startColumn": error.column} if error.column else {})}
    text = error.render()
    return {"level": "error", "message": {"text": text}, "locations": [{"physicalLocation": location}]}


def artifact(path: str) -> dict:
    """A relative URI under ``%SRCROOT%`` for a path under the working
    directory, else an absolute ``file:`` URI."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd()) if not path == "-" else "-"
    if not relative.startswith(os.pardir) and not os.path.isabs(relative):
        return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": SOURCE_ROOT}
    return {"uri": Path(absolute).as_uri()}
