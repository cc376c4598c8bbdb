"""IPython syntax in a code cell, turned into Python that parses and keeps
every other line where it was.

A line magic (``%timeit f()``), a shell escape (``!pip install x``), their
assignment forms (``files = !ls``) and help (``tf.nn?``) become ``pass``
at the same indentation, so the block around them stays valid. A cell
magic whose body is Python (``%%time``) loses its first line only; any
other cell magic (``%%bash``, ``%%writefile``) blanks the whole cell. A
``%`` that continues an expression (``(a\\n % b)``) is Python's modulo and
is left alone.
"""

from __future__ import annotations

import re

# Cell magics that run their body as Python in the kernel.
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})

_ASSIGNED_ESCAPE = re.compile(r"^[A-Za-z_][\w\s,.\[\]()]*=\s*[%!]")
_OPENERS, _CLOSERS = "([{", ")]}"


def mask(source: str) -> str:
    """The cell's source with IPython syntax replaced; same number of lines."""
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith("%%"):
        name = lines[first][2:].split(maxsplit=1)[0] if lines[first][2:].strip() else ""
        if name not in PYTHON_BODY_CELL_MAGICS:
            return "\n".join("" for _ in lines)
        lines[first] = ""
    out = []
    continuing = False  # a masked line ended with a backslash
    for line, starts_statement, code in _scan(lines):
        stripped = code.strip()
        if continuing or (starts_statement and _is_escape(stripped)):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}pass" if not continuing else "")
            continuing = code.rstrip().endswith("\\")
            continue
        out.append(line)
    return "\n".join(out)


def _is_escape(code: str) -> bool:
    if not code:
        return False
    if code[0] in "%!?":
        return True
    if code.endswith("?"):
        return True
    return bool(_ASSIGNED_ESCAPE.match(code))


def _scan(lines: list[str]):
    """For each line: the line, whether a statement starts on it (no open
    bracket, string or backslash continuation from the line before), and
    its code without a trailing comment."""
    depth = 0
    quote: str | None = None  # the open string's delimiter, for strings spanning lines
    continued = False
    for line in lines:
        starts = depth == 0 and quote is None and not continued
        code_end = len(line)
        i = 0
        while i < len(line):
            char = line[i]
            if quote is not None:
                if char == "\\":
                    i += 2
                    continue
                if line.startswith(quote, i):
                    i += len(quote)
                    quote = None
                    continue
                i += 1
                continue
            if char == "#":
                code_end = i
                break
            if char in "'\"":
                triple = line[i : i + 3]
                quote = triple if triple in ('"""', "'''") else char
                i += len(quote)
                continue
            if char in _OPENERS:
                depth += 1
            elif char in _CLOSERS:
                depth = max(0, depth - 1)
            i += 1
        if quote is not None and len(quote) == 1:
            quote = None  # an unterminated one-line string: let the parser say so
        code = line[:code_end]
        continued = code.rstrip().endswith("\\")
        yield line, starts, code
