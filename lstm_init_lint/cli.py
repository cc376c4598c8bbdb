"""The command line: a thin shell around ``api``.

``lstm-init-lint [PATHS]`` runs the ``check`` command, so other commands
sit beside it (``lstm-init-lint rules``, ``lstm-init-lint explain LST001``)
without changing how a plain run is spelled. ``main(argv)`` runs in-process
and returns the exit code: 0 clean, 1 findings, 2 usage error, bad
configuration or a file that could not be analysed.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .plain import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class ReferenceName(str, enum.Enum):
    keras = "keras"
    tf1 = "tf1"


class MatchMode(str, enum.Enum):
    per_matrix = "per-matrix"
    exact = "exact"


class _CheckByDefault(TyperGroup):
    """Run ``check`` when the first argument is not a command name."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = ["check", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_CheckByDefault,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


@app.callback()
def _group() -> None:
    """lstm-init-lint: find hand-written LSTM / GRU cells whose weights start
    unlike keras.layers.LSTM / tf.nn.rnn_cell.LSTMCell."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lstm-init-lint {__version__}")
        raise typer.Exit(EXIT_CLEAN)


@app.command(
    "check",
    epilog="Exit status: 0 no findings, 1 findings (0 with --exit-zero), 2 usage error, bad configuration or a file that could not be analysed. "
    "Rules: LST001 recurrent kernel, LST002 input kernel, LST003 fused kernel, LST004 forget-gate bias, "
    "LST005 gate bias, LST006 peephole, LST007 projection (docs/rules/). "
    "Other commands: 'lstm-init-lint rules' lists the rules; 'lstm-init-lint explain LST001' prints a rule's page. "
    "Configuration: [tool.lstm-init-lint] in the nearest pyproject.toml (see README).",
)
def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or directories to lint (directories are searched for *.py and *.ipynb, skipping the excludes and .gitignore). '-' reads standard input. Default: the current directory.", show_default=False),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text: 'path:line:col: CODE message' per finding (path:cell N:line:col in notebooks) and a summary, coloured on a terminal; json: a JSON array (see README); sarif: SARIF 2.1.0; github: GitHub Actions annotations."),
    reference: Optional[ReferenceName] = typer.Option(None, "--reference", help="What 'right' means (default: the configuration's, else keras). keras: keras.layers.LSTM/GRU (glorot_uniform, orthogonal, zero bias with the forget slice at 1). tf1: tf.nn.rnn_cell.LSTMCell/GRUCell (glorot_uniform fused kernel, forget_bias=1.0 at run time, GRU gate bias 1).", show_default=False),
    match: Optional[MatchMode] = typer.Option(None, "--match", help="How fixes match the reference (default: the configuration's, else per-matrix): per-matrix, the reference initialiser at each weight's own shape; exact, the distribution the reference gives that slice of its fused matrix.", show_default=False),
    fix: bool = typer.Option(False, "--fix", help="Rewrite each reported initialiser to the reference's, in the file's own TensorFlow/Keras dialect; print what changed and what was left (and why)."),
    diff: bool = typer.Option(False, "--diff", help="Print the changes --fix would make as a unified diff, and write nothing."),
    select: Optional[List[str]] = typer.Option(None, "--select", metavar="CODES", help="Rule codes or prefixes to report, comma-separated (LST001,LST004 or LST00); replaces the configuration's select and ignore.", show_default=False),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", metavar="CODES", help="Rule codes or prefixes not to report, comma-separated; a longer code or prefix in --select wins.", show_default=False),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings (errors still exit 2)."),
    config: Optional[Path] = typer.Option(None, "--config", metavar="PATH", help="Read [tool.lstm-init-lint] from this file for every path, instead of each path's nearest pyproject.toml.", show_default=False),
    show_settings: bool = typer.Option(False, "--show-settings", help="Print the settings in force for the first path (and the configuration file they come from), then exit."),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", metavar="PATTERNS", help="Gitignore-style patterns a directory walk skips, comma-separated; replaces the configuration's exclude and the default list.", show_default=False),
    extend_exclude: Optional[List[str]] = typer.Option(None, "--extend-exclude", metavar="PATTERNS", help="Patterns to skip as well as the excludes, comma-separated.", show_default=False),
    force_exclude: bool = typer.Option(False, "--force-exclude", help="Apply the excludes to files and directories named on the command line too (as pre-commit passes them)."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", metavar="PATH", help="Read the source from standard input and report it under this name (its configuration and per-file-ignores apply; .ipynb reads a notebook).", show_default=False),
    verify: bool = typer.Option(False, "--verify", help="With --fix (or --diff): check with TensorFlow that each fixed file compiles, that the names the fix wrote exist, and that each rewritten initialiser now draws like the reference; a file that fails is restored. Runs the file's initialisers: see README."),
    verify_cmd: Optional[str] = typer.Option(None, "--verify-cmd", help="With --fix: a shell command (your smoke test, e.g. 'pytest tests/test_model.py') run before and after fixing; a fixed file that makes it fail is restored to its original bytes."),
    dims: Optional[str] = typer.Option(None, "--dims", help="Values for named dimensions when verifying, e.g. 'units=512,input_dim=300' (default: small integers)."),
    verify_timeout: float = typer.Option(600.0, "--verify-timeout", help="Seconds allowed for the verification process and for each --verify-cmd run."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N", show_default=False, help="Check files in N processes. Default: the machine's cores. Used only when more than a handful of files need checking; the output is the same as with --jobs 1."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache (.lstm_init_lint_cache/ in the current directory, or $LSTM_INIT_LINT_CACHE_DIR), which otherwise serves files unchanged since a run with the same settings."),
    statistics: bool = typer.Option(False, "--statistics", help="Instead of each finding, print the count per rule and how many files were checked, passed over by the pre-filter (they cannot hold a cell), served from the cache and analysed, and how many were read as Python 2."),
) -> None:
    """Lint PATHS for hand-written recurrent cells whose initialisers differ from the reference's."""
    from .config import ConfigError, Overrides, SettingsResolver, describe

    overrides = Overrides(
        select=_codes(select, "--select"),
        ignore=_codes(ignore, "--ignore"),
        reference=reference.value if reference else None,
        match=match.value if match else None,
        exclude=_comma_list(exclude),
        extend_exclude=_comma_list(extend_exclude),
    )
    names = [str(p) for p in (paths or [])]
    from_stdin = names == ["-"] or (stdin_filename is not None and not names)
    if "-" in names and not from_stdin:
        raise typer.BadParameter("'-' (standard input) cannot be combined with other paths", param_hint="PATHS")
    if (verify or verify_cmd) and not (fix or diff):
        _usage("--verify and --verify-cmd go with --fix; to check files as they are, run: lstm-init-lint verify PATHS")
    if verify_cmd and not fix:
        _usage("--verify-cmd needs --fix: it runs your command on the fixed files")
    if from_stdin and (verify or verify_cmd):
        _usage("--verify and --verify-cmd need files on disk, not standard input")
    try:
        resolver = SettingsResolver(overrides, str(config) if config else None)
        if show_settings:
            first = stdin_filename if from_stdin else (names or ["."])[0]
            settings = resolver.for_directory(first) if Path(first).is_dir() else resolver(first)
            typer.echo(describe(settings, first))
            raise typer.Exit(EXIT_CLEAN)
        if fix or diff:
            if from_stdin:
                from .stdin import fix_stdin

                raise typer.Exit(fix_stdin(sys.stdin.buffer.read(), stdin_filename or "-", resolver, force_exclude, diff, exit_zero))
            checking = _Verification(verify or bool(verify_cmd), verify_cmd, _dims(dims), verify_timeout) if (verify or verify_cmd) else None
            raise typer.Exit(_fix(names or ["."], resolver, output_format, not diff, checking, force_exclude, exit_zero))
        from .plain import lint_files, report

        if from_stdin:
            from .stdin import lint_stdin

            result = lint_stdin(sys.stdin.buffer.read(), stdin_filename or "-", resolver, force_exclude)
            code = report(result, output_format=output_format.value, statistics=statistics, exit_zero=exit_zero, echo=typer.echo)
        else:
            code = lint_files(
                names,
                settings_for=resolver,
                output_format=output_format.value,
                force_exclude=force_exclude,
                jobs=jobs,
                no_cache=no_cache,
                statistics=statistics,
                exit_zero=exit_zero,
                echo=typer.echo,
            )
    except ConfigError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code)


def _comma_list(values: Optional[List[str]]) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _codes(values: Optional[List[str]], flag: str) -> tuple[str, ...] | None:
    from .selection import all_codes, unknown_codes

    codes = _comma_list(values)
    if codes is None:
        return None
    codes = tuple(code.upper() for code in codes)
    bad = unknown_codes(codes)
    if bad:
        raise typer.BadParameter(f"unknown rule code or prefix {bad[0]!r} (codes: {', '.join(all_codes())})", param_hint=flag)
    return codes


@app.command("rules")
def rules_command() -> None:
    """List the rules: code, name and summary."""
    from .docs import rules_table

    typer.echo(rules_table())


@app.command("explain")
def explain_command(code: str = typer.Argument(..., help="A rule code, such as LST001.")) -> None:
    """Print a rule's page: what it does, why it matters, examples, fix safety."""
    from .docs import find_rule, render
    from .selection import all_codes

    rule = find_rule(code)
    if rule is None:
        typer.echo(f"error: unknown rule {code!r} (codes: {', '.join(all_codes())})", err=True)
        raise typer.Exit(EXIT_ERROR)
    typer.echo(render(rule), nl=False)


class _Verification:
    def __init__(self, statistics: bool, command: Optional[str], dims: dict, timeout: float) -> None:
        self.statistics = statistics
        self.command = command
        self.dims = dims
        self.timeout = timeout


def _usage(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _dims(text: Optional[str]) -> dict:
    from .verify import parse_dims

    try:
        return parse_dims(text)
    except ValueError as error:
        _usage(str(error))
        return {}


def _fix(targets: list[str], settings_for, output_format: OutputFormat, write: bool, verification: Optional[_Verification] = None, force_exclude: bool = False, exit_zero: bool = False) -> int:
    from .plain import fix_files

    def verify_fixes(outcomes: list) -> bool:
        return _verify_fixes(outcomes, settings_for, verification, write, passed_before)

    passed_before = None
    if verification is not None:
        from .verify import INSTALL_HINT, tensorflow_available
        from .verify.command import run_command

        if verification.statistics and not tensorflow_available():
            _usage(INSTALL_HINT)
        if verification.command:
            passed_before = run_command(verification.command, verification.timeout).ok
    return fix_files(
        targets,
        settings_for=settings_for,
        output_format=output_format.value,
        write=write,
        force_exclude=force_exclude,
        exit_zero=exit_zero,
        echo=typer.echo,
        verify=verify_fixes if verification is not None else None,
    )


def _verify_fixes(outcomes: list, settings_for, verification: _Verification, written: bool, passed_before: Optional[bool]) -> bool:
    """Verify the fixed files; restore those that fail. True when anything failed."""
    from .files import write_atomically
    from .verify import verify_sources
    from .verify.command import guard
    from .verify.table import render, summary

    changed = [o for o in outcomes if o.changed and o.error is None]
    problems = False
    kept = {o.path: (o.original, o.fixed) for o in changed}
    if verification.statistics and changed:
        items = [(o.path, o.fixed, {f.instance or f.weight: f.current.text for f in o.applied}, [f.fix.replacement for f in o.applied]) for o in changed]
        checks = verify_sources(items, settings_for, verification.dims, verification.timeout)
        typer.echo("")
        typer.echo(render(checks, fixing=True))
        typer.echo(summary(checks))
        for check in checks:
            if not check.ok:
                problems = True
                if written:
                    write_atomically(check.path, kept.pop(check.path)[0])
                    typer.echo(f"{check.path}: restored to its original bytes (verification failed)")
    if verification.command and written:
        messages, restored = guard(verification.command, kept, bool(passed_before), verification.timeout)
        for message in messages:
            typer.echo(message)
        problems = problems or bool(restored)
    return problems


@app.command("verify")
def verify_command(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or directories to check (default: the current directory).", show_default=False),
    reference: ReferenceName = typer.Option(ReferenceName.keras, "--reference", help="The reference to compare with: keras or tf1."),
    match: MatchMode = typer.Option(MatchMode.per_matrix, "--match", help="What a per-gate matrix should draw like: per-matrix (the reference at its own shape) or exact (its slice of the reference's fused matrix)."),
    dims: Optional[str] = typer.Option(None, "--dims", help="Values for named dimensions, e.g. 'units=512,input_dim=300' (default: small integers)."),
    timeout: float = typer.Option(600.0, "--timeout", help="Seconds allowed for the verification process."),
) -> None:
    """Check with TensorFlow that each recurrent weight in PATHS starts like the reference.

    Evaluates each weight's initialiser expression (only that expression, with
    the file's imports; the module itself is not imported) several times at
    its shape and compares the draws with the reference and with the same
    slice of a real keras.layers.LSTM / GRU. Needs TensorFlow
    (pip install 'lstm-init-lint[verify]').
    """
    from .api import read_source
    from .discover import discover
    from .model import FileError, Settings
    from .verify import INSTALL_HINT, tensorflow_available, verify_sources
    from .verify.table import render, summary

    if not tensorflow_available():
        _usage(INSTALL_HINT)
    settings = Settings(reference=reference.value, match=match.value)
    files, errors = discover([str(p) for p in (paths or [Path(".")])])
    items = []
    for path in files:
        source = read_source(path)
        if isinstance(source, FileError):
            errors.append(source)
        else:
            items.append((path, source, {}, []))
    checks = verify_sources(items, settings, _dims(dims), timeout)
    checks = [c for c in checks if c.weights or c.error]
    if checks:
        typer.echo(render(checks, fixing=False))
    typer.echo(summary(checks))
    if errors:
        typer.echo("\n".join(error.render() for error in errors), err=True)
    if errors or any(c.error for c in checks):
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_CLEAN if all(c.ok for c in checks) else EXIT_FINDINGS)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line in-process; returns the exit code."""
    command = typer.main.get_command(app)
    try:
        command.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="lstm-init-lint")
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (EXIT_CLEAN if code is None else EXIT_ERROR)
    return EXIT_CLEAN


def run() -> None:
    sys.exit(main())
