"""The losses in mpmath, straight from their definitions: the exactness reference of the
tests and of ``make bench``.

One function per kernel, with the kernel's name (``reference.huber`` for
``lossfuncs.kernels.regression.huber``): it takes one row of each argument (lists of
mpmath numbers; a class index for sparse labels) and the parameters, and returns that
row's loss, the mean over the row for elementwise losses as the wrapper computes it.
Probabilities are clipped to ``[1e-7, 1 - 1e-7]`` exactly as Keras and lossfuncs do, with
the bounds taken as the float64 numbers ``1e-7`` and ``1.0 - 1e-7``.

:func:`reference` evaluates any of them at increasing precision (60, 120, 240, ...
digits) until two successive results agree to :data:`DIGITS` significant digits, so that
cancellation (``log(cosh(1e-300))``, ``logsumexp([700, 0]) - 700``) cannot fool it.
"""

from __future__ import annotations

import mpmath
import numpy as np

#: Significant digits on which successive reference evaluations must agree.
DIGITS = 50
#: Probability clipping bounds, as float64 numbers (what the code can represent).
P_LO = 1e-7
P_HI = 1.0 - 1e-7


def reference(fn, *args):
    """``fn(*args)`` in mpmath, at the precision that makes it exact to DIGITS digits.

    ``args`` are float64 numbers or sequences of them (converted exactly); integers
    (class labels) are passed as they are.
    """

    def convert(a):
        if isinstance(a, (int, np.integer)):
            return int(a)
        if np.ndim(a):
            return [mpmath.mpf(float(x)) for x in np.ravel(a)]
        return mpmath.mpf(float(a))

    prev, dps = None, 60
    while True:
        with mpmath.workdps(dps):
            val = fn(*(convert(a) for a in args))
            if prev is not None:
                if val == 0 and prev == 0:
                    if dps >= 3200:  # zero at 3200 digits: an exact zero
                        return mpmath.mpf(0)
                elif abs(val - prev) <= abs(val) * mpmath.mpf(10) ** (-DIGITS):
                    return +val
        if dps > 100_000:
            raise RuntimeError(f"reference did not converge for {args!r}")
        prev, dps = val, dps * 2


def _mean(xs):
    return mpmath.fsum(xs) / len(xs)


def _clip(x, lo, hi):
    return min(max(x, lo), hi)


def _softplus(x):
    return mpmath.log1p(mpmath.exp(x))


def _log_softmax(z):
    lse = mpmath.log(mpmath.fsum(mpmath.exp(zk) for zk in z))
    return [zk - lse for zk in z]


def _smooth(y, s, n):
    return [yi * (1 - s) + s / n for yi in y]


def _pm1(y):
    """Margin labels: a row all in {0, 1} means 2 y - 1 (the rows tested hold both)."""
    return [2 * a - 1 for a in y] if all(a in (0, 1) for a in y) else y


# -------------------------------------------------------------------- regression


def squared_error(t, p):
    return _mean([(b - a) ** 2 for a, b in zip(t, p)])


def absolute_error(t, p):
    return _mean([abs(b - a) for a, b in zip(t, p)])


def squared_log_error(t, p):
    return _mean([(mpmath.log1p(b) - mpmath.log1p(a)) ** 2 for a, b in zip(t, p)])


def huber(t, p, delta=1.0):
    d = mpmath.mpf(delta)
    return _mean([r * r / 2 if abs(r) <= d else d * (abs(r) - d / 2)
                  for r in (b - a for a, b in zip(t, p))])


def log_cosh(t, p):
    return _mean([mpmath.log(mpmath.cosh(b - a)) for a, b in zip(t, p)])


# ----------------------------------------------------------------- probabilistic


def binary_crossentropy(t, p, label_smoothing=0.0):
    lo, hi = mpmath.mpf(P_LO), mpmath.mpf(P_HI)
    y = _smooth(t, mpmath.mpf(label_smoothing), 2)
    return _mean([-(a * mpmath.log(_clip(b, lo, hi)) + (1 - a) * mpmath.log(1 - _clip(b, lo, hi)))
                  for a, b in zip(y, p)])


def binary_crossentropy_from_logits(t, z, label_smoothing=0.0):
    y = _smooth(t, mpmath.mpf(label_smoothing), 2)
    return _mean([a * _softplus(-b) + (1 - a) * _softplus(b) for a, b in zip(y, z)])


def categorical_crossentropy(t, p, label_smoothing=0.0):
    lo, hi = mpmath.mpf(P_LO), mpmath.mpf(P_HI)
    y = _smooth(t, mpmath.mpf(label_smoothing), len(p))
    total = mpmath.fsum(p)
    return -mpmath.fsum(a * mpmath.log(_clip(b / total, lo, hi)) for a, b in zip(y, p))


def categorical_crossentropy_from_logits(t, z, label_smoothing=0.0):
    y = _smooth(t, mpmath.mpf(label_smoothing), len(z))
    return -mpmath.fsum(a * lq for a, lq in zip(y, _log_softmax(z)))


def _one_hot(k, n):
    return [mpmath.mpf(1 if j == k else 0) for j in range(n)]


def sparse_categorical_crossentropy(k, p):
    return categorical_crossentropy(_one_hot(k, len(p)), p)


def sparse_categorical_crossentropy_from_logits(k, z):
    return categorical_crossentropy_from_logits(_one_hot(k, len(z)), z)


def kl_divergence(t, p):
    lo = mpmath.mpf(P_LO)
    return mpmath.fsum(_clip(a, lo, 1) * mpmath.log(_clip(a, lo, 1) / _clip(b, lo, 1))
                       for a, b in zip(t, p))


def entropy(p, base=mpmath.e):
    return -mpmath.fsum(a * mpmath.log(a) for a in p if a > 0) / mpmath.log(base)


# ------------------------------------------------------------------------ margin


def hinge(y, f):
    return _mean([max(mpmath.mpf(0), 1 - a * b) for a, b in zip(_pm1(y), f)])


def exponential(y, f):
    return _mean([mpmath.exp(-a * b) for a, b in zip(_pm1(y), f)])


def logistic(y, f):
    return _mean([_softplus(-a * b) for a, b in zip(_pm1(y), f)])



# ------------------------------------------------------------ focal, Poisson, quantile


def _sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def binary_focal_crossentropy(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              label_smoothing=0.0):
    lo, hi = mpmath.mpf(P_LO), mpmath.mpf(P_HI)
    y = _smooth(t, mpmath.mpf(label_smoothing), 2)
    out = []
    for a, b in zip(y, p):
        bc = _clip(b, lo, hi)
        bce = -(a * mpmath.log(bc) + (1 - a) * mpmath.log(1 - bc))
        w = a * alpha + (1 - a) * (1 - alpha) if apply_class_balancing else 1
        miss = a * (1 - b) + (1 - a) * b
        out.append(w * miss ** mpmath.mpf(gamma) * bce)
    return _mean(out)


def binary_focal_crossentropy_from_logits(t, z, apply_class_balancing=False, alpha=0.25,
                                          gamma=2.0, label_smoothing=0.0):
    y = _smooth(t, mpmath.mpf(label_smoothing), 2)
    out = []
    for a, b in zip(y, z):
        bce = a * _softplus(-b) + (1 - a) * _softplus(b)
        w = a * alpha + (1 - a) * (1 - alpha) if apply_class_balancing else 1
        miss = a * _sigmoid(-b) + (1 - a) * _sigmoid(b)
        out.append(w * miss ** mpmath.mpf(gamma) * bce)
    return _mean(out)


def categorical_focal_crossentropy(t, p, alpha=0.25, gamma=2.0, label_smoothing=0.0):
    lo, hi = mpmath.mpf(P_LO), mpmath.mpf(P_HI)
    y = _smooth(t, mpmath.mpf(label_smoothing), len(p))
    total = mpmath.fsum(p)
    q = [_clip(b / total, lo, hi) for b in p]
    return mpmath.mpf(alpha) * mpmath.fsum(
        (1 - c) ** mpmath.mpf(gamma) * -a * mpmath.log(c) for a, c in zip(y, q))


def categorical_focal_crossentropy_from_logits(t, z, alpha=0.25, gamma=2.0,
                                               label_smoothing=0.0):
    y = _smooth(t, mpmath.mpf(label_smoothing), len(z))
    log_q = _log_softmax(z)
    return mpmath.mpf(alpha) * mpmath.fsum(
        (1 - mpmath.exp(lq)) ** mpmath.mpf(gamma) * -a * lq for a, lq in zip(y, log_q))


def poisson(t, p):
    eps = mpmath.mpf(P_LO)
    return _mean([b - a * mpmath.log(b + eps) for a, b in zip(t, p)])


def poisson_log_rate(t, z):
    return _mean([mpmath.exp(b) - a * b for a, b in zip(t, z)])


def pinball(t, p, quantile=0.5):
    q = mpmath.mpf(quantile)
    return _mean([max(q * (a - b), (q - 1) * (a - b)) for a, b in zip(t, p)])


def of(kernel):
    """The reference of a kernel (by its name)."""
    return globals()[kernel.__name__]
