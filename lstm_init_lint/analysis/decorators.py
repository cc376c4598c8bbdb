"""What a method's decorators say about how it is bound.

Only the decorators that change binding matter to the interpreter: a
``@staticmethod`` called as ``self._linear(...)`` takes no ``self``, a
``@classmethod`` takes the class, and a ``@property`` (``self.kernel``) runs
when it is read. Other decorators (``@tf.function``, ``functools.wraps``-style
wrappers that pass their arguments through) leave the function's meaning as
written, so the function itself stands for its decorated self.
"""

from __future__ import annotations

import libcst as cst

INSTANCE = "instance"
STATIC = "static"
CLASS = "class"
PROPERTY = "property"

_KINDS = {
    "staticmethod": STATIC,
    "classmethod": CLASS,
    "property": PROPERTY,
    "cached_property": PROPERTY,
    "abstractproperty": PROPERTY,
}
# @kernel.setter / .deleter: not what reading the attribute runs.
_ACCESSORS = {"setter", "deleter"}


def _last_name(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.Call):
        expr = expr.func
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return None


def method_kind(node: cst.CSTNode) -> str:
    """``static``, ``class``, ``property`` or ``instance`` (the default)."""
    for decorator in getattr(node, "decorators", ()):
        kind = _KINDS.get(_last_name(decorator.decorator) or "")
        if kind is not None:
            return kind
    return INSTANCE


def is_accessor(node: cst.CSTNode) -> bool:
    """``@name.setter`` / ``@name.deleter``: the property's writer, which must
    not take the place of its reader among the class's methods."""
    for decorator in getattr(node, "decorators", ()):
        expr = decorator.decorator
        if isinstance(expr, cst.Attribute) and expr.attr.value in _ACCESSORS:
            return True
    return False
