r"""Regression kernels: functions of the residual r = y_pred - y_true.

Each works elementwise and returns the loss of every element; the
wrapper averages over the last axis. Each ``<name>_grad`` is the
derivative of that elementwise loss with respect to y_pred.
"""

from lossfuncs.kernels.stable import EPSILON, LOG2


def squared_error(xp, y_true, y_pred):
    """(y_pred - y_true)^2, the summand of the mean squared error.

    Reference: Gauss (1809).
    """
    return (y_pred - y_true) ** 2


def squared_error_grad(xp, y_true, y_pred):
    """2 (y_pred - y_true)."""
    return 2 * (y_pred - y_true)


def absolute_error(xp, y_true, y_pred):
    """abs(y_pred - y_true), the summand of the mean absolute error.

    Reference: Laplace (1774).
    """
    return xp.abs(y_pred - y_true)


def absolute_error_grad(xp, y_true, y_pred):
    """sign(y_pred - y_true); at a zero residual the subgradient 0."""
    return xp.sign(y_pred - y_true)


def squared_log_error(xp, y_true, y_pred):
    """(log(1 + y_pred) - log(1 + y_true))^2, the summand of MSLE.

    The log-ratio is taken as log1p(abs(y_pred - y_true) / (1 + min)):
    no cancellation when y_pred is close to y_true. Values <= -1 give
    NaN. Reference: keras.losses.
    """
    low = 1 + xp.minimum(y_true, y_pred)
    # outside the domain: NaN, as log1p gives
    low = xp.where(low > 0, low, xp.nan)
    return xp.log1p(xp.abs(y_pred - y_true) / low) ** 2


def squared_log_error_grad(xp, y_true, y_pred):
    """2 (log(1 + y_pred) - log(1 + y_true)) / (1 + y_pred)."""
    d = xp.log1p(
        xp.abs(y_pred - y_true) / (1 + xp.minimum(y_true, y_pred)))
    return 2 * xp.sign(y_pred - y_true) * d / (1 + y_pred)


def huber(xp, y_true, y_pred, delta):
    """r^2 / 2 for abs(r) <= delta, delta (abs(r) - delta / 2) beyond.

    Written as q^2 / 2 + delta (abs(r) - q), q = min(abs(r), delta): no
    r^2 is formed beyond delta.
    Reference: P. J. Huber, Ann. Math. Statist. 35 (1964).
    """
    a = xp.abs(y_pred - y_true)
    q = xp.minimum(a, delta)
    return 0.5 * q * q + delta * (a - q)


def huber_grad(xp, y_true, y_pred, delta):
    """clip(r, -delta, delta)."""
    return xp.clip(y_pred - y_true, -delta, delta)


def log_cosh(xp, y_true, y_pred):
    """log(cosh(r)), computed from e = exp(-abs(r)) alone.

    cosh(r) is never formed, so it never overflows. For abs(r) <= 1:
    log1p((1 - e)^2 / (2 e)), with 1 - e = -expm1(-abs(r)) exact near 0;
    beyond: abs(r) - log 2 + log1p(e^2).
    Reference: keras.losses.log_cosh.
    """
    a = xp.abs(y_pred - y_true)
    m = xp.expm1(-a)  # e - 1
    e = 1 + m
    small = a <= 1
    x = xp.where(small, m * m / (2 * e), e * e)
    return xp.where(small, 0, a - LOG2) + xp.log1p(x)


def log_cosh_grad(xp, y_true, y_pred):
    """tanh(r)."""
    return xp.tanh(y_pred - y_true)


def poisson(xp, y_true, y_pred):
    """y_pred - y_true log(y_pred + 1e-7): Keras's Poisson loss for a
    rate y_pred >= 0 (the negative log-likelihood of the count y_true,
    up to a term in y_true alone).

    Near y_pred = 1 the logarithm is log1p((y_pred - 1) + 1e-7), which
    keeps its digits. Reference: keras.losses.poisson.
    """
    near_one = xp.abs(y_pred - 1) < 0.5
    log_rate = xp.where(near_one, xp.log1p((y_pred - 1) + EPSILON),
                        xp.log(y_pred + EPSILON))
    return y_pred - y_true * log_rate


def poisson_grad(xp, y_true, y_pred):
    """1 - y_true / (y_pred + 1e-7)."""
    return 1 - y_true / (y_pred + EPSILON)


def poisson_log_rate(xp, y_true, y_pred):
    """exp(z) - y_true z for the log-rate z: the Poisson loss of the
    rate exp(z), written so that raw outputs z need no exp before the
    loss (and no epsilon).

    Reference: P. McCullagh and J. A. Nelder, Generalized Linear
    Models (1989), ch. 6.
    """
    return xp.exp(y_pred) - y_true * y_pred


def poisson_log_rate_grad(xp, y_true, y_pred):
    """exp(z) - y_true."""
    return xp.exp(y_pred) - y_true


def pinball(xp, y_true, y_pred, quantile):
    """max(q r, (q - 1) r) for r = y_true - y_pred and the quantile q in
    (0, 1): the quantile (pinball) loss, minimised by the q-quantile of
    y_true.

    Reference: R. Koenker and G. Bassett, Econometrica 46 (1978).
    """
    r = y_true - y_pred
    return xp.maximum(quantile * r, (quantile - 1) * r)


def pinball_grad(xp, y_true, y_pred, quantile):
    """-q where y_true > y_pred, 1 - q where y_true < y_pred; at r = 0
    the subgradient 0."""
    r = y_true - y_pred
    return xp.where(r > 0, -quantile, xp.where(r < 0, 1 - quantile, 0))
