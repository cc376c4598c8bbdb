"""Paths to results, as fast as the files allow: the one loop over files,
for lint (``lint_paths``: a ``RunResult``) and for fix (``fix_paths``).

For each file: served from the cache when unchanged (lint); otherwise read,
passed over when the pre-filter (bytes) or the structural gate (Python's own
tree) shows it cannot hold a cell, else parsed and analysed by
``engine.lint_source`` (or fixed by ``engine.fix_source``). The
files left to check are shared among several processes when there are more
than a handful of them; the result is the same, in the same order (sorted by
path), as a serial run's.

Nothing here imports libcst: the parse is imported by the first file that
needs it, so a run the pre-filter or the cache settles never loads it.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from ..engine import fix_source, lint_source
from ..model import FileError, FileResult, HowChecked, RunResult, Settings
from .cache import Cache, Entry, Stamp, digest, served
from .discover import discover
from .read import read_source
from .resolve import disk_modules, imported_sources, importers_only, inside, modules_unchanged
from .prefilter import may_hold_cell

# Up to this many files to check, one process does it: starting workers
# (each importing libcst on its own) costs more than it saves.
SERIAL_LIMIT = 8
# Files are handed to workers in chunks of about this many bytes, largest
# files first, so that one big file does not finish last on a busy worker.
CHUNK_BYTES = 256 * 1024


def default_jobs() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Task:
    path: str
    size: int
    cached_digest: str | None  # the content hash the cache holds, if any
    settings: Settings
    cached: bool = True  # whether the result goes to a cache (which keeps the content hash)
    plan_fixes: bool = False  # the report needs each finding's fix (``engine.lint_source``)


@dataclass(frozen=True)
class Checked:
    """A file checked in this run. ``result`` is None when its content
    turned out to be the cached one; the rest is what the cache keeps."""

    result: FileResult | None
    stamp: Stamp | None
    digest: str | None
    checked_at_ns: int


def lint_paths(
    paths: list[str],
    settings: Settings | None = None,
    *,
    settings_for: Callable[[str], Settings] | None = None,
    force_exclude: bool = False,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    cache_directory: Path | None = None,
    plan_fixes: bool = False,
) -> RunResult:
    """Lint files and directories. ``settings_for(path)`` gives each file
    its own settings (its nearest configuration file); without it every file
    gets ``settings``. ``force_exclude`` applies the excludes to files named
    explicitly. ``progress(done, total)`` is told before the first file and
    after each one. ``jobs``: processes to share the files among;
    ``cache_directory``: where results are kept between runs (None: no cache).
    ``plan_fixes``: give each finding its fix, or the reason it has none
    (the JSON report shows them); results with and without are cached apart."""
    settings = settings or Settings()
    settings_for = settings_for or (lambda _path: settings)
    files, errors = discover(paths, settings_for, force_exclude)
    results = [FileResult(error.path, (), error, HowChecked.NOT_READ) for error in errors]
    caches: dict[Settings, Cache] = {}
    tasks: list[Task] = []
    entries: dict[str, Entry] = {}
    if progress:
        progress(0, len(files))
    for path in files:
        file_settings = settings_for(path)
        cache = None
        if cache_directory is not None:
            cache = caches.get(file_settings) or caches.setdefault(file_settings, Cache.open(cache_directory, file_settings, plan_fixes))
        stamp = Stamp.of(path)
        entry = cache.entry(path) if cache is not None else None
        if entry is not None and entry.result.modules and not modules_unchanged(entry.result.modules):
            entry = None  # a module its analysis read has changed: analysed again
        if entry is not None and entry.stamp == stamp and entry.trusted_by_stamp:
            results.append(served(entry, path))
            if progress:
                progress(len(results) - len(errors), len(files))
            continue
        if entry is not None:
            entries[path] = entry
        size = stamp.size if stamp is not None else 0
        tasks.append(Task(path, size, entry.digest if entry is not None else None, file_settings, cache is not None, plan_fixes))
    done_before = len(results) - len(errors)
    advance = None
    if progress:
        completed = [done_before]

        def advance(count: int) -> None:  # as files complete, so a long run's bar moves
            completed[0] += count
            progress(completed[0], len(files))

    for task, checked in zip(tasks, each_task(check_file, tasks, jobs, advance)):
        if checked.result is None:  # the content is the cached one: its result, under the new stamp
            kept = entries[task.path].result
            results.append(served(entries[task.path], task.path))
        else:
            kept = checked.result
            results.append(kept)
        cache = caches.get(task.settings)
        if cache is not None and checked.stamp is not None and checked.digest is not None:
            cache.store(task.path, Entry(checked.stamp, checked.digest, checked.checked_at_ns, kept))
    for cache in caches.values():
        cache.save()
    results.sort(key=lambda r: r.path)
    return RunResult(tuple(results))


def check_file(task: Task) -> Checked:
    checked_at_ns = time.time_ns()
    stamp = Stamp.of(task.path)
    source = read_source(task.path)
    if isinstance(source, FileError):
        return Checked(FileResult(task.path, (), source, HowChecked.NOT_READ), None, None, checked_at_ns)
    content = digest(source) if task.cached else None
    if content is not None and content == task.cached_digest:
        return Checked(None, stamp, content, checked_at_ns)
    try:
        result = _without_gc(_result_of, source, task)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        result = FileResult(task.path, (), FileError(task.path, f"internal error ({type(error).__name__}: {error}); please report it"))
    if result.how is HowChecked.SKIPPED:  # not cached: the warning must show on every run
        return Checked(result, None, None, checked_at_ns)
    return Checked(result, stamp, content, checked_at_ns)


def _result_of(source: bytes, task: Task) -> FileResult:
    passed_over = passed_over_as(source, task.path)
    if passed_over is not None:
        # Neither parsed by libcst nor checked for syntax errors: they
        # are ruff's and flake8's to report (E999), and checking every
        # file for them took a quarter of a cold run. Such a file is
        # counted as passed over, never called clean or broken.
        return FileResult(task.path, (), None, passed_over)
    return skipped_as_too_large(source, task.path) or lint_source(source, task.path, task.settings, modules_for(source, task.path), plan_fixes=task.plan_fixes)


def fix_paths(
    paths: list[str],
    settings: Settings | None = None,
    write: bool = True,
    *,
    settings_for: Callable[[str], Settings] | None = None,
    force_exclude: bool = False,
    jobs: int = 1,
) -> list:
    """Fix every file under ``paths`` (notebooks included); write the changed
    ones when ``write``. Returns one ``fix.FixOutcome`` per file, by path."""
    from ..fix import FixOutcome
    from .files import write_atomically

    settings = settings or Settings()
    settings_for = settings_for or (lambda _path: settings)
    files, errors = discover(paths, settings_for, force_exclude)
    outcomes = [FixOutcome(error.path, b"", b"", (), (), error) for error in errors]
    tasks = [Task(path, _size(path), None, settings_for(path), cached=False) for path in files]
    for outcome in each_task(fix_file, tasks, jobs):
        # A notebook with a cell that does not parse has its other cells
        # fixed (the error names the cell); any other file with an error is
        # left exactly as it was.
        if write and outcome.changed and (outcome.error is None or outcome.path.endswith(".ipynb")):
            try:
                write_atomically(outcome.path, outcome.fixed)
            except OSError as error:
                source = outcome.original
                outcome = FixOutcome(outcome.path, source, source, (), outcome.remaining, FileError(outcome.path, f"cannot write the fixed file: {error.strerror or error}"))
        outcomes.append(outcome)
    outcomes = fix_imported_modules(outcomes, write)
    outcomes.sort(key=lambda o: o.path)
    return outcomes


def fix_imported_modules(outcomes: list, write: bool) -> list:
    """The fixes the files' findings plan in project modules they import
    (``Fix.elsewhere``: ``lstm.lstm_cell``'s weights, reported at the calls of
    a training script), applied to each such module at once: its edits from
    every importing file, each once, checked to parse, written atomically
    when ``write``. A module outside the importing file's project, changed
    since the analysis read it, or asked for different text at one place is
    left as it is, and the findings say why. Returns the outcomes, the
    importing files' fixed findings among their ``applied``, and an outcome
    for each module changed that the run was not given (``imported``)."""
    from ..fix import fixed_elsewhere

    wanted: dict[str, list[tuple[int, Any]]] = {}  # module (absolute path) -> (outcome index, finding)
    for index, outcome in enumerate(outcomes):
        for finding in outcome.remaining:
            target = fixed_elsewhere(finding)
            if target is not None:
                wanted.setdefault(os.path.abspath(target), []).append((index, finding))
    if not wanted:
        return outcomes
    outcomes = list(outcomes)
    by_path = {os.path.abspath(o.path): i for i, o in enumerate(outcomes)}
    verdicts: dict[int, str | None] = {}  # id(finding) -> None (fixed) or why not
    added = []
    for target, wants in sorted(wanted.items()):
        own = outcomes[by_path[target]] if target in by_path else None
        new_outcome, answers = _fix_one_module(target, wants, outcomes, own, write)
        verdicts.update(answers)
        if new_outcome is not None:
            if own is not None:
                outcomes[by_path[target]] = new_outcome
            else:
                added.append(new_outcome)
    from dataclasses import replace

    from ..fix import refused_elsewhere

    for index, outcome in enumerate(outcomes):
        ids = [id(f) for f in outcome.remaining if id(f) in verdicts]
        if not ids:
            continue
        fixed = tuple(f for f in outcome.remaining if id(f) in verdicts and verdicts[id(f)] is None)
        left = tuple(f if id(f) not in verdicts else refused_elsewhere(f, verdicts[id(f)]) for f in outcome.remaining if not (id(f) in verdicts and verdicts[id(f)] is None))
        outcomes[index] = replace(outcome, applied=outcome.applied + fixed, remaining=left)
    return outcomes + added


def _fix_one_module(target: str, wants: list, outcomes: list, own, write: bool) -> tuple[Any, dict[int, str | None]]:
    """(the module's new outcome or None, each wanting finding's verdict:
    None when its edit is in the module's new text, else why not)."""
    from ..fix import FixOutcome, checked_edit, parses_as_python

    named = wants[0][1].fix.elsewhere

    def every(reason: str | None) -> tuple[Any, dict[int, str | None]]:
        return None, {id(f): reason for _, f in wants}

    for index, _ in wants:
        importer = outcomes[index]
        if not inside(target, disk_modules().project_root(os.path.dirname(os.path.abspath(importer.path)))):
            return every(f"its initialiser is written in {named}, outside this file's project; fix it there")
        if importer.error is not None and not importer.path.endswith(".ipynb"):
            return every(f"its initialiser is written in {named}, and this file could not be fixed; fix it there")
    source = read_source(target)
    if isinstance(source, FileError):
        return every(f"its initialiser is written in {named}, which cannot be read ({source.message})")
    edits = {}
    for _, finding in wants:
        for edit in finding.fix.edits:
            edits.setdefault(edit.span, set()).add(edit.text)
    if any(len(texts) > 1 for texts in edits.values()):
        return every(f"the files importing {named} need different initialisers at one place there; fix it by hand")
    read_as = {digest for index, _ in wants for path, digest in outcomes[index].modules if os.path.abspath(path) == target}
    if own is not None and own.changed:
        # The module was fixed itself in this run: its own edits may be these.
        done = {(e.span, e.text) for f in own.applied for e in f.fix.edits}
        if read_as == {digest(own.original)} and all((span, next(iter(texts))) in done for span, texts in edits.items()):
            return None, {id(f): None for _, f in wants}
        if not (write and read_as == {digest(source)}):  # else planned on the module as its own fixes left it
            return every(f"{named} was changed by its own fixes in this run; run --fix again to fix this weight there")
    elif read_as != {digest(source)}:
        return every(f"{named} changed after this file's analysis read it; run --fix again")
    import libcst as cst

    from ..source.parse import source_text

    try:
        module = cst.parse_module(source)
    except Exception:  # noqa: BLE001 - a module libcst cannot read is not edited
        return every(f"its initialiser is written in {named}, which only Python 2 reads; fix it there")
    code = source_text(source, module)
    findings = [f for _, f in wants]
    all_edits = [edit for f in findings for edit in f.fix.edits]
    new_code = checked_edit(code, list({(e.span, e.text): e for e in all_edits}.values()), findings, module.encoding)
    if new_code is None or not parses_as_python(new_code.encode(module.encoding)):
        return every(f"the fixed {named} would not parse, so it was left unchanged; please report this")
    fixed = new_code.encode(module.encoding)
    if write:
        from .files import write_atomically

        try:
            write_atomically(target, fixed)
        except OSError as error:
            return every(f"cannot write {named}: {error.strerror or error}")
    if own is not None:
        from dataclasses import replace

        return replace(own, fixed=fixed, encoding=module.encoding), {id(f): None for f in findings}
    return FixOutcome(named, source, fixed, (), (), None, module.encoding, imported=True), {id(f): None for f in findings}


def fix_file(task: Task):
    from ..fix import FixOutcome

    source = read_source(task.path)
    if isinstance(source, FileError):
        return FixOutcome(task.path, b"", b"", (), (), source)
    if passed_over_as(source, task.path) is not None:  # as check_file: nothing to fix, nothing checked
        return FixOutcome(task.path, source, source, (), (), None, passed_over=True)
    skipped = skipped_as_too_large(source, task.path)  # as check_file: skipped with a warning
    if skipped is not None:
        return FixOutcome(task.path, source, source, (), (), None, skipped=skipped.skipped)
    return _without_gc(fix_source, source, task.path, task.settings, modules_for(source, task.path))


def passed_over_as(source: bytes, path: str) -> HowChecked | None:
    """How a Python file is passed over: by the byte pre-filter, or by the
    structural gate on Python's own tree (whose tree the engine then reuses:
    ``limits.remember``); None when it goes on to libcst. A notebook (code
    inside JSON strings), anything else named explicitly, a file too large
    to parse and a file Python cannot parse go on: the parser reports them."""
    if not path.endswith(".py"):
        return None
    if not may_hold_cell(source):
        return HowChecked.PASSED_OVER
    from ..source.limits import MAX_SOURCE_BYTES

    if len(source) > MAX_SOURCE_BYTES:
        return None
    from ..source import limits
    from ..source.gate import may_hold_cell as may_recur

    try:
        tree = limits.python_parse(source, path)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    if not may_recur(tree) and not disk_modules().importer_paths(path):
        # (a file with no cell of its own may hold the weights of a step that a
        # module importing it runs: analysis._through_importers)
        return HowChecked.PASSED_OVER_BY_GATE
    limits.remember(source, tree)
    return None


def _without_gc(work: Callable[..., Any], *arguments: Any, **keywords: Any) -> Any:
    """``work(*arguments, **keywords)`` with the cyclic garbage collector off: libcst's
    trees (and Python's own, which the gate reads first) are millions of
    objects that the collector walks again and again while they are built
    (a fifth of libcst's parse time), and they hold no cycles that must go
    before the file is done. It runs again afterwards,
    between files, so memory is what one file needs."""
    import gc

    if not gc.isenabled():
        return work(*arguments, **keywords)
    gc.disable()
    try:
        return work(*arguments, **keywords)
    finally:
        from ..source.limits import forget

        forget()
        gc.enable()


# Speed: following imports makes every call into the project's code be
# evaluated; a file that applies no gate activation itself (a library's
# layers, utilities) is analysed on its own, as before.
_GATE_WORDS = (b"sigmoid", b"tanh")
_STEP_PRODUCTS = (b"matmul", b"dot", b"einsum")


def modules_for(source: bytes, path: str):
    """Where the analysis of ``source`` reads the project modules it imports
    (None: it does not follow them): a file that applies a gate itself, or
    imports a small module that both creates weights and applies a gate
    (``lstm.lstm_cell`` called from a training script), or creates weights
    itself and imports a small module whose products apply a gate (ENAS'
    controller: its kernels handed to ``common_ops.stack_lstm``)."""
    if any(word in source for word in _GATE_WORDS):
        return disk_modules()
    creates_weights = b"ariable" in source or b"add_weight" in source
    for module in imported_sources(source, path):
        if len(module) > 64_000 or not any(word in module for word in _GATE_WORDS):
            continue
        if b"ariable" in module or b"add_weight" in module:
            return disk_modules()
        if creates_weights and any(word in module for word in _STEP_PRODUCTS):
            return disk_modules()
    return importers_only()  # its own imports stay opaque; its importers may run its weights' step


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def skipped_as_too_large(source: bytes, path: str) -> FileResult | None:
    """A Python file that may hold a cell but is too large to parse is
    skipped with a warning (``limits.skip_reason``); a notebook's limit is
    on its code cells, applied when they are read."""
    from ..source.limits import skip_reason

    reason = skip_reason(len(source)) if path.endswith(".py") else None
    return None if reason is None else FileResult(path, (), None, HowChecked.SKIPPED, reason)


def each_task(work: Callable[[Task], Any], tasks: list[Task], jobs: int, advance: Callable[[int], None] | None = None) -> Iterator:
    """``work(task)`` for each task, in the tasks' order: here, one at a time
    as the caller takes them (so a fix is written before the next file is
    read), or shared among ``jobs`` processes when there are enough tasks to
    pay for them. ``work`` is a module-level function, so that it can be
    sent to them. ``advance(n)``, when given, is told each time ``n`` more
    tasks are done (in whatever order they finish), so a progress bar moves."""
    advance = advance or (lambda _count: None)
    if not uses_a_pool(len(tasks), jobs):
        return (_advancing(work(task), advance) for task in tasks)
    # Imported here: a run of a few files (a pre-commit hook) never pays for them.
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    groups = chunks(tasks)
    done: dict[int, Any] = {}
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), mp_context=_context()) as pool:
            futures = {pool.submit(_work_chunk, (work, [tasks[i] for i in group])): group for group in groups}
            for future in as_completed(futures):
                group = futures[future]
                done.update(zip(group, future.result()))
                advance(len(group))
    except (BrokenProcessPool, OSError):
        pass  # a worker died or none could start: what is left runs here
    return iter([done[i] if i in done else _advancing(work(task), advance) for i, task in enumerate(tasks)])


def _advancing(result: Any, advance: Callable[[int], None]) -> Any:
    advance(1)
    return result


def uses_a_pool(task_count: int, jobs: int) -> bool:
    return jobs > 1 and task_count > SERIAL_LIMIT


def _work_chunk(job: tuple[Callable[[Task], Any], list[Task]]) -> list:
    work, tasks = job
    return [work(task) for task in tasks]


def chunks(tasks: list[Task]) -> list[list[int]]:
    """Task indices in chunks of about ``CHUNK_BYTES``, largest files first."""
    ordered = sorted(range(len(tasks)), key=lambda i: -tasks[i].size)
    chunks: list[list[int]] = []
    size = CHUNK_BYTES
    for index in ordered:
        if size >= CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(index)
        size += tasks[index].size
    return chunks


def _context():
    """Fork where it is cheap and safe: on Linux, from a process with a
    single thread (workers start with this process's imports). A process
    with other threads (an embedding program, TensorFlow loaded) could fork
    a held lock, so its workers come from a fork server instead."""
    import multiprocessing

    if sys.platform.startswith("linux"):
        try:
            single_threaded = len(os.listdir("/proc/self/task")) == 1
        except OSError:
            single_threaded = False
        return multiprocessing.get_context("fork" if single_threaded else "forkserver")
    return multiprocessing.get_context()
