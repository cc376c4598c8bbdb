"""A cell spread over the modules of one project (issue 13, item 3).

The fixture packages under ``fixtures/packages/`` hold cells whose helpers,
constants or initialisers live in a sibling module: each ``NAME.py`` must
report what ``NAME.expected`` lists (``NAME.tf1.expected`` for ``--reference
tf1`` where it differs), the same whether the whole directory is linted or
the file alone, as pre-commit passes it. Imports that cannot be followed
(missing, broken, cyclic, too large) leave names opaque and never fail the
importing file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_format import FIXTURES, as_line, read_expected

from lstm_init_lint.engine import lint_source
from lstm_init_lint.model import Settings
from lstm_init_lint.run.resolve import DiskModules
from lstm_init_lint.run.runner import fix_paths, lint_paths

PACKAGES = FIXTURES / "packages"
PACKAGE_FILES = sorted(PACKAGES.glob("*/*.py"))


def _expected(path: Path, reference: str) -> list[str]:
    specific = path.with_name(path.stem + ".tf1.expected")
    return read_expected(specific if reference == "tf1" and specific.exists() else path.with_name(path.stem + ".expected"))


def test_every_package_fixture_has_an_expected_file():
    assert PACKAGE_FILES
    for path in PACKAGE_FILES:
        assert path.with_name(path.stem + ".expected").exists(), f"{path} has no .expected file"


@pytest.mark.parametrize("reference", ["keras", "tf1"])
def test_a_directory_run_reports_what_each_file_expects(reference):
    for package in sorted({p.parent for p in PACKAGE_FILES}):
        result = lint_paths([str(package)], Settings(reference=reference))
        assert not result.errors
        by_file = {Path(r.path).resolve(): [as_line(f) for f in r.findings] for r in result.files}
        for path in package.glob("*.py"):
            assert by_file[path.resolve()] == _expected(path, reference), path.name


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_one_file_alone_reports_what_the_directory_run_does(path):
    # pre-commit passes the changed files one at a time: their imports are still read from disk.
    alone = lint_paths([str(path)], Settings(), force_exclude=True)
    assert not alone.errors
    assert [as_line(f) for f in alone.findings] == _expected(path, "keras")


def test_following_the_import_is_what_finds_the_cell():
    path = PACKAGES / "project_ops" / "lstm_from_ops.py"
    source = path.read_bytes()
    assert lint_source(source, str(path), Settings()).findings == ()  # the engine alone: linear is an opaque name
    followed = lint_source(source, str(path), Settings(), DiskModules())
    assert len(followed.findings) == 8
    assert followed.modules and followed.modules[0][0].endswith("ops.py")
    message = followed.findings[0].message
    assert "via linear() (" in message and "ops.py, line 16)" in message


def _copy_package(tmp_path: Path) -> Path:
    target = tmp_path / "project_ops"
    shutil.copytree(PACKAGES / "project_ops", target, ignore=shutil.ignore_patterns("*.expected", "*.fixed"))
    return target


def test_fix_rewrites_the_calls_here_and_never_the_imported_module(tmp_path):
    package = _copy_package(tmp_path)
    ops_before = (package / "ops.py").read_bytes()
    lstm_before = (package / "lstm_from_ops.py").read_bytes()
    outcomes = {Path(o.path).name: o for o in fix_paths([str(package)], Settings())}
    assert (package / "gru_imported_init.py").read_bytes() == (PACKAGES / "project_ops" / "gru_imported_init.py.fixed").read_bytes()
    assert (package / "ops.py").read_bytes() == ops_before
    assert (package / "lstm_from_ops.py").read_bytes() == lstm_before
    left = outcomes["lstm_from_ops.py"].remaining
    assert len(left) == 8
    assert all(f.fix is None for f in left)
    second = fix_paths([str(package)], Settings())
    assert not any(o.changed for o in second)


def test_fix_reasons_name_the_module_that_holds_the_initialiser(tmp_path):
    package = _copy_package(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "lstm_init_lint", "--no-cache", "--fix", "lstm_from_ops.py"], cwd=package, capture_output=True, text=True
    )
    assert run.returncode == 1
    first = run.stdout.splitlines()[0]
    assert first.startswith("lstm_from_ops.py:10:20: LST002 ")
    assert "[not fixed: it is created in ops.py (line 16), a module this file imports" in first


CELL = """\
import tensorflow.compat.v1 as tf
{imports}


def lstm_step(x, h, c):
    i = tf.sigmoid(linear(x, 8, "xi") + linear(h, 8, "hi"))
    f = tf.sigmoid(linear(x, 8, "xf") + linear(h, 8, "hf"))
    g = tf.tanh(linear(x, 8, "xg") + linear(h, 8, "hg"))
    o = tf.sigmoid(linear(x, 8, "xo") + linear(h, 8, "ho"))
    c = f * c + i * g
    return o * tf.tanh(c), c
"""

OPS = """\
import tensorflow.compat.v1 as tf
{imports}


def linear(args, size, scope):
    with tf.variable_scope(scope):
        w = tf.get_variable("w", [8, size], initializer=tf.random_normal_initializer(stddev=0.1))
        return tf.matmul(args, w)
"""


def _project(tmp_path: Path, ops: str | bytes | None, cell_imports: str = "from ops import linear", ops_imports: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    cell = tmp_path / "cell.py"
    cell.write_text(CELL.format(imports=cell_imports))
    if ops is not None:
        data = ops.format(imports=ops_imports) if isinstance(ops, str) else ops
        (tmp_path / "ops.py").write_bytes(data.encode() if isinstance(data, str) else data)
    return cell


@pytest.mark.parametrize(
    "case",
    ["missing", "broken", "cycle", "huge", "binary"],
)
def test_an_import_that_cannot_be_followed_leaves_names_opaque(tmp_path, case):
    from lstm_init_lint.source.limits import MAX_SOURCE_BYTES

    ops = {
        "missing": None,
        "broken": "def linear(:\n",
        "cycle": OPS,
        "huge": "import tensorflow as tf\n" + "x = 1\n" * (MAX_SOURCE_BYTES // 6 + 10),
        "binary": b"\x00\xff\xfe",
    }[case]
    cell = _project(tmp_path, ops, ops_imports="from cell import lstm_step" if case == "cycle" else "")
    result = lint_paths([str(cell)], Settings())
    assert not result.errors
    if case == "cycle":  # a cycle is followed as Python runs it: what is defined by then is known
        assert len(result.findings) == 8
    else:
        assert result.findings == []


@pytest.mark.parametrize("framework", ["keras", "tensorflow", "numpy"])
def test_a_frameworks_own_package_in_the_tree_is_not_followed(tmp_path, framework):
    # A checkout of Keras (``from keras.src import ops`` in its own layers) or a
    # vendored copy: the framework's calls are the operations table's, not
    # the project's code, whatever lies on disk.
    (tmp_path / framework).mkdir()
    (tmp_path / framework / "__init__.py").write_text("")
    (tmp_path / framework / "ops.py").write_text(OPS.format(imports=""))
    cell = _project(tmp_path, None, f"from {framework}.ops import linear")
    assert DiskModules().find(str(cell), f"{framework}.ops", 0) is None
    assert lint_paths([str(cell)], Settings()).findings == []
    (tmp_path / framework).rename(tmp_path / "mylib")  # the same module as the project's own: followed
    (tmp_path / "cell.py").write_text(CELL.format(imports="from mylib.ops import linear"))
    assert len(lint_paths([str(cell)], Settings()).findings) == 8


def test_modules_past_the_limit_are_neither_followed_nor_read(tmp_path, monkeypatch):
    # A framework's ``__init__`` imports hundreds of modules: once the
    # analysis holds MAX_MODULES, the rest stay opaque without being parsed.
    from lstm_init_lint.analysis.modules import MAX_MODULES
    from lstm_init_lint.run import resolve

    fillers = [f"m{index}" for index in range(MAX_MODULES + 6)]
    for name in fillers:
        (tmp_path / f"{name}.py").write_text("SIZE = 8\n")
    cell = _project(tmp_path, OPS, "\n".join(f"import {name}" for name in fillers[:-1]) + "\nfrom ops import linear\nimport " + fillers[0])
    read: list[str] = []
    original = resolve._read_module
    monkeypatch.setattr(resolve, "_read_module", lambda absolute, named: read.append(absolute) or original(absolute, named))
    result = lint_source(cell.read_bytes(), str(cell), Settings(), DiskModules())
    assert len(read) == MAX_MODULES  # the first MAX_MODULES imports; the rest and ops.py never read
    assert str(tmp_path / "ops.py") not in read
    assert result.findings == ()  # ops.py was past the limit: linear stays opaque, as before


@pytest.mark.parametrize(
    ("cell_imports", "layout"),
    [
        ("from ops import linear", "ops.py"),
        ("import ops\nlinear = ops.linear", "ops.py"),
        ("from ops import *", "ops.py"),
        ("from .ops import linear", "ops.py"),
        ("from . import ops\nlinear = ops.linear", "ops.py"),
        ("from lib.ops import linear", "lib/ops.py"),
        ("import lib.ops\nlinear = lib.ops.linear", "lib/ops.py"),
        ("import lib.ops as layers\nlinear = layers.linear", "lib/ops.py"),
        ("try:\n    from ops import linear\nexcept ImportError:\n    from tensorflow.contrib.layers import linear", "ops.py"),
    ],
)
def test_each_spelling_of_an_import_is_followed(tmp_path, cell_imports, layout):
    cell = _project(tmp_path, None, cell_imports)
    target = tmp_path / layout
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(OPS.format(imports=""))
    if layout.startswith("lib/"):
        (tmp_path / "lib" / "__init__.py").write_text("")
    result = lint_paths([str(cell)], Settings())
    assert not result.errors
    assert [f.code for f in result.findings] == ["LST002", "LST001"] * 4


@pytest.mark.parametrize("cell_imports", ["from lib import ops\nlinear = ops.linear", "from lib.ops import linear"])
def test_a_package_directory_without_init_is_followed(tmp_path, cell_imports):
    # sonnet's ``from sonnet.src import initializers``: sonnet/src has no __init__.py in the tree linted
    cell = _project(tmp_path, None, cell_imports)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "ops.py").write_text(OPS.format(imports=""))
    result = lint_paths([str(cell)], Settings())
    assert not result.errors
    assert [f.code for f in result.findings] == ["LST002", "LST001"] * 4


def test_the_project_root_is_searched_too(tmp_path):
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "__init__.py").write_text("")
    (tmp_path / "common" / "ops.py").write_text(OPS.format(imports=""))
    (tmp_path / "models").mkdir()
    cell = tmp_path / "models" / "cell.py"
    cell.write_text(CELL.format(imports="from common.ops import linear"))
    assert len(lint_paths([str(cell)], Settings()).findings) == 8


def test_a_cached_result_is_dropped_when_an_imported_module_changes(tmp_path):
    cell = _project(tmp_path, OPS)
    cache = tmp_path / "cache"
    first = lint_paths([str(cell)], Settings(), cache_directory=cache)
    assert len(first.findings) == 8
    served = lint_paths([str(cell)], Settings(), cache_directory=cache)
    assert served.files[0].how.value == "cached" and len(served.findings) == 8
    ops = tmp_path / "ops.py"
    ops.write_text(ops.read_text().replace("tf.random_normal_initializer(stddev=0.1)", "tf.glorot_uniform_initializer()"))
    again = lint_paths([str(cell)], Settings(), cache_directory=cache)
    assert again.files[0].how.value == "analysed"
    assert [f.code for f in again.findings] == ["LST001"] * 4  # input kernels are now right; recurrent ones still not orthogonal


def test_statistics_count_the_modules_followed(tmp_path):
    cell = _project(tmp_path, OPS)
    run = subprocess.run([sys.executable, "-m", "lstm_init_lint", "--no-cache", "--statistics", str(cell)], capture_output=True, text=True)
    assert "; 1 imported module of the project followed." in run.stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "lstm_init_lint", "--no-cache", "--statistics", "--format", "json", str(cell)], capture_output=True, text=True
    )
    assert json.loads(as_json.stdout)["files"]["modules_followed"] == 1


def test_standard_input_resolves_imports_beside_the_file_it_stands_for(tmp_path):
    cell = _project(tmp_path, OPS)
    run = subprocess.run(
        [sys.executable, "-m", "lstm_init_lint", "--no-cache", "--stdin-filename", str(cell), "-"],
        input=cell.read_text(), capture_output=True, text=True,
    )
    assert run.returncode == 1
    assert run.stdout.count(" LST00") == 8


def test_an_imported_modules_own_cell_is_its_own_finding(tmp_path):
    # ops.py holds a whole cell; a file that only imports it reports nothing of it.
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "ops.py").write_text(CELL.format(imports="") + OPS.format(imports=""))
    user = tmp_path / "user.py"
    user.write_text("import tensorflow as tf\nfrom ops import lstm_step, linear\n\nW = tf.Variable(tf.zeros([2, 2]))\ny = tf.matmul(W, W)\n")
    result = lint_paths([str(user)], Settings())
    assert not result.errors and result.findings == []


SNIPPET_HELPER = """\
def init_weights_numpy(shape):
    w = np.random.randn(*shape)
    return 0.1 * w
"""

SNIPPET_CELL = """\
{header}def init_weights(shape):
    return tf.Variable(init_weights_numpy(shape).astype(np.float32))


class Cell:
    def __init__(self, n_in, n_hidden):
        self.w_f = init_weights([n_in, n_hidden])
        self.u_f = init_weights([n_hidden, n_hidden])
        self.w_i = init_weights([n_in, n_hidden])
        self.u_i = init_weights([n_hidden, n_hidden])
        self.w_c = init_weights([n_in, n_hidden])
        self.u_c = init_weights([n_hidden, n_hidden])

    def __call__(self, x, state):
        c, h = state
        f = tf.sigmoid(tf.matmul(x, self.w_f) + tf.matmul(h, self.u_f))
        i = tf.sigmoid(tf.matmul(x, self.w_i) + tf.matmul(h, self.u_i))
        c = f * c + i * tf.tanh(tf.matmul(x, self.w_c) + tf.matmul(h, self.u_c))
        return tf.tanh(c), (c, tf.tanh(c))


cell = Cell(7, 5)
"""


def _snippets(tmp_path: Path, header: str = "", helpers: int = 1) -> Path:
    # Exercise solutions %load-ed into one notebook: no file imports anything,
    # the notebook's namespace joins them.
    for k in range(helpers):
        (tmp_path / f"ex_helpers_{k}.py").write_text(SNIPPET_HELPER)
    cell = tmp_path / "ex_cell.py"
    cell.write_text(SNIPPET_CELL.format(header=header))
    return cell


def test_a_snippet_without_imports_finds_its_helper_in_the_one_sibling_defining_it(tmp_path):
    result = lint_paths([str(_snippets(tmp_path))], Settings())
    assert not result.errors
    assert sorted(f.code for f in result.findings) == ["LST001"] * 3 + ["LST002"] * 3
    assert all("random_normal(stddev=0.1)" in f.message and "ex_helpers_0.py" in f.message for f in result.findings)
    assert result.files[0].modules and result.files[0].modules[0][0].endswith("ex_helpers_0.py")


@pytest.mark.parametrize("case", ["two siblings define it", "the file imports"])
def test_a_helper_is_looked_for_beside_the_file_only_in_a_snippet_and_only_when_one_sibling_defines_it(tmp_path, case):
    if case == "two siblings define it":
        cell = _snippets(tmp_path, helpers=2)
    else:
        cell = _snippets(tmp_path, header="import numpy as np\nimport tensorflow as tf\n\n\n")
    result = lint_paths([str(cell)], Settings())
    assert not result.errors
    assert result.findings == []


# Fixing a weight created in another module (issue 13): cell.py's weights and
# their initialisers are written in weights.py, and --fix edits weights.py.
WEIGHTS_PACKAGE = PACKAGES / "project_weights_module"


def _copy_weights_package(tmp_path: Path) -> Path:
    target = tmp_path / "project_weights_module"
    shutil.copytree(WEIGHTS_PACKAGE, target, ignore=shutil.ignore_patterns("*.expected", "*.fixed"))
    (tmp_path / "pyproject.toml").write_text("")
    return target


def test_fixing_one_file_edits_the_module_its_weights_are_written_in(tmp_path):
    package = _copy_weights_package(tmp_path)
    (package / "weights.py").chmod(0o640)
    untouched = {name: (package / name).read_bytes() for name in ("cell.py", "mlp.py", "dense_weights.py")}
    outcomes = {Path(o.path).name: o for o in fix_paths([str(package / "cell.py")], Settings())}  # as the fix hook passes it
    assert (package / "weights.py").read_bytes() == (WEIGHTS_PACKAGE / "weights.py.fixed").read_bytes()
    assert (package / "weights.py").stat().st_mode & 0o777 == 0o640
    assert {name: (package / name).read_bytes() for name in untouched} == untouched  # the quiet twin too
    assert [f.code for f in outcomes["cell.py"].applied] == ["LST002", "LST001", "LST004"] and not outcomes["cell.py"].remaining
    assert outcomes["weights.py"].imported and outcomes["weights.py"].changed
    assert not any(o.changed for o in fix_paths([str(package / "cell.py")], Settings()))
    assert not any(o.changed for o in fix_paths([str(package)], Settings()))
    assert not lint_paths([str(package)], Settings()).findings


def test_a_module_several_files_fix_is_written_once(tmp_path, monkeypatch):
    from lstm_init_lint.run import files

    package = _copy_weights_package(tmp_path)
    (package / "cell_copy.py").write_bytes((package / "cell.py").read_bytes())
    written = []
    real = files.write_atomically
    monkeypatch.setattr(files, "write_atomically", lambda path, data, *rest: (written.append(Path(path).name), real(path, data, *rest)))
    outcomes = fix_paths([str(package / "cell.py"), str(package / "cell_copy.py")], Settings())
    assert written == ["weights.py"]
    assert (package / "weights.py").read_bytes() == (WEIGHTS_PACKAGE / "weights.py.fixed").read_bytes()
    assert sum(len(o.applied) for o in outcomes) == 6


def test_diff_shows_the_imported_modules_diff_and_writes_nothing(tmp_path):
    package = _copy_weights_package(tmp_path)
    before = (package / "weights.py").read_bytes()
    run = subprocess.run([sys.executable, "-m", "lstm_init_lint", "--no-cache", "--diff", "cell.py"], cwd=package, capture_output=True, text=True)
    assert run.returncode == 1
    assert "+++ b/weights.py" in run.stdout and "tf.orthogonal_initializer()" in run.stdout
    assert "cell.py:16:5: LST001 would fix: recurrent: random_normal(stddev=0.1) -> orthogonal (in weights.py, line 13)" in run.stderr
    assert (package / "weights.py").read_bytes() == before


def test_standard_input_keeps_the_refusal_and_writes_no_other_file(tmp_path):
    package = _copy_weights_package(tmp_path)
    before = (package / "weights.py").read_bytes()
    source = (package / "cell.py").read_bytes()
    run = subprocess.run(
        [sys.executable, "-m", "lstm_init_lint", "--no-cache", "--fix", "--stdin-filename", str(package / "cell.py"), "-"], input=source, capture_output=True
    )
    assert run.stdout == source
    assert "[not fixed: its initialiser is written in" in run.stderr.decode() and "weights.py (line 13), a module this file imports; fix it there" in run.stderr.decode()
    assert (package / "weights.py").read_bytes() == before


def test_a_module_outside_the_project_is_never_written(tmp_path):
    outer = tmp_path / "outer"
    project = outer / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    (project / "pkg" / "__init__.py").write_text("")
    (outer / "__init__.py").write_text("")
    (outer / "weights.py").write_bytes((WEIGHTS_PACKAGE / "weights.py").read_bytes())
    cell = (WEIGHTS_PACKAGE / "cell.py").read_text().replace("from .weights import", "from ...weights import")
    (project / "pkg" / "cell.py").write_text(cell)
    outcomes = fix_paths([str(project / "pkg" / "cell.py")], Settings())
    assert (outer / "weights.py").read_bytes() == (WEIGHTS_PACKAGE / "weights.py").read_bytes()
    left = [f for o in outcomes for f in o.remaining]
    assert len(left) == 3 and all("outside this file's project" in f.no_fix_reason for f in left)


def test_a_module_fixed_as_its_own_file_first_gets_each_edit_once(tmp_path):
    # pbcquoc/seq2seq's shape: lstm.py holds the cell and is linted too; the
    # importing file, analysed first, plans the same edits lstm.py's own fix makes.
    (tmp_path / "pyproject.toml").write_text("")
    cell = (WEIGHTS_PACKAGE / "cell.py").read_text()
    (tmp_path / "lstm.py").write_text(cell.split("\n\nif __name__")[0].replace("from .weights", "from weights") + "\n")
    (tmp_path / "weights.py").write_bytes((WEIGHTS_PACKAGE / "weights.py").read_bytes())
    (tmp_path / "a_train.py").write_text("import tensorflow.compat.v1 as tf\nfrom lstm import lstm_step\n\nh, c = lstm_step(tf.zeros([2, 16]), tf.zeros([2, 32]), tf.zeros([2, 32]), 16)\n")
    fix_paths([str(tmp_path)], Settings())
    assert (tmp_path / "weights.py").read_bytes() == (WEIGHTS_PACKAGE / "weights.py.fixed").read_bytes()
    assert not any(o.changed for o in fix_paths([str(tmp_path)], Settings()))


def _hook_entry(hook_id: str) -> list[str]:
    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == hook_id)
    return hook["entry"].split()[1:] + hook.get("args", [])


@pytest.mark.parametrize("path", [WEIGHTS_PACKAGE / "cell.py", PACKAGES / "project_ops" / "lstm_from_ops.py"], ids=lambda p: p.stem)
def test_the_pre_commit_hook_given_one_file_reports_what_a_directory_run_does(path):
    def findings(*names: str) -> list[tuple]:
        command = [sys.executable, "-m", "lstm_init_lint", *_hook_entry("lstm-init-lint"), "--no-cache", "--format", "json", *names]
        run = subprocess.run(command, cwd=path.parent, capture_output=True, text=True)
        assert run.returncode == 1, run.stderr
        return [(f["path"], f["line"], f["code"], f["message"]) for f in json.loads(run.stdout) if Path(f["path"]).name == path.name]

    alone = findings(path.name)
    assert alone and alone == [(p.removeprefix("./"), *rest) for p, *rest in findings(".")]


@pytest.mark.parametrize("package", sorted({p.parent for p in PACKAGE_FILES}), ids=lambda p: p.name)
def test_fixing_a_package_gives_each_file_its_fixed_text_and_a_second_fix_changes_nothing(tmp_path, package):
    copy = tmp_path / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("*.expected", "*.fixed"))
    fix_paths([str(copy)], Settings())
    for path in package.glob("*.py"):
        fixed = path.with_name(path.name + ".fixed")
        assert (copy / path.name).read_bytes() == (fixed if fixed.exists() else path).read_bytes(), path.name  # the quiet ones untouched
    assert not any(o.changed for o in fix_paths([str(copy)], Settings()))


PARAMS_PACKAGE = PACKAGES / "project_params_by_importer"


def test_weights_whose_step_only_an_importer_runs_are_found_through_it_and_reported_where_they_are_made():
    # EpyNN's layout: lstm_parameters.py fills layer.p, lstm_step.py runs the
    # step, and only lstm_layer.py imports both.
    path = PARAMS_PACKAGE / "lstm_parameters.py"
    source = path.read_bytes()
    assert lint_source(source, str(path), Settings()).findings == ()  # no module source: no importer either
    found = lint_source(source, str(path), Settings(), DiskModules()).findings
    assert [(f.span.line, f.code, f.weight) for f in found] == [
        (14, "LST002", 'layer.p["Uf"]'),
        (16, "LST004", 'layer.p["bf"]'),
        (17, "LST002", 'layer.p["Ui"]'),
        (20, "LST002", 'layer.p["Ug"]'),
        (23, "LST002", 'layer.p["Uo"]'),
    ]
    assert all(f.path == str(path) for f in found)
    link = found[0].evidence[-1]
    assert "lstm_step.py" in link and "lstm_layer.py" in link and "imports this file" in link


def test_the_importer_does_not_report_again_what_the_parameters_module_reports():
    layer = PARAMS_PACKAGE / "lstm_layer.py"
    assert lint_source(layer.read_bytes(), str(layer), Settings(), DiskModules()).findings == ()


def test_an_mlp_whose_parameters_an_importer_runs_stays_quiet():
    path = PARAMS_PACKAGE / "mlp_parameters.py"
    assert lint_source(path.read_bytes(), str(path), Settings(), DiskModules()).findings == ()


def test_importers_are_the_project_modules_that_import_the_file_and_spell_or_import_a_gate(tmp_path):
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "params.py").write_text("import numpy as np\n\ndef init(p):\n    p['W'] = np.zeros((2, 2))\n")
    (tmp_path / "step.py").write_text("import numpy as np\n\ndef run(p, x):\n    return np.tanh(np.dot(x, p['W']))\n")
    (tmp_path / "layer.py").write_text("from params import init\nfrom step import run\n")
    (tmp_path / "report.py").write_text("from params import init\n")  # imports it, runs no step
    (tmp_path / "other.py").write_text("import numpy as np\nx = np.tanh(1.0)  # params\n")  # names it, imports nothing
    modules = DiskModules()
    assert [Path(m.path).name for m in modules.importers(str(tmp_path / "params.py"))] == ["layer.py"]
    assert modules.importers(str(tmp_path / "step.py"))[0].path.endswith("layer.py")
    assert modules.importers(str(tmp_path / "layer.py")) == []


def test_a_tf0_cells_default_is_reported_in_its_file_unless_an_importer_opens_an_initializer_scope():
    plain = PACKAGES / "project_tf0_cell" / "tf0_cell.py"
    found = lint_source(plain.read_bytes(), str(plain), Settings(), DiskModules()).findings
    assert [(f.span.line, f.code, f.role.value) for f in found] == [(30, "LST003", "fused_kernel")]
    assert "TensorFlow 0.x, as `tf.split(1, 2, state)` at line 28 shows" in found[0].message
    # Without the project in view the file's own run cannot rule a caller's scope out: TF1's reading stands.
    assert lint_source(plain.read_bytes(), str(plain), Settings()).findings == ()
    scoped = PACKAGES / "project_tf0_cell_scoped" / "tf0_cell.py"
    assert lint_source(scoped.read_bytes(), str(scoped), Settings(), DiskModules()).findings == ()


def test_a_scope_in_a_file_that_does_not_import_the_cell_does_not_count(tmp_path):
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "cell.py").write_text("import tensorflow as tf\n")
    (tmp_path / "copy_of_cell.py").write_text('with tf.variable_scope("s", initializer=init):\n    pass\n')
    (tmp_path / "model.py").write_text("from cell import Cell\n")
    (tmp_path / "train.py").write_text('import model\nwith tf.variable_scope(\n    "rnn",\n    initializer=tf.random_uniform_initializer(-0.1, 0.1)):\n    pass\n')
    modules = DiskModules()
    assert modules.scope_initializer_elsewhere(str(tmp_path / "cell.py")) is True  # train.py -> model.py -> cell.py
    (tmp_path / "train.py").write_text("import model\n")
    assert DiskModules().scope_initializer_elsewhere(str(tmp_path / "cell.py")) is False
