"""What a directory walk skips: the configured excludes and ``.gitignore``.

Excludes (``exclude``, by default ``DEFAULT_EXCLUDES`` below, plus
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
from typing import Callable, Collection

from ..model import Settings
from .patterns import check, matches, matches_relative, relative_to
from .resolve import inside

# The directories a walk skips unless the configuration replaces `exclude`
# (ruff's defaults, plus our cache).
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



@lru_cache(maxsize=1)
def default_exclude() -> tuple[str, ...]:
    # A trailing slash: these are directory names, wherever they are.
    return tuple(sorted(f"{name}/" for name in DEFAULT_EXCLUDES))


def exclude_patterns(settings: Settings) -> tuple[str, ...]:
    base = default_exclude() if settings.exclude is None else settings.exclude
    return base + settings.extend_exclude


class Exclusion:
    """A walk asks about every entry of every directory, so what depends only
    on the directory (its settings' patterns, its path relative to their
    root, the ``.gitignore`` files above it) is worked out once per directory
    and each entry adds its own name: the answers are the same as matching
    each path from scratch."""

    def __init__(self, settings_for: Callable[[str], Settings]) -> None:
        self.settings_for = settings_for
        self.gitignores = GitIgnores()
        self._walk_patterns: dict[tuple[Settings, str], tuple[str, ...]] = {}
        self._prefixes: dict[tuple[str, str | None], str | None] = {}

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        """By the excludes alone (``--force-exclude`` on a named path). A
        pattern that matches a directory matches what it holds."""
        settings = self.settings_for(path)
        return matches(exclude_patterns(settings), path, settings.root, is_dir)

    def entries_skipped(self, directory: str, walk_root: str, names: Collection[str] | None = None) -> Callable[[str, bool], bool]:
        """``skipped(name, is_dir)`` for the entries of ``directory`` in a
        walk from ``walk_root``: skipped by the excludes or ``.gitignore``. A
        directory named on the command line is walked even when they exclude
        it: a pattern that matches the named directory itself (``.venv/``,
        ``site-packages/`` for ``.venv/lib/python3.11/site-packages/tensorflow``)
        does not apply inside it; every other pattern does. ``names``, the
        directory's entries if the caller has listed them, spares looking for
        a ``.gitignore``."""
        absolute = os.path.abspath(directory)
        if names is not None and ".gitignore" not in names:
            self.gitignores.none_in(absolute)
        levels = self.gitignores.levels(absolute, walk_root)
        # A SettingsResolver gives every entry of a directory the same
        # settings; any other ``settings_for`` is asked entry by entry.
        for_directory = getattr(self.settings_for, "for_directory", None)
        shared = self._excludes(for_directory(absolute), absolute, walk_root) if for_directory is not None else None

        def skipped(name: str, is_dir: bool) -> bool:
            settings, patterns, prefix = shared or self._excludes(self.settings_for(os.path.join(absolute, name)), absolute, walk_root)
            entry = name + "/" if is_dir else name
            if patterns:
                relative = prefix + entry if prefix is not None else relative_to(os.path.join(absolute, name), settings.root) + ("/" if is_dir else "")
                if matches_relative(patterns, relative):
                    return True
            for ignore_patterns, ignore_prefix in levels:
                verdict = check(ignore_patterns, ignore_prefix + entry)
                if verdict is not None:
                    return verdict
            return False

        return skipped

    def _excludes(self, settings: Settings, directory: str, walk_root: str) -> tuple[Settings, tuple[str, ...], str | None]:
        """The settings, the exclude patterns that apply in this walk, and
        the prefix of an entry of ``directory`` relative to their root."""
        key = (settings, walk_root)
        patterns = self._walk_patterns.get(key)
        if patterns is None:
            patterns = self._walk_patterns[key] = _not_matching(exclude_patterns(settings), walk_root, settings.root)
        return settings, patterns, self._prefix(directory, settings.root) if patterns else None

    def _prefix(self, directory: str, root: str | None) -> str | None:
        """What ``relative_to`` puts before an entry's name in ``directory``
        (``""`` or ``"a/b/"``), or None when ``directory`` holds ``root``
        (an entry may be ``root`` or above it: ``relative_to`` decides, entry
        by entry)."""
        key = (directory, root)
        if key not in self._prefixes:
            base = os.path.abspath(root) if root else os.getcwd()
            if inside(directory, base):
                self._prefixes[key] = _prefix_below(directory, base)
            elif inside(base, directory):
                self._prefixes[key] = None
            else:
                # Beside the root: relative to the deepest directory holding both.
                try:
                    self._prefixes[key] = _prefix_below(directory, os.path.commonpath([directory, base]))
                except ValueError:  # different drives
                    self._prefixes[key] = None
        return self._prefixes[key]


class GitIgnores:
    """The ``.gitignore`` files met so far, read once each."""

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, ...]] = {}
        self._git_roots: dict[str, str | None] = {}
        self._chains: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}

    def none_in(self, directory: str) -> None:
        """``directory`` has no ``.gitignore`` (its listing says so)."""
        self._patterns.setdefault(os.path.join(directory, ".gitignore"), ())

    def levels(self, directory: str, walk_root: str) -> list[tuple[tuple[str, ...], str]]:
        """The patterns that apply to the entries of ``directory`` (an
        absolute path), nearest first, each with the directory's path
        relative to the patterns' own (``""`` or ``"a/b/"``): the
        ``.gitignore`` files from ``directory`` up to the repository's root
        (or the walk's), then ``.git/info/exclude``. Built on the parent's
        list, which the walk has asked for already."""
        key = (directory, walk_root)
        known = self._chains.get(key)
        if known is not None:
            return known
        git_root = self._git_root(directory)
        top = git_root or os.path.abspath(walk_root)
        patterns = self._read(os.path.join(directory, ".gitignore"))
        if patterns and inside(walk_root, directory):
            patterns = _not_matching(patterns, walk_root, directory)
        levels = [(patterns, "")] if patterns else []
        parent = os.path.dirname(directory)
        if directory == top or parent == directory or not directory.startswith(top):
            if git_root:
                exclude = _not_matching(self._read(os.path.join(git_root, ".git", "info", "exclude")), walk_root, git_root) if inside(walk_root, git_root) else ()
                if exclude:
                    levels.append((exclude, _prefix_below(directory, git_root)))
        else:
            name = os.path.basename(directory) + "/"
            levels.extend((patterns, name_prefix + name) for patterns, name_prefix in self.levels(parent, walk_root))
        self._chains[key] = levels
        return levels

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


def _prefix_below(directory: str, ancestor: str) -> str:
    """``directory`` relative to ``ancestor``, as a prefix for entry names."""
    relative = os.path.relpath(directory, ancestor)
    return "" if relative == "." else _posix(relative) + "/"


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")
