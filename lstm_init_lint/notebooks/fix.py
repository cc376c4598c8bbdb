"""``--fix`` for a notebook: fix its code cells as one module, then write
only the cells whose source changed back into the notebook (outputs,
metadata and every other cell kept as they were)."""

from __future__ import annotations

from dataclasses import replace

from ..model import FileError, Settings
from .lint import _to_cell
from .read import module_text, read_notebook
from .write import cell_sources, write_cells


def fix_notebook(source: bytes, path: str, settings: Settings):
    from ..fix import FixOutcome, fix_source

    notebook = read_notebook(source, path)
    if isinstance(notebook, FileError):
        return FixOutcome(path, source, source, (), (), notebook)
    text = module_text(notebook.cells)
    outcome = fix_source(text.encode("utf-8"), path, settings, notebook.python2)
    applied = tuple(_to_cell(f, notebook) for f in outcome.applied)
    remaining = tuple(_to_cell(f, notebook) for f in outcome.remaining)
    if outcome.error is not None:
        error = outcome.error
        located = notebook.locate(error.line) if error.line is not None else None
        if located is not None:
            error = replace(error, line=located[1], notebook_cell=located[0].index)
        return FixOutcome(path, source, source, (), remaining, error)
    if not outcome.changed:
        return FixOutcome(path, source, source, (), remaining)
    try:
        fixed = write_cells(source, cell_sources(notebook, outcome.fixed.decode("utf-8")))
    except ValueError as error:
        return FixOutcome(path, source, source, (), remaining, FileError(path, f"cannot write the fixed cells back: {error}"))
    return FixOutcome(path, source, fixed, applied, remaining)
