"""Which findings a run reports: ``select`` / ``ignore``, ``per-file-ignores``
and ``# noqa``, applied in one place (``keep``) so the report and the fixer
see the same findings.

Codes and prefixes follow ruff: where a ``select`` and an ``ignore`` entry
both match a code the longer one wins, ``ignore`` on a tie; a later layer
(the command line over the configuration file) that selects starts afresh,
one that only ignores removes from what the earlier layer left.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..model import Finding, Settings

CODE_FAMILY = "LST"
_CODE_SHAPE = re.compile(r"^[A-Z]+[0-9]*$")


def all_codes() -> tuple[str, ...]:
    from ..rules import RULES

    return tuple(rule.code for rule in RULES)


def unknown_codes(values: Sequence[str]) -> list[str]:
    """The entries that are neither a rule code nor a prefix of one."""
    codes = all_codes()
    return [v for v in values if not _CODE_SHAPE.match(v) or not any(c.startswith(v) for c in codes)]


def _longest(code: str, prefixes: Sequence[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def enabled(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    chosen = _longest(code, select) if select else 0
    if chosen < 0:
        return False
    return chosen > _longest(code, ignore)


def combine(
    base: tuple[tuple[str, ...], tuple[str, ...]],
    select: tuple[str, ...] | None,
    ignore: tuple[str, ...] | None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lay a command line's ``select`` / ``ignore`` (None: not given) over
    the configuration's, and return one ``(select, ignore)`` with the same
    effect: the enabled codes, spelled out."""
    if select is None and ignore is None:
        return base
    codes = all_codes()
    if select is not None:
        on = [c for c in codes if enabled(c, select, ignore or ())]
    else:
        on = [c for c in codes if enabled(c, *base) and enabled(c, (), ignore or ())]
    return (tuple(on), ()) if on else ((), (CODE_FAMILY,))


def ignored_here(path: str, settings: Settings) -> tuple[str, ...]:
    """The codes ``per-file-ignores`` turns off for ``path``."""
    if not settings.per_file_ignores:
        return ()
    from .patterns import matches

    out: list[str] = []
    for pattern, codes in settings.per_file_ignores:
        if matches((pattern,), path, settings.root):
            out.extend(codes)
    return tuple(out)


def keep(findings: Sequence[Finding], source: bytes, path: str, settings: Settings) -> list[Finding]:
    """The findings to report (and to fix): selected, not ignored for this
    file, not silenced by a ``# noqa`` on their line."""
    per_file = ignored_here(path, settings)
    kept = [f for f in findings if enabled(f.code, settings.select, settings.ignore) and not any(f.code.startswith(p) for p in per_file)]
    if not kept:
        return kept
    from .noqa import noqa_lines, silenced

    noqa = noqa_lines(source)
    return [f for f in kept if not silenced(f.code, f.span.line, noqa)]
