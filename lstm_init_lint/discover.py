"""Paths on the command line to the files to lint."""

from __future__ import annotations

import os
from pathlib import Path

from .model import FileError

# The directories a walk never enters (ruff's defaults, plus our cache).
DEFAULT_EXCLUDES = frozenset(
    {
        ".bzr",
        ".direnv",
        ".eggs",
        ".git",
        ".git-rewrite",
        ".hg",
        ".ipynb_checkpoints",
        ".mypy_cache",
        ".nox",
        ".pants.d",
        ".pyenv",
        ".pytest_cache",
        ".pytype",
        ".ruff_cache",
        ".svn",
        ".tox",
        ".venv",
        ".vscode",
        "__pypackages__",
        "__pycache__",
        "_build",
        "buck-out",
        "build",
        "dist",
        "node_modules",
        "site-packages",
        "venv",
        ".lstm_init_lint_cache",
    }
)


def discover(paths: list[str]) -> tuple[list[str], list[FileError]]:
    """Files named explicitly are always linted; directories are walked for
    ``*.py`` files, skipping ``DEFAULT_EXCLUDES`` and not following
    symbolic links to directories (so a link loop cannot trap the walk)."""
    files: list[str] = []
    errors: list[FileError] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = list(_walk(path))
        elif path.is_file():
            found = [str(path)]
        elif path.is_symlink():
            errors.append(FileError(str(path), "broken symbolic link"))
            continue
        else:
            errors.append(FileError(str(path), "no such file or directory"))
            continue
        for name in found:
            if name not in seen:
                seen.add(name)
                files.append(name)
    return files, errors


def _walk(root: Path):
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in DEFAULT_EXCLUDES and not os.path.islink(os.path.join(directory, d)))
        for filename in sorted(filenames):
            if filename.endswith(".py"):
                full = os.path.join(directory, filename)
                if os.path.isfile(full):
                    yield full
