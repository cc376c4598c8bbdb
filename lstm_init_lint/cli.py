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
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N", show_default=False, help="Check files in N processes. Default: the machine's cores. Used only when more than a handful of files need checking; the output is the same as with --jobs 1."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache (.lstm_init_lint_cache/ in the current directory, or $LSTM_INIT_LINT_CACHE_DIR), which otherwise serves files unchanged since a run with the same settings."),
    statistics: bool = typer.Option(False, "--statistics", help="Instead of each finding, print the count per rule and how many files were checked, passed over by the pre-filter (they cannot hold a cell), served from the cache and analysed."),
) -> None:
    """Lint PATHS for hand-written recurrent cells whose initialisers differ from the reference's."""
    from .api import lint_paths
    from .cache import default_directory
    from .model import Settings
    from .report import errors, json_report, text
    from .runner import default_jobs

    settings = Settings(reference=reference.value)
    result = lint_paths([str(p) for p in (paths or [Path(".")])], settings, jobs=jobs or default_jobs(), cache_directory=None if no_cache else default_directory())
    if statistics:
        from . import statistics as stats

        typer.echo(stats.json_statistics(result) if output_format is OutputFormat.json else stats.text(result))
    elif output_format is OutputFormat.json:
        typer.echo(json_report(result))
    else:
        typer.echo(text(result))
    if result.errors:
        typer.echo(errors(result), err=True)
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)


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
