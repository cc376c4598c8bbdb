"""The verification report: a compact table per file."""

from __future__ import annotations

from . import FileCheck

FIX_COLUMNS = ("weight", "role", "before", "after", "reference", "verdict")
CHECK_COLUMNS = ("weight", "role", "current", "expected", "reference", "verdict")


def render(checks: list[FileCheck], fixing: bool) -> str:
    blocks = []
    for check in checks:
        blocks.append(_file(check, fixing))
    return "\n\n".join(blocks)


def _file(check: FileCheck, fixing: bool) -> str:
    dims = ", ".join(f"{name}={value}" for name, value in sorted(check.dims.items()))
    head = f"{check.path}" + (f"  (dimensions: {dims})" if dims else "")
    if check.error:
        return f"{head}\n  error: {check.error}"
    lines = [head]
    runs = "compiles" if check.compiles else f"does not compile: {check.compile_error}"
    if check.resolved_names:
        runs += "; resolves " + ", ".join(check.resolved_names)
    lines.append(f"  {runs}")
    if check.modules:
        # Checked as a package: the modules it imports, fixed, in a temporary copy with it.
        lines.append(f"  checked with the modules it imports beside it, as fixed: {', '.join(check.modules)}")
    by_module: dict[str, list[str]] = {}
    for label, module in check.written_there:
        by_module.setdefault(module, []).append(label)
    for module, labels in sorted(by_module.items()):
        lines.append(f"  initialisers read in {module}: {', '.join(labels)}")
    for missing in check.missing_names:
        lines.append(f"  missing: {missing}")
    columns = FIX_COLUMNS if fixing else CHECK_COLUMNS
    rows = [columns]
    for weight in check.weights:
        before = weight.before if fixing and weight.before else weight.current
        verdict = weight.verdict if weight.verdict == "ok" else f"{weight.verdict.upper()}: {weight.detail}"
        rows.append((weight.label, weight.role, before, weight.current if fixing else weight.expected, weight.reference or "-", verdict))
    if len(rows) > 1:
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(columns) - 1)]
        for row in rows:
            cells = [str(row[i]).ljust(widths[i]) for i in range(len(columns) - 1)]
            lines.append("  " + "  ".join(cells) + "  " + str(row[-1]))
    else:
        lines.append("  no recurrent weights to check")
    return "\n".join(lines)


def summary(checks: list[FileCheck]) -> str:
    weights = [w for c in checks for w in c.weights]
    ok = sum(1 for w in weights if w.verdict == "ok")
    failed = sum(1 for w in weights if w.verdict == "fail")
    skipped = sum(1 for w in weights if w.verdict == "skipped")
    broken = sum(1 for c in checks if c.error or not c.compiles or c.missing_names)
    line = f"Verified {len(checks)} {'file' if len(checks) == 1 else 'files'}: {ok} weights start like the reference, {failed} do not, {skipped} not evaluated"
    if broken:
        line += f"; {broken} {'file' if broken == 1 else 'files'} failed to compile or resolve"
    return line + "."
