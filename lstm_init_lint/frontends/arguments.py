"""The command line's one argument parser: the commands, their options, the
help text and every usage error, in the tool's own words.

A parser of our own rather than a framework's, for two reasons: a
pre-commit hook starts the tool on every commit, and typer / click /
pydantic took several times as long to import as Python takes to start;
and a framework's errors speak its internals ("Input should be a valid
integer", ``Usage: lstm-init-lint check [OPTIONS] [paths]...`` for a user
who never typed ``check``). Nothing here imports anything heavy.

``parse(argv)`` returns the ``Command`` to run and its ``Parsed`` values, or
raises ``UsageError`` with a message that says what was wrong and, for a
near miss, what was probably meant.
"""

from __future__ import annotations

import difflib
import os
import shutil
import textwrap
from dataclasses import dataclass, field
from typing import Callable

from ..output.formats import FORMATS

PROGRAM = "lstm-init-lint"
REFERENCES = ("keras", "tf1")
MATCH_MODES = ("per-matrix", "exact")


class UsageError(Exception):
    """What the user typed cannot be run; the message says why."""


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]  # the long name first ("--format", "-f")
    key: str  # the name in ``Parsed.values``
    help: str
    metavar: str | None = None  # None: a switch, which takes no value
    convert: Callable[[str, str], object] | None = None  # (option name, text) -> value; raises UsageError
    repeat: bool = False  # every use is kept, in order (comma lists that add up)
    default: object = None

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    usage: str  # after the program name
    options: tuple[Option, ...]
    arguments: str  # what the positional arguments are, for --help
    epilog: str = ""
    wants_arguments: tuple[int, int | None] = (0, None)  # how many positional arguments (least, most)

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if name in option.names), None)


@dataclass(frozen=True)
class Parsed:
    command: Command
    values: dict = field(default_factory=dict)
    arguments: tuple[str, ...] = ()


def choice(allowed: tuple[str, ...]) -> Callable[[str, str], str]:
    def convert(name: str, text: str) -> str:
        if text in allowed:
            return text
        raise UsageError(f"{name} must be one of {_alternatives(allowed)} (got {text!r}){_did_you_mean(text, allowed)}")

    return convert


def whole_number(name: str, text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise UsageError(f"{name} expects a whole number of processes, 1 or more (got {text!r})")
    return number


def seconds(name: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise UsageError(f"{name} expects a number of seconds greater than 0 (got {text!r})")
    return number


def text_value(name: str, text: str) -> str:
    return text


_HELP = Option(("--help", "-h"), "help", "Show this help and exit.")

_CHECK_OPTIONS = (
    Option(("--format", "-f"), "output_format", "text: 'path:line:col: CODE message' per finding (path:cell N:line:col in notebooks) and a summary, coloured on a terminal; json: a JSON array (see README); sarif: SARIF 2.1.0; github: GitHub Actions annotations. With --diff the diff is printed whatever the format, except json, which prints the findings with their fixes.", "FORMAT", choice(FORMATS), default="text"),
    Option(("--reference",), "reference", "What 'right' means: keras or tf1 (default: the configuration's, else keras). keras: keras.layers.LSTM/GRU (glorot_uniform, orthogonal, zero bias with the forget slice at 1). tf1: tf.nn.rnn_cell.LSTMCell/GRUCell (glorot_uniform fused kernel, forget_bias=1.0 at run time, GRU gate bias 1).", "NAME", choice(REFERENCES)),
    Option(("--match",), "match", "How fixes match the reference: per-matrix or exact (default: the configuration's, else per-matrix). per-matrix: the reference initialiser at each weight's own shape; exact: the distribution the reference gives that slice of its fused matrix.", "MODE", choice(MATCH_MODES)),
    Option(("--fix",), "fix", "Rewrite each reported initialiser to the reference's, in the file's own TensorFlow/Keras dialect; print what changed and what was left (and why)."),
    Option(("--diff",), "diff", "Print the changes --fix would make as a unified diff on standard output (what would change, and the summary, on standard error), and write nothing."),
    Option(("--select",), "select", "Rule codes or prefixes to report, comma-separated (LST001,LST004 or LST00); replaces the configuration's select and ignore.", "CODES", text_value, repeat=True),
    Option(("--ignore",), "ignore", "Rule codes or prefixes not to report, comma-separated; a longer code or prefix in --select wins.", "CODES", text_value, repeat=True),
    Option(("--exit-zero",), "exit_zero", "Exit 0 even when there are findings (errors still exit 2)."),
    Option(("--config",), "config", "Read [tool.lstm-init-lint] from this file for every path, instead of each path's nearest pyproject.toml.", "PATH", text_value),
    Option(("--show-settings",), "show_settings", "Print the settings in force for the first path (and the configuration file they come from), then exit; a path that does not exist is an error."),
    Option(("--exclude",), "exclude", "Gitignore-style patterns a directory walk skips, comma-separated; replaces the configuration's exclude and the default list.", "PATTERNS", text_value, repeat=True),
    Option(("--extend-exclude",), "extend_exclude", "Patterns to skip as well as the excludes, comma-separated.", "PATTERNS", text_value, repeat=True),
    Option(("--force-exclude",), "force_exclude", "Apply the excludes to files and directories named on the command line too (as pre-commit passes them)."),
    Option(("--stdin-filename",), "stdin_filename", "Read the source from standard input and report it under this name (its configuration and per-file-ignores apply; .ipynb reads a notebook).", "PATH", text_value),
    Option(("--verify",), "verify", "With --fix (or --diff): check with TensorFlow that each fixed file compiles, that the names the fix wrote exist, and that each rewritten initialiser now draws like the reference; a file that fails is restored. Runs the file's initialisers: see README."),
    Option(("--verify-cmd",), "verify_cmd", "With --fix: a shell command (your smoke test, e.g. 'pytest tests/test_model.py') run before and after fixing; a fixed file that makes it fail is restored to its original bytes. Needs no TensorFlow in this process; add --verify for the TensorFlow checks as well.", "COMMAND", text_value),
    Option(("--dims",), "dims", "Values for named dimensions when verifying, e.g. 'units=512,input_dim=300' (default: the sizes the file states, as the messages use them, else small integers).", "NAME=N,...", text_value),
    Option(("--verify-timeout",), "verify_timeout", "Seconds allowed for the verification process and for each --verify-cmd run (default: 600).", "SECONDS", seconds, default=600.0),
    Option(("--jobs", "-j"), "jobs", "Check files in N processes. Default: the machine's cores. Used only when more than a handful of files need checking; the output is the same as with --jobs 1.", "N", whole_number),
    Option(("--no-cache",), "no_cache", "Neither read nor write the cache (.lstm_init_lint_cache/ in the current directory, or $LSTM_INIT_LINT_CACHE_DIR), which otherwise serves files unchanged since a run with the same settings."),
    Option(("--statistics",), "statistics", "Instead of each finding, print the count per rule and how many files were checked, passed over by the pre-filter or by the structural gate (they cannot hold a cell; neither parsed nor checked for syntax errors), served from the cache, analysed and skipped, and how many were read as Python 2; with --fix or --diff, the count per rule and how many were fixed."),
    Option(("--version",), "version", "Print the version and exit."),
    _HELP,
)

EXIT_STATUS = "Exit status: 0 no findings (also when no file was found, with a warning), 1 findings (0 with --exit-zero), 2 usage error, bad configuration or a file that could not be analysed."

CHECK = Command(
    "check",
    "Lint PATHS (the default command: 'lstm-init-lint PATHS' is 'lstm-init-lint check PATHS').",
    "[OPTIONS] [PATHS]...",
    _CHECK_OPTIONS,
    "PATHS  Files or directories to lint (directories are searched for *.py and *.ipynb, skipping the excludes and .gitignore). '-' reads standard input. Default: the current directory.",
    EXIT_STATUS + " Rules: LST001 recurrent kernel, LST002 input kernel, LST003 fused kernel, LST004 forget-gate bias, "
    "LST005 gate bias, LST006 peephole, LST007 projection (docs/rules/). Configuration: [tool.lstm-init-lint] in the nearest pyproject.toml (see README).",
)
RULES = Command("rules", "List the rules: code, name and summary.", "rules", (_HELP,), "", wants_arguments=(0, 0))
EXPLAIN = Command(
    "explain",
    "Print a rule's page (what it does, why it matters, examples, fix safety): 'lstm-init-lint explain LST001' or 'lstm-init-lint explain recurrent-kernel-init'.",
    "explain RULE",
    (_HELP,),
    "RULE  A rule code (LST001) or name (recurrent-kernel-init).",
    wants_arguments=(1, 1),
)
VERIFY = Command(
    "verify",
    "Check with TensorFlow that each recurrent weight in PATHS starts like the reference, without fixing anything.",
    "verify [OPTIONS] [PATHS]...",
    (
        Option(("--reference",), "reference", "The reference to compare with: keras or tf1 (default: keras).", "NAME", choice(REFERENCES), default="keras"),
        Option(("--match",), "match", "What a per-gate matrix should draw like: per-matrix (the reference at its own shape, the default) or exact (its slice of the reference's fused matrix).", "MODE", choice(MATCH_MODES), default="per-matrix"),
        Option(("--dims",), "dims", "Values for named dimensions, e.g. 'units=512,input_dim=300' (default: the sizes the file states, as the messages use them, else small integers).", "NAME=N,...", text_value),
        Option(("--timeout",), "timeout", "Seconds allowed for the verification process (default: 600).", "SECONDS", seconds, default=600.0),
        _HELP,
    ),
    "PATHS  Files or directories to check (default: the current directory).",
    "Evaluates each weight's initialiser expression (only that expression, with the file's imports; the module itself is not imported) several times "
    "at its shape and compares the draws with the reference and with the same slice of a real keras.layers.LSTM / GRU. Needs TensorFlow. "
    "Exit status: 0 every weight starts like the reference, 1 some do not, 2 usage error or a file that could not be checked.",
)
COMMANDS = {command.name: command for command in (CHECK, RULES, EXPLAIN, VERIFY)}


def parse(argv: list[str]) -> Parsed:
    """The command ``argv`` names (``check`` unless its first argument is a
    command name) and its values."""
    if argv and argv[0] in COMMANDS:
        return parse_command(COMMANDS[argv[0]], argv[1:])
    if argv and not argv[0].startswith("-"):
        _not_a_mistyped_command(argv[0])
    return parse_command(CHECK, argv)


def parse_command(command: Command, argv: list[str]) -> Parsed:
    values = {option.key: ([] if option.repeat else option.default) for option in command.options}
    for option in command.options:
        if option.metavar is None:
            values[option.key] = False
    arguments: list[str] = []
    index = 0
    only_arguments = False
    while index < len(argv):
        argument = argv[index]
        index += 1
        if only_arguments or argument == "-" or not argument.startswith("-"):
            arguments.append(argument)
            continue
        if argument == "--":
            only_arguments = True
            continue
        if argument.startswith("--"):
            name, has_value, value = argument.partition("=")
            option = _known(command, name)
        else:  # -f json, -fjson, -j4
            name, value = argument[:2], argument[2:]
            has_value = bool(value)
            option = _known(command, name)
        if option.metavar is None:
            if has_value:
                raise UsageError(f"{option.name} takes no value (got {argument!r})")
            values[option.key] = True
            continue
        if not has_value:
            if index >= len(argv):
                raise UsageError(f"{option.name} needs a value: {option.name} {option.metavar}")
            value = argv[index]
            index += 1
        converted = option.convert(option.name, value) if option.convert else value
        if option.repeat:
            values[option.key].append(converted)
        else:
            values[option.key] = converted
    if values.get("help") or values.get("version"):
        return Parsed(command, values, tuple(arguments))
    least, most = command.wants_arguments
    if len(arguments) < least:
        raise UsageError(f"'{PROGRAM} {command.name}' needs {command.arguments.split()[0]}: {PROGRAM} {command.usage}")
    if most is not None and len(arguments) > most:
        extra = arguments[most]
        raise UsageError(f"'{PROGRAM} {command.name}' takes {'no arguments' if most == 0 else f'{most} argument'} (got {extra!r})")
    return Parsed(command, values, tuple(arguments))


def _known(command: Command, name: str) -> Option:
    option = command.option(name)
    if option is not None:
        return option
    names = [n for o in command.options for n in o.names if n.startswith("--")]
    elsewhere = [c.name for c in COMMANDS.values() if c is not command and c.option(name) is not None]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if elsewhere:
        hint = f" ({name} is an option of '{PROGRAM} {elsewhere[0]}')"
    else:
        hint = f" (did you mean `{close[0]}`?)" if close else ""
    where = PROGRAM if command is CHECK else f"{PROGRAM} {command.name}"
    raise UsageError(f"unknown option {name!r}{hint}; '{where} --help' lists the options")


def _not_a_mistyped_command(first: str) -> None:
    """A first argument that is no path but is close to a command name is
    a typo of that command, not a missing file."""
    if os.path.lexists(first) or not first.replace("-", "").isalpha():
        return  # a path that exists, or one spelled like a path (model.py, src/)
    close = difflib.get_close_matches(first, list(COMMANDS), n=1, cutoff=0.7)
    if close:
        raise UsageError(f"{first!r} is neither a file nor a command; did you mean `{close[0]}`?")


def _did_you_mean(text: str, candidates) -> str:
    close = difflib.get_close_matches(text, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def _alternatives(allowed: tuple[str, ...]) -> str:
    return ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else allowed[0]


def help_text(command: Command) -> str:
    """``--help``: one usage line, what the command does, its arguments and
    options, and (for the default command) every command."""
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    lines = [f"usage: {PROGRAM} {command.usage}" if command is not CHECK else f"usage: {PROGRAM} [COMMAND] {command.usage}", ""]
    if command is CHECK:
        lines += _wrapped("lstm-init-lint: find hand-written LSTM / GRU cells whose weights start unlike keras.layers.LSTM / tf.nn.rnn_cell.LSTMCell, and fix them.", width, "")
        lines += ["", "Commands:"]
        for other in COMMANDS.values():
            lines += _wrapped(f"{other.name:<9}{other.summary}", width, "  ", " " * 11)
    else:
        lines += _wrapped(command.summary, width, "")
    if command.arguments:
        lines += ["", "Arguments:"]
        lines += _wrapped(command.arguments, width, "  ", " " * (4 + len(command.arguments.split()[0])))
    lines += ["", "Options:"]
    for option in command.options:
        spelled = ", ".join(reversed(option.names)) if len(option.names) > 1 else f"    {option.name}"
        if option.metavar:
            spelled += f" {option.metavar}"
        lines.append(f"  {spelled}")
        lines += _wrapped(option.help, width, "        ")
    if command.epilog:
        lines.append("")
        lines += _wrapped(command.epilog, width, "")
    return "\n".join(lines)


def _wrapped(text: str, width: int, indent: str, rest: str | None = None) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent if rest is None else rest, break_on_hyphens=False, break_long_words=False)
