"""A notebook through the one detector: its code cells as one module, each
finding and error mapped back to ``cell N`` and the line within it.

A cell that does not parse is reported (its cell, its line) and left out,
and the other cells are still analysed, as the kernel would still run them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import FileError, FileResult, Finding, Settings, Span
from .read import NotebookModule, module_text, read_notebook

# The helper's line in a message (rules.base.describe_current), a module line.
_HELPER_LINE = re.compile(r"\(\) \(line (\d+)\)")


def lint_notebook(source: bytes, path: str, settings: Settings) -> FileResult:
    """A notebook whose kernel is Python 2 (``read.NotebookModule.python2``)
    is read as Python 2 where Python 3 refuses its code, as a file is."""
    from ..api import lint_python

    notebook = read_notebook(source, path)
    if isinstance(notebook, FileError):
        return FileResult(path, (), notebook)
    blank: set[int] = set()
    errors: list[FileError] = []
    while True:
        text = module_text(notebook.cells, frozenset(blank))
        result = lint_python(text.encode("utf-8"), path, settings, notebook.python2)
        error = result.error
        if error is not None and notebook.python2:  # the cell Python 2 stops at, not Python 3
            from ..python2 import refusal

            error = refusal(text.encode("utf-8"), path) or error
        located = notebook.locate(error.line) if error is not None and error.line is not None else None
        if located is None or located[0].index in blank:
            break
        cell, line = located
        errors.append(replace(error, line=line, notebook_cell=cell.index))
        blank.add(cell.index)
    if error is not None and (located is None or located[0].index in blank):
        errors.append(error)
    findings = tuple(_to_cell(finding, notebook) for finding in result.findings)
    return FileResult(path, findings, _first_error(errors), python=result.python)


def _to_cell(finding: Finding, notebook: NotebookModule) -> Finding:
    located = notebook.locate(finding.span.line)
    if located is None:
        return finding
    cell, line = located
    offset = line - finding.span.line
    span = Span(line, finding.span.column, finding.span.end_line + offset, finding.span.end_column)
    message = _HELPER_LINE.sub(lambda m: _helper_line(m, notebook), finding.message)
    return replace(finding, span=span, notebook_cell=cell.index, message=message)


def _helper_line(match: re.Match, notebook: NotebookModule) -> str:
    located = notebook.locate(int(match.group(1)))
    if located is None:
        return match.group(0)
    cell, line = located
    return f"() (cell {cell.index}, line {line})"


def _first_error(errors: list[FileError]) -> FileError | None:
    if not errors:
        return None
    first = errors[0]
    others = [e.notebook_cell for e in errors[1:] if e.notebook_cell is not None]
    if others:
        cells = ", ".join(str(c) for c in others)
        first = replace(first, message=f"{first.message} (cells {cells} could not be parsed either)")
    return first
