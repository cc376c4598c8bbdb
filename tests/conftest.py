"""Shared helpers: lint a snippet the way the command line would."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lstm_init_lint.engine import lint_source  # noqa: E402
from lstm_init_lint.model import Finding, Settings  # noqa: E402


def lint(source: str, reference: str = "keras") -> list[Finding]:
    result = lint_source(source.encode("utf-8"), "snippet.py", Settings(reference=reference))
    assert result.error is None, result.error
    return list(result.findings)


def summary(source: str, reference: str = "keras") -> list[tuple[str, str, str]]:
    """(code, role, weight) for each finding, in report order."""
    return [(f.code, f.role.value, f.instance or f.weight) for f in lint(source, reference)]


@pytest.fixture
def lint_snippet():
    return lint


@pytest.fixture(autouse=True)
def _cache_in_a_temporary_directory(tmp_path_factory, monkeypatch):
    """Each test starts with an empty cache of its own, outside the repository."""
    monkeypatch.setenv("LSTM_INIT_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
