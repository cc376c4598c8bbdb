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


def lint_stdin(source: bytes, name: str, settings_for: Callable[[str], Settings], force_exclude: bool = False, plan_fixes: bool = False) -> RunResult:
    from ..engine import lint_source
    from ..run.exclusion import Exclusion

    if force_exclude and Exclusion(settings_for).excluded(name):
        return RunResult()
    from ..run.resolve import disk_modules

    # The buffer's imports are read from disk, beside the file it stands for.
    result = lint_source(source, name, settings_for(name), disk_modules(), plan_fixes=plan_fixes)
    if plan_fixes:
        from dataclasses import replace

        from ..fix import refused_elsewhere

        result = replace(result, findings=tuple(refused_elsewhere(f) for f in result.findings))
    return RunResult((result,))


def fix_stdin(source: bytes, name: str, settings_for: Callable[[str], Settings], force_exclude: bool = False):
    """``--fix`` / ``--diff`` on standard input, as editors use it: the
    ``fix.FixOutcome`` of ``engine.fix_source`` (a notebook too, by
    ``name``), or None when the excludes skip ``name`` (the source then goes
    back unchanged). Printing and the exit code are the command line's."""
    from ..engine import fix_source
    from ..run.exclusion import Exclusion

    if force_exclude and Exclusion(settings_for).excluded(name):
        return None
    from dataclasses import replace

    from ..fix import refused_elsewhere
    from ..run.resolve import disk_modules

    outcome = fix_source(source, name, settings_for(name), disk_modules())
    # Only the buffer goes back to the editor: a fix in a module it imports is not written.
    return replace(outcome, remaining=tuple(refused_elsewhere(f) for f in outcome.remaining))
