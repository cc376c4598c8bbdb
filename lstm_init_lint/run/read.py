"""A file's bytes, or why they cannot be had.

Bytes, never text in the locale's encoding: ``source`` decodes them the way
Python does. Kept apart from ``files`` (the atomic writer), whose imports a
run that only reads does not pay for.
"""

from __future__ import annotations

import os

from ..model import FileError


def read_source(path: str) -> bytes | FileError:
    """``path``'s bytes, or a ``FileError``: too large, a directory, unreadable."""
    try:
        if not path.endswith(".ipynb"):  # a notebook's limit is on its code cells, once read
            from ..source.limits import too_large

            large = too_large(path, os.stat(path).st_size)
            if large is not None:
                return large
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        return FileError(path, "is a directory")
    except OSError as error:
        return FileError(path, f"cannot read: {error.strerror or error}")
