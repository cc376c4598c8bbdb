"""The quick ways of matching exclude patterns (a set of directory names, one
combined expression) answer exactly as pathspec does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_init_lint.run.exclusion import default_exclude
from lstm_init_lint.run.patterns import _any_of, _directory_names, compile_patterns, matches_relative

NAMES = ["build", ".venv", "a", "b.c", "site-packages", "__pycache__", "x.py", "build.py", "dist", ".git", "-v", "..", "."]
PATTERN_SETS = [
    default_exclude(),
    ("build/", ".venv/"),
    ("build/", "*.py"),
    ("/a/", "b.c/"),
    ("a/**/x.py", "dist"),
    ("build", "site-packages/"),
    ("*.py", "!x.py"),
    ("b.c/x.py", "[ab]/", "?/"),
    ("../", "./"),
]

paths = st.lists(st.sampled_from(NAMES), min_size=1, max_size=5).map("/".join)
entries = st.tuples(st.sampled_from(["", "./", "/"]), paths, st.booleans()).map(lambda t: t[0] + t[1] + ("/" if t[2] else ""))


@pytest.mark.parametrize("patterns", PATTERN_SETS, ids=lambda patterns: " ".join(patterns)[:40])
@settings(max_examples=300, deadline=None)
@given(relative=entries)
def test_the_quick_matchers_agree_with_pathspec(patterns, relative):
    assert matches_relative(patterns, relative) == compile_patterns(patterns).match_file(relative)


def test_the_default_excludes_take_the_set_of_names():
    assert _directory_names(default_exclude()) == {pattern[:-1] for pattern in default_exclude()}


@pytest.mark.parametrize("patterns", [("build",), ("*.py/",), ("a/b/",), ("!build/",), ("../",), (" build/",)])
def test_anything_but_plain_directory_names_is_left_to_the_expressions(patterns):
    assert _directory_names(patterns) is None


def test_a_pattern_that_re_includes_is_left_to_pathspec():
    assert _any_of(("*.py", "!x.py")) is None
    assert _any_of(("build", "*.py")) is not None
