"""Colour in the text report: only on a terminal, as users expect of a linter.

``NO_COLOR`` (set, not empty) turns it off and wins; ``FORCE_COLOR`` (set,
not empty) turns it on even when piped, as CI logs that render ANSI want;
otherwise colour is used when the stream is a terminal. The same order as
CPython's own (3.13) coloured tracebacks.
"""

from __future__ import annotations

import os
from typing import Mapping, TextIO

_CODES = {"bold": "1", "red": "31", "cyan": "36", "dim": "2", "yellow": "33"}


def wanted(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def paint(text: str, *styles: str, on: bool = True) -> str:
    if not on or not styles:
        return text
    return f"\x1b[{';'.join(_CODES[s] for s in styles)}m{text}\x1b[0m"
