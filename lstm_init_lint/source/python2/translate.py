"""Python 2 text to Python 3 text with the same lines, token by token.

The Python 2 grammar is lib2to3's (``fissix`` on Pythons without lib2to3):
its tree round-trips the source exactly and puts every token at its line
and column. Each Python 2-only construct becomes a ``Rewrite`` confined to
its own line:

    print x, y          print( x, y)       "(" after print, ")" after the last token
    print >>f, x        print( f, x)       ">>" dropped
    exec code in ns     exec( code , ns)
    except E, e:        except E as  e:
    raise E, "m"        raise E( "m")
    `x`                 repr(x)
    a <> b              a != b
    0777, 10L           0o777, 10
    ur"x"               r"x"
    def f(a, (b, c)):   def f(a,  b, c ):  (tuple parameters, lambdas too)
    async = 1           async_ = 1         (names that became keywords)
    a tab in an indent  spaces to the next multiple of 8, as Python 2 counts

``xrange``, ``dict.iteritems()``, ``unicode`` and the like are names, valid
in both languages, and are not touched.
"""

from __future__ import annotations

import re
import warnings

from .positions import Python2Reading, Rewrite

_OCTAL = re.compile(r"0[0-7]*[1-7][0-7]*[lL]?$")
_PREFIX = re.compile(r"^([A-Za-z]*)['\"]")
_KEYWORDS_SINCE = frozenset({"async", "await", "nonlocal"})


def _grammar():
    """lib2to3 (deprecated, removed in Python 3.13) or fissix, its copy."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from lib2to3 import pygram, pytree
            from lib2to3.pgen2 import driver, token
        except ImportError:  # pragma: no cover - Python 3.13 and later
            from fissix import pygram, pytree  # type: ignore[no-redef]
            from fissix.pgen2 import driver, token  # type: ignore[no-redef]
    return pygram, pytree, driver, token


def parse_tree(text: str):
    """The Python 2 tree of ``text``, or None when the grammar refuses it."""
    tree, _ = _parse(text)
    return tree


def refusal_place(text: str) -> tuple[int, int] | None:
    """(line, 0-based column) where the Python 2 grammar stops reading
    ``text``; None when it reads it all (or cannot say where)."""
    _, place = _parse(text)
    return place


def _parse(text: str):
    """(tree, None), or (None, where it failed). ``from __future__ import
    print_function`` makes ``print`` a name, as in Python 2.6 and later."""
    pygram, pytree, driver, _ = _grammar()
    grammar = pygram.python_grammar_no_print_statement if _prints_as_function(text) else pygram.python_grammar
    if not text.endswith("\n"):
        text += "\n"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return driver.Driver(grammar, convert=pytree.convert).parse_string(text), None
    except SyntaxError as error:  # IndentationError from the tokenizer
        return None, (error.lineno, (error.offset or 1) - 1) if error.lineno else None
    except Exception as error:  # noqa: BLE001 - ParseError, TokenError...: not Python 2
        return None, _place(error)


def _place(error: Exception) -> tuple[int, int] | None:
    context = getattr(error, "context", None)  # ParseError: (prefix, (line, column))
    if isinstance(context, tuple) and len(context) == 2 and isinstance(context[1], tuple):
        return context[1]
    if len(error.args) == 2 and isinstance(error.args[1], tuple):  # TokenError: (message, (line, column))
        return error.args[1]
    return None


def _prints_as_function(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from lib2to3.refactor import _detect_future_features
        except ImportError:  # pragma: no cover - Python 3.13 and later
            from fissix.refactor import _detect_future_features  # type: ignore[no-redef]
    try:
        return "print_function" in _detect_future_features(text)
    except Exception:  # noqa: BLE001 - a future statement it cannot read: Python 2's default
        return False


def read_text(text: str, encoding: str) -> Python2Reading | None:
    """The Python 2 reading of ``text``, or None. A lone carriage return is
    a line break to Python 3 but not to the Python 2 grammar's reader, so
    such a file is not read as Python 2 (lines would not line up)."""
    if re.search(r"\r(?!\n)", text):
        return None
    bom = text.startswith("\ufeff")
    tree = parse_tree(text[1:] if bom else text)
    if tree is None:
        return None
    rewrites = sorted(set(_rewrites(tree, text[1:] if bom else text)), key=lambda r: (r.line, r.start, r.end))
    if bom:
        rewrites = [Rewrite(r.line, r.start + (r.line == 1), r.end + (r.line == 1), r.text) for r in rewrites]
    translated = _apply(text, rewrites)
    return Python2Reading(text, translated, encoding, tuple(rewrites))


def _apply(text: str, rewrites: list[Rewrite]) -> str:
    lines = text.split("\n")
    by_line: dict[int, list[Rewrite]] = {}
    for rewrite in rewrites:
        by_line.setdefault(rewrite.line, []).append(rewrite)
    for number, line_rewrites in by_line.items():
        line = lines[number - 1]
        out, at = [], 0
        for rewrite in line_rewrites:
            out.append(line[at : rewrite.start])
            out.append(rewrite.text)
            at = rewrite.end
        out.append(line[at:])
        lines[number - 1] = "".join(out)
    return "\n".join(lines)


def _rewrites(tree, text: str) -> list[Rewrite]:
    pygram, pytree, _, token = _grammar()
    symbols = pygram.python_symbols
    out: list[Rewrite] = []
    string_lines: set[int] = set()  # lines inside a multi-line string: their tabs are the string's
    stack = [tree]
    while stack:  # iterative: the tree can be deeper than Python's recursion
        node = stack.pop()
        if isinstance(node, pytree.Leaf):
            _leaf(node, token, out, string_lines)
            continue
        kind = node.type
        children = node.children
        if kind == symbols.print_stmt and len(children) > 1:
            out.append(_after(children[0], "("))
            if children[1].type == token.RIGHTSHIFT:
                out.append(_over(children[1], ""))
            out.append(_after(_last_leaf(node), ")"))
        elif kind == symbols.exec_stmt:
            out.append(_after(children[0], "("))
            for child in children[2:]:
                if isinstance(child, pytree.Leaf) and child.value == "in":
                    out.append(_over(child, ","))
            out.append(_after(_last_leaf(node), ")"))
        elif kind == symbols.except_clause and len(children) == 4 and children[2].type == token.COMMA:
            out.append(_over(children[2], " as "))
        elif kind == symbols.raise_stmt and len(children) >= 4 and children[2].type == token.COMMA:
            out.append(_over(children[2], "("))
            out.append(_after(_last_leaf(node), ")"))
        elif kind == symbols.atom and children[0].type == token.BACKQUOTE:
            out.append(_over(children[0], "repr("))
            out.append(_over(children[-1], ")"))
        elif kind in (symbols.tfpdef, symbols.vfpdef) and children[0].type == token.LPAR:
            _tuple_parameter(node, pytree, token, out)
            continue  # its names need no rewrite
        stack.extend(reversed(children))
    out.extend(_indent_tabs(text, string_lines))
    return out


def _leaf(leaf, token, out: list[Rewrite], string_lines: set[int]) -> None:
    value = leaf.value
    if leaf.type == token.NOTEQUAL and value == "<>":
        out.append(_over(leaf, "!="))
    elif leaf.type == token.NUMBER:
        if _OCTAL.match(value):
            out.append(Rewrite(leaf.lineno, leaf.column + 1, leaf.column + 1, "o"))
        if value[-1] in "lL":
            out.append(Rewrite(leaf.lineno, leaf.column + len(value) - 1, leaf.column + len(value), ""))
    elif leaf.type == token.STRING:
        prefix = _PREFIX.match(value)
        letters = prefix.group(1).lower() if prefix else ""
        if "u" in letters and "r" in letters:
            where = leaf.column + letters.index("u")
            out.append(Rewrite(leaf.lineno, where, where + 1, ""))
        string_lines.update(range(leaf.lineno + 1, leaf.lineno + value.count("\n") + 1))
    elif leaf.type == token.NAME and value in _KEYWORDS_SINCE:
        out.append(_over(leaf, value + "_"))


def _tuple_parameter(node, pytree, token, out: list[Rewrite]) -> None:
    """``(b, c)`` as a parameter: its brackets become spaces."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, pytree.Leaf):
            if item.type in (token.LPAR, token.RPAR):
                out.append(_over(item, " "))
        else:
            stack.extend(item.children)


def _indent_tabs(text: str, string_lines: set[int]) -> list[Rewrite]:
    """Indentation holding a tab, as spaces to Python 2's tab stops (every 8
    columns), which Python 3 otherwise refuses when tabs and spaces mix."""
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        if number in string_lines or "\t" not in line:
            continue
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            out.append(Rewrite(number, 0, len(indent), indent.expandtabs(8)))
    return out


def _over(leaf, text: str) -> Rewrite:
    return Rewrite(leaf.lineno, leaf.column, leaf.column + len(leaf.value), text)


def _after(leaf, text: str) -> Rewrite:
    line, column = _end(leaf)
    return Rewrite(line, column, column, text)


def _end(leaf) -> tuple[int, int]:
    value = leaf.value
    if "\n" not in value:
        return leaf.lineno, leaf.column + len(value)
    return leaf.lineno + value.count("\n"), len(value.rsplit("\n", 1)[1])


def _last_leaf(node):
    while node.children:
        node = node.children[-1]
    return node
