"""Reading and writing source files without losing a byte.

A file is rewritten only through ``write_atomically``: the new bytes go to a
temporary file in the same directory, which then replaces the original in
one ``os.replace``, so a crash leaves either the old file or the new one,
never half of each. The original's permission bits are kept, and a symbolic
link keeps pointing where it did (its target is what gets rewritten). The
bytes themselves come from the fixer, which keeps the encoding, the BOM and
the newline style of the original.
"""

from __future__ import annotations

import difflib
import os
import tempfile


def write_atomically(path: str, data: bytes) -> None:
    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    mode = os.stat(target).st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".lstm-init-lint.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def unified_diff(path: str, before: bytes, after: bytes, encoding: str = "utf-8") -> str:
    """A unified diff of two versions of a file, as ``diff -u`` prints it."""
    old = before.decode(encoding, errors="replace").splitlines(keepends=True)
    new = after.decode(encoding, errors="replace").splitlines(keepends=True)
    before_name, after_name = (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
    lines = difflib.unified_diff(old, new, fromfile=before_name, tofile=after_name)
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
