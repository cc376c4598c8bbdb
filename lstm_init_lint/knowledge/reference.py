"""The reference cells' defaults, as data.

Two references, chosen with ``--reference``:

``keras``  Keras 3 / tf.keras ``LSTM`` and ``GRU`` (``keras.layers.LSTM(4).get_config()``):
           glorot_uniform kernel, orthogonal recurrent kernel, zero bias with
           the forget slice stored as 1 (``unit_forget_bias=True``), gate
           order i, f, c, o; GRU gate order z, r, h with zero biases.
``tf1``    ``tf.nn.rnn_cell.LSTMCell`` / ``GRUCell``: glorot_uniform over one
           fused ``[in + units, 4 * units]`` kernel (the variable-scope
           default), zero bias with ``forget_bias=1.0`` added at run time,
           gate order i, j, f, o; GRU gates r, u with their bias stored as 1.

``tests/test_reference.py`` checks these tables against the installed
Keras and TensorFlow, so a new release cannot make us silently wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Initializer, Role

GLOROT_UNIFORM = Initializer("glorot_uniform", fan_scaling=("fan_avg", 1.0))
ORTHOGONAL = Initializer("orthogonal", (("gain", 1.0),))


@dataclass(frozen=True)
class RoleDefault:
    """What the reference does for one role, and which spellings we accept as
    doing the same thing (every Glorot spelling has the same variance)."""

    initializer: Initializer
    accepted: tuple[str, ...]

    def accepts(self, init: Initializer) -> bool:
        if init.name == "orthogonal":
            gain = init.param("gain", 1.0)
            return "orthogonal" in self.accepted and isinstance(gain, float) and math.isclose(gain, 1.0)
        if init.name in ("zeros", "ones", "constant", "piecewise"):
            value = init.constant_value()
            return value is not None and value == 0.0 and "zeros" in self.accepted
        if "glorot" in self.accepted and init.fan_scaling is not None:
            mode, scale = init.fan_scaling
            return mode == "fan_avg" and scale is not None and abs(scale - 1.0) <= 0.02
        return init.name in self.accepted


_GLOROT = RoleDefault(GLOROT_UNIFORM, ("glorot",))
_GLOROT_OR_ORTHOGONAL = RoleDefault(GLOROT_UNIFORM, ("glorot", "orthogonal"))
_ORTHOGONAL = RoleDefault(ORTHOGONAL, ("orthogonal",))
_PEEPHOLE = RoleDefault(GLOROT_UNIFORM, ("glorot", "zeros"))


@dataclass(frozen=True)
class CellReference:
    class_name: str
    input_kernel: RoleDefault
    recurrent_kernel: RoleDefault
    fused_kernel: RoleDefault
    peephole: RoleDefault
    projection: RoleDefault
    # The bias value per gate, as stored in the variable. For LSTM the forget
    # gate's *effective* bias (stored + added at run time) is what counts.
    gate_bias: tuple[tuple[str, float], ...]
    gate_order: tuple[str, ...]  # column-block order of the fused weights
    gate_spelling: tuple[tuple[str, str], ...]  # our gate name -> the reference's

    def bias_for(self, gate: str) -> float:
        return dict(self.gate_bias).get(gate, 0.0)

    def default_for(self, role: Role) -> RoleDefault:
        """The one table from a matrix's role to the reference's initialiser
        (a bias is per gate instead: ``bias_for``)."""
        return {
            Role.INPUT_KERNEL: self.input_kernel,
            Role.RECURRENT_KERNEL: self.recurrent_kernel,
            Role.FUSED_KERNEL: self.fused_kernel,
            Role.PEEPHOLE: self.peephole,
            Role.PROJECTION: self.projection,
        }[role]

    def spell(self, gate: str) -> str:
        return dict(self.gate_spelling).get(gate, gate)


@dataclass(frozen=True)
class Reference:
    name: str
    label: str
    lstm: CellReference
    gru: CellReference
    forget_bias_at_run_time: float  # what the reference adds to f in call()

    def cell(self, kind: str) -> CellReference:
        return self.lstm if kind == "lstm" else self.gru


KERAS = Reference(
    name="keras",
    label="Keras",
    lstm=CellReference(
        class_name="keras.layers.LSTM",
        input_kernel=_GLOROT,
        recurrent_kernel=_ORTHOGONAL,
        fused_kernel=_GLOROT_OR_ORTHOGONAL,
        peephole=_PEEPHOLE,
        projection=_GLOROT,
        gate_bias=(("i", 0.0), ("f", 1.0), ("c", 0.0), ("o", 0.0)),
        gate_order=("i", "f", "c", "o"),
        gate_spelling=(("i", "i"), ("f", "f"), ("c", "c"), ("o", "o")),
    ),
    gru=CellReference(
        class_name="keras.layers.GRU",
        input_kernel=_GLOROT,
        recurrent_kernel=_ORTHOGONAL,
        fused_kernel=_GLOROT_OR_ORTHOGONAL,
        peephole=_PEEPHOLE,
        projection=_GLOROT,
        gate_bias=(("z", 0.0), ("r", 0.0), ("h", 0.0)),
        gate_order=("z", "r", "h"),
        gate_spelling=(("z", "z"), ("r", "r"), ("h", "h")),
    ),
    forget_bias_at_run_time=0.0,
)

TF1 = Reference(
    name="tf1",
    label="tf.nn.rnn_cell",
    lstm=CellReference(
        class_name="tf.nn.rnn_cell.LSTMCell",
        input_kernel=_GLOROT_OR_ORTHOGONAL,
        recurrent_kernel=_GLOROT_OR_ORTHOGONAL,
        fused_kernel=_GLOROT_OR_ORTHOGONAL,
        peephole=_PEEPHOLE,
        projection=_GLOROT,
        gate_bias=(("i", 0.0), ("f", 1.0), ("c", 0.0), ("o", 0.0)),
        gate_order=("i", "c", "f", "o"),
        gate_spelling=(("i", "i"), ("f", "f"), ("c", "j"), ("o", "o")),
    ),
    gru=CellReference(
        class_name="tf.nn.rnn_cell.GRUCell",
        input_kernel=_GLOROT_OR_ORTHOGONAL,
        recurrent_kernel=_GLOROT_OR_ORTHOGONAL,
        fused_kernel=_GLOROT_OR_ORTHOGONAL,
        peephole=_PEEPHOLE,
        projection=_GLOROT,
        gate_bias=(("z", 1.0), ("r", 1.0), ("h", 0.0)),
        gate_order=("r", "z", "h"),
        gate_spelling=(("z", "u"), ("r", "r"), ("h", "c")),
    ),
    forget_bias_at_run_time=1.0,
)

REFERENCES = {"keras": KERAS, "tf1": TF1}

# The order in which gate names are listed (``gates i, f, c, o``) and in
# which Keras lays out its fused weights' column blocks.
GATE_ORDER = {"lstm": KERAS.lstm.gate_order, "gru": KERAS.gru.gate_order}


def reference_name(expected) -> str | None:
    """The reference's start as a Keras initializer name a call may pass
    (``"orthogonal"``, ``"zeros"``), or None when it has none."""
    if expected.name in ("glorot_uniform", "orthogonal"):
        return expected.name
    return {0.0: "zeros", 1.0: "ones"}.get(expected.constant_value())


def same_initializer_name(a: str, b: str) -> bool:
    """``"glorot_uniform"`` and ``"GlorotUniform"`` name one initializer."""
    return a.replace("_", "").lower() == b.replace("_", "").lower()
