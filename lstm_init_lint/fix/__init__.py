"""``--fix``: rewrite each deviating initialiser to the reference's.

    plan        the edit each finding would need, or why there is none
    spelling    the reference initialiser in the file's own dialect
    (here)      apply the edits, re-parse, re-lint, repeat until nothing changes

``fix_python`` is pure: bytes in, bytes out (``engine.fix_source`` is the
entry point, for notebooks too). Writing files is the caller's business
(``run.files.write_atomically``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..model import Edit, FileError, FileResult, Finding, Settings, Span
from ..source.parse import source_text
from .plan import Text

MAX_ROUNDS = 4

# ``engine.lint_python`` with its fixes planned, handed in by the engine (the
# fixer re-lints each round's result; it does not import the engine that calls it).
Lint = Callable[[bytes, str, Settings, bool], FileResult]  # (source, path, settings, python2)


@dataclass(frozen=True)
class FixOutcome:
    path: str
    original: bytes
    fixed: bytes  # == original when nothing changed
    applied: tuple[Finding, ...]  # the findings the edits answered
    remaining: tuple[Finding, ...]  # what is still reported after fixing
    error: FileError | None = None
    encoding: str = "utf-8"
    skipped: str | None = None  # why the file was left unread by the fixer, when that is no error
    passed_over: bool = False  # the pre-filter or the gate showed it cannot hold a cell: not checked
    # (path, digest) of each project module the last analysis read: a fix
    # ``remaining`` plans in one of them (``Fix.elsewhere``) was planned on those bytes.
    modules: tuple[tuple[str, str], ...] = ()
    imported: bool = False  # not checked itself: written for the fixes of the files that import it

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def apply_edits(code: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (later ones first, so offsets hold)."""
    text = Text(code)
    placed = sorted({(text.span_offsets(e.span), e.text) for e in edits}, key=lambda item: item[0], reverse=True)
    out = code
    previous_start = len(code) + 1
    for (start, end), new in placed:
        if end > previous_start:
            raise ValueError("overlapping edits")
        out = out[:start] + new + out[end:]
        previous_start = start
    return out


def fix_python(source: bytes, path: str, settings: Settings, lint_source: Lint, python2: bool = True) -> FixOutcome:
    """Fix Python source (a notebook's cells arrive here as one module, from
    ``engine.fix_notebook``): lint, edit, re-parse, re-lint until nothing
    changes. ``python2``: whether source Python 3 refuses may be read as
    Python 2 (``engine.lint_python``); such a file is fixed in Python 2 and
    checked with the Python 2 reading (``fix.python2``)."""
    first = lint_source(source, path, settings, python2)
    if first.error is not None:
        return FixOutcome(path, source, source, (), (), first.error)
    if not any(fixed_here(f) for f in first.findings):
        return FixOutcome(path, source, source, (), first.findings, modules=first.modules)  # nothing to edit: no second parse
    try:
        return _fix_rounds(source, path, settings, first.findings, lint_source, first.python, first.modules)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run, and is never written
        return FixOutcome(path, source, source, (), first.findings, FileError(path, f"internal error while fixing ({type(error).__name__}: {error}), so the file was left unchanged; please report it"))


def fixed_here(finding: Finding) -> bool:
    """Whether ``finding``'s fix edits the linted file itself (a fix in an
    imported module is the runner's to write: ``run.runner``)."""
    return finding.fixable and finding.fix is not None and finding.fix.elsewhere is None


def fixed_elsewhere(finding: Finding) -> str | None:
    """The imported module ``finding``'s fix edits, or None."""
    return finding.fix.elsewhere if finding.fixable and finding.fix is not None else None


def refused_elsewhere(finding: Finding, why: str | None = None) -> Finding:
    """``finding`` with its fix in an imported module refused: where that
    module cannot be written in this run (a buffer from an editor, a module
    outside the project), the finding says where to fix it by hand."""
    if fixed_elsewhere(finding) is None:
        return finding
    edit = finding.fix.edits[0]
    reason = why or f"its initialiser is written in {edit.path} (line {edit.span.line}), a module this file imports; fix it there"
    return replace(finding, fixable=False, fix=None, no_fix_reason=reason, suggested_edit=f"write `{finding.fix.replacement}` there (line {edit.span.line} of {edit.path})")


def _fix_rounds(source: bytes, path: str, settings: Settings, first_findings: tuple[Finding, ...], lint_source: Lint, python: int = 3, modules: tuple = ()) -> FixOutcome:
    edited = checked_edit
    if python == 2:  # the edits are in the Python 2 text; it is checked as Python 2
        from ..source.python2 import decoded
        from .python2 import checked_edit as edited

        encoding, code = decoded(source)
        original = code
        python_reads = False
    else:
        module = cst.parse_module(source)
        encoding = module.encoding
        original = code = source_text(source, module)
        python_reads = parses_as_python(source)  # else libcst alone read it (syntax newer than this Python)
    findings = list(first_findings)
    applied: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        fixable = [f for f in findings if fixed_here(f)]
        if not fixable:
            break
        new_code = edited(code, [edit for f in fixable for edit in f.fix.edits], fixable, encoding)
        if new_code is not None and python_reads and not parses_as_python(new_code.encode(encoding)):
            new_code = None
        if new_code is None:
            return FixOutcome(path, source, source, (), tuple(findings), FileError(path, "the fixed code would not parse, so the file was left unchanged; please report this"))
        if new_code == code:
            break
        new_source = new_code.encode(encoding)
        result = lint_source(new_source, path, settings, python == 2)
        if result.error is not None:
            return FixOutcome(path, source, source, (), tuple(findings), FileError(path, f"the fixed file could not be analysed ({result.error.message}), so it was left unchanged"))
        applied.extend(fixable)
        code = new_code
        findings = list(result.findings)
        modules = result.modules
    fixed = code.encode(encoding) if code != original else source
    return FixOutcome(path, source, fixed, tuple(applied), tuple(findings), None, encoding, modules=modules)


def parses_as_python(source: bytes) -> bool:
    """Whether Python's own parser reads ``source`` (a fix is written only then)."""
    from ..source.limits import python_parse

    try:
        python_parse(source, "<fixed>")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def checked_edit(code: str, edits: list[Edit], fixable: list[Finding], encoding: str) -> str | None:
    """The code with the edits (and any imports they need) applied, or None
    when the result would not parse or not encode: nothing is ever written
    that Python could not read back."""
    try:
        new_code = _add_imports(apply_edits(code, edits), fixable)
        cst.parse_module(new_code)
        new_code.encode(encoding)
    except Exception:  # noqa: BLE001 - any failure means: do not write
        return None
    return new_code


def _add_imports(code: str, fixable: list[Finding]) -> str:
    """Add the import lines the new code needs (after the last top-level
    import, or first) when the file does not have them already."""
    lines = sorted({line for f in fixable for line in f.fix.imports})
    if not lines:
        return code
    module = cst.parse_module(code)
    return insert_imports(code, lines, module.default_newline, last_import_end(module))


def last_import_end(module: cst.Module) -> tuple[int, int] | None:
    """(line, 1-based column) just past the module's last top-level import
    statement, or None when it has none."""
    last_import = None
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
            last_import = statement
    if last_import is None:
        return None
    end = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[last_import].end
    return end.line, end.column + 1


def insert_imports(code: str, lines: list[str], newline: str, after: tuple[int, int] | None) -> str:
    """``code`` with the import ``lines`` after the place ``after`` (line,
    1-based column in ``code``), or first when there is none."""
    block = newline.join(lines)
    if after is None:
        return block + newline + code
    at = Text(code).offset(*after)
    return code[:at] + newline + block + code[at:]


__all__ = ["FixOutcome", "fix_python", "apply_edits", "fixed_here", "fixed_elsewhere", "refused_elsewhere", "Span"]
