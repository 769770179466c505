r"""Probabilistic kernels: cross-entropies, the KL divergence and entropy, in nats.

Probabilities are clipped to [1e-7, 1 - 1e-7] as in Keras, so a confident wrong
prediction costs about -log(1e-7) = 16.1 nats instead of infinity; the from-logits kernels
are exact and need no clipping. The binary kernels return the loss of every element (the
wrapper averages them); the others return one value per row (the class axis is summed).
"""

from lossfuncs.kernels.stable import (
    EPSILON, exact_sum, kl_excess, log_softmax, neg_log_share, power_slope, rest_share,
    sigmoid)


def binary_crossentropy(xp, y_true, y_pred, label_smoothing):
    """-(y log p + (1 - y) log(1 - p)), p clipped to [1e-7, 1 - 1e-7].

    Label smoothing s moves y to y (1 - s) + s / 2. Reference: C. M. Bishop, Pattern
    Recognition and Machine Learning (2006), sec. 4.3.2.
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    p = xp.clip(y_pred, EPSILON, 1 - EPSILON)
    return -(y * xp.log(p) + (1 - y) * xp.log1p(-p))


def binary_crossentropy_grad(xp, y_true, y_pred, label_smoothing):
    """(p - y) / (p (1 - p)) inside the clip bounds, 0 outside (the clip is flat)."""
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    p = xp.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)
    return xp.where(inside, (p - y) / (p * (1 - p)), 0)


def binary_crossentropy_from_logits(xp, y_true, y_pred, label_smoothing):
    """y softplus(-z) + (1 - y) softplus(z) for logits z: -log sigmoid, exactly.

    softplus(+-z) = max(+-z, 0) + log1p(exp(-abs(z))): one exp and one log1p, no overflow.
    Reference: Bishop (2006), sec. 4.3.2.
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    z = y_pred
    return y * xp.maximum(-z, 0) + (1 - y) * xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))


def binary_crossentropy_from_logits_grad(xp, y_true, y_pred, label_smoothing):
    """sigmoid(z) - y."""
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    return sigmoid(xp, y_pred) - y


def categorical_crossentropy(xp, y_true, y_pred, label_smoothing):
    """-sum_c y_c log q_c with q = p / sum(p) clipped to [1e-7, 1 - 1e-7], as Keras.

    -log q is log1p(rest / p) (stable.neg_log_share): the top class keeps every digit.
    Reference: Goodfellow, Bengio, Courville, Deep Learning (2016), sec. 6.2.2.3.
    """
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    return xp.sum(y * neg_log_share(xp, y_pred), axis=-1)


def categorical_crossentropy_grad(xp, y_true, y_pred, label_smoothing):
    """Derivative through q = p / sum(p): (g - sum(g q)) / sum(p), g = -y / q (0 where
    q is clipped)."""
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    total = xp.sum(y_pred, axis=-1, keepdims=True)
    q = y_pred / total
    g = xp.where((q > EPSILON) & (q < 1 - EPSILON), -y / xp.clip(q, EPSILON, 1), 0)
    return (g - xp.sum(g * q, axis=-1, keepdims=True)) / total


def categorical_crossentropy_from_logits(xp, y_true, y_pred, label_smoothing):
    """-sum_c y_c log softmax(z)_c, with an exact log-sum-exp (stable.log_softmax).

    Reference: Goodfellow, Bengio, Courville, Deep Learning (2016), sec. 6.2.2.3.
    """
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    return -xp.sum(y * log_softmax(xp, y_pred), axis=-1)


def categorical_crossentropy_from_logits_grad(xp, y_true, y_pred, label_smoothing):
    """softmax(z) sum(y) - y."""
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    return xp.exp(log_softmax(xp, y_pred)) * xp.sum(y, axis=-1, keepdims=True) - y


def _one_hot(xp, labels, n_classes, dtype):
    return xp.astype(labels[..., None] == xp.arange(n_classes), dtype)


def sparse_categorical_crossentropy(xp, y_true, y_pred):
    """-log q_k for the integer label k, q = p / sum(p) clipped as in Keras.

    -log q_k = log1p(rest / p_k), rest = the other classes' mass, summed directly.
    Reference: keras.losses.sparse_categorical_crossentropy.
    """
    label = y_true[..., None] == xp.arange(y_pred.shape[-1])
    p = xp.sum(xp.where(label, y_pred, 0), axis=-1)
    rest = xp.sum(xp.where(label, 0, y_pred), axis=-1)
    eps = xp.asarray(EPSILON, dtype=y_pred.dtype)
    return xp.clip(xp.log1p(rest / p), -xp.log(1 - eps), -xp.log(eps))


def sparse_categorical_crossentropy_grad(xp, y_true, y_pred):
    """The categorical gradient for the one-hot rows of the labels."""
    one_hot = _one_hot(xp, y_true, y_pred.shape[-1], y_pred.dtype)
    return categorical_crossentropy_grad(xp, one_hot, y_pred, 0.0)


def sparse_categorical_crossentropy_from_logits(xp, y_true, y_pred):
    """-log softmax(z)_k for the integer label k (stable.log_softmax)."""
    label = y_true[..., None] == xp.arange(y_pred.shape[-1])
    return -xp.sum(xp.where(label, log_softmax(xp, y_pred), 0), axis=-1)


def sparse_categorical_crossentropy_from_logits_grad(xp, y_true, y_pred):
    """softmax(z) - one_hot(k)."""
    one_hot = _one_hot(xp, y_true, y_pred.shape[-1], y_pred.dtype)
    return xp.exp(log_softmax(xp, y_pred)) - one_hot


def kl_divergence(xp, y_true, y_pred):
    """sum_c p_c log(p_c / q_c), p = y_true and q = y_pred clipped to [1e-7, 1] (Keras).

    Each term is q g(u) + (p - q) with u = (p - q) / q and g(u) = (1 + u) log1p(u) - u
    >= 0: the g terms add without cancellation and the differences are summed exactly.
    Reference: Kullback and Leibler, Ann. Math. Statist. 22 (1951).
    """
    p = xp.clip(y_true, EPSILON, 1)
    q = xp.clip(y_pred, EPSILON, 1)
    return xp.sum(q * kl_excess(xp, (p - q) / q), axis=-1) + exact_sum(xp, p - q)


def kl_divergence_grad(xp, y_true, y_pred):
    """-p / q (0 where q is clipped)."""
    p = xp.clip(y_true, EPSILON, 1)
    return xp.where(y_pred > EPSILON, -p / xp.clip(y_pred, EPSILON, 1), 0)


def entropy(xp, p, base):
    """-sum_c p_c log_b p_c, with 0 log 0 = 0 (Shannon, 1948); base e gives nats."""
    positive = p > 0
    terms = xp.where(positive, p * xp.log(xp.where(positive, p, 1)), 0)
    return (0 - xp.sum(terms, axis=-1)) / xp.log(xp.asarray(base, dtype=p.dtype))


def entropy_grad(xp, p, base):
    """-(log_b p_c + 1 / ln b); infinite at p_c = 0."""
    return -(xp.log(p) + 1) / xp.log(xp.asarray(base, dtype=p.dtype))


def binary_focal_crossentropy(xp, y_true, y_pred, apply_class_balancing, alpha, gamma,
                              label_smoothing):
    """(1 - p_t)^gamma times the binary cross-entropy, p_t the probability of the label.

    1 - p_t = y (1 - p) + (1 - y) p is formed without a subtraction from 1, so it keeps
    its digits near 0; the cross-entropy clips p as binary_crossentropy does, the focal
    factor uses p as given (both as Keras). With class balancing each element is weighted
    by alpha for y = 1 and 1 - alpha for y = 0. Reference: T.-Y. Lin, P. Goyal, R. Girshick,
    K. He and P. Dollar, Focal loss for dense object detection, ICCV (2017).
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    miss = y * (1 - y_pred) + (1 - y) * y_pred  # 1 - p_t
    weight = xp.where(apply_class_balancing, y * alpha + (1 - y) * (1 - alpha), 1)
    return weight * miss**gamma * binary_crossentropy(xp, y, y_pred, 0.0)


def binary_focal_crossentropy_grad(xp, y_true, y_pred, apply_class_balancing, alpha, gamma,
                                   label_smoothing):
    """Product rule: w (d(miss^gamma)/dp BCE + miss^gamma dBCE/dp), d miss/dp = 1 - 2 y.

    At a perfect prediction (miss = 0) the slope of miss^gamma is stable.power_slope's.
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    miss = y * (1 - y_pred) + (1 - y) * y_pred
    weight = xp.where(apply_class_balancing, y * alpha + (1 - y) * (1 - alpha), 1)
    bce = binary_crossentropy(xp, y, y_pred, 0.0)
    bce_grad = binary_crossentropy_grad(xp, y, y_pred, 0.0)
    slope = power_slope(xp, miss, gamma) * (1 - 2 * y)
    return weight * (slope * bce + miss**gamma * bce_grad)


def binary_focal_crossentropy_from_logits(xp, y_true, y_pred, apply_class_balancing, alpha,
                                          gamma, label_smoothing):
    """The focal loss for logits z, exactly: 1 - p_t = y sigmoid(-z) + (1 - y) sigmoid(z)
    and the cross-entropy from logits, neither clipped.

    (Keras applies a sigmoid, then clips to [1e-7, 1 - 1e-7]: its loss levels off
    beyond |z| = 16.) Reference: Lin et al., ICCV (2017).
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    miss = y * sigmoid(xp, -y_pred) + (1 - y) * sigmoid(xp, y_pred)
    weight = xp.where(apply_class_balancing, y * alpha + (1 - y) * (1 - alpha), 1)
    return weight * miss**gamma * binary_crossentropy_from_logits(xp, y, y_pred, 0.0)


def binary_focal_crossentropy_from_logits_grad(xp, y_true, y_pred, apply_class_balancing,
                                               alpha, gamma, label_smoothing):
    """w miss^gamma (gamma (1 - 2 y) c BCE + sigmoid(z) - y), c = s(z) s(-z) / miss.

    d miss/dz = (1 - 2 y) s(z) s(-z); the ratio c stays bounded (it is s(z) for y = 1),
    so no miss^(gamma - 1) is formed.
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    s, s_neg = sigmoid(xp, y_pred), sigmoid(xp, -y_pred)
    miss = y * s_neg + (1 - y) * s
    weight = xp.where(apply_class_balancing, y * alpha + (1 - y) * (1 - alpha), 1)
    c = xp.where(miss > 0, s * s_neg / xp.where(miss > 0, miss, 1), 0)
    bce = binary_crossentropy_from_logits(xp, y, y_pred, 0.0)
    return weight * miss**gamma * (gamma * (1 - 2 * y) * c * bce + s - y)


def categorical_focal_crossentropy(xp, y_true, y_pred, alpha, gamma, label_smoothing):
    """-sum_c alpha (1 - q_c)^gamma y_c log q_c, q = p / sum(p) clipped to
    [1e-7, 1 - 1e-7] as Keras.

    -log q (stable.neg_log_share) and 1 - q (stable.rest_share) are both formed from the
    other classes' mass: the top class keeps every digit. alpha scales every class.
    Reference: Lin et al., ICCV (2017).
    """
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    focal = alpha * rest_share(xp, y_pred) ** gamma
    return xp.sum(focal * y * neg_log_share(xp, y_pred), axis=-1)


def categorical_focal_crossentropy_grad(xp, y_true, y_pred, alpha, gamma, label_smoothing):
    """Through q = p / sum(p): (g - sum(g q)) / sum(p), with the derivative in q
    g = -alpha y (gamma (1 - q)^(gamma - 1) (-log q) + (1 - q)^gamma / q), 0 where q is
    clipped."""
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    total = xp.sum(y_pred, axis=-1, keepdims=True)
    q = y_pred / total
    miss = rest_share(xp, y_pred)  # 1 - q, at least 1e-7
    g = -alpha * y * (gamma * miss ** (gamma - 1) * neg_log_share(xp, y_pred)
                      + miss**gamma / xp.clip(q, EPSILON, 1))
    g = xp.where((q > EPSILON) & (q < 1 - EPSILON), g, 0)
    return (g - xp.sum(g * q, axis=-1, keepdims=True)) / total


def categorical_focal_crossentropy_from_logits(xp, y_true, y_pred, alpha, gamma,
                                               label_smoothing):
    """-sum_c alpha (1 - q_c)^gamma y_c log q_c for q = softmax(z), exactly: log q from
    stable.log_softmax, 1 - q = -expm1(log q) (no cancellation when q is near 1).

    (Keras takes the softmax, then clips to [1e-7, 1 - 1e-7].) Reference: Lin et al.,
    ICCV (2017).
    """
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    log_q = log_softmax(xp, y_pred)
    miss = -xp.expm1(log_q)  # 1 - q
    return -xp.sum(alpha * miss**gamma * y * log_q, axis=-1)


def categorical_focal_crossentropy_from_logits_grad(xp, y_true, y_pred, alpha, gamma,
                                                    label_smoothing):
    """h - q sum(h), with h_c = alpha y_c (1 - q_c)^gamma (gamma q_c log q_c / (1 - q_c) - 1)
    the derivative in log q_c; log q / (1 - q) tends to -1 as q tends to 1."""
    y = y_true * (1 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    log_q = log_softmax(xp, y_pred)
    q, miss = xp.exp(log_q), -xp.expm1(log_q)
    ratio = xp.where(miss > 0, log_q / xp.where(miss > 0, miss, 1), -1)
    h = alpha * y * miss**gamma * (gamma * q * ratio - 1)
    return h - q * xp.sum(h, axis=-1, keepdims=True)
