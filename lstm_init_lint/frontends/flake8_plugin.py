"""The flake8 front end: ``flake8 --select LST`` reports what
``lstm-init-lint`` reports, from the same detector (``engine.detect``).

flake8 applies its own ``--select`` / ``--ignore`` / ``--extend-ignore`` and
``# noqa`` to these findings (same spelling as ours), so the plugin reports
them unfiltered. ``--lstm-init-reference keras|tf1`` chooses the reference.
Notebooks are not flake8's business; lint them with ``lstm-init-lint``.
"""

from __future__ import annotations

import ast
from typing import Iterator

from .. import __version__


class Plugin:
    name = "lstm-init-lint"
    version = __version__
    reference = "keras"

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        # ``tree`` is unused (we parse with libcst), but flake8 runs a plugin
        # once per file only if it asks for the tree.
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        manager.add_option(
            "--lstm-init-reference",
            default="keras",
            choices=("keras", "tf1"),
            parse_from_config=True,
            help="lstm-init-lint: what 'right' means, keras (default) or tf1.",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        cls.reference = options.lstm_init_reference

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from ..engine import detect
        from ..model import Settings
        from ..run.resolve import disk_modules

        source = "".join(self.lines).encode("utf-8")
        # flake8 checks one file at a time: its project imports are read from disk.
        result = detect(source, self.filename, Settings(reference=self.reference), modules=disk_modules())
        for finding in result.findings:
            # flake8 columns are 0-based.
            yield finding.span.line, finding.span.column - 1, f"{finding.code} {finding.message}", type(self)
