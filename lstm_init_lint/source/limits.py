"""What a file must be before libcst sees it, so that no input can crash or
stall a run.

libcst's native parser is a recursive Rust parser: on code nested deeply
enough it overflows the C stack and the whole process dies with a
segmentation fault (10,000 nested parentheses, a 10,000-operand ``and``
chain), and it slows down badly long before (1,000 nested calls take about
40 s). Python's own parser refuses most of these inputs (more than 200
nested brackets, 100 levels of indentation, about 3,000 levels of any other
nesting), so every file goes through it first:

    check        size, then Python's parser, then the nesting libcst and the
                 analysis (recursive Python) can follow; None when the file
                 can be parsed with libcst safely, else the reason as a
                 ``FileError``

A file that Python rejects for an ordinary syntax error may still be valid
to libcst (newer syntax than the running Python), so libcst gets it only
when its tokens show no deep nesting either (``_shallow``).

The size limit bounds time and memory: libcst takes about 15 s and 1.5 GB
per megabyte of dense code, so a file over ``MAX_SOURCE_BYTES`` is reported
without being parsed. The largest file in TensorFlow and Keras (about 2,700
files) is under 700 kB, and the deepest nesting in them is 31 levels.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings

from ..model import FileError
from .syntax import TOO_DEEP_FOR_PYTHON, compile_error

MAX_SOURCE_BYTES = 2 << 20  # 2 MiB of Python source (a notebook's code cells together): about 30 s and 3 GB of libcst
# An imported module larger than this is not followed (its names stay
# opaque): a cell's helpers live in modules of a few thousand lines, and a
# library's 300 KB module took longer to parse than the whole analysis of the
# file importing it (keras/src/ops/numpy.py from ops/nn_test.py: 1.8 s).
MAX_FOLLOWED_BYTES = 128 << 10
MAX_READ_BYTES = 256 << 20  # never read more than this into memory, even for the pre-filter
MAX_DEPTH = 100  # levels of syntax nesting the analysis follows (Python recursion: about 6 frames a level)
MAX_BRACKETS = 200  # Python's own limit on nested brackets
MAX_STATEMENT_TOKENS = 20_000  # tokens in one statement of a file only libcst can read
MAX_ELIF = 2_000  # ``elif`` branches (libcst nests each one in the last)
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


def too_large(path: str, size: int) -> FileError | None:
    if size <= MAX_SOURCE_BYTES:
        return None
    return FileError(path, f"too large to analyse ({_megabytes(size)}; the limit is {_megabytes(MAX_SOURCE_BYTES)} of Python source); exclude it or split it")


def too_large_to_read(path: str, size: int) -> FileError | None:
    """A file too large even to read and pre-filter (a data dump)."""
    if size <= MAX_READ_BYTES:
        return None
    return FileError(path, f"too large to read ({_megabytes(size)}; the limit is {_megabytes(MAX_READ_BYTES)}); exclude it")


def skip_reason(size: int) -> str | None:
    """Why a file that may hold a cell is skipped rather than parsed, or
    None when it is small enough. A skip is a warning: the file is
    reported and counted, and the run does not fail because of it."""
    if size <= MAX_SOURCE_BYTES:
        return None
    return f"skipped: too large to analyse ({_megabytes(size)}; the limit is {_megabytes(MAX_SOURCE_BYTES)} of Python source that may hold a cell); exclude it or split it"


def check(source: bytes, path: str) -> FileError | None:
    """None when ``source`` (already known to decode) is safe to give to
    libcst, else why it is not analysed."""
    large = too_large(path, len(source))
    if large is not None:
        return large
    try:
        tree = python_parse(source, path)
    except SyntaxError as error:
        if _nesting_limit(error.msg):
            return FileError(path, f"syntax error: {error.msg}", error.lineno or None, error.offset or None)
        if _shallow(source):
            return None  # let libcst try: it reads syntax newer than this Python's
        return FileError(path, f"syntax error: {error.msg}", error.lineno or None, error.offset or None)
    except (MemoryError, RecursionError):
        return FileError(path, TOO_DEEP_FOR_PYTHON)
    except ValueError as error:  # a NUL byte: parse() reports it first
        return FileError(path, f"cannot parse: {error}")
    deepest = _too_deep(tree)
    if deepest is not None:
        line = getattr(deepest, "lineno", None)
        column = getattr(deepest, "col_offset", None)
        return FileError(path, f"the code is nested too deeply to analyse (more than {MAX_DEPTH} levels)", line, None if column is None else column + 1)
    # What Python's compiler refuses beyond the grammar ('return' outside
    # function, nonlocal at module level). Notebook cells may await at the
    # top level, as IPython lets them.
    return compile_error(tree, path, ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if path.endswith(".ipynb") else 0)


def python_parse(source: bytes, path: str) -> ast.Module:
    """Python's own parser, without its warnings (``invalid escape
    sequence``...): they are about the user's code, not ours to print. The
    tree the structural gate parsed these very bytes into (``remember``) is
    taken instead of parsing them again."""
    global _remembered
    if _remembered is not None and _remembered[0] is source:
        tree = _remembered[1]
        _remembered = None  # used once: a tree can be as large as libcst's (78 MB for a 450 kB file)
        return tree
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)


# (source, its tree): the runner parses a file for the structural gate, then
# hands the same bytes object to the engine, whose ``check`` would parse it
# again. Identity, not equality: only these bytes, never a copy that equals them.
_remembered: tuple[bytes, ast.Module] | None = None


def remember(source: bytes, tree: ast.Module) -> None:
    global _remembered
    _remembered = (source, tree)


def forget() -> None:
    global _remembered
    _remembered = None


def _nesting_limit(message: str) -> bool:
    return "too many" in message or "too deeply" in message or "too complex" in message


def _too_deep(tree: ast.AST) -> ast.AST | None:
    """A node nested more than ``MAX_DEPTH`` levels deep (or the nearest
    enclosing one with a place), counting an ``and`` / ``or`` chain as one
    level per operand (libcst nests them, Python's tree does not)."""
    stack: list[tuple[ast.AST, int, ast.AST]] = [(tree, 0, tree)]
    while stack:
        node, depth, placed = stack.pop()
        if hasattr(node, "lineno"):
            placed = node
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        if depth > MAX_DEPTH:
            return placed
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1, placed))
    return None


def _shallow(source: bytes) -> bool:
    """For a file Python rejects: do its tokens show no nesting that could
    crash libcst? Brackets nest at most ``MAX_BRACKETS`` deep, no statement
    has more than ``MAX_STATEMENT_TOKENS`` tokens (any other deep nesting
    needs one token per level), and there are at most ``MAX_ELIF`` ``elif``
    branches. A file that does not tokenize is not shallow."""
    depth = statement = elifs = 0
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type == tokenize.OP and token.string in _OPENING:
                depth += 1
                if depth > MAX_BRACKETS:
                    return False
            elif token.type == tokenize.OP and token.string in _CLOSING:
                depth = max(0, depth - 1)
            elif token.type == tokenize.NAME and token.string == "elif":
                elifs += 1
                if elifs > MAX_ELIF:
                    return False
            if token.type == tokenize.NEWLINE:
                statement = 0
            else:
                statement += 1
                if statement > MAX_STATEMENT_TOKENS:
                    return False
    except (SyntaxError, tokenize.TokenError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"
