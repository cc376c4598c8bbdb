"""Python 2 sources: the research code of 2016-2018 that was never ported.

A file whose Python 3 parse fails is read again with a Python 2 grammar
(``grammar``: the standard library's ``lib2to3``, or its maintained copy
``fissix`` where ``lib2to3`` is gone). When that grammar accepts it, each
Python 2-only token is rewritten into Python 3 on its own line
(``translate``): ``print x`` becomes ``print( x)``, ``except E, e`` becomes
``except E as e``, ``0777`` becomes ``0o777``... Lines never move, and
``positions`` maps every column of the translation back to the file, so the
analysis, its findings and the fix's edits are those of any Python 3 file,
placed in the original bytes. An edit that would touch a rewritten token is
refused with a reason. A file that is neither Python 3 nor Python 2 keeps
its Python 3 error.

    read_python2      the Python 2 reading of a file's bytes, or None
    parse_python2     that reading and its translation's libcst module, or None

A Python 3 file never reaches this package: every entry point is called
only after Python 3 refused the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import FileError
from .positions import Python2Reading
from .translate import read_text

if TYPE_CHECKING:
    import libcst as cst

PYTHON2 = 2  # the value of ``FileResult.python`` / ``Finding.python`` for such a file


def worth_trying(error: FileError) -> bool:
    """Whether Python 3's refusal could be Python 2 code: a syntax error,
    not bytes that do not decode nor nesting beyond Python's limits."""
    from ..limits import _nesting_limit

    return error.message.startswith("syntax error") and not _nesting_limit(error.message)


def read_python2(source: bytes) -> Python2Reading | None:
    """The file as Python 2, translated, or None when the Python 2 grammar
    refuses it or its translation is not Python 3 either."""
    text_and_encoding = decoded(source)
    if text_and_encoding is None:
        return None
    encoding, text = text_and_encoding
    return read_text(text, encoding)


def parse_python2(source: bytes, path: str, python3_error: FileError) -> tuple["cst.Module", Python2Reading] | None:
    """For a file Python 3 refused with ``python3_error``: its Python 2
    reading and the libcst module of the translation (which went through
    every check ``parse.parse`` makes), or None."""
    from ..parse import parse

    if not worth_trying(python3_error):
        return None
    reading = read_python2(source)
    if reading is None:
        return None
    module = parse(reading.translated_source, path)
    if isinstance(module, FileError):
        return None
    return module, reading


def refusal(source: bytes, path: str) -> FileError | None:
    """For a notebook whose kernel is Python 2 and whose code neither
    language reads: where the Python 2 grammar stops, which is the cell
    to blame (Python 3 stops at the first ``print x``, valid to that kernel)."""
    import ast

    from ..syntax import compile_error
    from .translate import read_text, refusal_place

    text_and_encoding = decoded(source)
    if text_and_encoding is None:
        return None
    encoding, text = text_and_encoding
    reading = read_text(text, encoding)
    if reading is not None:  # the grammar reads it; Python 3 refuses the translation: where
        error = compile_error(reading.translated_source, path, ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        if error is None or error.line is None:
            return None
        column = reading.original_column(error.line, error.column, "start") if error.column else None
        return FileError(path, error.message, error.line, column)
    place = refusal_place(text)
    if place is None:
        return None
    return FileError(path, "syntax error: invalid syntax (as Python 2)", place[0], place[1] + 1)


def decoded(source: bytes) -> tuple[str, str] | None:
    """(encoding, text) as Python (and libcst) decode the bytes."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return encoding, source.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


__all__ = ["PYTHON2", "Python2Reading", "decoded", "parse_python2", "read_python2", "worth_trying"]
