"""--fix never leaves a file half written or a temporary file behind.

The real command runs in a subprocess over many fixable files and is killed
with SIGKILL at random moments (a fixed seed, so every run of the suite
kills at the same offsets); after each kill every file is exactly as it was
or exactly as fixed, and the directory holds nothing else. Two runs at once
on one tree end with the tree exactly fixed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sample_cells import THREE_FINDINGS

from lstm_init_lint.run import files
from lstm_init_lint.engine import fix_source

COUNT = 150
KILLS = 10
SEED = 20240601
FIXED = fix_source(THREE_FINDINGS.encode(), "cell.py").fixed
NAMES = sorted(f"cell_{i:03d}.py" for i in range(COUNT))


def _tree(directory) -> None:
    directory.mkdir(exist_ok=True)
    for name in NAMES:
        (directory / name).write_text(THREE_FINDINGS)


def _fix(directory) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.Popen([sys.executable, "-m", "lstm_init_lint", "--fix", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)


def _states(directory) -> dict[str, int]:
    """How many files are original and how many fixed; fails on anything else."""
    assert sorted(os.listdir(directory)) == NAMES, "a temporary file was left behind"
    counts = {"original": 0, "fixed": 0}
    for name in NAMES:
        data = (directory / name).read_bytes()
        if data == THREE_FINDINGS.encode():
            counts["original"] += 1
        else:
            assert data == FIXED, f"{name} is neither the original nor the fixed text"
            counts["fixed"] += 1
    return counts


def test_fixed_text_differs_from_the_original():
    assert FIXED != THREE_FINDINGS.encode()


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_each_file_old_or_new_and_no_temporary_file(tmp_path):
    _tree(tmp_path / "full")
    started = time.monotonic()
    full = _fix(tmp_path / "full")
    assert full.wait(timeout=300) == 0, full.stderr.read().decode()
    duration = time.monotonic() - started
    assert _states(tmp_path / "full") == {"original": 0, "fixed": COUNT}

    chooser = random.Random(SEED)
    mixed = 0
    for round_ in range(KILLS):
        directory = tmp_path / f"round{round_}"
        _tree(directory)
        process = _fix(directory)
        time.sleep(chooser.uniform(0.15, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        states = _states(directory)
        mixed += states["original"] > 0 and states["fixed"] > 0
    # The kills landed while files were being written, not only before or after.
    assert mixed >= 1


@pytest.mark.slow
def test_two_fix_runs_at_once_leave_the_tree_exactly_fixed(tmp_path):
    _tree(tmp_path)
    first, second = _fix(tmp_path), _fix(tmp_path)
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()
    assert second.wait(timeout=300) == 0, second.stderr.read().decode()
    assert _states(tmp_path) == {"original": 0, "fixed": COUNT}


@pytest.mark.slow  # fixes 150 files in a subprocess
def test_the_next_fix_removes_abandoned_temporary_files_but_not_fresh_ones(tmp_path):
    """What a kill in the microseconds between naming and renaming would leave."""
    _tree(tmp_path)
    abandoned = tmp_path / ".cell_000.py.4242.0a1b2c3d4e5f.lstm-init-lint.tmp"
    in_flight = tmp_path / ".cell_001.py.4343.0a1b2c3d4e5f.lstm-init-lint.tmp"
    unrelated = tmp_path / ".cell_002.py.tmp"
    for path in (abandoned, in_flight, unrelated):
        path.write_text("half a file")
    an_hour_ago = time.time() - 3600
    os.utime(abandoned, (an_hour_ago, an_hour_ago))
    os.utime(unrelated, (an_hour_ago, an_hour_ago))
    assert _fix(tmp_path).wait(timeout=300) == 0
    left = sorted(os.listdir(tmp_path))
    assert abandoned.name not in left
    assert in_flight.name in left and unrelated.name in left


def test_without_unnamed_files_a_named_temporary_file_is_used_and_removed(tmp_path):
    """The fallback where O_TMPFILE is missing: same result, nothing left."""
    target = tmp_path / "cell.py"
    target.write_text("x = 1\n")
    files._write_named(str(target), str(tmp_path), b"x = 2\n", 0o640)
    assert target.read_bytes() == b"x = 2\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["cell.py"]


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="no O_TMPFILE on this system")
def test_on_linux_the_new_bytes_are_written_to_a_file_without_a_name(tmp_path):
    """The window a kill can leave a named file in is only the link and the
    rename: the write itself goes to an unnamed file."""
    target = tmp_path / "cell.py"
    target.write_text("x = 1\n")
    target.chmod(0o640)
    assert files._write_unnamed(str(target), str(tmp_path), b"x = 2\n", 0o640)
    assert target.read_bytes() == b"x = 2\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["cell.py"]
