"""Run a module as a script and record every variable TensorFlow creates.

    python tests/weight_probe.py MODULE.py  ->  JSON on stdout

For each variable, in creation order: the lines of MODULE.py on the call stack
when it was created (so a weight made by a helper is found at the line that
called the helper, where lstm-init-lint reports it), its shape, its name's
last part (``kernel``, ``bias``) and its initial values. A Keras layer makes
its variables when first called, not where it is constructed (and reported:
``self.W_f = Dense(units)``), so a variable made by a layer also carries the
lines on the stack when that layer was constructed. TensorFlow's own ``variable_creator_scope`` hooks (v1 and v2)
see every variable, whether made by tf.Variable, tf.compat.v1.get_variable or
a Keras layer's add_weight. Graph-mode initial values are evaluated in a
session on the variable's graph after the module has run.

A module that names neither TensorFlow nor Keras keeps its weights as NumPy
arrays: then each float array an object first holds as an attribute
(``self.W = rng.randn(n, m) * 0.01``) is recorded, with the line that stored it
and the lines of the module on the call stack, and its values at that moment.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def main(path: str) -> None:
    path = os.path.realpath(path)
    with open(path, encoding="utf-8") as module:
        text = module.read()
    if "tensorflow" not in text and "keras" not in text:
        json.dump(_numpy_records(path), sys.stdout)
        return
    import tensorflow as tf

    records: list[dict] = []
    created: list = []
    active = [0]  # the v1 and v2 hooks nest: record each variable once

    constructed = _remember_layer_construction(path)

    def creator(next_creator, **kwargs):
        if active[0]:
            return next_creator(**kwargs)
        active[0] += 1
        try:
            lines = {frame.lineno for frame in traceback.extract_stack() if os.path.realpath(frame.filename) == path}
            lines |= _layer_lines(constructed)
            variable = next_creator(**kwargs)
        finally:
            active[0] -= 1
        records.append({"lines": sorted(lines)})
        created.append(variable)
        return variable

    tf.random.set_seed(0)
    np.random.seed(0)
    with tf.variable_creator_scope(creator), tf.compat.v1.variable_creator_scope(creator):
        runpy.run_path(path, run_name="__main__")

    for record, variable in zip(records, created):
        value = _initial_value(variable)
        record["shape"] = list(value.shape)
        record["values"] = np.asarray(value, dtype=np.float64).ravel().tolist()
        record["dtype"] = str(variable.dtype.name if hasattr(variable.dtype, "name") else variable.dtype)
        record["name"] = str(getattr(variable, "name", "")).split(":")[0].rsplit("/", 1)[-1]
    json.dump(records, sys.stdout)


def _remember_layer_construction(path: str) -> dict[int, tuple]:
    """id(layer) -> (layer, the module's lines on the stack when it was
    constructed), for every Keras layer (tf.keras: Keras 3, or tf_keras
    under TF_USE_LEGACY_KERAS=1, whose tf.compat.v1.layers build on it)."""
    import tensorflow as tf

    constructed: dict[int, tuple] = {}
    base = tf.keras.layers.Layer
    original = base.__init__

    def __init__(self, *args, **kwargs):
        if id(self) not in constructed:
            lines = {frame.lineno for frame in traceback.extract_stack() if os.path.realpath(frame.filename) == path}
            constructed[id(self)] = (self, lines)  # the layer kept alive: its id stays its own
        original(self, *args, **kwargs)

    base.__init__ = __init__
    return constructed


def _layer_lines(constructed: dict[int, tuple]) -> set[int]:
    """Where the innermost layer on the stack (the one whose build is making
    the variable) was constructed."""
    frame = sys._getframe(2)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if owner is not None and id(owner) in constructed and constructed[id(owner)][0] is owner:
            return constructed[id(owner)][1]
        frame = frame.f_back
    return set()


def _numpy_records(path: str) -> list[dict]:
    """Run the module, recording each float array first stored on an object
    by one of its frames (checked at each line event, for the line before)."""
    records: list[dict] = []
    seen: set[tuple[int, str]] = set()
    holders: list = []  # keeps the objects alive, so their ids stay theirs
    recorded: set[int] = set()  # ids of the arrays recorded (alive: their holders are)
    recorded_views: list = []  # the recorded arrays that are views of another array
    last_line: dict = {}

    def scan(frame, line: int) -> None:
        holder = frame.f_locals.get("self")
        attributes = getattr(holder, "__dict__", None)
        if not isinstance(attributes, dict):
            return
        for name, value in list(attributes.items()):
            key = (id(holder), name)
            if key in seen or not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                continue
            if value.base is not None and id(value.base) in recorded:
                continue  # self.kernel_i = self.kernel[:, :u]: a view of a weight already recorded, not a weight
            if value.base is not None and any(other.base is value.base and np.shares_memory(value, other) for other in recorded_views):
                continue  # the same, for a weight that is itself a view (self.kernel = q.T): its slices share q with it
            seen.add(key)
            recorded.add(id(value))
            if value.base is not None:
                recorded_views.append(value)
            holders.append(holder)
            lines = {line}
            outer = frame.f_back
            while outer is not None:
                if os.path.realpath(outer.f_code.co_filename) == path:
                    lines.add(outer.f_lineno)
                outer = outer.f_back
            records.append({"lines": sorted(lines), "shape": list(value.shape), "values": value.astype(np.float64).ravel().tolist(), "dtype": str(value.dtype)})

    def local(frame, event, arg):
        if event in ("line", "return"):
            previous = last_line.get(frame)
            if previous is not None:
                scan(frame, previous)
            last_line[frame] = frame.f_lineno
        return local

    def calls(frame, event, arg):
        return local if os.path.realpath(frame.f_code.co_filename) == path else None

    np.random.seed(0)
    sys.settrace(calls)
    try:
        runpy.run_path(path, run_name="__main__")
    finally:
        sys.settrace(None)
    return records


def _initial_value(variable):
    import tensorflow as tf

    if tf.executing_eagerly() and not _in_graph(variable):
        return variable.numpy()
    graph = variable.graph
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        return session.run(variable.initial_value)


def _in_graph(variable) -> bool:
    try:
        variable.numpy()
        return False
    except Exception:  # noqa: BLE001 - graph-mode variables have no eager value
        return True


if __name__ == "__main__":
    main(sys.argv[1])
