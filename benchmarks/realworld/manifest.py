"""The real-world benchmark's manifest: reading, checking, and the entries as plain values.

A manifest is either the whole file (`{"version": 1, "reference": "keras", "entries": [...]}`) or a
list of shard files (each a JSON array of entries, as the labellers write them), merged in the order
given. `validate()` returns every problem as one line naming the file, the JSON line of the entry or
site, and what is wrong; `load()` builds the frozen dataclasses that rehydrate.py and score.py share.
The field tables are in README.md next to this file; the allowed values are the tables below, and
nothing else in the benchmark spells them out again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MANIFEST_PATH = Path(__file__).resolve().parent / "manifest.json"

# The one table of allowed values (README.md, "The manifest").
KINDS = ("tf0", "tf1", "tf2", "keras2", "keras3", "numpy")
FORMATS = ("py", "ipynb")
PYTHON_VERSIONS = (2, 3)
CATEGORIES = (
    "tf0", "tf1-graph", "compat-v1", "rnncell-subclass", "keras2-layer", "keras3", "tf2-module",
    "tf2-eager", "numpy", "tf-scan", "notebook", "python2", "multi-file", "d2l-params",
    "helper-per-call", "framework-layers", "variant", "gru", "negative",
)
# The cell list in the README ends with "...": a new variant is a new name, not a problem. Only
# `none` has a meaning of its own (a negative file).
NO_CELL = "none"
# Roles the tool reports (its JSON `role`), then the two labels only a reader gives.
TOOL_ROLES = ("input_kernel", "recurrent_kernel", "fused_kernel", "bias", "forget_bias", "peephole", "projection")
OTHER_ROLE = "other"
NEGATIVE_ROLE = "not_lstm"
ROLES = TOOL_ROLES + (OTHER_ROLE, NEGATIVE_ROLE)
# shared/LABELLING.md names the forget-gate bias `forget_gate_bias`; the manifest and the tool say
# `forget_bias`. validate() asks for the manifest's spelling, load() reads both as one role.
ROLE_ALIASES = {"forget_gate_bias": "forget_bias"}
EXPECTED_FIXES = ("glorot_uniform", "orthogonal", "zeros", "zeros+forget1", "ones", "none")
NO_FIX = "none"

ENTRY_FIELDS = {
    # field: (required, description of the allowed value)
    "repo": (True, "owner/name"),
    "path": (True, "a relative path"),
    "commit": (True, "40 hex digits"),
    "kind": (True, "one of " + ", ".join(KINDS)),
    "cell": (True, "a cell name, or none"),
    "negative": (True, "true or false"),
    "format": (True, "py or ipynb"),
    "python": (True, "2 or 3"),
    "categories": (True, "a list of categories"),
    "related": (True, "a list of paths"),
    "notes": (True, "a string"),
    "sites": (True, "a list of sites"),
}
SITE_FIELDS = {
    "line": (True, "an integer >= 1"),
    "end_line": (True, "an integer >= line"),
    "alt_lines": (False, "a list of lines or \"path:line\" strings"),
    "cell": (False, "a 0-based cell index (notebooks)"),
    "cell_line": (False, "a 1-based line in the cell (notebooks)"),
    "end_cell_line": (False, "an integer >= cell_line (notebooks)"),
    "alt_cell_lines": (False, "a list of 1-based lines in the cell (notebooks)"),
    "weight": (True, "the name as written"),
    "role": (True, "one of " + ", ".join(ROLES)),
    "gates": (False, "a list of gate letters"),
    "initializer": (True, "the effective initialiser as written"),
    "deviates": (True, "true or false"),
    "expected_fix": (True, "one of " + ", ".join(EXPECTED_FIXES)),
    "ambiguous": (True, "true or false"),
    "reason": (False, "why the site is ambiguous, or null"),
}
TOP_LEVEL_FIELDS = ("version", "reference", "entries")

_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_OTHER_FILE_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>[0-9]+)$")


class ManifestError(Exception):
    """A manifest that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class OtherFileLine:
    """An `alt_lines` entry in another file of the repository: `"other/path.py:12"`."""

    path: str
    line: int


@dataclass(frozen=True)
class Site:
    """One weight creation, as labelled."""

    line: int
    end_line: int
    alt_lines: tuple[int, ...]
    alt_other_files: tuple[OtherFileLine, ...]
    cell: int | None  # notebooks: 0-based index into the notebook's `cells`
    cell_line: int | None
    end_cell_line: int | None
    alt_cell_lines: tuple[int, ...]
    weight: str
    role: str
    gates: tuple[str, ...] | None
    initializer: str
    deviates: bool
    expected_fix: str
    ambiguous: bool
    reason: str | None
    origin: str  # "shard.json:123", for messages

    @property
    def scored(self) -> bool:
        """Counted in recall: an unambiguous cell weight that starts unlike the reference."""
        return self.deviates and not self.ambiguous and self.role in TOOL_ROLES


@dataclass(frozen=True)
class Entry:
    """One labelled file of one repository at one commit."""

    repo: str
    path: str
    commit: str
    kind: str
    cell: str
    negative: bool
    format: str
    python: int
    categories: tuple[str, ...]
    related: tuple[str, ...]
    notes: str
    sites: tuple[Site, ...]
    origin: str

    @property
    def mirror_name(self) -> str:
        """`owner+name`, the directory name of its mirror (and of its laid-out tree)."""
        return self.repo.replace("/", "+")

    @property
    def is_notebook(self) -> bool:
        return self.format == "ipynb"


@dataclass(frozen=True)
class Manifest:
    reference: str
    entries: tuple[Entry, ...]
    sources: tuple[str, ...]


# ---------------------------------------------------------------- reading with line numbers


@dataclass(frozen=True)
class _Document:
    """One manifest or shard file, parsed: its entries as dicts, and the JSON line of each object."""

    path: str
    reference: str | None
    entries: list
    lines: dict  # id(dict) -> 1-based line of its opening brace
    problems: tuple[str, ...]


def _parse_with_lines(text: str) -> tuple[object, dict]:
    """json.loads, but also the line each object starts on, so a problem can name it."""
    decoder = json.JSONDecoder()
    lines: dict[int, int] = {}
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(index: int) -> int:
        low, high = 0, len(newlines)
        while low < high:
            middle = (low + high) // 2
            if newlines[middle] < index:
                low = middle + 1
            else:
                high = middle
        return low + 1

    whitespace = re.compile(r"[ \t\n\r]*")

    def skip(index: int) -> int:
        return whitespace.match(text, index).end()

    def value(index: int) -> tuple[object, int]:
        index = skip(index)
        if index < len(text) and text[index] == "{":
            start, index = index, skip(index + 1)
            result: dict = {}
            lines[id(result)] = line_of(start)
            if text.startswith("}", index):
                return result, index + 1
            while True:
                key, index = decoder.raw_decode(text, index)
                if not isinstance(key, str):
                    raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, index)
                index = skip(index)
                if not text.startswith(":", index):
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, index)
                item, index = value(index + 1)
                result[key] = item
                index = skip(index)
                if text.startswith(",", index):
                    index = skip(index + 1)
                    continue
                if text.startswith("}", index):
                    return result, index + 1
                raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        if index < len(text) and text[index] == "[":
            index = skip(index + 1)
            items: list = []
            if text.startswith("]", index):
                return items, index + 1
            while True:
                item, index = value(index)
                items.append(item)
                index = skip(index)
                if text.startswith(",", index):
                    index += 1
                    continue
                if text.startswith("]", index):
                    return items, index + 1
                raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        return decoder.raw_decode(text, index)

    result, end = value(0)
    if skip(end) != len(text):
        raise json.JSONDecodeError("Extra data", text, skip(end))
    return result, lines


def _read(path: Path) -> _Document:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return _Document(name, None, [], {}, (f"{name}: cannot be read: {error}",))
    try:
        data, lines = _parse_with_lines(text)
    except json.JSONDecodeError as error:
        return _Document(name, None, [], {}, (f"{name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}",))
    if isinstance(data, list):  # a shard
        return _Document(name, None, data, lines, ())
    if not isinstance(data, dict):
        return _Document(name, None, [], {}, (f"{name}:1: expected an object with `entries`, or an array of entries",))
    problems = []
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            problems.append(f"{name}:1: unknown top-level field `{key}` (known: {', '.join(TOP_LEVEL_FIELDS)})")
    if data.get("version") != 1:
        problems.append(f"{name}:1: `version` must be 1, not {data.get('version')!r}")
    reference = data.get("reference")
    if reference not in ("keras", "tf1"):
        problems.append(f"{name}:1: `reference` must be \"keras\" or \"tf1\", not {reference!r}")
    entries = data.get("entries")
    if not isinstance(entries, list):
        problems.append(f"{name}:1: `entries` must be an array")
        entries = []
    return _Document(name, reference if isinstance(reference, str) else None, entries, lines, tuple(problems))


def manifest_paths(given: Iterable[str | Path] | None) -> list[Path]:
    """The files to read: those given, or manifest.json beside this module."""
    paths = [Path(p) for p in given or ()]
    return paths or [MANIFEST_PATH]


# ---------------------------------------------------------------- checks


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_fields(obj: dict, table: dict, where: str, problems: list[str]) -> None:
    for key in obj:
        if key not in table:
            problems.append(f"{where}: unknown field `{key}`")
    for key, (required, meaning) in table.items():
        if required and key not in obj:
            problems.append(f"{where}: missing `{key}` ({meaning})")


def _entry_problems(raw: object, where: str, lines: dict) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where}: an entry must be an object"]
    problems: list[str] = []
    _check_fields(raw, ENTRY_FIELDS, where, problems)
    repo, path = raw.get("repo"), raw.get("path")
    if "repo" in raw and not (isinstance(repo, str) and _REPO.match(repo)):
        problems.append(f"{where}: `repo` must be owner/name, not {repo!r}")
    if "path" in raw and not _is_relative_path(path):
        problems.append(f"{where}: `path` must be a relative path inside the repository, not {path!r}")
    if "commit" in raw and not (isinstance(raw["commit"], str) and _COMMIT.match(raw["commit"])):
        problems.append(f"{where}: `commit` must be 40 lowercase hex digits, not {raw['commit']!r}")
    if "kind" in raw and raw["kind"] not in KINDS:
        problems.append(f"{where}: `kind` {raw['kind']!r} is not one of {', '.join(KINDS)}")
    if "format" in raw:
        if raw["format"] not in FORMATS:
            problems.append(f"{where}: `format` {raw['format']!r} is not one of {', '.join(FORMATS)}")
        elif isinstance(path, str) and not path.endswith("." + raw["format"]):
            problems.append(f"{where}: `format` is {raw['format']!r} but the path is {path!r}")
    if "python" in raw and raw["python"] not in PYTHON_VERSIONS:
        problems.append(f"{where}: `python` must be 2 or 3, not {raw['python']!r}")
    negative = raw.get("negative")
    if "negative" in raw and not isinstance(negative, bool):
        problems.append(f"{where}: `negative` must be true or false, not {negative!r}")
    cell = raw.get("cell")
    if "cell" in raw:
        if not (isinstance(cell, str) and cell):
            problems.append(f"{where}: `cell` must be a cell name or \"none\", not {cell!r}")
        elif negative is True and cell != NO_CELL:
            problems.append(f"{where}: a negative entry has `cell` \"none\", not {cell!r}")
        elif negative is False and cell == NO_CELL:
            problems.append(f"{where}: `cell` is \"none\" but the entry is not negative")
    categories = raw.get("categories")
    if "categories" in raw:
        if not (isinstance(categories, list) and categories):
            problems.append(f"{where}: `categories` must be a non-empty list")
        else:
            for category in categories:
                if category not in CATEGORIES:
                    problems.append(f"{where}: unknown category {category!r} (known: {', '.join(CATEGORIES)})")
            if len(set(map(str, categories))) != len(categories):
                problems.append(f"{where}: `categories` lists a category twice")
            if isinstance(negative, bool) and negative != ("negative" in categories):
                problems.append(f"{where}: `negative` is {str(negative).lower()} but the category `negative` is "
                                f"{'missing' if negative else 'listed'}")
            if raw.get("format") == "ipynb" and "notebook" not in categories:
                problems.append(f"{where}: a notebook lacks the category `notebook`")
            if raw.get("python") == 2 and "python2" not in categories:
                problems.append(f"{where}: a Python 2 file lacks the category `python2`")
    related = raw.get("related")
    if "related" in raw and not (isinstance(related, list) and all(_is_relative_path(p) for p in related)):
        problems.append(f"{where}: `related` must be a list of relative paths, not {related!r}")
    if "notes" in raw and not isinstance(raw["notes"], str):
        problems.append(f"{where}: `notes` must be a string")
    sites = raw.get("sites")
    if "sites" in raw and not isinstance(sites, list):
        problems.append(f"{where}: `sites` must be a list")
    elif isinstance(sites, list):
        notebook = raw.get("format") == "ipynb"
        for number, site in enumerate(sites, 1):
            line = lines.get(id(site))
            site_where = f"{where}, site {number}" + (f" (JSON line {line})" if line else "")
            problems.extend(_site_problems(site, site_where, notebook, negative is True))
    return problems


def _is_relative_path(path: object) -> bool:
    return (isinstance(path, str) and bool(path) and not path.startswith("/") and "\\" not in path
            and ".." not in path.split("/") and "" not in path.split("/"))


def _site_problems(raw: object, where: str, notebook: bool, negative: bool) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where}: a site must be an object"]
    problems: list[str] = []
    _check_fields(raw, SITE_FIELDS, where, problems)
    line, end_line = raw.get("line"), raw.get("end_line")
    if "line" in raw and not (_is_int(line) and line >= 1):
        problems.append(f"{where}: `line` must be an integer >= 1, not {line!r}")
    if "end_line" in raw:
        if not _is_int(end_line):
            problems.append(f"{where}: `end_line` must be an integer, not {end_line!r}")
        elif _is_int(line) and end_line < line:
            problems.append(f"{where}: `end_line` {end_line} is before `line` {line}")
    for alt in raw.get("alt_lines") or ():
        if _is_int(alt):
            if alt < 1:
                problems.append(f"{where}: `alt_lines` holds {alt}, not a line (>= 1)")
        elif isinstance(alt, str):
            match = _OTHER_FILE_LINE.match(alt)
            if not (match and _is_relative_path(match["path"]) and int(match["line"]) >= 1):
                problems.append(f"{where}: `alt_lines` entry {alt!r} is not \"other/path.py:LINE\"")
        else:
            problems.append(f"{where}: `alt_lines` entry {alt!r} is neither a line nor \"path:line\"")
    if "alt_lines" in raw and not isinstance(raw["alt_lines"], list):
        problems.append(f"{where}: `alt_lines` must be a list")
    cell_fields = [key for key in ("cell", "cell_line", "end_cell_line", "alt_cell_lines") if raw.get(key) is not None]
    if notebook:
        cell, cell_line, end_cell_line = raw.get("cell"), raw.get("cell_line"), raw.get("end_cell_line")
        if not (_is_int(cell) and cell >= 0):
            problems.append(f"{where}: a notebook site needs `cell`, the 0-based cell index, not {cell!r}")
        if not (_is_int(cell_line) and cell_line >= 1):
            problems.append(f"{where}: a notebook site needs `cell_line`, the 1-based line in the cell, not {cell_line!r}")
        if end_cell_line is not None and not (_is_int(end_cell_line) and _is_int(cell_line) and end_cell_line >= cell_line):
            problems.append(f"{where}: `end_cell_line` {end_cell_line!r} is not a line at or after `cell_line` {cell_line!r}")
        alt_cell_lines = raw.get("alt_cell_lines") or []
        if not (isinstance(alt_cell_lines, list) and all(_is_int(x) and x >= 1 for x in alt_cell_lines)):
            problems.append(f"{where}: `alt_cell_lines` must be a list of 1-based lines, not {alt_cell_lines!r}")
    elif cell_fields:
        problems.append(f"{where}: {', '.join('`' + k + '`' for k in cell_fields)} only apply to notebooks")
    role = raw.get("role")
    if "role" in raw:
        if role in ROLE_ALIASES:
            problems.append(f"{where}: role {role!r} is spelled {ROLE_ALIASES[role]!r} in the manifest")
        elif role not in ROLES:
            problems.append(f"{where}: unknown role {role!r} (known: {', '.join(ROLES)})")
        elif negative and role != NEGATIVE_ROLE:
            problems.append(f"{where}: a negative entry's sites have role `not_lstm`, not {role!r}")
        elif not negative and role == NEGATIVE_ROLE:
            problems.append(f"{where}: role `not_lstm` is for negative entries; a non-cell weight here is `other`")
    gates = raw.get("gates")
    if gates is not None and not (isinstance(gates, list) and all(isinstance(g, str) and g for g in gates)):
        problems.append(f"{where}: `gates` must be a list of gate names, not {gates!r}")
    for key in ("weight", "initializer"):
        if key in raw and not (isinstance(raw[key], str) and raw[key].strip()):
            problems.append(f"{where}: `{key}` must be a non-empty string")
    for key in ("deviates", "ambiguous"):
        if key in raw and not isinstance(raw[key], bool):
            problems.append(f"{where}: `{key}` must be true or false, not {raw[key]!r}")
    fix = raw.get("expected_fix")
    if "expected_fix" in raw and fix not in EXPECTED_FIXES:
        problems.append(f"{where}: `expected_fix` {fix!r} is not one of {', '.join(EXPECTED_FIXES)}")
    deviates = raw.get("deviates")
    # Only for unambiguous sites: an ambiguous one is not scored, and may name the fix a reader who
    # counts it as a deviation would make, or none where the reference has no counterpart.
    if raw.get("ambiguous") is False:
        if deviates is True and fix == NO_FIX:
            problems.append(f"{where}: `deviates` is true but `expected_fix` is \"none\" (and the site is not ambiguous)")
        if deviates is False and fix in EXPECTED_FIXES and fix != NO_FIX:
            problems.append(f"{where}: `deviates` is false but `expected_fix` is {fix!r} (and the site is not ambiguous)")
    reason = raw.get("reason")
    if raw.get("ambiguous") is True and not (isinstance(reason, str) and reason.strip()):
        problems.append(f"{where}: an ambiguous site needs a `reason`")
    if reason is not None and not isinstance(reason, str):
        problems.append(f"{where}: `reason` must be a string or null")
    return problems


def _entry_where(document: _Document, number: int, raw: object) -> str:
    line = document.lines.get(id(raw))
    label = ""
    if isinstance(raw, dict):
        label = f" ({raw.get('repo', '?')} {raw.get('path', '?')})"
    return f"{document.path}:{line or 1}: entry {number}{label}"


def _read_all(paths: Iterable[str | Path] | None) -> list[_Document]:
    return [_read(path) for path in manifest_paths(paths)]


def validate(paths: Iterable[str | Path] | None = None) -> list[str]:
    """Every problem of the manifest (or the shards, merged), one human-readable line each; [] when usable.

    `paths`: the manifest file, or shard files to merge; default manifest.json beside this module.
    """
    documents = _read_all(paths)
    return _problems(documents)


def _problems(documents: list[_Document]) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    references = {d.reference for d in documents if d.reference}
    if len(references) > 1:
        problems.append("the manifests name different references: " + ", ".join(sorted(references)))
    for document in documents:
        problems.extend(document.problems)
        for number, raw in enumerate(document.entries, 1):
            where = _entry_where(document, number, raw)
            problems.extend(_entry_problems(raw, where, document.lines))
            if isinstance(raw, dict) and isinstance(raw.get("repo"), str) and isinstance(raw.get("path"), str):
                key = (raw["repo"], raw["path"])
                if key in seen:
                    problems.append(f"{where}: {key[0]} {key[1]} is already labelled at {seen[key]}")
                else:
                    seen[key] = where.split(": entry")[0]
    return problems


# ---------------------------------------------------------------- building the values


def _site(raw: dict, origin: str) -> Site:
    alt_lines = tuple(a for a in raw.get("alt_lines") or () if _is_int(a))
    alt_other = tuple(
        OtherFileLine(m["path"], int(m["line"]))
        for a in raw.get("alt_lines") or () if isinstance(a, str) and (m := _OTHER_FILE_LINE.match(a))
    )
    cell_line = raw.get("cell_line")
    gates = raw.get("gates")
    role = ROLE_ALIASES.get(raw["role"], raw["role"])
    return Site(
        line=raw["line"], end_line=raw.get("end_line", raw["line"]), alt_lines=alt_lines,
        alt_other_files=alt_other, cell=raw.get("cell"), cell_line=cell_line,
        end_cell_line=raw.get("end_cell_line") or cell_line, alt_cell_lines=tuple(raw.get("alt_cell_lines") or ()),
        weight=raw["weight"], role=role, gates=tuple(gates) if gates is not None else None,
        initializer=raw["initializer"], deviates=raw["deviates"], expected_fix=raw["expected_fix"],
        ambiguous=raw["ambiguous"], reason=raw.get("reason"), origin=origin,
    )


def _entry(raw: dict, origin: str, lines: dict, path: str) -> Entry:
    return Entry(
        repo=raw["repo"], path=raw["path"], commit=raw["commit"], kind=raw["kind"], cell=raw["cell"],
        negative=raw["negative"], format=raw["format"], python=raw["python"],
        categories=tuple(raw["categories"]), related=tuple(raw["related"]), notes=raw["notes"],
        sites=tuple(_site(s, f"{path}:{lines.get(id(s), '?')}") for s in raw["sites"]), origin=origin,
    )


def load(paths: Iterable[str | Path] | None = None, *, lenient: bool = False) -> tuple[Manifest, list[str]]:
    """The manifest's entries, and its problems.

    Raises ManifestError when there are problems, unless `lenient`: then the entries that have a
    problem are left out and the problems returned, so a half-labelled shard can still be scored.
    """
    documents = _read_all(paths)
    problems = _problems(documents)
    if problems and not lenient:
        raise ManifestError(problems)
    entries = []
    seen = set()
    for document in documents:
        for number, raw in enumerate(document.entries, 1):
            where = _entry_where(document, number, raw)
            if _entry_problems(raw, where, document.lines):
                continue
            if (raw["repo"], raw["path"]) in seen:
                continue
            seen.add((raw["repo"], raw["path"]))
            entries.append(_entry(raw, where.split(": entry")[0], document.lines, document.path))
    reference = next((d.reference for d in documents if d.reference), "keras")
    return Manifest(reference, tuple(entries), tuple(d.path for d in documents)), problems
