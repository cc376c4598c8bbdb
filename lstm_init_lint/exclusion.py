"""What a directory walk skips: the configured excludes and ``.gitignore``.

Excludes (``exclude``, by default ``discover.DEFAULT_EXCLUDES``, plus
``extend-exclude``) come from each path's own settings, relative to its
configuration file's directory. ``.gitignore`` files apply the way git
applies them: the deepest file with a matching pattern decides, ``!`` re-
includes, ``.git/info/exclude`` comes last. Inside a git repository every
``.gitignore`` from the repository's root down counts; elsewhere those in
the walked directories.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Callable

from .model import Settings
from .patterns import check, matches, relative_to


def default_exclude() -> tuple[str, ...]:
    from .discover import DEFAULT_EXCLUDES

    # A trailing slash: these are directory names, wherever they are.
    return tuple(sorted(f"{name}/" for name in DEFAULT_EXCLUDES))


def exclude_patterns(settings: Settings) -> tuple[str, ...]:
    base = default_exclude() if settings.exclude is None else settings.exclude
    return base + settings.extend_exclude


class Exclusion:
    def __init__(self, settings_for: Callable[[str], Settings]) -> None:
        self.settings_for = settings_for
        self.gitignores = GitIgnores()

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        """By the excludes alone (``--force-exclude`` on a named path). A
        pattern that matches a directory matches what it holds."""
        settings = self.settings_for(path)
        return matches(exclude_patterns(settings), path, settings.root, is_dir)

    def skipped_in_walk(self, path: str, is_dir: bool, walk_root: str) -> bool:
        """Skipped by the excludes or ``.gitignore``. A directory named on
        the command line is walked even when they exclude it: a pattern that
        matches the named directory itself (``.venv/``, ``site-packages/``
        for ``.venv/lib/python3.11/site-packages/tensorflow``) does not apply
        inside it; every other pattern does."""
        settings = self.settings_for(path)
        patterns = _not_matching(exclude_patterns(settings), walk_root, settings.root)
        return matches(patterns, path, settings.root, is_dir) or self.gitignores.ignored(path, is_dir, walk_root)


class GitIgnores:
    """The ``.gitignore`` files met so far, read once each."""

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, ...]] = {}
        self._git_roots: dict[str, str | None] = {}

    def ignored(self, path: str, is_dir: bool, walk_root: str) -> bool:
        path = os.path.abspath(path)
        directory = os.path.dirname(path)
        git_root = self._git_root(directory)
        top = git_root or os.path.abspath(walk_root)
        suffix = "/" if is_dir else ""
        while True:
            patterns = self._read(os.path.join(directory, ".gitignore"))
            if patterns and _inside(walk_root, directory):
                patterns = _not_matching(patterns, walk_root, directory)
            if patterns:
                verdict = check(patterns, _posix(os.path.relpath(path, directory)) + suffix)
                if verdict is not None:
                    return verdict
            parent = os.path.dirname(directory)
            if directory == top or parent == directory or not path.startswith(top):
                break
            directory = parent
        if git_root:
            patterns = _not_matching(self._read(os.path.join(git_root, ".git", "info", "exclude")), walk_root, git_root) if _inside(walk_root, git_root) else ()
            if patterns:
                return bool(check(patterns, _posix(os.path.relpath(path, git_root)) + suffix))
        return False

    def _read(self, name: str) -> tuple[str, ...]:
        if name not in self._patterns:
            try:
                with open(name, encoding="utf-8", errors="replace") as handle:
                    self._patterns[name] = tuple(handle.read().splitlines())
            except OSError:
                self._patterns[name] = ()
        return self._patterns[name]

    def _git_root(self, directory: str) -> str | None:
        if directory not in self._git_roots:
            parent = os.path.dirname(directory)
            if os.path.exists(os.path.join(directory, ".git")):
                self._git_roots[directory] = directory
            elif parent == directory:
                self._git_roots[directory] = None
            else:
                self._git_roots[directory] = self._git_root(parent)
        return self._git_roots[directory]


def _not_matching(patterns: tuple[str, ...], walk_root: str, base: str | None) -> tuple[str, ...]:
    """``patterns`` (relative to ``base``, default the working directory)
    without those that exclude the walk's root directory or a directory
    above it; re-including ones kept."""
    if not patterns:
        return patterns
    return _without_matching(patterns, os.path.abspath(walk_root), os.path.abspath(base) if base else os.getcwd())


@lru_cache(maxsize=1024)
def _without_matching(patterns: tuple[str, ...], walk_root: str, base: str) -> tuple[str, ...]:
    if relative_to(walk_root, base) == "." or not matches(patterns, walk_root, base, is_dir=True):
        return patterns
    return tuple(p for p in patterns if p.lstrip().startswith("!") or not matches((p,), walk_root, base, is_dir=True))


def _inside(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or below it."""
    path, directory = os.path.abspath(path), os.path.abspath(directory)
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")
