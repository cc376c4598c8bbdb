"""A directory named on the command line is walked even when the excludes
or .gitignore would skip it (README: "Files and directories named on the
command line are linted even when excluded"): the patterns that match the
named directory itself, or a directory above it, do not apply inside it;
every other pattern does. So an installed package can be linted in place,
inside .venv/lib/python3.11/site-packages/."""

from __future__ import annotations

import subprocess

import pytest
from sample_cells import ONE_FINDING

from lstm_init_lint.frontends.cli import main


def linted(capsys, root) -> list[str]:
    out = capsys.readouterr().out
    return sorted({line.split(":", 1)[0].removeprefix(f"{root}/") for line in out.splitlines()[:-1]})


@pytest.fixture
def repo(tmp_path):
    """A git repository ignoring its virtual environment, with a package
    installed in it."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(".venv/\n*.generated.py\n")
    package = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages" / "pkg"
    for name in ("model.py", "sub/cell.py", "build/out.py", "__pycache__/cached.py", "table.generated.py", "scratch.py"):
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ONE_FINDING)
    (package / ".gitignore").write_text("scratch.py\n")
    (tmp_path / "model.py").write_text(ONE_FINDING)
    return tmp_path


def test_walking_the_repository_skips_the_virtual_environment(repo, capsys):
    assert main([str(repo)]) == 1
    assert linted(capsys, repo) == ["model.py"]


def test_a_package_named_inside_the_virtual_environment_is_walked(repo, capsys):
    package = repo / ".venv" / "lib" / "python3.11" / "site-packages" / "pkg"
    assert main([str(package)]) == 1
    # .venv/ and site-packages/ match the named directory's parents: they do
    # not apply inside it; build/, __pycache__/, *.generated.py and the
    # package's own .gitignore still do.
    assert linted(capsys, package) == ["model.py", "sub/cell.py"]


def test_an_excluded_directory_named_explicitly_is_walked_unless_force_exclude(repo, capsys):
    build = repo / ".venv" / "lib" / "python3.11" / "site-packages" / "pkg" / "build"
    assert main([str(build)]) == 1
    assert linted(capsys, build) == ["out.py"]
    assert main(["--force-exclude", str(build)]) == 0
    assert capsys.readouterr().out.strip() == "No files checked."
