"""The command line: a thin shell around ``api``.

``lstm-init-lint [PATHS]`` runs the ``check`` command, so later commands can
sit beside it (``lstm-init-lint rules``) without changing how a plain run is
spelled. ``main(argv)`` runs in-process and returns the exit code:
0 clean, 1 findings, 2 usage error or a file that could not be analysed.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"


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
    epilog="Exit status: 0 no findings, 1 findings, 2 usage error or a file that could not be analysed. "
    "Rules: LST001 recurrent kernel, LST002 input kernel, LST003 fused kernel, LST004 forget-gate bias, "
    "LST005 gate bias, LST006 peephole, LST007 projection (docs/rules/).",
)
def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or directories to lint (directories are searched for *.py). Default: the current directory.", show_default=False),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text: one 'path:line:col: CODE message' line per finding and a summary; json: a JSON array (see README)."),
    reference: ReferenceName = typer.Option(ReferenceName.keras, "--reference", help="What 'right' means. keras: keras.layers.LSTM/GRU (glorot_uniform, orthogonal, zero bias with the forget slice at 1). tf1: tf.nn.rnn_cell.LSTMCell/GRUCell (glorot_uniform fused kernel, forget_bias=1.0 at run time, GRU gate bias 1)."),
    fix: bool = typer.Option(False, "--fix", help="Rewrite each reported initialiser to the reference's, in the file's own TensorFlow/Keras dialect; print what changed and what was left (and why)."),
    diff: bool = typer.Option(False, "--diff", help="Print the changes --fix would make as a unified diff, and write nothing."),
    match: MatchMode = typer.Option(MatchMode.per_matrix, "--match", help="How --fix matches a per-gate matrix. per-matrix: the reference initialiser at the matrix's own shape. exact: the distribution the reference gives that slice of its fused matrix (see docs/rules)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Lint PATHS for hand-written recurrent cells whose initialisers differ from the reference's."""
    from .api import lint_paths
    from .model import Settings
    from .report import errors, json_report, text

    settings = Settings(reference=reference.value, match=match.value)
    targets = [str(p) for p in (paths or [Path(".")])]
    if fix or diff:
        raise typer.Exit(_fix(targets, settings, output_format, write=not diff))
    result = lint_paths(targets, settings)
    if output_format is OutputFormat.json:
        typer.echo(json_report(result))
    else:
        typer.echo(text(result))
    if result.errors:
        typer.echo(errors(result), err=True)
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)


def _fix(targets: list[str], settings, output_format: OutputFormat, write: bool) -> int:
    from .api import fix_paths
    from .files import unified_diff
    from .report import fix_json, fix_text

    outcomes = fix_paths(targets, settings, write=write)
    if not write and output_format is OutputFormat.text:
        for outcome in outcomes:
            if outcome.changed:
                typer.echo(unified_diff(outcome.path, outcome.original, outcome.fixed, outcome.encoding), nl=False)
    typer.echo(fix_json(outcomes) if output_format is OutputFormat.json else fix_text(outcomes, written=write))
    failed = [o.error for o in outcomes if o.error is not None]
    if failed:
        typer.echo("\n".join(error.render() for error in failed), err=True)
        return EXIT_ERROR
    remaining = any(o.remaining for o in outcomes)
    if not write:
        return EXIT_FINDINGS if remaining or any(o.changed for o in outcomes) else EXIT_CLEAN
    return EXIT_FINDINGS if remaining else EXIT_CLEAN


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
