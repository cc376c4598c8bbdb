"""Reading and writing source files without losing a byte.

A file is rewritten only through ``write_atomically``: the new bytes are
written and flushed to disk in a file with no name (``O_TMPFILE``) in the
target's directory, which is then given a temporary name and, at once,
``os.replace``-d over the original. A crash at any moment leaves either the
old file or the new one, never half of each; a process killed before the
rename leaves nothing behind, since a file without a name vanishes with its
last descriptor. Only the few microseconds between the link and the rename
can leave a named temporary file (``.NAME.PID.RANDOM.lstm-init-lint.tmp``),
and a later ``--fix`` that writes into the same directory removes those
that are clearly abandoned (``STALE_AFTER`` seconds old), never another
run's file in flight. Where ``O_TMPFILE`` is not available (not Linux, or a
file system without it), the temporary file is a named one from
``tempfile.mkstemp``, removed on any error.

The original's permission bits are kept, and a symbolic link keeps pointing
where it did (its target is what gets rewritten). The bytes themselves come
from the fixer, which keeps the encoding, the BOM and the newline style of
the original.
"""

from __future__ import annotations

import difflib
import functools
import os
import secrets
import tempfile
import time

SUFFIX = ".lstm-init-lint.tmp"
STALE_AFTER = 60.0  # seconds: older temporary files of ours are abandoned

SWEEP_EVERY = 10.0  # seconds between two sweeps of one directory in one process

_swept: dict[str, float] = {}


def write_atomically(path: str, data: bytes, new_file_mode: int | None = None) -> None:
    """Replace ``path``'s bytes with ``data``, keeping its permission bits.
    With ``new_file_mode``, a file that does not exist yet is created with
    those bits (the cache's files); without it, it must exist."""
    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        if new_file_mode is None:
            raise
        mode = new_file_mode
    _sweep(directory)
    if not _write_unnamed(target, directory, data, mode):
        _write_named(target, directory, data, mode)


def _write_unnamed(target: str, directory: str, data: bytes, mode: int) -> bool:
    """Write through an ``O_TMPFILE`` file; False when the system has none
    (then nothing was created)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return False
    try:
        fd = os.open(directory, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:  # EOPNOTSUPP, EISDIR (old kernels), EINVAL: no unnamed files here
        return False
    try:
        _write_all(fd, data)
        os.fchmod(fd, mode)
        os.fsync(fd)
        temporary = _temporary_name(target)
        if not _link(fd, temporary):
            return False  # write a named file instead
        try:
            os.replace(temporary, target)
        except BaseException:
            _unlink_quietly(temporary)
            raise
    finally:
        os.close(fd)
    _sync_directory(directory)
    return True


def _link(fd: int, name: str) -> bool:
    """Give the unnamed file ``fd`` the name ``name``: through
    ``/proc/self/fd``, else with ``linkat(AT_EMPTY_PATH)`` (which some
    systems allow where the first is refused)."""
    try:
        os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        return True
    except OSError:
        pass
    linkat = _linkat()
    return linkat is not None and linkat(fd, b"", _AT_FDCWD, os.fsencode(name), _AT_EMPTY_PATH) == 0


_AT_FDCWD, _AT_EMPTY_PATH = -100, 0x1000  # Linux's values


@functools.lru_cache(maxsize=1)
def _linkat():
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).linkat
    except (OSError, AttributeError, ImportError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
    function.restype = ctypes.c_int
    return function


def _write_named(target: str, directory: str, data: bytes, mode: int) -> None:
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=_temporary_name(target, prefix_only=True), suffix=SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        _unlink_quietly(temporary)
        raise
    _sync_directory(directory)


def _temporary_name(target: str, prefix_only: bool = False) -> str:
    prefix = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{os.getpid()}.")
    return prefix if prefix_only else f"{prefix}{secrets.token_hex(6)}{SUFFIX}"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (best effort: not every system can)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sweep(directory: str) -> None:
    """Remove the abandoned temporary files of earlier runs in
    ``directory`` (at most every ``SWEEP_EVERY`` seconds): ours by name, and
    older than ``STALE_AFTER`` seconds, so a concurrent run's file in flight
    is never touched."""
    now = time.time()
    if now - _swept.get(directory, float("-inf")) < SWEEP_EVERY:
        return
    _swept[directory] = now
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(SUFFIX)):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER:
                os.unlink(entry.path)
        except OSError:
            pass


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def unified_diff(path: str, before: bytes, after: bytes, encoding: str = "utf-8") -> str:
    """A unified diff of two versions of a file, as ``diff -u`` prints it."""
    old = before.decode(encoding, errors="replace").splitlines(keepends=True)
    new = after.decode(encoding, errors="replace").splitlines(keepends=True)
    before_name, after_name = (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
    lines = difflib.unified_diff(old, new, fromfile=before_name, tofile=after_name)
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
