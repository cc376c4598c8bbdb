"""Decide, for each finding, the exact edit ``--fix`` would make, or why it
makes none.

A fix replaces one expression (or adds an ``initializer=`` argument) at the
weight's creation site and touches nothing else. It is planned only when the
analysis is sure of the weight's role, sees the shape the new code needs, and
the expression creates no other weight that should stay as it is (a shared
helper's body, a loop over gates whose forget gate alone needs ones).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import replace

from ..knowledge.reference import reference_name
from ..model import CellWeight, Edit, Finding, Fix, Settings, Span
from ..analysis.fixsite import PLACEHOLDER, substitute
from . import spelling
from .spelling import CannotSpell, Dialect

_NEWLINE = re.compile(r"\r\n|\r|\n")


class Text:
    """A module's source with line/column <-> offset conversion (columns in
    characters, lines split the way the parser splits them)."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(code)]

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def span_offsets(self, span: Span) -> tuple[int, int]:
        return self.offset(span.line, span.column), self.offset(span.end_line, span.end_column)

    def slice(self, span: Span) -> str:
        start, end = self.span_offsets(span)
        return self.code[start:end]

    def position(self, offset: int) -> tuple[int, int]:
        line = 0
        lo, hi = 0, len(self.starts) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if self.starts[mid] <= offset:
                line, lo = mid, mid + 1
            else:
                hi = mid - 1
        return line + 1, offset - self.starts[line] + 1


def attach_fixes(
    pairs: list[tuple[Finding, CellWeight]],
    text: Text,
    aliases: tuple[tuple[str, str], ...],
    dialect_name: str,
    settings: Settings,
    axis_first: bool = False,
    elsewhere: dict[str, tuple[Text, tuple[tuple[str, str], ...]]] | None = None,
) -> list[Finding]:
    """``elsewhere``: the text and aliases of each imported module a weight's
    fix is written in (``FixSite.path``); its edits name that module."""
    dialect = Dialect.of(aliases, dialect_name, axis_first)
    places = {path: (other, Dialect.of(names, dialect_name, axis_first)) for path, (other, names) in (elsewhere or {}).items()}

    def place(weight: CellWeight) -> tuple[Text, Dialect]:
        path = weight.fix_site.path if weight.fix_site is not None else None
        return places[path] if path is not None and path in places else (text, dialect)

    planned: list[tuple[Finding, CellWeight, Fix | None, str | None]] = []
    for finding, weight in pairs:
        fix, reason = _plan_one(finding, weight, *place(weight), settings)
        if fix is not None and weight.fix_site.path is not None:
            fix = replace(fix, edits=tuple(replace(edit, path=weight.fix_site.path) for edit in fix.edits))
        planned.append((finding, weight, fix, reason))
    fallbacks = {index: _argument_fix(finding, weight, dialect, settings) for index, (finding, weight, fix, _) in enumerate(planned) if fix is not None and weight.fix_site.default_form}
    planned = _respect_sharing(planned, text, lambda finding, weight: _inline_fix(finding, weight, text, dialect, settings), fallbacks)
    out = []
    for finding, weight, fix, reason in planned:
        suggestion = suggested_edit(finding, weight, *place(weight), settings, reason) if fix is None else None
        out.append(replace(finding, fixable=fix is not None, fix=fix, no_fix_reason=reason, suggested_edit=suggestion))
    return out


def suggested_edit(finding: Finding, weight: CellWeight, text: Text, dialect: Dialect, settings: Settings, reason: str | None) -> str:
    """What a person would do where ``--fix`` does nothing, in words, with
    the code to write when it can be spelled."""
    label = _label(finding)
    site = weight.fix_site
    reason = reason or ""
    code = _code_anyway(finding, weight, dialect, settings)
    old = _short(text.slice(site.replace)) if site is not None and site.replace is not None else None
    start = f"make `{label}` start as {_in_words(finding, weight)}"
    if site is not None and site.path is not None and site.blocker is not None and site.blocker.endswith("of its own here"):
        # (analysis._fixed_here_only: the initialiser is another module's,
        # shared; its shape is spelled there, so no code is offered)
        return f"{start} where it is created (line {finding.span.line}), with an initialiser of its own instead of the shared one"
    if code and old:
        write = f"write `{code}` in place of `{old}` (line {site.replace.line})"
    elif code and site is not None:
        write = f"add `{site.keyword}={code}` to the call at line {site.call.line}"
    else:
        write = f"{start} where it is created (line {finding.span.line})"
    if site is not None and "which takes no " in reason and f"{site.keyword}=" in reason.split("which takes no ", 1)[1]:
        # Adding the keyword is what this call cannot take: say what can.
        api = reason.split(" is ", 1)[0].removeprefix("this ")
        then = f" with `{site.keyword}={code}`" if code else ""
        return f"call a {api} that takes {site.keyword}= (TF 1.2's){then} at line {site.call.line}, or {start} with code of your own"
    if reason.startswith("its role rests on names"):
        return f"check that `{label}` is the {finding.role.label} its name suggests (it is multiplied by {_operand(finding)}); if so, {write}"
    if "in a loop over what calls such as this one recorded" in reason:
        made = reason.split("it is created in ", 1)[1].split(" by ", 1)[0]
        return (
            f"{start}: the builder's loop in {made} gives the weights of every recording call one initialiser; "
            "choose each weight's by its role there, or build this cell's weights yourself"
        )
    if "also creates" in reason or "for every call" in reason or "serves calls that make weights of different roles" in reason:
        own = f"`{code}`" if code else _in_words(finding, weight)
        shared = f"`{old}` (line {site.replace.line})" if old else "the shared expression"
        return (
            f"give `{label}` an initializer of its own: create it (line {finding.span.line}) with {own} rather than with {shared}, "
            "which the other weights keep; with a helper, add an initializer parameter and pass this one at this call"
        )
    if reason.startswith("layer_norm's own beta"):
        return (
            f"add {_forget_value(finding, weight)} to the forget gate's pre-activation after the layer_norm at line {finding.span.line} "
            "(sigmoid(f + forget_bias)), as LayerNormBasicLSTMCell's forget_bias does; its beta stays the other gates' zero shift"
        )
    if reason.startswith("a NumPy array"):
        return f"{start} with NumPy: {_numpy_words(finding)}"
    if "the default of" in reason:
        return (
            f"where the weight is created (line {finding.span.line}), pass a callable that joins the configured initializer's blocks for the other gates "
            f"with the forget block's own value ({_in_words(finding, weight)}), as Keras' LSTMCell does with unit_forget_bias"
        )
    if "parameter's default" in reason:
        return f"change that default to {_in_words(finding, weight)} (`{code}`), or pass it where the function is called" if code else f"change that default so that {start[5:]}"
    return write


def _code_anyway(finding: Finding, weight: CellWeight, dialect: Dialect, settings: Settings) -> str | None:
    """The reference's spelling for this weight as if nothing blocked the fix."""
    site = weight.fix_site
    if site is None or (site.kind == "value" and site.shape is None and site.default_form is None):
        return None  # a new value needs the shape, which could not be read: no code with a made-up one
    try:
        if site.default_form is not None:
            return spelling.default_code(finding.expected, weight, dialect, settings.match, settings.reference)
        if site.kind == "value":
            return spelling.value_code(finding.expected, weight, dialect, settings.match, settings.reference)
        return spelling.initializer_code(finding.expected, weight, dialect, settings.match, settings.reference)
    except CannotSpell:
        return None


def _forget_value(finding: Finding, weight: CellWeight) -> str:
    """The reference's start of the forget gate's block alone (``1.0``): the
    one piece of a zero bias that is not zero."""
    expected = finding.expected
    values = [piece.constant_value() for _, _, _, piece in expected.pieces] if expected.name == "piecewise" else []
    offsets = [v for v in values if v]
    return f"{offsets[0]:.1f}" if len(set(offsets)) == 1 else "1.0"


def _in_words(finding: Finding, weight: CellWeight) -> str:
    """The reference start of one weight, for a person: ``orthogonal``,
    ``zeros with ones in the forget gate's block (2 of 4)``."""
    expected = finding.expected
    if expected.name == "piecewise" and weight.forget_block is not None and len(weight.gates) > 1:
        others = {piece.constant_value() for _, start, end, piece in expected.pieces}
        if others <= {0.0, 1.0}:
            return f"zeros with ones in the forget gate's block ({weight.forget_block + 1} of {len(weight.gates)})"
    return expected.text


def _operand(finding: Finding) -> str:
    return {"input_kernel": "the step's input", "recurrent_kernel": "the previous hidden state", "fused_kernel": "the input joined with the hidden state"}.get(
        finding.role.value, "the cell's gates"
    )


def _numpy_words(finding: Finding) -> str:
    name = finding.expected.name
    if name == "glorot_uniform":
        return "`np.random.uniform(-limit, limit, shape)` with `limit = np.sqrt(6 / (fan_in + fan_out))`"
    if name == "orthogonal":
        return "the `q` of `q, _ = np.linalg.qr(np.random.randn(rows, columns))` for a tall matrix (transpose for a wide one)"
    value = finding.expected.constant_value()
    if value is not None:
        return {0.0: "`np.zeros(shape)`", 1.0: "`np.ones(shape)`"}.get(value, f"`np.full(shape, {value!r})`")
    return f"`np.zeros(shape)`, then each gate's block set as in {finding.expected.text}"


def _short(code: str, limit: int = 60) -> str:
    code = " ".join(code.split())
    return code if len(code) <= limit else code[: limit - 1] + "…"


def _plan_one(finding: Finding, weight: CellWeight, text: Text, dialect: Dialect, settings: Settings) -> tuple[Fix | None, str | None]:
    site = weight.fix_site
    if site is None:
        return None, "the analysis does not know where this weight's initialiser is written"
    if not weight.certain:
        return None, "its role rests on names, not only on how it is used; check it and fix it by hand"
    passed = next((span for span, _ in site.passed_strings if span == finding.span), None) if site.default_form is not None else None
    if passed is not None:
        # A call's own deviating choice for a configurable cell (a finding of
        # its own, engine.call_site_findings): the reference's name in its quotes.
        wanted = reference_name(finding.expected)
        quote = text.slice(passed)[-1]
        description = f"{_label(finding)} at this call: {text.slice(passed)} -> {quote}{wanted}{quote}"
        return Fix((Edit(passed, f"{quote}{wanted}{quote}"),), f"{quote}{wanted}{quote}", description), None
    if site.value_parameter is not None:
        fix = _value_parameter_fix(finding, site, text)
        if fix is not None:
            return fix, None
    if site.blocker:
        return None, site.blocker
    if site.wrap is not None:
        return _scope_wrap_fix(finding, weight, text, dialect, settings)
    try:
        if site.default_form is not None:
            try:
                code = spelling.default_code(finding.expected, weight, dialect, settings.match, settings.reference)
            except CannotSpell:
                if not (site.argument_callable and site.argument is not None):
                    raise
                # The default cannot hold a per-gate vector: the call draws the
                # other gates' blocks with the configured initializer.
                code = spelling.configured_bias_code(finding.expected, finding.current, weight, dialect, text.slice(site.argument))
                site = replace(site, replace=site.argument)
        elif site.kind == "value":
            code = spelling.value_code(finding.expected, weight, dialect, settings.match, settings.reference)
        else:
            code = spelling.initializer_code(finding.expected, weight, dialect, settings.match, settings.reference)
    except CannotSpell as reason:
        return None, str(reason)
    if site.replace is not None:
        edit = Edit(site.replace, code)
    else:
        edit = keyword_insertion(text, site.call, site.keyword, code)
        if edit is None:
            return None, f"cannot find where to add {site.keyword}= in the call"
    description = f"{finding.instance or finding.weight}: {finding.current.text} -> {finding.expected.text}"
    # The calls that pass their own deviating choice are findings of their
    # own (engine.call_site_findings), each fixed at its string.
    edits = (edit,)
    imports = ()
    needed = dialect.needed_import()
    if needed and site.module != "tf" and "tf." in code:
        imports = (needed,)
    return Fix(edits, code, description, imports), None


def _scope_wrap_fix(finding: Finding, weight: CellWeight, text: Text, dialect: Dialect, settings: Settings) -> tuple[Fix | None, str | None]:
    """The helper call's statement inside ``with variable_scope(
    get_variable_scope(), initializer=...)``: re-entering the scope the
    statement already runs in keeps every variable's name (the scope object's
    name is reused, not a new level added), and its initializer is the
    default of each get_variable under it that passes none (the helper's own
    ``variable_scope(scope)`` inherits it)."""
    site = weight.fix_site
    # The scope is written in this file, in its dialect: compat.v1 where the
    # file uses it (or is TF 2 code), plain tf where the file is TF1 code.
    module = dialect.tf if dialect.tf1_code and dialect.tf else dialect.tf1
    imports: tuple[str, ...] = ()
    if module is None:
        module, imports = "tf.compat.v1", ("import tensorflow as tf",)
    local = replace(weight, fix_site=replace(site, namespace="tf1", module=module, path=None))
    try:
        code = spelling.initializer_code(finding.expected, local, dialect, settings.match, settings.reference)
    except CannotSpell as reason:
        return None, str(reason)
    first = text.starts[site.wrap.line - 1]
    indent = text.code[first : text.offset(site.wrap.line, site.wrap.column)]
    if indent.strip():
        return None, "the call's statement does not start its line"
    step = "\t" if indent.startswith("\t") else " " * _indent_unit(text.code)
    start, end = first, text.offset(site.wrap.end_line, site.wrap.end_column)
    lines = _NEWLINE.split(text.code[start:end])
    newlines = _NEWLINE.findall(text.code[start:end])
    newline = _NEWLINE.search(text.code)
    body = lines[0]
    for separator, line in zip(newlines, lines[1:]):
        body += separator + (step + line if line.strip() else line)
    header = f"{indent}with {module}.variable_scope({module}.get_variable_scope(), initializer={code}):"
    edit = Edit(Span(site.wrap.line, 1, site.wrap.end_line, site.wrap.end_column), f"{header}{newline.group() if newline else chr(10)}{step}{body}")
    description = f"{finding.instance or finding.weight}: {finding.current.text} -> {finding.expected.text} (a variable_scope around this call)"
    return Fix((edit,), code, description, imports), None


def _indent_unit(code: str) -> int:
    """How many spaces the file indents a block by (its smallest indent; 4 when none)."""
    widths = [len(line) - len(line.lstrip(" ")) for line in _NEWLINE.split(code) if line.startswith(" ") and line.strip()]
    return min(min(widths), 8) if widths else 4


def _value_parameter_fix(finding: Finding, site, text: Text) -> Fix | None:
    """``lstm_bias(units)`` -> ``lstm_bias(units, forget=1.0)``: the reference's
    value passed at the call, when the pieces the helper's parameter sets all
    need one constant and the other pieces already start as the reference's."""
    name, argument, call, indices = site.value_parameter
    current = finding.current.pieces or (("", 0.0, 1.0, finding.current),)
    needed: set[float] = set()
    for index, (_, start, end, piece) in enumerate(current):
        wanted = _constant_over(finding.expected, start, end)
        if wanted is None:
            return None
        if index in indices:
            needed.add(wanted)
        elif piece.constant_value() != wanted:
            return None
    if len(needed) != 1:
        return None
    value = repr(float(needed.pop()))
    edit = Edit(argument, value) if argument is not None else keyword_insertion(text, call, name, value)
    if edit is None:
        return None
    return Fix((edit,), value, f"{_label(finding)}: {finding.current.text} -> {finding.expected.text}")


def _constant_over(expected, start: float, end: float) -> float | None:
    """The one constant the reference starts the fraction [start, end) of a vector at, or None."""
    pieces = expected.pieces or (("", 0.0, 1.0, expected),)
    values = {piece.constant_value() for _, s, e, piece in pieces if s < end - 1e-9 and e > start + 1e-9}
    return values.pop() if len(values) == 1 and None not in values else None


def _label(finding: Finding) -> str:
    return finding.instance or finding.weight


def _argument_fix(finding: Finding, weight: CellWeight, dialect: Dialect, settings: Settings) -> Fix | None:
    """For a weight whose initialiser is a parameter's default that other
    weights share: a fix at the creating call's own argument instead. An
    attribute the constructor configures whose default already is the
    reference's is the code's own way to say it (``initializer=
    self.kernel_initializer`` for an input kernel given
    ``self.recurrent_initializer``); else the reference's spelling there."""
    site = weight.fix_site
    if site.argument is None:
        return None
    wanted = finding.expected.name if finding.expected.name in ("glorot_uniform", "orthogonal") else {0.0: "zeros", 1.0: "ones"}.get(finding.expected.constant_value())
    code = next((attribute for attribute, default in site.configured if default == wanted), None)
    if code is None:
        try:
            code = spelling.initializer_code(finding.expected, weight, dialect, settings.match, settings.reference)
        except CannotSpell:
            return None
    description = f"{_label(finding)}: {finding.current.text} -> {finding.expected.text}"
    return Fix((Edit(site.argument, code),), code, description)


def _respect_sharing(planned: list, text: Text, inline, fallbacks: dict | None = None) -> list:
    """An expression that creates several weights changes only when every
    one of them gets the same new code, or when a loop over constants tells
    them apart: ``tf.ones([u]) if gate == "f" else tf.zeros([u])``. A
    parameter's default that other weights share is left, and the weight
    fixed at its own call (``fallbacks``) where it can be. Else a weight a
    helper makes gets the helper's expression, fixed, at its own call
    (``inline``)."""
    fallbacks = fallbacks or {}
    by_span: dict[tuple[str | None, Span], list[int]] = {}
    for index, (_, weight, fix, _) in enumerate(planned):
        if fix is not None and weight.fix_site.replace is not None and fix.edits[0].span == weight.fix_site.replace:
            by_span.setdefault((weight.fix_site.path, weight.fix_site.replace), []).append(index)
    out = list(planned)
    for (path, span), indices in by_span.items():
        labels = {_label(planned[i][0]) for i in indices}
        codes = {planned[i][2].replacement for i in indices}
        site = planned[indices[0]][1].fix_site
        others = [(label, key) for label, key in site.sharers if label not in labels]
        if not others and len(codes) == 1:
            continue
        # (an expression in another module is rewritten whole or not at all)
        conditional = _per_iteration(planned, indices, others, codes, text.slice(span)) if len(codes) == 1 and path is None else None
        for i in indices:
            finding, weight, fix, _ = planned[i]
            if conditional is not None:
                edit = Edit(span, conditional)
                out[i] = (finding, weight, replace(fix, edits=(edit,), replacement=conditional), None)
                continue
            if fallbacks.get(i) is not None:
                out[i] = (finding, weight, fallbacks[i], None)
                continue
            names = ", ".join(label for label, _ in others) or ", ".join(sorted(labels - {_label(finding)}))
            reason = f"the expression at line {span.line} also creates {names}, which must not change the same way; give this weight an initializer of its own"
            inlined = inline(finding, weight) if weight.fix_site.inline is not None else None
            out[i] = (finding, weight, inlined, None) if inlined is not None else (finding, weight, None, reason)
    return _one_edit_per_call(out)


def _one_edit_per_call(planned: list) -> list:
    """A helper call that made several weights (in a loop over gates) is
    rewritten only when they all need the same text there."""
    calls: dict[Span, set[str]] = {}
    fixed: dict[Span, set[str]] = {}
    for finding, weight, fix, _ in planned:
        if fix is not None and weight.fix_site.inline is not None and fix.edits[0].span == weight.fix_site.inline.call:
            calls.setdefault(weight.fix_site.inline.call, set()).add(fix.edits[0].text)
            fixed.setdefault(weight.fix_site.inline.call, set()).add(_label(finding))
    valued: dict[Span, set[str]] = {}
    for _, weight, fix, _ in planned:
        if fix is not None and weight.fix_site.value_parameter is not None and _inside(fix.edits[0].span, weight.fix_site.value_parameter[2]):
            valued.setdefault(weight.fix_site.value_parameter[2], set()).add(fix.edits[0].text)
    out = []
    for finding, weight, fix, reason in planned:
        parameter_call = weight.fix_site.value_parameter[2] if weight.fix_site is not None and weight.fix_site.value_parameter is not None else None
        if fix is not None and len(valued.get(parameter_call, ())) > 1:
            fix, reason = None, f"the call at line {parameter_call.line} makes several biases that need different values of {weight.fix_site.value_parameter[0]}; give each a call of its own"
        inline = weight.fix_site.inline if weight.fix_site is not None else None
        call = inline.call if inline is not None else None
        if fix is not None and fix.edits[0].span == call:
            untouched = sorted(set(inline.makes) - fixed.get(call, set()))
            if len(calls.get(call, ())) > 1:
                fix, reason = None, f"the call at line {call.line} makes several weights that need different initialisers; give each an initializer of its own"
            elif untouched:
                # A call inside a helper that other calls reach (``three()`` for each gate):
                # rewritten, it would change every weight made through it.
                fix, reason = None, f"the call at line {call.line} also makes {', '.join(untouched)}, which must not change the same way; give this weight an initializer of its own"
        out.append((finding, weight, fix, reason))
    return out


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def _inline_fix(finding: Finding, weight: CellWeight, text: Text, dialect: Dialect, settings: Settings) -> Fix | None:
    """The helper call that made the weight, replaced by the helper's
    expression with the reference initialiser, in the call's terms:
    ``get_variable("W_z", [n, u])`` -> ``tf.get_variable("W_z", [n, u],
    initializer=tf.glorot_uniform_initializer(), dtype=inputs.dtype)``."""
    site = weight.fix_site
    inline = site.inline
    at_call = replace(weight, fix_site=replace(site, shape=inline.shape, inline=None, sharers=()))
    fix, _ = _plan_one(finding, at_call, text, dialect, settings)
    if fix is None or len(fix.edits) != 1 or fix.replacement not in fix.edits[0].text:
        return None
    edit = fix.edits[0]
    body_start, body_end = text.span_offsets(inline.body)
    start, end = text.span_offsets(edit.span)
    if not body_start <= start <= end <= body_end:
        return None
    marked = text.code[body_start:start] + edit.text.replace(fix.replacement, PLACEHOLDER, 1) + text.code[end:body_end]
    written = substitute(marked, dict(inline.bindings))
    if written is None or written.count(PLACEHOLDER) != 1:
        return None
    new = written.replace(PLACEHOLDER, fix.replacement)
    return replace(fix, edits=(Edit(inline.call, new),))


def _per_iteration(planned: list, indices: list[int], others: list, codes: set[str], original: str) -> str | None:
    keys = [planned[i][1].fix_site.loop_key for i in indices]
    if any(key is None for key in keys) or any(key is None for _, key in others):
        return None
    names = {key[0] for key in keys} | {key[0] for _, key in others}
    if len(names) != 1 or "_" in names:
        return None
    name = names.pop()
    values = sorted({key[1] for key in keys}, key=repr)
    if {key[1] for _, key in others} & set(values):
        return None
    test = f"{name} == {_literal(values[0])}" if len(values) == 1 else f"{name} in ({', '.join(_literal(v) for v in values)})"
    return f"{next(iter(codes))} if {test} else {original}"


def _literal(value: object) -> str:
    """A constant as code, strings in double quotes."""
    if isinstance(value, str) and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return repr(value)


def keyword_insertion(text: Text, call: Span, keyword: str, value: str) -> Edit | None:
    """Add ``keyword=value`` as the call's last argument, in the call's own
    layout: inline (``f(a, b, kw=v)``) or one argument per line."""
    start, end = text.span_offsets(call)
    source = text.code[start:end]
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in (tokenize.ENDMARKER, tokenize.NEWLINE)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    closing = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].string == ")"), None)
    if closing is None:
        return None
    previous = next((tokens[i] for i in range(closing - 1, -1, -1) if tokens[i].type not in (tokenize.NL, tokenize.COMMENT)), None)
    if previous is None:
        return None
    lines = source.splitlines(keepends=True)

    def absolute(row: int, col: int) -> int:
        return start + sum(len(line) for line in lines[: row - 1]) + col

    at = absolute(*previous.end)
    if previous.string == "(":
        insert = f"{keyword}={value}"
    elif previous.string == ",":
        multiline = any(t.type == tokenize.NL for t in tokens[tokens.index(previous) : closing])
        if multiline:
            row = previous.end[0]
            line = lines[row - 1]
            indent = line[: len(line) - len(line.lstrip())]
            if row == 1:
                line_start = text.code.rfind("\n", 0, start) + 1
                indent = " " * (start - line_start) + indent
            newline = "\r\n" if line.endswith("\r\n") else "\n"
            insert = f"{newline}{indent}{keyword}={value},"
        else:
            insert = f" {keyword}={value},"
    else:
        insert = f", {keyword}={value}"
    line, column = text.position(at)
    return Edit(Span(line, column, line, column), insert)
