"""Array plumbing shared by every loss: namespace dispatch, dtypes and stable primitives.

One implementation serves NumPy arrays and Keras/JAX tensors: each loss asks
:func:`namespace` for the array module of its inputs (``numpy`` for NumPy arrays,
``jax.numpy`` for JAX arrays and tracers) and writes its formula with the
array-API functions that both provide.
"""

from __future__ import annotations

import math

import array_api_compat
import numpy as np

#: Probability clipping bound, the same as ``keras.backend.epsilon()``.
EPSILON = 1e-7

LOG2 = math.log(2.0)


def namespace(*arrays):
    """Return the array module (``numpy`` or ``jax.numpy``, ...) for ``arrays``."""
    return array_api_compat.array_namespace(*arrays)


def is_numpy(xp) -> bool:
    """True when ``xp`` is NumPy (plain or the array-api-compat wrapper)."""
    return array_api_compat.is_numpy_namespace(xp)


def float_dtype(xp, y_pred):
    """The dtype a loss computes in: ``y_pred``'s float dtype, float64 for integers."""
    if xp.isdtype(y_pred.dtype, "real floating"):
        return y_pred.dtype
    return xp.float64 if is_numpy(xp) else xp.float32


def finish(xp, value):
    """Give NumPy callers a NumPy scalar or array; leave backend tensors alone."""
    if is_numpy(xp):
        value = np.asarray(value)
        return value[()] if value.ndim == 0 else value
    return value


def inplace(xp, name, x, *args):
    """``xp.<name>(x, *args)``, written over ``x`` when ``xp`` is NumPy.

    Only for a temporary the loss itself created: NumPy then skips allocating (and
    page-faulting) a second array of the input's size; JAX arrays are immutable and
    get a new one, as usual.
    """
    if is_numpy(xp):
        return getattr(np, name)(x, *args, out=x)
    return getattr(xp, name)(x, *args)


def softplus(xp, x):
    r"""Overflow-free :math:`\log(1 + e^{x})`: ``max(x, 0) + log1p(exp(-|x|))``."""
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def sigmoid(xp, x):
    r"""Overflow-free logistic function :math:`1 / (1 + e^{-x})`."""
    e = xp.exp(-xp.abs(x))  # in (0, 1]: never overflows
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def neg_log_softmax(xp, logits, index=None):
    r"""Minus the log of the softmax along the last axis, to full relative precision.

    With :math:`s = z - \max z` the log-sum-exp is :math:`\log \sum_k e^{s_k}
    = \operatorname{log1p}(\sum_k e^{s_k} - 1)`. The maximal entries contribute exactly
    1 each, so the sum minus one is formed without cancellation from the other entries
    (plus 1 per tied maximum beyond the first). The naive ``log(sum(exp(s)))`` rounds
    :math:`1 + \varepsilon` first and loses all digits of a small loss such as the
    cross-entropy of logits ``[30, 0, 0]`` for class 0 (:math:`\approx 1.9\cdot10^{-13}`).

    With integer ``index`` (shape ``logits.shape[:-1]``) only the entry of class
    ``index`` is returned, bit for bit the same value.
    """
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    top = shifted == 0
    # ``shifted`` (= 0) stands in for exp(shifted) - 1 at the maxima: same value, and the
    # same derivative, so autodiff of this expression is the exact softmax gradient.
    rest = xp.sum(xp.where(top, shifted, xp.exp(shifted)), axis=-1, keepdims=True)
    ties = xp.sum(xp.astype(top, shifted.dtype), axis=-1, keepdims=True) - 1
    lse = xp.log1p(rest + ties)
    if index is not None:
        return lse[..., 0] - take_last(xp, shifted, index)
    return lse - shifted  # >= 0, and +0 (not -0) for a sure class


#: Elements per block in :func:`mean_last_of`: a few temporaries of this size stay in
#: the CPU cache, where a pass over them costs a fraction of a pass over main memory.
BLOCK = 1 << 16


def mean_last_of(xp, elementwise, *arrays):
    """Mean over the last axis of ``elementwise(xp, *arrays)``, an elementwise loss.

    JAX (and small inputs) get the plain ``mean(elementwise(...))``. Large NumPy inputs
    are evaluated in cache-sized blocks of :data:`BLOCK` elements, summed block by
    block: the same formula, without allocating and faulting in full-size temporaries.
    """
    size = arrays[0].size
    if not is_numpy(xp) or size <= BLOCK:
        return mean_last(xp, elementwise(xp, *arrays))
    n = arrays[0].shape[-1]
    flat = [np.reshape(a, (-1, n)) for a in arrays]
    rows = flat[0].shape[0]
    sums = np.zeros(rows, dtype=arrays[-1].dtype)
    if n >= BLOCK:  # long rows: blocks of columns, one partial sum per block
        for start in range(0, n, BLOCK):
            part = [a[:, start:start + BLOCK] for a in flat]
            sums += np.sum(elementwise(np, *part), axis=-1)
    else:  # short rows: blocks of whole rows
        step = BLOCK // n
        for start in range(0, rows, step):
            part = [a[start:start + step] for a in flat]
            sums[start:start + step] = np.sum(elementwise(np, *part), axis=-1)
    sums /= n
    return sums.reshape(arrays[0].shape[:-1])


def sum_last_compensated(xp, x):
    """Sum over the last axis with Neumaier's compensated summation (NumPy).

    The error is a few units in the last place of the *result*, however much the terms
    cancel. Loops over the last axis (vectorised over the others), so it is meant for
    short axes such as classes; JAX gets the plain sum.
    """
    if not is_numpy(xp):
        return xp.sum(x, axis=-1)
    columns = np.ascontiguousarray(np.moveaxis(x, -1, 0))  # one contiguous row per term
    total = np.zeros(x.shape[:-1], dtype=x.dtype)
    comp = np.zeros_like(total)
    for term in columns:
        new = total + term
        comp += np.where(np.abs(total) >= np.abs(term), (total - new) + term,
                         (term - new) + total)
        total = new
    return total + comp


def take_last(xp, x, index):
    """``x[..., index]`` for an integer array ``index`` of shape ``x.shape[:-1]``."""
    return xp.take_along_axis(x, index[..., None], axis=-1)[..., 0]


def mean_last(xp, x):
    """Mean over the last axis: the per-sample reduction of the elementwise losses."""
    return xp.mean(x, axis=-1)


def n_last(x) -> int:
    """Length of the last axis (the ``1/n`` of the mean-reduced losses' gradients)."""
    return x.shape[-1]


def with_grad(grad):
    """Attach ``grad`` to a loss as its ``.grad`` attribute (and name it after the loss)."""

    def attach(loss):
        grad.__name__ = f"{loss.__name__}.grad"
        grad.__qualname__ = grad.__name__
        loss.grad = grad
        return loss

    return attach
