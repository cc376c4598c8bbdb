"""Arithmetic on sizes as the code writes them.

Messages and ``--fix`` speak in the sizes the file already uses: the bias of
``tf.zeros([4 * units])`` gets ``tf.ones([units])`` for its forget slice, not
``tf.ones([128])``. These helpers read a size expression's text as a linear
combination of atoms (``units``, ``self.hidden_dim``, ``input_shape[-1]``) and
write results back in the same terms.
"""

from __future__ import annotations

from functools import lru_cache

import libcst as cst

Linear = tuple[dict[str, int], int]  # atom text -> coefficient, constant


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


@lru_cache(maxsize=4096)
def _expression(text: str) -> cst.BaseExpression | None:
    """The parsed size expression (libcst nodes are immutable, so one may be
    shared; a file writes the same few sizes many times)."""
    try:
        return cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None


def linear(text: str) -> Linear | None:
    node = _expression(text)
    return None if node is None else _linear(node)


def _linear(node: cst.BaseExpression) -> Linear | None:
    if isinstance(node, cst.Integer):
        return {}, int(node.evaluated_value)
    if isinstance(node, cst.BinaryOperation):
        left, right = _linear(node.left), _linear(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.operator, (cst.Add, cst.Subtract)):
            sign = 1 if isinstance(node.operator, cst.Add) else -1
            terms = dict(left[0])
            for atom, coef in right[0].items():
                terms[atom] = terms.get(atom, 0) + sign * coef
            return {a: c for a, c in terms.items() if c}, left[1] + sign * right[1]
        if isinstance(node.operator, cst.Multiply):
            for scalar, other in ((left, right), (right, left)):
                if not scalar[0]:
                    k = scalar[1]
                    return {a: c * k for a, c in other[0].items()}, other[1] * k
        return None
    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
        bare = node.with_changes(lpar=[], rpar=[]) if node.lpar else node
        return {" ".join(_code(bare).split()): 1}, 0
    return None


def render(value: Linear) -> str:
    terms, constant = value
    parts = []
    for atom, coef in terms.items():
        if coef == 1:
            parts.append(atom)
        elif coef == -1:
            parts.append(f"-{atom}")
        else:
            parts.append(f"{coef} * {atom}")
    if constant or not parts:
        parts.append(str(constant))
    text = " + ".join(parts)
    return text.replace("+ -", "- ")


def dims(shape: str) -> list[str] | None:
    """``[a, 4 * b]`` / ``(a, b)`` / ``4 * b`` -> the dims' texts."""
    node = _expression(shape)
    if node is None:
        return None
    if isinstance(node, (cst.List, cst.Tuple)):
        return [" ".join(_code(element.value).split()) for element in node.elements]
    if linear(shape) is not None and not isinstance(node, (cst.Name, cst.Attribute)):
        return [shape]
    return None


def stated_values(shape: str, numbers: list[int | None]) -> tuple[tuple[str, int], ...]:
    """The value of each name in a shape as written, from the same shape as
    one evaluation numbered it: ``[input_dim, 4 * num_units]`` at (64, 512)
    -> input_dim = 64, num_units = 128; ``[n_in + units, ...]`` once
    ``units`` is known. A name that would get two values, or a value that is
    not a positive integer, is left out."""
    written = dims(shape)
    if written is None or len(written) != len(numbers):
        return ()
    equations = [(linear(text), number) for text, number in zip(written, numbers) if number is not None]
    known: dict[str, int] = {}
    clashes: set[str] = set()
    for _ in range(2):  # a second pass solves the dims the first one's values leave one name in
        for value, number in equations:
            if value is None:
                continue
            terms, constant = value
            rest = number - constant - sum(c * known[a] for a, c in terms.items() if a in known)
            unknown = [(a, c) for a, c in terms.items() if a not in known]
            if len(unknown) == 1:
                atom, coefficient = unknown[0]
                if rest % coefficient == 0 and rest // coefficient > 0:
                    known[atom] = rest // coefficient
            elif not unknown and rest != 0:
                clashes.update(terms)
    return tuple((atom, value) for atom, value in known.items() if atom not in clashes)


def divide(text: str, count: int) -> str:
    """``4 * units`` / 4 -> ``units``; what does not divide evenly -> ``(x) // n``."""
    if count == 1:
        return text
    value = linear(text)
    if value is not None:
        terms, constant = value
        if all(c % count == 0 for c in terms.values()) and constant % count == 0:
            return render(({a: c // count for a, c in terms.items()}, constant // count))
    return f"({text}) // {count}"


def multiply(text: str, count: int) -> str:
    if count == 1:
        return text
    value = linear(text)
    if value is not None:
        terms, constant = value
        return render(({a: c * count for a, c in terms.items()}, constant * count))
    return f"{count} * ({text})"


def split_sum(text: str, part: str) -> str | None:
    """``n_in + units`` minus ``units`` -> ``n_in`` (None when it does not split)."""
    whole, piece = linear(text), linear(part)
    if whole is None or piece is None:
        return None
    terms = dict(whole[0])
    for atom, coef in piece[0].items():
        if terms.get(atom, 0) < coef:
            return None
        terms[atom] -= coef
    rest = ({a: c for a, c in terms.items() if c}, whole[1] - piece[1])
    return render(rest) if rest[0] or rest[1] else None
