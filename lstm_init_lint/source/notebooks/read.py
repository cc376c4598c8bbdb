"""``.ipynb`` bytes to the module the kernel would run, or a clear error.

The module is the code cells' masked sources (``magics.mask``), one after
the other; ``NotebookModule.locate`` maps a module line back to its cell.
"""

from __future__ import annotations

import bisect
import json
import warnings
from dataclasses import dataclass

from ...model import FileError
from .magics import mask


@dataclass(frozen=True)
class CodeCell:
    index: int  # 1-based, among all of the notebook's cells (markdown too)
    first_line: int  # where the cell starts in the module, 1-based
    source: str  # as written
    masked: str  # as analysed: same lines, IPython syntax replaced

    @property
    def line_count(self) -> int:
        return len(_lines(self.source))


@dataclass(frozen=True)
class NotebookModule:
    cells: tuple[CodeCell, ...]
    python2: bool = False  # its kernel is Python 2 (``python2_kernel``)

    @property
    def text(self) -> str:
        return module_text(self.cells)

    def locate(self, line: int) -> tuple[CodeCell, int] | None:
        """The cell holding module line ``line``, and the line within it."""
        starts = [cell.first_line for cell in self.cells]
        position = bisect.bisect_right(starts, line) - 1
        if position < 0:
            return None
        cell = self.cells[position]
        within = line - cell.first_line + 1
        return (cell, within) if within <= cell.line_count else None


def _lines(source: str) -> list[str]:
    lines = source.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def module_text(cells, blank: frozenset[int] = frozenset()) -> str:
    """The cells' masked lines in order; the cells in ``blank`` (by index)
    as empty lines, so the others keep their places."""
    lines: list[str] = []
    for cell in cells:
        # mask() keeps the source's lines, so cut at the source's count: a
        # masked last line is empty and must not read as a final newline.
        masked = cell.masked.split("\n")[: cell.line_count]
        lines.extend([""] * len(masked) if cell.index in blank else masked)
    return "\n".join(lines) + "\n"


def read_notebook(source: bytes, path: str) -> NotebookModule | FileError:
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        return FileError(path, f"not a notebook: cannot decode the file as UTF-8 (byte 0x{source[error.start]:02x})", line)
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return FileError(path, f"not a notebook: invalid JSON: {error.msg}", error.lineno, error.colno)
    import nbformat

    try:
        with warnings.catch_warnings():
            # nbformat warns about, and repairs, missing cell ids; neither matters for reading.
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4, capture_validation_error={})
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for a malformed file
        return FileError(path, f"not a notebook: {error}")
    raw_cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(raw_cells, list):
        return FileError(path, "not a notebook: it has no list of cells")
    cells: list[CodeCell] = []
    next_line = 1
    for index, raw in enumerate(raw_cells, 1):
        if not isinstance(raw, dict) or raw.get("cell_type") != "code":
            continue
        source_text = raw.get("source", "")
        if isinstance(source_text, list):
            source_text = "".join(source_text)
        if not isinstance(source_text, str):
            return FileError(path, f"not a notebook: cell {index} has no source text", notebook_cell=index)
        masked = mask(source_text)
        cell = CodeCell(index, next_line, source_text, masked)
        cells.append(cell)
        next_line += cell.line_count
    return NotebookModule(tuple(cells), python2_kernel(notebook.get("metadata")))


def python2_kernel(metadata) -> bool:
    """Whether the notebook's metadata names a Python 2 kernel: its
    ``language_info.version`` (``2.7.15``), else ``kernelspec`` (``python2``,
    language ``python``)."""
    if not isinstance(metadata, dict):
        return False
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("version"), str) and info["version"].strip():
        return info["version"].strip().startswith("2")
    spec = metadata.get("kernelspec")
    if not isinstance(spec, dict) or str(spec.get("language", "python")).lower() != "python":
        return False
    return str(spec.get("name", "")).lower() in ("python2", "python2.7") or "python 2" in str(spec.get("display_name", "")).lower()
