"""Several processes give the same result, in the same order, as one; and
--statistics counts what each file went through."""

from __future__ import annotations

import json
import os
import sys
import threading

import pytest
from fixture_format import FIXTURES

from lstm_init_lint.model import Settings
from lstm_init_lint.run import runner
from lstm_init_lint.run.runner import lint_paths
from lstm_init_lint.frontends.cli import main
from lstm_init_lint.model import HowChecked
from lstm_init_lint.rules import _cells

BAD_CELL = _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")


def test_parallel_and_serial_runs_agree_exactly(tmp_path):
    (tmp_path / "util.py").write_text("x = 1\n")
    (tmp_path / "broken.py").write_text("import tensorflow as tf\nW = tf.Variable(w)\ndef f(:\n    return x @ W\n")
    (tmp_path / "missing.py").symlink_to(tmp_path / "nowhere.py")
    paths = [str(FIXTURES), str(tmp_path), str(tmp_path / "missing.py")]
    serial = lint_paths(paths, jobs=1)
    parallel = lint_paths(paths, jobs=2)
    assert len(serial.files) > runner.SERIAL_LIMIT, "enough files for the parallel path"
    assert parallel == serial
    assert [r.path for r in serial.files] == sorted(r.path for r in serial.files)
    # The quiet fixtures without a two-product sum are passed over by the gate.
    assert {r.how for r in serial.files} == {HowChecked.ANALYSED, HowChecked.PASSED_OVER, HowChecked.PASSED_OVER_BY_GATE, HowChecked.NOT_READ}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and fork servers are chosen on Linux")
def test_a_process_with_threads_gets_the_same_result_from_a_fork_server():
    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait)
    waiter.start()
    try:
        assert runner._context().get_start_method() == "forkserver"
        assert lint_paths([str(FIXTURES)], jobs=2) == lint_paths([str(FIXTURES)], jobs=1)
    finally:
        stop.set()
        waiter.join()


@pytest.mark.slow  # a subprocess per number of jobs
def test_the_command_line_prints_the_same_with_any_number_of_jobs(capsys):
    outputs = []
    for jobs in ("1", "2", "3"):
        assert main(["--no-cache", "--format", "json", "--jobs", jobs, str(FIXTURES)]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])


def test_a_pool_is_used_only_for_more_than_a_handful_of_files():
    assert runner.uses_a_pool(runner.SERIAL_LIMIT + 1, jobs=2)
    assert not runner.uses_a_pool(runner.SERIAL_LIMIT, jobs=2)
    assert not runner.uses_a_pool(1000, jobs=1)


def test_chunks_hold_every_file_once_largest_first():
    tasks = [runner.Task(f"f{i}", size, None, Settings()) for i, size in enumerate([10, 900_000, 5, 300_000, 200_000, 70_000])]
    chunks = runner.chunks(tasks)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(tasks)))
    assert chunks[0] == [1]  # the largest file alone, handed out first


def test_jobs_must_be_positive(capsys):
    assert main(["--jobs", "0", str(FIXTURES)]) == 2


def test_default_jobs_is_the_cores_this_process_may_use():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert runner.default_jobs() == expected


def test_statistics_count_rules_and_files(tmp_path, capsys):
    (tmp_path / "bad.py").write_text(BAD_CELL)
    (tmp_path / "good.py").write_text(_cells.lstm())
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "mlp.py").write_text("import tensorflow as tf\nW = tf.Variable(tf.zeros([4, 4]))\ny = tf.nn.relu(tf.matmul(x, W) + 1)\n")
    assert main(["--statistics", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "1  LST001  recurrent-kernel-init",
        "Files: 4 in all: 1 passed over by the pre-filter, 1 passed over by the structural gate, 0 served from the cache, 2 analysed, 0 not read, 0 skipped (too large to analyse).",
        "Found 1 finding in 1 file (2 files checked, 2 passed over as unable to hold a recurrent cell).",
    ]
    assert main(["--statistics", "--format", "json", str(tmp_path)]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "rules": [{"code": "LST001", "name": "recurrent-kernel-init", "count": 1}],
        "files": {"checked": 4, "passed_over": 0, "passed_over_by_gate": 0, "cached": 4, "analysed": 0, "not_read": 0, "skipped": 0, "errors": 0, "python2": 0, "modules_followed": 0},
    }
