"""One file's source from standard input, as an editor sends it
(``lstm-init-lint --stdin-filename path.py -``).

``name`` stands for the file everywhere: its settings (nearest configuration,
``per-file-ignores``), whether it is a notebook, and, with
``force_exclude``, whether the excludes skip it (then nothing is linted, as
ruff does, so an editor can pass every buffer).
"""

from __future__ import annotations

from typing import Callable

from .model import RunResult, Settings


def lint_stdin(source: bytes, name: str, settings_for: Callable[[str], Settings], force_exclude: bool = False) -> RunResult:
    from .api import lint_source
    from .exclusion import Exclusion

    if force_exclude and Exclusion(settings_for).excluded(name):
        return RunResult()
    return RunResult((lint_source(source, name, settings_for(name)),))
