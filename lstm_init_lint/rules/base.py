"""What every rule is: a code, a role it checks, its documentation, the
examples that are at once its tests and its docs, and one ``check``."""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass
from typing import ClassVar

from ..model import GATE_LABELS, CellWeight, Initializer, Role
from ..knowledge.reference import Reference
from ..knowledge.apis import LAYER_NORM_BETA

# The size a message computes its figures at when the file states none;
# the message then says the size is assumed, never that it is the cell's.
ILLUSTRATIVE_UNITS = 512
SECTIONS = ("What it does", "Why it matters", "Example", "Use instead", "Fix safety")

# What every rule's "Fix safety" section says first (``Rule.sections`` puts it
# there; the docstring goes on from where it ends): changing an initialiser
# changes how a model trains, whatever the rule.
FIX_SAFETY = """Changing an initialiser changes how the model trains: results, the
learning rate that works and the number of steps needed can all move, and
a checkpoint trained with the old initialiser is not affected (weights
are loaded, not re-initialised). A weight kept as a plain NumPy array is
rewritten in NumPy, drawn from the generator the code already uses:
glorot_uniform as ``uniform(-limit, limit, shape)``, orthogonal as the Q of
a normal matrix's QR decomposition, in the array's own dtype."""

# What every rule's "Fix safety" section says last: a finding --fix leaves
# still tells the user what to do.
FIX_BY_HAND = """Where `--fix` makes no change, it says why (`[not fixed: ...]`, and
`no_fix_reason` in the JSON) and what to do instead, with the code to
write when it can be spelled (`by hand: ...`, and `suggested_edit` in the
JSON): for instance, give a weight that shares a helper's initialiser one
of its own at its creation, with the reference's spelling.

A helper that creates a weight at every call (`linear([h], n, scope=...)`
with `get_variable` inside) is fixed at the call that makes this weight.
When its `get_variable` passes no initializer, `--fix` wraps that call's
statement in `with tf.variable_scope(tf.get_variable_scope(),
initializer=...):`: the scope's initializer is the default of each
`get_variable` under it that passes none, and re-entering the current
scope keeps every variable's name, so checkpoints still load. Nothing is
wrapped where the statement is not an assignment or expression statement
on a line of its own, or makes another weight at `get_variable`'s default;
`--fix` says why.

A configurable cell (its constructor takes `kernel_initializer=` and
passes `self.kernel_initializer` on) is fixed at the constructor's
default, so the parameter keeps working and `get_config()` tells the
truth. Each call in the file that passes its own deviating string for
that parameter (`Cell(8, kernel_initializer="he_normal")`) is reported
at that string, a finding of its own ("... starts as 'he_normal' in the
cell this call makes: it passes kernel_initializer='he_normal' ..."),
and fixed there: the reference's name in the call's own quotes."""


@dataclass(frozen=True)
class Verdict:
    """A rule's answer for one weight: what it should start as, and why."""

    expected: Initializer
    message: str


class Rule:
    """Subclasses document themselves in their docstring (a summary line,
    then the headings of ``SECTIONS``) and list ``VALID`` / ``INVALID``
    programs: each INVALID one must give exactly one finding of this code,
    each VALID one none."""

    code: ClassVar[str]
    name: ClassVar[str]
    roles: ClassVar[tuple[Role, ...]]
    # Codes whose finding on the same weight this rule's finding replaces:
    # it says all they would say (``engine.findings_for`` drops theirs).
    supersedes: ClassVar[tuple[str, ...]] = ()
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()

    def check(self, weight: CellWeight, reference: Reference) -> Verdict | None:
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        return inspect.getdoc(cls).splitlines()[0].strip()

    @classmethod
    def sections(cls) -> dict[str, str]:
        """The docstring's sections by heading, "Fix safety" opening with
        the shared ``FIX_SAFETY``."""
        doc = inspect.getdoc(cls) or ""
        parts = re.split(r"^## (.+)$", doc, flags=re.M)
        sections = {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
        if "Fix safety" in sections:
            sections["Fix safety"] = f"{FIX_SAFETY} {sections['Fix safety']}\n\n{FIX_BY_HAND}"
        return sections


class MatrixRule(Rule):
    """A rule on a matrix (a kernel, a peephole, a projection): quiet when
    the initialiser is unknown or one the reference accepts for the weight's
    role (``CellReference.default_for``); otherwise its ``verdict``."""

    def check(self, weight: CellWeight, reference: Reference) -> Verdict | None:
        default = reference.cell(weight.cell.value).default_for(weight.role)
        init = weight.site.initializer
        if init.name == "unknown" or default.accepts(init):
            return None
        return self.verdict(weight, reference, default.initializer)

    def verdict(self, weight: CellWeight, reference: Reference, expected: Initializer) -> Verdict:
        """The finding for a weight whose initialiser ``expected`` would replace."""
        raise NotImplementedError


# --- shared wording --------------------------------------------------------


def fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100 or abs(x) < 0.001:
        return f"{x:.1e}"
    return f"{x:.2g}" if abs(x) < 1 else f"{x:.2g}" if abs(x) < 10 else f"{x:.0f}"


def describe_current(weight: CellWeight) -> str:
    """``random_normal(stddev=0.1) via init_matrix() (line 120)``."""
    site = weight.site
    init = site.initializer
    text = init.text
    if site.implicit and site.implicit.endswith(" TF 0.x default"):
        # analysis.calls.apply_tf0_defaults: the file is TensorFlow 0.x code
        api = site.implicit[: -len(" TF 0.x default")]
        api = "tf.get_variable" if api == "get_variable" else api
        shown_by = f"as {init.source} shows" if init.source else "which this file's spellings are"
        return f"{text} (no initializer: {api}'s default in TensorFlow 0.x, {shown_by}; 1.0 on, glorot_uniform)"
    if site.implicit == "get_variable default":
        return f"{text} (no initializer: tf.get_variable's default)"
    if site.implicit == "add_weight default":
        return f"{text} (no initializer: add_weight's default)"
    if site.implicit == "Dense default":
        return f"{text} (no initializer: the Dense layer's default)"
    if site.implicit and site.implicit.endswith(" default"):
        # another framework layer's (knowledge.apis.FRAMEWORK_LAYERS): tf.layers.dense, fully_connected, _linear...
        return f"{text} (no initializer: {site.implicit[: -len(' default')]}'s default)"
    if site.implicit == "variable_scope":
        return f"{text} (from the enclosing variable_scope)"
    if site.helper and site.helper_line and site.helper_path:
        return f"{text} via {site.helper}() ({site.helper_path}, line {site.helper_line})"
    if site.helper and site.helper_line:
        where = f"cell {site.helper_cell}, line {site.helper_line}" if site.helper_cell is not None else f"line {site.helper_line}"
        return f"{text} via {site.helper}() ({where})"
    return text


def weight_label(weight: CellWeight) -> str:
    site = weight.site
    name = f"`{site.weight}`"
    if site.instance and site.instance != site.weight:
        name += f" ({site.instance})"
    if weight.layer_norm_shift and weight.fix_site is not None and weight.fix_site.api == LAYER_NORM_BETA:
        name += " (layer_norm's own beta, its shift: the only bias its gates have)"
    elif weight.layer_norm_shift:
        name += " (a layer-norm shift, the only bias its gates have)"
    return name


def gate_words(weight: CellWeight, reference: Reference) -> str:
    """``forget gate`` / ``gates i, f, c, o``."""
    cell = reference.cell(weight.cell.value)
    gates = weight.gates
    if len(gates) == 1:
        return GATE_LABELS.get((weight.cell.value, gates[0]), gates[0])
    if not gates:
        return ""
    return "gates " + ", ".join(cell.spell(g) for g in gates)


def units_phrase(weight: CellWeight) -> tuple[int, str]:
    if weight.units:
        return weight.units, f"at its {weight.units} units"
    return ILLUSTRATIVE_UNITS, f"at an assumed {ILLUSTRATIVE_UNITS} units"


def entry_std(init: Initializer, fan_in: float, fan_out: float) -> float | None:
    """Standard deviation of one entry, for fixed and fan-scaled inits."""
    if init.entry_std is not None:
        return init.entry_std
    if init.fan_scaling is not None and init.fan_scaling[1] is not None:
        mode, scale = init.fan_scaling
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        return math.sqrt(scale / fan)
    if init.name in ("orthogonal", "identity"):
        gain = init.param("gain", 1.0)
        gain = gain if isinstance(gain, float) else 1.0
        return gain / math.sqrt(max(fan_in, fan_out))
    return None


def reference_name(weight: CellWeight, reference: Reference) -> str:
    """``Keras`` or the TF1 class itself: ``tf.nn.rnn_cell.GRUCell``."""
    return reference.label if reference.name == "keras" else reference.cell(weight.cell.value).class_name


def head(weight: CellWeight, role_words: str, reference: Reference) -> str:
    gates = gate_words(weight, reference)
    where = f" ({gates})" if gates else ""
    return f"{weight.cell.label} {role_words} {weight_label(weight)}{where} starts as {describe_current(weight)}"
