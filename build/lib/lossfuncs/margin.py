r"""Margin-based classification losses: functions of the margin :math:`m = y f`.

Labels are :math:`y \in \{-1, +1\}`; labels that are all in :math:`\{0, 1\}` are mapped
to :math:`2y - 1`, as ``keras.losses.hinge`` does. The prediction :math:`f` is a raw
score (any real number): :math:`m > 0` is a correct classification, and the larger the
margin the more confident. Each loss has ``.grad(y_true, y_pred)``, the gradient of the
sum of the per-sample losses with respect to ``y_pred``.
"""

from __future__ import annotations

from lossfuncs import _ops
from lossfuncs import _validation as v


def _labels_and_scores(y_true, y_pred):
    # y_true's NaN/inf check is part of the label check (labels are exactly +-1 or 0/1)
    xp, y, f, concrete = v.prepare(y_true, y_pred, check_values=False)
    if concrete is not None:
        v.check_finite(concrete[1], "y_pred")
    return xp, v.check_margin_labels(xp, y, concrete), f


def _margins(y_true, y_pred):
    xp, y, f = _labels_and_scores(y_true, y_pred)
    return xp, y, y * f


def _mean_of(y_true, y_pred, of_margin):
    """Validate, then average ``of_margin(xp, y * f)`` over the last axis."""
    xp, y, f = _labels_and_scores(y_true, y_pred)
    return _ops.finish(xp, _ops.mean_last_of(xp, lambda xp, y, f: of_margin(xp, y * f), y, f))


def _hinge_grad(y_true, y_pred):
    xp, y, m = _margins(y_true, y_pred)
    return _ops.finish(xp, xp.where(m < 1, -y, 0) / _ops.n_last(m))


@_ops.with_grad(_hinge_grad)
def hinge(y_true, y_pred):
    r"""Hinge loss, the loss of the support vector machine.

    .. math:: L(y, f) = \frac{1}{n} \sum_{i=1}^{n} \max(0,\, 1 - y_i f_i),
       \qquad \frac{\partial}{\partial f_i} = -\frac{y_i}{n} \, [\,y_i f_i < 1\,]

    Zero once a point is on the right side with margin at least 1; linear in the
    margin otherwise. At the kink :math:`y f = 1` the subgradient 0 is returned.

    Args:
        y_true: labels in {-1, +1} (or all in {0, 1}), shape ``(..., n)``.
        y_pred: raw scores :math:`f`, the same shape.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        C. Cortes, V. Vapnik, "Support-vector networks", *Machine Learning* 20 (1995);
        ``keras.losses.hinge``.
    """

    def slack(xp, m):  # max(1 - m, 0), updating the fresh margins in place (NumPy)
        return _ops.inplace(xp, "maximum", _ops.inplace(xp, "add", _ops.inplace(xp, "negative", m), 1), 0)

    return _mean_of(y_true, y_pred, slack)


def _exponential_grad(y_true, y_pred):
    xp, y, m = _margins(y_true, y_pred)
    return _ops.finish(xp, -y * xp.exp(-m) / _ops.n_last(m))


@_ops.with_grad(_exponential_grad)
def exponential_loss(y_true, y_pred):
    r"""Exponential loss, the loss AdaBoost minimises.

    .. math:: L(y, f) = \frac{1}{n} \sum_{i=1}^{n} e^{-y_i f_i},
       \qquad \frac{\partial}{\partial f_i} = -\frac{y_i}{n} e^{-y_i f_i}

    A badly misclassified point (large negative margin) costs exponentially much, which
    makes the loss sensitive to outliers and label noise.

    Args:
        y_true: labels in {-1, +1} (or all in {0, 1}), shape ``(..., n)``.
        y_pred: raw scores :math:`f`, the same shape.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        Y. Freund, R. E. Schapire, "A decision-theoretic generalization of on-line
        learning and an application to boosting" (1997); J. Friedman, T. Hastie,
        R. Tibshirani, "Additive logistic regression", *Annals of Statistics* 28 (2000).
    """
    return _mean_of(y_true, y_pred, lambda xp, m: xp.exp(-m))


def _logistic_grad(y_true, y_pred):
    xp, y, m = _margins(y_true, y_pred)
    return _ops.finish(xp, -y * _ops.sigmoid(xp, -m) / _ops.n_last(m))


@_ops.with_grad(_logistic_grad)
def logistic_loss(y_true, y_pred):
    r"""Logistic loss (log loss in margin form), natural logarithm.

    .. math:: L(y, f) = \frac{1}{n} \sum_{i=1}^{n} \log\bigl(1 + e^{-y_i f_i}\bigr),
       \qquad \frac{\partial}{\partial f_i} = -\frac{y_i}{n} \sigma(-y_i f_i)

    Equal to ``binary_crossentropy((y + 1) / 2, f, from_logits=True)``: binary
    cross-entropy written in terms of the margin. Computed as a softplus, finite for
    any finite score. Dividing by :math:`\log 2` gives the base-2 version, which is
    1 at margin 0 and lies above the 0-1 loss everywhere.

    Args:
        y_true: labels in {-1, +1} (or all in {0, 1}), shape ``(..., n)``.
        y_pred: raw scores :math:`f` (logits), the same shape.

    Returns:
        The per-sample loss, shape ``(...)``, in ``y_pred``'s float precision.

    References:
        T. Hastie, R. Tibshirani, J. Friedman, *The Elements of Statistical Learning*,
        2nd ed. (2009), sec. 10.6.
    """
    return _mean_of(y_true, y_pred, lambda xp, m: _ops.softplus(xp, -m))
