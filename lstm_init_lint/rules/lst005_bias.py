from __future__ import annotations

from ..model import CellKind, CellWeight, Role
from ..knowledge.reference import Reference
from . import _cells
from ._bias import as_initializer, current_blocks, expected_blocks, same
from .base import Rule, Verdict, describe_current, gate_words, reference_name, weight_label


class BiasInit(Rule):
    """Gate bias does not start at the reference's constant.

    ## What it does
    Finds the biases of a hand-written LSTM's or GRU's gates and checks that
    every gate other than the LSTM forget gate (see LST004) starts at the
    reference's constant: 0 under `--reference keras`; under
    `--reference tf1`, 0 for LSTM gates and 1 for the reset and update gates
    of a GRU, as `tf.nn.rnn_cell.GRUCell` stores. When it reports a fused
    bias, the vector it asks for has the forget slice right as well, and
    LST004 says nothing more about that vector.

    ## Why it matters
    A random bias (`init_matrix([hidden_dim])` reusing the kernels' helper,
    or `tf.random_normal([units])`) starts every unit's gates at a different
    random offset: some input gates start closed, some output gates start
    open, for no reason the data gave. The references start them all at the
    same constant and let training move them.

    ## Example
    ```python
    self.b = tf.Variable(tf.random.normal([4 * units], stddev=0.1))
    ```

    ## Use instead
    ```python
    self.b = tf.Variable(tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])], 0))
    ```

    ## Fix safety
    Retrain and compare before you keep it.
    """

    code = "LST005"
    name = "bias-init"
    roles = (Role.BIAS,)
    # Its expected vector has the forget slice right too, so a wrong forget
    # slice in a vector this rule reports is said once, here.
    supersedes = ("LST004",)
    VALID = (
        _cells.lstm(),
        _cells.gru(),
    )
    INVALID = (
        _cells.lstm(b="tf.random.normal([4 * units], stddev=0.1)"),
        _cells.gru(b="tf.ones([3 * units])"),
    )

    def check(self, weight: CellWeight, reference: Reference) -> Verdict | None:
        init = weight.site.initializer
        if init.name == "unknown" or not weight.gates:
            return None
        count = len(weight.gates)
        current = current_blocks(init, count)
        expected = expected_blocks(weight, reference)
        wrong = [
            k
            for k, (c, e) in enumerate(zip(current, expected))
            if e is not None and not same(c, e) and not (weight.cell is CellKind.LSTM and k == weight.forget_block)
        ]
        if not wrong:
            return None
        wanted = as_initializer(expected, weight.gate_width)
        gates = gate_words(weight, reference)
        if all(c is None for c in current):
            effect = "every unit's gates start at a different random offset"
        else:
            spelled = ", ".join(reference.cell(weight.cell.value).spell(weight.gates[k]) for k in wrong)
            verb = "starts" if len(wrong) == 1 else "start"
            noun = "gate" if len(wrong) == 1 else "gates"
            now = "random" if current[wrong[0]] is None else f"{current[wrong[0]]:g}"
            effect = f"{noun} {spelled} {verb} at {now} instead of {expected[wrong[0]]:g}"
        message = f"{weight.cell.label} bias {weight_label(weight)} ({gates}) starts as {describe_current(weight)}: {effect}; {reference_name(weight, reference)} starts it as {wanted.text}"
        return Verdict(wanted, message)
