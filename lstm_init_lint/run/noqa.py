"""``# noqa`` comments: which findings the author has silenced, line by line.

Read from the tokens, so ``"# noqa"`` inside a string silences nothing.
The spelling is flake8's, so one comment serves both front ends: a bare
``# noqa`` silences every finding on its line, ``# noqa: LST001, LST004``
those codes, and a prefix (``# noqa: LST00``) the codes it starts.
"""

from __future__ import annotations

import io
import re
import tokenize

_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?(?![\w-])", re.IGNORECASE)
_ANY_NOQA = re.compile(rb"noqa", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]*", re.IGNORECASE)

EVERY_CODE = None  # a bare ``# noqa``


def noqa_lines(source: bytes) -> dict[int, frozenset[str] | None]:
    """Line number -> the codes its ``# noqa`` names, or ``EVERY_CODE``."""
    lines: dict[int, frozenset[str] | None] = {}
    if _ANY_NOQA.search(source) is None:
        return lines  # most files: no need to tokenize them
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _NOQA.search(token.string)
            if match is None:
                continue
            codes = match.group("codes")
            lines[token.start[0]] = frozenset(c.upper() for c in _CODE.findall(codes)) if codes else EVERY_CODE
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        # Only reached for source libcst accepted but tokenize does not; the
        # comments read so far still count.
        pass
    return lines


def silenced(code: str, line: int, noqa: dict[int, frozenset[str] | None]) -> bool:
    if line not in noqa:
        return False
    codes = noqa[line]
    return codes is EVERY_CODE or any(code.startswith(prefix) for prefix in codes)
