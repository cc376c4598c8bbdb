from __future__ import annotations

import math

from ..model import CellWeight, Initializer, Role
from ..knowledge.reference import Reference
from . import _cells
from .base import ILLUSTRATIVE_UNITS, MatrixRule, Verdict, entry_std, fmt, head, reference_name


class InputKernelInit(MatrixRule):
    """Input kernel does not start like the reference cell's.

    ## What it does
    Finds the matrices that multiply the step's input inside a hand-written
    LSTM or GRU (the input kernel) and checks that they start with
    `glorot_uniform`, as `keras.layers.LSTM` and `tf.nn.rnn_cell.LSTMCell`
    do. Every spelling with Glorot's variance is accepted (`glorot_normal`,
    `xavier_initializer()`, `VarianceScaling(1.0, "fan_avg")`, NumPy scaled
    by `sqrt(2 / (fan_in + fan_out))`, a uniform between
    `-+sqrt(6 / (fan_in + fan_out))` of its own shape).

    ## Why it matters
    A fixed scale ignores the layer's width. With `stddev=0.1` and 512
    inputs, a unit-variance input gives gate pre-activations with a standard
    deviation of about 2.3, deep in the flat part of the sigmoid, so the
    gates start saturated and learn slowly; with `stddev=0.01` the input
    barely moves the gates at all. Glorot scales the weights so that the
    pre-activations start near unit variance (Glorot & Bengio, 2010).

    ## Example
    ```python
    self.W = tf.Variable(tf.random.normal([n_in, 4 * units], stddev=0.1))
    ```

    ## Use instead
    ```python
    self.W = tf.Variable(tf.keras.initializers.GlorotUniform()([n_in, 4 * units]))
    ```

    ## Fix safety
    Retrain and compare before you keep it.

    `--fix` writes glorot_uniform in the file's dialect at the kernel's own
    shape (`--match per-matrix`, the default). For a per-gate `[n_in, u]`
    kernel that is a wider bound, `sqrt(6 / (n_in + u))`, than Keras gives
    the same entries of its fused `[n_in, 4u]` kernel, `sqrt(6 / (n_in + 4u))`.
    `--match exact` reproduces the latter exactly:
    `GlorotUniform()([n_in, 4 * u])[:, :u]` (under `--reference tf1`, the
    input rows of glorot over `[n_in + u, 4u]`).
    """

    code = "LST002"
    name = "input-kernel-init"
    roles = (Role.INPUT_KERNEL,)
    VALID = (
        _cells.lstm(),
        _cells.lstm(W="tf.keras.initializers.GlorotNormal()([n_in, 4 * units])"),
        # An embedding table feeds the input, it is not an input kernel.
        "import tensorflow as tf\n\nE = tf.Variable(tf.random.normal([1000, 32], stddev=0.1))\n\n\ndef embed(ids):\n    return tf.nn.embedding_lookup(E, ids)\n",
    )
    INVALID = (
        _cells.lstm(W="tf.random.normal([n_in, 4 * units], stddev=0.1)"),
        _cells.lstm(W="tf.random.uniform([n_in, 4 * units], -1.0, 1.0)"),
    )

    def verdict(self, weight: CellWeight, reference: Reference, expected: Initializer) -> Verdict:
        init = weight.site.initializer
        fan_in = weight.fan_in or ILLUSTRATIVE_UNITS
        blocks = max(1, len(weight.gates))
        fan_out = (weight.units or ILLUSTRATIVE_UNITS) * blocks
        std = entry_std(init, fan_in, fan_out)
        at = f"with its {weight.fan_in} inputs" if weight.fan_in else f"with an assumed {ILLUSTRATIVE_UNITS} inputs"
        reference_std = math.sqrt(2.0 * fan_in / (fan_in + fan_out))
        why = "its scale does not follow the layer's fan-in and fan-out"
        if std is not None:
            spread = std * math.sqrt(fan_in)
            if spread > 1.5 * reference_std:
                effect = "so the gates start saturated"
            elif spread < reference_std / 1.5:
                effect = "so the input barely moves the gates"
            else:
                effect = "a scale that only matches Glorot at this width"
            why = f"{at}, unit-variance inputs give pre-activations with std of about {fmt(spread)} (reference: about {fmt(reference_std)}), {effect}"
        message = f"{head(weight, 'input kernel', reference)}; {reference_name(weight, reference)} uses {expected.text}: {why}"
        return Verdict(expected, message)
