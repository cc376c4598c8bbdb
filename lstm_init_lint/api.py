"""The pure core: source in, findings out. No printing, no exit codes.

``lint_source`` never opens a file and ``lint_paths`` only reads them, so
the command line, the tests and (later) other front ends share one path.
"""

from __future__ import annotations

from pathlib import Path

from .model import CellWeight, FileError, FileResult, Finding, RunResult, Settings


def lint_source(source: bytes, path: str, settings: Settings | None = None) -> FileResult:
    """Lint one file's bytes. ``path`` is only used in the results."""
    from .analysis import analyse
    from .parse import parse

    settings = settings or Settings()
    module = parse(source, path)
    if isinstance(module, FileError):
        return FileResult(path, (), module)
    try:
        analysis = analyse(module)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        return FileResult(path, (), FileError(path, f"internal error while analysing ({type(error).__name__}: {error}); please report it"))
    return FileResult(path, tuple(findings_for(analysis.weights, path, settings)))


def findings_for(weights: tuple[CellWeight, ...], path: str, settings: Settings) -> list[Finding]:
    from .reference import REFERENCES
    from .rules import RULES

    reference = REFERENCES[settings.reference]
    findings: list[Finding] = []
    for weight in weights:
        for rule in RULES:
            if weight.role not in rule.roles:
                continue
            verdict = rule.check(weight, reference)
            if verdict is None:
                continue
            site = weight.site
            findings.append(
                Finding(
                    path=path,
                    span=site.span,
                    code=rule.code,
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
            )
    # One finding per weight: weights created by one statement in a loop
    # (p["w_x" + gate]) share a place and differ by instance.
    return sorted(findings, key=lambda f: (f.span.line, f.span.column, f.code, f.instance or ""))


def read_source(path: str) -> bytes | FileError:
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        return FileError(path, "is a directory")
    except OSError as error:
        return FileError(path, f"cannot read: {error.strerror or error}")


def lint_paths(paths: list[str], settings: Settings | None = None, *, jobs: int = 1, cache_directory: Path | None = None) -> RunResult:
    """Lint files and directories: see ``runner`` (pre-filter, cache, jobs)."""
    from .runner import lint_paths as run

    return run(paths, settings, jobs=jobs, cache_directory=cache_directory)
