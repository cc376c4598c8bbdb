"""The console script's start: a commit's files that cannot hold a cell are
settled before anything else is imported.

A pre-commit hook starts ``lstm-init-lint --force-exclude FILES`` on every
commit, and most commits touch no recurrent cell. So when the command is a
plain lint of ``.py`` files (no flag but ``--force-exclude``, ``--no-cache``
and ``--exit-zero``), each file is read and given to the byte pre-filter
first; if it passes over every one, the run prints the summary and exits 0
without importing the argument parser, the configuration, the data types,
the cache or the runner (nor ``dataclasses``, ``inspect``, ``pathlib``,
``typing`` or ``re``: ``tests/test_lean_start.py`` lists what it imports).
Any other command, and any file the pre-filter keeps or cannot read, goes to
``cli.main`` unchanged, which reads it again.

Reading no configuration is sound here: settings choose rules and excludes,
and a file that cannot hold a cell has no finding under any of them. An
excluded file is then counted as passed over rather than left out, and a
broken configuration file is reported by the first run that checks a file.
"""

from __future__ import annotations

import os
import sys

_PLAIN_FLAGS = frozenset({"--force-exclude", "--no-cache", "--exit-zero"})
_READ_LIMIT = 256 << 20  # source.limits.MAX_READ_BYTES: a larger file is the reader's error to report


def run() -> None:
    """The console script: ``lstm-init-lint``."""
    arguments = sys.argv[1:]
    settled = passed_over_summary(arguments)
    if settled is not None:
        sys.stdout.write(settled + "\n")
        sys.stdout.flush()
        sys.exit(0)
    from .cli import lint_command_line

    sys.exit(lint_command_line(arguments))


def passed_over_summary(arguments: list[str]) -> str | None:
    """The summary line when ``arguments`` lint only ``.py`` files that the
    pre-filter passes over; None when the full command line must decide."""
    paths = []
    for argument in arguments:
        if argument in _PLAIN_FLAGS:
            continue
        if argument.startswith("-") or not argument.endswith(".py"):
            return None
        paths.append(argument)
    if not paths or len({os.path.realpath(path) for path in paths}) < len(paths):
        return None  # the walk decides what a repeated name counts as
    from ..run.prefilter import may_hold_cell

    for path in paths:
        try:
            if not os.path.isfile(path) or os.path.getsize(path) > _READ_LIMIT:
                return None  # a directory, a pipe (which would block), a missing file: the full run says what it is
            with open(path, "rb") as handle:
                source = handle.read()
        except (OSError, ValueError):
            return None
        if may_hold_cell(source):
            return None
    from ..output.words import nothing_to_check

    return nothing_to_check(len(paths)) + "."
