"""Every ``.grad`` against central finite differences, against JAX autodiff of its kernel,
and ``jax.grad`` of every loss against ``.grad`` (random points, ties and kinks)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import CASES_BY_NAME

SHAPE = (3, 4)


def _total(case, arrays):
    return float(np.sum(case(*arrays)))


def test_grad_matches_central_differences(case, rng):
    arrays = case.sample(rng, SHAPE)
    p = arrays[-1]
    g = case.grad(*arrays)
    assert g.shape == p.shape and g.dtype == np.float64
    fd = np.empty_like(p)
    for idx in np.ndindex(p.shape):
        h = 1e-6 * max(1.0, abs(p[idx]))
        up, down = p.copy(), p.copy()
        up[idx] += h
        down[idx] -= h
        fd[idx] = ((_total(case, arrays[:-1] + (up,)) - _total(case, arrays[:-1] + (down,)))
                   / (up[idx] - down[idx]))
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_grad_kernel_matches_autodiff_of_the_kernel(case, rng):
    """The gradient kernel is the derivative of the kernel (JAX autodiff, float64),
    independently of the wrapper's custom JVP."""
    arrays = case.sample(rng, SHAPE)
    spec = case.spec
    grad_kernel = spec.logits[1] if case.from_logits else spec.grad
    with jax.enable_x64(True):
        *fixed, p = [jnp.asarray(a) for a in arrays]
        params = case.params()
        auto = jax.grad(lambda q: jnp.sum(case.kernel(jnp, *fixed, q, *params)))(p)
        mine = grad_kernel(jnp, *fixed, p, *params)
    np.testing.assert_allclose(np.asarray(mine), np.asarray(auto), rtol=1e-10, atol=1e-14)


def test_jax_grad_of_the_loss_equals_grad(case, rng):
    arrays = case.sample(rng, SHAPE)
    expected = case.grad(*arrays)
    with jax.enable_x64(True):
        *fixed, p = [jnp.asarray(a) for a in arrays]
        auto = jax.jit(jax.grad(lambda q: jnp.sum(case(*fixed, q))))(p)
        assert auto.dtype == jnp.float64
    np.testing.assert_allclose(np.asarray(auto), expected, rtol=1e-12, atol=1e-15)
    assert jnp.ones(1).dtype == jnp.float32  # x64 was switched on for this test only


def test_grad_of_float32_input_is_float32(case, rng):
    arrays = case.sample(rng, SHAPE)
    a32 = [a if a.dtype.kind == "i" else a.astype(np.float32) for a in arrays]
    g32 = case.grad(*a32)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, case.grad(*arrays), rtol=2e-4, atol=1e-6)


# Ties (the uniform output of a zero-initialised softmax, logits exactly 0) and kinks:
# (case, arrays, the documented gradient of the sum).
SPECIAL = [
    ("binary_crossentropy[from_logits]", [[1.0, 0.0, 1.0]], [[0.0, 0.0, 0.0]],
     [[-1 / 6, 1 / 6, -1 / 6]]),
    ("logistic_loss", [[1.0, -1.0]], [[0.0, 0.0]], [[-0.25, 0.25]]),
    ("categorical_crossentropy", [[1.0, 0.0]], [[0.5, 0.5]], [[-1.0, 1.0]]),
    ("categorical_crossentropy", [[0.0, 1.0, 0.0, 0.0]], [[0.25] * 4], [[1.0, -3.0, 1.0, 1.0]]),
    ("sparse_categorical_crossentropy", [0], [[0.5, 0.5]], [[-1.0, 1.0]]),
    ("sparse_categorical_crossentropy", [1], [[0.25] * 4], [[1.0, -3.0, 1.0, 1.0]]),
    ("categorical_crossentropy[from_logits]", [[1.0, 0.0]], [[0.0, 0.0]], [[-0.5, 0.5]]),
    ("sparse_categorical_crossentropy[from_logits]", [0], [[3.0, 3.0]], [[-0.5, 0.5]]),
    ("mean_absolute_error", [[1.0, 2.0]], [[1.0, 3.0]], [[0.0, 0.5]]),
    ("hinge", [[1.0, -1.0, 1.0]], [[1.0, 0.5, 3.0]], [[0.0, 1 / 3, 0.0]]),
    ("hinge[labels01]", [[0.0, 1.0]], [[-1.0, 0.0]], [[0.0, -0.5]]),
    ("huber", [[0.0, 0.0, 0.0]], [[1.0, -1.0, 5.0]], [[1 / 3, -1 / 3, 1 / 3]]),
    ("binary_crossentropy", [[1.0, 0.0, 1.0]], [[0.0, 1.0, 0.5]], [[0.0, 0.0, -2 / 3]]),
    ("kl_divergence", [[0.5, 0.5, 0.0]], [[0.0, 0.5, 0.5]], [[0.0, -1.0, -2e-7]]),
]


@pytest.mark.parametrize(("name", "t", "p", "expected"), SPECIAL,
                         ids=[f"{s[0]}-{i}" for i, s in enumerate(SPECIAL)])
@pytest.mark.parametrize("x64", [False, True], ids=["f32", "x64"])
def test_documented_gradients_at_ties_and_kinks(name, t, p, expected, x64):
    case = CASES_BY_NAME[name]
    t, p = np.array(t), np.array(p)
    np.testing.assert_allclose(case.grad(t, p), expected, rtol=1e-12)
    with jax.enable_x64(x64):
        auto = jax.grad(lambda q: jnp.sum(case(jnp.asarray(t), q)))(jnp.asarray(p))
    np.testing.assert_allclose(np.asarray(auto), expected, rtol=1e-6, atol=1e-9)


def test_cce_gradient_includes_the_renormalisation(rng):
    """Probability CCE renormalises rows like keras: the gradient along p is 0 for a row
    summing to 1 (scaling p does not change p / sum(p))."""
    case = CASES_BY_NAME["categorical_crossentropy"]
    t, p = case.sample(rng, (5, 4))
    g = case.grad(t, p)
    np.testing.assert_allclose(np.sum(g * p, axis=-1), 0.0, atol=1e-12)
    assert np.all(np.abs(g).max(axis=-1) > 0.1)


@pytest.mark.parametrize("logits", [False, True])
def test_sparse_grad_equals_categorical_grad_of_one_hot(rng, logits):
    suffix = "[from_logits]" if logits else ""
    sparse = CASES_BY_NAME["sparse_categorical_crossentropy" + suffix]
    dense = CASES_BY_NAME["categorical_crossentropy" + suffix]
    labels, p = sparse.sample(rng, (6, 5))
    one_hot = np.eye(5)[labels]
    np.testing.assert_allclose(sparse.grad(labels, p), dense.grad(one_hot, p), rtol=1e-14)
    np.testing.assert_allclose(sparse.grad(labels[:, None], p), dense.grad(one_hot, p),
                               rtol=1e-14)


def test_y_true_and_parameters_get_autodiff_gradients():
    """The custom JVP covers y_pred; y_true and the parameters are differentiated through
    the kernel itself."""
    import lossfuncs as lf

    t, p = jnp.array([[0.0, 1.0]]), jnp.array([[2.0, 0.5]])
    g_t = jax.grad(lambda y: lf.mse(y, p).sum())(t)
    np.testing.assert_allclose(np.asarray(g_t), -np.asarray(lf.mse.grad(t, p)), rtol=1e-6)
    g_delta = jax.grad(lambda d: lf.huber(t, p, delta=d).sum())(1.0)
    np.testing.assert_allclose(float(g_delta), 0.5 * (2.0 - 1.0), rtol=1e-6)  # d/dδ of δ(|r|-δ/2)
