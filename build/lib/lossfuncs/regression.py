r"""Regression losses: functions of the residual :math:`r = \hat y - y`.

Each loss returns the per-sample loss, the mean over the last axis, exactly as the
``keras.losses`` function of the same name. Each has ``.grad(y_true, y_pred)``: the
gradient of the *sum* of the per-sample losses with respect to ``y_pred``.
"""

from __future__ import annotations

from lossfuncs import _ops
from lossfuncs import _validation as v


def _residual(y_true, y_pred):
    xp, y_true, y_pred, concrete = v.prepare(y_true, y_pred)
    return xp, y_pred - y_true, concrete


def _mean_of(y_true, y_pred, elementwise):
    """Validate, then average ``elementwise(xp, y_true, y_pred)`` over the last axis.

    The NaN/inf check is deferred to the result: every regression loss is non-finite
    when an input is (see ``_validation.check_result``).
    """
    xp, y_true, y_pred, concrete = v.prepare(y_true, y_pred, check_values=False)
    mean = _ops.mean_last_of(xp, elementwise, y_true, y_pred)
    return _ops.finish(xp, v.check_result(mean, concrete))


def _mse_grad(y_true, y_pred):
    xp, r, _ = _residual(y_true, y_pred)
    return _ops.finish(xp, (2 / _ops.n_last(r)) * r)


@_ops.with_grad(_mse_grad)
def mean_squared_error(y_true, y_pred):
    r"""Mean squared error (MSE, quadratic loss, L2 loss).

    .. math:: \mathrm{MSE}(y, \hat y) = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2,
       \qquad \frac{\partial}{\partial \hat y_i} = \frac{2}{n} (\hat y_i - y_i)

    Args:
        y_true: targets, shape ``(..., n)``.
        y_pred: predictions, the same shape as ``y_true``.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        Gauss, *Theoria motus corporum coelestium* (1809), least squares;
        ``keras.losses.mean_squared_error``.
    """

    def squared(xp, t, p):
        r = p - t
        return _ops.inplace(xp, "multiply", r, r)  # r * r, reusing r (NumPy)

    return _mean_of(y_true, y_pred, squared)


def _mae_grad(y_true, y_pred):
    xp, r, _ = _residual(y_true, y_pred)
    return _ops.finish(xp, xp.sign(r) / _ops.n_last(r))


@_ops.with_grad(_mae_grad)
def mean_absolute_error(y_true, y_pred):
    r"""Mean absolute error (MAE, L1 loss).

    .. math:: \mathrm{MAE}(y, \hat y) = \frac{1}{n} \sum_{i=1}^{n} |\hat y_i - y_i|,
       \qquad \frac{\partial}{\partial \hat y_i} = \frac{1}{n} \operatorname{sign}(\hat y_i - y_i)

    At a zero residual the subgradient ``sign(0) = 0`` is returned.

    Args:
        y_true: targets, shape ``(..., n)``.
        y_pred: predictions, the same shape as ``y_true``.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        Laplace (1774), least absolute deviations; ``keras.losses.mean_absolute_error``.
    """

    def absolute(xp, t, p):
        return _ops.inplace(xp, "abs", p - t)

    return _mean_of(y_true, y_pred, absolute)


def _log_residual(y_true, y_pred):
    r"""``|log1p(y_pred) - log1p(y_true)|`` to full relative precision, and the sign.

    The plain difference of two ``log1p`` values cancels catastrophically when
    :math:`\hat y \approx y` (for :math:`y = 10^{10}`, :math:`\hat y = y + 1` it keeps
    only 5 digits). Instead, with :math:`b = \min(y, \hat y)`,

    .. math:: |\log(1 + \hat y) - \log(1 + y)| = \operatorname{log1p}\Bigl(
       \frac{|\hat y - y|}{1 + b}\Bigr),

    whose argument is :math:`\ge 0` and computed with three roundings. When that
    quotient would overflow (:math:`1 + b` tiny, :math:`|\hat y - y|` huge) the
    numerator is scaled by :math:`2^{-64}` and :math:`64 \log 2` added back
    (:math:`\operatorname{log1p}(x) = \log x` to double precision there).
    """
    xp, y_true, y_pred, concrete = v.prepare(y_true, y_pred)
    if concrete is not None:
        v.check_log_domain(concrete[0], "y_true")
        v.check_log_domain(concrete[1], "y_pred")
    diff = y_pred - y_true
    n = xp.abs(diff)
    den = 1 + xp.minimum(y_true, y_pred)
    big = n * 2.0**-120 > den  # n / den would overflow float32 (or float64)
    d = xp.log1p(xp.where(big, n * 2.0**-64, n) / den)
    d = xp.where(big, d + 64 * _ops.LOG2, d)
    return xp, y_pred, diff, d


def _msle_grad(y_true, y_pred):
    xp, y_pred, diff, d = _log_residual(y_true, y_pred)
    return _ops.finish(xp, (2 / _ops.n_last(d)) * xp.sign(diff) * d / (1 + y_pred))


@_ops.with_grad(_msle_grad)
def mean_squared_logarithmic_error(y_true, y_pred):
    r"""Mean squared logarithmic error (MSLE): MSE between :math:`\log(1 + y)` values.

    .. math:: \mathrm{MSLE}(y, \hat y) = \frac{1}{n} \sum_{i=1}^{n}
       \bigl(\log(1 + \hat y_i) - \log(1 + y_i)\bigr)^2,
       \qquad \frac{\partial}{\partial \hat y_i}
       = \frac{2}{n} \, \frac{\log(1 + \hat y_i) - \log(1 + y_i)}{1 + \hat y_i}

    A difference of logarithms is a log-ratio, so for targets well above 1 MSLE
    measures *relative* error: predicting 1100 for 1000 costs about as much as 110 for
    100 (the ``+1`` shift makes small targets cheaper: 1.1 for 1 costs less). The log-ratio is computed
    as ``log1p(|y_pred - y_true| / (1 + min(y_true, y_pred)))``: exact for tiny values and
    free of cancellation when :math:`\hat y \approx y`. The domain is :math:`y, \hat y > -1` (a ``ValueError`` otherwise);
    ``keras.losses`` instead silently clips negative values to ``1e-7``.

    Args:
        y_true: targets > -1, shape ``(..., n)``.
        y_pred: predictions > -1, the same shape as ``y_true``.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        ``keras.losses.mean_squared_logarithmic_error``.
    """
    xp, _, _, d = _log_residual(y_true, y_pred)
    return _ops.finish(xp, _ops.mean_last(xp, d * d))


def _check_delta(delta):
    return v.check_greater_than(
        delta, "delta", 0, fix="delta is the residual size where Huber turns from quadratic "
        "to linear; 1.0 is the usual default."
    )


def _huber_grad(y_true, y_pred, delta=1.0):
    delta = _check_delta(delta)
    xp, r, _ = _residual(y_true, y_pred)
    g = xp.clip(r, -delta, delta)  # r inside [-delta, delta], delta * sign(r) outside
    return _ops.finish(xp, g / _ops.n_last(r))


@_ops.with_grad(_huber_grad)
def huber(y_true, y_pred, delta=1.0):
    r"""Huber loss: quadratic for small residuals, linear for large ones.

    .. math:: L_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
       \delta \bigl(|r| - \tfrac12 \delta\bigr) & |r| > \delta \end{cases},
       \qquad L_\delta'(r) = \operatorname{clip}(r, -\delta, \delta)

    averaged over the last axis. Both pieces equal :math:`\delta^2/2` at
    :math:`|r| = \delta`, and so do their slopes (:math:`\pm\delta`): the loss is
    continuously differentiable. Beyond :math:`\delta` it grows exactly linearly, so an
    outlier pulls with a bounded force :math:`\delta`.

    Args:
        y_true: targets, shape ``(..., n)``.
        y_pred: predictions, the same shape as ``y_true``.
        delta: the threshold :math:`\delta > 0` between the quadratic and linear parts.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        P. J. Huber, "Robust Estimation of a Location Parameter", *Annals of
        Mathematical Statistics* 35 (1964); ``keras.losses.huber``.
    """
    delta = _check_delta(delta)

    def elementwise(xp, t, p):
        # q (|r| - q/2) with q = min(|r|, delta): r^2/2 inside, delta (|r| - delta/2)
        # beyond. Branch-free: no r^2 is formed beyond delta (no overflow for |r| up to
        # the float limit) and the linear part is exactly linear.
        # Computed as 2 h (|r| - h) with h = q/2 (exact scalings), in place (NumPy).
        a = _ops.inplace(xp, "abs", p - t)
        h = _ops.inplace(xp, "multiply", xp.minimum(a, delta), 0.5)
        return 2 * _ops.inplace(xp, "multiply", _ops.inplace(xp, "subtract", a, h), h)

    return _mean_of(y_true, y_pred, elementwise)


def _log_cosh_grad(y_true, y_pred):
    xp, r, _ = _residual(y_true, y_pred)
    return _ops.finish(xp, xp.tanh(r) / _ops.n_last(r))


def _stable_log_cosh(xp, r):
    r"""``log(cosh(r))`` to full relative precision for every finite ``r``.

    Small :math:`|r| \le 1`: :math:`\operatorname{log1p}(2\sinh^2(r/2))` (exact near 0,
    where ``log(cosh(r))`` rounds to 0). Large: :math:`|r| + \operatorname{log1p}(e^{-2|r|})
    - \log 2`, which never overflows (the naive ``cosh`` overflows past 710).
    """
    a = xp.abs(r)
    small = a <= 1
    half = 0.5 * xp.where(small, r, 0)  # keeps sinh away from overflow (and NaN gradients)
    s = xp.sinh(half)
    e = xp.exp(-a)  # e * e = exp(-2|r|), without -2|r| overflowing for |r| near the float max
    return xp.where(small, xp.log1p(2 * s * s), a + xp.log1p(e * e) - _ops.LOG2)


@_ops.with_grad(_log_cosh_grad)
def log_cosh(y_true, y_pred):
    r"""Log-cosh loss: :math:`\log\cosh` of the residual, averaged over the last axis.

    .. math:: L(y, \hat y) = \frac{1}{n} \sum_{i=1}^{n} \log\cosh(\hat y_i - y_i),
       \qquad \frac{\partial}{\partial \hat y_i} = \frac{1}{n} \tanh(\hat y_i - y_i)

    About :math:`r^2/2` for small residuals and :math:`|r| - \log 2` for large ones:
    like Huber with :math:`\delta = 1`, but smooth everywhere. Computed without ever
    forming :math:`\cosh(r)`, so it is finite for residuals up to the float limit.

    Args:
        y_true: targets, shape ``(..., n)``.
        y_pred: predictions, the same shape as ``y_true``.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        ``keras.losses.log_cosh`` (which uses :math:`r + \mathrm{softplus}(-2r) - \log 2`).
    """
    return _mean_of(y_true, y_pred, lambda xp, t, p: _stable_log_cosh(xp, p - t))
