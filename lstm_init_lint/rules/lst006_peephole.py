from __future__ import annotations

from ..model import CellWeight, Initializer, Role
from ..knowledge.reference import Reference
from . import _cells
from .base import MatrixRule, Verdict, entry_std, fmt, head, units_phrase


class PeepholeInit(MatrixRule):
    """Peephole weights do not start like the reference cell's.

    ## What it does
    Finds the weights that multiply the cell state inside a gate's
    pre-activation (peephole connections, `w_f * c`) and checks that they
    start with `glorot_uniform` on their `[units]` shape, as
    `tf.nn.rnn_cell.LSTMCell(use_peepholes=True)` and tf.keras'
    `PeepholeLSTMCell` do. Zeros (peepholes that start switched off) are
    accepted too.

    ## Why it matters
    The cell state is unbounded, so a large peephole weight lets it dominate
    the gates from the first step: with `stddev=1.0` a cell state of 3 moves
    a gate's pre-activation by 3 on average, saturating it. Glorot on
    `[units]` gives weights of at most `sqrt(3 / units)`.

    ## Example
    ```python
    self.w_f = tf.Variable(tf.random.normal([units]))
    ```

    ## Use instead
    ```python
    self.w_f = tf.Variable(tf.keras.initializers.GlorotUniform()([units]))
    ```

    ## Fix safety
    Retrain and compare before you keep it.
    """

    code = "LST006"
    name = "peephole-init"
    roles = (Role.PEEPHOLE,)
    VALID = (
        _cells.peephole(),
        _cells.peephole(P="tf.zeros([units])"),
    )
    INVALID = (_cells.peephole(P="tf.random.normal([units])"),)

    def verdict(self, weight: CellWeight, reference: Reference, expected: Initializer) -> Verdict:
        init = weight.site.initializer
        units, at = units_phrase(weight)
        std = entry_std(init, units, units)
        reference_std = (1.0 / units) ** 0.5
        why = "its scale does not follow the number of units"
        if std is not None:
            why = f"{at} its entries have std {fmt(std)} (reference: {fmt(reference_std)}), so the cell state {'dominates the gates' if std > reference_std else 'barely reaches the gates'}"
        message = f"{head(weight, 'peephole', reference)}; LSTMCell(use_peepholes=True) uses glorot_uniform on [units]: {why}"
        return Verdict(expected, message)
