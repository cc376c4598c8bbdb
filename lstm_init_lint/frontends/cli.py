"""The command line: a thin shell around ``engine`` and ``run``.

``lstm-init-lint [PATHS]`` runs the ``check`` command, so other commands sit
beside it (``lstm-init-lint rules``, ``lstm-init-lint explain LST001``)
without changing how a plain run is spelled. ``main(argv)`` runs in-process
and returns the exit code: 0 clean, 1 findings, 2 usage error, bad
configuration or a file that could not be analysed.

Start-up is part of the interface: a pre-commit hook starts this on every
commit. The parser (``arguments``) imports nothing heavy, and everything
else is imported by the command that needs it, so a run the pre-filter or
the cache settles loads neither libcst nor rich nor TensorFlow.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Sequence

from .arguments import CHECK, EXPLAIN, RULES, VERIFY, Parsed, UsageError, help_text, parse
from .start import passed_over_summary

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# ``echo(text, err=False, nl=True)``: a line on standard output (or error).
Echo = Callable[..., None]

NO_FILES_FOUND = "warning: No Python files found under the given path(s)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line in-process; returns the exit code. A plain lint
    of files the pre-filter passes over is settled as the console script
    settles it (``start.py``), so both print the same."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    settled = passed_over_summary(arguments)
    if settled is not None:
        echo(settled)
        return EXIT_CLEAN
    return lint_command_line(arguments)


def lint_command_line(arguments: list[str]) -> int:
    """The command line after the lean start: parse ``arguments``, run the
    command, return the exit code."""
    try:
        parsed = parse(arguments)
        if parsed.values.get("help"):
            echo(help_text(parsed.command))
            return EXIT_CLEAN
        if parsed.values.get("version"):
            from .. import __version__

            echo(f"lstm-init-lint {__version__}")
            return EXIT_CLEAN
        if parsed.command is RULES:
            return rules_command()
        if parsed.command is EXPLAIN:
            return explain_command(parsed.arguments[0])
        if parsed.command is VERIFY:
            return verify_command(parsed)
        return check_command(parsed)
    except UsageError as error:
        echo(f"error: {error}", err=True)
        return EXIT_ERROR


def run() -> None:
    """``lstm-init-lint`` without the lean start (the console script is ``start.run``)."""
    sys.exit(main())


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n" if nl else text)
    stream.flush()


def check_command(parsed: Parsed) -> int:
    """Lint (or fix, or diff) the paths."""
    from pathlib import Path

    from ..run.config import ConfigError, Overrides, SettingsResolver, describe

    values = parsed.values
    overrides = Overrides(
        select=_codes(values["select"], "--select"),
        ignore=_codes(values["ignore"], "--ignore"),
        reference=values["reference"],
        match=values["match"],
        exclude=_comma_list(values["exclude"]),
        extend_exclude=_comma_list(values["extend_exclude"]),
    )
    # ``fixtures/`` and ``./fixtures`` are reported as ``fixtures``.
    names = [name if name == "-" else str(Path(name)) for name in parsed.arguments]
    stdin_filename = values["stdin_filename"]
    from_stdin = names == ["-"] or (stdin_filename is not None and not names)
    fix, diff, verify, verify_cmd = values["fix"], values["diff"], values["verify"], values["verify_cmd"]
    if "-" in names and not from_stdin:
        raise UsageError("'-' (standard input) cannot be combined with other paths")
    if (verify or verify_cmd) and not (fix or diff):
        raise UsageError("--verify and --verify-cmd go with --fix; to check files as they are, run: lstm-init-lint verify PATHS")
    if verify_cmd and not fix:
        raise UsageError("--verify-cmd needs --fix: it runs your command on the fixed files")
    if from_stdin and (verify or verify_cmd):
        raise UsageError("--verify and --verify-cmd need files on disk, not standard input")
    try:
        resolver = SettingsResolver(overrides, values["config"])
        if values["show_settings"]:
            first = stdin_filename if from_stdin else (names or ["."])[0]
            if not from_stdin and not Path(first).exists():
                echo(f"{first}: error: no such file or directory (--show-settings shows the settings of an existing file or directory)", err=True)
                return EXIT_ERROR
            settings = resolver.for_directory(first) if Path(first).is_dir() else resolver(first)
            echo(describe(settings, first))
            return EXIT_CLEAN
        if fix or diff:
            if from_stdin:
                return fix_standard_input(sys.stdin.buffer.read(), stdin_filename or "-", resolver, values["force_exclude"], diff, values["exit_zero"])
            checking = Verification(verify, verify_cmd, _dims(values["dims"]), values["verify_timeout"]) if (verify or verify_cmd) else None
            return fix_with_verification(
                names or ["."], resolver, values["output_format"], not diff, checking, values["force_exclude"], values["exit_zero"], values["statistics"]
            )
        if from_stdin:
            from .stdin import lint_stdin

            plan_fixes = _report_shows_fixes(values["output_format"], values["statistics"])
            result = lint_stdin(sys.stdin.buffer.read(), stdin_filename or "-", resolver, values["force_exclude"], plan_fixes)
            return report(result, output_format=values["output_format"], statistics=values["statistics"], exit_zero=values["exit_zero"])
        return lint_files(
            names,
            settings_for=resolver,
            output_format=values["output_format"],
            force_exclude=values["force_exclude"],
            jobs=values["jobs"],
            no_cache=values["no_cache"],
            statistics=values["statistics"],
            exit_zero=values["exit_zero"],
        )
    except ConfigError as error:
        echo(f"error: {error}", err=True)
        return EXIT_ERROR


def _comma_list(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _codes(values: list[str] | None, flag: str) -> tuple[str, ...] | None:
    from ..run.selection import all_codes, unknown_codes

    codes = _comma_list(values)
    if codes is None:
        return None
    codes = tuple(code.upper() for code in codes)
    bad = unknown_codes(codes)
    if bad:
        raise UsageError(f"{flag}: unknown rule code or prefix {bad[0]!r} (codes: {', '.join(all_codes())})")
    return codes


def _dims(text: str | None) -> dict:
    from ..verify import parse_dims

    try:
        return parse_dims(text)
    except ValueError as error:
        raise UsageError(f"--dims: {error}") from None


def _report_shows_fixes(output_format: str, statistics: bool) -> bool:
    """Whether a lint's report shows each finding's fix: the JSON report
    does (``fixable``, ``fix``, ``no_fix_reason``); the others, and the
    counts of --statistics, do not, so their run plans none."""
    return output_format == "json" and not statistics


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
    echo: Echo = echo,
) -> int:
    """Lint ``names`` (the current directory if none), print the report and
    return the exit code."""
    from ..run.runner import lint_paths
    from ..run.cache import default_directory
    from ..output.progress import ProgressBar
    from ..run.runner import default_jobs

    with ProgressBar() as progress:
        result = lint_paths(
            names or ["."],
            settings_for=settings_for,
            force_exclude=force_exclude,
            progress=progress,
            jobs=jobs or default_jobs(),
            cache_directory=None if no_cache else default_directory(),
            plan_fixes=_report_shows_fixes(output_format, statistics),
        )
    if not result.files:
        # As ruff does: say so, but an all-excluded commit is no failure.
        echo(NO_FILES_FOUND, err=True)
    return report(result, output_format=output_format, statistics=statistics, exit_zero=exit_zero, echo=echo)


def report(result, *, output_format: str = "text", statistics: bool = False, exit_zero: bool = False, echo: Echo = echo) -> int:
    """Print ``result`` (the findings in ``output_format``, or the counts per
    rule) and any file errors, the errors before the summary line; return the
    exit code."""
    from ..output.report import errors, summary, warnings

    if statistics:
        from ..output import statistics as stats

        if output_format == "json":
            echo(stats.json_statistics(result))
        else:
            echo(stats.text(result, with_summary=False))
    elif output_format == "text":
        from ..output.colour import wanted
        from ..output.report import finding_lines

        lines = finding_lines(result, colour=wanted(sys.stdout))
        if lines:
            echo("\n".join(lines))
    else:
        from ..output.formats import render

        text = render(result, output_format)
        if text:
            echo(text)
    if warnings(result):
        echo(warnings(result), err=True)
    if result.errors:
        echo(errors(result), err=True)
    if output_format == "text":
        echo(summary(result))
    if result.errors:
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
    statistics: bool = False,
    echo: Echo = echo,
    verify: Callable[[list], bool] | None = None,
) -> int:
    """Fix ``targets`` (or, without ``write``, print the diff), print what
    changed and what was left, and return the exit code (0 for what is
    left with ``exit_zero``). ``verify(outcomes)`` checks the fixed files
    and says whether any failed.

    Where it goes: ``--format json`` prints the findings with their fixes;
    ``--diff`` prints the diff on standard output and what would change on
    standard error (as ruff does); ``--fix`` prints what changed (text) or
    the findings left (sarif, github, with what changed on standard error).
    File errors come before the summary."""
    from ..run.runner import fix_paths
    from ..run.files import unified_diff
    from ..output.report import fix_json, fix_lines, fix_summary

    outcomes = fix_paths(targets or ["."], write=write, settings_for=settings_for, force_exclude=force_exclude)
    if not outcomes:
        echo(NO_FILES_FOUND, err=True)
    # Standard output carries the machine-readable part; the words for the
    # user go to standard error whenever something else is on standard output.
    words_on_stderr = not write or output_format != "text"
    if output_format == "json":
        echo(fix_json(outcomes))
    elif not write:
        for outcome in outcomes:
            if outcome.changed:
                echo(unified_diff(outcome.path, outcome.original, outcome.fixed, outcome.encoding), nl=False)
    elif output_format in ("sarif", "github"):
        from ..output.formats import render

        echo(render(_remaining(outcomes), output_format))
    if statistics:
        from ..output.statistics import fix_statistics

        echo(fix_statistics(outcomes, written=write), err=words_on_stderr)
    elif output_format != "json":
        lines = fix_lines(outcomes, written=write)
        if lines:
            echo("\n".join(lines), err=words_on_stderr)
    problems = verify(outcomes) if verify is not None else False
    skipped = [f"{o.path}: warning: {o.skipped}" for o in outcomes if o.skipped is not None]
    if skipped:
        echo("\n".join(skipped), err=True)
    failed = [o.error for o in outcomes if o.error is not None]
    if failed:
        echo("\n".join(error.render() for error in failed), err=True)
    echo(fix_summary(outcomes, written=write), err=words_on_stderr)
    if failed:
        return EXIT_ERROR
    left = any(o.remaining for o in outcomes) or problems or (not write and any(o.changed for o in outcomes))
    return EXIT_FINDINGS if left and not exit_zero else EXIT_CLEAN


def fix_standard_input(source: bytes, name: str, settings_for, force_exclude: bool, diff: bool, exit_zero: bool) -> int:
    """``--fix`` on standard input: the fixed source on standard output (or,
    with ``--diff``, the diff), the report on standard error, as editors
    expect; an excluded file goes back unchanged. Returns the exit code."""
    from .stdin import fix_stdin

    outcome = fix_stdin(source, name, settings_for, force_exclude)
    if outcome is None:
        sys.stdout.buffer.write(source)
        sys.stdout.flush()
        return EXIT_CLEAN
    from ..output.report import fix_text
    from ..run.files import unified_diff

    if diff:
        echo(unified_diff(name, outcome.original, outcome.fixed, outcome.encoding), nl=False)
    else:
        sys.stdout.buffer.write(outcome.fixed)
        sys.stdout.flush()
    echo(fix_text([outcome], written=not diff), err=True)
    if outcome.error is not None:
        echo(outcome.error.render(), err=True)
        return EXIT_ERROR
    left = bool(outcome.remaining) or (diff and outcome.changed)
    return EXIT_FINDINGS if left and not exit_zero else EXIT_CLEAN


def _remaining(outcomes: list):
    """What is still reported after fixing, as a lint result."""
    from ..model import FileResult, RunResult

    return RunResult(tuple(FileResult(o.path, o.remaining, o.error) for o in outcomes))


class Verification:
    """What ``--verify`` / ``--verify-cmd`` ask for: ``tensorflow_checks``
    (``--verify``: the TensorFlow table), the user's ``command``."""

    def __init__(self, tensorflow_checks: bool, command: str | None, dims: dict, timeout: float) -> None:
        self.tensorflow_checks = tensorflow_checks
        self.command = command
        self.dims = dims
        self.timeout = timeout


def fix_with_verification(
    targets: list[str],
    settings_for,
    output_format: str,
    write: bool,
    verification: Verification | None = None,
    force_exclude: bool = False,
    exit_zero: bool = False,
    statistics: bool = False,
) -> int:
    def verify_fixes(outcomes: list) -> bool:
        return _verify_fixes(outcomes, settings_for, verification, write, passed_before)

    passed_before = None
    if verification is not None:
        from ..verify.command import run_command

        # Only --verify evaluates initialisers in TensorFlow; the user's own
        # command (--verify-cmd) runs in its own process and needs none here.
        if verification.tensorflow_checks:
            from ..verify import INSTALL_HINT, tensorflow_available

            if not tensorflow_available():
                raise UsageError(INSTALL_HINT)
        if verification.command:
            passed_before = run_command(verification.command, verification.timeout).ok
    return fix_files(
        targets,
        settings_for=settings_for,
        output_format=output_format,
        write=write,
        force_exclude=force_exclude,
        exit_zero=exit_zero,
        statistics=statistics,
        verify=verify_fixes if verification is not None else None,
    )


def _verify_fixes(outcomes: list, settings_for, verification: Verification, written: bool, passed_before: bool | None) -> bool:
    """Verify the fixed files; restore those that fail. True when anything failed."""
    from ..run.files import write_atomically
    from ..verify.command import guard

    changed = [o for o in outcomes if o.changed and o.error is None]
    problems = False
    kept = {o.path: (o.original, o.fixed) for o in changed}
    if verification.tensorflow_checks and changed:
        from ..verify import verify_sources
        from ..verify.table import render, summary

        items = [(o.path, o.fixed, {f.instance or f.weight: f.current.text for f in o.applied}, [f.fix.replacement for f in o.applied]) for o in changed]
        items = _with_packages(items, outcomes)
        checks = verify_sources(items, settings_for, verification.dims, verification.timeout)
        echo("")
        echo(render(checks, fixing=True))
        echo(summary(checks))
        for check in checks:
            if not check.ok:
                problems = True
                if written:
                    # A file checked with the modules fixed for it: each of them goes back too.
                    importer = next((o for o in outcomes if o.path == check.path), None)
                    for path in (check.path, *(_fixed_there(importer) if importer is not None else ())):
                        original = _pop_by_path(kept, path)
                        if original is not None:
                            write_atomically(path, original[0])
                            echo(f"{path}: restored to its original bytes (verification failed)")
    if verification.command and written:
        messages, restored = guard(verification.command, kept, bool(passed_before), verification.timeout)
        for message in messages:
            echo(message)
        problems = problems or bool(restored)
    return problems


def _pop_by_path(kept: dict, path: str):
    key = next((k for k in kept if os.path.abspath(k) == os.path.abspath(path)), None)
    return kept.pop(key) if key is not None else None


def _with_packages(items: list[tuple], outcomes: list) -> list[tuple]:
    """Each fixed file whose analysis read project modules it imports, and
    each file whose fixes were written in such a module (``Fix.elsewhere``),
    is verified with them: its item gets the package (every module its
    analysis read, the fixed bytes of those rewritten), and is added when
    the file itself did not change."""
    fixed = {os.path.abspath(o.path): o.fixed for o in outcomes if o.changed and o.error is None}
    out = {item[0]: item for item in items}
    for o in outcomes:
        targets = _fixed_there(o)
        if o.error is not None or not (targets or (o.changed and o.modules)):
            continue
        package = {}
        for where in [os.path.abspath(path) for path, _ in o.modules] + targets:
            if where in fixed:
                package[where] = fixed[where]
            elif where not in package:
                try:
                    with open(where, "rb") as handle:
                        package[where] = handle.read()
                except OSError:
                    continue
        before = {f.instance or f.weight: f.current.text for f in o.applied}
        out[o.path] = (o.path, o.fixed, before, [f.fix.replacement for f in o.applied], package)
    return list(out.values())


def _fixed_there(outcome) -> list[str]:
    """The imported modules (absolute paths) this file's applied fixes were written in."""
    return sorted({os.path.abspath(f.fix.elsewhere) for f in outcome.applied if f.fix is not None and f.fix.elsewhere})


def rules_command() -> int:
    from ..output.docs import rules_table

    echo(rules_table())
    return EXIT_CLEAN


def explain_command(code_or_name: str) -> int:
    from ..output.docs import find_rule, render
    from ..rules import RULES as ALL_RULES

    rule = find_rule(code_or_name)
    if rule is None:
        known = ", ".join(f"{r.code} ({r.name})" for r in ALL_RULES)
        echo(f"error: unknown rule {code_or_name!r}; the rules: {known}", err=True)
        return EXIT_ERROR
    echo(render(rule), nl=False)
    return EXIT_CLEAN


def verify_command(parsed: Parsed) -> int:
    """Check the files as they are with TensorFlow."""
    from ..run.read import read_source
    from ..run.discover import discover
    from ..model import FileError, Settings
    from ..verify import INSTALL_HINT, tensorflow_available, verify_sources
    from ..verify.table import render, summary

    values = parsed.values
    if not tensorflow_available():
        raise UsageError(INSTALL_HINT)
    settings = Settings(reference=values["reference"], match=values["match"])
    files, errors = discover(list(parsed.arguments) or ["."])
    items = []
    for path in files:
        source = read_source(path)
        if isinstance(source, FileError):
            errors.append(source)
        else:
            items.append((path, source, {}, []))
    # Files as they are: each one's imports are followed where they are on disk.
    checks = verify_sources(items, settings, _dims(values["dims"]), values["timeout"], read_imports=True)
    checks = [c for c in checks if c.weights or c.error]
    if checks:
        echo(render(checks, fixing=False))
    if errors:
        echo("\n".join(error.render() for error in errors), err=True)
    echo(summary(checks))
    if errors or any(c.error for c in checks):
        return EXIT_ERROR
    return EXIT_CLEAN if all(c.ok for c in checks) else EXIT_FINDINGS
