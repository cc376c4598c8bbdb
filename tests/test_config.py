"""[tool.lstm-init-lint] in pyproject.toml: found per path, validated, and
overridden by the command line."""

from __future__ import annotations

import json

import pytest
from sample_cells import ONE_FINDING, THREE_FINDINGS

from lstm_init_lint.frontends.cli import main


def write_config(directory, body: str):
    (directory / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.lstm-init-lint]\n" + body)


def codes(capsys) -> list[str]:
    return [finding["code"] for finding in json.loads(capsys.readouterr().out)]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "cell.py").write_text(THREE_FINDINGS)
    return tmp_path


def test_without_configuration_every_rule_reports(project, capsys):
    assert main(["-f", "json", str(project)]) == 1
    assert codes(capsys) == ["LST002", "LST001", "LST004"]


def test_select_and_ignore_from_pyproject(project, capsys):
    write_config(project, 'select = ["LST00"]\nignore = ["LST004"]\n')
    assert main(["-f", "json", str(project)]) == 1
    assert codes(capsys) == ["LST002", "LST001"]


def test_nearest_pyproject_above_each_path_wins(tmp_path, capsys):
    write_config(tmp_path, 'ignore = ["LST001"]\n')
    (tmp_path / "sub").mkdir()
    write_config(tmp_path / "sub", 'ignore = ["LST002"]\n')
    (tmp_path / "top.py").write_text(THREE_FINDINGS)
    (tmp_path / "sub" / "inner.py").write_text(THREE_FINDINGS)
    assert main(["-f", "json", str(tmp_path)]) == 1
    found = [(f["path"].rsplit("/", 1)[-1], f["code"]) for f in json.loads(capsys.readouterr().out)]
    assert found == [("inner.py", "LST001"), ("inner.py", "LST004"), ("top.py", "LST002"), ("top.py", "LST004")]


def test_a_pyproject_without_our_table_is_passed_over(tmp_path, capsys):
    write_config(tmp_path, 'select = ["LST004"]\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    (tmp_path / "pkg" / "cell.py").write_text(THREE_FINDINGS)
    assert main(["-f", "json", str(tmp_path / "pkg" / "cell.py")]) == 1
    assert codes(capsys) == ["LST004"]


def test_reference_from_configuration_and_the_flag_overrides_it(tmp_path, capsys):
    from lstm_init_lint.rules import _cells

    (tmp_path / "cell.py").write_text(_cells.lstm(U="tf.keras.initializers.GlorotUniform()([units, 4 * units])"))
    write_config(tmp_path, 'reference = "tf1"\n')
    assert main([str(tmp_path)]) == 0  # tf1 accepts a Glorot recurrent kernel
    capsys.readouterr()
    assert main(["--reference", "keras", str(tmp_path)]) == 1


def test_command_line_select_starts_afresh_like_ruff(project, capsys):
    write_config(project, 'select = ["LST001", "LST002"]\nignore = ["LST002"]\n')
    assert main(["-f", "json", "--select", "LST002,LST004", str(project)]) == 1
    assert codes(capsys) == ["LST002", "LST004"]


def test_command_line_ignore_adds_to_the_configuration(project, capsys):
    write_config(project, 'ignore = ["LST004"]\n')
    assert main(["-f", "json", "--ignore", "LST002", str(project)]) == 1
    assert codes(capsys) == ["LST001"]


def test_per_file_ignores(tmp_path, capsys):
    write_config(tmp_path, '[tool.lstm-init-lint.per-file-ignores]\n"legacy/*.py" = ["LST001", "LST004"]\n"notes.py" = ["LST"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(THREE_FINDINGS)
    (tmp_path / "new.py").write_text(THREE_FINDINGS)
    (tmp_path / "notes.py").write_text(THREE_FINDINGS)
    assert main(["-f", "json", str(tmp_path)]) == 1
    found = [(f["path"].rsplit("/", 1)[-1], f["code"]) for f in json.loads(capsys.readouterr().out)]
    assert found == [("old.py", "LST002"), ("new.py", "LST002"), ("new.py", "LST001"), ("new.py", "LST004")]


def test_config_flag_uses_one_file_for_every_path(project, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "lint.toml").write_text('[tool.lstm-init-lint]\nselect = ["LST004"]\n')
    write_config(project, 'select = ["LST001"]\n')
    assert main(["-f", "json", "--config", str(elsewhere / "lint.toml"), str(project)]) == 1
    assert codes(capsys) == ["LST004"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('selct = ["LST001"]\n', "selct: unknown key"),
        ('select = "LST001"\n', "select: must be a list of strings, not a string"),
        ('select = ["LST999"]\n', "select: unknown rule code or prefix 'LST999'"),
        ('ignore = ["E501"]\n', "ignore: unknown rule code or prefix 'E501'"),
        ('reference = "pytorch"\n', "reference: must be one of 'keras', 'tf1', not 'pytorch'"),
        ('match = "fuzzy"\n', "match: must be one of 'per-matrix', 'exact', not 'fuzzy'"),
        ("exclude = [1]\n", "exclude: must be a list of strings"),
        ('per-file-ignores = ["x"]\n', "per-file-ignores: must be a table"),
        ('[tool.lstm-init-lint.per-file-ignores]\n"a.py" = ["LST9"]\n', "per-file-ignores: unknown rule code or prefix 'LST9'"),
    ],
)
def test_bad_configuration_names_the_file_and_key_and_exits_2(project, capsys, body, named):
    write_config(project, body)
    assert main([str(project)]) == 2
    err = capsys.readouterr().err
    assert f"{project / 'pyproject.toml'}: [tool.lstm-init-lint] {named}" in err


def test_invalid_toml_names_the_file_and_line(project, capsys):
    (project / "pyproject.toml").write_text("[tool.lstm-init-lint]\nselect = = 1\n")
    assert main([str(project)]) == 2
    err = capsys.readouterr().err
    assert f"{project / 'pyproject.toml'}: invalid TOML: " in err and "(at line 2, column 10)" in err


def test_config_flag_without_our_table_is_an_error(project, capsys):
    (project / "other.toml").write_text("[tool.black]\n")
    assert main(["--config", str(project / "other.toml"), str(project)]) == 2
    assert "has no [tool.lstm-init-lint] table" in capsys.readouterr().err


def test_bad_select_flag_is_a_usage_error(project, capsys):
    assert main(["--select", "LST42", str(project)]) == 2
    assert "unknown rule code or prefix 'LST42'" in capsys.readouterr().err


def test_match_is_read_and_shown(project, capsys):
    write_config(project, 'match = "exact"\n')
    assert main(["--show-settings", str(project)]) == 0
    assert 'match = "exact"' in capsys.readouterr().out
    assert main(["--show-settings", "--match", "per-matrix", str(project)]) == 0
    assert 'match = "per-matrix"' in capsys.readouterr().out


def test_show_settings_prints_what_is_in_force_as_toml(project, capsys):
    import tomllib

    write_config(project, 'select = ["LST00"]\nignore = ["LST004"]\nextend-exclude = ["gen/"]\n[tool.lstm-init-lint.per-file-ignores]\n"tests/*" = ["LST001"]\n')
    assert main(["--show-settings", "--reference", "tf1", str(project / "cell.py")]) == 0
    out = capsys.readouterr().out
    assert f"# configuration file: {project / 'pyproject.toml'}" in out
    assert "# rules enabled: LST001, LST002, LST003, LST005, LST006, LST007" in out
    shown = tomllib.loads(out)
    assert shown["reference"] == "tf1"
    assert shown["select"] == ["LST00"] and shown["ignore"] == ["LST004"]
    assert shown["extend-exclude"] == ["gen/"]
    assert ".venv/" in shown["exclude"]
    assert shown["per-file-ignores"] == {"tests/*": ["LST001"]}


def test_show_settings_without_configuration(tmp_path, capsys):
    (tmp_path / "cell.py").write_text(ONE_FINDING)
    assert main(["--show-settings", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "# configuration file: none" in out
    assert 'reference = "keras"' in out


def test_the_readme_example_is_a_working_configuration(tmp_path, capsys):
    import re

    from fixture_format import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(\[tool\.lstm-init-lint\].*?)```", readme, re.S).group(1)
    (tmp_path / "pyproject.toml").write_text(example)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(THREE_FINDINGS)
    (tmp_path / "cell.py").write_text(THREE_FINDINGS)
    assert main(["--show-settings", str(tmp_path / "cell.py")]) == 0
    assert 'reference = "tf1"' in capsys.readouterr().out
    main(["-f", "json", str(tmp_path)])
    found = [(f["path"].rsplit("/", 1)[-1], f["code"]) for f in json.loads(capsys.readouterr().out)]
    assert ("old.py", "LST001") not in found and ("cell.py", "LST004") in found
