"""Bytes to a libcst module, or a one-line reason why not.

Source is read as bytes and decoded the way Python does (PEP 263 coding
cookie, UTF-8 BOM, UTF-8 by default), never in the locale's encoding.
``limits.check`` runs Python's own parser first, so that nothing libcst
cannot survive (deep nesting, a huge file) ever reaches it.
"""

from __future__ import annotations

import libcst as cst

from ..model import FileError
from .syntax import unreadable


def parse(source: bytes, path: str) -> cst.Module | FileError:
    from .limits import check

    bad_bytes = unreadable(source, path)
    if bad_bytes is not None:
        return bad_bytes
    refused = check(source, path)
    if refused is not None:
        return refused
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return _syntax_error(source, path, error)
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        return FileError(path, f"cannot decode the file as {error.encoding}: byte 0x{source[error.start]:02x} is not valid", line)
    except (LookupError, SyntaxError) as error:
        return FileError(path, f"cannot decode the file: {error}")
    except RecursionError:
        return FileError(path, "the code is nested too deeply to parse")


def source_text(source: bytes, module: cst.Module) -> str:
    """``module.code`` without generating it: libcst round-trips the source
    exactly, so its text is the source decoded (``utf-8-sig`` drops a BOM).
    Generating it costs as much as a second parse and recurses as deep as
    the tree (2,000 implicitly joined strings exhaust Python's stack)."""
    return source.decode(module.encoding)


def _syntax_error(source: bytes, path: str, error: cst.ParserSyntaxError) -> FileError:
    """Python's own message and place where it has one (``Missing
    parentheses in call to 'print'`` for Python 2 code), else libcst's."""
    from .limits import python_parse

    python_accepts = False
    try:
        python_parse(source, path)
        python_accepts = True
    except SyntaxError as python_error:
        return FileError(path, f"syntax error: {python_error.msg}", python_error.lineno, python_error.offset)
    except (ValueError, RecursionError, MemoryError):
        pass
    reason = str(error.message).split("\n")[0].removeprefix("parser error: ")
    if reason.startswith("error at "):
        reason = reason.split(": ", 1)[-1]
    if python_accepts:
        return FileError(path, f"libcst cannot parse this file, although Python can: {reason}", error.raw_line, error.raw_column + 1)
    return FileError(path, f"syntax error: {reason}", error.raw_line, error.raw_column + 1)
