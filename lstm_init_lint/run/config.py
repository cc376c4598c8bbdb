"""``[tool.lstm-init-lint]`` in ``pyproject.toml``, and the command line over it.

Each file takes its settings from the nearest ``pyproject.toml`` above it
that has a ``[tool.lstm-init-lint]`` table (a ``pyproject.toml`` without
one is passed over, as ruff does), or from ``--config PATH`` for every
file. Flags given on the command line override the file's keys. A key we
do not know or a value we cannot use stops the run with a ``ConfigError``
naming the file and the key: linting with half a configuration would
report what the user asked us not to.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..model import Settings

TABLE = "lstm-init-lint"
MATCH_VALUES = ("per-matrix", "exact")
KEYS = ("select", "ignore", "reference", "match", "exclude", "extend-exclude", "per-file-ignores")


class ConfigError(Exception):
    def __init__(self, path: str, message: str, key: str | None = None) -> None:
        self.path, self.key = path, key
        where = f"[tool.{TABLE}] {key}" if key else ""
        super().__init__(f"{path}: {where}: {message}" if where else f"{path}: {message}")


@dataclass(frozen=True)
class Overrides:
    """What the command line says; ``None`` where it says nothing."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    reference: str | None = None
    match: str | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] | None = None


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def read_table(path: Path, required: bool) -> dict[str, Any] | None:
    """The ``[tool.lstm-init-lint]`` table of ``path``, or None if it has none."""
    toml = _toml()
    try:
        with open(path, "rb") as handle:
            document = toml.load(handle)
    except toml.TOMLDecodeError as error:
        raise ConfigError(str(path), f"invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(str(path), f"cannot read: {error.strerror or error}") from None
    table = document.get("tool", {}).get(TABLE) if isinstance(document.get("tool"), dict) else None
    if table is None:
        if required:
            raise ConfigError(str(path), f"has no [tool.{TABLE}] table")
        return None
    if not isinstance(table, dict):
        raise ConfigError(str(path), f"[tool.{TABLE}] must be a table")
    return table


def settings_from_table(table: dict[str, Any], path: str) -> Settings:
    """Validate every key; ``path`` names the file in errors."""
    from ..knowledge.reference import REFERENCES
    from .selection import unknown_codes

    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(path, f"unknown key (known keys: {', '.join(KEYS)})", key)
        if key in ("select", "ignore"):
            codes = _strings(value, path, key)
            bad = unknown_codes(codes)
            if bad:
                raise ConfigError(path, f"unknown rule code or prefix {bad[0]!r} (codes: {_code_list()})", key)
            values[key] = codes
        elif key == "reference":
            values[key] = _choice(value, tuple(REFERENCES), path, key)
        elif key == "match":
            values[key] = _choice(value, MATCH_VALUES, path, key)
        elif key in ("exclude", "extend-exclude"):
            values[key.replace("-", "_")] = _strings(value, path, key)
        else:
            values["per_file_ignores"] = _per_file_ignores(value, path)
    root = os.path.dirname(os.path.abspath(path))
    return Settings(**values, root=root, config_file=path)


def _strings(value: Any, path: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, f"must be a list of strings, not {_kind(value)}", key)
    return tuple(value)


def _choice(value: Any, choices: tuple[str, ...], path: str, key: str) -> str:
    if value not in choices:
        raise ConfigError(path, f"must be one of {', '.join(repr(c) for c in choices)}, not {value!r}", key)
    return value


def _per_file_ignores(value: Any, path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from .selection import unknown_codes

    key = "per-file-ignores"
    if not isinstance(value, dict):
        raise ConfigError(path, f"must be a table of pattern = [codes], not {_kind(value)}", key)
    pairs = []
    for pattern, codes in value.items():
        codes = _strings(codes, path, f"{key}.{pattern!r}" if not pattern.isidentifier() else f"{key}.{pattern}")
        bad = unknown_codes(codes)
        if bad:
            raise ConfigError(path, f"unknown rule code or prefix {bad[0]!r} for {pattern!r} (codes: {_code_list()})", key)
        pairs.append((pattern, codes))
    return tuple(pairs)


def _kind(value: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "a boolean", dict: "a table", list: "a list"}.get(type(value), type(value).__name__)


def _code_list() -> str:
    from .selection import all_codes

    return ", ".join(all_codes())


def apply_overrides(settings: Settings, overrides: Overrides) -> Settings:
    from .selection import combine

    select, ignore = combine((settings.select, settings.ignore), overrides.select, overrides.ignore)
    changes: dict[str, Any] = {"select": select, "ignore": ignore}
    if overrides.reference is not None:
        changes["reference"] = overrides.reference
    if overrides.match is not None:
        changes["match"] = overrides.match
    if overrides.exclude is not None:
        changes["exclude"] = overrides.exclude
    if overrides.extend_exclude is not None:
        changes["extend_exclude"] = settings.extend_exclude + overrides.extend_exclude
    return replace(settings, **changes)


class SettingsResolver:
    """``resolver(path)``: the settings in force for the file at ``path``.
    Each directory's configuration file is looked for, and each file read,
    once per run."""

    def __init__(self, overrides: Overrides = Overrides(), config_file: str | None = None) -> None:
        self.overrides = overrides
        self._tables: dict[str, dict[str, Any] | None] = {}
        self._settings: dict[str, Settings] = {}
        self._by_directory: dict[str, Settings] = {}
        self._fixed = self._settings_of(os.path.abspath(config_file), required=True) if config_file else None

    def __call__(self, path: str) -> Settings:
        return self.for_directory(os.path.dirname(os.path.abspath(path)))

    def for_directory(self, directory: str) -> Settings:
        """The settings of a file directly inside ``directory``: from the
        nearest ``pyproject.toml`` at or above it with our table."""
        if self._fixed is not None:
            return self._fixed
        directory = os.path.abspath(directory)
        if directory not in self._by_directory:
            pyproject = os.path.join(directory, "pyproject.toml")
            parent = os.path.dirname(directory)
            if os.path.isfile(pyproject) and self._table(pyproject, required=False) is not None:
                found = self._settings_of(pyproject, required=False)
            elif parent != directory:
                found = self.for_directory(parent)
            else:
                found = apply_overrides(Settings(), self.overrides)
            self._by_directory[directory] = found
        return self._by_directory[directory]

    def _table(self, path: str, required: bool) -> dict[str, Any] | None:
        if path not in self._tables:
            self._tables[path] = read_table(Path(path), required)
        return self._tables[path]

    def _settings_of(self, path: str, required: bool) -> Settings:
        if path not in self._settings:
            table = self._table(path, required) or {}
            self._settings[path] = apply_overrides(settings_from_table(table, path), self.overrides)
        return self._settings[path]


def describe(settings: Settings, path: str) -> str:
    """``--show-settings``: what is in force for ``path``, as TOML that could
    be pasted into ``[tool.lstm-init-lint]``, with where it came from."""
    from .exclusion import default_exclude
    from .selection import all_codes, enabled

    def strings(values) -> str:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"

    rules = [code for code in all_codes() if enabled(code, settings.select, settings.ignore)]
    lines = [
        f"# settings for {path}",
        f"# configuration file: {settings.config_file or 'none (defaults and the command line)'}",
        f"# patterns are relative to: {settings.root or os.getcwd()}",
        f"# rules enabled: {', '.join(rules) or 'none'}",
        f"reference = {json.dumps(settings.reference)}",
        f"match = {json.dumps(settings.match)}",
        f"select = {strings(settings.select)}",
        f"ignore = {strings(settings.ignore)}",
        f"exclude = {strings(default_exclude() if settings.exclude is None else settings.exclude)}",
        f"extend-exclude = {strings(settings.extend_exclude)}",
        "per-file-ignores = {" + ", ".join(f"{json.dumps(pattern)} = {strings(codes)}" for pattern, codes in settings.per_file_ignores) + "}",
    ]
    return "\n".join(lines)
