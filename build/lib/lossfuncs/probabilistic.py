r"""Probabilistic classification losses: cross-entropies and the KL divergence.

Targets and predictions are probabilities (or, with ``from_logits=True``, raw scores).
As in ``keras.losses``, probabilities are clipped to :math:`[10^{-7}, 1 - 10^{-7}]`, so
a confident wrong prediction costs about :math:`-\log 10^{-7} \approx 16.1` nats (15.9 in
float32, where :math:`1 - 10^{-7}` rounds to :math:`1 - 2^{-23}`) instead
of infinity. The ``from_logits`` paths are exact and need no clipping: they use
softplus and log-sum-exp. Each loss has ``.grad(y_true, y_pred, ...)``, the gradient of
the sum of the per-sample losses with respect to ``y_pred``.
"""

from __future__ import annotations

import math

import numpy as np

from lossfuncs import _ops
from lossfuncs import _validation as v

EPS = _ops.EPSILON


# --------------------------------------------------------------------------- binary


def _binary_inputs(y_true, y_pred, from_logits, label_smoothing):
    label_smoothing = v.check_label_smoothing(label_smoothing)
    xp, t, p, concrete = v.prepare(y_true, y_pred)
    if concrete is not None:
        v.check_probabilities(concrete[0], "y_true", fix=v.TARGET_FIX)
        if not from_logits:
            v.check_probabilities(concrete[1], "y_pred")
    if label_smoothing:
        t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    return xp, t, p


def _bce_grad(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    xp, t, p = _binary_inputs(y_true, y_pred, from_logits, label_smoothing)
    n = _ops.n_last(p)
    if from_logits:
        return _ops.finish(xp, (_ops.sigmoid(xp, p) - t) / n)
    inside = (p > EPS) & (p < 1 - EPS)  # the clip is flat outside
    pc = xp.clip(p, EPS, 1 - EPS)
    g = xp.where(inside, (pc - t) / (pc * (1 - pc)), 0)
    return _ops.finish(xp, g / n)


@_ops.with_grad(_bce_grad)
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    r"""Binary cross-entropy (log loss, Bernoulli negative log-likelihood), in nats.

    .. math:: \mathrm{BCE}(y, p) = -\frac{1}{n} \sum_{i=1}^{n}
       \bigl[y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr],
       \qquad \frac{\partial}{\partial p_i} = \frac{1}{n} \frac{p_i - y_i}{p_i (1 - p_i)}

    With ``from_logits=True`` the prediction is a logit :math:`f` with
    :math:`p = \sigma(f)`, and the loss is computed exactly as
    :math:`y\,\mathrm{softplus}(-f) + (1 - y)\,\mathrm{softplus}(f)`, whose gradient is
    :math:`(\sigma(f) - y)/n`. Label smoothing :math:`s` replaces :math:`y` by
    :math:`y(1 - s) + s/2`.

    Args:
        y_true: targets in [0, 1] (usually 0 or 1), shape ``(..., n)``.
        y_pred: probabilities in [0, 1], or logits with ``from_logits=True``; same shape.
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: :math:`s \in [0, 1]`, moves targets towards 1/2.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        C. M. Bishop, *Pattern Recognition and Machine Learning* (2006), sec. 4.3.2;
        ``keras.losses.binary_crossentropy``.
    """
    xp, t, p = _binary_inputs(y_true, y_pred, from_logits, label_smoothing)

    def elementwise(xp, t, p):
        if from_logits:
            return t * _ops.softplus(xp, -p) + (1 - t) * _ops.softplus(xp, p)
        pc = xp.clip(p, EPS, 1 - EPS)
        return -(t * xp.log(pc) + (1 - t) * xp.log1p(-pc))

    return _ops.finish(xp, _ops.mean_last_of(xp, elementwise, t, p))


# ---------------------------------------------------------------------- categorical


def _neg_log_share(xp, p, total, index=None):
    r"""``-log(clip(p / total, EPS, 1 - EPS))`` to full relative precision.

    :math:`-\log(p_c / \Sigma) = \operatorname{log1p}(\rho_c / p_c)` with
    :math:`\rho_c = \Sigma - p_c`, the mass of the other classes. For the largest entry
    :math:`\rho_c` is summed directly from the others (no cancellation, so a confident
    prediction :math:`1 - 10^{-6}` gives its small loss to all digits, which
    ``-log(p / total)`` does not); for the rest :math:`p_c \le \Sigma/2` and
    :math:`\Sigma - p_c` is exact enough. Keras's clip of :math:`q` to
    :math:`[\epsilon, 1 - \epsilon]` becomes a clip of the (decreasing) ``-log`` to
    :math:`[-\log(1 - \epsilon), -\log \epsilon]`, at ``p``'s precision.
    """
    top_value = xp.max(p, axis=-1, keepdims=True)
    top = p == top_value
    n_top = xp.sum(xp.astype(top, p.dtype), axis=-1, keepdims=True)
    others = xp.sum(xp.where(top, 0, p), axis=-1, keepdims=True) + (n_top - 1) * top_value
    if index is not None:  # only the entries of the labelled classes (same values)
        p, top = _ops.take_last(xp, p, index), _ops.take_last(xp, top, index)
        total, others = total[..., 0], others[..., 0]
    rest = xp.where(top, others, total - p)
    positive = p > 0
    nll = xp.log1p(rest / xp.where(positive, p, 1))
    lo = float(-np.log(np.asarray(1 - EPS, dtype=p.dtype)))  # the bounds as rounded
    hi = float(-np.log(np.asarray(EPS, dtype=p.dtype)))  # to p's precision, as keras
    return xp.clip(xp.where(positive, nll, hi), lo, hi)


def _categorical_core(xp, t, p, from_logits, concrete, grad=False, index=None):
    """Per-sample categorical cross-entropy for targets ``t``, or (``grad=True``) the
    gradient of its sum with respect to ``p``. For one-hot targets, the loss can be
    given the class ``index`` instead of ``t``: it then gathers the labelled entries
    (the same values, without forming ``t * log q`` over every class)."""
    if from_logits:
        if index is not None:
            return _ops.neg_log_softmax(xp, p, index)
        nlq = _ops.neg_log_softmax(xp, p)
        if grad:
            return xp.exp(-nlq) * xp.sum(t, axis=-1, keepdims=True) - t
        return xp.sum(t * nlq, axis=-1)
    if concrete is not None:
        v.check_probabilities(concrete[1], "y_pred")
        v.check_rows_sum_to_one(concrete[1], "y_pred")
    total = xp.sum(p, axis=-1, keepdims=True)
    if index is not None:
        return _neg_log_share(xp, p, total, index)
    if not grad:
        return xp.sum(t * _neg_log_share(xp, p, total), axis=-1)
    q = p / total  # the rows already sum to 1 up to rounding; keras renormalises too
    qc = xp.clip(q, EPS, 1 - EPS)
    g = xp.where((q > EPS) & (q < 1 - EPS), -t / qc, 0)
    return (g - xp.sum(g * q, axis=-1, keepdims=True)) / total


def _categorical_inputs(y_true, y_pred, label_smoothing):
    label_smoothing = v.check_label_smoothing(label_smoothing)
    xp, t, p, concrete = v.prepare(y_true, y_pred)
    if concrete is not None:
        v.check_probabilities(concrete[0], "y_true", fix=v.TARGET_FIX)
    if label_smoothing:
        t = t * (1 - label_smoothing) + label_smoothing / p.shape[-1]
    return xp, t, p, concrete


def _cce_grad(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    xp, t, p, concrete = _categorical_inputs(y_true, y_pred, label_smoothing)
    return _ops.finish(xp, _categorical_core(xp, t, p, from_logits, concrete, grad=True))


@_ops.with_grad(_cce_grad)
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    r"""Categorical cross-entropy over the last (class) axis, in nats.

    .. math:: \mathrm{CCE}(y, q) = -\sum_{c=1}^{C} y_c \log q_c,
       \qquad \frac{\partial}{\partial z_c} = q_c \textstyle\sum_k y_k - y_c
       \ \text{for logits } z,\ q = \operatorname{softmax}(z)

    With ``from_logits=True``, :math:`\log q = z - \operatorname{logsumexp}(z)` is
    computed exactly (no overflow for logits like ``[1000, 0, -1000]``). Otherwise
    each row of ``y_pred`` must be a probability distribution; like keras it is
    renormalised to sum to exactly 1 and clipped to :math:`[10^{-7}, 1-10^{-7}]`.
    Label smoothing :math:`s` replaces :math:`y` by :math:`y(1 - s) + s/C`.

    Args:
        y_true: one-hot or probability targets, shape ``(..., C)``.
        y_pred: class probabilities (rows summing to 1) or logits; same shape.
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: :math:`s \in [0, 1]`, moves targets towards uniform.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning* (2016), sec. 6.2.2.3;
        ``keras.losses.categorical_crossentropy``.
    """
    xp, t, p, concrete = _categorical_inputs(y_true, y_pred, label_smoothing)
    return _ops.finish(xp, _categorical_core(xp, t, p, from_logits, concrete))


def _scce_grad(y_true, y_pred, from_logits=False):
    xp, labels, p, concrete = v.prepare_sparse(y_true, y_pred)
    one_hot = xp.astype(labels[..., None] == xp.arange(p.shape[-1]), p.dtype)
    return _ops.finish(xp, _categorical_core(xp, one_hot, p, from_logits, concrete, grad=True))


@_ops.with_grad(_scce_grad)
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    r"""Categorical cross-entropy with integer class labels instead of one-hot rows.

    .. math:: \mathrm{SCCE}(k, q) = -\log q_k

    for the true class index :math:`k`: identical to
    :func:`categorical_crossentropy` with the one-hot encoding of ``y_true``.

    Args:
        y_true: integer class indices in ``[0, C)``, shape ``(...)`` or ``(..., 1)``.
        y_pred: class probabilities or logits, shape ``(..., C)``.
        from_logits: whether ``y_pred`` holds logits rather than probabilities.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        ``keras.losses.sparse_categorical_crossentropy``.
    """
    xp, labels, p, concrete = v.prepare_sparse(y_true, y_pred)
    return _ops.finish(xp, _categorical_core(xp, None, p, from_logits, concrete, index=labels))


# ------------------------------------------------------------------------------ KL


def _kl_inputs(y_true, y_pred):
    xp, t, p, concrete = v.prepare(y_true, y_pred)
    if concrete is not None:
        for a, name in zip(concrete, ("y_true", "y_pred")):
            v.check_probabilities(a, name, fix=v.DISTRIBUTION_FIX)
            v.check_rows_sum_to_one(a, name, logits_hint=False)
    return xp, xp.clip(t, EPS, 1), p, xp.clip(p, EPS, 1)


#: Taylor coefficients of g(u) = (1 + u) log1p(u) - u = sum_k (-1)^k u^k / (k (k - 1)),
#: k = 2..9: full double precision at |u| < 1e-3. Beyond, the direct formula loses at
#: most a factor 2/|u| < 2000 to cancellation: relative error below 1e-12.
_KL_SERIES = tuple((-1) ** k / (k * (k - 1)) for k in range(2, 10))
_KL_SERIES_BELOW = 1e-3


def _kl_excess(xp, u):
    r""":math:`g(u) = (1 + u)\operatorname{log1p}(u) - u \ge 0`, accurate near 0.

    Near :math:`u = 0` the two terms cancel (:math:`g \approx u^2/2`): a power series
    takes over for :math:`|u| < 10^{-3}` (for NumPy, evaluated on those entries only).
    """

    def series(v):
        total = _KL_SERIES[-1]
        for c in reversed(_KL_SERIES[:-1]):
            total = c + v * total
        return v * v * total

    small = xp.abs(u) < _KL_SERIES_BELOW
    if _ops.is_numpy(xp):
        g = (1 + u) * np.log1p(u) - u
        g[small] = series(u[small])
        return g
    ul = xp.where(small, 1, u)  # keeps the unused branch finite (and its gradient)
    return xp.where(small, series(xp.where(small, u, 0)), (1 + ul) * xp.log1p(ul) - ul)


def _kl_grad(y_true, y_pred):
    xp, tc, p, pc = _kl_inputs(y_true, y_pred)
    return _ops.finish(xp, xp.where(p > EPS, -tc / pc, 0))


@_ops.with_grad(_kl_grad)
def kl_divergence(y_true, y_pred):
    r"""Kullback–Leibler divergence :math:`D_{\mathrm{KL}}(p \,\|\, q)`, in nats.

    .. math:: D_{\mathrm{KL}}(p \,\|\, q) = \sum_{c=1}^{C} p_c \log\frac{p_c}{q_c},
       \qquad \frac{\partial}{\partial q_c} = -\frac{p_c}{q_c}

    with :math:`p` = ``y_true`` and :math:`q` = ``y_pred``. Not symmetric:
    :math:`D(p\|q) \ne D(q\|p)` in general. Cross-entropy decomposes as
    :math:`H(p, q) = H(p) + D_{\mathrm{KL}}(p \| q)`. Like keras, both arguments are
    clipped to :math:`[10^{-7}, 1]`, so zeros give a finite value; a zero in ``y_true``
    therefore contributes :math:`10^{-7}\log(10^{-7}/q_c)`, not exactly 0.

    Near :math:`p = q` the terms :math:`p_c \log(p_c/q_c)` have both signs and cancel
    (they are of size :math:`|p - q|`, their sum of size :math:`|p - q|^2`). Each is
    therefore split as :math:`q_c\,g(u_c) + (p_c - q_c)` with :math:`u_c = (p_c - q_c)/q_c`
    and :math:`g(u) = (1 + u)\log(1 + u) - u \ge 0`: the :math:`g` terms add without
    cancellation, and the differences, exact in floating point, are summed with
    compensation. The result is exactly 0 when :math:`p = q`.

    Args:
        y_true: the reference distribution :math:`p`, rows summing to 1, shape ``(..., C)``.
        y_pred: the approximating distribution :math:`q`, same shape.

    Returns:
        The per-sample divergence, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        S. Kullback, R. A. Leibler, "On Information and Sufficiency", *Annals of
        Mathematical Statistics* 22 (1951); ``keras.losses.kl_divergence``.
    """
    xp, tc, _, pc = _kl_inputs(y_true, y_pred)
    # p log(p/q) = q g(u) + (p - q) with u = (p - q)/q: the first sums are >= 0 (no
    # cancellation), the second is a sum of exact differences, summed compensated.
    diff = tc - pc
    nonneg = xp.sum(pc * _kl_excess(xp, diff / pc), axis=-1)
    return _ops.finish(xp, nonneg + _ops.sum_last_compensated(xp, diff))


def entropy(p, base=math.e):
    r"""Shannon entropy :math:`H(p) = -\sum_c p_c \log_b p_c` of each row of ``p``.

    Uses :math:`0 \log 0 = 0`. ``base=2`` gives bits, the default :math:`e` gives nats
    (the unit of every loss in this package).

    Args:
        p: probability distributions over the last axis, rows summing to 1.
        base: the logarithm's base, > 1.

    Returns:
        The entropy of each row, shape ``p.shape[:-1]``.

    References:
        C. E. Shannon, "A Mathematical Theory of Communication" (1948).
    """
    v.check_greater_than(base, "base", 1, fix="Use base=2 for bits or base=math.e for nats.")
    xp, p, _, concrete = v.prepare(p, p)
    if concrete is not None:
        v.check_probabilities(concrete[0], "p", fix=v.DISTRIBUTION_FIX)
        v.check_rows_sum_to_one(concrete[0], "p", logits_hint=False)
    terms = xp.where(p > 0, p * xp.log(xp.where(p > 0, p, 1)), 0)
    return _ops.finish(xp, (0 - xp.sum(terms, axis=-1)) / math.log(base))  # +0, never -0
