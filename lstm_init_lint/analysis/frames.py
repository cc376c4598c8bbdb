"""The interpreter's bookkeeping, shared with ``calls``: scopes, the frame of
each evaluation, and the records of what went into and came out of each
function, loop and recurrence driver (what ``roles`` later reads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst

    from .values import ClassVal, FuncVal, Opaque, Value


class Scope:
    __slots__ = ("vars", "parent")

    def __init__(self, parent: Scope | None = None) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        while scope is not None:
            value = scope.vars.get(name)
            if value is not None:
                return value
            scope = scope.parent
        return None


class Record:
    """What went into and came out of one function call, loop or driver.

    ``kind`` is ``function`` (``params``: the parameters in order, ``returns``),
    ``loop`` (``carried``: variable name to the opaque value it starts an
    iteration with, ``initial``: the value it had before the loop, ``next``:
    the value it ends with) or ``driver``
    (``tf.while_loop`` / ``tf.scan`` / ``K.rnn``: ``pairs`` maps each loop
    slot to the value the body returns for it).
    """

    __slots__ = ("kind", "node", "name", "params", "returns", "carried", "initial", "next", "pairs")

    def __init__(self, kind: str, node: cst.CSTNode | None, name: str = "") -> None:
        self.kind = kind
        self.node = node
        self.name = name
        self.params: list[tuple[str, Value]] = []
        self.returns: list[Value] = []
        self.carried: dict[str, Opaque] = {}
        self.initial: dict[str, Value] = {}
        self.next: dict[str, Value] = {}
        self.pairs: dict[int, Value] = {}


class Frame:
    __slots__ = ("scope", "depth", "record", "func", "self_obj", "cls", "created", "returns", "path", "stopped", "caller_scope")

    def __init__(
        self, scope: Scope, depth: int, record: Record | None, func: FuncVal | None, self_obj: Value | None, cls: ClassVal | None, path: tuple = (),
        caller_scope: Scope | None = None,
    ) -> None:
        self.scope = scope
        # The scope the call that made this frame is written in (None at the
        # start): --fix may write the helper's expression there.
        self.caller_scope = caller_scope
        # The call nodes that led here from the evaluation's start (a function
        # evaluated on its own starts with none): a helper that creates a
        # weight creates one per call path (``linear([x])``, ``linear([h])``).
        self.path: tuple[cst.CSTNode, ...] = path
        # A ``return`` surely reached (not under an undecided test) ends the
        # body: ``if not bias: return result`` makes no bias on that call.
        self.stopped = False
        self.depth = depth
        self.record = record
        self.func = func
        self.self_obj = self_obj
        self.cls = cls
        self.created: list[FuncVal] = []
        self.returns: list[Value] = []
