"""The rule pages under docs/rules/, generated from the rules themselves.

    python -m lstm_init_lint.output.docs            # rewrite docs/rules/*.md
    python -m lstm_init_lint.output.docs --check    # exit 1 if a page is stale

Each page is the rule's docstring (its fixed headings), a real message
produced by running the rule's first INVALID example, and the examples the
tests run, so the page cannot drift from the behaviour.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..rules import RULES
from ..rules.base import SECTIONS, Rule

ROLE_WORDS = {
    "input_kernel": "input kernels",
    "recurrent_kernel": "recurrent kernels",
    "fused_kernel": "fused kernels",
    "bias": "biases",
    "forget_bias": "forget-gate biases",
    "peephole": "peephole weights",
    "projection": "projections",
}


def example_message(rule: Rule) -> str:
    from ..engine import lint_source

    result = lint_source(rule.INVALID[0].encode(), "cell.py")
    finding = next(f for f in result.findings if f.code == rule.code)
    return f"cell.py:{finding.span.line}:{finding.span.column}: {finding.code} {finding.message}"


def render(rule: Rule) -> str:
    sections = rule.sections()
    roles = ", ".join(ROLE_WORDS[r.value] for r in rule.roles)
    out = [f"# {rule.code} `{rule.name}`", "", rule.summary(), "", f"Checks: {roles}.", ""]
    for heading in SECTIONS:
        out += [f"## {heading}", "", sections[heading], ""]
    out += ["## Message", "", "What the first example below reports:", "", "```text", example_message(rule), "```", ""]
    out += ["## Examples the tests run", ""]
    for label, sources in (("Reported (exactly one finding each)", rule.INVALID), ("Not reported", rule.VALID)):
        out += [f"### {label}", ""]
        for source in sources:
            out += ["```python", source.rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# Where the pages below are published (the repository's docs/rules/), for
# SARIF's helpUri. The one place to change when the repository moves.
RULE_PAGES_URL = "https://github.com/lstm-init-lint/lstm-init-lint/blob/main/docs/rules/"


def rule_page_url(code: str) -> str:
    return f"{RULE_PAGES_URL}{code}.md"


def rules_table() -> str:
    """``lstm-init-lint rules``: code, name and summary, one rule a line."""
    width = max(len(rule.name) for rule in RULES)
    return "\n".join(f"{rule.code}  {rule.name:<{width}}  {rule.summary()}" for rule in RULES)


def find_rule(code_or_name: str) -> Rule | None:
    """The rule with this code (``LST001``, any case) or name (``recurrent-kernel-init``)."""
    wanted = code_or_name.strip()
    return next((rule for rule in RULES if rule.code == wanted.upper() or rule.name == wanted.lower()), None)


def page_path(root: Path, rule: Rule) -> Path:
    return root / f"{rule.code}.md"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    root = Path(next((a for a in args if not a.startswith("-")), "docs/rules"))
    stale = []
    for rule in RULES:
        path = page_path(root, rule)
        text = render(rule)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print("stale rule pages (run: python -m lstm_init_lint.output.docs):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
