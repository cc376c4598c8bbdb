"""--fix on every fixture: the exact text it writes, that it is stable, and
that it keeps what it must keep. (test_fix_weights.py runs the results.)"""

from __future__ import annotations

import json

import pytest
from fixture_format import FIXTURES

from lstm_init_lint.engine import lint_source
from lstm_init_lint.engine import fix_source
from lstm_init_lint.fix import checked_edit
from lstm_init_lint.model import Edit, Settings, Span

FIXTURE_FILES = sorted(FIXTURES.glob("*.py"))
QUIET = [p for p in FIXTURE_FILES if not p.with_name(p.name + ".fixed").exists()]


@pytest.mark.parametrize("path", QUIET, ids=[p.stem for p in QUIET])
def test_nothing_to_fix_leaves_the_file_alone(path):
    """Correct and non-recurrent fixtures come back byte for byte."""
    outcome = fix_source(path.read_bytes(), str(path))
    assert outcome.error is None
    assert outcome.fixed == path.read_bytes()
    assert outcome.applied == ()


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_fixed_text_is_exactly_the_expected_one(path):
    expected_path = path.with_name(path.name + ".fixed")
    outcome = fix_source(path.read_bytes(), str(path))
    assert outcome.error is None
    expected = expected_path.read_bytes() if expected_path.exists() else path.read_bytes()
    assert outcome.fixed.decode() == expected.decode()


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_fixing_twice_changes_nothing(path):
    once = fix_source(path.read_bytes(), str(path))
    twice = fix_source(once.fixed, str(path))
    assert twice.fixed == once.fixed
    assert twice.applied == ()
    # What is left is exactly what could not be fixed the first time.
    assert [f.code for f in twice.remaining] == [f.code for f in once.remaining]
    assert all(f.no_fix_reason and f.suggested_edit for f in twice.remaining)


def test_json_findings_say_whether_they_are_fixable_and_carry_the_new_code():
    path = FIXTURES / "tuple_helper_unpacking.py"
    findings = [f.to_json() for f in lint_source(path.read_bytes(), str(path), plan_fixes=True).findings]
    fixable = [f for f in findings if f["fixable"]]
    assert {f["weight"] for f in fixable} == {"W_xi", "W_hi", "W_xf", "W_hf", "W_xo", "W_ho", "W_xc", "W_hc"}
    assert fixable[0]["fix"]["replacement"] == "tf.keras.initializers.GlorotUniform()([n_in, units])"
    (forget,) = [f for f in findings if not f["fixable"]]
    assert forget["weight"] == "b_f"
    assert forget["fix"] is None
    assert "also creates b_c, b_i, b_o" in forget["no_fix_reason"]
    # What a person would do instead, with the code to write.
    assert "give `b_f` an initializer of its own" in forget["suggested_edit"]
    assert "tf.ones([units])" in forget["suggested_edit"]
    json.dumps(findings)


def test_a_shared_helper_keeps_its_meaning_for_embeddings_and_outputs():
    """init_matrix serves the embedding and the output layer too: the fix
    rewrites the recurrent call sites and leaves the helper alone."""
    path = FIXTURES / "tf1_seqgan_init_matrix.py"
    fixed = fix_source(path.read_bytes(), str(path)).fixed.decode()
    assert "return tf.random_normal(shape, stddev=0.1)" in fixed
    assert "self.g_embeddings = tf.Variable(self.init_matrix([self.num_emb, self.emb_dim]))" in fixed
    assert "self.Wo = tf.Variable(self.init_matrix([self.hidden_dim, self.num_emb]))" in fixed
    assert "self.Ui = tf.Variable(tf.orthogonal_initializer()([self.hidden_dim, self.hidden_dim]))" in fixed


def test_a_helper_that_creates_every_variable_is_fixed_at_the_cell_s_calls():
    """get_variable(name, shape) makes the cell's weights and the output
    layer: each cell call becomes the helper's expression with the reference
    initialiser; the helper and the output layer's call stay."""
    path = FIXTURES / "shared_helper_nested_get_variable.py"
    fixed = fix_source(path.read_bytes(), str(path)).fixed.decode()
    assert "return tf.get_variable(name, shape, initializer=initializer, dtype=inputs.dtype)" in fixed
    assert 'W_out = get_variable("W_out", [self.units, self.n_out])' in fixed
    assert 'R_f = tf.get_variable("R_f", [self.units, self.units], initializer=tf.orthogonal_initializer(), dtype=inputs.dtype)' in fixed
    assert 'b_f = tf.get_variable("b_f", [1, self.units], initializer=tf.ones_initializer(), dtype=inputs.dtype)' in fixed


def test_a_method_helper_is_fixed_in_the_call_s_own_arguments():
    path = FIXTURES / "shared_helper_method_init_weight.py"
    fixed = fix_source(path.read_bytes(), str(path)).fixed.decode()
    assert 'self.lstm_U = tf.Variable(tf.keras.initializers.Orthogonal()([dim_hidden, dim_hidden * 4]), name="lstm_U")' in fixed
    assert 'self.decode_W = self.init_weight(dim_hidden, n_words, name="decode_W")' in fixed
    assert "def init_bias(self, dim_out, name=None):\n        return tf.Variable(tf.zeros([dim_out]), name=name)" in fixed


SHADOWED_HELPER = """import tensorflow as tf

scale = 0.1


def make(shape):
    return tf.Variable(tf.random.normal(shape, stddev=scale))


class Cell(tf.Module):
    def __init__(self, n_in, units, scale=1.0):
        self.W = make([n_in, 4 * units])
        self.U = make([units, 4 * units])
        self.out = make([units, 10]) * scale

    def __call__(self, x, h, c):
        z = x @ self.W + h @ self.U
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        return tf.sigmoid(o) * tf.tanh(c), c
"""


def test_a_helper_is_not_inlined_where_its_names_mean_something_else():
    """make() reads the module's `scale`; the calls sit where `scale` is a
    parameter, so the helper's expression cannot be written there."""
    helper = SHADOWED_HELPER.replace("stddev=scale", "stddev=0.1")
    assert "tf.keras.initializers.Orthogonal()([units, 4 * units])" in fix_source(helper.encode(), "cell.py").fixed.decode()
    outcome = fix_source(SHADOWED_HELPER.encode(), "cell.py")
    assert outcome.fixed == SHADOWED_HELPER.encode()
    assert {f.weight for f in outcome.remaining} == {"self.W", "self.U"}
    assert all("also creates" in f.no_fix_reason for f in outcome.remaining)


NAMED_SHAPE = """import tensorflow as tf


class Cell(tf.Module):
    def __init__(self, n_in, units):
        shape = [units]
        self.W_f = tf.Variable(tf.random.normal([n_in, units], stddev=0.1))
        self.U_f = tf.Variable(tf.random.normal([units, units], stddev=0.1))
        self.b_f = tf.Variable(tf.zeros(shape))
        self.W_c = tf.Variable(tf.random.normal([n_in, units], stddev=0.1))
        self.U_c = tf.Variable(tf.random.normal([units, units], stddev=0.1))

    def __call__(self, x, state):
        h, c = state
        f = tf.sigmoid(x @ self.W_f + h @ self.U_f + self.b_f)
        c = f * c + (1 - f) * tf.tanh(x @ self.W_c + h @ self.U_c)
        return tf.sigmoid(c) * tf.tanh(c), (h, c)
"""


def test_a_bias_of_one_constant_keeps_the_shape_as_written():
    """A shape held in a name has no length to read, and needs none when the
    whole bias is one constant."""
    outcome = fix_source(NAMED_SHAPE.encode(), "cell.py")
    assert "self.b_f = tf.Variable(tf.ones(shape))" in outcome.fixed.decode()
    assert outcome.remaining == ()


def test_numpy_weights_are_fixed_in_numpy_from_the_code_s_own_generator():
    path = FIXTURES / "numpy_column_layout_float32.py"
    fixed = fix_source(path.read_bytes(), str(path)).fixed.decode()
    assert "tensorflow" not in fixed
    assert "self.W_h = np.linalg.qr(rng.standard_normal((4 * n_hidden, n_hidden)))[0].astype(np.float32)" in fixed
    assert "self.b = np.concatenate([np.zeros((n_hidden, 1)), np.ones((n_hidden, 1)), np.zeros((2 * n_hidden, 1))]).astype(np.float32)" in fixed


def test_a_loop_over_gates_gets_ones_for_the_forget_gate_only():
    path = FIXTURES / "dict_params_string_keys.py"
    fixed = fix_source(path.read_bytes(), str(path)).fixed.decode()
    assert 'p["b_" + gate] = tf.Variable(tf.ones([units]) if gate == "f" else tf.zeros([units]))' in fixed


def test_a_configurable_initializer_changes_its_default_not_the_layer_call():
    """The constructor argument keeps working: add_weight still takes
    self.kernel_initializer, and the defaults become the reference's, each
    in its own form (a string stays a string, an object an object)."""
    path = FIXTURES / "keras_configurable_initializers.py"
    fixed = fix_source(path.read_bytes(), str(path)).fixed.decode()
    assert 'kernel_initializer="glorot_uniform", recurrent_initializer=keras.initializers.Orthogonal(), bias_initializer="zeros"' in fixed
    assert "initializer=self.kernel_initializer" in fixed and "initializer=self.recurrent_initializer" in fixed
    # The bias's forget block cannot come from a default: the configured
    # initializer draws the other blocks, as Keras' unit_forget_bias does.
    assert "tf.concat([self.bias_initializer((self.units,), dtype), tf.ones((self.units,), dtype), self.bias_initializer((2 * self.units,), dtype)], 0)" in fixed


FUNCTION_DEFAULT_SHARED = """import tensorflow as tf


def lstm(x, h, c, units, w_init=tf.random_normal_initializer(stddev=0.02)):
    w = tf.get_variable("w", [x.shape[1] + units, 4 * units], initializer=w_init)
    b = tf.get_variable("b", [4 * units], initializer=tf.zeros_initializer())
    i, j, f, o = tf.split(tf.matmul(tf.concat([x, h], 1), w) + b, 4, 1)
    c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
    h = tf.sigmoid(o) * tf.tanh(c)
    out = tf.get_variable("out", [units, 10], initializer=w_init)
    return tf.matmul(h, out), h, c
"""


def test_a_default_that_also_serves_other_weights_stays_and_the_weight_is_fixed_at_its_call():
    """The output layer shares w_init's default: changing the default would
    change it too, so the default stays and the kernel's own call gets the
    reference; alone, the default itself changes, spelled through
    ``tf.compat.v1`` (a default runs when the module is imported, and TF 2
    has no ``tf.glorot_uniform_initializer``; the original spelling imports there)."""
    fixed = fix_source(FUNCTION_DEFAULT_SHARED.encode(), "cell.py", Settings(reference="tf1")).fixed.decode()
    assert "w_init=tf.random_normal_initializer(stddev=0.02)):" in fixed
    assert 'w = tf.get_variable("w", [x.shape[1] + units, 4 * units], initializer=tf.glorot_uniform_initializer())' in fixed
    assert 'out = tf.get_variable("out", [units, 10], initializer=w_init)' in fixed
    alone = FUNCTION_DEFAULT_SHARED.replace("initializer=w_init)\n    return", "initializer=tf.zeros_initializer())\n    return")
    fixed = fix_source(alone.encode(), "cell.py", Settings(reference="tf1")).fixed.decode()
    assert "w_init=tf.compat.v1.glorot_uniform_initializer()):" in fixed
    assert "initializer=w_init)" in fixed


def test_an_input_kernel_given_the_recurrent_initializer_takes_the_kernel_one():
    """A layer that passes self.recurrent_initializer (orthogonal, shared with
    the recurrent kernel) to an input kernel: the code's own
    self.kernel_initializer (glorot_uniform) is what it should take."""
    source = (FIXTURES / "keras_configurable_initializers.py").read_text().replace("tf.sigmoid(f) * c_prev", "tf.sigmoid(f + 1.0) * c_prev")
    source = source.replace('kernel_initializer="he_normal", recurrent_initializer=keras.initializers.GlorotUniform()', 'kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal"')
    source = source.replace("shape=(input_shape[-1], 4 * self.units), initializer=self.kernel_initializer", "shape=(input_shape[-1], 4 * self.units), initializer=self.recurrent_initializer")
    outcome = fix_source(source.encode(), "cell.py")
    assert [f.code for f in outcome.applied] == ["LST002"] and outcome.remaining == ()
    assert "shape=(input_shape[-1], 4 * self.units), initializer=self.kernel_initializer" in outcome.fixed.decode()
    assert 'recurrent_initializer="orthogonal"' in outcome.fixed.decode()


def test_a_constant_other_than_zero_or_one_is_spelled_and_read_back():
    path = FIXTURES / "forget_offset_constant_biases.py"
    once = fix_source(path.read_bytes(), str(path))
    assert once.remaining == ()
    fixed = once.fixed.decode()
    assert "tf.fill([units], -2.0)" in fixed and "tf.keras.initializers.Constant(-2.0)" in fixed and "tf.cast(-2.0, dtype)" in fixed
    assert fix_source(once.fixed, str(path)).applied == ()


def test_reference_tf1_keeps_a_zero_bias_when_the_cell_adds_forget_bias():
    source = (FIXTURES / "tf1_lstmcell_equivalent.py").read_bytes()
    assert fix_source(source, "cell.py", Settings(reference="tf1")).fixed == source


def test_tf1_reference_fix_on_a_gru_stores_the_gate_bias_as_one():
    path = FIXTURES / "gru_keras_correct.py"
    fixed = fix_source(path.read_bytes(), str(path), Settings(reference="tf1")).fixed.decode()
    assert 'initializer=lambda shape, dtype="float32": tf.concat([tf.ones([2 * self.units], dtype), tf.zeros([self.units], dtype)], 0)' in fixed


def test_comments_and_formatting_survive():
    source = (
        "import tensorflow as tf  # the usual alias\n"
        "\n"
        "\n"
        "class Cell(tf.Module):\n"
        "    def __init__(self, n_in, units):\n"
        "        # hand-initialised, as in the paper\n"
        "        self.W = tf.Variable(tf.random.normal([n_in, 4 * units], stddev=0.1))   # input\n"
        "        self.U = tf.Variable(\n"
        "            tf.random.normal([units, 4 * units], stddev=0.1)  # recurrent\n"
        "        )\n"
        "        self.b = tf.Variable(tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])], 0))\n"
        "\n"
        "    def __call__(self, x, state):\n"
        "        h, c = state\n"
        "        i, f, g, o = tf.split(x @ self.W + h @ self.U + self.b, 4, axis=1)\n"
        "        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)\n"
        "        h = tf.sigmoid(o) * tf.tanh(c)\n"
        "        return h, (h, c)\n"
    )
    fixed = fix_source(source.encode(), "cell.py").fixed.decode()
    expected = source.replace("tf.random.normal([n_in, 4 * units], stddev=0.1)", "tf.keras.initializers.GlorotUniform()([n_in, 4 * units])").replace(
        "tf.random.normal([units, 4 * units], stddev=0.1)", "tf.keras.initializers.Orthogonal()([units, 4 * units])"
    )
    assert fixed == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_newlines_and_encoding_are_kept(newline):
    source = "# -*- coding: latin-1 -*-\n# Modèle écrit à la main\n" + _cells_lstm_with_bad_u()
    data = source.replace("\n", newline).encode("latin-1")
    fixed = fix_source(data, "cell.py").fixed
    assert fixed != data
    text = fixed.decode("latin-1")
    assert "Modèle écrit à la main" in text
    assert text.count(newline) == source.count("\n")
    if newline == "\n":
        assert "\r" not in text


def test_a_utf8_bom_is_kept():
    data = b"\xef\xbb\xbf" + _cells_lstm_with_bad_u().encode()
    fixed = fix_source(data, "cell.py").fixed
    assert fixed.startswith(b"\xef\xbb\xbf") and fixed != data


def test_adds_the_import_the_new_code_needs():
    source = (
        "from tensorflow import Variable, random, sigmoid, tanh, split\n"
        "\n"
        "W = Variable(random.normal([3, 32], stddev=0.1))\n"
        "U = Variable(random.normal([8, 32], stddev=0.1))\n"
        "\n"
        "\n"
        "def step(x, h, c):\n"
        "    i, f, g, o = split(x @ W + h @ U, 4, axis=1)\n"
        "    c = sigmoid(f) * c + sigmoid(i) * tanh(g)\n"
        "    return sigmoid(o) * tanh(c), c\n"
    )
    fixed = fix_source(source.encode(), "cell.py").fixed.decode()
    assert fixed.startswith("from tensorflow import Variable, random, sigmoid, tanh, split\nimport tensorflow as tf\n")
    assert "W = Variable(tf.keras.initializers.GlorotUniform()([3, 32]))" in fixed


def test_edits_that_would_not_parse_or_encode_are_refused():
    """The check --fix runs before writing anything."""
    code = "x = f(1)\n"
    assert checked_edit(code, [Edit(Span(1, 7, 1, 8), "2")], [], "utf-8") == "x = f(2)\n"
    assert checked_edit(code, [Edit(Span(1, 7, 1, 8), "1,,")], [], "utf-8") is None
    assert checked_edit(code, [Edit(Span(1, 7, 1, 8), "'é'")], [], "ascii") is None


def _cells_lstm_with_bad_u() -> str:
    from lstm_init_lint.rules import _cells

    return _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")


OUTER_HELPER_ALSO_MAKES_THE_OUTPUT_LAYER = """import tensorflow as tf


def get_params(n_in, units, vocab):
    def normal(shape):
        return tf.Variable(tf.random.normal(shape, stddev=0.01))

    def pair(rows, columns):
        return normal((rows, columns)), tf.Variable(tf.zeros([columns]))

    W, b = pair(n_in, 4 * units)
    W_out, b_out = pair(units, vocab)
    U = normal((units, 4 * units))
    return W, U, b, W_out, b_out


def step(x, h, c, params):
    W, U, b, W_out, b_out = params
    z = x @ W + h @ U + b
    i, f, g, o = tf.split(z, 4, axis=1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h @ W_out + b_out, h, c
"""


def test_a_call_inside_a_helper_is_rewritten_only_when_every_weight_it_makes_changes():
    """pair()'s normal(...) makes the input kernel W and the output layer's
    W_out: rewritten, it would change W_out too. U, made by its own call of
    normal(), is fixed at that call; normal() itself stays for W_out."""
    outcome = fix_source(OUTER_HELPER_ALSO_MAKES_THE_OUTPUT_LAYER.encode(), "cell.py")
    fixed = outcome.fixed.decode()
    assert "U = tf.Variable(tf.keras.initializers.Orthogonal()((units, 4 * units)))" in fixed
    assert "return normal((rows, columns)), " in fixed and "tf.random.normal(shape, stddev=0.01)" in fixed
    left = {f.weight: f.no_fix_reason for f in outcome.remaining}
    assert "W" in left and "also makes W_out" in left["W"]


def test_a_call_that_passes_its_own_deviating_initializer_is_a_finding_of_its_own():
    """The configurable cell is fixed at its constructor's default; the call
    passing recurrent_initializer='he_uniform' is reported at that string,
    with its own message and its own fix (the reference's name in the
    call's quotes), and the default's fix touches the default alone."""
    path = FIXTURES / "keras_configurable_call_site_values.py"
    findings = lint_source(path.read_bytes(), str(path), plan_fixes=True).findings
    source = path.read_text()
    call_line = next(n for n, line in enumerate(source.splitlines(), 1) if "tuned = ConfigurableGRUCell(5, recurrent_initializer='he_uniform')" in line)
    (at_call,) = [f for f in findings if f.span.line == call_line]
    assert at_call.code == "LST001" and at_call.weight == "self.recurrent_kernel"
    assert "starts as 'he_uniform' in the cell this call makes: it passes recurrent_initializer='he_uniform'" in at_call.message
    assert at_call.fixable and [e.text for e in at_call.fix.edits] == ["'orthogonal'"]
    (default,) = [f for f in findings if f.code == "LST001" and f.span.line != call_line]
    assert len(default.fix.edits) == 1 and default.fix.edits[0].span.line != call_line
    fixed = fix_source(path.read_bytes(), str(path)).fixed.decode()
    assert "ConfigurableGRUCell(5, recurrent_initializer='orthogonal')" in fixed
    assert 'recurrent_initializer="orthogonal", **kwargs' in fixed
    # Without --fix the call is reported too, and the JSON says where.
    plain = [f.to_json() for f in lint_source(path.read_bytes(), str(path)).findings]
    assert any(f["line"] == call_line and f["code"] == "LST001" for f in plain)


def test_a_call_that_cannot_take_the_keyword_is_not_told_to_add_it():
    """TF 1.0/1.1's _linear takes no bias_initializer=: the suggested edit
    names a _linear that does, or the user's own code, never the keyword
    added to this call."""
    path = FIXTURES / "tf1_linear_old_signature.py"
    (finding,) = lint_source(path.read_bytes(), str(path), plan_fixes=True).findings
    assert not finding.fixable and "takes no kernel_initializer= or bias_initializer=" in finding.no_fix_reason
    assert not finding.suggested_edit.startswith("add ")
    assert finding.suggested_edit.startswith("call a _linear that takes bias_initializer= (TF 1.2's) with `bias_initializer=")
    assert "with code of your own" in finding.suggested_edit


# A linear() whose get_variable passes no initializer, as in
# fixtures/helper_per_call_scope_wrap_linear.py; each case below calls its
# recurrent [h] kernel in a way a with-statement cannot hold alone.
_WRAP_HELPER = '''import tensorflow.compat.v1 as tf


def linear(args, output_size, scope):
    total = sum(int(a.get_shape()[1]) for a in args)
    with tf.variable_scope(scope):
        matrix = tf.get_variable("Matrix", [total, output_size]{initializer})
    return tf.matmul(tf.concat(args, 1), matrix)


def lstm_step(x, h, c, units):
{body}
    i, j, f, o = tf.split(z, 4, axis=1)
    c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
    return tf.sigmoid(o) * tf.tanh(c), c
'''


@pytest.mark.parametrize(
    "body, initializer, reason",
    [
        (
            "    z = linear([x], 4 * units, 'x') + linear([h], 4 * units, 'h')",
            "",
            "the statement also makes `matrix` with get_variable's default, which a scope's initializer would change too",
        ),
        (
            "    if units: hidden = linear([h], 4 * units, 'h')\n    z = linear([x], 4 * units, 'x') + hidden",
            "",
            "the call's statement shares its line with the statement that holds it",
        ),
        (
            "    make = lambda: linear([h], 4 * units, 'h')\n    z = linear([x], 4 * units, 'x') + make()",
            "",
            "the call is in a lambda, which runs later, outside any scope written around this statement",
        ),
        (
            "    hidden = linear([h], 4 * units, 'h')\n    z = linear([x], 4 * units, 'x') + hidden",
            ", initializer=tf.random_normal_initializer(stddev=0.1)",
            "its get_variable (line 7) passes an initializer of its own, which no variable_scope around the call overrides",
        ),
    ],
    ids=["two-calls-in-one-statement", "shared-line", "lambda", "own-initializer"],
)
def test_a_call_no_scope_can_wrap_alone_is_left_with_the_reason(body, initializer, reason):
    source = _WRAP_HELPER.format(body=body, initializer=initializer).encode()
    outcome = fix_source(source, "cell.py")
    recurrent = [f for f in outcome.remaining if f.role.value == "recurrent_kernel"]
    assert outcome.fixed == source and len(recurrent) == 1
    assert reason in recurrent[0].no_fix_reason


def test_each_wrap_is_spelled_in_the_files_dialect():
    """A TF1 file importing plain tensorflow writes tf.variable_scope; a TF 2
    file calling a TF1 helper writes tf.compat.v1.variable_scope."""
    body = "    hidden = linear([h], 4 * units, 'h')\n    z = linear([x], 4 * units, 'x') + hidden"
    tf1 = _WRAP_HELPER.format(body=body, initializer="").replace("import tensorflow.compat.v1 as tf", "import tensorflow as tf")
    fixed = fix_source(tf1.encode(), "cell.py").fixed.decode()
    assert "    with tf.variable_scope(tf.get_variable_scope(), initializer=tf.orthogonal_initializer()):\n        hidden = linear([h], 4 * units, 'h')\n" in fixed
    assert fix_source(fixed.encode(), "cell.py").fixed.decode() == fixed


def test_a_wrap_indents_by_the_files_own_unit():
    """A file indented by two spaces gets its wrapped statement two spaces deeper."""
    source = (FIXTURES / "helper_per_call_scope_wrap_linear.py").read_text(encoding="utf-8")
    two = "\n".join(line[: (len(line) - len(line.lstrip(" "))) // 2] + line.lstrip(" ") if line.startswith("    ") else line for line in source.split("\n"))
    fixed = fix_source(two.encode(), "cell.py").fixed.decode()
    assert '  with tf.variable_scope(tf.get_variable_scope(), initializer=tf.orthogonal_initializer()):\n    from_hidden = linear([h], 4 * units, bias=False, scope="hidden")\n' in fixed


def test_a_helper_whose_own_scope_sets_the_initializer_is_not_wrapped():
    """The helper's variable_scope(scope, initializer=...) is nearer its
    get_variable than any scope written around the call: no wrap, and the
    reason names that scope."""
    source = _WRAP_HELPER.format(
        body="    hidden = linear([h], 4 * units, 'h')\n    z = linear([x], 4 * units, 'x') + hidden", initializer=""
    ).replace("tf.variable_scope(scope)", "tf.variable_scope(scope, initializer=tf.random_uniform_initializer(-0.1, 0.1))")
    outcome = fix_source(source.encode(), "cell.py")
    recurrent = [f for f in outcome.remaining if f.role.value == "recurrent_kernel"]
    assert outcome.fixed == source.encode() and len(recurrent) == 1
    assert "its get_variable takes the initializer of an enclosing variable_scope (line 6); change that scope's initializer" in recurrent[0].no_fix_reason
