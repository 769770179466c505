"""Every ``.grad`` against central finite differences and against JAX autodiff."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

SHAPE = (3, 4)


def _total(case, t, p):
    return float(np.sum(case(t, p)))


def test_grad_matches_central_differences(case, rng):
    t, p = case.sample(rng, SHAPE)
    g = case.grad(t, p)
    assert g.shape == p.shape and g.dtype == np.float64
    fd = np.empty_like(p)
    for idx in np.ndindex(p.shape):
        h = 1e-6 * max(1.0, abs(p[idx]))
        up, down = p.copy(), p.copy()
        up[idx] += h
        down[idx] -= h
        fd[idx] = (_total(case, t, up) - _total(case, t, down)) / (up[idx] - down[idx])
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_grad_matches_jax_autodiff_of_the_loss(case, rng):
    """jax.grad of sum(loss(jnp arrays)) -- the same formula, traced -- in float64."""
    t, p = case.sample(rng, SHAPE)
    expected = case.grad(t, p)
    with jax.enable_x64(True):
        jt = jnp.asarray(t)
        jp = jnp.asarray(p)
        assert jp.dtype == jnp.float64
        # jit: one compilation instead of one per primitive (eager dispatch is slow)
        auto = jax.jit(jax.grad(lambda q: jnp.sum(case(jt, q))))(jp)
        assert auto.dtype == jnp.float64
    np.testing.assert_allclose(np.asarray(auto), expected, rtol=1e-10, atol=1e-14)
    # x64 was switched on for this test only
    assert jnp.ones(1).dtype == jnp.float32


def test_grad_of_float32_input_is_float32(case, rng):
    t, p = case.sample(rng, SHAPE)
    g32 = case.grad(t.astype(np.float32) if not case.sparse else t, p.astype(np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, case.grad(t, p), rtol=2e-4, atol=1e-6)


@pytest.mark.parametrize(
    ("name", "t", "p", "expected"),
    [
        # sign(0) = 0 at the kink of |r|: the subgradient 0
        ("mae", [1.0, 2.0], [1.0, 3.0], [0.0, 0.5]),
        # y*f = 1 exactly: subgradient 0; y*f < 1: -y/n
        ("hinge", [1.0, -1.0, 1.0], [1.0, 0.5, 3.0], [0.0, 1 / 3, 0.0]),
        # 0/1 labels map to -1/+1 as in keras
        ("hinge_01", [0.0, 1.0], [-1.0, 0.0], [0.0, -0.5]),
        # Huber at |r| = delta: clip(r) = delta, both one-sided slopes agree
        ("huber", [0.0, 0.0, 0.0], [1.0, -1.0, 5.0], [1 / 3, -1 / 3, 1 / 3]),
    ],
)
def test_documented_subgradients_at_kinks(cases, name, t, p, expected):
    g = cases[name].grad(np.array(t), np.array(p))
    np.testing.assert_array_equal(g, np.array(expected))


def test_clipped_probabilities_have_zero_gradient(cases):
    """Outside [eps, 1 - eps] the clip is flat (as in keras), so the gradient is 0."""
    t = np.array([[1.0, 0.0, 1.0]])
    p = np.array([[0.0, 1.0, 0.5]])
    g = cases["bce"].grad(t, p)
    assert g[0, 0] == 0 and g[0, 1] == 0 and g[0, 2] != 0
    gk = cases["kl"].grad(np.array([[0.5, 0.5, 0.0]]), np.array([[0.0, 0.5, 0.5]]))
    assert gk[0, 0] == 0 and gk[0, 1] == -1.0


def test_cce_gradient_includes_the_renormalisation(cases, rng):
    """Probability CCE renormalises rows like keras: the gradient along (1, ..., 1) is 0
    for a row summing to 1 (scaling p does not change p / sum(p))."""
    t, p = cases["cce"].sample(rng, (5, 4))
    g = cases["cce"].grad(t, p)
    np.testing.assert_allclose(np.sum(g * p, axis=-1), 0.0, atol=1e-12)
    assert np.all(np.abs(g).max(axis=-1) > 0.1)


def test_sparse_grad_equals_categorical_grad_of_one_hot(cases, rng):
    for sparse, dense in (("scce", "cce"), ("scce_logits", "cce_logits")):
        labels, p = cases[sparse].sample(rng, (6, 5))
        one_hot = np.eye(5)[labels]
        np.testing.assert_allclose(
            cases[sparse].grad(labels, p), cases[dense].grad(one_hot, p), rtol=1e-14
        )
        np.testing.assert_allclose(
            cases[sparse].grad(labels[:, None], p), cases[dense].grad(one_hot, p), rtol=1e-14
        )
