"""New sources for some code cells, written back into the notebook with
everything else kept: outputs, execution counts, cell and notebook
metadata, attachments, and every untouched cell exactly as it was stored.

The file is written the way Jupyter writes it (nbformat: one-space indent,
sorted keys, non-ASCII kept), so a notebook saved by Jupyter changes only in
the rewritten cells' ``source``. ``--fix`` calls ``write_cells``; a fixer
that rewrote the notebook's module (``read.NotebookModule``) gets the new
cell sources from ``cell_sources``.
"""

from __future__ import annotations

import difflib
import json
from typing import Mapping

from .read import NotebookModule, _lines


def write_cells(notebook: bytes, new_sources: Mapping[int, str]) -> bytes:
    """``notebook`` with the code cells in ``new_sources`` (1-based index
    among all cells, as in ``Finding.notebook_cell``) given new source.
    Raises ValueError for an index that is not a code cell, or a notebook
    older than nbformat 4 (which would have to be converted, not patched)."""
    import nbformat

    text = notebook.decode("utf-8-sig")
    document = json.loads(text)
    if document.get("nbformat", 0) < 4:
        raise ValueError(f"nbformat {document.get('nbformat')} notebooks are not rewritten; convert it first (jupyter nbconvert --to notebook)")
    cells = document.get("cells", [])
    for index, source in new_sources.items():
        if not 1 <= index <= len(cells) or cells[index - 1].get("cell_type") != "code":
            raise ValueError(f"cell {index} is not a code cell of this notebook")
        # Stored as the notebook stores it: a list of lines (Jupyter's way) or one string.
        cells[index - 1]["source"] = source.splitlines(keepends=True) if isinstance(cells[index - 1].get("source"), list) else source
    # split_lines=False: nbformat would otherwise re-split every cell's text,
    # and an untouched cell stored as one string would change.
    out = nbformat.writes(nbformat.from_dict(document), version=nbformat.NO_CONVERT, split_lines=False)
    if text.endswith("\n") and not out.endswith("\n"):
        out += "\n"
    return out.encode("utf-8")


def cell_sources(module: NotebookModule, new_text: str, blank: frozenset[int] = frozenset()) -> dict[int, str]:
    """The cells whose source differs after a fixer rewrote ``module.text``
    (with the cells in ``blank``, those that do not parse, as empty lines):
    index -> new source, with the IPython lines that were masked put back.
    A blanked cell's lines come back as they were. Lines the fixer added go
    to the cell of the line before them (or the first cell, for lines added
    at the top, such as an import)."""
    from .read import module_text

    old_lines = module_text(module.cells, blank).split("\n")[:-1]
    new_lines = new_text.split("\n")
    if new_lines and new_lines[-1] == "":
        new_lines.pop()
    owner = []  # module line (0-based) -> position of its cell in module.cells
    for position, cell in enumerate(module.cells):
        owner.extend([position] * cell.line_count)
    rebuilt: list[list[str]] = [[] for _ in module.cells]
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(a2 - a1):
                position = owner[a1 + offset]
                cell = module.cells[position]
                rebuilt[position].append(_lines(cell.source)[a1 + offset - cell.first_line + 1])
            continue
        if a2 > a1:
            positions = [owner[i] for i in range(a1, a2)]
            # A replaced run stays in its cells line for line; extra new lines join the last one.
            for offset, line in enumerate(new_lines[b1:b2]):
                rebuilt[positions[min(offset, len(positions) - 1)]].append(line)
        elif new_lines[b1:b2]:
            position = owner[a1 - 1] if a1 > 0 else 0
            rebuilt[position].extend(new_lines[b1:b2])
    changed: dict[int, str] = {}
    for position, cell in enumerate(module.cells):
        lines = rebuilt[position]
        source = "\n".join(lines) + ("\n" if cell.source.endswith("\n") and lines else "")
        if source != cell.source:
            changed[cell.index] = source
    return changed
