"""A progress bar for long runs, on a terminal only.

Shown on standard error when the run covers at least ``MIN_FILES`` files,
both standard output and standard error are terminals, and ``CI`` is not
set (a CI log would fill with redraws). It disappears when the run ends, so
what is left on the screen is the report alone.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping

MIN_FILES = 20


def wanted(total: int, environ: Mapping[str, str] = os.environ) -> bool:
    if total < MIN_FILES or environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    return _isatty(sys.stdout) and _isatty(sys.stderr)


def _isatty(stream) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """``lint_paths(progress=bar)``: ``bar(done, total)``. Use as a context
    manager so the bar is cleared even when the run fails."""

    def __init__(self) -> None:
        self._progress = None
        self._task = None

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            if done != 0 or not wanted(total):
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("lstm-init-lint"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("files"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("lint", total=total)
        self._progress.update(self._task, completed=done)

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
