"""Initialiser scopes a caller opens around the code that runs a cell
(issue 13, item 6).

``with tf.variable_scope("rnn", initializer=tf.random_uniform_initializer(-0.1,
0.1)): outputs, state = tf.nn.dynamic_rnn(cell, inputs)`` gives every
``tf.get_variable`` without an initializer inside the cell's ``__call__`` that
initializer. TensorFlow calls the cell, not the file, so the interpreter
evaluates the cell's methods on their own, outside the ``with``: this module
remembers which cell classes a runner received inside such a scope and, once
the whole file has run, gives their defaulted variables the scope's
initialiser. Without such a scope the TF1 default (glorot_uniform) stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .values import ObjVal, Op, Seq

if TYPE_CHECKING:
    from .interpreter import Interpreter
    from .values import Value, WeightInstance

# What runs a cell it is given: TF1's drivers and Keras' RNN layer.
RUNNERS = frozenset(
    {
        "dynamic_rnn",
        "static_rnn",
        "bidirectional_dynamic_rnn",
        "static_bidirectional_rnn",
        "stack_bidirectional_dynamic_rnn",
        "static_state_saving_rnn",
        "raw_rnn",
        "rnn",  # TF 0.x ``tf.nn.rnn``
        "bidirectional_rnn",
        "RNN",
        "Bidirectional",
    }
)


def note_runner(it: Interpreter, qualname: str, args: list[Value], kwargs: dict[str, Value], path: tuple = ()) -> None:
    """A call of ``qualname``: when it runs cells inside a variable scope
    with an initializer, remember the cells' classes and that initializer,
    and the calls that reached the runner (``path``): a cell class of an
    imported module is then reported at the call of this file that entered it."""
    if qualname.rsplit(".", 1)[-1] not in RUNNERS:
        return
    initializer = next((s for s in reversed(it.scope_initializers) if s is not None), it.global_scope_initializer)
    if initializer is None:
        return
    for value in (*args, *kwargs.values()):
        for obj in _cells_in(value, 3):
            it.caller_scopes.setdefault(id(obj.cls), initializer)
            it.caller_paths.setdefault(id(obj.cls), path)


def _cells_in(value: Any, depth: int) -> list[ObjVal]:
    """The file's own cell objects in a runner's argument: the cell, a list
    of them, or wrapped (``MultiRNNCell([...])``, ``DropoutWrapper(cell)``)."""
    if isinstance(value, ObjVal):
        return [value] if value.cls is not None else []
    if depth == 0:
        return []
    if isinstance(value, Seq):
        return [obj for item in value.items for obj in _cells_in(item, depth - 1)]
    if isinstance(value, Op):
        return [obj for item in value.args for obj in _cells_in(item, depth - 1)]
    return []


def note_default(it: Interpreter, weight: WeightInstance, shape: Any, frame: Any, node: Any) -> None:
    """A ``get_variable`` that took the TF1 default, made while a class's
    methods were evaluated on their own: a caller's scope may still reach it."""
    if it.standalone_class is not None:
        it.defaulted.append((weight, it.standalone_class, shape, frame, node))


def apply_caller_scopes(it: Interpreter, resolve_initial) -> None:
    """Once the file has run: each defaulted variable of a class some runner
    received inside an initializer scope takes that initializer
    (``resolve_initial``: ``calls``' reading of an initializer value)."""
    from .values import InitVal

    for weight, cls, shape, frame, node in it.defaulted:
        initializer = it.caller_scopes.get(id(cls))
        if initializer is None:
            continue
        init = resolve_initial(it, initializer, shape, frame, node)
        if init is None:
            continue
        init = InitVal(init.dist, init.node, shape or init.shape)
        init.implicit = "variable_scope"
        weight.init = init
        if not weight.path:  # evaluated on its own: the runner's calls are how the program reaches it
            weight.path = it.caller_paths.get(id(cls), ())
