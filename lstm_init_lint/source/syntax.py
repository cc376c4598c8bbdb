"""Python's own checks on a file's bytes, cheap and libcst-free: before
libcst sees a file (``parse``), and for the clearest message when libcst
refuses one (``Missing parentheses in call to 'print'`` for Python 2 code).
Files the pre-filter or the structural gate pass over get none of them.

    unreadable     a NUL byte or bytes that do not decode as Python would
                   decode them (PEP 263 cookie, UTF-8 BOM, else UTF-8)
    compile_error  Python's compiler, on source or on Python's tree
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

from ..model import FileError


def compile_error(code: bytes | ast.Module, path: str, flags: int = 0) -> FileError | None:
    """Why Python's compiler refuses ``code`` (source, or the tree Python's
    parser made of it), as a one-line error; nothing is executed. Its
    warnings (``invalid escape sequence``) are about the user's code, not
    ours to print."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, path, "exec", flags=flags, dont_inherit=True)
    except SyntaxError as error:
        return FileError(path, f"syntax error: {error.msg}", error.lineno or None, error.offset or None)
    except (MemoryError, RecursionError):
        return FileError(path, TOO_DEEP_FOR_PYTHON)
    except ValueError as error:
        return FileError(path, f"cannot parse: {error}")
    return None


TOO_DEEP_FOR_PYTHON = "the code is nested too deeply to parse (Python's own parser refuses it)"


def unreadable(source: bytes, path: str) -> FileError | None:
    """A NUL byte, or the first byte that does not decode, with its line;
    None when Python could read the text."""
    if b"\x00" in source:
        line = source[: source.index(b"\x00")].count(b"\n") + 1
        return FileError(path, "source contains a NUL byte", line)
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
