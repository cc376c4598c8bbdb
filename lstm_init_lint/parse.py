"""Bytes to a libcst module, or a one-line reason why not.

Source is read as bytes and decoded the way Python does (PEP 263 coding
cookie, UTF-8 BOM, UTF-8 by default), never in the locale's encoding.
``limits.check`` runs Python's own parser first, so that nothing libcst
cannot survive (deep nesting, a huge file) ever reaches it.
"""

from __future__ import annotations

import io
import re
import tokenize

import libcst as cst

from .model import FileError


def parse(source: bytes, path: str) -> cst.Module | FileError:
    from .limits import check

    if b"\x00" in source:
        line = source[: source.index(b"\x00")].count(b"\n") + 1
        return FileError(path, "source contains a NUL byte", line)
    undecodable = _decoding_error(source, path)
    if undecodable is not None:
        return undecodable
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


def _decoding_error(source: bytes, path: str) -> FileError | None:
    """Why the bytes do not decode as Python would decode them, with the
    line of the first bad byte; None when they do."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as error:
        if source.startswith(b"\xef\xbb\xbf"):
            return FileError(path, "cannot decode the file: it starts with a UTF-8 byte order mark but its coding cookie names another encoding")
        if "unknown encoding" in str(error):
            return FileError(path, f"cannot decode the file: {error}", _cookie_line(source))
        encoding = "utf-8"  # no usable cookie, and the first lines are not UTF-8
    try:
        source.decode(encoding)
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        shown = "utf-8" if encoding == "utf-8-sig" else encoding
        return FileError(path, f"cannot decode the file as {shown}: byte 0x{source[error.start]:02x} is not valid", line)
    except LookupError as error:
        return FileError(path, f"cannot decode the file: {error}")
    return None


def _cookie_line(source: bytes) -> int | None:
    """The line (1 or 2) of the PEP 263 coding cookie."""
    for number, line in enumerate(source.splitlines()[:2], 1):
        if _COOKIE.match(line):
            return number
    return None


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]")


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
