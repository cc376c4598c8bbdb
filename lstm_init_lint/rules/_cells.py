"""Small, complete cells that the rules' examples vary one weight of.

Each template is a runnable TF2 cell with ``{W}``, ``{U}`` and ``{b}`` for its
input kernel, recurrent kernel and bias; ``cell(...)`` fills them in. The
defaults are the Keras reference, so a filled-in template with one argument
changed has exactly that one weight wrong.
"""

from __future__ import annotations

GOOD_W = "tf.keras.initializers.GlorotUniform()([n_in, 4 * units])"
GOOD_U = "tf.keras.initializers.Orthogonal()([units, 4 * units])"
GOOD_B = "tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])], 0)"

LSTM = '''import tensorflow as tf


class LSTMCell(tf.Module):
    def __init__(self, n_in, units):
        self.W = tf.Variable({W})
        self.U = tf.Variable({U})
        self.b = tf.Variable({b})

    def __call__(self, x, state):
        h, c = state
        z = x @ self.W + h @ self.U + self.b
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (h, c)
'''


def lstm(W: str = GOOD_W, U: str = GOOD_U, b: str = GOOD_B) -> str:
    return LSTM.format(W=W, U=U, b=b)


GOOD_FUSED = "tf.keras.initializers.GlorotUniform()([n_in + units, 4 * units])"
GOOD_FUSED_B = "tf.zeros([4 * units])"

FUSED = '''import tensorflow as tf


class FusedLSTMCell(tf.Module):
    """TF1's layout: one kernel over [x, h], gates i, j, f, o, forget_bias at run time."""

    def __init__(self, n_in, units, forget_bias=1.0):
        self.kernel = tf.Variable({K})
        self.bias = tf.Variable({b})
        self.forget_bias = forget_bias

    def __call__(self, x, state):
        c, h = state
        z = tf.matmul(tf.concat([x, h], 1), self.kernel) + self.bias
        i, j, f, o = tf.split(z, 4, axis=1)
        c = c * tf.sigmoid(f + self.forget_bias) + tf.sigmoid(i) * tf.tanh(j)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (c, h)
'''


def fused(K: str = GOOD_FUSED, b: str = GOOD_FUSED_B, forget_bias: str = "1.0") -> str:
    return FUSED.format(K=K, b=b).replace("forget_bias=1.0", f"forget_bias={forget_bias}")


PEEPHOLE = '''import tensorflow as tf

glorot = tf.keras.initializers.GlorotUniform()


class PeepholeLSTMCell(tf.Module):
    def __init__(self, n_in, units):
        self.W = tf.Variable(glorot([n_in, 4 * units]))
        self.U = tf.Variable(tf.keras.initializers.Orthogonal()([units, 4 * units]))
        self.b = tf.Variable({b})
        self.w_f = tf.Variable({P})

    def __call__(self, x, state):
        h, c = state
        i, f, g, o = tf.split(x @ self.W + h @ self.U + self.b, 4, axis=1)
        c = tf.sigmoid(f + self.w_f * c) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (h, c)
'''


def peephole(P: str = "glorot([units])", b: str = GOOD_B) -> str:
    return PEEPHOLE.format(P=P, b=b)


PROJECTION = '''import tensorflow as tf

glorot = tf.keras.initializers.GlorotUniform()


class ProjectedLSTMCell(tf.Module):
    def __init__(self, n_in, units, n_proj):
        self.kernel = tf.Variable(glorot([n_in + n_proj, 4 * units]))
        self.bias = tf.Variable(tf.zeros([4 * units]))
        self.proj = tf.Variable({P})

    def __call__(self, x, state):
        c, m = state
        i, j, f, o = tf.split(tf.matmul(tf.concat([x, m], 1), self.kernel) + self.bias, 4, axis=1)
        c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
        m = tf.matmul(tf.sigmoid(o) * tf.tanh(c), self.proj)
        return m, (c, m)
'''


def projection(P: str = "glorot([units, n_proj])") -> str:
    return PROJECTION.format(P=P)


GRU = '''import tensorflow as tf

glorot = tf.keras.initializers.GlorotUniform()
orthogonal = tf.keras.initializers.Orthogonal()


class GRUCell(tf.Module):
    def __init__(self, n_in, units):
        self.W = tf.Variable(glorot([n_in, 3 * units]))
        self.U = tf.Variable(orthogonal([units, 3 * units]))
        self.b = tf.Variable({b})

    def __call__(self, x, h):
        xz, xr, xh = tf.split(x @ self.W + self.b, 3, axis=1)
        uz, ur, uh = tf.split(self.U, 3, axis=1)
        z = tf.sigmoid(xz + h @ uz)
        r = tf.sigmoid(xr + h @ ur)
        hh = tf.tanh(xh + (r * h) @ uh)
        return z * h + (1 - z) * hh
'''


def gru(b: str = "tf.zeros([3 * units])") -> str:
    return GRU.format(b=b)
