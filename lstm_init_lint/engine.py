"""The pure core: bytes in, results out. It never opens a file or prints.

``lint_source`` and ``fix_source`` take one file's bytes (a ``.py`` file or a
notebook: the one place that tells them apart) and return a ``FileResult`` or a
``FixOutcome``; reading, writing and printing are the caller's (``run``, the
front ends). A notebook's code cells go through the same Python path as one
module, and every position comes back as ``cell N``, line within it.

A lint plans no fixes unless asked (``plan_fixes``): only ``--fix`` /
``--diff`` and the JSON report use a finding's ``fixable`` / ``fix`` /
``no_fix_reason``, and the text, SARIF and GitHub reports, ``--statistics``
and the flake8 plugin do not pay for them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from .model import CellWeight, FileError, FileResult, Finding, Initializer, Settings, Span

if TYPE_CHECKING:
    from .analysis.modules import ModuleSource

# A notebook's module line -> (the cell's index, the line within that cell),
# or None for a line no cell holds (``NotebookModule.locate``, by index).
CellOfLine = Callable[[int], "tuple[int, int] | None"]


def lint_source(source: bytes, path: str, settings: Settings | None = None, modules: ModuleSource | None = None, *, plan_fixes: bool = False) -> FileResult:
    """Lint one file's bytes: the findings to report, after ``select`` /
    ``ignore``, ``per-file-ignores`` and ``# noqa``. ``path`` names the file
    in the results, matches ``per-file-ignores``, and says whether the bytes
    are a notebook (``.ipynb``). ``modules``: where the project modules the
    file imports are read from (``run.resolve``; None: its imports stay
    opaque names). ``plan_fixes``: also decide, for each finding, the edit
    ``--fix`` would make or why it makes none."""
    settings = settings or Settings()
    if is_notebook(path):
        return lint_notebook(source, path, settings, plan_fixes, modules)
    return lint_python(source, path, settings, plan_fixes=plan_fixes, modules=modules)


def fix_source(source: bytes, path: str, settings: Settings | None = None, modules: ModuleSource | None = None):
    """``--fix`` on one file's bytes: a ``fix.FixOutcome`` (the fixed bytes,
    the findings it answered and those left). Nothing is returned as fixed
    that does not parse."""
    settings = settings or Settings()
    if is_notebook(path):
        return fix_notebook(source, path, settings, modules)
    from .fix import fix_python

    return fix_python(source, path, settings, _linting_with(modules))


def _linting_with(modules: ModuleSource | None, cell_of_line: CellOfLine | None = None) -> Callable:
    """``lint_python`` as the fixer calls it: with each finding's fix
    planned, following imports through ``modules``."""
    return partial(lint_python, plan_fixes=True, modules=modules, cell_of_line=cell_of_line)


def is_notebook(path: str) -> bool:
    return path.endswith(".ipynb")


def lint_python(
    source: bytes,
    path: str,
    settings: Settings,
    python2: bool = True,
    *,
    plan_fixes: bool = False,
    cell_of_line: CellOfLine | None = None,
    modules: ModuleSource | None = None,
) -> FileResult:
    """``lint_source`` for Python source (a ``.py`` file, or a notebook's
    cells as one module): ``detect``, then the one filter (``selection.keep``).
    ``python2``: whether source Python 3 refuses may be read as Python 2."""
    from .run.selection import keep

    result = detect(source, path, settings, python2, modules, plan_fixes=plan_fixes, cell_of_line=cell_of_line)
    return FileResult(path, tuple(keep(result.findings, source, path, settings)), result.error, python=result.python, modules=result.modules)


def detect(
    source: bytes,
    path: str,
    settings: Settings | None = None,
    python2: bool = True,
    modules: ModuleSource | None = None,
    *,
    plan_fixes: bool = False,
    cell_of_line: CellOfLine | None = None,
) -> FileResult:
    """Every finding in one Python file's bytes, nothing filtered: the one
    detector behind the command line and the flake8 plugin (flake8 applies
    its own ``--select`` and ``# noqa``). A file Python 3 refuses is read as
    Python 2 when it is that (``python2``), else the Python 3 error stands.
    ``plan_fixes``: as in ``lint_source``. ``cell_of_line``: for a
    notebook's cells as one module, so that a helper's line in a message
    names its cell."""
    from .analysis import analyse
    from .source.parse import parse, source_text

    settings = settings or Settings()
    module = parse(source, path)
    reading = None  # the Python 2 reading, for a file only Python 2 reads
    if isinstance(module, FileError):
        from .source.python2 import parse_python2

        read = parse_python2(source, path, module) if python2 else None
        if read is None:
            return FileResult(path, (), module)
        module, reading = read
    try:
        analysis = analyse(module, modules, path)
        weights = analysis.weights
        if cell_of_line is not None:
            weights = tuple(_helper_in_its_cell(weight, cell_of_line) for weight in weights)
        pairs = findings_for(weights, path, settings)
        if pairs and plan_fixes:
            from .fix.plan import Text, attach_fixes

            text = Text(reading.translated if reading is not None else source_text(source, module))
            elsewhere = {path: (Text(code), aliases) for path, code, aliases in analysis.fixed_elsewhere}
            findings = attach_fixes(pairs, text, analysis.aliases, analysis.dialect, settings, analysis.axis_first, elsewhere)
        else:
            findings = [finding for finding, _ in pairs]
        if reading is not None:
            findings = [reading.to_original(finding) for finding in findings]
    except RecursionError:  # nesting limits.check let through, yet deeper than Python's recursion limit
        return FileResult(path, (), FileError(path, "the code is nested too deeply to analyse"))
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        return FileResult(path, (), FileError(path, f"internal error while analysing ({type(error).__name__}: {error}); please report it"))
    return FileResult(path, tuple(findings), python=3 if reading is None else 2, modules=analysis.modules_read)


def analyse_source(source: bytes, path: str, modules: ModuleSource | None = None):
    """The module's text and its ``analysis.Analysis`` (a notebook's code
    cells as one module), or a ``FileError``: the parse behind the same
    guards as ``detect``. For ``verify``, which needs the weights themselves;
    ``modules``: where the project modules it imports are read (None: not)."""
    from .analysis import analyse
    from .source.parse import parse, source_text

    if is_notebook(path):
        from .source.notebooks.read import module_text, read_notebook

        notebook = read_notebook(source, path)
        if isinstance(notebook, FileError):
            return notebook
        source = module_text(notebook.cells).encode("utf-8")
    module = parse(source, path)
    if isinstance(module, FileError):
        return module
    return source_text(source, module), analyse(module, modules, path)


def findings_for(weights: tuple[CellWeight, ...], path: str, settings: Settings) -> list[tuple[Finding, CellWeight]]:
    """Each rule's verdict on each weight, as (finding, weight) in report order."""
    from .knowledge.reference import REFERENCES
    from .rules import RULES

    reference = REFERENCES[settings.reference]
    pairs: list[tuple[Finding, CellWeight]] = []
    for weight in weights:
        verdicts = [(rule, rule.check(weight, reference)) for rule in RULES if weight.role in rule.roles]
        found = [(rule, verdict) for rule, verdict in verdicts if verdict is not None]
        superseded = {code for rule, _ in found for code in rule.supersedes}
        for rule, verdict in found:
            if rule.code not in superseded:
                finding = _finding(path, rule.code, weight, verdict)
                pairs.append((finding, weight))
                pairs.extend((call, weight) for call in call_site_findings(finding, weight, settings.reference))
    # One finding per weight: weights created by one statement in a loop
    # (p["w_x" + gate]) share a place and differ by instance.
    return sorted(pairs, key=lambda pair: (pair[0].span.line, pair[0].span.column, pair[0].code, pair[0].instance or ""))


def call_site_findings(finding: Finding, weight: CellWeight, reference: str) -> list[Finding]:
    """A configurable cell whose constructor default deviates is reported
    where the default is used; each call in the file that passes its own
    deviating string for that parameter (``ConfigurableGRUCell(5,
    recurrent_initializer="he_uniform")``) is a finding of its own, at that
    string: fixing the default alone leaves that call's cell as it was."""
    from .analysis.initializers import keras_string, to_model
    from .knowledge.reference import reference_name, same_initializer_name

    site = weight.fix_site
    wanted = reference_name(finding.expected)
    if site is None or site.default_form is None or not site.passed_strings or wanted is None:
        return []
    label = finding.instance or finding.weight
    out = []
    for span, value in site.passed_strings:
        if same_initializer_name(value, wanted):
            continue
        dist = keras_string(value)
        current = to_model(dist, None, repr(value)) if dist is not None else Initializer("unknown", source=repr(value))
        owner = "Keras" if reference == "keras" else "the reference"
        message = (
            f"{weight.cell.label} {weight.role.label} `{label}` starts as {value!r} in the cell this call makes: it passes "
            f"{site.parameter}={value!r} (the constructor's default is reported at line {finding.span.line}); {owner} uses {finding.expected.text}"
        )
        out.append(replace(finding, span=span, current=current, message=message))
    return out


def _finding(path: str, code: str, weight: CellWeight, verdict) -> Finding:
    site = weight.site
    return Finding(
        path=path,
        span=site.span,
        code=code,
        role=weight.role,
        weight=site.weight,
        instance=site.instance,
        cell=weight.cell,
        gates=weight.gates,
        current=site.initializer,
        expected=verdict.expected,
        message=verdict.message,
        evidence=weight.evidence,
        certain=weight.certain,
    )


def _helper_in_its_cell(weight: CellWeight, cell_of_line: CellOfLine) -> CellWeight:
    """The weight with its helper's line given as a line of the helper's cell."""
    site = weight.site
    located = cell_of_line(site.helper_line) if site.helper_line is not None else None
    if located is None:
        return weight
    cell, line = located
    return replace(weight, site=replace(site, helper_line=line, helper_cell=cell))


def _cell_of_line(notebook) -> CellOfLine:
    def cell_of_line(line: int) -> tuple[int, int] | None:
        located = notebook.locate(line)
        return None if located is None else (located[0].index, located[1])

    return cell_of_line


def lint_notebook(source: bytes, path: str, settings: Settings, plan_fixes: bool = False, modules: ModuleSource | None = None) -> FileResult:
    """The code cells as one module through ``lint_python``. A cell that does
    not parse is reported (its cell, its line) and left out, and the others
    are still analysed, as the kernel would still run them."""
    from .source.notebooks.read import read_notebook

    notebook = read_notebook(source, path)
    if isinstance(notebook, FileError):
        return FileResult(path, (), notebook)
    cells = _cell_of_line(notebook)
    attempt = partial(lint_python, path=path, settings=settings, python2=notebook.python2, plan_fixes=plan_fixes, cell_of_line=cells, modules=modules)
    result, _blank, errors = _without_broken_cells(notebook, path, attempt)
    findings = tuple(_to_cell(finding, notebook) for finding in result.findings)
    return FileResult(path, findings, _first_error(errors), python=result.python, modules=result.modules)


def _without_broken_cells(notebook, path: str, attempt: Callable[[bytes], Any]) -> tuple[Any, frozenset[int], list[FileError]]:
    """``attempt(module bytes)`` on the code cells as one module, again and
    again, each time leaving out (as empty lines) the cell whose error stops
    the parse. Returns the last attempt's result, the cells left out, and the
    errors, located in their cells (an error no cell holds comes last). In a
    notebook whose kernel is Python 2 (``NotebookModule.python2``), the cell
    to blame is the one Python 2 stops at, not the one Python 3 refuses."""
    from .source.notebooks.read import module_text

    blank: set[int] = set()
    errors: list[FileError] = []
    while True:
        text = module_text(notebook.cells, frozenset(blank)).encode("utf-8")
        result = attempt(text)
        error = result.error
        if error is not None and notebook.python2:
            from .source.python2 import refusal

            error = refusal(text, path) or error
        located = notebook.locate(error.line) if error is not None and error.line is not None else None
        if located is None or located[0].index in blank:
            break
        cell, line = located
        errors.append(replace(error, line=line, notebook_cell=cell.index))
        blank.add(cell.index)
    if error is not None:
        errors.append(error)
    return result, frozenset(blank), errors


def _to_cell(finding: Finding, notebook) -> Finding:
    located = notebook.locate(finding.span.line)
    if located is None:
        return finding
    cell, line = located
    offset = line - finding.span.line
    span = Span(line, finding.span.column, finding.span.end_line + offset, finding.span.end_column)
    return replace(finding, span=span, notebook_cell=cell.index)


def _first_error(errors: list[FileError]) -> FileError | None:
    if not errors:
        return None
    first = errors[0]
    others = [e.notebook_cell for e in errors[1:] if e.notebook_cell is not None]
    if others:
        cells = ", ".join(str(c) for c in others)
        first = replace(first, message=f"{first.message} (cells {cells} could not be parsed either)")
    return first


def fix_notebook(source: bytes, path: str, settings: Settings, modules: ModuleSource | None = None):
    """The code cells fixed as one module; only the cells whose source
    changed are written back (outputs, metadata and other cells kept). As
    ``lint_notebook`` reads it, a cell that does not parse is named in the
    outcome's error and left as it is, and the other cells are fixed."""
    from .fix import FixOutcome, fix_python
    from .source.notebooks.read import read_notebook
    from .source.notebooks.write import cell_sources, write_cells

    notebook = read_notebook(source, path)
    if isinstance(notebook, FileError):
        return FixOutcome(path, source, source, (), (), notebook)
    lint = _linting_with(modules, _cell_of_line(notebook))
    outcome, blank, errors = _without_broken_cells(notebook, path, lambda text: fix_python(text, path, settings, lint, notebook.python2))
    applied = tuple(_to_cell(f, notebook) for f in outcome.applied)
    remaining = tuple(_to_cell(f, notebook) for f in outcome.remaining)
    error = _first_error(errors)
    if outcome.error is not None:  # the cells left could not be fixed (or analysed) as a whole
        return FixOutcome(path, source, source, (), remaining, error)
    if not outcome.changed:
        return FixOutcome(path, source, source, (), remaining, error, modules=outcome.modules)
    try:
        fixed = write_cells(source, cell_sources(notebook, outcome.fixed.decode("utf-8"), blank))
    except ValueError as failure:
        return FixOutcome(path, source, source, (), remaining, FileError(path, f"cannot write the fixed cells back: {failure}"))
    return FixOutcome(path, source, fixed, applied, remaining, error, modules=outcome.modules)
