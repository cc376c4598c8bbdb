"""A file's bytes, or why they cannot be had.

Bytes, never text in the locale's encoding: ``source`` decodes them the way
Python does. Kept apart from ``files`` (the atomic writer), whose imports a
run that only reads does not pay for.
"""

from __future__ import annotations

import os

from ..model import FileError


def read_source(path: str) -> bytes | FileError:
    """``path``'s bytes, or a ``FileError``: too large to read, a directory, unreadable."""
    try:
        # The limit on what libcst parses applies later, and only to files
        # that may hold a cell (``source.limits.skip_reason``): a large
        # data-only module is passed over like any other. This bound keeps
        # memory sane.
        from ..source.limits import too_large_to_read

        large = too_large_to_read(path, os.stat(path).st_size)
        if large is not None:
            return large
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        return FileError(path, "is a directory")
    except OSError as error:
        return FileError(path, f"cannot read: {error.strerror or error}")
