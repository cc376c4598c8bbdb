"""Paths to a ``RunResult``, as fast as the files allow.

For each file: served from the cache when unchanged; otherwise read, passed
over when the pre-filter shows it cannot hold a cell, else parsed and
analysed by ``api.lint_source``. The files left to check are shared among
several processes when there are more than a handful of them; the result is
the same, in the same order (sorted by path), as a serial run's.

Nothing here imports libcst: the parse is imported by the first file that
needs it, so a run the pre-filter or the cache settles never loads it.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .api import lint_source, read_source
from .cache import Cache, Entry, Stamp, digest, served
from .discover import discover
from .model import FileError, FileResult, HowChecked, RunResult, Settings
from .syntax import syntax_error
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
) -> RunResult:
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
            cache = caches.get(file_settings) or caches.setdefault(file_settings, Cache.open(cache_directory, file_settings))
        stamp = Stamp.of(path)
        entry = cache.entry(path) if cache is not None else None
        if entry is not None and entry.stamp == stamp and entry.trusted_by_stamp:
            results.append(served(entry, path))
            if progress:
                progress(len(results) - len(errors), len(files))
            continue
        if entry is not None:
            entries[path] = entry
        size = stamp.size if stamp is not None else 0
        tasks.append(Task(path, size, entry.digest if entry is not None else None, file_settings, cache is not None))
    done_before = len(results) - len(errors)
    for count, (task, checked) in enumerate(zip(tasks, check_files(tasks, jobs)), 1):
        if checked.result is None:  # the content is the cached one: its result, under the new stamp
            kept = entries[task.path].result
            results.append(served(entries[task.path], task.path))
        else:
            kept = checked.result
            results.append(kept)
        cache = caches.get(task.settings)
        if cache is not None and checked.stamp is not None and checked.digest is not None:
            cache.store(task.path, Entry(checked.stamp, checked.digest, checked.checked_at_ns, kept))
        if progress:
            progress(done_before + count, len(files))
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
        # The pre-filter reads Python source; a notebook (code inside JSON
        # strings) or anything else named explicitly goes to the parser.
        if not task.path.endswith(".py") or may_hold_cell(source):
            result = lint_source(source, task.path, task.settings)
        else:
            # Passed over: no libcst parse. Python's own syntax check is
            # cheap, so a broken file is still reported, never called fine.
            result = FileResult(task.path, (), syntax_error(source, task.path), HowChecked.PASSED_OVER)
            if result.error is not None:  # Python 2 code is no error (only now is that asked)
                from .python2 import passes_as_python2

                if passes_as_python2(source, task.path, result.error):
                    result = FileResult(task.path, (), None, HowChecked.PASSED_OVER, python=2)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        result = FileResult(task.path, (), FileError(task.path, f"internal error ({type(error).__name__}: {error}); please report it"))
    return Checked(result, stamp, content, checked_at_ns)


def check_files(tasks: list[Task], jobs: int) -> list[Checked]:
    """``check_file`` for each task, in the tasks' order."""
    if not uses_a_pool(len(tasks), jobs):
        return [check_file(task) for task in tasks]
    # Imported here: a run of a few files (a pre-commit hook) never pays for them.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    groups = chunks(tasks)
    done: dict[int, Checked] = {}
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(groups)), mp_context=_context()) as pool:
            for group, checked in zip(groups, pool.map(_check_chunk, [[tasks[i] for i in group] for group in groups])):
                done.update(zip(group, checked))
    except (BrokenProcessPool, OSError):
        pass  # a worker died or none could start: what is left runs here
    return [done[i] if i in done else check_file(task) for i, task in enumerate(tasks)]


def uses_a_pool(task_count: int, jobs: int) -> bool:
    return jobs > 1 and task_count > SERIAL_LIMIT


def _check_chunk(tasks: list[Task]) -> list[Checked]:
    return [check_file(task) for task in tasks]


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
