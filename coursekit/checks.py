"""Checks the chapters run in their hidden verification cells.

A chapter shows a loss's gradient formula; :func:`check_grad` confirms, on every
build, that the package's ``.grad`` is that derivative: against central finite
differences and against JAX autodiff of the loss itself.
"""

from __future__ import annotations

import numpy as np


def finite_difference_grad(loss, y_true, y_pred, h=1e-6, **params):
    """Central differences of ``loss(y_true, y_pred, **params).sum()`` in ``y_pred``."""
    y_pred = np.array(y_pred, dtype=np.float64)
    grad = np.zeros_like(y_pred)
    for i in np.ndindex(y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (np.sum(loss(y_true, up, **params)) - np.sum(loss(y_true, down, **params))) / (2 * h)
    return grad


def check_grad(loss, y_true, y_pred, *, rtol=1e-5, atol=1e-8, **params):
    """Assert that ``loss.grad`` equals finite differences and JAX autodiff.

    ``y_pred`` must lie away from kinks and clipping bounds (there the one-sided
    differences disagree by design). Returns the analytic gradient.
    """
    import jax
    import jax.numpy as jnp

    analytic = np.asarray(loss.grad(y_true, y_pred, **params))
    numeric = finite_difference_grad(loss, y_true, y_pred, **params)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=max(atol, 1e-6),
                               err_msg=f"{loss.__name__}.grad disagrees with finite differences")
    with jax.enable_x64(True):
        grad = jax.grad(lambda p: jnp.sum(loss(jnp.asarray(y_true, jnp.float64), p, **params)))
        p64 = jnp.asarray(y_pred, jnp.float64)
        try:  # one compiled program: far cheaper than JAX's op-by-op dispatch
            auto = jax.jit(grad)(p64)
        except jax.errors.JAXTypeError:  # a loss that needs concrete values
            auto = grad(p64)
    np.testing.assert_allclose(analytic, np.asarray(auto), rtol=rtol, atol=atol,
                               err_msg=f"{loss.__name__}.grad disagrees with JAX autodiff")
    return analytic
