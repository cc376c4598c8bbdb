"""Verification with TensorFlow: do rewritten modules still run, and do
their weights now start like the reference?

    jobs      what to check in each file (parent side: no TensorFlow)
    worker    evaluates initialisers with TensorFlow, in a subprocess
    command   the user's own smoke test before and after (--verify-cmd)
    table     the per-weight report

TensorFlow is optional (``pip install 'lstm-init-lint[verify]'``) and is
imported only by the worker process, never on the lint path.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass, field

from ..model import Settings

# The command that works wherever lstm-init-lint came from (it is on no
# package index): TensorFlow itself, as the ``verify`` extra would install it.
INSTALL_HINT = "verification needs TensorFlow, which is not installed here: pip install 'tensorflow-cpu>=2.16' (or, in a clone of lstm-init-lint, pip install '.[verify]')"


@dataclass(frozen=True)
class WeightCheck:
    label: str
    line: int
    role: str
    before: str | None
    current: str
    expected: str
    verdict: str  # ok, fail, skipped
    detail: str
    reference: str = ""
    shape: tuple[int, ...] = ()


@dataclass(frozen=True)
class FileCheck:
    path: str
    compiles: bool = True
    compile_error: str | None = None
    missing_names: tuple[str, ...] = ()
    resolved_names: tuple[str, ...] = ()
    weights: tuple[WeightCheck, ...] = ()
    dims: dict = field(default_factory=dict)
    error: str | None = None
    # The imported modules checked with this file (their fixed text beside
    # it): the weights its analysis found written there were evaluated too.
    modules: tuple[str, ...] = ()
    written_there: tuple[tuple[str, str], ...] = ()  # (weight, module) of each weight whose initialiser one of them holds

    @property
    def ok(self) -> bool:
        return self.error is None and self.compiles and not self.missing_names and all(w.verdict != "fail" for w in self.weights)


def tensorflow_available() -> bool:
    try:
        return importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):  # a finder that refuses it, a broken install
        return False


def parse_dims(text: str | None) -> dict[str, int]:
    """``units=512,input_dim=300`` -> {"units": 512, "input_dim": 300}."""
    dims: dict[str, int] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        if not name.strip() or not value.strip().isdigit():
            raise ValueError(f"--dims takes name=integer pairs separated by commas, not {part.strip()!r}")
        dims[name.strip()] = int(value)
    return dims


def build_job(
    path: str, source: bytes, settings: Settings, dims: dict[str, int], before: dict[str, str] | None = None, replacements: list[str] | None = None,
    package: dict[str, bytes] | None = None, read_imports: bool = False,
) -> dict | str:
    """The worker's job for one file, or a reason it cannot be checked.

    ``package``: the project modules the file imports (absolute path ->
    bytes, the fixed text of those ``--fix`` rewrote for it). The file is
    then analysed in a temporary copy of its project holding it and them,
    following its imports there, so the weights fixed in those modules are
    evaluated as this file's analysis finds them; ``job["modules"]`` names
    the modules whose weights were. ``read_imports`` (files as they are):
    the file's imports are followed on disk where they are."""
    import os

    from ..engine import analyse_source
    from ..model import FileError
    from .jobs import file_job

    if package:
        return _package_job(path, source, settings, dims, before or {}, replacements or [], package)
    reader = None
    if read_imports:
        from ..run.resolve import DiskModules

        reader = DiskModules()
    analysed = analyse_source(source, path, reader)
    if isinstance(analysed, FileError):
        return analysed.message
    text, analysis = analysed
    introduced = introduced_names(replacements or [], {local for _, local in analysis.aliases})
    elsewhere = {where: code for where, code, _ in analysis.fixed_elsewhere}
    job = file_job(path, text, analysis.weights, analysis.aliases, settings, dims, before or {}, introduced, elsewhere)
    if read_imports:
        job["written_there"] = [(w["label"], os.path.relpath(w["written_in"])) for w in job["weights"] if w.get("written_in")]
    job["axis_first"] = analysis.axis_first
    return job


# A project's root markers (run.resolve): the copy keeps the root where it was.
_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def _package_job(path: str, source: bytes, settings: Settings, dims: dict[str, int], before: dict, replacements: list, package: dict[str, bytes]) -> dict | str:
    import os
    import tempfile

    from ..engine import analyse_source
    from ..model import FileError
    from ..run.resolve import DiskModules, disk_modules, inside
    from .jobs import file_job

    here = os.path.abspath(path)
    files = {here: source, **{os.path.abspath(p): data for p, data in package.items() if os.path.abspath(p) != here}}
    root = disk_modules().project_root(os.path.dirname(here))
    if not all(inside(f, root) for f in files):
        root = os.path.commonpath([os.path.dirname(f) for f in files])
    with tempfile.TemporaryDirectory(prefix="lstm-init-lint-verify-") as temp:
        for real, data in files.items():
            copy = os.path.join(temp, os.path.relpath(real, root))
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            with open(copy, "wb") as handle:
                handle.write(data)
        markers = [m for m in _ROOT_MARKERS if os.path.isfile(os.path.join(root, m))]
        for marker in markers or ["setup.cfg"]:  # (an empty one: the copy's root is the project's)
            with open(os.path.join(temp, marker), "wb") as handle:
                handle.write(b"")
        copied = os.path.join(temp, os.path.relpath(here, root))
        # A reader of its own: the process's one may hold these paths' old bytes.
        analysed = analyse_source(source, copied, DiskModules())
        if isinstance(analysed, FileError):
            return analysed.message.replace(copied, path)
        text, analysis = analysed
        elsewhere = {where: code for where, code, _ in analysis.fixed_elsewhere}
    introduced = introduced_names(replacements, {local for _, local in analysis.aliases})
    job = file_job(path, text, analysis.weights, analysis.aliases, settings, dims, before, introduced, elsewhere)
    job["axis_first"] = analysis.axis_first

    def real(where: str) -> str:
        return os.path.relpath(os.path.join(root, os.path.relpath(os.path.abspath(where), temp)))

    job["modules"] = sorted(real(os.path.join(temp, os.path.relpath(f, root))) for f in files if f != here)
    job["written_there"] = [(w["label"], real(w["written_in"])) for w in job["weights"] if w.get("written_in")]
    return job


def run_worker(jobs: list[dict], timeout: float) -> list[dict] | str:
    try:
        result = subprocess.run(
            [sys.executable, "-m", "lstm_init_lint.verify.worker"],
            input=json.dumps(jobs),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"verification timed out after {timeout:g} s"
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        return f"the verification process failed: {tail[0]}"
    return json.loads(result.stdout)


def verify_sources(items: list[tuple], settings, dims: dict[str, int], timeout: float = 600, read_imports: bool = False) -> list[FileCheck]:
    """Check each (path, source, initialiser before the fix by weight, the
    code the fix wrote[, package]): with ``package`` (``build_job``), the file
    with the project modules it imports. ``settings``: one ``Settings``, or a
    function of the path giving each file its own."""
    from dataclasses import replace

    settings_for = settings if callable(settings) else (lambda _path: settings)
    checks: dict[str, FileCheck] = {}
    jobs = []
    modules: dict[str, tuple[str, ...]] = {}
    for path, source, before, introduced, *package in items:
        job = build_job(path, source, settings_for(path), dims, before, introduced, package[0] if package else None, read_imports)
        if isinstance(job, str):
            checks[path] = FileCheck(path, error=job)
        else:
            modules[path] = (tuple(job.pop("modules", ())), tuple(tuple(pair) for pair in job.pop("written_there", ())))
            jobs.append(job)
    if jobs:
        results = run_worker(jobs, timeout)
        if isinstance(results, str):
            for job in jobs:
                checks[job["path"]] = FileCheck(job["path"], error=results)
        else:
            for result in results:
                beside, written = modules.get(result["path"], ((), ()))
                checks[result["path"]] = replace(_file_check(result), modules=beside, written_there=written)
    return [checks[path] for path, *_ in items if path in checks]


def _file_check(result: dict) -> FileCheck:
    if "error" in result:
        return FileCheck(result["path"], error=result["error"])
    weights = tuple(
        WeightCheck(
            label=w["label"],
            line=w["line"],
            role=w["role"],
            before=w.get("before"),
            current=w["current"],
            expected=w["expected"],
            verdict=w["verdict"],
            detail=w["detail"],
            reference=w.get("reference", ""),
            shape=tuple(w.get("shape", ())),
        )
        for w in result["weights"]
    )
    return FileCheck(
        path=result["path"],
        compiles=result["compiles"],
        compile_error=result.get("compile_error"),
        missing_names=tuple(n["error"] for n in result["names"] if not n["ok"]),
        resolved_names=tuple(n["name"] for n in result["names"] if n["ok"]),
        weights=weights,
        dims=result.get("dims", {}),
    )


def introduced_names(replacements: list[str], aliases: set[str]) -> list[str]:
    """The module names a fix wrote (``tf.orthogonal_initializer``...)."""
    from .jobs import free_names

    names: set[str] = set()
    for code in replacements:
        for name in free_names(code) or set():
            if name.split(".")[0] in aliases and "." in name:
                names.add(name)
    # Keep the longest chains only: tf.keras.initializers.Orthogonal, not tf.keras.
    return sorted(n for n in names if not any(other.startswith(n + ".") for other in names))
