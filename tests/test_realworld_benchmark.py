"""The real-world benchmark (benchmarks/realworld/): its manifest holds up, and its scripts lay a
repository out from a mirror and score the tool on it with the figures the labels imply."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = ROOT / "benchmarks" / "realworld"
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(REALWORLD))

import manifest  # noqa: E402

COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
}


# ---------------------------------------------------------------- (a) the manifest itself


@pytest.mark.skipif(not manifest.MANIFEST_PATH.exists(), reason="benchmarks/realworld/manifest.json is not merged yet")
def test_the_manifest_is_valid_and_as_large_as_the_issue_asks():
    assert manifest.validate() == []
    loaded, _ = manifest.load()
    entries = loaded.entries
    assert len(entries) >= 60, "issue 11 asks for at least 60 files"
    assert len({e.repo for e in entries}) >= 45, "issue 11 asks for at least 45 repositories"
    assert sum(e.negative for e in entries) >= 12, "issue 11 asks for at least 12 negatives"


def test_validate_names_each_problem_with_its_file_and_line(tmp_path):
    good_site = {"line": 3, "end_line": 3, "alt_lines": [], "weight": "W", "role": "input_kernel",
                 "initializer": "tf.random_normal", "deviates": True, "expected_fix": "glorot_uniform",
                 "ambiguous": False, "reason": None}
    entry = {"repo": "a/b", "path": "m.py", "commit": "0" * 40, "kind": "tf1", "cell": "lstm", "negative": False,
             "format": "py", "python": 3, "categories": ["tf1-graph"], "related": [], "notes": "", "sites": [good_site]}
    problems_entry = {**entry, "path": "n.ipynb", "format": "ipynb", "kind": "tf9", "categories": ["tf1-graph", "graphs"], "sites": [
        {**good_site, "line": 0},
        {**good_site, "end_line": 1, "role": "kernel"},
        {**good_site, "expected_fix": "none"},
        {**good_site, "ambiguous": True},
    ]}
    negative = {**entry, "path": "neg.py", "negative": True, "cell": "none", "categories": ["negative"],
                "sites": [{**good_site, "role": "other", "deviates": False, "expected_fix": "none"}]}
    no_commit = {k: v for k, v in entry.items() if k != "commit"}
    shard = tmp_path / "shard.json"
    shard.write_text(json.dumps([entry, problems_entry, negative, dict(entry), no_commit], indent=1))

    problems = manifest.validate([shard])

    def about(text):
        return [p for p in problems if text in p]

    assert about("`kind` 'tf9'") and about("unknown category 'graphs'")
    assert about("a notebook site needs `cell`") and about("lacks the category `notebook`")
    assert about("`line` must be an integer >= 1, not 0")
    assert about("`end_line` 1 is before `line` 3") and about("unknown role 'kernel'")
    assert about("`deviates` is true but `expected_fix` is \"none\"")
    assert about("an ambiguous site needs a `reason`")
    assert about("a negative entry's sites have role `not_lstm`, not 'other'")
    assert about("a/b m.py is already labelled at")
    assert about("missing `commit`")
    # Every problem names the shard and the JSON line of its entry, so the labeller can go there.
    text = shard.read_text().splitlines()
    for problem in problems:
        location, line = problem.split(":")[:2]
        assert location == str(shard) and text[int(line) - 1].strip() == "{", problem
    assert manifest.validate([shard]) == problems
    with pytest.raises(manifest.ManifestError):
        manifest.load([shard])
    lenient, _ = manifest.load([shard], lenient=True)
    assert [e.path for e in lenient.entries] == ["m.py"]


# ---------------------------------------------------------------- (b) rehydrate + score, no network


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **COMMIT_ENV})


def notebook_from(source_lines):
    """A notebook: a markdown cell, then the code (cell 1, 0-based)."""
    return {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A fused LSTM\n"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": [line + "\n" for line in source_lines[:-1]] + [source_lines[-1]]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def site(line, weight, role, initializer, fix, end_line=None, deviates=True, ambiguous=False, **extra):
    return {"line": line, "end_line": end_line or line, "alt_lines": [], "weight": weight, "role": role,
            "initializer": initializer, "deviates": deviates, "expected_fix": fix, "ambiguous": ambiguous,
            "reason": "a reader could take it either way" if ambiguous else None, **extra}


def entry(path, sites, categories, *, kind="tf1", negative=False, notebook=False, commit, repo="bench/cells"):
    return {"repo": repo, "path": path, "commit": commit, "kind": kind, "cell": "none" if negative else "lstm",
            "negative": negative, "format": "ipynb" if notebook else "py", "python": 3, "categories": categories,
            "related": [], "notes": "labelled by hand for the test", "sites": sites}


@pytest.fixture
def benchmark(tmp_path):
    """A mirror of one repository built from the fixtures, its manifest, and where the trees go."""
    work = tmp_path / "repo"
    (work / "seqgan").mkdir(parents=True)
    (work / "cells").mkdir()
    (work / "models").mkdir()
    (work / "notebooks").mkdir()
    (work / "seqgan" / "generator.py").write_text((FIXTURES / "tf1_seqgan_init_matrix.py").read_text())
    fused = (FIXTURES / "tf1_get_variable_fused.py").read_text()
    (work / "cells" / "fused.py").write_text(fused)
    (work / "models" / "mlp.py").write_text((FIXTURES / "negative_mlp_square_matrices.py").read_text())
    # The notebook's code cell is the fused cell's first 28 lines: the function, without the main block.
    notebook_text = json.dumps(notebook_from(fused.splitlines()[:28]), indent=1) + "\n"
    (work / "notebooks" / "fused.ipynb").write_text(notebook_text)
    (work / "README.md").write_text("not laid out: neither Python nor packaging\n")
    git("init", "-q", cwd=work)
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "cells", cwd=work)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True).stdout.strip()
    mirrors = tmp_path / "mirrors"
    (mirrors / "bench+cells").mkdir(parents=True)
    work.rename(mirrors / "bench+cells" / "repo")  # the layout fetch leaves: owner+name/repo/.git

    raw_kernel_line = next(n for n, text in enumerate(notebook_text.splitlines(), 1) if "kernel = tf.get_variable(" in text)
    seqgan = "tf.random_normal(stddev=0.1) via init_matrix"
    entries = [
        # Read from the fixture: per-gate W (input), U (recurrent), b (bias; bf feeds the forget gate),
        # all from init_matrix. Uog (line 62) is left unlabelled on purpose, Wc is marked ambiguous, and the
        # embedding (20) and output layer (112, 113) are `other`.
        entry("seqgan/generator.py", [
            site(20, "self.g_embeddings", "other", seqgan, "none", deviates=False),
            site(53, "self.Wi", "input_kernel", seqgan, "glorot_uniform", alt_lines=[50]),
            site(54, "self.Ui", "recurrent_kernel", seqgan, "orthogonal"),
            site(55, "self.bi", "bias", seqgan, "zeros"),
            site(57, "self.Wf", "input_kernel", seqgan, "glorot_uniform"),
            site(58, "self.Uf", "recurrent_kernel", seqgan, "orthogonal"),
            site(59, "self.bf", "forget_bias", seqgan, "ones"),
            site(61, "self.Wog", "input_kernel", seqgan, "glorot_uniform"),
            site(63, "self.bog", "bias", seqgan, "zeros"),
            site(65, "self.Wc", "input_kernel", seqgan, "glorot_uniform", ambiguous=True),
            site(66, "self.Uc", "recurrent_kernel", seqgan, "orthogonal"),
            site(67, "self.bc", "bias", seqgan, "zeros"),
            site(112, "self.Wo", "other", seqgan, "none", deviates=False),
            site(113, "self.bo", "other", seqgan, "none", deviates=False),
        ], ["tf1-graph", "helper-per-call"], commit=commit),
        entry("cells/fused.py", [
            site(13, "kernel", "fused_kernel", "tf.random_normal_initializer(stddev=0.1)", "glorot_uniform",
                 end_line=17, alt_lines=[16]),
            site(18, "bias", "bias", "tf.zeros_initializer() (forget slice zero)", "zeros+forget1"),
        ], ["tf1-graph"], commit=commit),
        entry("notebooks/fused.ipynb", [
            site(raw_kernel_line, "kernel", "fused_kernel", "tf.random_normal_initializer(stddev=0.1)", "glorot_uniform",
                 end_line=raw_kernel_line + 4, cell=1, cell_line=13, end_cell_line=17),
            site(raw_kernel_line + 5, "bias", "bias", "tf.zeros_initializer() (forget slice zero)", "zeros+forget1",
                 cell=1, cell_line=18),
        ], ["tf1-graph", "notebook"], notebook=True, commit=commit),
        entry("models/mlp.py", [
            site(15, "w", "not_lstm", "tf.random.normal(stddev=0.1) via init_matrix", "none", deviates=False),
            site(15, "b", "not_lstm", "tf.zeros", "none", deviates=False),
            site(16, "self.gate", "not_lstm", "tf.random.normal(stddev=0.1) via init_matrix", "none", deviates=False),
        ], ["negative"], kind="tf2", negative=True, commit=commit),
    ]
    shard = tmp_path / "shard.json"
    shard.write_text(json.dumps(entries, indent=1))
    absent = tmp_path / "absent.json"  # a repository with no mirror
    absent.write_text(json.dumps([entry("model.py", [], ["negative"], negative=True, commit="1" * 40,
                                        repo="bench/nowhere")], indent=1))
    return {"mirrors": mirrors, "shard": shard, "absent": absent, "out": tmp_path / "trees", "tmp": tmp_path}


def script(name, *args):
    return subprocess.run([sys.executable, str(REALWORLD / name), *map(str, args)], capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow  # the tool in subprocesses over a laid-out tree
def test_rehydrate_lays_out_the_commit_and_lists_what_is_missing(benchmark):
    assert manifest.validate([benchmark["shard"]]) == []
    check = script("rehydrate.py", "--check", "--mirrors", benchmark["mirrors"], "--manifest", benchmark["shard"])
    assert check.returncode == 0, check.stderr
    assert "checked 4 of 4 entries" in check.stdout

    result = script("rehydrate.py", "--out", benchmark["out"], "--mirrors", benchmark["mirrors"],
                    "--manifest", benchmark["shard"], benchmark["absent"])
    assert result.returncode == 1
    assert "bench/nowhere model.py: no mirror under" in result.stderr
    tree = benchmark["out"] / "bench+cells"
    laid_out = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert laid_out == ["cells/fused.py", "models/mlp.py", "notebooks/fused.ipynb", "seqgan/generator.py"]
    assert (tree / ".git").is_dir()
    assert (tree / "cells" / "fused.py").read_text() == (FIXTURES / "tf1_get_variable_fused.py").read_text()

    # A repository without a mirror can come from single saved files (DIR/owner+name/COMMIT/PATH).
    saved = benchmark["tmp"] / "saved" / "bench+nowhere" / ("1" * 40)
    saved.mkdir(parents=True)
    (saved / "model.py").write_text("import tensorflow as tf\n")
    with_files = script("rehydrate.py", "--out", benchmark["out"], "--mirrors", benchmark["mirrors"], "--files",
                        benchmark["tmp"] / "saved", "--manifest", benchmark["shard"], benchmark["absent"])
    assert with_files.returncode == 0, with_files.stderr
    assert (benchmark["out"] / "bench+nowhere" / "model.py").read_text() == "import tensorflow as tf\n"

    # A second run replaces its own trees; an output directory inside the repository is refused.
    again = script("rehydrate.py", "--out", benchmark["out"], "--mirrors", benchmark["mirrors"], "--manifest",
                   benchmark["shard"])
    assert again.returncode == 0, again.stderr
    inside = script("rehydrate.py", "--out", ROOT / "benchmarks" / "trees", "--mirrors", benchmark["mirrors"],
                    "--manifest", benchmark["shard"])
    assert inside.returncode == 2 and "inside this repository" in inside.stderr
    assert not (ROOT / "benchmarks" / "trees").exists()

    # --check finds a labelled line past the end of its file.
    entries = json.loads(benchmark["shard"].read_text())
    entries[1]["sites"][1]["line"] = entries[1]["sites"][1]["end_line"] = 400
    broken = benchmark["tmp"] / "broken.json"
    broken.write_text(json.dumps(entries))
    check = script("rehydrate.py", "--check", "--mirrors", benchmark["mirrors"], "--manifest", broken)
    assert check.returncode == 1 and "line 400 is past the file's" in check.stderr


@pytest.mark.slow  # the tool in subprocesses over a laid-out tree
def test_score_gives_the_figures_the_labels_imply(benchmark):
    laid = script("rehydrate.py", "--out", benchmark["out"], "--mirrors", benchmark["mirrors"], "--manifest",
                  benchmark["shard"])
    assert laid.returncode == 0, laid.stderr
    figures_path = benchmark["tmp"] / "figures.json"
    result = script("score.py", "--tree", benchmark["out"], "--manifest", benchmark["shard"], "--json", figures_path,
                    "--no-import-check")
    assert result.returncode == 0, result.stderr
    figures = json.loads(figures_path.read_text())
    summary = figures["summary"]
    # 10 unambiguous deviating sites in the SeqGAN generator, 2 in fused.py, 2 in the notebook: all found.
    assert (summary["deviating_sites"], summary["found"], summary["missed"]) == (14, 14, 0)
    # 16 findings: 14 on those sites, Wc's on an ambiguous site (not counted), Uog's on an unlabelled line.
    assert (summary["correct_findings"], summary["spurious_findings"], summary["ambiguous_findings"]) == (14, 1, 1)
    assert summary["recall"] == 1.0 and summary["precision"] == pytest.approx(14 / 15)
    assert summary["role_agreement"] == 1.0
    assert len(figures["spurious"]) == 1
    assert figures["spurious"][0].startswith("bench+cells/seqgan/generator.py:62: expected nothing [unlabelled line] / got LST001 recurrent_kernel")
    assert figures["errors"] == []
    assert figures["categories"]["notebook"]["found"] == 2 and figures["categories"]["negative"]["spurious_findings"] == 0
    assert figures["kinds"]["tf1"]["deviating_sites"] == 14
    fixes = figures["fix_check"]
    # --fix rewrote the three files with findings (the negative has none to fix); each still parses, and
    # fixing again changes nothing.
    assert (fixes["files"], fixes["changed"], fixes["parse"], fixes["second_fix_changed"]) == (3, 3, 3, 0)
    assert [r["path"] for r in fixes["results"]] == [
        "bench+cells/seqgan/generator.py", "bench+cells/cells/fused.py", "bench+cells/notebooks/fused.ipynb"]
    assert "recall      1.00  (14 of 14 unambiguous deviating sites found)" in result.stdout
    assert "| notebook | 1 | 2 | 2 | 0 | 0 | 1.00 | 1.00 |" in result.stdout
    # The laid-out tree itself is not touched by the fix check.
    tree_file = benchmark["out"] / "bench+cells" / "cells" / "fused.py"
    assert tree_file.read_text() == (FIXTURES / "tf1_get_variable_fused.py").read_text()


@pytest.mark.slow  # the tool in subprocesses over a laid-out tree
def test_score_lists_each_miss_of_a_tool_that_reports_only_kernels(benchmark):
    script("rehydrate.py", "--out", benchmark["out"], "--mirrors", benchmark["mirrors"], "--manifest",
           benchmark["shard"], benchmark["absent"])
    kernels_only = f"{sys.executable} -m lstm_init_lint --select LST001,LST002,LST003"
    figures_path = benchmark["tmp"] / "figures.json"
    result = script("score.py", "--tree", benchmark["out"], "--manifest", benchmark["shard"], benchmark["absent"],
                    "--tool", kernels_only, "--json", figures_path, "--no-fix-check")
    # The entry without a mirror is not scored, and says so.
    assert result.returncode == 1
    assert "not scored: 1 entries" in result.stderr and "bench+nowhere/model.py" in result.stderr
    figures = json.loads(figures_path.read_text())
    summary = figures["summary"]
    # The biases go unreported: bi, bf, bog, bc, fused.py's bias and the notebook's bias.
    assert (summary["deviating_sites"], summary["found"], summary["missed"]) == (14, 8, 6)
    assert summary["precision"] == pytest.approx(8 / 9)
    assert figures["fix_check"] is None
    misses = figures["misses"]
    assert [m.split(": expected")[0] for m in misses] == [
        "bench+cells/seqgan/generator.py:55", "bench+cells/seqgan/generator.py:59",
        "bench+cells/seqgan/generator.py:63", "bench+cells/seqgan/generator.py:67",
        "bench+cells/cells/fused.py:18", "bench+cells/notebooks/fused.ipynb:cell 2:18",
    ]
    assert misses[1] == ("bench+cells/seqgan/generator.py:59: expected forget_bias "
                         "(tf.random_normal(stddev=0.1) via init_matrix) / got nothing")
    assert figures["categories"]["notebook"]["recall"] == 0.5
    assert "bench+cells/cells/fused.py:18: expected bias" in result.stdout


def test_the_fix_check_parses_python_2_with_a_python_2_grammar():
    import score

    python2 = b"print 'weights'\nexec 'x = 1'\n"
    broken = b"print 'weights'\nexec 'x = 1'\nW = tf.Variable(\n"
    assert score.still_parses(python2, python2, notebook=False, python=2) is None
    assert score.still_parses(python2, broken, notebook=False, python=2) is not None
    # Under Python 3 rules the original does not parse either, so the fix broke nothing there.
    assert score.still_parses(python2, python2, notebook=False, python=3) is None
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": ["%matplotlib inline\n", "W = tf.Variable(tf.zeros([3]))\n"]}
    notebook = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    cell_broken = {**cell, "source": ["%matplotlib inline\n", "W = tf.Variable(tf.zeros([3])\n"]}
    notebook_broken = json.dumps({"cells": [cell_broken], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    assert score.still_parses(notebook, notebook, notebook=True, python=3) is None
    assert score.still_parses(notebook, notebook_broken, notebook=True, python=3).startswith("cell 0: SyntaxError")
