"""``--fix`` for a notebook: fix its code cells as one module, then write
only the cells whose source changed back into the notebook (outputs,
metadata and every other cell kept as they were)."""

from __future__ import annotations

from dataclasses import replace

from ..model import FileError, Settings
from .lint import _first_error, _to_cell
from .read import module_text, read_notebook
from .write import cell_sources, write_cells


def fix_notebook(source: bytes, path: str, settings: Settings):
    """As ``lint_notebook`` reads it: a cell that does not parse is named in
    the outcome's error and left as it is, and the other cells are fixed."""
    from ..fix import FixOutcome

    notebook = read_notebook(source, path)
    if isinstance(notebook, FileError):
        return FixOutcome(path, source, source, (), (), notebook)
    outcome, blank, errors = _fix_parsing_cells(notebook, path, settings)
    applied = tuple(_to_cell(f, notebook) for f in outcome.applied)
    remaining = tuple(_to_cell(f, notebook) for f in outcome.remaining)
    error = _first_error(errors)
    if outcome.error is not None:  # the cells left could not be fixed (or analysed) as a whole
        return FixOutcome(path, source, source, (), remaining, error or outcome.error)
    if not outcome.changed:
        return FixOutcome(path, source, source, (), remaining, error)
    try:
        fixed = write_cells(source, cell_sources(notebook, outcome.fixed.decode("utf-8"), blank))
    except ValueError as failure:
        return FixOutcome(path, source, source, (), remaining, FileError(path, f"cannot write the fixed cells back: {failure}"))
    return FixOutcome(path, source, fixed, applied, remaining, error)


def _fix_parsing_cells(notebook, path: str, settings: Settings):
    """Fix the cells as one module, leaving out (as empty lines) each cell
    whose error stops the parse, as ``lint_notebook`` does. Returns the fix
    outcome of the module that is left, the cells left out, and their errors
    (located in their cells)."""
    from ..fix import fix_source

    blank: set[int] = set()
    errors: list[FileError] = []
    while True:
        outcome = fix_source(module_text(notebook.cells, frozenset(blank)).encode("utf-8"), path, settings)
        error = outcome.error
        located = notebook.locate(error.line) if error is not None and error.line is not None else None
        if located is None or located[0].index in blank:
            break
        cell, line = located
        errors.append(replace(error, line=line, notebook_cell=cell.index))
        blank.add(cell.index)
    return outcome, frozenset(blank), errors
