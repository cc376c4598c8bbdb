"""``--fix`` for a Python 2 file: the edits (placed in the Python 2 text by
``positions``) are applied to it, and the new text must have a Python 2
reading whose translation libcst and Python 3 both parse; else nothing is
written. Every Python 2 construct stays byte for byte as it was."""

from __future__ import annotations

from ..model import Edit, Finding


def checked_edit(code: str, edits: list[Edit], fixable: list[Finding], encoding: str) -> str | None:
    """As ``fix.checked_edit``, for Python 2 text: the code with the edits
    and the imports they need, or None when its Python 2 reading fails."""
    from . import apply_edits

    try:
        new_code = _add_imports(apply_edits(code, edits), fixable, encoding)
        if new_code is None or not reads_as_python2(new_code, encoding):
            return None
        new_code.encode(encoding)
    except Exception:  # noqa: BLE001 - any failure means: do not write
        return None
    return new_code


def reads_as_python2(code: str, encoding: str) -> bool:
    """The Python 2 grammar accepts ``code``, and libcst and Python 3 parse
    its translation: the same reading the analysis makes."""
    import libcst as cst

    from ..source.limits import python_parse
    from ..source.python2.translate import read_text

    reading = read_text(code, encoding)
    if reading is None:
        return False
    try:
        cst.parse_module(reading.translated_source)
        python_parse(reading.translated_source, "<fixed>")
    except Exception:  # noqa: BLE001 - libcst's or Python's refusal: not read
        return False
    return True


def _add_imports(code: str, fixable: list[Finding], encoding: str) -> str | None:
    """``fix._add_imports`` placed through the translation: after the last
    top-level import (found in the translated module), or first."""
    import libcst as cst

    from . import insert_imports, last_import_end
    from ..source.python2.translate import read_text

    lines = sorted({line for f in fixable for line in f.fix.imports})
    if not lines:
        return code
    reading = read_text(code, encoding)
    if reading is None:
        return None
    module = cst.parse_module(reading.translated_source)
    end = last_import_end(module)
    if end is not None:
        end = (end[0], reading.original_column(end[0], end[1], "end"))
    return insert_imports(code, lines, module.default_newline, end)
