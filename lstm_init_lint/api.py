"""The pure core: source in, findings out. No printing, no exit codes.

``lint_source`` never opens a file and ``lint_paths`` only reads them, so
the command line, the tests and the other front ends (the flake8 plugin,
standard input, notebooks) share one path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .model import CellWeight, FileError, FileResult, Finding, RunResult, Settings


def lint_source(source: bytes, path: str, settings: Settings | None = None) -> FileResult:
    """Lint one file's bytes: the findings to report (and to fix), after
    ``select`` / ``ignore``, ``per-file-ignores`` and ``# noqa``. ``path``
    names the file in the results, matches ``per-file-ignores``, and says
    whether the bytes are a notebook (``.ipynb``)."""
    settings = settings or Settings()
    if path.endswith(".ipynb"):
        from .notebooks.lint import lint_notebook

        return lint_notebook(source, path, settings)
    return lint_python(source, path, settings)


def lint_python(source: bytes, path: str, settings: Settings, python2: bool = True) -> FileResult:
    """``lint_source`` for Python source (a ``.py`` file, or a notebook's
    cells as one module): ``detect``, then the one filter (``selection.keep``).
    ``python2``: whether source Python 3 refuses may be read as Python 2."""
    from .selection import keep

    result = detect(source, path, settings, python2)
    return FileResult(path, tuple(keep(result.findings, source, path, settings)), result.error, python=result.python)


def detect(source: bytes, path: str, settings: Settings | None = None, python2: bool = True) -> FileResult:
    """Every finding in one Python file's bytes, nothing filtered: the one
    detector behind the command line and the flake8 plugin (flake8 applies
    its own ``--select`` and ``# noqa``). A file Python 3 refuses is read as
    Python 2 when it is that (``python2``), else the Python 3 error stands."""
    from .analysis import analyse
    from .parse import parse, source_text

    settings = settings or Settings()
    module = parse(source, path)
    reading = None  # the Python 2 reading, for a file only Python 2 reads
    if isinstance(module, FileError):
        from .python2 import parse_python2

        read = parse_python2(source, path, module) if python2 else None
        if read is None:
            return FileResult(path, (), module)
        module, reading = read
    try:
        analysis = analyse(module)
        pairs = findings_for(analysis.weights, path, settings)
        if pairs:
            from .fix.plan import Text, attach_fixes

            text = Text(reading.translated if reading is not None else source_text(source, module))
            findings = attach_fixes(pairs, text, analysis.aliases, analysis.dialect, settings)
        else:
            findings = []
        if reading is not None:
            findings = [reading.to_original(finding) for finding in findings]
    except RecursionError:  # nesting limits.check let through, yet deeper than Python's recursion limit
        return FileResult(path, (), FileError(path, "the code is nested too deeply to analyse"))
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        return FileResult(path, (), FileError(path, f"internal error while analysing ({type(error).__name__}: {error}); please report it"))
    return FileResult(path, tuple(findings), python=3 if reading is None else 2)


def findings_for(weights: tuple[CellWeight, ...], path: str, settings: Settings) -> list[tuple[Finding, CellWeight]]:
    """Each rule's verdict on each weight, as (finding, weight) in report order."""
    from .reference import REFERENCES
    from .rules import RULES

    reference = REFERENCES[settings.reference]
    pairs: list[tuple[Finding, CellWeight]] = []
    for weight in weights:
        for rule in RULES:
            if weight.role not in rule.roles:
                continue
            verdict = rule.check(weight, reference)
            if verdict is not None:
                pairs.append((_finding(path, rule.code, weight, verdict), weight))
    # One finding per weight: weights created by one statement in a loop
    # (p["w_x" + gate]) share a place and differ by instance.
    return sorted(pairs, key=lambda pair: (pair[0].span.line, pair[0].span.column, pair[0].code, pair[0].instance or ""))


def _finding(path: str, code: str, weight: CellWeight, verdict) -> Finding:
    site = weight.site
    return Finding(
        path=path,
        span=site.span,
        code=code,
        role=weight.role,
        weight=site.weight,
        instance=site.instance,
        cell=weight.cell,
        gates=weight.gates,
        current=site.initializer,
        expected=verdict.expected,
        message=verdict.message,
        evidence=weight.evidence,
        certain=weight.certain,
    )


def read_source(path: str) -> bytes | FileError:
    try:
        if not path.endswith(".ipynb"):  # a notebook's limit is on its code cells, once read
            from .limits import too_large

            large = too_large(path, os.stat(path).st_size)
            if large is not None:
                return large
        return Path(path).read_bytes()
    except IsADirectoryError:
        return FileError(path, "is a directory")
    except OSError as error:
        return FileError(path, f"cannot read: {error.strerror or error}")


def fix_paths(
    paths: list[str],
    settings: Settings | None = None,
    write: bool = True,
    *,
    settings_for: Callable[[str], Settings] | None = None,
    force_exclude: bool = False,
) -> list:
    """Fix every file under ``paths`` (notebooks included); write the changed
    ones when ``write``. Returns one ``fix.FixOutcome`` per file, by path."""
    from .discover import discover
    from .files import write_atomically
    from .fix import FixOutcome, fix_source

    settings = settings or Settings()
    settings_for = settings_for or (lambda _path: settings)
    files, errors = discover(paths, settings_for, force_exclude)
    outcomes = [FixOutcome(error.path, b"", b"", (), (), error) for error in errors]
    for path in files:
        source = read_source(path)
        if isinstance(source, FileError):
            outcomes.append(FixOutcome(path, b"", b"", (), (), source))
            continue
        if path.endswith(".ipynb"):
            from .notebooks.fix import fix_notebook

            outcome = fix_notebook(source, path, settings_for(path))
        else:
            outcome = fix_source(source, path, settings_for(path))
        if write and outcome.changed and outcome.error is None:
            try:
                write_atomically(path, outcome.fixed)
            except OSError as error:
                outcome = FixOutcome(path, source, source, (), outcome.remaining, FileError(path, f"cannot write the fixed file: {error.strerror or error}"))
        outcomes.append(outcome)
    outcomes.sort(key=lambda o: o.path)
    return outcomes


def lint_paths(
    paths: list[str],
    settings: Settings | None = None,
    *,
    settings_for: Callable[[str], Settings] | None = None,
    force_exclude: bool = False,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    cache_directory: Path | None = None,
) -> RunResult:
    """Lint files and directories. ``settings_for(path)`` gives each file
    its own settings (its nearest configuration file); without it every file
    gets ``settings``. ``force_exclude`` applies the excludes to files named
    explicitly. ``progress(done, total)`` is told before the first file and
    after each one. ``jobs`` and ``cache_directory``: see ``runner``
    (pre-filter, cache, processes)."""
    from .runner import lint_paths as run

    return run(paths, settings, settings_for=settings_for, force_exclude=force_exclude, progress=progress, jobs=jobs, cache_directory=cache_directory)
