"""The pre-commit hooks in .pre-commit-hooks.yaml, run by the real
pre-commit (`pre-commit try-repo` on this checkout, which installs the
package in a fresh environment, without TensorFlow, as a user's would).

The fixing hook's tests run once `--fix` exists (it is being built on
another branch): until then they are skipped, saying so.

try-repo installs this checkout's committed files plus its staged and
tracked changes, not untracked files: `git add` a new module before running
these tests in a working tree (a fresh clone, as in CI, has everything).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fixture_format import ROOT
from sample_cells import CLEAN, ONE_FINDING, tool

from lstm_init_lint.frontends.cli import main


def hooks() -> list[dict]:
    import yaml  # pre-commit's own dependency

    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path):
    """A user's repository: a bad cell, a clean one, an excluded one, a notebook."""
    import nbformat

    repo = tmp_path / "project"
    (repo / "generated").mkdir(parents=True)
    (repo / "bad.py").write_text(ONE_FINDING)
    (repo / "clean.py").write_text(CLEAN)
    (repo / "generated" / "bad.py").write_text(ONE_FINDING)
    (repo / "pyproject.toml").write_text('[tool.lstm-init-lint]\nextend-exclude = ["generated/"]\n')
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# LSTM"), nbformat.v4.new_code_cell(ONE_FINDING)])
    (repo / "lab.ipynb").write_text(nbformat.writes(notebook))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    return repo


def try_repo(repo, hook_id: str, home) -> subprocess.CompletedProcess:
    executable = tool("pre-commit")
    command = [executable] if executable else [sys.executable, "-m", "pre_commit"]
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("CI", None)
    return subprocess.run(
        [*command, "try-repo", str(ROOT), hook_id, "--all-files", "--verbose"], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )


def test_the_hooks_file_declares_both_hooks():
    by_id = {hook["id"]: hook for hook in hooks()}
    assert set(by_id) == {"lstm-init-lint", "lstm-init-lint-fix"}
    for hook in by_id.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "jupyter"]
        assert hook["entry"] == "lstm-init-lint --force-exclude"
    assert by_id["lstm-init-lint-fix"]["args"] == ["--fix"]
    assert "args" not in by_id["lstm-init-lint"]


def test_the_package_installs_without_tensorflow():
    """What pre-commit installs: the package's own dependencies."""
    import tomllib

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not [d for d in dependencies if d.split(";")[0].strip().lower().startswith(("tensorflow", "keras", "tf-keras", "numpy", "torch"))]


@pytest.mark.slow  # pre-commit builds an environment
def test_check_hook_fails_with_the_finding(project, pre_commit_home):
    result = try_repo(project, "lstm-init-lint", pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "lstm-init-lint" in output and "Failed" in output
    assert "bad.py:7:9: LST001 LSTM recurrent kernel `self.U`" in output
    assert "lab.ipynb:cell 2:7:9: LST001" in output
    assert "generated/bad.py" not in output  # the configured exclude, forced on the files pre-commit passes
    assert "clean.py" not in output


@pytest.mark.slow  # pre-commit builds an environment
def test_check_hook_passes_on_a_clean_repository(project, pre_commit_home):
    (project / "bad.py").write_text(CLEAN)
    (project / "lab.ipynb").unlink()
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    result = try_repo(project, "lstm-init-lint", pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


@pytest.mark.slow  # pre-commit builds an environment
def test_fix_hook_rewrites_the_file(project, pre_commit_home):
    before = (project / "bad.py").read_text()
    result = try_repo(project, "lstm-init-lint-fix", pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in output
    after = (project / "bad.py").read_text()
    assert after != before
    assert main([str(project / "bad.py")]) == 0  # nothing left to report
    assert (project / "generated" / "bad.py").read_text() == ONE_FINDING  # excluded: untouched


def test_fix_rewrites_a_notebook_cell_and_keeps_its_outputs(tmp_path):
    import nbformat

    cell = nbformat.v4.new_code_cell(ONE_FINDING, execution_count=3)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok\n")]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# LSTM"), cell])
    path = tmp_path / "lab.ipynb"
    path.write_text(nbformat.writes(notebook))
    main(["--fix", str(path)])
    after = json.loads(path.read_text())
    assert after["cells"][1]["outputs"] == json.loads(nbformat.writes(notebook))["cells"][1]["outputs"]
    assert after["cells"][1]["execution_count"] == 3
    assert main([str(path)]) == 0


def test_the_readme_snippet_names_the_declared_hooks():
    import re

    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(# \.pre-commit-config\.yaml.*?)```", readme, re.S).group(1)
    config = yaml.safe_load(snippet)
    declared = {hook["id"] for hook in hooks()}
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == ["lstm-init-lint"]
    assert "id: lstm-init-lint-fix" in snippet and "lstm-init-lint-fix" in declared


def readme_pre_commit_configs() -> list[str]:
    """The `.pre-commit-config.yaml` snippets of the README, as printed."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(# \.pre-commit-config\.yaml.*?)```", readme, re.S)


def run_pre_commit(repo, config: str, home) -> subprocess.CompletedProcess:
    (repo / ".pre-commit-config.yaml").write_text(config)
    subprocess.run(["git", "add", ".pre-commit-config.yaml"], cwd=repo, check=True)
    executable = tool("pre-commit")
    command = [executable] if executable else [sys.executable, "-m", "pre_commit"]
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("CI", None)
    return subprocess.run([*command, "run", "--all-files", "--verbose"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["rev of the clone", "local hook"])
def test_the_readme_pre_commit_snippets_work_as_printed(project, pre_commit_home, which):
    """From a clone: the path filled in, and `rev:` the commit `git rev-parse
    HEAD` prints (a commit that exists, unlike a tag that was never made)."""
    configs = readme_pre_commit_configs()
    assert len(configs) == 2
    config = configs[0] if which == "rev of the clone" else configs[1]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    config = config.replace("/path/to/lstm-init-lint", str(ROOT)).replace("rev: COMMIT", f"rev: {commit}")
    assert "v0.1.0" not in config
    result = run_pre_commit(project, config, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "bad.py:7:9: LST001 LSTM recurrent kernel `self.U`" in output
    assert "generated/bad.py" not in output
