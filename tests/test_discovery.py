"""Which files a run lints: .gitignore, exclude / extend-exclude, and
--force-exclude for paths named explicitly."""

from __future__ import annotations

import subprocess

import pytest
from sample_cells import ONE_FINDING

from lstm_init_lint.frontends.cli import main


def linted(capsys, root) -> list[str]:
    """The files a run reported on, relative to ``root``, from its findings."""
    out = capsys.readouterr().out
    return sorted({line.split(":", 1)[0].removeprefix(f"{root}/") for line in out.splitlines()[:-1]})


@pytest.fixture
def repo(tmp_path):
    """A git repository with a bad cell in several places."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name in ("model.py", "generated/model.py", "scratch/keep.py", "scratch/drop.py", "build/model.py", "data/out.py"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ONE_FINDING)
    return tmp_path


def test_the_default_excludes_skip_build_directories(repo, capsys):
    main([str(repo)])
    assert "build/model.py" not in linted(capsys, repo)


def test_gitignore_is_respected_with_negation_and_nesting(repo, capsys):
    (repo / ".gitignore").write_text("generated/\n# a comment\nscratch/*.py\n")
    (repo / "scratch" / ".gitignore").write_text("!keep.py\n")
    main([str(repo)])
    assert linted(capsys, repo) == ["data/out.py", "model.py", "scratch/keep.py"]


def test_gitignore_of_the_repository_applies_when_a_subdirectory_is_linted(repo, capsys):
    (repo / ".gitignore").write_text("scratch/drop.py\n")
    main([str(repo / "scratch")])
    assert linted(capsys, repo) == ["scratch/keep.py"]


def test_git_info_exclude_is_respected(repo, capsys):
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("data/\n")
    main([str(repo)])
    assert "data/out.py" not in linted(capsys, repo)


def test_extend_exclude_from_configuration_keeps_the_defaults(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.lstm-init-lint]\nextend-exclude = ["data/", "scratch/drop.py"]\n')
    main([str(repo)])
    assert linted(capsys, repo) == ["generated/model.py", "model.py", "scratch/keep.py"]


def test_exclude_replaces_the_default_list(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.lstm-init-lint]\nexclude = ["generated"]\n')
    main([str(repo)])
    assert linted(capsys, repo) == ["build/model.py", "data/out.py", "model.py", "scratch/drop.py", "scratch/keep.py"]


def test_exclude_patterns_are_relative_to_the_configuration_file(repo, capsys):
    # Anchored at the repository root: /model.py is not generated/model.py.
    (repo / "pyproject.toml").write_text('[tool.lstm-init-lint]\nextend-exclude = ["/model.py"]\n')
    main([str(repo / "generated"), str(repo / "scratch"), str(repo)])
    assert "model.py" not in linted(capsys, repo)
    main([str(repo)])
    assert "generated/model.py" in linted(capsys, repo)


def test_command_line_exclude_flags(repo, capsys):
    main(["--extend-exclude", "data,scratch", str(repo)])
    assert linted(capsys, repo) == ["generated/model.py", "model.py"]
    main(["--exclude", "model.py", str(repo)])
    assert linted(capsys, repo) == ["data/out.py", "scratch/drop.py", "scratch/keep.py"]


def test_a_file_named_explicitly_is_linted_even_if_excluded(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.lstm-init-lint]\nextend-exclude = ["generated/"]\n')
    assert main([str(repo / "generated" / "model.py")]) == 1
    assert linted(capsys, repo) == ["generated/model.py"]


def test_force_exclude_applies_excludes_to_files_named_explicitly(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.lstm-init-lint]\nextend-exclude = ["generated/"]\n')
    assert main(["--force-exclude", str(repo / "generated" / "model.py"), str(repo / "build" / "model.py"), str(repo / "model.py")]) == 1
    assert linted(capsys, repo) == ["model.py"]


def test_force_exclude_with_nothing_left_is_clean(repo, capsys):
    assert main(["--force-exclude", str(repo / "build" / "model.py")]) == 0
    assert capsys.readouterr().out.strip() == "No files checked."


def test_walks_include_notebooks(repo, capsys):
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ONE_FINDING)])
    (repo / "tutorial.ipynb").write_text(nbformat.writes(notebook))
    main([str(repo)])
    assert "tutorial.ipynb" in linted(capsys, repo)
