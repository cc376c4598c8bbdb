"""Each fixture is real code: it runs under the installed TensorFlow (2.21).

Every fixture builds its model and runs a step when executed as a script.
They run as separate processes (TF1 graph-mode fixtures switch TensorFlow's
global behaviour), two at a time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from fixture_format import DEFINES_ONLY, FIXTURES, TF1_ONLY, is_python2, run_environment, runs_here

pytestmark = pytest.mark.slow  # runs every fixture under TensorFlow

FIXTURE_FILES = sorted(FIXTURES.glob("*.py"))
RUNNABLE = [path for path in FIXTURE_FILES if not is_python2(path) and path.name not in TF1_ONLY]


def _run(path):
    env = run_environment(path, dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES=""))
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def runs():
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(RUNNABLE, pool.map(_run, RUNNABLE)))


@pytest.mark.parametrize("path", runs_here(FIXTURE_FILES))
def test_fixture_runs_under_tensorflow(runs, path):
    result = runs[path]
    assert result.returncode == 0, result.stderr[-3000:]


def test_fixtures_have_a_main_block():
    """Every fixture but the known gaps (``DEFINES_ONLY``), which must not grow."""
    assert DEFINES_ONLY <= {path.name for path in FIXTURE_FILES}
    for path in FIXTURE_FILES:
        if path.name in DEFINES_ONLY:
            continue
        assert 'if __name__ == "__main__":' in path.read_text(encoding="utf-8"), path.name
