"""Score lstm-init-lint on the real-world benchmark's laid-out repositories.

    python benchmarks/realworld/score.py --tree DIR [--manifest FILE...] [--tool "CMD"] [--json OUT]
                                         [--no-fix-check] [--no-import-check] [--import-timeout S]
                                         [--jobs N] [--lenient]

DIR is what rehydrate.py laid out. Each entry's file is linted with `CMD --format json --no-cache
--reference REF PATH` (default CMD: this Python's `-m lstm_init_lint`), from the root of the entry's
repository tree so imports of sibling modules resolve. The figures (scoring rule in README.md):

- recall: unambiguous deviating sites with a matching finding, over all of them;
- precision: findings on unambiguous deviating sites, over those plus the spurious ones (on an
  `other`/`not_lstm` site, a non-deviating site, or an unlabelled line); findings on ambiguous sites
  count neither way, and a second finding on a site already found counts like the first;
- roles: of the findings on deviating sites, how many name the labelled role;
- fixable: the share of all findings marked `fixable`;
- fix check (unless --no-fix-check), on a copy of each tree: `--fix` on each entry's file that has a
  fixable finding (and that the tool could analyse); of the files it changed (the entry's file, or only the
  project module it imports whose weights the fix rewrites there: such a module must parse too), how many still parse (Python 3: `ast`; Python 2: lib2to3's Python 2 grammar;
  notebooks: each code cell that parsed before); for Python 3 files that import only TensorFlow,
  Keras, NumPy and the standard library, whether the fixed file still imports (or fails exactly as
  the original does); and whether a second `--fix` changes nothing.

Then one line per miss and per spurious finding, the errors, and tables per category and per kind.
`--json OUT` writes every figure. Exit status: 0 scored (files the tool could not analyse are figures,
listed under errors); 1 some entries' files are missing from the tree; 2 a usage error or a manifest
with problems.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent))

from manifest import CATEGORIES, KINDS, NEGATIVE_ROLE, OTHER_ROLE, Entry, Site  # noqa: E402
from rehydrate import load_manifest, tree_names, tree_of  # noqa: E402

DEFAULT_TOOL = (sys.executable, "-m", "lstm_init_lint")
TOOL_TIMEOUT_S = 300
# What a file may import for the import check: anything else (a sibling module, a third-party
# package) would make "it imports" a statement about the environment, not about the fix.
IMPORTABLE_ROOTS = frozenset({"tensorflow", "keras", "tf_keras", "numpy", "__future__"}) | frozenset(sys.stdlib_module_names)
# Imports the file as a module (its `if __name__ == "__main__":` block does not run), and prints the
# exception's last line on failure, as `python FILE` would.
IMPORT_RUNNER = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__benchmark_import__')"
MESSAGE_WIDTH = 110


# ---------------------------------------------------------------- what the tool reported


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the repository tree's root, with /
    line: int  # in a notebook: within the cell `notebook_cell`
    code: str
    role: str
    weight: str
    message: str
    fixable: bool
    notebook_cell: int | None  # 1-based, among all of the notebook's cells
    no_fix_reason: str = ""  # why an unfixable finding has no automatic fix (listed, to work on)

    @property
    def where(self) -> str:
        return f"{self.path}:cell {self.notebook_cell}:{self.line}" if self.notebook_cell else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class ToolRun:
    findings: tuple[Finding, ...]
    error: str | None  # the tool's standard error when it failed on the file (exit 2, a crash)


def relative_posix(path: str, root: Path) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(root.resolve())
        except ValueError:
            pass
    return PurePosixPath(*candidate.parts).as_posix() if candidate.parts else path


def findings_from_json(text: str, root: Path) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            path=relative_posix(item["path"], root), line=item["line"], code=item["code"], role=item["role"],
            weight=item.get("instance") or item.get("weight") or "", message=item.get("message", ""),
            fixable=bool(item.get("fixable")), notebook_cell=item.get("notebook_cell"),
            no_fix_reason=item.get("no_fix_reason") or "",
        )
        for item in json.loads(text)
    )


def run_tool(tool: Sequence[str], root: Path, path: str, arguments: Sequence[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*tool, *arguments, path], cwd=root, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S,
        env={**os.environ, "NO_COLOR": "1"},
    )


def lint(tool: Sequence[str], root: Path, path: str, reference: str) -> ToolRun:
    try:
        result = run_tool(tool, root, path, ["--format", "json", "--no-cache", "--reference", reference])
    except subprocess.TimeoutExpired:
        return ToolRun((), f"the tool ran past {TOOL_TIMEOUT_S} s")
    if not result.stdout.strip():
        # No JSON at all: a clean run prints `[]`, so this is a failure (a crash exits 1 too).
        if result.returncode == 0:
            return ToolRun((), None)
        return ToolRun((), f"exit {result.returncode}: " + result.stderr.strip()[-2000:])
    try:
        findings = findings_from_json(result.stdout, root)
    except (ValueError, KeyError, TypeError) as error:
        return ToolRun((), f"exit {result.returncode}; its output is not the JSON array ({error}): "
                           + (result.stderr or result.stdout).strip()[-2000:])
    if result.returncode not in (0, 1):
        return ToolRun(findings, f"exit {result.returncode}: " + result.stderr.strip()[-2000:])
    return ToolRun(findings, None)


# ---------------------------------------------------------------- matching (pure)


@dataclass(frozen=True)
class Verdict:
    """One finding, and what the labels make of it."""

    finding: Finding
    site: Site | None
    outcome: str  # "correct", "ambiguous" (not counted) or "spurious"
    why: str  # for spurious: "unlabelled line", "`other` site", "`not_lstm` site", "non-deviating site"


@dataclass(frozen=True)
class EntryScore:
    entry: Entry
    tree: str
    verdicts: tuple[Verdict, ...]
    found: tuple[Site, ...]
    missed: tuple[Site, ...]
    error: str | None

    @property
    def correct(self) -> int:
        return sum(v.outcome == "correct" for v in self.verdicts)

    @property
    def spurious(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.outcome == "spurious")


def at_site(entry: Entry, site: Site, finding: Finding) -> bool:
    """Whether the finding is reported where the site is (README.md, "Scoring")."""
    if finding.path == entry.path:
        if entry.is_notebook:
            if finding.notebook_cell is None or site.cell is None or finding.notebook_cell != site.cell + 1:
                return False
            return site.cell_line <= finding.line <= site.end_cell_line or finding.line in site.alt_cell_lines
        return site.line <= finding.line <= site.end_line or finding.line in site.alt_lines
    return any(other.path == finding.path and other.line == finding.line for other in site.alt_other_files)


def _judge(finding: Finding, site: Site | None) -> Verdict:
    if site is None:
        return Verdict(finding, None, "spurious", "unlabelled line")
    if site.ambiguous:
        return Verdict(finding, site, "ambiguous", "")
    if site.role == OTHER_ROLE:
        return Verdict(finding, site, "spurious", "`other` site")
    if site.role == NEGATIVE_ROLE:
        return Verdict(finding, site, "spurious", "`not_lstm` site")
    if not site.deviates:
        return Verdict(finding, site, "spurious", "non-deviating site")
    return Verdict(finding, site, "correct", "")


def on_site_lines(entry: Entry, site: Site, finding: Finding) -> bool:
    """Whether the finding is on the site's own statement (not only on one of its `alt_lines`)."""
    if finding.path != entry.path:
        return False
    if entry.is_notebook:
        return (site.cell is not None and finding.notebook_cell == site.cell + 1
                and site.cell_line <= finding.line <= site.end_cell_line)
    return site.line <= finding.line <= site.end_line


def score_entry(entry: Entry, tree: str, run: ToolRun) -> EntryScore:
    """Match the findings to the sites. Several sites may share a line (a Dense kernel and its bias, a
    helper's line in the `alt_lines` of each weight it makes), so each finding takes, in this order: a
    free site of its own role on whose statement it is, then one of its role through `alt_lines`, then
    any free site (on its statement, deviating, first), then a site another finding already took (a
    statement that creates several weights in a loop is one site)."""
    candidates = [sorted((s for s in entry.sites if at_site(entry, s, f)), key=lambda s: not on_site_lines(entry, s, f))
                  for f in run.findings]
    taken: dict[int, Site] = {}  # finding index -> site
    used: set[int] = set()  # id(site)

    def take(index: int, choices: Iterable[Site]) -> None:
        for site in choices:
            taken[index] = site
            used.add(id(site))
            return

    for primary in (True, False):
        for index, finding in enumerate(run.findings):
            if index not in taken:
                take(index, (s for s in candidates[index] if id(s) not in used and s.role == finding.role
                             and on_site_lines(entry, s, finding) == primary))
    for index, finding in enumerate(run.findings):
        if index not in taken:
            free = [s for s in candidates[index] if id(s) not in used]
            take(index, sorted(free, key=lambda s: (not on_site_lines(entry, s, finding), not s.scored, s.ambiguous)))
    for index, finding in enumerate(run.findings):
        if index not in taken and candidates[index]:
            take(index, sorted(candidates[index], key=lambda s: (s.role != finding.role, not s.scored)))
    verdicts = tuple(_judge(f, taken.get(i)) for i, f in enumerate(run.findings))
    found_ids = {id(v.site) for v in verdicts if v.outcome == "correct"}
    scored = [s for s in entry.sites if s.scored]
    return EntryScore(
        entry=entry, tree=tree, verdicts=verdicts,
        found=tuple(s for s in scored if id(s) in found_ids),
        missed=tuple(s for s in scored if id(s) not in found_ids),
        error=run.error,
    )


@dataclass(frozen=True)
class Tally:
    entries: int
    deviating_sites: int
    found: int
    missed: int
    correct_findings: int
    spurious_findings: int
    ambiguous_findings: int
    errors: int

    @property
    def recall(self) -> float | None:
        return self.found / self.deviating_sites if self.deviating_sites else None

    @property
    def precision(self) -> float | None:
        counted = self.correct_findings + self.spurious_findings
        return self.correct_findings / counted if counted else None

    def as_dict(self) -> dict:
        return {**asdict(self), "recall": self.recall, "precision": self.precision}


def tally(scores: Sequence[EntryScore]) -> Tally:
    return Tally(
        entries=len(scores),
        deviating_sites=sum(len(s.found) + len(s.missed) for s in scores),
        found=sum(len(s.found) for s in scores),
        missed=sum(len(s.missed) for s in scores),
        correct_findings=sum(s.correct for s in scores),
        spurious_findings=sum(len(s.spurious) for s in scores),
        ambiguous_findings=sum(v.outcome == "ambiguous" for s in scores for v in s.verdicts),
        errors=sum(s.error is not None for s in scores),
    )


# ---------------------------------------------------------------- the fix check


def mask_ipython(source: str) -> str | None:
    """A notebook cell as Python: magics and shell escapes become `pass` (lines kept); None for a cell
    magic cell, which is not Python."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return None
    masked = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and not stripped.startswith("#")):
            masked.append(indent + "pass")
        else:
            masked.append(line)
    return "\n".join(masked) + "\n"


def parse_error(source: str, python: int) -> str | None:
    """Why the source does not parse as Python `python` (2: lib2to3's Python 2 grammar), or None."""
    if python == 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from lib2to3 import pygram, pytree
            from lib2to3.pgen2 import driver, parse, tokenize
        try:
            driver.Driver(pygram.python_grammar, convert=pytree.convert).parse_string(source.rstrip("\n") + "\n")
        except (parse.ParseError, tokenize.TokenError, IndentationError) as error:
            return f"{type(error).__name__}: {error}"
        return None
    try:
        ast.parse(source)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def file_parse_errors(data: bytes, notebook: bool, python: int) -> dict[str, str | None]:
    """Parse outcome per unit: the whole file, or each code cell of a notebook ("cell N", 0-based)."""
    text = data.decode("utf-8", "replace")
    if not notebook:
        return {"file": parse_error(text, python)}
    try:
        cells = json.loads(text)["cells"]
    except (ValueError, KeyError, TypeError):
        return {"file": "not a notebook"}
    outcomes = {}
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        masked = mask_ipython("".join(source) if isinstance(source, list) else source)
        if masked is not None:
            outcomes[f"cell {index}"] = parse_error(masked, python)
    return outcomes


def still_parses(original: bytes, fixed: bytes, notebook: bool, python: int) -> str | None:
    """None when every unit that parsed before the fix still parses; else what broke."""
    before = file_parse_errors(original, notebook, python)
    after = file_parse_errors(fixed, notebook, python)
    for unit, error in after.items():
        if error is not None and before.get(unit) is None:
            return f"{unit}: {error}"
    return None


def import_roots(source: bytes) -> set[str] | None:
    """The top-level modules a Python 3 file imports anywhere; None if it has a relative import or
    does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                return None
            roots.add((node.module or "").split(".")[0])
    return roots


def import_eligible(entry: Entry, source: bytes) -> bool:
    if entry.is_notebook or entry.python != 3:
        return False
    roots = import_roots(source)
    return roots is not None and roots <= IMPORTABLE_ROOTS


def import_outcome(root: Path, path: str, timeout: float) -> str:
    """"ok", "timeout", or the last line of the exception, from importing the file in a fresh Python."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1", "MPLBACKEND": "Agg",
           "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        result = subprocess.run([sys.executable, "-c", IMPORT_RUNNER, path], cwd=root, capture_output=True,
                                text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "timeout"
    if result.returncode == 0:
        return "ok"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit {result.returncode}"


@dataclass(frozen=True)
class FixResult:
    entry: Entry
    tree: str
    changed: bool
    parse_problem: str | None  # what a fix broke, or None
    import_before: str | None  # None: not checked
    import_after: str | None
    second_fix_changed: bool
    error: str | None

    @property
    def import_worse(self) -> bool:
        return self.import_after is not None and self.import_after != "ok" and self.import_after != self.import_before


@dataclass(frozen=True)
class FixSummary:
    files: int
    changed: int
    parse: int
    parse_python2: int
    import_checked: int
    import_fine: int
    import_worse: int
    import_skipped_reason: str | None
    second_fix_changed: int
    errors: int
    results: tuple[FixResult, ...] = field(repr=False, default=())

    def as_dict(self) -> dict:
        data = asdict(self)
        data["results"] = [
            {"path": f"{r.tree}/{r.entry.path}", "changed": r.changed, "parse_problem": r.parse_problem,
             "import_before": r.import_before, "import_after": r.import_after, "import_worse": r.import_worse,
             "second_fix_changed": r.second_fix_changed, "error": r.error}
            for r in self.results
        ]
        return data


def python_files(root: Path) -> dict[str, bytes]:
    """Every ``.py`` file under ``root`` (by its path relative to it) and its bytes."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*.py")) if path.is_file() and not path.is_symlink()}


def fix_check(entries: Sequence[Entry], names: dict, tree_dir: Path, tool: Sequence[str], reference: str,
              import_timeout: float, jobs: int, check_imports: bool = True) -> FixSummary:
    """`--fix` on a copy of each tree; the parse, import and second-fix checks."""
    skip_imports = None
    if not check_imports:
        skip_imports = "--no-import-check"
    elif importlib.util.find_spec("tensorflow") is None:
        skip_imports = f"TensorFlow is not installed for {sys.executable}"
    with tempfile.TemporaryDirectory(prefix="realworld-fix-") as scratch:
        original_root = Path(scratch) / "original"
        fixed_root = Path(scratch) / "fixed"
        for name in sorted({tree_of(e, names) for e in entries}):
            if (tree_dir / name).is_dir():
                shutil.copytree(tree_dir / name, original_root / name, symlinks=True)
                shutil.copytree(tree_dir / name, fixed_root / name, symlinks=True)
        prepared = []
        for entry in entries:
            name = tree_of(entry, names)
            fixed_file = fixed_root / name / entry.path
            if not fixed_file.is_file():
                continue
            original = fixed_file.read_bytes()
            error = None
            # A fix may edit a module the entry imports (its weights are created there): those count too.
            tree_before = python_files(fixed_root / name)
            others: dict[str, tuple[bytes, bytes]] = {}
            try:
                first = run_tool(tool, fixed_root / name, entry.path, ["--fix", "--no-cache", "--reference", reference])
                if first.returncode not in (0, 1):
                    error = f"--fix exit {first.returncode}: {first.stderr.strip()[-500:]}"
                fixed = fixed_file.read_bytes()
                others = {path: (tree_before[path], data) for path, data in python_files(fixed_root / name).items()
                          if path != entry.path and path in tree_before and tree_before[path] != data}
                second_changed = False
                if fixed != original or others:
                    run_tool(tool, fixed_root / name, entry.path, ["--fix", "--no-cache", "--reference", reference])
                    again = python_files(fixed_root / name)
                    second_changed = fixed_file.read_bytes() != fixed or any(again.get(path) != data for path, (_, data) in others.items())
                    fixed_file.write_bytes(fixed)  # the import check runs the first fix's text
            except subprocess.TimeoutExpired:
                error, fixed, second_changed = f"--fix ran past {TOOL_TIMEOUT_S} s", fixed_file.read_bytes(), False
            prepared.append((entry, name, original, fixed, second_changed, error, others))

        def check(item) -> FixResult:
            entry, name, original, fixed, second_changed, error, others = item
            changed = fixed != original or bool(others)
            parse_problem = still_parses(original, fixed, entry.is_notebook, entry.python) if fixed != original else None
            for path, (before_bytes, after_bytes) in sorted(others.items()):
                parse_problem = parse_problem or still_parses(before_bytes, after_bytes, False, 3)
            before = after = None
            if changed and skip_imports is None and import_eligible(entry, original):
                before = import_outcome(original_root / name, entry.path, import_timeout)
                after = import_outcome(fixed_root / name, entry.path, import_timeout)
            return FixResult(entry, name, changed, parse_problem, before, after, second_changed, error)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = tuple(pool.map(check, prepared))
    changed = [r for r in results if r.changed]
    checked = [r for r in changed if r.import_after is not None]
    return FixSummary(
        files=len(results), changed=len(changed),
        parse=sum(r.parse_problem is None for r in changed),
        parse_python2=sum(r.parse_problem is None and r.entry.python == 2 for r in changed),
        import_checked=len(checked), import_fine=sum(not r.import_worse for r in checked),
        import_worse=sum(r.import_worse for r in checked),
        import_skipped_reason=skip_imports,
        second_fix_changed=sum(r.second_fix_changed for r in results), errors=sum(r.error is not None for r in results),
        results=results,
    )


# ---------------------------------------------------------------- report


def ratio(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def shorten(text: str, width: int = MESSAGE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def site_where(score: EntryScore, site: Site) -> str:
    if score.entry.is_notebook and site.cell is not None:
        return f"{score.tree}/{score.entry.path}:cell {site.cell + 1}:{site.cell_line}"
    return f"{score.tree}/{score.entry.path}:{site.line}"


def expected_text(site: Site | None) -> str:
    return "nothing" if site is None else f"{site.role} ({site.initializer})"


def got_text(finding: Finding) -> str:
    return f"{finding.code} {finding.role} {finding.message}"


def miss_lines(scores: Sequence[EntryScore]) -> list[str]:
    return [f"{site_where(s, site)}: expected {expected_text(site)} / got nothing"
            + (" (the tool could not analyse the file)" if s.error else "")
            for s in scores for site in s.missed]


def unfixable_lines(scores: Sequence[EntryScore]) -> list[str]:
    """Each finding without an automatic fix, with the tool's reason: the work list of the fixable share."""
    return [f"{s.tree}/{v.finding.where}: {v.finding.code} {v.finding.role}: {v.finding.no_fix_reason or 'no reason given'}"
            for s in scores for v in s.verdicts if not v.finding.fixable]


def spurious_lines(scores: Sequence[EntryScore]) -> list[str]:
    return [f"{s.tree}/{v.finding.where}: expected {expected_text(v.site)} [{v.why}] / got {got_text(v.finding)}"
            for s in scores for v in s.spurious]


def role_lines(scores: Sequence[EntryScore]) -> list[str]:
    return [f"{s.tree}/{v.finding.where}: expected {v.site.role} / got {v.finding.code} {v.finding.role} `{v.finding.weight}`"
            for s in scores for v in s.verdicts if v.outcome == "correct" and v.finding.role != v.site.role]


def table(title: str, groups: dict[str, Tally]) -> list[str]:
    lines = [f"| {title} | entries | deviating sites | found | missed | spurious | recall | precision |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, t in groups.items():
        if t.entries:
            lines.append(f"| {name} | {t.entries} | {t.deviating_sites} | {t.found} | {t.missed} | "
                         f"{t.spurious_findings} | {ratio(t.recall).strip()} | {ratio(t.precision).strip()} |")
    return lines


def summary(scores: Sequence[EntryScore]) -> dict:
    total = tally(scores)
    matched = [v for s in scores for v in s.verdicts if v.outcome == "correct"]
    findings = [v.finding for s in scores for v in s.verdicts]
    return {
        **total.as_dict(),
        "repositories": len({s.entry.repo for s in scores}),
        "negatives": sum(s.entry.negative for s in scores),
        "findings": len(findings),
        "role_agreement": (sum(v.finding.role == v.site.role for v in matched) / len(matched)) if matched else None,
        "role_agreeing": sum(v.finding.role == v.site.role for v in matched),
        "fixable": sum(f.fixable for f in findings),
        "fixable_share": (sum(f.fixable for f in findings) / len(findings)) if findings else None,
        "findings_per_code": dict(sorted(Counter(f.code for f in findings).items())),
    }


def report(scores: Sequence[EntryScore], fixes: FixSummary | None, tool: Sequence[str]) -> list[str]:
    figures = summary(scores)
    lines = [
        f"real-world benchmark: {figures['entries']} entries from {figures['repositories']} repositories "
        f"({figures['negatives']} negative); tool: {shlex.join(tool)}",
        f"recall     {ratio(figures['recall'])}  ({figures['found']} of {figures['deviating_sites']} unambiguous "
        "deviating sites found)",
        f"precision  {ratio(figures['precision'])}  ({figures['correct_findings']} findings on deviating sites, "
        f"{figures['spurious_findings']} spurious; {figures['ambiguous_findings']} on ambiguous sites not counted)",
        f"roles      {ratio(figures['role_agreement'])}  ({figures['role_agreeing']} of {figures['correct_findings']} "
        "findings on deviating sites name the labelled role)",
        f"fixable    {ratio(figures['fixable_share'])}  ({figures['fixable']} of {figures['findings']} findings)",
        f"errors     {figures['errors']} files the tool could not analyse",
    ]
    if fixes is None:
        lines.append("fix check  not run (--no-fix-check)")
    else:
        python2 = f", {fixes.parse_python2} of them Python 2" if fixes.parse_python2 else ""
        lines.append(f"fix        --fix changed {fixes.changed} of the {fixes.files} files with a fixable finding; "
                     f"{fixes.parse} of {fixes.changed} still parse{python2}")
        if fixes.import_skipped_reason:
            lines.append(f"imports    not checked: {fixes.import_skipped_reason}")
        else:
            lines.append(f"imports    {fixes.import_fine} of {fixes.import_checked} fixed files import as well as "
                         f"the original (Python 3 files importing only TensorFlow/Keras/NumPy/stdlib); "
                         f"{fixes.import_worse} worse")
        lines.append(f"idempotent {fixes.changed - fixes.second_fix_changed} of {fixes.changed}: a second --fix "
                     f"changed {fixes.second_fix_changed} files")
    sections = [
        ("misses", miss_lines(scores)),
        ("spurious findings", spurious_lines(scores)),
        ("role disagreements (found, but another role)", role_lines(scores)),
        ("findings without an automatic fix", unfixable_lines(scores)),
        ("errors", [f"{s.tree}/{s.entry.path}: {shorten(s.error, 400)}" for s in scores if s.error]),
    ]
    if fixes is not None:
        sections += [
            ("fixes that broke parsing", [f"{r.tree}/{r.entry.path}: {r.parse_problem}" for r in fixes.results
                                          if r.parse_problem]),
            ("fixes that import worse", [f"{r.tree}/{r.entry.path}: before: {r.import_before} / after: {r.import_after}"
                                         for r in fixes.results if r.import_worse]),
            ("not idempotent (a second --fix changed them)",
             [f"{r.tree}/{r.entry.path}" for r in fixes.results if r.second_fix_changed]),
            ("fix errors", [f"{r.tree}/{r.entry.path}: {r.error}" for r in fixes.results if r.error]),
        ]
    for title, items in sections:
        if items:
            lines += ["", f"{title} ({len(items)}):"] + ["  " + shorten(item, 400) for item in items]
    lines += ["", *table("category", {c: tally([s for s in scores if c in s.entry.categories]) for c in CATEGORIES})]
    lines += ["", *table("kind", {k: tally([s for s in scores if s.entry.kind == k]) for k in KINDS})]
    return lines


def figures_json(scores: Sequence[EntryScore], fixes: FixSummary | None, tool: Sequence[str],
                 manifests: Sequence[str] | None, not_scored: Sequence[str] = ()) -> dict:
    return {
        "tool": list(tool),
        "manifests": list(manifests or ["manifest.json"]),
        "not_scored": list(not_scored),
        "summary": summary(scores),
        "fix_check": None if fixes is None else fixes.as_dict(),
        "misses": miss_lines(scores),
        "spurious": spurious_lines(scores),
        "role_disagreements": role_lines(scores),
        "unfixable": unfixable_lines(scores),
        "errors": [{"path": f"{s.tree}/{s.entry.path}", "error": s.error} for s in scores if s.error],
        "categories": {c: tally([s for s in scores if c in s.entry.categories]).as_dict() for c in CATEGORIES},
        "kinds": {k: tally([s for s in scores if s.entry.kind == k]).as_dict() for k in KINDS},
        "entries": [
            {"repo": s.entry.repo, "path": s.entry.path, "tree": s.tree, "deviating_sites": len(s.found) + len(s.missed),
             "found": len(s.found), "missed": len(s.missed), "correct_findings": s.correct,
             "spurious_findings": len(s.spurious), "error": s.error}
            for s in scores
        ],
    }


# ---------------------------------------------------------------- command line


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Score lstm-init-lint on the real-world benchmark's trees (laid out by rehydrate.py).",
        epilog="Exit status: 0 scored, 1 some entries' files missing from the tree, 2 usage or manifest problems.",
    )
    parser.add_argument("--tree", type=Path, required=True, help="the directory rehydrate.py --out laid out")
    parser.add_argument("--manifest", nargs="+", metavar="FILE",
                        help="manifest.json, or shard files to merge (default: manifest.json beside this script)")
    parser.add_argument("--tool", help="the command to run instead of this Python's -m lstm_init_lint "
                                       "(split like a shell); it gets --format json --no-cache --reference REF PATH")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write every figure to OUT as JSON")
    parser.add_argument("--no-fix-check", action="store_true", help="skip the --fix checks (parse, import, second fix)")
    parser.add_argument("--no-import-check", action="store_true",
                        help="in the fix check, skip the import of original and fixed files (each imports TensorFlow)")
    parser.add_argument("--import-timeout", type=float, default=120.0, metavar="S",
                        help="seconds for each import of the import check (default %(default)s)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="tool runs and import checks run at once (default %(default)s)")
    parser.add_argument("--lenient", action="store_true",
                        help="leave out entries with manifest problems instead of stopping (for half-labelled shards)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if not arguments.tree.is_dir():
        print(f"error: --tree {arguments.tree} is not a directory (lay it out with rehydrate.py --out)", file=sys.stderr)
        return 2
    manifest = load_manifest(arguments.manifest, arguments.lenient)
    if manifest is None:
        return 2
    entries, reference = manifest.entries, manifest.reference
    tool = tuple(shlex.split(arguments.tool)) if arguments.tool else DEFAULT_TOOL
    names = tree_names(entries)
    # An entry whose file is not in the tree (its mirror is missing) is not scored: that says nothing
    # about the tool. It is listed, and the exit status is 1.
    present = [e for e in entries if (arguments.tree / tree_of(e, names) / e.path).is_file()]
    absent = [e for e in entries if e not in present]
    with ThreadPoolExecutor(max_workers=max(1, arguments.jobs)) as pool:
        runs = list(pool.map(lambda e: lint(tool, arguments.tree / tree_of(e, names), e.path, reference), present))
    scores = [score_entry(e, tree_of(e, names), run) for e, run in zip(present, runs)]
    # --fix runs where it has something to do: files the tool analysed with a fixable finding.
    fix_targets = [s.entry for s in scores if s.error is None and any(v.finding.fixable for v in s.verdicts)]
    fixes = None if arguments.no_fix_check else fix_check(
        fix_targets, names, arguments.tree, tool, reference, arguments.import_timeout, arguments.jobs,
        check_imports=not arguments.no_import_check)
    print("\n".join(report(scores, fixes, tool)))
    if absent:
        print(f"\nnot scored: {len(absent)} entries whose file is not in {arguments.tree} (run rehydrate.py):",
              file=sys.stderr)
        for entry in absent:
            print(f"  {tree_of(entry, names)}/{entry.path}", file=sys.stderr)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures_json(
            scores, fixes, tool, arguments.manifest, [f"{tree_of(e, names)}/{e.path}" for e in absent]), indent=1) + "\n",
                                  encoding="utf-8")
    return 1 if absent else 0


if __name__ == "__main__":
    sys.exit(main())
