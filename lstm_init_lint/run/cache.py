"""Remember each file's result between runs, like ruff's cache.

Where: ``.lstm_init_lint_cache/`` in the current directory (the directory a
pre-commit hook or CI job runs from: the project root), or the directory
named by ``LSTM_INIT_LINT_CACHE_DIR``. Inside it, one JSON file per tool
version and settings: ``<version>/<settings hash>.json``.

What: for each file (by absolute path), its size and modification time, the
hash of its content, and its result (passed over, findings, or the reason it
could not be parsed). A file whose size and time match is served without
being read; one whose stamp changed but whose content hash matches is served
after reading it (a ``git checkout`` or ``touch``). A stamp is trusted alone
only if the file was at least ``RACY_NS`` old when checked: a file written
twice within the file system's clock tick keeps its time, so a young entry
is checked by hash.

Also in the key: the tool's version and a fingerprint of its own source
files, so an edited analysis never serves stale results. A cache file that
cannot be read or decoded is ignored and rewritten; writes go to a temporary
file moved into place (``os.replace``), so a reader never sees half a file.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from .codec import decode, encode
from ..model import FileError, FileResult, Finding, HowChecked, Settings

DIRECTORY_NAME = ".lstm_init_lint_cache"
DIRECTORY_VARIABLE = "LSTM_INIT_LINT_CACHE_DIR"
FORMAT = 1
RACY_NS = 2_000_000_000


def default_directory() -> Path:
    return Path(os.environ.get(DIRECTORY_VARIABLE) or DIRECTORY_NAME)


def digest(source: bytes) -> str:
    import hashlib  # a run without the cache never needs it (OpenSSL's loading is most of its import)

    return hashlib.blake2b(source, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Stamp:
    """What ``stat`` says of a file, taken before reading it."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str) -> Stamp | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        return cls(status.st_size, status.st_mtime_ns)


@dataclass(frozen=True)
class Entry:
    """One file's cached result, as computed from the content with
    ``digest``, read after ``stamp`` was taken at ``checked_at_ns``."""

    stamp: Stamp
    digest: str
    checked_at_ns: int
    result: FileResult

    @property
    def trusted_by_stamp(self) -> bool:
        return self.checked_at_ns - self.stamp.mtime_ns >= RACY_NS


class Cache:
    def __init__(self, file: Path, header: dict[str, Any], entries: dict[str, Any]) -> None:
        self.file = file
        self.header = header
        self.entries = entries  # absolute path -> JSON entry, decoded on use
        self.changed = False
        self.seen: set[str] = set()

    @classmethod
    def open(cls, directory: Path, settings: Settings, plan_fixes: bool = False) -> Cache:
        """The cache of results under ``settings``, with their fixes planned
        or not (``plan_fixes``): a run that needs fixes is never served
        findings without them."""
        settings_json = encode(settings)
        key = digest(json.dumps([settings_json, plan_fixes], sort_keys=True).encode())
        file = directory / __version__ / f"{key}.json"
        header = {"format": FORMAT, "version": __version__, "code": _code_fingerprint(), "settings": settings_json, "plan_fixes": plan_fixes}
        return cls(file, header, _read_entries(file, header))

    def entry(self, path: str) -> Entry | None:
        """The cached entry for ``path`` (as given), if it decodes."""
        key = os.path.abspath(path)
        self.seen.add(key)
        raw = self.entries.get(key)
        if raw is None:
            return None
        try:
            return _decode_entry(raw)
        except ValueError:
            del self.entries[key]
            self.changed = True
            return None

    def store(self, path: str, entry: Entry) -> None:
        """Remember ``entry`` unless its result cannot be rebuilt exactly
        (then the file is simply analysed again next time)."""
        if entry.result.how not in (HowChecked.ANALYSED, HowChecked.PASSED_OVER, HowChecked.PASSED_OVER_BY_GATE):
            return
        raw = _encode_entry(entry)
        try:
            if _decode_entry(raw) != entry:
                return
        except ValueError:
            return
        self.entries[os.path.abspath(path)] = raw
        self.changed = True

    def save(self) -> None:
        """Write the cache if anything changed, dropping entries of files
        that no longer exist. A cache that cannot be written is skipped."""
        if not self.changed:
            return
        for key in [k for k in self.entries if k not in self.seen and not os.path.exists(k)]:
            del self.entries[key]
        text = json.dumps({**self.header, "files": self.entries}, separators=(",", ":"))
        try:
            _write_atomically(self.file, text)
        except OSError:
            pass


def served(entry: Entry, path: str) -> FileResult:
    """The cached result, as this run names the file."""
    result = entry.result
    findings = tuple(dataclasses.replace(f, path=path) for f in result.findings)
    error = dataclasses.replace(result.error, path=path) if result.error is not None else None
    return FileResult(path, findings, error, HowChecked.CACHED, python=result.python, modules=result.modules, cached_from=result.how)


def _encode_entry(entry: Entry) -> dict[str, Any]:
    result = entry.result
    return {
        "size": entry.stamp.size,
        "mtime_ns": entry.stamp.mtime_ns,
        "digest": entry.digest,
        "checked_at_ns": entry.checked_at_ns,
        "path": result.path,
        "how": result.how.value,
        "python": result.python,
        "findings": [encode(f) for f in result.findings],
        "error": encode(result.error),
        "modules": [list(pair) for pair in result.modules],
    }


def _decode_entry(raw: Any) -> Entry:
    if not isinstance(raw, dict):
        raise ValueError("an entry is not an object")
    try:
        findings, error = raw["findings"], raw["error"]
        result = FileResult(
            _exactly(str, raw["path"]),
            # Most files have neither: no need for the general decoder.
            () if findings == [] else decode(tuple[Finding, ...], findings),
            None if error is None else decode(FileError, error),
            decode(HowChecked, raw["how"]),
            python=_exactly(int, raw["python"]),
            modules=tuple((_exactly(str, p), _exactly(str, d)) for p, d in raw.get("modules", ())),
        )
        stamp = Stamp(_exactly(int, raw["size"]), _exactly(int, raw["mtime_ns"]))
        return Entry(stamp, _exactly(str, raw["digest"]), _exactly(int, raw["checked_at_ns"]), result)
    except KeyError as missing:
        raise ValueError(f"an entry lacks {missing}") from None


def _exactly(kind: type, value: Any) -> Any:
    """``value`` if it is a ``kind`` itself (not a bool for an int)."""
    if type(value) is not kind:
        raise ValueError(f"expected {kind.__name__}, got {value!r}")
    return value


def _read_entries(file: Path, header: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(file.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or any(data.get(k) != v for k, v in header.items()):
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _write_atomically(file: Path, text: str) -> None:
    from .files import write_atomically  # only when writing: a run served from the cache does not

    file.parent.mkdir(parents=True, exist_ok=True)
    _mark_cache_directory(file.parent.parent)
    write_atomically(str(file), text.encode("utf-8"), new_file_mode=0o600)


def _mark_cache_directory(directory: Path) -> None:
    """Keep the cache out of version control and backups, as ruff does."""
    for name, text in ((".gitignore", "# Automatically created by lstm-init-lint.\n*\n"), ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n")):
        marker = directory / name
        if not marker.exists():
            marker.write_text(text, encoding="utf-8")


def _code_fingerprint() -> str:
    """The names, sizes and times of this package's source files: a new
    analysis (even unreleased, in a development install) starts afresh."""
    package = Path(__file__).parent.parent  # the package, this module being in run/
    parts = []
    for directory, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                status = os.stat(os.path.join(directory, name))
                parts.append(f"{os.path.relpath(os.path.join(directory, name), package)}:{status.st_size}:{status.st_mtime_ns}")
    return digest("\n".join(parts).encode())
