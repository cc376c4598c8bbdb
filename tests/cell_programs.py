"""A hypothesis strategy for programs with a hand-written LSTM or GRU cell,
built from random combinations of the styles the analysis supports (see
fixtures/ and lstm_init_lint/rules/_cells.py):

    kind        LSTM or GRU
    dialect     TF2, TF1 (``tensorflow.compat.v1`` or TF1 names on
                ``tensorflow``), Keras 3 (``add_weight``, ``keras.ops``)
    creation    ``tf.Variable(value)``, ``tf.get_variable(..., initializer=)``,
                ``self.add_weight(...)``, ``tf.Variable(numpy array)``
    container   attributes (``self.W_i``), a list per role (``self.W[k]``), a
                dict filled in a loop over gate names (``p["w_x" + gate]``),
                a tuple-returning helper (``W_xi, W_hi, b_i = three()``)
    layout      a matrix per gate, or fused matrices split by gate (in a
                random gate order for an LSTM)
    helper      the kernels' value written inline, or through a lambda, a
                module function or a method (``self.init_matrix(shape)``)
    initialisers  per weight, the reference's (written in the file's own
                dialect) or a clearly different one from the decoded
                families, with random parameters

Each ``Program`` knows, for every weight, the name a finding gives it and
whether its initialiser is the reference's (keras), so a test can say which
weights must be reported and which must not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

LSTM_GATES = ("i", "f", "c", "o")
GRU_GATES = ("z", "r", "h")


@dataclass(frozen=True)
class Init:
    family: str  # random_normal, truncated_normal, random_uniform, zeros, ones, constant, glorot_uniform, orthogonal, forget_ones
    value: float = 0.0  # stddev, uniform bound or constant

    def correct_for(self, role: str, gate: str | None, kind: str) -> bool:
        """Whether this is the Keras reference for a weight of this role
        (``forget_ones``: a fused LSTM bias with ones on the forget slice)."""
        if role == "input":
            return self.family == "glorot_uniform"
        if role == "recurrent":
            return self.family == "orthogonal"
        if gate is None:  # a fused bias
            return self.family == ("forget_ones" if kind == "lstm" else "zeros")
        if kind == "lstm" and gate == "f":
            return self.family == "ones"
        return self.family == "zeros"


@dataclass
class Weight:
    name: str  # as findings name it: ``f.instance or f.weight``
    role: str  # input, recurrent, bias
    gate: str | None  # None when one weight serves every gate
    init: Init

    @property
    def correct(self) -> bool:
        return self.init.correct_for(self.role, self.gate, self.kind)

    kind: str = "lstm"


@dataclass
class Program:
    source: str
    weights: list[Weight] = field(default_factory=list)
    style: str = ""

    @property
    def wrong(self) -> set[str]:
        return {w.name for w in self.weights if not w.correct}

    @property
    def right(self) -> set[str]:
        return {w.name for w in self.weights if w.correct}


# --- initialisers, spelled in each dialect ---------------------------------------

NUMBERS = st.sampled_from([0.01, 0.02, 0.05, 0.08, 0.1, 0.2, 0.3, 0.5, 1.0, 1.5])
CONSTANTS = st.sampled_from([-1.0, 0.25, 0.5, 2.0, 3.0])


@st.composite
def wrong_init(draw, role: str, gate: str | None, kind: str) -> Init:
    """A family that is clearly not the reference for this weight."""
    if role in ("input", "recurrent"):
        family = draw(st.sampled_from(["random_normal", "truncated_normal", "random_uniform", "zeros", "ones"]))
    else:
        family = draw(st.sampled_from(["random_normal", "truncated_normal", "random_uniform", "constant", "zeros", "ones"]))
        forget = kind == "lstm" and gate in ("f", None)
        if family == "zeros" and not forget and not (kind == "lstm" and gate is None):
            family = "ones"
        if family == "ones" and (kind == "lstm" and gate == "f"):
            family = "zeros"
    value = draw(CONSTANTS if family == "constant" else NUMBERS)
    return Init(family, value)


def right_init(role: str, gate: str | None, kind: str) -> Init:
    if role == "input":
        return Init("glorot_uniform")
    if role == "recurrent":
        return Init("orthogonal")
    if gate is None:
        return Init("forget_ones" if kind == "lstm" else "zeros")
    return Init("ones" if kind == "lstm" and gate == "f" else "zeros")


def _number(value: float) -> str:
    return repr(value)


def tf_value(init: Init, shape: str, dialect: str, gate_order: tuple[str, ...] = (), units: str = "units") -> str:
    """A ``tf.Variable`` value of ``shape`` (a list display)."""
    tf1 = dialect == "tf1"
    family, v = init.family, _number(init.value)
    if family == "random_normal":
        return f"tf.random_normal({shape}, stddev={v})" if tf1 else f"tf.random.normal({shape}, stddev={v})"
    if family == "truncated_normal":
        return f"tf.truncated_normal({shape}, stddev={v})" if tf1 else f"tf.random.truncated_normal({shape}, stddev={v})"
    if family == "random_uniform":
        return f"tf.random_uniform({shape}, -{v}, {v})" if tf1 else f"tf.random.uniform({shape}, -{v}, {v})"
    if family == "zeros":
        return f"tf.zeros({shape})"
    if family == "ones":
        return f"tf.ones({shape})"
    if family == "constant":
        return f"{v} * tf.ones({shape})"
    if family == "glorot_uniform":
        return f"tf.glorot_uniform_initializer()({shape})" if tf1 else f"tf.keras.initializers.GlorotUniform()({shape})"
    if family == "orthogonal":
        return f"tf.orthogonal_initializer()({shape})" if tf1 else f"tf.keras.initializers.Orthogonal()({shape})"
    if family == "forget_ones":
        return _forget_concat(gate_order, units)
    raise ValueError(family)


def _forget_concat(gate_order: tuple[str, ...], units: str) -> str:
    """Zeros with ones on the forget slice, in the code's own gate order."""
    at = gate_order.index("f")
    pieces = []
    if at:
        pieces.append(f"tf.zeros([{at} * {units}])" if at > 1 else f"tf.zeros([{units}])")
    pieces.append(f"tf.ones([{units}])")
    after = len(gate_order) - at - 1
    if after:
        pieces.append(f"tf.zeros([{after} * {units}])" if after > 1 else f"tf.zeros([{units}])")
    return f"tf.concat([{', '.join(pieces)}], 0)"


def tf1_initializer(init: Init) -> str:
    family, v = init.family, _number(init.value)
    return {
        "random_normal": f"tf.random_normal_initializer(stddev={v})",
        "truncated_normal": f"tf.truncated_normal_initializer(stddev={v})",
        "random_uniform": f"tf.random_uniform_initializer(-{v}, {v})",
        "zeros": "tf.zeros_initializer()",
        "ones": "tf.ones_initializer()",
        "constant": f"tf.constant_initializer({v})",
        "glorot_uniform": "tf.glorot_uniform_initializer()",
        "orthogonal": "tf.orthogonal_initializer()",
    }[family]


def keras_initializer(init: Init, spelled: str) -> str:
    family, v = init.family, _number(init.value)
    if spelled == "object" or family == "constant":
        return {
            "random_normal": f"keras.initializers.RandomNormal(stddev={v})",
            "truncated_normal": f"keras.initializers.TruncatedNormal(stddev={v})",
            "random_uniform": f"keras.initializers.RandomUniform(-{v}, {v})",
            "zeros": "keras.initializers.Zeros()",
            "ones": "keras.initializers.Ones()",
            "constant": f"keras.initializers.Constant({v})",
            "glorot_uniform": "keras.initializers.GlorotUniform()",
            "orthogonal": "keras.initializers.Orthogonal()",
        }[family]
    return repr(family)


def numpy_value(init: Init, dims: tuple[str, ...]) -> str:
    family, v = init.family, _number(init.value)
    args = ", ".join(dims)
    shape = f"({args},)" if len(dims) == 1 else f"({args})"
    value = {
        "random_normal": f"np.random.randn({args}) * {v}",
        "truncated_normal": f"np.random.normal(0.0, {v}, {shape})",
        "random_uniform": f"np.random.uniform(-{v}, {v}, {shape})",
        "zeros": f"np.zeros({shape})",
        "ones": f"np.ones({shape})",
        "constant": f"np.full({shape}, {v})",
    }[family]
    return f"tf.Variable(({value}).astype(np.float32))"


# --- programs ------------------------------------------------------------------------


@dataclass
class Plan:
    kind: str
    dialect: str  # tf2, tf1, tf1names, keras
    creation: str  # variable, get_variable, add_weight, numpy
    container: str  # attr, list, dict, tuple
    layout: str  # per_gate, fused
    helper: str  # inline, lambda, function, method
    matmul: str  # "@" or "tf.matmul"
    gate_order: tuple[str, ...]
    keras_spelling: str  # string or object


@st.composite
def plans(draw) -> Plan:
    """The styles, drawn so that each combination the analysis supports
    comes up (helpers and containers first: they constrain the rest)."""
    kind = draw(st.sampled_from(["lstm", "gru"]))
    dialect = draw(st.sampled_from(["tf2", "tf1", "tf1names", "keras"]))
    helper = "inline" if dialect == "keras" else draw(st.sampled_from(["method", "lambda", "function", "inline"]))
    layout = draw(st.sampled_from(["per_gate", "fused"]))
    containers = ["attr"]
    if layout == "per_gate":
        containers.insert(0, "list")
        if dialect != "keras" and helper != "method":
            containers[:0] = ["dict", "tuple"]
    if helper == "method":
        containers = [c for c in containers if c in ("attr", "list")]
    container = draw(st.sampled_from(containers))
    if helper != "inline":
        creation = "variable"  # a helper returns the value a tf.Variable is made from
    else:
        creations = {"tf2": ["variable", "numpy"], "tf1": ["get_variable", "variable", "numpy"], "tf1names": ["get_variable", "variable"], "keras": ["add_weight"]}
        creation = draw(st.sampled_from(creations[dialect]))
    gates = LSTM_GATES if kind == "lstm" else GRU_GATES
    gate_order = tuple(draw(st.permutations(gates))) if kind == "lstm" else gates
    return Plan(
        kind=kind,
        dialect=dialect,
        creation=creation,
        container=container,
        layout=layout,
        helper=helper,
        matmul=draw(st.sampled_from(["@", "tf.matmul"])),
        gate_order=gate_order,
        keras_spelling=draw(st.sampled_from(["string", "object"])),
    )


@st.composite
def cell_programs(draw) -> Program:
    plan = draw(plans())
    return _Builder(plan, draw).program()


class _Builder:
    def __init__(self, plan: Plan, draw) -> None:
        self.plan = plan
        self.draw = draw
        self.helper_init: dict[str, Init] = {}  # role -> the helper's initialiser (kernels share one helper)

    # what each weight starts as
    def init_for(self, role: str, gate: str | None) -> Init:
        plan = self.plan
        if self.uses_helper(role):
            if "kernel" not in self.helper_init:
                # One helper serves both kernels, so it can be right for one of them at most.
                choice = self.draw(st.sampled_from(["wrong", "glorot", "orthogonal"]))
                self.helper_init["kernel"] = (
                    self.draw(wrong_init(role, gate, plan.kind)) if choice == "wrong" else Init("glorot_uniform" if choice == "glorot" else "orthogonal")
                )
            return self.helper_init["kernel"]
        right = self.draw(st.booleans())
        if right and not self.can_spell_right(role, gate):
            right = False
        return right_init(role, gate, plan.kind) if right else self.draw(wrong_init(role, gate, plan.kind))

    def uses_helper(self, role: str) -> bool:
        return self.plan.helper != "inline" and role in ("input", "recurrent")

    def can_spell_right(self, role: str, gate: str | None) -> bool:
        plan = self.plan
        if plan.creation == "numpy":
            return role == "bias" and not (gate is None and plan.kind == "lstm")  # np.zeros / np.ones only
        if gate is None and role == "bias" and plan.kind == "lstm":
            return plan.creation == "variable"  # the concat of zeros and ones
        return True

    # how a weight is created
    def create(self, init: Init, role: str, dims: tuple[str, ...], name: str) -> str:
        plan = self.plan
        shape = "[" + ", ".join(dims) + "]"
        if plan.creation == "numpy":
            return numpy_value(init, dims)
        if plan.creation == "get_variable":
            return f"tf.get_variable({name}, {shape}, initializer={tf1_initializer(init)})"
        if plan.creation == "add_weight":
            tuple_shape = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
            return f"self.add_weight(shape={tuple_shape}, initializer={keras_initializer(init, plan.keras_spelling)}, name={name})"
        if self.uses_helper(role):
            call = {"lambda": "init_weight", "function": "init_weight", "method": "self.init_matrix"}[plan.helper]
            return f"tf.Variable({call}({shape}))"
        value = tf_value(init, shape, "tf1" if plan.dialect in ("tf1", "tf1names") else "tf2", plan.gate_order)
        return f"tf.Variable({value})"

    def helper_definition(self) -> tuple[str, str]:
        """(module-level code, method code) defining the kernels' helper."""
        if "kernel" not in self.helper_init:
            return "", ""
        value = tf_value(self.helper_init["kernel"], "shape", "tf1" if self.plan.dialect in ("tf1", "tf1names") else "tf2")
        if self.plan.helper == "lambda":
            return f"init_weight = lambda shape: {value}  # noqa: E731\n\n\n", ""
        if self.plan.helper == "function":
            return f"def init_weight(shape):\n    return {value}\n\n\n", ""
        return "", f"    def init_matrix(self, shape):\n        return {value}\n\n"

    # the whole file
    def program(self) -> Program:
        plan = self.plan
        if plan.container in ("dict", "tuple"):
            body, weights = self.functional()
        else:
            body, weights = self.class_based()
        module_helper, _ = self.helper_definition()
        header = self.imports()
        for weight in weights:
            weight.kind = plan.kind
        style = f"{plan.kind} {plan.dialect} {plan.creation} {plan.container} {plan.layout} {plan.helper}"
        return Program(header + module_helper + body, weights, style)

    def imports(self) -> str:
        plan = self.plan
        lines = {
            "tf2": ["import tensorflow as tf"],
            "tf1": ["import tensorflow.compat.v1 as tf"],
            "tf1names": ["import tensorflow as tf"],
            "keras": ["import keras", "from keras import ops"],
        }[plan.dialect]
        if plan.creation == "numpy":
            lines = ["import numpy as np", *lines]
        return "\n".join(lines) + "\n\n\n"

    # per-operation spellings
    def op(self, name: str) -> str:
        return f"ops.{name}" if self.plan.dialect == "keras" else f"tf.{name}"

    def mm(self, a: str, b: str) -> str:
        if self.plan.dialect == "keras":
            return f"ops.matmul({a}, {b})"
        return f"{a} @ {b}" if self.plan.matmul == "@" else f"tf.matmul({a}, {b})"

    def split(self, value: str, count: int) -> str:
        axis = "-1" if self.plan.dialect == "keras" else "1"
        return f"{self.op('split')}({value}, {count}, axis={axis})"

    # --- a class: attributes or lists ---------------------------------------------

    def class_based(self) -> tuple[str, list[Weight]]:
        plan = self.plan
        gates = plan.gate_order
        keras_layer = plan.dialect == "keras"
        weights: list[Weight] = []
        creations: list[str] = []
        refs: dict[tuple[str, str | None], str] = {}
        roles = (("input", "W", ("n_in", "units")), ("recurrent", "U", ("units", "units")), ("bias", "b", ("units",)))
        if plan.layout == "fused":
            count = len(gates)
            for role, stem, dims in roles:
                fused_dims = (*dims[:-1], f"{count} * units")
                init = self.init_for(role, None)
                target = f"self.{stem}"
                creations.append(f"{target} = {self.create(init, role, fused_dims, repr(stem))}")
                weights.append(Weight(target, role, None, init))
                refs[(role, None)] = target
        elif plan.container == "list":
            for role, stem, dims in roles:
                init = self.init_for(role, None if role != "bias" else "shared")
                target = f"self.{stem}"
                creations.append(f"{target} = [{self.create(init, role, dims, f'{stem!r} + str(k)')} for k in range({len(gates)})]")
                for index, gate in enumerate(gates):
                    weights.append(Weight(f"{target}[{index}]", role, gate, init))
                    refs[(role, gate)] = f"{target}[{index}]"
        else:
            for gate in gates:
                for role, stem, dims in roles:
                    init = self.init_for(role, gate)
                    target = f"self.{stem}_{gate}"
                    creations.append(f"{target} = {self.create(init, role, dims, repr(f'{stem}_{gate}'))}")
                    weights.append(Weight(target, role, gate, init))
                    refs[(role, gate)] = target
        _, method_helper = self.helper_definition()
        indent = " " * 8
        if keras_layer:
            state_size = "[units, units]" if plan.kind == "lstm" else "units"
            head = (
                "class Cell(keras.layers.Layer):\n"
                "    def __init__(self, units, **kwargs):\n"
                "        super().__init__(**kwargs)\n"
                "        self.units = units\n"
                f"        self.state_size = {state_size}\n\n"
                "    def build(self, input_shape):\n"
                "        n_in = input_shape[-1]\n"
                "        units = self.units\n"
            )
        else:
            base = "tf.Module" if plan.dialect == "tf2" else "object"
            head = f"class Cell({base}):\n    def __init__(self, n_in, units):\n"
            if plan.dialect == "tf2":
                head += "        super().__init__()\n"
        init_body = "".join(f"{indent}{line}\n" for line in creations)
        step = self.class_step(refs)
        return head + init_body + "\n" + method_helper + step, weights

    def class_step(self, refs: dict) -> str:
        plan = self.plan
        sig, tanh = self.op("sigmoid"), self.op("tanh")
        keras_layer = plan.dialect == "keras"
        lines: list[str] = []
        if keras_layer:
            lines.append("def call(self, inputs, states):")
            lines.append("    x = inputs")
            lines.append("    h = states[0]")
            if plan.kind == "lstm":
                lines.append("    c = states[1]")
        else:
            lines.append("def __call__(self, x, state):")
            lines.append("    h, c = state" if plan.kind == "lstm" else "    h = state")
        lines += ["    " + line for line in self.gate_lines(refs, sig, tanh)]
        if plan.kind == "lstm":
            lines.append("    return h, [h, c]" if keras_layer else "    return h, (h, c)")
        else:
            lines.append("    return h, [h]" if keras_layer else "    return h")
        return "".join(f"    {line}\n" for line in lines)

    def gate_lines(self, refs: dict, sig: str, tanh: str) -> list[str]:
        """The step's arithmetic; ``refs`` maps (role, gate or None) to the
        expression naming the weight."""
        plan = self.plan
        mm = self.mm
        if plan.layout == "fused" and plan.kind == "lstm":
            W, U, b = refs[("input", None)], refs[("recurrent", None)], refs[("bias", None)]
            names = {"i": "i", "f": "f", "c": "g", "o": "o"}
            unpack = ", ".join(names[g] for g in plan.gate_order)
            return [
                f"z = {mm('x', W)} + {mm('h', U)} + {b}",
                f"{unpack} = {self.split('z', 4)}",
                f"c = {sig}(f) * c + {sig}(i) * {tanh}(g)",
                f"h = {sig}(o) * {tanh}(c)",
            ]
        if plan.layout == "fused":
            W, U, b = refs[("input", None)], refs[("recurrent", None)], refs[("bias", None)]
            return [
                f"xz, xr, xh = {self.split(mm('x', W) + ' + ' + b, 3)}",
                f"uz, ur, uh = {self.split(U, 3)}",
                f"z = {sig}(xz + {mm('h', 'uz')})",
                f"r = {sig}(xr + {mm('h', 'ur')})",
                f"hh = {tanh}(xh + {mm('(r * h)', 'uh')})",
                "h = z * h + (1 - z) * hh",
            ]
        if plan.kind == "lstm":

            def pre(g):
                return f"{mm('x', refs[('input', g)])} + {mm('h', refs[('recurrent', g)])} + {refs[('bias', g)]}"

            return [
                f"i = {sig}({pre('i')})",
                f"f = {sig}({pre('f')})",
                f"g = {tanh}({pre('c')})",
                f"o = {sig}({pre('o')})",
                "c = f * c + i * g",
                f"h = o * {tanh}(c)",
            ]
        return [
            f"z = {sig}({mm('x', refs[('input', 'z')])} + {mm('h', refs[('recurrent', 'z')])} + {refs[('bias', 'z')]})",
            f"r = {sig}({mm('x', refs[('input', 'r')])} + {mm('h', refs[('recurrent', 'r')])} + {refs[('bias', 'r')]})",
            f"hh = {tanh}({mm('x', refs[('input', 'h')])} + {mm('(r * h)', refs[('recurrent', 'h')])} + {refs[('bias', 'h')]})",
            "h = z * h + (1 - z) * hh",
        ]

    # --- functions: a dict filled in a loop, or a tuple-returning helper ------------

    def functional(self) -> tuple[str, list[Weight]]:
        plan = self.plan
        gates = plan.gate_order
        sig, tanh = self.op("sigmoid"), self.op("tanh")
        inits = {role: self.init_for(role, "shared" if role == "bias" else None) for role in ("input", "recurrent", "bias")}
        weights: list[Weight] = []
        if plan.container == "dict":
            keys = {"input": "w_x", "recurrent": "w_h", "bias": "b_"}
            dims = {"input": ("n_in", "units"), "recurrent": ("units", "units"), "bias": ("units",)}
            lines = [f"GATES = {list(gates)!r}", "", "", "def make_params(n_in, units):", "    p = {}", "    for gate in GATES:"]
            for role in ("input", "recurrent", "bias"):
                lines.append(f"        p[{keys[role]!r} + gate] = {self.create(inits[role], role, dims[role], f'{keys[role]!r} + gate')}")
                for gate in gates:
                    weights.append(Weight(f"p[{keys[role] + gate!r}]", role, gate, inits[role]))
            lines.append("    return p")
            refs = {(role, g): f"p[{keys[role] + g!r}]" for role in keys for g in gates}
            params = "p, x, h, c" if plan.kind == "lstm" else "p, x, h"
            lines += ["", "", f"def step({params}):"]
            lines += ["    " + line for line in self.gate_lines(refs, sig, tanh)]
            lines.append("    return h, c" if plan.kind == "lstm" else "    return h")
            lines += ["", "", "def run(p, xs, units):", "    h = tf.zeros([xs.shape[1], units])"]
            if plan.kind == "lstm":
                lines += ["    c = tf.zeros([xs.shape[1], units])", "    for x in tf.unstack(xs):", "        h, c = step(p, x, h, c)"]
            else:
                lines += ["    for x in tf.unstack(xs):", "        h = step(p, x, h)"]
            lines.append("    return h")
            # The parameters reach the step only through a caller, as in a script.
            lines += ["", "", 'if __name__ == "__main__":', "    params = make_params(3, 6)", "    run(params, tf.ones([4, 2, 3]), 6)"]
        else:
            dims = {"input": ("n_in", "units"), "recurrent": ("units", "units"), "bias": ("units",)}
            stems = {"input": "W_x", "recurrent": "W_h", "bias": "b_"}
            made = ", ".join(self.create(inits[role], role, dims[role], f"{stems[role]!r} + name") for role in ("input", "recurrent", "bias"))
            lines = ["def build(n_in, units):", "    def three(name):", f"        return ({made})", ""]
            for gate in gates:
                lines.append(f"    W_x{gate}, W_h{gate}, b_{gate} = three({gate!r})")
                for role in ("input", "recurrent", "bias"):
                    weights.append(Weight(f"{stems[role]}{gate}", role, gate, inits[role]))
            refs = {(role, g): f"{stems[role]}{g}" for role in stems for g in gates}
            lines += ["", "    def cell(x, state):", "        h, c = state" if plan.kind == "lstm" else "        h = state"]
            lines += ["        " + line for line in self.gate_lines(refs, sig, tanh)]
            lines.append("        return h, (h, c)" if plan.kind == "lstm" else "        return h")
            lines += ["", "    return cell"]
        return "\n".join(lines) + "\n", weights
