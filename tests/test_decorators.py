"""Decorators that change how a method is bound (@staticmethod,
@classmethod, @property) keep the binding right; decorators that do not
(@tf.function, a functools.wraps wrapper) leave the method as written."""

from __future__ import annotations

from conftest import lint, summary

HEADER = "import tensorflow.compat.v1 as tf\n\n\nclass Cell(object):\n    def __init__(self, units):\n        self.units = units\n\n"

STEP = """
    def __call__(self, x, state):
        c, h = state
        z = KERNEL_X + KERNEL_H
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (c, h)
"""

LINEAR = """
    @staticmethod
    def _linear(args, output_size, scope):
        with tf.variable_scope(scope):
            w = tf.get_variable("w", [int(args.get_shape()[1]), output_size], initializer=tf.random_normal_initializer(stddev=0.1))
        return tf.matmul(args, w)
"""

GOOD_H = "tf.matmul(h, tf.get_variable('u', [self.units, 4 * self.units], initializer=tf.orthogonal_initializer()))"


def cell(methods: str, kernel_x: str, kernel_h: str = GOOD_H) -> str:
    return HEADER + methods + STEP.replace("KERNEL_X", kernel_x).replace("KERNEL_H", kernel_h)


def test_a_staticmethod_called_through_self_takes_no_self():
    source = cell(LINEAR, 'self._linear(x, 4 * self.units, "x")')
    assert summary(source) == [("LST002", "input_kernel", "w")]


def test_a_staticmethod_called_through_the_class_is_the_same():
    source = cell(LINEAR, 'Cell._linear(x, 4 * self.units, "x")')
    assert summary(source) == [("LST002", "input_kernel", "w")]


def test_a_property_runs_its_getter_when_read_and_makes_one_weight():
    prop = """
    @property
    def recurrent_kernel(self):
        return tf.get_variable("u", [self.units, 4 * self.units], initializer=tf.random_normal_initializer(stddev=0.1))

    @recurrent_kernel.setter
    def recurrent_kernel(self, value):
        pass
"""
    good_x = "tf.matmul(x, tf.get_variable('w', [3, 4 * self.units]))"
    source = cell(prop, good_x, "tf.matmul(h, self.recurrent_kernel) + tf.matmul(h * 0.5, self.recurrent_kernel)")
    findings = lint(source)
    assert [(f.code, f.role.value, f.span.line) for f in findings] == [("LST001", "recurrent_kernel", 11)]


def test_a_classmethod_takes_the_class_so_its_constructor_call_gives_the_sizes():
    factory = """
    @classmethod
    def small(cls):
        return cls(64)
"""
    source = cell(LINEAR, 'self._linear(x, 4 * self.units, "x")', "tf.matmul(h, tf.get_variable('u', [self.units, 4 * self.units], initializer=tf.random_normal_initializer(stddev=0.1)))")
    source = source.replace("        self.units = units\n", "        self.units = units\n" + factory, 1) + """

def run(inputs):
    cell = Cell.small()
    state = (tf.zeros([8, 64]), tf.zeros([8, 64]))
    for x in inputs:
        _, state = cell(x, state)
    return state
"""
    recurrent = [f for f in lint(source) if f.code == "LST001"]
    assert len(recurrent) == 1 and "at its 64 units" in recurrent[0].message


def test_tf_function_and_a_wraps_wrapper_leave_the_method_as_written():
    wrapper = """import functools


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper

"""
    source = cell("", "tf.matmul(x, tf.get_variable('w', [3, 4 * self.units], initializer=tf.random_normal_initializer(stddev=0.1)))")
    decorated = source.replace("    def __call__", "    @logged\n    @tf.function\n    def __call__")
    decorated = decorated.replace("import tensorflow.compat.v1 as tf\n", "import tensorflow.compat.v1 as tf\n" + wrapper, 1)
    assert summary(decorated) == [("LST002", "input_kernel", "w")]
