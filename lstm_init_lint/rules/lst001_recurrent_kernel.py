from __future__ import annotations

import math

from ..model import CellWeight, Initializer, Role
from ..knowledge.reference import Reference
from . import _cells
from .base import MatrixRule, Verdict, entry_std, fmt, head, reference_name, units_phrase


class RecurrentKernelInit(MatrixRule):
    """Recurrent kernel does not start like the reference cell's.

    ## What it does
    Finds the matrices that multiply the previous hidden state inside a
    hand-written LSTM or GRU (the recurrent kernel, however it is named) and
    checks how they start: `orthogonal` under `--reference keras`
    (`keras.layers.LSTM` / `GRU`), Glorot (or orthogonal) under
    `--reference tf1`.

    ## Why it matters
    The recurrent matrix is applied once per time step, so its scale decides
    whether the hidden state grows or dies through time. For an `H x H`
    matrix with independent entries of standard deviation `s`, the spectral
    radius is about `s * sqrt(H)`: the classic `tf.random_normal(shape,
    stddev=0.1)` gives 2.3 at 512 units, so activations explode and the gates
    saturate; `stddev=0.01` gives 0.23, so memory vanishes within a few
    steps. An orthogonal matrix keeps the state's norm (Saxe et al., 2014);
    Keras' default orthogonal `(H, 4H)` kernel gives each gate a radius of
    about 0.5, TF1's fused Glorot kernel about 0.6.

    ## Example
    ```python
    self.U = tf.Variable(tf.random.normal([units, 4 * units], stddev=0.1))
    ```

    ## Use instead
    ```python
    self.U = tf.Variable(tf.keras.initializers.Orthogonal()([units, 4 * units]))
    ```

    ## Fix safety
    Retrain and compare before you keep it.

    `--fix` writes the orthogonal initialiser in the file's dialect
    (`tf.orthogonal_initializer()` in TF1 code, `tf.keras.initializers.Orthogonal()`
    in TF2, `"orthogonal"` in `add_weight`). With `--match per-matrix` (the
    default) a per-gate `[u, u]` matrix is orthogonal on its own: it keeps
    the state's norm exactly (spectral radius 1), more than one gate's block
    of Keras' orthogonal `[u, 4u]` kernel (about 0.5). `--match exact` draws
    the block as a slice of one orthogonal `[u, 4u]` matrix
    (`Orthogonal()([u, 4 * u])[:, :u]`), which has Keras' per-entry
    distribution; what it cannot reproduce is the orthogonality *between*
    the four blocks, because each per-gate variable gets its own draw. Under
    `--reference tf1`, `--match exact` draws the block as the hidden-state rows
    of glorot over TF1's fused `[n_in + u, 4u]` kernel, and needs the cell's
    input size written where the matrix is created.
    """

    code = "LST001"
    name = "recurrent-kernel-init"
    roles = (Role.RECURRENT_KERNEL,)
    VALID = (
        _cells.lstm(),
        # A dense layer's square matrix is not a recurrent kernel.
        "import tensorflow as tf\n\nW = tf.Variable(tf.random.normal([64, 64], stddev=0.1))\n\n\ndef mlp(x):\n    return tf.nn.relu(x @ W)\n",
    )
    INVALID = (
        _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)"),
        _cells.lstm(U="tf.keras.initializers.GlorotUniform()([units, 4 * units])"),
    )

    def verdict(self, weight: CellWeight, reference: Reference, expected: Initializer) -> Verdict:
        init = weight.site.initializer
        units, at = units_phrase(weight)
        blocks = max(1, len(weight.gates))
        std = entry_std(init, units, units * blocks)
        if reference.name == "keras":
            ref_radius = 1.0 / math.sqrt(blocks)
        else:
            ref_radius = math.sqrt(2.0 / (1.0 + blocks))
        why = "random rather than orthogonal, so some directions of the state grow and others die through time"
        if std is not None:
            radius = std * math.sqrt(units)
            if radius > 1.3:
                consequence = "so the hidden state explodes through time and the gates saturate"
            elif radius < 0.3:
                consequence = "so the hidden state's memory vanishes within a few steps"
            else:
                consequence = "random rather than orthogonal, so the state's norm is not kept"
            why = f"{at} that is a spectral radius of about {fmt(radius)} (reference: about {fmt(ref_radius)}), {consequence}"
        message = f"{head(weight, 'recurrent kernel', reference)}; {reference_name(weight, reference)} uses {expected.text}: {why}"
        return Verdict(expected, message)
