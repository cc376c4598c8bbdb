from __future__ import annotations

from ..model import CellKind, CellWeight, Role
from ..knowledge.reference import Reference
from . import _cells
from ._bias import as_initializer, current_blocks, expected_blocks, forget_phrase, same
from .base import Rule, Verdict, describe_current, weight_label


class ForgetGateBias(Rule):
    """LSTM forget gate does not start at an effective bias of 1.

    ## What it does
    Finds the bias of an LSTM's forget gate, whether it is a vector of its
    own or one slice of a fused bias (the slice is found from how the code
    splits the bias and which piece multiplies the previous cell state), and
    checks that the forget gate starts at a bias of 1: stored in the
    variable, as `keras.layers.LSTM(unit_forget_bias=True)` does, or added
    at run time, as `tf.nn.rnn_cell.LSTMCell(forget_bias=1.0)` does. A zero
    stored bias in a cell that adds `forget_bias` itself is correct.

    ## Why it matters
    With a zero bias the forget gate starts at `sigmoid(0) = 0.5`: the cell
    state halves at every step and keeps 0.1% of itself after 10 steps, so
    early training cannot learn long dependencies. A bias of 1 keeps 73% per
    step (4.4% after 10). Jozefowicz et al. (2015) found that this one change
    closes most of the gap between LSTMs and GRUs. Storing 1 *and* adding
    `forget_bias=1.0` at run time double-counts it (a bias of 2).

    ## Example
    ```python
    self.b = tf.Variable(tf.zeros([4 * units]))  # gates i, f, c, o; f used as tf.sigmoid(f)
    ```

    ## Use instead
    ```python
    self.b = tf.Variable(tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])], 0))
    ```

    ## Fix safety
    A forget bias of 1 usually helps; a model
    tuned around a zero forget bias (the PTB tutorial's `forget_bias=0.0`)
    may need its other settings re-tuned. Retrain and compare before you keep it.

    `--fix` writes ones for a separate forget-gate bias, and for a fused bias
    zeros with ones on the forget slice in the gate order the code itself
    uses, with the sizes as written:
    `tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])], 0)`. When
    the cell adds `forget_bias` at run time, the stored slice is set so that
    the two add up to 1. A bias made for every gate by one statement in a
    loop over gate names becomes `tf.ones(...) if gate == "f" else tf.zeros(...)`.

    A layer norm's shift is a gate's bias only when the gate has no other;
    the message then says so (`a layer-norm shift, the only bias its gates
    have`). `tf.contrib.layers.layer_norm(z)` makes that shift itself, its
    own beta (zeros, unless `center=False`): reported at the layer_norm call
    (`layer_norm's own beta, its shift: the only bias its gates have`) and
    not fixed, since its `param_initializers={"beta": ...}` would move every
    gate's shift; the suggested edit adds 1.0 to the forget gate's
    pre-activation after the layer_norm, as `LayerNormBasicLSTMCell`'s
    `forget_bias` does.
    """

    code = "LST004"
    name = "forget-gate-bias"
    roles = (Role.FORGET_BIAS, Role.BIAS)
    VALID = (
        _cells.lstm(),
        # A zero bias is right in a cell that adds forget_bias=1.0 at run time.
        _cells.fused(),
    )
    INVALID = (
        _cells.lstm(b="tf.zeros([4 * units])"),
        # Stored 1 plus forget_bias=1.0 at run time: a forget bias of 2.
        _cells.fused(b="tf.concat([tf.zeros([2 * units]), tf.ones([units]), tf.zeros([units])], 0)"),
        _cells.fused(forget_bias="0.0"),
    )

    def check(self, weight: CellWeight, reference: Reference) -> Verdict | None:
        if weight.cell is not CellKind.LSTM or weight.forget_block is None:
            return None
        count = len(weight.gates)
        init = weight.site.initializer
        if init.name == "unknown":
            return None
        current = current_blocks(init, count)
        expected = expected_blocks(weight, reference)
        stored = current[weight.forget_block]
        if same(stored, expected[weight.forget_block]):
            return None
        offset = weight.runtime_forget_offset
        if stored is None:
            mean = init.param("mean", 0.0)
            effective = (mean if isinstance(mean, float) else 0.0) + offset
            value_words = f"a forget bias of about {effective:g} on average"
        else:
            effective = stored + offset
            value_words = f"a forget bias of {effective:g}"
            if offset:
                value_words += f" ({stored:g} stored + {offset:g} added at run time)"
        if count == 1:
            subject = f"LSTM forget-gate bias {weight_label(weight)}"
        else:
            gates = ", ".join(reference.lstm.spell(g) for g in weight.gates)
            subject = f"LSTM bias {weight_label(weight)} (gates {gates}; forget slice {weight.forget_block + 1} of {count})"
        if reference.name == "keras":
            ref_words = "Keras stores 1 in the forget slice (unit_forget_bias=True)"
        else:
            ref_words = "tf.nn.rnn_cell.LSTMCell adds forget_bias=1.0 at run time"
        message = f"{subject} starts as {describe_current(weight)}, {value_words}: {forget_phrase(effective)}; {ref_words}: {forget_phrase(1.0)}"
        return Verdict(as_initializer(expected, weight.gate_width), message)
