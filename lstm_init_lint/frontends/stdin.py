"""One file's source from standard input, as an editor sends it
(``lstm-init-lint --stdin-filename path.py -``).

``name`` stands for the file everywhere: its settings (nearest configuration,
``per-file-ignores``), whether it is a notebook, and, with
``force_exclude``, whether the excludes skip it (then nothing is linted, as
ruff does, so an editor can pass every buffer).
"""

from __future__ import annotations

from typing import Callable

from ..model import RunResult, Settings


def lint_stdin(source: bytes, name: str, settings_for: Callable[[str], Settings], force_exclude: bool = False) -> RunResult:
    from ..engine import lint_source
    from ..run.exclusion import Exclusion

    if force_exclude and Exclusion(settings_for).excluded(name):
        return RunResult()
    from ..run.resolve import disk_modules

    # The buffer's imports are read from disk, beside the file it stands for.
    return RunResult((lint_source(source, name, settings_for(name), disk_modules()),))


def fix_stdin(source: bytes, name: str, settings_for: Callable[[str], Settings], force_exclude: bool, diff: bool, exit_zero: bool) -> int:
    """``--fix`` on standard input, as editors use it: the fixed source on
    standard output (or, with ``--diff``, the diff), the report on standard
    error. Returns the exit code."""
    import sys

    from ..run.exclusion import Exclusion
    from ..run.files import unified_diff
    from ..engine import fix_source
    from ..output.report import fix_text

    if force_exclude and Exclusion(settings_for).excluded(name):
        sys.stdout.buffer.write(source)
        return 0
    if name.endswith(".ipynb"):
        from ..engine import fix_notebook

        outcome = fix_notebook(source, name, settings_for(name))
    else:
        from ..run.resolve import disk_modules

        outcome = fix_source(source, name, settings_for(name), disk_modules())
    if diff:
        sys.stdout.write(unified_diff(name, outcome.original, outcome.fixed, outcome.encoding))
    else:
        sys.stdout.buffer.write(outcome.fixed)
    sys.stderr.write(fix_text([outcome], written=not diff) + "\n")
    if outcome.error is not None:
        sys.stderr.write(outcome.error.render() + "\n")
        return 2
    left = bool(outcome.remaining) or (diff and outcome.changed)
    return 1 if left and not exit_zero else 0
