"""The data every stage shares.

Plain frozen dataclasses, passed from the analysis to the rules to the
reporters (and, later, the fixer). They hold no behaviour beyond rendering
themselves as JSON, so any stage can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Role(str, Enum):
    """What a weight does inside a recurrent cell."""

    INPUT_KERNEL = "input_kernel"
    RECURRENT_KERNEL = "recurrent_kernel"
    FUSED_KERNEL = "fused_kernel"
    BIAS = "bias"
    FORGET_BIAS = "forget_bias"
    PEEPHOLE = "peephole"
    PROJECTION = "projection"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


GATE_LABELS = {
    ("lstm", "i"): "input gate",
    ("lstm", "f"): "forget gate",
    ("lstm", "c"): "candidate",
    ("lstm", "o"): "output gate",
    ("gru", "z"): "update gate",
    ("gru", "r"): "reset gate",
    ("gru", "h"): "candidate",
}


class CellKind(str, Enum):
    LSTM = "lstm"
    GRU = "gru"

    @property
    def label(self) -> str:
        return self.value.upper()


@dataclass(frozen=True)
class Span:
    """A place in a file. Lines and columns are 1-based; ``end_column`` is one
    past the last character, as in ruff's JSON output."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Initializer:
    """A decoded initial distribution, whatever API spelled it.

    ``name`` is the canonical family (``random_normal``, ``glorot_uniform``,
    ``orthogonal``, ``zeros``, ``constant``, ``piecewise``, ``unknown``...),
    ``params`` its parameters in a fixed order (numbers, or the source text of
    a symbolic expression such as ``1 / sqrt(H)``).
    ``entry_std`` is the standard deviation of one entry when it does not
    depend on the shape; ``fan_scaling`` is ``(mode, scale)`` when the variance
    is ``scale / fan`` (``("fan_avg", 1.0)`` for every Glorot spelling).
    ``pieces`` describes a vector built piece by piece (``tf.concat`` of
    zeros and ones): ``(size as written, fraction start, fraction end, piece)``.
    """

    name: str
    params: tuple[tuple[str, Any], ...] = ()
    source: str | None = None
    entry_std: float | None = None
    fan_scaling: tuple[str, float] | None = None
    pieces: tuple[tuple[str, float, float, "Initializer"], ...] = ()

    @property
    def text(self) -> str:
        if self.name == "piecewise":
            inner = ", ".join(f"{p.text}[{size}]" for size, _, _, p in self.pieces)
            return f"concat({inner})"
        shown = [(k, v) for k, v in self.params if not _is_default(self.name, k, v)]
        if not shown:
            return self.name
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in shown)
        return f"{self.name}({args})"

    def param(self, key: str, default: Any = None) -> Any:
        for k, v in self.params:
            if k == key:
                return v
        return default

    def constant_value(self) -> float | None:
        """The value of every entry for zeros / ones / constant, else None."""
        if self.name == "zeros":
            return 0.0
        if self.name == "ones":
            return 1.0
        if self.name == "constant":
            value = self.param("value")
            return float(value) if isinstance(value, (int, float)) else None
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "params": dict(self.params), "text": self.text}
        if self.pieces:
            out["pieces"] = [
                {"size": size, "start": start, "end": end, "initializer": piece.to_json()}
                for size, start, end, piece in self.pieces
            ]
        if self.source is not None:
            out["source"] = self.source
        return out


def _is_default(name: str, key: str, value: Any) -> bool:
    """Parameters not worth showing: a normal's zero mean, a gain of 1."""
    if key == "mean" and value == 0.0:
        return True
    return key == "gain" and value == 1.0 and name in ("orthogonal", "identity")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and value.isidentifier():
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class WeightSite:
    """Where and how one weight is created."""

    weight: str  # the name as written: ``self.Ui``, ``p["w_h" + gate]``
    instance: str | None  # the evaluated name when it differs: ``p["w_hf"]``
    span: Span  # the creation statement's target (or the creating call)
    initializer: Initializer  # what it starts with now
    init_span: Span | None  # where that initialiser is written
    helper: str | None  # the user helper that produced it, if any
    helper_line: int | None  # line of the initialiser inside that helper
    shape: str | None  # the shape as written
    # Set when no initializer is written at the creation site: "get_variable
    # default", "add_weight default" (both glorot_uniform) or "variable_scope"
    # (inherited from an enclosing ``variable_scope(initializer=...)``).
    implicit: str | None = None
    # In a notebook: the 1-based index of the cell the helper's line is in;
    # ``helper_line`` is then within that cell.
    helper_cell: int | None = None
    # The module the helper is written in, when it is not this file (``from
    # ops import linear``): ``helper_line`` is a line of that module.
    helper_path: str | None = None


@dataclass(frozen=True)
class Inline:
    """A helper call that ``--fix`` may replace by the helper's own expression
    with the new initialiser, when the helper also makes weights that must not
    change: ``get_variable("W_z", [n, u])`` of ``def get_variable(name, shape):
    return tf.get_variable(name, shape, initializer=initializer)``. The helper
    keeps its meaning for its other callers.

    ``call`` is the call at the weight's site, ``body`` the expression the
    helper returns, ``bindings`` each parameter's argument text at the call
    (None: not passed and no literal default), ``shape`` the weight's shape in
    the call's terms, ``makes`` the labels of the weights made through the call."""

    call: Span
    body: Span
    bindings: tuple[tuple[str, str | None], ...]
    shape: str | None
    # Every weight the call makes (through the helpers that call it, too):
    # the call is rewritten only when each of them gets the same fix.
    makes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixSite:
    """Where and how ``--fix`` can rewrite one weight's initialiser.

    ``kind`` is ``value`` (replace the initial value: ``tf.Variable(<value>)``)
    or ``initializer`` (replace, or add, ``initializer=`` of ``get_variable`` /
    ``add_weight`` / ``keras.Variable``). ``replace`` is the expression to
    replace; when there is none, the keyword goes into the call at ``call``.
    ``shape`` / ``dtype`` are the weight's shape and dtype as the code writes
    them (the new value needs them; ``dtype`` is the variable's own, None for
    float32); ``module`` is the module the creating call
    comes from (``tf`` for ``tf.Variable``, ``tf.compat.v1``...) and
    ``namespace`` what that module is (``tf``, ``tf1``, ``tf2``, ``keras``, or
    ``layer`` for ``self.add_weight``). ``sharers`` are the other weights the
    same expression creates (a shared helper's body, a loop). ``blocker`` says
    why no automatic fix is possible, when one is not.
    """

    kind: str
    api: str
    replace: Span | None
    call: Span
    shape: str | None
    dtype: str | None
    module: str | None
    namespace: str | None
    sharers: tuple[tuple[str, tuple | None], ...] = ()  # (label, loop key) of each
    blocker: str | None = None
    input_size: str | None = None  # the cell's input width as written, for --match exact
    # (variable, value) when this weight comes from one iteration of a loop
    # over constants (``for gate in "ifco"``): a shared expression can then
    # still be fixed for this iteration alone (``... if gate == "f" else ...``).
    loop_key: tuple[str, Any] | None = None
    keyword: str = "initializer"  # the argument that takes the initialiser (Dense: kernel_initializer=)
    # The creating call's ``dtype=`` as written when it is no plain dtype name
    # (``dtype=self.dtype``): the new initial value is built with it.
    dtype_code: str | None = None
    # Set when the initialiser is a parameter's default (``parameter``, of a
    # constructor or a function): ``replace`` is then that default, written
    # as a string or an initializer object (``default_form``) like the original.
    default_form: str | None = None
    parameter: str | None = None
    # With ``default_form``: the creating call's own argument (``initializer=
    # self.recurrent_initializer``), fixed instead when the default also
    # serves weights that must not change, and the attributes the constructor
    # configures with string defaults (``("self.kernel_initializer",
    # "glorot_uniform")``), one of which may already be the reference's.
    argument: Span | None = None
    configured: tuple[tuple[str, str], ...] = ()
    argument_callable: bool = False  # ``argument`` is an initializer object the new code may call
    inline: Inline | None = None  # the helper call to rewrite instead, when the helper is shared
    # With ``default_form``: each string a call in the file passes for the
    # parameter (``ConfiguredCell(8, recurrent_initializer="he_uniform")``), where it is written.
    passed_strings: tuple[tuple[Span, str], ...] = ()
    # A helper that takes the bias's value as a parameter (``def lstm_bias(units,
    # forget=0.0)``): (parameter, the call's argument for it or None, the
    # call, which of the value's pieces the parameter gives). The fix passes
    # the reference's value at the call; the helper keeps its meaning.
    value_parameter: tuple[str, Span | None, Span, tuple[int, ...]] | None = None
    # The project module the spans are in, when the weight and its initialiser
    # are written in a module the analysed file imports (``lstm.lstm_cell``
    # called from a training script): the fix edits that module (None: this file).
    path: str | None = None
    # A helper's get_variable without an initializer of its own, reached by
    # one call of many (``linear([h], ...)``): the statement holding that call
    # (in this file), which the fix wraps in ``with variable_scope(
    # get_variable_scope(), initializer=...)``, giving this call's weight the
    # reference's initializer and leaving the helper's other calls alone.
    wrap: Span | None = None


@dataclass(frozen=True)
class CellWeight:
    """A weight whose role in a recurrent cell is known: the analysis' output.

    ``gates`` lists the gates the weight feeds, in the order of its column
    blocks for a fused weight (``("i", "c", "f", "o")`` for TF1's i, j, f, o).
    ``forget_block`` is the index of the forget gate's block among
    ``len(gates)`` blocks (LSTM biases only). ``runtime_forget_offset`` is the
    constant the cell adds to the forget gate's pre-activation at run time
    (TF1's ``forget_bias=1.0``). ``units`` is the hidden size when the file
    states it as a number. ``certain`` is False when names or shapes, not
    usage alone, decided the role.
    """

    site: WeightSite
    role: Role
    cell: CellKind
    gates: tuple[str, ...]
    forget_block: int | None
    runtime_forget_offset: float
    units: int | None
    fan_in: int | None
    certain: bool
    evidence: tuple[str, ...]
    projection: bool = False
    gate_width: str | None = None  # one gate's width as the code writes it: "hidden_dim"
    fix_site: FixSite | None = None
    # The value the file gives each name in the shape as written (``units``
    # = 128 from ``MyCell(units=128)``): the sizes of the message's figures,
    # which ``verify`` binds those names to.
    stated_sizes: tuple[tuple[str, int], ...] = ()
    layer_norm_shift: bool = False  # a normalisation's shift, the only bias its gates have


@dataclass(frozen=True)
class Edit:
    """Replace the text at ``span`` with ``text`` (an empty span inserts), in
    the linted file or, with ``path``, in a project module it imports."""

    span: Span
    text: str
    path: str | None = None


@dataclass(frozen=True)
class Fix:
    """What ``--fix`` writes for one finding."""

    edits: tuple[Edit, ...]
    replacement: str  # the new initialiser as written into the file
    description: str
    imports: tuple[str, ...] = ()  # import lines the new code needs, if the file lacks them

    @property
    def elsewhere(self) -> str | None:
        """The imported module the edits apply to (None: the linted file)."""
        return next((e.path for e in self.edits if e.path is not None), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "replacement": self.replacement,
            "description": self.description,
            "imports": list(self.imports),
            "edits": [
                {"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line, "end_column": e.span.end_column, "text": e.text}
                | ({"path": e.path} if e.path is not None else {})
                for e in self.edits
            ],
        }


@dataclass(frozen=True)
class Finding:
    path: str
    span: Span
    code: str
    role: Role
    weight: str
    instance: str | None
    cell: CellKind
    gates: tuple[str, ...]
    current: Initializer
    expected: Initializer
    message: str
    evidence: tuple[str, ...]
    certain: bool
    fixable: bool = False
    fix: Fix | None = None
    no_fix_reason: str | None = None
    # When not fixable: the edit a person would make, in words (``fix.plan``).
    suggested_edit: str | None = None
    # For a notebook: the 1-based index of the cell among all of the
    # notebook's cells, and ``span`` is then within that cell. Named
    # ``notebook_cell`` because ``cell`` already says lstm or gru.
    notebook_cell: int | None = None
    # The language the file was read as: 2 for a file that only a Python 2
    # grammar accepts (``python2``); its JSON then says ``"python": 2``.
    python: int = 3

    def to_json(self) -> dict[str, Any]:
        out = {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "code": self.code,
            "role": self.role.value,
            "weight": self.weight,
            "instance": self.instance,
            "cell": self.cell.value,
            "gates": list(self.gates),
            "current": self.current.to_json(),
            "expected": self.expected.to_json(),
            "message": self.message,
            "evidence": list(self.evidence),
            "certain": self.certain,
            "fixable": self.fixable,
            "fix": self.fix.to_json() if self.fix is not None else None,
            "no_fix_reason": self.no_fix_reason,
            "suggested_edit": self.suggested_edit,
            "notebook_cell": self.notebook_cell,
        }
        if self.python != 3:
            out["python"] = self.python
        return out


@dataclass(frozen=True)
class FileError:
    """A file that could not be analysed, and why."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    notebook_cell: int | None = None  # as in Finding; ``line`` is then within that cell

    def render(self) -> str:
        where = self.path
        if self.notebook_cell is not None:
            where += f":cell {self.notebook_cell}"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: error: {self.message}"


@dataclass(frozen=True)
class Settings:
    """What a run compares against and reports.

    ``reference``: ``keras`` or ``tf1``. ``match``: ``per-matrix`` (the
    reference initialiser at each weight's own shape) or ``exact`` (the
    distribution the reference gives that slice of its fused matrix); used by
    ``--fix``. ``select`` / ``ignore``: rule codes or prefixes; an empty
    ``select`` means every rule; where both match a code, the longer prefix
    wins, and ``ignore`` on a tie (ruff's rule).

    The rest come from a configuration file (``config.py``) and are
    gitignore-style patterns, relative to ``root`` (the directory of
    ``config_file``, or the working directory when there is none).
    ``exclude``: what a directory walk skips; ``None`` means the default
    list (``run.exclusion.DEFAULT_EXCLUDES``). ``extend_exclude``: skipped as
    well. ``per_file_ignores``: ``(pattern, codes)`` pairs, the codes
    ignored in files the pattern matches.
    """

    reference: str = "keras"
    match: str = "per-matrix"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: str | None = None
    config_file: str | None = None


class HowChecked(str, Enum):
    """How a file's result was reached (``--statistics`` counts each)."""

    ANALYSED = "analysed"  # parsed and analysed in this run
    PASSED_OVER = "passed over"  # the pre-filter showed it cannot hold a cell: not parsed, not syntax-checked
    PASSED_OVER_BY_GATE = "passed over by the gate"  # parsed by Python, whose tree shows it cannot hold a cell (``source/gate.py``)
    CACHED = "cached"  # unchanged since a run with the same settings
    NOT_READ = "not read"  # missing or unreadable
    SKIPPED = "skipped"  # may hold a cell, but too large to parse: a warning, not an error


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: tuple[Finding, ...] = ()
    error: FileError | None = None
    how: HowChecked = HowChecked.ANALYSED
    skipped: str | None = None  # why the file was not analysed, when that is no error (``HowChecked.SKIPPED``)
    python: int = 3  # 2: read as Python 2 (``python2``), which ``--statistics`` counts
    # (path, digest) of each project module its analysis read (``from ops
    # import linear``): a cached result stands only while they are unchanged.
    modules: tuple[tuple[str, str], ...] = ()
    # Served from the cache (``how`` is CACHED): how the cached result was
    # reached, so a passed-over file is never summarised as checked.
    cached_from: HowChecked | None = None

    @property
    def passed_over(self) -> bool:
        """Whether the pre-filter or the gate showed, in this run or the
        cached one, that the file cannot hold a cell: it was not checked."""
        return (self.cached_from or self.how) in (HowChecked.PASSED_OVER, HowChecked.PASSED_OVER_BY_GATE)


@dataclass(frozen=True)
class RunResult:
    files: tuple[FileResult, ...] = field(default_factory=tuple)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def errors(self) -> list[FileError]:
        return [r.error for r in self.files if r.error is not None]
