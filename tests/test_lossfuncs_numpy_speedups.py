"""The NumPy module the kernels get (``wrapper.KERNEL_NUMPY``) gives NumPy's
results: ``where``, ``max`` and ``argmax`` bit for bit, ``sum`` to the order
of the additions, on the large inputs where the faster forms are used."""

from __future__ import annotations

import numpy as np
import pytest

import lossfuncs as lf
from lossfuncs import wrapper
from lossfuncs.registry import LOSSES

K = wrapper.KERNEL_NUMPY
DTYPES = [np.float32, np.float64]


def _same_bits(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
def test_where_is_numpy_where(dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(20_000).astype(dtype)
    b = rng.standard_normal(20_000).astype(dtype)
    a[:6] = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-45]
    cond = rng.random(20_000) < 0.5
    for x, y in [(a, b), (a, 0), (0.5, b), (a, np.nan), (a.astype(np.float64), b),
                 (1, 0), (a[:1], b)]:
        _same_bits(K.where(cond, x, y), np.where(cond, x, y))
    _same_bits(K.where(cond[:10], a[:10], b[:10]), np.where(cond[:10], a[:10], b[:10]))
    rows = cond.reshape(-1, 10)
    _same_bits(K.where(rows, a.reshape(-1, 10), 0), np.where(rows, a.reshape(-1, 10), 0))
    _same_bits(K.where(rows[:, :1], a.reshape(-1, 10), 0),
               np.where(rows[:, :1], a.reshape(-1, 10), 0))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(20_000, 10), (200, 30, 3), (9000, 1), (3000, 64), (3, 5)])
def test_max_and_argmax_are_numpy_s(dtype, shape):
    x = np.random.default_rng(1).integers(0, 4, shape).astype(dtype)  # many ties
    for keepdims in (False, True):
        _same_bits(K.max(x, axis=-1, keepdims=keepdims), np.max(x, axis=-1, keepdims=keepdims))
        _same_bits(K.argmax(x, axis=-1, keepdims=keepdims),
                   np.argmax(x, axis=-1, keepdims=keepdims))
    x[(0,) * (x.ndim - 1) + (-1,)] = np.nan
    x[(1,) * (x.ndim - 1) + (0,)] = -np.inf
    _same_bits(K.max(x, axis=-1), np.max(x, axis=-1))
    _same_bits(K.argmax(x, axis=-1), np.argmax(x, axis=-1))
    _same_bits(K.max(x), np.max(x))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_over_short_rows(dtype):
    x = np.random.default_rng(2).standard_normal((5000, 10)).astype(dtype)
    got = K.sum(x, axis=-1, keepdims=True)
    assert got.dtype == dtype and got.shape == (5000, 1)
    np.testing.assert_allclose(got, np.sum(x, axis=-1, keepdims=True, dtype=np.float64),
                               rtol=0, atol=20 * np.finfo(dtype).eps * np.abs(x).sum(-1).max())
    # each row is summed the same way wherever it lies in the batch
    _same_bits(K.sum(x[:3], axis=-1), K.sum(x, axis=-1)[:3])
    _same_bits(K.sum(x, axis=0), np.sum(x, axis=0))


@pytest.mark.parametrize("spec", [s for s in LOSSES if not s.elementwise],
                         ids=lambda s: s.name)
def test_losses_over_classes_per_row_independent_of_batch(spec):
    """A row's loss and gradient do not depend on the rows around it."""
    rng = np.random.default_rng(3)
    e = np.exp(rng.standard_normal((6000, 10)))
    p = e / e.sum(-1, keepdims=True)
    fn = getattr(lf, spec.name)
    if spec.y_true is None:
        args = (p,)
    elif spec.sparse:
        args = (rng.integers(0, 10, 6000), p)
    else:
        e = np.exp(rng.standard_normal((6000, 10)))
        args = (e / e.sum(-1, keepdims=True), p)
    whole, grad = fn(*args), fn.grad(*args)
    part = [a[-3:] for a in args]
    _same_bits(fn(*part), whole[-3:])
    _same_bits(fn.grad(*part), grad[-3:])
