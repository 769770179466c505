"""Agreement with keras.losses (float32), and keras/JAX tensors in and out."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import lossfuncs as lf

def _keras(name, t, p, **kw):
    return np.asarray(getattr(keras.losses, name)(t, p, **kw))


SHAPE = (6, 3)  # one shape throughout: JAX compiles each eager op once per shape


def _f32(a):
    return a if a.dtype.kind == "i" else a.astype(np.float32)


def test_agrees_with_keras_float32(case, rng):
    arrays = [_f32(a) for a in case.sample(rng, SHAPE)]
    ours = case(*arrays)
    assert ours.dtype == np.float32 and ours.shape == SHAPE[:1]
    if case.spec.keras is None:
        pytest.skip("no keras.losses counterpart (logistic_loss: see the test below)")
    ref = _keras(case.spec.keras, *arrays, **case.kwargs)
    np.testing.assert_allclose(ours, ref, rtol=2e-5, atol=1e-6)


def test_logistic_loss_is_keras_bce_from_logits_on_01_labels(rng):
    y = np.where(rng.random(SHAPE) < 0.5, -1.0, 1.0).astype(np.float32)
    f = rng.normal(0, 3, SHAPE).astype(np.float32)
    np.testing.assert_allclose(
        lf.logistic_loss(y, f), _keras("binary_crossentropy", (y + 1) / 2, f, from_logits=True),
        rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("ls", [0.0, 0.3])
def test_clip_semantics_agree_with_keras_at_0_and_1(ls):
    """Probabilities exactly 0 and 1 are clipped to [1e-7, 1 - 1e-7] as keras does."""
    t = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 0, 0], [0, 0, 0], [1, 1, 1]],
                 np.float32)
    p = np.array([[0, 1, 1], [1e-9, 1 - 1e-9, 0.5], [1e-7, 1, 0], [0, 0, 0], [1, 1, 1],
                  [1e-8, 0.5, 1]], np.float32)
    np.testing.assert_allclose(lf.binary_crossentropy(t, p, label_smoothing=ls),
                               _keras("binary_crossentropy", t, p, label_smoothing=ls),
                               rtol=1e-5)
    tc = np.eye(3, dtype=np.float32)[[0, 2, 1, 0, 1, 2]]
    pc = np.eye(3, dtype=np.float32)[[1, 2, 1, 2, 0, 2]]
    np.testing.assert_allclose(lf.categorical_crossentropy(tc, pc, label_smoothing=ls),
                               _keras("categorical_crossentropy", tc, pc, label_smoothing=ls),
                               rtol=1e-5)
    np.testing.assert_allclose(lf.kl_divergence(tc, pc), _keras("kl_divergence", tc, pc),
                               rtol=1e-5)
    labels = np.array([1, 2, 0, 0, 1, 2])
    np.testing.assert_allclose(lf.sparse_categorical_crossentropy(labels, pc),
                               _keras("sparse_categorical_crossentropy", labels, pc),
                               rtol=1e-5)


def test_msle_agrees_with_keras_on_values_from_1e_6(rng):
    """Deliberate difference: keras clips negative values to 1e-7, lossfuncs does not
    (it accepts -1 < y and raises below). From 1e-6 up both compute the same."""
    t = 10.0 ** rng.uniform(-6, 4, SHAPE)
    p = 10.0 ** rng.uniform(-6, 4, SHAPE)
    np.testing.assert_allclose(lf.msle(t, p), _keras("mean_squared_logarithmic_error", t, p),
                               rtol=2e-6)  # keras computes in float32
    neg = np.array([[-0.5]])
    assert lf.msle(np.zeros((1, 1)), neg)[0] == pytest.approx(np.log(0.5) ** 2, rel=1e-15)


def test_from_logits_extremes_agree_with_keras():
    z = np.array([[1000.0, 0.0, -1000.0], [30.0, 0.0, 0.0]], np.float32)
    t = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
    np.testing.assert_allclose(lf.categorical_crossentropy(t, z, from_logits=True),
                               _keras("categorical_crossentropy", t, z, from_logits=True),
                               rtol=1e-5, atol=1e-12)
    f = np.array([[1e4, -1e4, 0.0]], np.float32)
    tb = np.array([[0.0, 0.0, 1.0]], np.float32)
    np.testing.assert_allclose(lf.binary_crossentropy(tb, f, from_logits=True),
                               _keras("binary_crossentropy", tb, f, from_logits=True),
                               rtol=1e-5)


def test_keras_tensors_in_tensors_out(case, rng):
    arrays = [keras.ops.convert_to_tensor(_f32(a)) for a in case.sample(rng, SHAPE)]
    out = case(*arrays)
    assert isinstance(out, jax.Array) and out.dtype == jnp.float32 and out.shape == SHAPE[:1]
    np.testing.assert_allclose(np.asarray(out), case(*[np.asarray(a) for a in arrays]),
                               rtol=1e-6, atol=1e-7)
    g = case.grad(*arrays)
    assert isinstance(g, jax.Array) and g.shape == SHAPE


def test_concrete_jax_inputs_are_validated():
    with pytest.raises(ValueError, match="y_pred contains 1 NaN"):
        lf.mse(jnp.zeros((2, 2)), jnp.array([[0.0, jnp.nan], [0.0, 0.0]]))


def test_traced_inputs_skip_value_checks_but_check_shapes():
    f = jax.jit(lambda t, p: lf.binary_crossentropy(t, p))
    # 2.0 is not a probability: no error inside a trace (keras semantics: clipped)
    assert np.isfinite(np.asarray(f(jnp.ones((2, 3)), jnp.full((2, 3), 2.0)))).all()
    with pytest.raises(ValueError, match="y_true has shape"):
        f(jnp.ones((2, 3)), jnp.ones((2, 1)))
