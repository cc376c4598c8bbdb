from __future__ import annotations

from ..model import CellWeight, Initializer, Role
from ..knowledge.reference import Reference
from . import _cells
from .base import MatrixRule, Verdict, entry_std, fmt, head, units_phrase


class ProjectionInit(MatrixRule):
    """Projection of the hidden state does not start like the reference cell's.

    ## What it does
    Finds the matrix that projects an LSTM's output before it is fed back as
    the next hidden state (`m = (o * tanh(c)) @ W_proj`, LSTMCell's
    `num_proj`) and checks that it starts with `glorot_uniform`, as
    `tf.nn.rnn_cell.LSTMCell` does. An output layer that is not fed back is
    not a projection and is never reported.

    ## Why it matters
    The projection sits inside the recurrence: its output is the next step's
    hidden state, so its scale multiplies the recurrent kernel's at every
    step. A fixed `stddev=0.1` at 512 units scales the state by about 2.3 per
    step on top of the recurrent kernel.

    ## Example
    ```python
    self.proj = tf.Variable(tf.random.normal([units, n_proj], stddev=0.1))
    ```

    ## Use instead
    ```python
    self.proj = tf.Variable(tf.keras.initializers.GlorotUniform()([units, n_proj]))
    ```

    ## Fix safety
    Retrain and compare before you keep it.
    """

    code = "LST007"
    name = "projection-init"
    roles = (Role.PROJECTION,)
    VALID = (_cells.projection(),)
    INVALID = (_cells.projection(P="tf.random.normal([units, n_proj], stddev=0.1)"),)

    def verdict(self, weight: CellWeight, reference: Reference, expected: Initializer) -> Verdict:
        init = weight.site.initializer
        units, at = units_phrase(weight)
        std = entry_std(init, units, units)
        why = "its scale does not follow the matrix's fans"
        if std is not None:
            why = f"{at} it scales the fed-back state by about {fmt(std * units ** 0.5)} per step (reference: about 1)"
        message = f"{head(weight, 'projection', reference)}; LSTMCell(num_proj=...) uses glorot_uniform: {why}"
        return Verdict(expected, message)
