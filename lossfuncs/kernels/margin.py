r"""Margin kernels: functions of the margin m = y f.

The labels y are in {-1, +1} and the scores f are raw. Each kernel
returns the loss of every element (the wrapper averages them); labels
all in {0, 1} are mapped to 2 y - 1 by the wrapper before the kernel
runs, as keras.losses.hinge does.
"""

from lossfuncs.kernels.stable import sigmoid, softplus


def hinge(xp, y_true, y_pred):
    """max(0, 1 - y f), the loss of the support vector machine.

    Reference: C. Cortes and V. Vapnik, Machine Learning 20 (1995).
    """
    return xp.maximum(1 - y_true * y_pred, 0)


def hinge_grad(xp, y_true, y_pred):
    """-y where y f < 1, else 0.

    At the kink y f = 1 the subgradient 0.
    """
    return xp.where(y_true * y_pred < 1, -y_true, 0)


def exponential(xp, y_true, y_pred):
    """exp(-y f), the loss AdaBoost minimises.

    Reference: J. Friedman, T. Hastie, R. Tibshirani, Ann. Statist.
    28 (2000).
    """
    return xp.exp(-y_true * y_pred)


def exponential_grad(xp, y_true, y_pred):
    """-y exp(-y f)."""
    return -y_true * xp.exp(-y_true * y_pred)


def logistic(xp, y_true, y_pred):
    """log(1 + exp(-y f)) = softplus(-y f).

    Finite for every finite score. Reference: Hastie, Tibshirani,
    Friedman, The Elements of Statistical Learning (2009), sec. 10.6.
    """
    return softplus(xp, -y_true * y_pred)


def logistic_grad(xp, y_true, y_pred):
    """-y sigmoid(-y f)."""
    return -y_true * sigmoid(xp, -y_true * y_pred)
