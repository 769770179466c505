"""The formulas as a reader would type them, for comparison with lossfuncs.

One function per kernel, with the kernel's name, taking NumPy ``(y_true, y_pred)`` and
returning the per-sample loss (reduced over the last axis). Where the source article's
code runs on arrays with per-sample semantics it is used as published
(:mod:`coursekit.article`, bugs kept); otherwise the one-line NumPy formula.
"""

from __future__ import annotations

import numpy as np

from coursekit import article


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def squared_error(t, p):
    """article.mean_square_error"""
    return article.mean_square_error(t, p)


def absolute_error(t, p):
    """article.mean_square_error_mae_block (the article's MAE block)"""
    return article.mean_square_error_mae_block(t, p)


def squared_log_error(t, p):
    """article.mean_squared_logarithmic_error: log(y + 1), no log1p"""
    return article.mean_squared_logarithmic_error(t, p)


def huber(t, p, delta=1.0):
    """np.where one-liner (the article's version is a Python loop with the wrong linear
    branch)"""
    r = np.abs(p - t)
    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)), axis=-1)


def log_cosh(t, p):
    """article.log_cosh: log(cosh(r))"""
    return article.log_cosh(t, p)


def binary_crossentropy(t, p, label_smoothing=0.0):
    """article.binary_crossentropy (no clipping)"""
    return article.binary_crossentropy(t, p)


def binary_crossentropy_from_logits(t, z, label_smoothing=0.0):
    """sigmoid, then article.binary_crossentropy"""
    return article.binary_crossentropy(t, _sigmoid(z))


def categorical_crossentropy(t, p, label_smoothing=0.0):
    """article.categorical_crossentropy (no clipping)"""
    return article.categorical_crossentropy(t, p)


def categorical_crossentropy_from_logits(t, z, label_smoothing=0.0):
    """article.softmax, then article.categorical_crossentropy"""
    return article.categorical_crossentropy(t, article.softmax(z))


def sparse_categorical_crossentropy(k, p):
    """-log(p[k]) one-liner"""
    return -np.log(np.take_along_axis(p, k[..., None].astype(np.intp), axis=-1)[..., 0])


def sparse_categorical_crossentropy_from_logits(k, z):
    """article.softmax, then -log(q[k])"""
    return sparse_categorical_crossentropy(k, article.softmax(z))


def kl_divergence(t, p):
    """sum over classes of article.kl_divergence: p log(p / q), no clipping"""
    return np.sum(article.kl_divergence(t, p), axis=-1)


def entropy(p, base=np.e):
    """-sum(p log p) (nan for p = 0)"""
    return -np.sum(p * np.log(p), axis=-1) / np.log(base)


def hinge(y, f):
    """np.maximum one-liner (the article's np.max fails on arrays)"""
    return np.mean(np.maximum(0, 1 - y * f), axis=-1)


def exponential(y, f):
    """the article's exp(-y f), averaged per sample"""
    return np.mean(np.exp(-y * f), axis=-1)


def logistic(y, f):
    """article.logistic_loss: log(1 + exp(-y f))"""
    return article.logistic_loss(y, f)



def binary_focal_crossentropy(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              label_smoothing=0.0):
    """(1 - p_t)^gamma times the unclipped cross-entropy"""
    p_t = t * p + (1 - t) * (1 - p)
    return np.mean((1 - p_t) ** gamma * -(t * np.log(p) + (1 - t) * np.log(1 - p)), axis=-1)


def binary_focal_crossentropy_from_logits(t, z, **kw):
    """sigmoid, then the plain focal formula"""
    return binary_focal_crossentropy(t, _sigmoid(z), **kw)


def categorical_focal_crossentropy(t, p, alpha=0.25, gamma=2.0, label_smoothing=0.0):
    """alpha sum((1 - p)^gamma (-t log p)), no clipping"""
    return alpha * np.sum((1 - p) ** gamma * -t * np.log(p), axis=-1)


def categorical_focal_crossentropy_from_logits(t, z, **kw):
    """article.softmax, then the plain focal formula"""
    return categorical_focal_crossentropy(t, article.softmax(z), **kw)


def poisson(t, p):
    """p - t log(p + 1e-7), averaged"""
    return np.mean(p - t * np.log(p + 1e-7), axis=-1)


def poisson_log_rate(t, z):
    """exp(z) - t z, averaged"""
    return np.mean(np.exp(z) - t * z, axis=-1)


def pinball(t, p, quantile=0.5):
    """np.maximum one-liner"""
    r = t - p
    return np.mean(np.maximum(quantile * r, (quantile - 1) * r), axis=-1)


def of(kernel):
    """The naive formula of a kernel (by its name), or None."""
    return globals().get(kernel.__name__)
