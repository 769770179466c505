r"""Probabilistic kernels: cross-entropies, KL divergence and entropy.

All are in nats. Probabilities are clipped to [1e-7, 1 - 1e-7] as in
Keras, so a confident wrong prediction costs about -log(1e-7) = 16.1
nats instead of infinity; the from-logits kernels are exact and need no
clipping. The binary kernels return the loss of every element (the
wrapper averages them); the others return one value per row (the class
axis is summed).
"""

from lossfuncs.kernels.stable import (
    EPSILON, exact_sum, kl_excess, log_softmax, neg_log_share,
    other_mass, sigmoid)


def binary_crossentropy(xp, y_true, y_pred, label_smoothing):
    """-(y log p + (1 - y) log(1 - p)), p clipped to [1e-7, 1 - 1e-7].

    Label smoothing s moves y to y (1 - s) + s / 2. Reference:
    C. M. Bishop, Pattern Recognition and Machine Learning (2006),
    sec. 4.3.2.
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    p = xp.clip(y_pred, EPSILON, 1 - EPSILON)
    return -(y * xp.log(p) + (1 - y) * xp.log1p(-p))


def binary_crossentropy_grad(xp, y_true, y_pred, label_smoothing):
    """(p - y) / (p (1 - p)) inside the clip bounds, 0 outside (the clip
    is flat)."""
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    p = xp.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)
    return xp.where(inside, (p - y) / (p * (1 - p)), 0)


def binary_crossentropy_from_logits(xp, y_true, y_pred,
                                    label_smoothing):
    """y softplus(-z) + (1 - y) softplus(z) for logits z: -log sigmoid.

    softplus(+-z) = max(+-z, 0) + log1p(exp(-abs(z))): exact, with one
    exp and one log1p, no overflow.
    Reference: Bishop (2006), sec. 4.3.2.
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    z = y_pred
    return (y * xp.maximum(-z, 0) + (1 - y) * xp.maximum(z, 0)
            + xp.log1p(xp.exp(-xp.abs(z))))


def binary_crossentropy_from_logits_grad(xp, y_true, y_pred,
                                         label_smoothing):
    """sigmoid(z) - y."""
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    return sigmoid(xp, y_pred) - y


def categorical_crossentropy(xp, y_true, y_pred, label_smoothing):
    """-sum_c y_c log q_c for q = p / sum(p).

    q is clipped to [1e-7, 1 - 1e-7] as in Keras; -log q is
    log1p(rest / p) (stable.neg_log_share): the top class keeps every
    digit. Reference: Goodfellow, Bengio, Courville, Deep Learning
    (2016), sec. 6.2.2.3.
    """
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    return xp.sum(y * neg_log_share(xp, y_pred), axis=-1)


def categorical_crossentropy_grad(xp, y_true, y_pred, label_smoothing):
    """Derivative through q = p / sum(p): (g - sum(g q)) / sum(p),
    g = -y / q (0 where q is clipped)."""
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    total = xp.sum(y_pred, axis=-1, keepdims=True)
    q = y_pred / total
    g = xp.where((q > EPSILON) & (q < 1 - EPSILON),
                 -y / xp.clip(q, EPSILON, 1), 0)
    return (g - xp.sum(g * q, axis=-1, keepdims=True)) / total


def categorical_crossentropy_from_logits(xp, y_true, y_pred,
                                         label_smoothing):
    """-sum_c y_c log softmax(z)_c, with an exact log-sum-exp
    (stable.log_softmax).

    Reference: Goodfellow, Bengio, Courville, Deep Learning (2016),
    sec. 6.2.2.3.
    """
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    return -xp.sum(y * log_softmax(xp, y_pred), axis=-1)


def categorical_crossentropy_from_logits_grad(xp, y_true, y_pred,
                                              label_smoothing):
    """softmax(z) sum(y) - y."""
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    return (xp.exp(log_softmax(xp, y_pred))
            * xp.sum(y, axis=-1, keepdims=True) - y)


def _power(xp, base, exponent):
    """base ** exponent, and 0 where base is 0 (the focal gradients'
    limit there)."""
    return xp.where(base > 0,
                    xp.where(base > 0, base, 1) ** exponent, 0)


def binary_focal_crossentropy(xp, y_true, y_pred, apply_class_balancing,
                              alpha, gamma, label_smoothing):
    """w (1 - p_t)^gamma BCE(y, p), p_t = y p + (1 - y)(1 - p):
    cross-entropy scaled down where the prediction is already good.

    w = y alpha + (1 - y)(1 - alpha) with class balancing, else 1.
    Reference: T.-Y. Lin et al., Focal Loss for Dense Object Detection,
    ICCV 2017.
    """
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    w = xp.where(apply_class_balancing,
                 y * alpha + (1 - y) * (1 - alpha), 1)
    miss = y * (1 - y_pred) + (1 - y) * y_pred  # 1 - p_t
    return w * miss**gamma * binary_crossentropy(xp, y, y_pred, 0.0)


def binary_focal_crossentropy_grad(
        xp, y_true, y_pred, apply_class_balancing, alpha, gamma,
        label_smoothing):
    """w [gamma (1 - p_t)^(gamma - 1) (1 - 2 y) BCE
    + (1 - p_t)^gamma dBCE/dp]."""
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    w = xp.where(apply_class_balancing,
                 y * alpha + (1 - y) * (1 - alpha), 1)
    miss = y * (1 - y_pred) + (1 - y) * y_pred
    bce = binary_crossentropy(xp, y, y_pred, 0.0)
    return w * (gamma * _power(xp, miss, gamma - 1) * (1 - 2 * y) * bce
                + miss**gamma * binary_crossentropy_grad(
                    xp, y, y_pred, 0.0))


def binary_focal_crossentropy_from_logits(
        xp, y_true, y_pred, apply_class_balancing, alpha, gamma,
        label_smoothing):
    """The focal loss of p = sigmoid(z), exactly: 1 - p_t =
    y sigmoid(-z) + (1 - y) sigmoid(z) and BCE from logits (no
    clipping)."""
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    w = xp.where(apply_class_balancing,
                 y * alpha + (1 - y) * (1 - alpha), 1)
    miss = y * sigmoid(xp, -y_pred) + (1 - y) * sigmoid(xp, y_pred)
    return w * miss**gamma * binary_crossentropy_from_logits(
        xp, y, y_pred, 0.0)


def binary_focal_crossentropy_from_logits_grad(
        xp, y_true, y_pred, apply_class_balancing, alpha, gamma,
        label_smoothing):
    """w [gamma (1 - p_t)^(gamma - 1) (1 - 2 y) p (1 - p) BCE
    + (1 - p_t)^gamma (p - y)]."""
    y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    w = xp.where(apply_class_balancing,
                 y * alpha + (1 - y) * (1 - alpha), 1)
    p = sigmoid(xp, y_pred)
    miss = y * sigmoid(xp, -y_pred) + (1 - y) * p
    bce = binary_crossentropy_from_logits(xp, y, y_pred, 0.0)
    return w * (gamma * _power(xp, miss, gamma - 1) * (1 - 2 * y)
                * p * (1 - p) * bce + miss**gamma * (p - y))


def categorical_focal_crossentropy(xp, y_true, y_pred, alpha, gamma,
                                   label_smoothing):
    """alpha sum_c (1 - q_c)^gamma (-y_c log q_c), q = p / sum(p).

    q is clipped as in Keras, and 1 - q_c with it; 1 - q_c is the other
    classes' share (stable.other_mass), exact for a confident q.
    Reference: T.-Y. Lin et al., ICCV 2017.
    """
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    rest, total = other_mass(xp, y_pred)
    eps = xp.asarray(EPSILON, dtype=y_pred.dtype)
    miss = xp.clip(rest / total, 1 - (1 - eps), 1 - eps)  # 1 - q
    return alpha * xp.sum(miss**gamma * y * neg_log_share(xp, y_pred),
                          axis=-1)


def categorical_focal_crossentropy_grad(xp, y_true, y_pred, alpha,
                                        gamma, label_smoothing):
    """Through q = p / sum(p): (g - sum(g q)) / sum(p), g the derivative
    in q (0 where q is clipped)."""
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    rest, total = other_mass(xp, y_pred)
    q, miss = y_pred / total, rest / total
    inside = (q > EPSILON) & (q < 1 - EPSILON)
    qc = xp.clip(q, EPSILON, 1)
    g = (-gamma * _power(xp, miss, gamma - 1) * -xp.log(qc)
         - miss**gamma / qc)
    g = xp.where(inside, alpha * y * g, 0)
    return (g - xp.sum(g * q, axis=-1, keepdims=True)) / total


def categorical_focal_crossentropy_from_logits(
        xp, y_true, y_pred, alpha, gamma, label_smoothing):
    """alpha sum_c (1 - q_c)^gamma (-y_c log q_c) for q = softmax(z),
    exactly (no clipping): 1 - q_c = -expm1(log q_c)."""
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    log_q = log_softmax(xp, y_pred)
    return -alpha * xp.sum(y * (-xp.expm1(log_q)) ** gamma * log_q,
                           axis=-1)


def categorical_focal_crossentropy_from_logits_grad(
        xp, y_true, y_pred, alpha, gamma, label_smoothing):
    """u - q sum(u) with u_c = alpha y_c [gamma (1 - q_c)^(gamma - 1)
    q_c log q_c - (1 - q_c)^gamma]."""
    y = (y_true * (1 - label_smoothing)
         + label_smoothing / y_pred.shape[-1])
    log_q = log_softmax(xp, y_pred)
    q, miss = xp.exp(log_q), -xp.expm1(log_q)
    u = alpha * y * (gamma * _power(xp, miss, gamma - 1) * q * log_q
                     - miss**gamma)
    return u - q * xp.sum(u, axis=-1, keepdims=True)


def _one_hot(xp, labels, n_classes, dtype):
    return xp.astype(labels[..., None] == xp.arange(n_classes), dtype)


def sparse_categorical_crossentropy(xp, y_true, y_pred):
    """-log q_k for the integer label k and q = p / sum(p).

    q is clipped as in Keras; -log q_k = log1p(rest / p_k), rest = the
    other classes' mass, summed directly.
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
    """-log softmax(z)_k for the integer label k
    (stable.log_softmax)."""
    label = y_true[..., None] == xp.arange(y_pred.shape[-1])
    return -xp.sum(xp.where(label, log_softmax(xp, y_pred), 0), axis=-1)


def sparse_categorical_crossentropy_from_logits_grad(
        xp, y_true, y_pred):
    """softmax(z) - one_hot(k)."""
    one_hot = _one_hot(xp, y_true, y_pred.shape[-1], y_pred.dtype)
    return xp.exp(log_softmax(xp, y_pred)) - one_hot


def kl_divergence(xp, y_true, y_pred):
    """sum_c p_c log(p_c / q_c), p = y_true and q = y_pred clipped to
    [1e-7, 1] (Keras).

    Each term is q g(u) + (p - q) with u = (p - q) / q and
    g(u) = (1 + u) log1p(u) - u >= 0: the g terms add without
    cancellation and the differences are summed exactly.
    Reference: Kullback and Leibler, Ann. Math. Statist. 22 (1951).
    """
    p = xp.clip(y_true, EPSILON, 1)
    q = xp.clip(y_pred, EPSILON, 1)
    return (xp.sum(q * kl_excess(xp, (p - q) / q), axis=-1)
            + exact_sum(xp, p - q))


def kl_divergence_grad(xp, y_true, y_pred):
    """-p / q (0 where q is clipped)."""
    p = xp.clip(y_true, EPSILON, 1)
    return xp.where(y_pred > EPSILON,
                    -p / xp.clip(y_pred, EPSILON, 1), 0)


def entropy(xp, p, base):
    """-sum_c p_c log_b p_c, with 0 log 0 = 0; base e gives nats.

    Reference: Shannon (1948).
    """
    positive = p > 0
    terms = xp.where(positive, p * xp.log(xp.where(positive, p, 1)), 0)
    return ((0 - xp.sum(terms, axis=-1))
            / xp.log(xp.asarray(base, dtype=p.dtype)))


def entropy_grad(xp, p, base):
    """-(log_b p_c + 1 / ln b); infinite at p_c = 0."""
    return -(xp.log(p) + 1) / xp.log(xp.asarray(base, dtype=p.dtype))
