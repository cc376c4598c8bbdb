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
from typing import Callable

from .model import Settings
from .patterns import check, matches


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
        return self.excluded(path, is_dir) or self.gitignores.ignored(path, is_dir, walk_root)


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
            if patterns:
                verdict = check(patterns, _posix(os.path.relpath(path, directory)) + suffix)
                if verdict is not None:
                    return verdict
            parent = os.path.dirname(directory)
            if directory == top or parent == directory or not path.startswith(top):
                break
            directory = parent
        if git_root:
            patterns = self._read(os.path.join(git_root, ".git", "info", "exclude"))
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


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")
