r"""Numerically stable building blocks shared by the kernels.

Each is the textbook function rewritten so that it neither overflows
nor loses digits to cancellation; the docstring says which textbook
form it replaces and why.
"""

import math

import numpy as np

#: Probability clipping bound, the same as ``keras.backend.epsilon()``.
EPSILON = 1e-7

LOG2 = math.log(2.0)


def softplus(xp, x):
    """log(1 + exp(x)), as max(x, 0) + log1p(exp(-abs(x))).

    exp(x) overflows beyond x = 709.78 in float64; exp(-abs(x)) lies in
    (0, 1].
    """
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def sigmoid(xp, x):
    """1 / (1 + exp(-x)), with exp of -abs(x) only (no overflow)."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def log_softmax(xp, z):
    """log(softmax(z)) along the last axis: s - log(sum(exp(s))),
    s = z - max(z).

    The largest entry contributes exactly exp(0) = 1 to the sum, so
    the log-sum-exp is log1p of the rest, summed without first
    rounding 1 + rest.
    """
    s = z - xp.max(z, axis=-1, keepdims=True)
    top = s == 0
    rest = xp.sum(xp.where(top, 0, xp.exp(s)), axis=-1, keepdims=True)
    ties = xp.sum(xp.astype(top, s.dtype), axis=-1, keepdims=True) - 1
    return s - xp.log1p(rest + ties)


def other_mass(xp, p):
    """(sum(p) - p_c, sum(p)) along the last axis: the mass of the other
    classes, summed directly for the largest entry, where sum(p) - p_c
    would cancel."""
    top = (xp.argmax(p, axis=-1, keepdims=True)
           == xp.arange(p.shape[-1]))
    rest_of_top = xp.sum(xp.where(top, 0, p), axis=-1, keepdims=True)
    total = rest_of_top + xp.max(p, axis=-1, keepdims=True)
    return xp.where(top, rest_of_top, total - p), total


def neg_log_share(xp, p):
    """-log(p / sum(p)) along the last axis, clipped as Keras clips
    p / sum(p) to [1e-7, 1 - 1e-7].

    Written as log1p(rest / p), rest = the mass of the other classes
    (other_mass): the largest entry keeps all its digits, 1 - 1e-9 as
    well as 0.5.
    """
    rest, _ = other_mass(xp, p)
    # the bounds rounded to p's precision
    eps = xp.asarray(EPSILON, dtype=p.dtype)
    return xp.clip(xp.log1p(rest / p), -xp.log(1 - eps), -xp.log(eps))


#: Taylor coefficients of (1 + u) log1p(u) - u, which is the sum over
#: k >= 2 of (-1)^k u^k / (k (k - 1)).
_EXCESS_SERIES = tuple((-1) ** k / (k * (k - 1)) for k in range(2, 19))


def kl_excess(xp, u):
    """g(u) = (1 + u) log1p(u) - u >= 0, to full relative precision.

    The two terms cancel near u = 0 (g is about u^2 / 2): below
    abs(u) = 0.1 a Taylor series of 17 terms takes over; beyond, the
    cancellation costs at most 40 rounding errors of the result.
    """
    g = (1 + u) * xp.log1p(u) - u
    return where_small(xp, xp.abs(u) < 0.1, _excess_series, u, g)


def _excess_series(xp, u):
    total = _EXCESS_SERIES[-1]
    for c in reversed(_EXCESS_SERIES[:-1]):
        total = c + u * total
    return u * u * total


def where_small(xp, mask, f, x, otherwise):
    """``where(mask, f(xp, x), otherwise)``, evaluating ``f`` only on
    the masked entries of NumPy arrays (JAX evaluates both sides and
    selects, as ``jnp.where`` does)."""
    if isinstance(otherwise, np.ndarray):
        otherwise[mask] = f(xp, x[mask])
        return otherwise
    return xp.where(mask, f(xp, xp.where(mask, x, 0)), otherwise)


def exact_sum(xp, x):
    """Sum over the last axis, correct to a rounding of the result
    however the terms cancel: pairwise, each level keeping the exact
    rounding errors of its additions (Knuth's TwoSum) on the side;
    log2(n) levels, no loop over the axis."""
    errors = 0
    while x.shape[-1] > 1:
        half = x.shape[-1] // 2
        a, b, odd = (x[..., :half], x[..., half:2 * half],
                     x[..., 2 * half:])
        s = a + b
        bv = s - a
        errors = errors + xp.sum((a - (s - bv)) + (b - bv), axis=-1)
        x = xp.concat([s, odd], axis=-1)
    return x[..., 0] + errors
