"""The source article's loss code, as published, for comparison (bugs included).

These are the formulas of "What is loss function?" (Towards Data Science) and its
notebook, written with NumPy where the article used ``keras.backend`` (``K.mean`` is
``np.mean``). They are kept *unchanged* so the course can run them beside
``lossfuncs`` and show where they break. Do not use them for anything else.
"""

import numpy as np


def exponential_loss(y_pred, y_true):
    """Article: mean of exp(-y f).

    Note the (y_pred, y_true) argument order.
    """
    return np.mean(np.exp(- y_pred * y_true))


def Hinge(y_pred, y_true):  # noqa: N802 - the article's name
    """Article: max(0, 1 - y f).

    ``np.max`` of a list [scalar, array] fails on arrays.
    """
    return np.max([0., 1. - y_pred * y_true])


def kl_divergence(y_true, y_pred):
    """Article: p log(p/q), elementwise; no sum, no guard for zeros."""
    return y_true * np.log(y_true / y_pred)


def mean_square_error(y_true, y_pred):
    """Article, MSE block: mean of squared differences over the last axis."""
    return np.mean(np.square(y_true - y_pred), axis=-1)


def mean_square_error_mae_block(y_true, y_pred):
    """Article, MAE block: the same name ``mean_square_error``, but an
    absolute value.

    Run in order, this block *redefines* ``mean_square_error`` as
    the MAE.
    """
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def huber_loss_error(y_true, y_pred, delta=0.1):
    """Article: Huber, with linear branch delta * (|r| - delta**2 / 2).

    The correct branch is delta * (|r| - delta / 2); the two agree only
    at delta = 1. Returns a Python list of per-element values.
    """
    res = []
    for i in zip(y_true, y_pred):
        if abs(i[0] - i[1]) <= delta:
            res.append(0.5 * ((i[0] - i[1]) ** 2))
        else:
            res.append(delta * ((abs(i[0] - i[1]))
                                - 0.5 * (delta ** 2)))
    return res


def log_cosh(y_true, y_pred):
    """The textbook formula log(cosh(r)).

    cosh overflows for |r| > ~710.
    """
    return np.mean(np.log(np.cosh(y_pred - y_true)), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """MSLE as usually typed: log(1 + y) with no domain check and no log1p."""
    return np.mean(np.square(np.log(y_pred + 1) - np.log(y_true + 1)), axis=-1)


def binary_crossentropy(y_true, y_pred):
    """BCE as usually typed: no clipping, so p = 0 or 1 gives inf or nan."""
    return -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred), axis=-1)


def categorical_crossentropy(y_true, y_pred):
    """CCE as usually typed: no clipping, so a zero probability gives inf or nan."""
    return -np.sum(y_true * np.log(y_pred), axis=-1)


def logistic_loss(y_true, y_pred):
    """log(1 + exp(-y f)) as usually typed: exp overflows for margins below ~-710."""
    return np.mean(np.log(1 + np.exp(-y_true * y_pred)), axis=-1)


def softmax(z):
    """Softmax as usually typed: exp overflows for logits above ~710."""
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
