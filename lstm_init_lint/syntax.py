"""Python's own syntax check: cheap (the C parser, no libcst), for files the
pre-filter passes over, and for the clearest message when libcst refuses a
file (``Missing parentheses in call to 'print'`` for Python 2 code)."""

from __future__ import annotations

from .model import FileError


def syntax_error(source: bytes, path: str) -> FileError | None:
    """Python's own syntax check (fast: no libcst), as a one-line error."""
    if b"\x00" in source:
        line = source[: source.index(b"\x00")].count(b"\n") + 1
        return FileError(path, "source contains a NUL byte", line)
    try:
        # Bytecode, not an AST: the C compiler's check without building
        # Python objects (about 3x faster). Nothing is executed.
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as python_error:
        return FileError(path, f"syntax error: {python_error.msg}", python_error.lineno, python_error.offset)
    except (ValueError, RecursionError, MemoryError) as error:
        return FileError(path, f"cannot parse: {error}")
    return None
