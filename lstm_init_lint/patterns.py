"""Gitignore-style patterns (pathspec), the one syntax for every path option:
``exclude``, ``extend-exclude``, ``per-file-ignores`` and ``.gitignore``.

A pattern is matched against the path relative to a root directory (the
configuration file's, or the ``.gitignore``'s); a pattern without a slash
matches a name at any depth, as in git.
"""

from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=512)
def compile_patterns(patterns: tuple[str, ...]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def relative_to(path: str, root: str | None) -> str:
    """``path`` relative to ``root`` (default: the working directory) in
    git's form (forward slashes). A path outside ``root`` is taken relative
    to the deepest directory holding both, so a pattern without a slash
    (``build/``) still matches inside it, and an anchored one (``/x.py``)
    cannot."""
    absolute = os.path.abspath(path)
    base = os.path.abspath(root) if root else os.getcwd()
    try:
        common = os.path.commonpath([absolute, base])
    except ValueError:  # different drives
        common = os.path.splitdrive(absolute)[0] + os.sep
    relative = os.path.relpath(absolute, base if common == base else common)
    return relative.replace(os.sep, "/")


def matches(patterns: tuple[str, ...], path: str, root: str | None, is_dir: bool = False) -> bool:
    if not patterns:
        return False
    relative = relative_to(path, root)
    return compile_patterns(patterns).match_file(relative + "/" if is_dir else relative)


def check(patterns: tuple[str, ...], relative: str) -> bool | None:
    """True if the last matching pattern excludes ``relative``, False if it
    re-includes it (``!pattern``), None if none matches."""
    return compile_patterns(patterns).check_file(relative).include
