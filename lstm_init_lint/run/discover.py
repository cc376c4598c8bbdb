"""Paths on the command line to the files to lint."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..model import FileError, Settings

def discover(
    paths: list[str],
    settings_for: Callable[[str], Settings] | None = None,
    force_exclude: bool = False,
) -> tuple[list[str], list[FileError]]:
    """Files named explicitly are linted (unless ``force_exclude`` and the
    excludes match them); directories are walked for ``*.py`` and ``*.ipynb``
    files, skipping what ``exclusion.Exclusion`` says (the excludes of each
    path's settings and ``.gitignore``), and not following symbolic links to
    directories (so a link loop cannot trap the walk)."""
    from .exclusion import Exclusion

    exclusion = Exclusion(settings_for or (lambda _path: Settings()))
    files: list[str] = []
    errors: list[FileError] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [] if force_exclude and exclusion.excluded(str(path), is_dir=True) else list(_walk(path, exclusion))
        elif path.is_file():
            found = [] if force_exclude and exclusion.excluded(str(path)) else [str(path)]
        else:
            errors.append(FileError(str(path), _why_not_a_file(path)))
            continue
        for name in found:
            if name not in seen:
                seen.add(name)
                files.append(name)
    return files, errors


LINTED_SUFFIXES = (".py", ".ipynb")


def _walk(root: Path, exclusion):
    for directory, dirnames, filenames in os.walk(root):
        skipped = exclusion.entries_skipped(directory, str(root), filenames)
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(directory, d)) and not skipped(d, True))
        for filename in sorted(filenames):
            if filename.endswith(LINTED_SUFFIXES):
                full = os.path.join(directory, filename)
                if os.path.isfile(full) and not skipped(filename, False):
                    yield full


def _why_not_a_file(path: Path) -> str:
    """For a named path that is neither a file nor a directory."""
    import errno

    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if os.path.islink(path):
            return f"broken symbolic link (to {os.readlink(path)})"
        return "no such file or directory" if error.errno == errno.ENOENT else f"cannot read: {error.strerror or error}"
    return "not a regular file or directory"
