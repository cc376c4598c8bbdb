"""Decide from a file's bytes, before any parse, whether it can hold a
hand-written recurrent cell.

The analysis reports a weight only inside a cell that recurs
(``analysis/roles.py``: some matmul of a weight takes the previous hidden
state, another takes an input), and a weight exists only where a call
resolves to a creator (``knowledge/apis.py``, ``analysis/calls.py``). So a file
with a finding spells, in its code:

* a weight creation: ``add_weight`` / ``add_variable`` (Keras' layer
  methods, whatever the class inherits from), or ``Variable`` / ``variable``
  / ``get_variable`` / ``get_local_variable`` / a layer such as ``Dense``
  (whose kernel and bias a cell can use) reached through an import of
  ``tensorflow``, ``keras`` or ``tf_keras`` (module references come only
  from import statements);
* or a NumPy array (``np.random.randn``, ``np.zeros``, a ``default_rng``:
  a from-scratch cell's weights are arrays) in a file that names ``numpy``
  (or ``np``, which means numpy even where the file never imports it);
* a matrix product: the ``@`` operator, or ``matmul``,
  ``sparse_dense_matmul``, ``dot``, ``tensordot``, ``einsum``, ``xw_plus_b``,
  or a layer (``Dense``) whose call is one.

Each of these reaches the interpreter as an identifier written in the file
(an attribute, a name, an imported name), so a cell spread over helpers of
the same file still spells them all. Nothing else can be required: an
unknown one-argument call counts as a gate, and any loop or parameter can
carry the state.

"In its code" means outside comments and string literals: library code
names ``tf.Variable`` and ``matmul`` in docstrings all the time. Three
exceptions keep the check sound: where the code calls ``getattr`` (which the
interpreter follows with a constant string) the words count in string
literals too, except those that stand alone as a statement (docstrings);
f-strings count as code (their braces hold expressions); and a decorator
(``@tf_export(...)`` on its own lines before ``def`` or ``class``) is not a
product.

A file that imports a module of its own project (a relative import, or a
top-level module that is neither the standard library nor one of
``knowledge.apis.NOT_PROJECT_MODULES``) is kept whatever it spells: that
module may create its weights or hold its arithmetic, which the
project-wide analysis follows. The structural gate (``source/gate.py``)
then looks at its tree.

It errs one way only: whenever the bytes cannot be read like this (a NUL
byte, a UTF-16/32 byte-order mark, a coding cookie of an encoding that does
not spell ASCII as ASCII, an f-string nested the Python 3.12 way) the file is
kept, and the parse decides and reports any error.

Plain ``in`` tests and regular expressions that start with a literal keep
this at memory speed.

It is the first thing a run does with a file, also on the lean start of the
command line (``frontends/start.py``), so importing it imports neither the
tables' module (``dataclasses``, ``inspect``) nor ``re``: the words come from
``prefilter_words.py``, a snapshot of the tables used only while
``knowledge/apis.py`` is the file it was taken from (else from the tables
themselves), and the regular expressions are compiled for the first file
that passes the plain ``in`` tests.
"""

from __future__ import annotations

import os
import sys

# The few files that pass the plain ``in`` tests need the regular
# expressions; ``_compiled()`` builds them then.
_WEIGHT_SUBSTRINGS: tuple[bytes, ...]
_PRODUCT_SUBSTRINGS: tuple[bytes, ...]
_WEIGHT_CREATORS = _IMPORTED_WEIGHT_CREATORS = _FRAMEWORKS = _ARRAY_CREATORS = _NUMPY = _PRODUCTS = _GETATTR = frozenset()
_NOT_PROJECT_MODULES: frozenset[str]
_PATTERNS: dict = {}
_STRINGS_AND_COMMENTS = _DECORATOR_RUN = None
# ``np.`` / ``tf.`` in a file that never binds ``np`` / ``tf`` (no ``import ...
# as np``, no ``np =``) is numpy / tensorflow too, as the interpreter reads it
# (``analysis.interpreter.UNBOUND_ALIASES``: a %load-ed notebook snippet):
# (used, bound) patterns, compiled with the others.
_NP_ALIAS = _TF_ALIAS = None
_F_PREFIXES = (b"f", b"F", b"fr", b"fR", b"Fr", b"FR")
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ASCII_SAMPLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@#'\"\\\r\n\t .,:=(){}[]"

_TABLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "knowledge", "apis.py")


def table_words() -> dict[str, frozenset[str]]:
    """The words the pre-filter reads, from the interpreter's own tables, so
    a new spelling there cannot be missed here (``prefilter_words.py`` is
    a snapshot of this)."""
    from ..knowledge.apis import ARRAY_KINDS, CREATOR_KINDS, CREATOR_METHODS, LAYER_KINDS, NOT_PROJECT_MODULES, PRODUCT_KINDS, last_names

    return {
        "weight_creators": frozenset(CREATOR_METHODS),
        "imported_weight_creators": last_names(CREATOR_KINDS),
        "array_creators": last_names(ARRAY_KINDS),
        "products": last_names(PRODUCT_KINDS | LAYER_KINDS),  # calling a Dense is a product
        "layers": last_names(LAYER_KINDS),
        "not_project_modules": NOT_PROJECT_MODULES,
    }


def tables_digest() -> int | None:
    """The CRC-32 of ``knowledge/apis.py`` as installed; None if unreadable."""
    import zlib

    try:
        with open(_TABLES, "rb") as handle:
            return zlib.crc32(handle.read())
    except OSError:
        return None


def snapshot_text() -> str:
    """The text of ``prefilter_words.py`` for the tables as they are now
    (``python -m lstm_init_lint.run.prefilter --write-words`` writes it)."""
    lines = [
        '"""Generated by ``python -m lstm_init_lint.run.prefilter --write-words``: the',
        "pre-filter's words as ``prefilter.table_words()`` derives them from",
        "``knowledge/apis.py``, so the lean start need not import the tables. Used",
        'only while that file\'s CRC-32 is ``TABLES_CRC32``; do not edit."""',
        "",
        f"TABLES_CRC32 = {tables_digest()}",
        "WORDS = {",
    ]
    for key, words in table_words().items():
        lines.append(f"    {key!r}: frozenset(")
        lines.append("        {")
        lines.extend(f"            {word!r}," for word in sorted(words))
        lines.append("        }")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _load_words() -> None:
    """Set the module's word sets, from the snapshot while it is current."""
    global _WEIGHT_SUBSTRINGS, _PRODUCT_SUBSTRINGS, _WEIGHT_CREATORS, _IMPORTED_WEIGHT_CREATORS, _FRAMEWORKS
    global _ARRAY_CREATORS, _NUMPY, _PRODUCTS, _GETATTR, _NOT_PROJECT_MODULES, _STRINGS_AND_COMMENTS
    from . import prefilter_words

    _PATTERNS.clear()  # compiled again for the new words
    _STRINGS_AND_COMMENTS = None

    words = prefilter_words.WORDS if tables_digest() == prefilter_words.TABLES_CRC32 else table_words()
    layers = sorted(name.encode() for name in words["layers"])
    # A first look at memory speed: most files lack one of each anywhere
    # (the layers' names too: ``Dense`` spells neither).
    _WEIGHT_SUBSTRINGS = (b"ariable", b"add_weight", b"numpy", b"np.", *layers)
    _PRODUCT_SUBSTRINGS = (b"@", b"matmul", b"dot", b"einsum", b"xw_plus_b", b"conv2d", *layers)
    _WEIGHT_CREATORS = frozenset(name.encode() for name in words["weight_creators"])
    _IMPORTED_WEIGHT_CREATORS = frozenset(name.encode() for name in words["imported_weight_creators"])
    _FRAMEWORKS = frozenset({b"tensorflow", b"keras", b"tf_keras"})
    _ARRAY_CREATORS = frozenset(name.encode() for name in words["array_creators"])
    _NUMPY = frozenset({b"numpy"})
    _PRODUCTS = frozenset(name.encode() for name in words["products"])
    _GETATTR = frozenset({b"getattr"})
    _NOT_PROJECT_MODULES = frozenset(sys.stdlib_module_names) | words["not_project_modules"]


_load_words()


def _compiled() -> None:
    """Compile the regular expressions, once, for the first file that needs them."""
    global _STRINGS_AND_COMMENTS, _DECORATOR_RUN, _NP_ALIAS, _TF_ALIAS
    if _STRINGS_AND_COMMENTS is not None:
        return
    import re

    def alias_patterns(alias: bytes):
        word = re.escape(alias)
        used = re.compile(word + rb"\b(?<!\w" + word + rb")[ \t]*\.")
        bound = re.compile(rb"as[ \t]+" + word + rb"\b|import[ \t]+" + word + rb"\b|\b" + word + rb"[ \t]*(?::[^=\n]*)?=(?!=)")
        return used, bound

    _NP_ALIAS, _TF_ALIAS = alias_patterns(b"np"), alias_patterns(b"tf")

    # String literals and comments, found left to right as Python's tokenizer
    # finds them (exact for Python 3.11 syntax). ``split`` alternates code and
    # these; a prefix (r, b, u, f) stays at the end of the code before.
    string = rb"(?:" + rb"|".join(
        (
            rb'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""',
            rb"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''",
            rb'"[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*"',
            rb"'[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'",
        )
    ) + rb")"
    strings_and_comments = re.compile(rb"(#[^\r\n]*|" + string + rb")")

    # A run of decorators from the start of a line, each on its own lines (a
    # dotted name, optionally called with arguments nested at most three deep),
    # ending at ``def`` or ``class``. A line inside brackets that starts with
    # ``@`` cannot be followed by either.
    arguments = rb"\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
    decorator_line = rb"[ \t\f]*@[ \t\f]*[A-Za-z_][\w.]*[ \t\f]*(?:" + arguments + rb")?[ \t\f]*\r?\n(?:[ \t\f]*\r?\n)*"
    _DECORATOR_RUN = re.compile(rb"(?:" + decorator_line + rb")+(?=[ \t\f]*(?:async[ \t\f]+def|def|class)\b)")
    _STRINGS_AND_COMMENTS = strings_and_comments


def may_hold_cell(source: bytes) -> bool:
    """False only when ``source`` cannot contain a cell the analysis would
    report; True when it might, or when that cannot be told cheaply."""
    return _spells_a_cell(source) or imports_own_module(source)


def _spells_a_cell(source: bytes) -> bool:
    """Whether the file spells a weight creation and a product itself."""
    if not _spells_ascii(source):
        return True
    if not (_mentions(source, _WEIGHT_SUBSTRINGS) and _mentions(source, _PRODUCT_SUBSTRINGS)):
        return False
    if not (_creates_weight(source, source) and (_has_word(source, _PRODUCTS) or b"@" in source)):
        return False
    _compiled()
    pieces = _STRINGS_AND_COMMENTS.split(source)
    code = _code_of(pieces)
    if code is None:
        return True
    words = code
    if _has_word(code, _GETATTR):
        words = b"\n".join([code, *_strings_that_may_flow(pieces)])
    if not _creates_weight(words, code):
        return False
    return _has_word(words, _PRODUCTS) or _has_matmul_operator(code)


def imports_own_module(source: bytes) -> bool:
    """Whether some line imports a module of the file's own project: a
    relative import, or a top-level module that is neither the standard
    library nor one of ``knowledge.apis.NOT_PROJECT_MODULES``. Its functions
    may hold the cell's arithmetic or create its weights (the project-wide
    analysis follows them), so the words need not be in this file. An
    ``import`` line inside a string counts too: it errs towards keeping."""
    at = source.find(b"import")
    while at >= 0:
        end = at + len(b"import")
        if source[end : end + 1] and source[end] in _WORD_BYTES:
            at = source.find(b"import", end)  # ``imports``, ``import_module``: not the keyword
            continue
        start = source.rfind(b"\n", 0, at) + 1
        line_end = source.find(b"\n", end)
        line = source[start : line_end if line_end >= 0 else len(source)].split(b"#", 1)[0].strip()
        modules = _imported_modules(line)
        if modules is not None and any(module.startswith(b".") or _own(module) for module in modules):
            return True
        at = source.find(b"import", end)
    return False


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_BLANKS = b" \t"


def _imported_modules(line: bytes) -> list[bytes] | None:
    """The modules an import statement that starts ``line`` names (``from M
    import ...``: ``M``; ``import a.b as c, d``: ``a.b``, ``d``), or None if
    the line starts none. Read by hand rather than by a regular expression,
    so the start of a run that passes over every file need not import ``re``."""
    if line.startswith(b"from") and line[4:5] in (b" ", b"\t"):
        rest = line[4:].lstrip(_BLANKS)
        length = 0
        while length < len(rest) and (rest[length] in _WORD_BYTES or rest[length] == 0x2E):  # a dotted name
            length += 1
        after = rest[length:]
        if length == 0 or after[:1] not in (b" ", b"\t"):
            return None
        after = after.lstrip(_BLANKS)
        if not after.startswith(b"import") or (after[6:7] and after[6] in _WORD_BYTES):  # ``import`` as a whole word
            return None
        return [rest[:length]]
    if line.startswith(b"import") and line[6:7] in (b" ", b"\t"):
        names = line[6:].lstrip(_BLANKS)
        cut = min((index for index in (names.find(b";"), names.find(b"("), names.find(b")")) if index >= 0), default=len(names))
        names = names[:cut]
        if not names:
            return None
        return [name.split()[0] for name in names.split(b",") if name.split()]
    return None


def _own(dotted: bytes) -> bool:
    return dotted.split(b".", 1)[0].decode("latin-1") not in _NOT_PROJECT_MODULES


def _mentions(source: bytes, substrings: tuple[bytes, ...]) -> bool:
    return any(substring in source for substring in substrings)


def _creates_weight(words: bytes, code: bytes) -> bool:
    if _has_word(words, _WEIGHT_CREATORS):
        return True
    if _has_word(words, _IMPORTED_WEIGHT_CREATORS) and (_has_word(code, _FRAMEWORKS) or _uses_unbound(code, b"tf")):
        return True
    return _has_word(words, _ARRAY_CREATORS) and (_has_word(code, _NUMPY) or _uses_unbound(code, b"np"))


def _uses_unbound(code: bytes, alias: bytes) -> bool:
    """Whether ``code`` uses ``alias.`` (``np`` or ``tf``) without binding it."""
    if not any(alias + follower in code for follower in (b".", b" ", b"\t")):
        return False  # the pattern needs one of these after the alias: checked at memory speed, before compiling
    _compiled()
    used, bound = _NP_ALIAS if alias == b"np" else _TF_ALIAS
    return used.search(code) is not None and bound.search(code) is None


def _whole_words(words: frozenset[bytes]) -> tuple:
    """One pattern per word, compiled the first time a file needs that set."""
    import re

    # Literal first, boundaries after: the regex engine then scans for the
    # literal at memory speed (a leading look-behind is twenty times slower).
    patterns = _PATTERNS[words] = tuple(re.compile(re.escape(word) + rb"\b(?<!\w" + re.escape(word) + rb")") for word in sorted(words))
    return patterns


def _has_word(text: bytes, words: frozenset[bytes]) -> bool:
    """Whether one of ``words`` occurs in ``text`` as a whole identifier."""
    patterns = _PATTERNS.get(words) or _whole_words(words)
    return any(pattern.search(text) for pattern in patterns)


def _code_of(pieces: list[bytes]) -> bytes | None:
    """The source (split by ``_STRINGS_AND_COMMENTS``) without comments and
    string literals, followed by the text of its f-strings; None if an
    f-string cannot be delimited."""
    f_strings = []
    for index in range(1, len(pieces), 2):
        before = pieces[index - 1]
        if before[-1:] in _F_PREFIXES or before[-2:] in _F_PREFIXES:
            text = pieces[index]
            if text.count(b"{") > text.count(b"}"):
                return None  # a brace closed after a nested quote: Python 3.12 syntax
            f_strings.append(text)
    return b"\n".join([b"".join(pieces[0::2]), *f_strings])


def _strings_that_may_flow(pieces: list[bytes]) -> list[bytes]:
    """The string literals whose value the code may use (so ``getattr`` may
    read): all but comments and strings that stand alone as a statement, as
    docstrings do (first on their line, outside brackets, nothing after)."""
    flowing = []
    depth = 0
    for index in range(1, len(pieces), 2):
        before, text = pieces[index - 1], pieces[index]
        depth += sum(before.count(b) for b in b"([{") - sum(before.count(b) for b in b")]}")
        if text.startswith(b"#"):
            continue
        after = pieces[index + 1] if index + 1 < len(pieces) else b""
        alone = depth == 0 and _starts_a_line(before, first=index == 1) and not after.split(b"\n", 1)[0].strip()
        if not alone:
            flowing.append(text)
    return flowing


def _starts_a_line(code_before: bytes, first: bool) -> bool:
    """Whether the string after ``code_before`` is first on its logical line
    (``code_before`` ends with the string's prefix letters, if any)."""
    code_before = code_before.rstrip(b"rRbBuU")
    if first and not code_before.strip():
        return True
    if b"\n" not in code_before:
        return False
    earlier, line = code_before.rsplit(b"\n", 1)
    return not line.strip() and not earlier.rstrip(b"\r").endswith(b"\\")  # not after a backslash continuation


def _has_matmul_operator(code: bytes) -> bool:
    """Whether some ``@`` in the code is not a decorator's."""
    at = code.find(b"@")
    while at >= 0:
        line_start = code.rfind(b"\n", 0, at) + 1
        if code[max(0, line_start - 3) : line_start].rstrip(b"\r\n").endswith(b"\\"):
            return True  # a continuation line: ``x \`` then ``@ w``
        run = _DECORATOR_RUN.match(code, line_start)
        if run is None or run.end() <= at:
            return True
        at = code.find(b"@", run.end())
    return False


def _spells_ascii(source: bytes) -> bool:
    """Whether identifiers appear as ASCII bytes, as the patterns assume:
    no NUL byte, no UTF-16/32 byte-order mark, and a PEP 263 coding cookie
    (in the first two lines), if any, naming a codec that keeps ASCII."""
    if b"\x00" in source or source.startswith(_WIDE_BOMS):
        return False
    second_line_end = source.find(b"\n", source.find(b"\n") + 1)
    first_lines = source[: second_line_end if second_line_end >= 0 else len(source)]
    if b"coding" not in first_lines:
        return True
    import codecs
    import re

    cookie = re.search(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", first_lines, re.M)
    if cookie is None:
        return True
    try:
        return _ASCII_SAMPLE.encode(codecs.lookup(cookie.group(1).decode("ascii")).name) == _ASCII_SAMPLE.encode("ascii")
    except (LookupError, UnicodeError):
        return False


if __name__ == "__main__":
    if sys.argv[1:] != ["--write-words"]:
        sys.exit("usage: python -m lstm_init_lint.run.prefilter --write-words")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "prefilter_words.py"), "w", encoding="utf-8") as handle:
        handle.write(snapshot_text())
