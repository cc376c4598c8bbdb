"""The plain lint, the command pre-commit runs on every commit, without the
command-line framework.

typer (click, and the pydantic it coerces options with) takes several
times as long to import as Python takes to start, and a hook that lints one
staged file pays that on every commit. So the console script looks at its
arguments first: when they are only paths and the few switches the hooks
pass (``--force-exclude``, ``--no-cache``, ``--exit-zero``, ``--fix``,
``--diff``), it runs ``lint_files`` or ``fix_files`` below directly; anything else
(another flag, a command name, ``-`` for standard input, ``--help``) goes to
``cli``, which calls the same two functions, so both spellings print the
same.
"""

from __future__ import annotations

import sys
from typing import Callable, Sequence

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# ``echo(text, err=False, nl=True)``, as ``typer.echo``.
Echo = Callable[..., None]

# The switches this path understands, and the keyword each sets.
_SWITCHES = {"--force-exclude": "force_exclude", "--no-cache": "no_cache", "--exit-zero": "exit_zero", "--fix": "fix", "--diff": "diff"}
# Command names ``cli`` dispatches on; a path spelled like one goes there too.
_COMMANDS = frozenset({"check", "rules", "explain", "verify"})


def plain_arguments(argv: Sequence[str]) -> tuple[list[str], dict[str, bool]] | None:
    """The paths and switches of a plain lint, or None when ``argv`` asks
    for anything else (and ``cli`` must parse it)."""
    paths: list[str] = []
    switches = dict.fromkeys(_SWITCHES.values(), False)
    for argument in argv:
        if argument in _SWITCHES:
            switches[_SWITCHES[argument]] = True
        elif argument.startswith("-") or not argument:
            return None
        else:
            paths.append(argument)
    if paths and paths[0] in _COMMANDS:
        return None
    return paths, switches


def lint_files(
    names: list[str],
    *,
    settings_for,
    output_format: str = "text",
    force_exclude: bool = False,
    jobs: int | None = None,
    no_cache: bool = False,
    statistics: bool = False,
    exit_zero: bool = False,
    echo: Echo | None = None,
) -> int:
    """Lint ``names`` (the current directory if none), print the report and
    return the exit code."""
    from .run.runner import lint_paths
    from .run.cache import default_directory
    from .output.progress import ProgressBar
    from .run.runner import default_jobs

    with ProgressBar() as progress:
        result = lint_paths(
            names or ["."],
            settings_for=settings_for,
            force_exclude=force_exclude,
            progress=progress,
            jobs=jobs or default_jobs(),
            cache_directory=None if no_cache else default_directory(),
        )
    return report(result, output_format=output_format, statistics=statistics, exit_zero=exit_zero, echo=echo)


def report(result, *, output_format: str = "text", statistics: bool = False, exit_zero: bool = False, echo: Echo | None = None) -> int:
    """Print ``result`` (the findings in ``output_format``, or the counts per
    rule) and any file errors; return the exit code."""
    echo = echo or _echo
    if statistics:
        from .output import statistics as stats

        echo(stats.json_statistics(result) if output_format == "json" else stats.text(result))
    else:
        from .output.colour import wanted
        from .output.formats import render

        text = render(result, output_format, colour=output_format == "text" and wanted(sys.stdout))
        if text:
            echo(text)
    if result.errors:
        from .output.report import errors

        echo(errors(result), err=True)
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings and not exit_zero else EXIT_CLEAN


def fix_files(
    targets: list[str],
    *,
    settings_for,
    output_format: str = "text",
    write: bool = True,
    force_exclude: bool = False,
    exit_zero: bool = False,
    echo: Echo | None = None,
    verify: Callable[[list], bool] | None = None,
) -> int:
    """Fix ``targets`` (or, without ``write``, print the diff), print what
    changed and what was left, and return the exit code (0 for what is
    left with ``exit_zero``). ``verify(outcomes)`` checks the fixed files
    and says whether any failed."""
    from .run.runner import fix_paths
    from .run.files import unified_diff
    from .output.report import fix_json, fix_text

    echo = echo or _echo
    outcomes = fix_paths(targets or ["."], write=write, settings_for=settings_for, force_exclude=force_exclude)
    if not write and output_format == "text":
        for outcome in outcomes:
            if outcome.changed:
                echo(unified_diff(outcome.path, outcome.original, outcome.fixed, outcome.encoding), nl=False)
    echo(fix_json(outcomes) if output_format == "json" else fix_text(outcomes, written=write))
    problems = verify(outcomes) if verify is not None else False
    failed = [o.error for o in outcomes if o.error is not None]
    if failed:
        echo("\n".join(error.render() for error in failed), err=True)
        return EXIT_ERROR
    left = any(o.remaining for o in outcomes) or problems or (not write and any(o.changed for o in outcomes))
    return EXIT_FINDINGS if left and not exit_zero else EXIT_CLEAN


def run_plain(paths: list[str], force_exclude: bool, no_cache: bool, exit_zero: bool, fix: bool, diff: bool) -> int:
    """A plain lint or fix with the settings of each path's configuration."""
    from pathlib import Path

    from .run.config import ConfigError, Overrides, SettingsResolver

    # As typer hands ``cli`` its paths: ``fixtures/`` and ``./fixtures`` are
    # reported as ``fixtures``.
    names = [str(Path(path)) for path in paths]
    try:
        resolver = SettingsResolver(Overrides(), None)
        if fix or diff:
            return fix_files(names, settings_for=resolver, write=not diff, force_exclude=force_exclude, exit_zero=exit_zero)
        return lint_files(names, settings_for=resolver, force_exclude=force_exclude, no_cache=no_cache, exit_zero=exit_zero)
    except ConfigError as error:
        _echo(f"error: {error}", err=True)
        return EXIT_ERROR


def _echo(text: str, err: bool = False, nl: bool = True) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n" if nl else text)
    stream.flush()


def run() -> None:
    """The console script: ``lstm-init-lint``."""
    arguments = plain_arguments(sys.argv[1:])
    if arguments is None:
        from .cli import run as run_cli

        run_cli()
        return
    paths, switches = arguments
    sys.exit(run_plain(paths, **switches))
