"""A producer of weights and the cell that consumes them, joined only by
structure (the d2l style): the consumer unpacks, indexes or reads by
attribute what the producer returns, and no call in the file joins them."""

from __future__ import annotations

from conftest import lint, summary
from fixture_format import FIXTURES

from lstm_init_lint.engine import fix_source

PRODUCER = """import tensorflow as tf


def get_params(num_inputs, num_hiddens):
    W_xz = tf.Variable(tf.random.normal((num_inputs, num_hiddens), stddev=0.01))
    W_hz = tf.Variable(tf.random.normal((num_hiddens, num_hiddens), stddev=0.01))
    b_z = tf.Variable(tf.zeros(num_hiddens))
    W_xh = tf.Variable(tf.random.normal((num_inputs, num_hiddens), stddev=0.01))
    W_hh = tf.Variable(tf.random.normal((num_hiddens, num_hiddens), stddev=0.01))
    b_h = tf.Variable(tf.zeros(num_hiddens))
    return [W_xz, W_hz, b_z, W_xh, W_hh, b_h]
"""

CONSUMER = """

def rnn(inputs, H, params):
    W_xz, W_hz, b_z, W_xh, W_hh, b_h = params
    for X in inputs:
        Z = tf.sigmoid(tf.matmul(X, W_xz) + tf.matmul(H, W_hz) + b_z)
        H_tilda = tf.tanh(tf.matmul(X, W_xh) + tf.matmul(H, W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilda
    return H
"""

REPORTED = [
    ("LST002", "input_kernel", "W_xz"),
    ("LST001", "recurrent_kernel", "W_hz"),
    ("LST002", "input_kernel", "W_xh"),
    ("LST001", "recurrent_kernel", "W_hh"),
]


def test_a_consumer_that_unpacks_the_producers_list_reports_the_weights_inside_the_producer():
    findings = lint(PRODUCER + CONSUMER)
    assert [(f.code, f.role.value, f.weight) for f in findings] == REPORTED
    assert [f.span.line for f in findings] == [5, 6, 8, 9]


def test_the_evidence_names_the_link():
    finding = lint(PRODUCER + CONSUMER)[0]
    assert finding.evidence[-1] == (
        "`params` of rnn() is linked by structure to what get_params() returns (unpacked into 6 names, as many as it returns); "
        "no call in the file passes one to the other"
    )


def test_constant_positions_link_as_unpacking_does():
    consumer = CONSUMER.replace("    W_xz, W_hz, b_z, W_xh, W_hh, b_h = params\n", "").replace("W_xz)", "params[0])")
    consumer = consumer.replace("W_hz)", "params[1])").replace("+ b_z", "+ params[2]").replace("W_xh)", "params[3])")
    consumer = consumer.replace("W_hh)", "params[4])").replace("+ b_h", "+ params[5]")
    assert summary(PRODUCER + consumer) == REPORTED
    assert "indexed by 6 constant positions of the 6 it returns" in lint(PRODUCER + consumer)[0].evidence[-1]


def test_a_different_arity_is_no_link():
    producer = PRODUCER.replace("return [W_xz, W_hz, b_z, W_xh, W_hh, b_h]", "return [W_xz, W_hz, b_z, W_xh, W_hh, b_h, b_h]")
    assert summary(producer + CONSUMER) == []


def test_a_container_the_consumer_also_uses_whole_is_not_linked_by_its_indices():
    consumer = CONSUMER.replace("    W_xz, W_hz, b_z, W_xh, W_hh, b_h = params\n", "    W_xz, W_hz, b_z, W_xh, W_hh, b_h = [p for p in params]\n")
    assert summary(PRODUCER + consumer) == []


def test_of_two_producers_of_the_same_arity_the_one_with_the_consumers_names_is_linked():
    other = """

def get_mlp_params(n):
    W1 = tf.Variable(tf.random.normal((n, n), stddev=0.5))
    b1 = tf.Variable(tf.zeros(n))
    W2 = tf.Variable(tf.random.normal((n, n), stddev=0.5))
    b2 = tf.Variable(tf.zeros(n))
    W3 = tf.Variable(tf.random.normal((n, n), stddev=0.5))
    b3 = tf.Variable(tf.zeros(n))
    return [W1, b1, W2, b2, W3, b3]
"""
    findings = lint(PRODUCER + other + CONSUMER)
    assert [(f.code, f.weight, f.span.line) for f in findings] == [(code, name, line) for (code, _, name), line in zip(REPORTED, [5, 6, 8, 9])]


def test_two_producers_of_the_same_arity_and_no_names_to_tell_them_apart_are_not_linked():
    twin = PRODUCER.replace("def get_params", "def get_params_again")
    consumer = CONSUMER.replace("W_xz, W_hz, b_z, W_xh, W_hh, b_h = params", "a, b, c, d, e, f = params")
    consumer = consumer.replace("W_xz)", "a)").replace("W_hz)", "b)").replace("b_z)", "c)").replace("W_xh)", "d)").replace("W_hh)", "e)").replace("b_h)", "f)")
    assert summary(PRODUCER + twin.split("\n", 2)[2] + consumer) == []


def test_a_producer_called_by_the_file_still_reports_inside_the_producer():
    """``params = get_params()`` names the list, not its weights: the findings
    stay where get_params() creates and names them."""
    source = PRODUCER + CONSUMER + "\n\nparams = get_params(28, 64)\nH = rnn(tf.zeros((5, 2, 28)), tf.zeros((2, 64)), params)\n"
    assert [(f.weight, f.span.line) for f in lint(source)] == [("W_xz", 5), ("W_hz", 6), ("W_xh", 8), ("W_hh", 9)]


def test_the_quiet_twin_stays_quiet_and_unchanged_though_its_consumers_read_the_producers_structure():
    path = FIXTURES / "negative_d2l_params_mlp_attention.py"
    source = path.read_text()
    assert summary(source) == []
    assert fix_source(path.read_bytes(), str(path)).fixed == path.read_bytes()
    # The same producer consumed by a recurrent cell is reported: the twin is
    # quiet because its consumers are not cells, not because nothing linked.
    recurrent = source + """

def highway_rnn(inputs, H, params):
    W1, b1, W2, b2, W3, b3 = params
    for X in inputs:
        G = tf.sigmoid(tf.matmul(X, W1) + tf.matmul(H, W2) + b1)
        H_tilda = tf.tanh(tf.matmul(X, W3) + b2)
        H = G * H + (1 - G) * H_tilda
    return H
"""
    assert ("LST002", "input_kernel", "W1") in summary(recurrent)


def test_a_dict_kept_on_an_object_and_read_by_keys_in_a_method_is_linked():
    path = FIXTURES / "d2l_params_dict_on_an_object.py"
    findings = lint(path.read_text())
    assert {f.instance for f in findings} == {f"params['{name}']" for name in ("W_xi", "W_xf", "W_xo", "W_xc", "W_hi", "W_hf", "W_ho", "W_hc", "b_f")}
    assert all("`p` of step() is linked by structure to what init_params() returns (indexed by 12 of the keys it returns)" in f.evidence[-1] for f in findings)
