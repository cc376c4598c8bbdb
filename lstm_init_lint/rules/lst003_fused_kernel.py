from __future__ import annotations

import math

from ..model import CellWeight, Initializer, Role
from ..knowledge.reference import Reference
from . import _cells
from .base import MatrixRule, Verdict, entry_std, fmt, head, units_phrase


class FusedKernelInit(MatrixRule):
    """Fused kernel over the input and the hidden state does not start like the reference's.

    ## What it does
    Finds the kernels that multiply the input and the previous hidden state
    joined together (`tf.concat([x, h], 1) @ W`, TF1's layout) and checks
    that they start with `glorot_uniform` over the whole fused
    `[n_in + units, 4 * units]` matrix, as `tf.nn.rnn_cell.LSTMCell` does.
    `orthogonal` is accepted too.

    ## Why it matters
    The hidden-state rows of a fused kernel are the cell's recurrent matrix,
    so a fixed scale such as `stddev=0.1` gives each gate a spectral radius
    of about `0.1 * sqrt(units)`: 2.3 at 512 units instead of the 0.6 that
    LSTMCell's Glorot kernel gives, and the state explodes through time.
    `keras.layers.LSTM` keeps the same two parts apart: a `glorot_uniform`
    input kernel and an `orthogonal` recurrent kernel.

    ## Example
    ```python
    self.kernel = tf.Variable(tf.random.normal([n_in + units, 4 * units], stddev=0.1))
    ```

    ## Use instead
    ```python
    self.kernel = tf.Variable(tf.keras.initializers.GlorotUniform()([n_in + units, 4 * units]))
    ```

    ## Fix safety
    Retrain and compare before you keep it.

    `--fix` writes glorot_uniform over the whole fused matrix, as TF1's
    LSTMCell does (`--match per-matrix`, the default). Under
    `--reference keras`, `--match exact` writes what `keras.layers.LSTM`
    keeps in the same place: glorot rows for the input on top of orthogonal
    rows for the hidden state (`tf.concat([GlorotUniform()([n_in, 4 * u]),
    Orthogonal()([u, 4 * u])], 0)`), which needs the row count written as a
    sum such as `n_in + u`.
    """

    code = "LST003"
    name = "fused-kernel-init"
    roles = (Role.FUSED_KERNEL,)
    VALID = (
        _cells.fused(),
        _cells.fused(K="tf.keras.initializers.Orthogonal()([n_in + units, 4 * units])"),
    )
    INVALID = (
        _cells.fused(K="tf.random.normal([n_in + units, 4 * units], stddev=0.1)"),
        _cells.fused(K="tf.random.uniform([n_in + units, 4 * units], -0.1, 0.1)"),
    )

    def verdict(self, weight: CellWeight, reference: Reference, expected: Initializer) -> Verdict:
        init = weight.site.initializer
        units, at = units_phrase(weight)
        blocks = max(1, len(weight.gates))
        rows = weight.fan_in or 2 * units
        std = entry_std(init, rows, units * blocks)
        reference_std = math.sqrt(2.0 / (2 * units + units * blocks))
        why = "its scale does not follow the matrix's fans"
        if std is not None:
            radius = std * math.sqrt(units)
            consequence = (
                "so the hidden state explodes through time" if radius > 1.3 else "so memory vanishes within a few steps" if radius < 0.3 else "a scale that only suits this width"
            )
            why = f"{at} its hidden-state rows have a spectral radius of about {fmt(radius)} per gate (reference: about {fmt(reference_std * math.sqrt(units))}), {consequence}"
        message = f"{head(weight, 'fused kernel', reference)}; the reference uses {expected.text} over the fused matrix, as tf.nn.rnn_cell.{weight.cell.label}Cell does: {why}"
        return Verdict(expected, message)
