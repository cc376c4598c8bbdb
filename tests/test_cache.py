"""The cache as a user meets it: a second run over an unchanged tree parses
nothing and prints the same; a change is seen; a broken cache is rebuilt."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fixture_format import FIXTURES

from lstm_init_lint.run.runner import lint_paths
from lstm_init_lint.frontends.cli import main
from lstm_init_lint.run.codec import decode, encode
from lstm_init_lint.model import Finding, HowChecked, Settings
from lstm_init_lint.rules import _cells

BAD_CELL = _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")
AN_HOUR_NS = 3600 * 10**9


def age(path, ns=AN_HOUR_NS):
    """Make a file look written an hour ago, as files in a real tree are."""
    status = os.stat(path)
    os.utime(path, ns=(status.st_atime_ns - ns, status.st_mtime_ns - ns))


@pytest.fixture
def tree(tmp_path):
    """Three cells with findings and one file that cannot hold a cell."""
    root = tmp_path / "tree"
    root.mkdir()
    for name in ("tf2_module_per_matrix.py", "keras3_layer_add_weight.py", "gru_tf2_per_gate.py"):
        shutil.copy(FIXTURES / name, root / name)
    (root / "util.py").write_text("def add(a, b):\n    return a + b\n")
    for path in root.iterdir():
        age(path)
    return root


def cache_files() -> list[Path]:
    return list(Path(os.environ["LSTM_INIT_LINT_CACHE_DIR"]).rglob("*.json"))


def run(capsys, *args):
    code = main(["--statistics", *map(str, args)])
    out = capsys.readouterr().out
    files = next(line for line in out.splitlines() if line.startswith("Files: "))
    return code, out, files


def test_a_second_run_over_an_unchanged_tree_parses_nothing_and_prints_the_same(tree, capsys):
    assert main([str(tree)]) == 1
    cold = capsys.readouterr().out
    assert main([str(tree)]) == 1
    assert capsys.readouterr().out == cold
    _, _, files = run(capsys, tree)
    assert files == "Files: 4 in all: 0 passed over by the pre-filter, 0 passed over by the structural gate, 4 served from the cache, 0 analysed, 0 not read, 0 skipped (too large to analyse)."


def test_cached_findings_are_the_findings(tree, tmp_path):
    cache = tmp_path / "cache"
    cold = lint_paths([str(tree)], cache_directory=cache)
    warm = lint_paths([str(tree)], cache_directory=cache)
    assert {r.how for r in warm.files} == {HowChecked.CACHED}
    assert warm.findings == cold.findings
    assert [r.error for r in warm.files] == [r.error for r in cold.files]


def test_a_changed_file_is_analysed_again(tree, capsys):
    target = tree / "tf2_module_per_matrix.py"
    _, before, _ = run(capsys, tree)
    target.write_text(target.read_text().replace("stddev=0.1", "stddev=0.2"))
    _, after, files = run(capsys, tree)
    assert files == "Files: 4 in all: 0 passed over by the pre-filter, 0 passed over by the structural gate, 3 served from the cache, 1 analysed, 0 not read, 0 skipped (too large to analyse)."
    assert before != after


def test_a_touched_but_unchanged_file_is_served_after_comparing_its_hash(tree, capsys):
    run(capsys, tree)
    age(tree / "tf2_module_per_matrix.py", -AN_HOUR_NS // 2)  # touched, half an hour ago
    _, _, files = run(capsys, tree)
    assert "4 served from the cache, 0 analysed" in files


def test_a_file_rewritten_within_a_clock_tick_is_not_trusted_by_its_stamp(tmp_path, capsys):
    """Same size, same modification time, other content: caught because the
    entry was made while the file was young."""
    path = tmp_path / "cell.py"
    path.write_text(BAD_CELL)
    stamp = os.stat(path)
    code, _, _ = run(capsys, path)
    assert code == 1
    path.write_text(BAD_CELL.replace("stddev=0.1", "stddev=0.2"))
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert os.stat(path).st_size == stamp.st_size
    _, _, files = run(capsys, path)
    assert "0 served from the cache, 1 analysed" in files


def test_settings_have_caches_of_their_own(tree, capsys):
    run(capsys, tree)
    _, _, files = run(capsys, "--reference", "tf1", tree)
    assert "0 served from the cache, 3 analysed" in files


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[]", b'{"format": 1, "files": {"x": 1}}', b"\x00\xff"])
def test_a_corrupt_cache_is_ignored_and_rebuilt(tree, capsys, garbage):
    code, cold, _ = run(capsys, tree)
    (cache_file,) = cache_files()
    cache_file.write_bytes(garbage)
    assert run(capsys, tree)[:2] == (code, cold)
    _, _, files = run(capsys, tree)
    assert "4 served from the cache, 0 analysed" in files


def test_a_corrupt_entry_is_analysed_again(tree, capsys):
    run(capsys, tree)
    (cache_file,) = cache_files()
    data = json.loads(cache_file.read_text())
    key = next(k for k in data["files"] if k.endswith("tf2_module_per_matrix.py"))
    data["files"][key]["findings"] = [{"code": 7}]
    cache_file.write_text(json.dumps(data))
    _, _, files = run(capsys, tree)
    assert "3 served from the cache, 1 analysed" in files


def test_no_cache_neither_reads_nor_writes_it(tree, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_INIT_LINT_CACHE_DIR", str(tmp_path / "cache"))
    _, _, files = run(capsys, "--no-cache", tree)
    assert "0 served from the cache, 3 analysed" in files
    assert not (tmp_path / "cache").exists()


def test_the_cache_directory_defaults_to_the_current_one_and_keeps_out_of_git(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LSTM_INIT_LINT_CACHE_DIR")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cell.py").write_text(BAD_CELL)
    assert main(["cell.py"]) == 1
    cache = tmp_path / ".lstm_init_lint_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").exists()
    assert not list(cache.rglob("*.tmp"))


def test_an_unwritable_cache_does_not_stop_the_run(tree, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file-not-directory"
    blocker.write_text("")
    monkeypatch.setenv("LSTM_INIT_LINT_CACHE_DIR", str(blocker))
    assert main([str(tree)]) == 1


def test_every_fixture_finding_survives_the_codec():
    from lstm_init_lint.engine import lint_source

    findings = [f for path in sorted(FIXTURES.glob("*.py")) for f in lint_source(path.read_bytes(), str(path), Settings()).findings]
    assert findings
    assert [decode(Finding, json.loads(json.dumps(encode(f)))) for f in findings] == findings


def test_a_json_run_after_a_text_run_shows_the_fixes(tree, capsys):
    """A text lint plans no fixes; the JSON report needs them, so it is
    never served the text run's findings (they are cached apart)."""
    assert main([str(tree)]) == 1
    capsys.readouterr()
    assert main(["--format", "json", str(tree)]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert findings and any(f["fixable"] and f["fix"]["replacement"] for f in findings)
    assert all(f["fixable"] or f["no_fix_reason"] for f in findings)
    assert main(["--format", "json", str(tree)]) == 1  # now from the cache: the same report
    assert json.loads(capsys.readouterr().out) == findings


def test_a_text_lint_plans_no_fixes():
    from lstm_init_lint.engine import lint_source

    plain = lint_source(BAD_CELL.encode(), "cell.py").findings
    planned = lint_source(BAD_CELL.encode(), "cell.py", plan_fixes=True).findings
    assert [f.fix for f in plain] == [None] and planned[0].fixable and planned[0].fix is not None
    assert [f.message for f in plain] == [f.message for f in planned]
