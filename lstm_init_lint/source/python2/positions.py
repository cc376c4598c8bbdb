"""Columns of the Python 3 translation back to the Python 2 file.

The translation rewrites tokens within their line (``Rewrite``), so a line
number is the same in both texts and a column moves only by the rewrites
before it on its line. A column strictly inside a rewritten token's new text
has no place in the original: a finding there is clamped to the token, and
a fix edit there is refused (``original_edit`` returns None).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from ...model import Edit, Finding, Span


@dataclass(frozen=True)
class Rewrite:
    """Characters ``start:end`` (0-based) of ``line`` (1-based) in the
    original are ``text`` in the translation."""

    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Python2Reading:
    """A Python 2 file and its position-preserving Python 3 translation."""

    text: str  # the file as written, decoded
    translated: str  # the same lines, each Python 2-only token rewritten
    encoding: str  # of the file (``utf-8-sig`` keeps a BOM)
    rewrites: tuple[Rewrite, ...]  # sorted by (line, start, end)

    @property
    def translated_source(self) -> bytes:
        return self.translated.encode(self.encoding)

    @cached_property
    def _by_line(self) -> dict[int, list[Rewrite]]:
        lines: dict[int, list[Rewrite]] = {}
        for rewrite in self.rewrites:
            lines.setdefault(rewrite.line, []).append(rewrite)
        return lines

    def original_column(self, line: int, column: int, clamp: str | None = None) -> int | None:
        """The original 1-based column of translated ``line:column``; inside
        a rewrite's new text: its start (``clamp="start"``), its end
        (``clamp="end"``), or None."""
        at = column - 1
        shift = 0
        for rewrite in self._by_line.get(line, ()):
            new_start = rewrite.start + shift
            new_end = new_start + len(rewrite.text)
            if at <= new_start:
                break
            if at < new_end:
                if clamp is None:
                    return None
                return (rewrite.start if clamp == "start" else rewrite.end) + 1
            shift += len(rewrite.text) - (rewrite.end - rewrite.start)
        return at - shift + 1

    def touches_rewrite(self, span: Span) -> int | None:
        """The line of a rewrite that an edit of translated ``span`` would
        change (overlap, or contain), else None."""
        for line in range(span.line, span.end_line + 1):
            shift = 0
            for rewrite in self._by_line.get(line, ()):
                new_start = rewrite.start + shift
                new_end = new_start + len(rewrite.text)
                shift += len(rewrite.text) - (rewrite.end - rewrite.start)
                lo = span.column - 1 if line == span.line else 0
                hi = span.end_column - 1 if line == span.end_line else 1 << 30
                if new_start == new_end and rewrite.start == rewrite.end:
                    continue  # nothing there in either text
                if lo < new_end and new_start < hi:
                    return line
                if lo == hi and new_start < lo < new_end:
                    return line
        return None

    def original_span(self, span: Span) -> Span:
        column = self.original_column(span.line, span.column, "start")
        end_column = self.original_column(span.end_line, span.end_column, "end")
        return Span(span.line, column or span.column, span.end_line, end_column or span.end_column)

    def original_edit(self, edit: Edit) -> Edit | None:
        if edit.path is not None:  # a place in another module: not this file's translation
            return edit
        if self.touches_rewrite(edit.span) is not None:
            return None
        return Edit(self.original_span(edit.span), edit.text)

    def to_original(self, finding: Finding) -> Finding:
        """The finding placed in the original file, marked as Python 2; its
        fix refused when an edit would change a rewritten token."""
        fix, fixable, reason, suggestion = finding.fix, finding.fixable, finding.no_fix_reason, finding.suggested_edit
        if fix is not None:
            edits = [self.original_edit(edit) for edit in fix.edits]
            if any(edit is None for edit in edits):
                line = next(self.touches_rewrite(e.span) for e, mapped in zip(fix.edits, edits) if mapped is None)
                fix, fixable = None, False
                reason = f"the fix would change Python 2 code on line {line} that the analysis reads translated into Python 3; fix it by hand"
                suggestion = f"write `{finding.fix.replacement}` as the initialiser of `{finding.instance or finding.weight}`, in the Python 2 spelling of line {line}"
            else:
                fix = replace(fix, edits=tuple(edits))
        return replace(finding, span=self.original_span(finding.span), fix=fix, fixable=fixable, no_fix_reason=reason, suggested_edit=suggestion, python=2)
