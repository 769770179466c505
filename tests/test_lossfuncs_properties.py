"""Mathematical properties, checked with hypothesis on modest random inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossfuncs as lf
from lossfuncs import _validation as v
from lossfuncs.registry import LOSSES

MARGIN = [getattr(lf, s.name) for s in LOSSES if isinstance(s.y_true, v.MarginLabels)]
#: The losses of a residual y_pred - y_true that are symmetric in it.
REGRESSION = [getattr(lf, s.name) for s in LOSSES
              if s.family == "regression" and s.y_true is v.REAL and s.y_pred is v.REAL]

settings.register_profile("lossfuncs", max_examples=25, deadline=None, derandomize=True)
settings.load_profile("lossfuncs")

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
reals = st.floats(-1e3, 1e3, allow_nan=False, width=64)


@st.composite
def pairs(draw, elements=reals):
    shape = draw(shapes)
    return (draw(hnp.arrays(np.float64, shape, elements=elements)),
            draw(hnp.arrays(np.float64, shape, elements=elements)))


@st.composite
def distributions(draw, shape=None, min_p=0.0):
    shape = shape or draw(shapes)
    w = draw(hnp.arrays(np.float64, shape, elements=st.floats(min_p, 1.0)))
    w[..., 0] += 1e-3  # no all-zero row
    return w / w.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("fn", REGRESSION + [lf.msle], ids=lambda f: f.__name__)
@given(data=pairs(st.floats(0, 1e3)))
def test_regression_nonnegative_zero_at_perfect_prediction_and_shape(fn, data):
    t, p = data
    loss = fn(t, p)
    assert loss.shape == t.shape[:-1] and np.all(loss >= 0)
    np.testing.assert_array_equal(fn(t, t), 0.0)


@pytest.mark.parametrize("fn", REGRESSION, ids=lambda f: f.__name__)
@given(data=pairs())
def test_symmetric_in_the_residual(fn, data):
    t, p = data
    r = p - t
    np.testing.assert_array_equal(fn(np.zeros_like(r), r), fn(np.zeros_like(r), -r))
    np.testing.assert_array_equal(fn(t, p), fn(p, t))


@given(data=pairs(st.floats(-10, 10)), delta=st.floats(1e3, 1e6))
def test_huber_tends_to_half_mse_for_large_delta(data, delta):
    t, p = data
    np.testing.assert_allclose(lf.huber(t, p, delta=delta), lf.mse(t, p) / 2, rtol=1e-13,
                               atol=1e-300)


@given(data=pairs(st.floats(-50, 50)), delta=st.floats(0.01, 10))
def test_huber_between_mae_and_mse_bounds(data, delta):
    t, p = data
    h = lf.huber(t, p, delta=delta)
    assert np.all(h <= lf.mse(t, p) / 2 * (1 + 1e-12) + 1e-300)
    assert np.all(h <= delta * lf.mae(t, p) * (1 + 1e-12) + 1e-300)


class_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4)


@given(p=class_shapes.flatmap(lambda s: distributions(shape=s, min_p=0.01)), q=st.data())
def test_kl_nonnegative_zero_only_at_equality_and_ce_is_entropy_plus_kl(p, q):
    q = q.draw(distributions(shape=p.shape, min_p=0.01))
    kl = lf.kl_divergence(p, q)
    assert kl.shape == p.shape[:-1]
    assert np.all(kl >= -1e-15)
    np.testing.assert_array_equal(lf.kl_divergence(p, p), 0.0)
    differ = np.abs(p - q).max(axis=-1) > 1e-3
    assert np.all(kl[differ] > 0)
    # H(p, q) = H(p) + KL(p || q) (no clipping at play: entries in [0.0025, 0.9975])
    np.testing.assert_allclose(lf.categorical_crossentropy(p, q),
                               lf.entropy(p) + kl, rtol=1e-12, atol=1e-14)


@given(p=distributions())
def test_cross_entropy_at_least_entropy(p):
    assert np.all(lf.categorical_crossentropy(p, p) >= lf.entropy(p) - 1e-12)


@given(z=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)),
                    elements=st.floats(-1e3, 1e3)), data=st.data())
def test_softmax_shift_invariance_and_sparse_equals_one_hot(z, data):
    labels = data.draw(hnp.arrays(np.int64, z.shape[:1], elements=st.integers(0, z.shape[1] - 1)))
    one_hot = np.eye(z.shape[1])[labels]
    scce = lf.sparse_categorical_crossentropy(labels, z, from_logits=True)
    assert np.all(scce >= 0)
    np.testing.assert_allclose(scce, lf.categorical_crossentropy(one_hot, z, from_logits=True),
                               rtol=1e-15)
    np.testing.assert_allclose(
        lf.sparse_categorical_crossentropy(labels, z + 7.0, from_logits=True), scce,
        rtol=1e-9, atol=1e-9)


@given(data=pairs(st.floats(-30, 30)))
def test_margin_losses(data):
    t, f = data
    y = np.where(t >= 0, 1.0, -1.0)
    for fn in MARGIN:
        loss = fn(y, f)
        assert loss.shape == f.shape[:-1] and np.all(loss >= 0)
        # 0/1 labels mean the same as -1/+1 (when both classes are present)
        if np.any(y > 0) and np.any(y < 0):
            np.testing.assert_array_equal(fn((y + 1) / 2, f), loss)
    np.testing.assert_allclose(lf.logistic_loss(y, f),
                               lf.binary_crossentropy((y + 1) / 2, f, from_logits=True),
                               rtol=1e-14)
    # hinge is zero once every margin is at least 1; all three (logistic in base 2) bound
    # the 0-1 loss from above
    np.testing.assert_array_equal(lf.hinge(y, 2 * y), 0.0)
    zero_one = np.mean(y * f <= 0, axis=-1)
    assert np.all(lf.hinge(y, f) >= zero_one - 1e-12)
    assert np.all(lf.exponential_loss(y, f) >= zero_one - 1e-12)
    assert np.all(lf.logistic_loss(y, f) / np.log(2) >= zero_one - 1e-12)


@given(t=hnp.arrays(np.float64, shapes, elements=st.sampled_from([0.0, 1.0])),
       data=st.data(), ls=st.floats(0, 1))
def test_bce_nonnegative_and_label_smoothing_meaning(t, data, ls):
    f = data.draw(hnp.arrays(np.float64, t.shape, elements=st.floats(-40, 40)))
    smooth = t * (1 - ls) + ls / 2
    np.testing.assert_allclose(lf.binary_crossentropy(t, f, from_logits=True, label_smoothing=ls),
                               lf.binary_crossentropy(smooth, f, from_logits=True),
                               rtol=1e-14, atol=1e-300)
    assert np.all(lf.binary_crossentropy(t, f, from_logits=True) >= 0)


@given(seed=st.integers(0, 2**32 - 1), shape=shapes)
def test_dtype_preserved_inputs_untouched_output_shape(case, seed, shape):
    arrays = case.sample(np.random.default_rng(seed), shape)
    for dtype in (np.float32, np.float64):
        cast = [a if a.dtype.kind == "i" else a.astype(dtype) for a in arrays]
        before = [a.copy() for a in cast]
        loss, grad = case(*cast), case.grad(*cast)
        assert np.asarray(loss).dtype == dtype and np.shape(loss) == shape[:-1]
        assert grad.dtype == dtype and grad.shape == shape
        for a, b in zip(cast, before):
            np.testing.assert_array_equal(a, b)
    # integer inputs compute in float64
    if case.spec.family != "regression" and not isinstance(case.spec.y_true, v.MarginLabels):
        return
    ints = [np.rint(a).astype(np.int64) for a in arrays]
    if isinstance(case.spec.y_true, v.MarginLabels):
        ints[0] = np.where(arrays[0] > 0, 1, 0 if case.labels01 else -1)
    if case.spec.y_pred is not v.REAL:
        ints = [np.abs(a) for a in ints]
    assert np.asarray(case(*ints)).dtype == np.float64
    np.testing.assert_allclose(case(*ints), case(*[a.astype(float) for a in ints]))


def test_list_input_gives_numpy_and_scalars_for_1d():
    out = lf.mse([1.0, 2.0], [1.0, 4.0])
    assert isinstance(out, np.float64) and out == 2.0
    assert isinstance(lf.mse([[1.0]], [[2.0]]), np.ndarray)
