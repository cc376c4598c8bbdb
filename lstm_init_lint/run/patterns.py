"""Gitignore-style patterns (pathspec), the one syntax for every path option:
``exclude``, ``extend-exclude``, ``per-file-ignores`` and ``.gitignore``.

A pattern is matched against the path relative to a root directory (the
configuration file's, or the ``.gitignore``'s); a pattern without a slash
matches a name at any depth, as in git.
"""

from __future__ import annotations

import os
import re
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
    return matches_relative(patterns, relative + "/" if is_dir else relative)


def matches_relative(patterns: tuple[str, ...], relative: str) -> bool:
    """Whether ``patterns`` exclude ``relative`` (a directory ends with ``/``)."""
    names = _directory_names(patterns)
    if names is not None:
        # As pathspec normalises the path, then: some directory in it has one of the names.
        if relative.startswith("/"):
            relative = relative[1:]
        elif relative.startswith("./"):
            relative = relative[2:]
        return not names.isdisjoint(relative.split("/")[:-1])
    any_of = _any_of(patterns)
    if any_of is None:
        return compile_patterns(patterns).match_file(relative)
    from pathspec.util import normalize_file

    return any_of.search(normalize_file(relative)) is not None


_DIRECTORY_NAME = re.compile(r"(?!\.+/)[\w.-]+/")


@lru_cache(maxsize=512)
def _directory_names(patterns: tuple[str, ...]) -> frozenset[str] | None:
    """The names when every pattern is a plain directory name (``build/``,
    ``.venv/``: the default excludes), which match a path exactly when one
    of its directories has that name: a set lookup, with no pathspec to
    import and no expressions to compile. None for any other patterns."""
    if not all(_DIRECTORY_NAME.fullmatch(pattern) for pattern in patterns):
        return None
    return frozenset(pattern[:-1] for pattern in patterns)


_GROUP = re.compile(r"\(\?P<\w+>")


@lru_cache(maxsize=512)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regular expression for all of ``patterns`` when none re-includes
    (``!``): then a path is excluded exactly when some pattern matches it,
    and one search replaces one per pattern (a walk asks for every entry).
    None when that does not hold, and pathspec answers."""
    used = [pattern for pattern in compile_patterns(patterns).patterns if pattern.include is not None]
    if not all(pattern.include for pattern in used):
        return None
    regexes = [pattern.regex for pattern in used]
    if not regexes:
        return re.compile(r"(?!)")
    texts = [regex.pattern for regex in regexes]
    if len({regex.flags for regex in regexes}) != 1 or not all(isinstance(text, str) and "(?P=" not in text for text in texts):
        return None
    # Group names (pathspec marks directories with one) would repeat.
    return re.compile("|".join(f"(?:{_GROUP.sub('(?:', text)})" for text in texts), regexes[0].flags)


def check(patterns: tuple[str, ...], relative: str) -> bool | None:
    """True if the last matching pattern excludes ``relative``, False if it
    re-includes it (``!pattern``), None if none matches."""
    return compile_patterns(patterns).check_file(relative).include
