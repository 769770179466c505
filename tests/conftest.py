"""Shared cases for the lossfuncs tests.

``CASES`` lists every loss with its keyword arguments and a sampler of valid inputs
that keeps away from kinks and clip boundaries (for finite differences). A test that
takes a ``case`` argument runs once per entry (see ``pytest_generate_tests``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lossfuncs as lf  # noqa: E402


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _regression(rng, shape, *, kinks=(), positive=False):
    if positive:
        t = rng.uniform(0.0, 5.0, shape)
        p = rng.uniform(0.0, 5.0, shape)
        return t, p
    t = rng.normal(0.0, 2.0, shape)
    r = rng.normal(0.0, 1.5, shape)
    for k in kinks:  # push |r| at least 1e-3 away from each kink
        near = np.abs(np.abs(r) - k) < 1e-3
        r = np.where(near, r + np.sign(r + 0.5) * 2e-3, r)
    return t, t + r


def _binary(rng, shape, *, logits):
    t = np.where(rng.random(shape) < 0.5, 0.0, 1.0)
    t[..., 0] = rng.uniform(0.0, 1.0, shape[:-1])  # one soft target per row
    p = rng.normal(0.0, 3.0, shape) if logits else rng.uniform(0.05, 0.95, shape)
    return t, p


def _categorical(rng, shape, *, logits, soft=False):
    if soft:
        t = rng.dirichlet(np.ones(shape[-1]), shape[:-1])
    else:
        t = np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])]
    z = rng.normal(0.0, 1.0, shape)
    return t, (3 * z if logits else _softmax(z))


def _sparse(rng, shape, *, logits):
    labels = rng.integers(0, shape[-1], shape[:-1])
    z = rng.normal(0.0, 1.0, shape)
    return labels, (3 * z if logits else _softmax(z))


def _margin(rng, shape, *, binary=False, kink=False):
    y = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    f = rng.normal(0.0, 2.0, shape)
    if kink:  # keep the margin y*f away from 1
        near = np.abs(y * f - 1) < 1e-3
        f = np.where(near, f + 3e-3, f)
    return ((y + 1) / 2 if binary else y), f


@dataclass(frozen=True)
class Case:
    name: str
    fn: Callable
    sample: Callable  # (rng, shape) -> (y_true, y_pred), float64, valid
    kwargs: dict = field(default_factory=dict)
    family: str = "regression"  # regression | probabilistic | margin
    sparse: bool = False

    def __call__(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self.kwargs)

    def grad(self, y_true, y_pred):
        return self.fn.grad(y_true, y_pred, **self.kwargs)


def _c(name, fn, sample, **kw):
    return Case(name, fn, sample, **kw)


CASES = [
    _c("mse", lf.mean_squared_error, lambda r, s: _regression(r, s)),
    _c("mae", lf.mean_absolute_error, lambda r, s: _regression(r, s, kinks=(0.0,))),
    _c("msle", lf.mean_squared_logarithmic_error, lambda r, s: _regression(r, s, positive=True)),
    _c("huber", lf.huber, lambda r, s: _regression(r, s, kinks=(1.0,))),
    _c("huber_d0.3", lf.huber, lambda r, s: _regression(r, s, kinks=(0.3,)),
       kwargs={"delta": 0.3}),
    _c("log_cosh", lf.log_cosh, lambda r, s: _regression(r, s)),
    _c("bce", lf.binary_crossentropy, lambda r, s: _binary(r, s, logits=False),
       family="probabilistic"),
    _c("bce_ls", lf.binary_crossentropy, lambda r, s: _binary(r, s, logits=False),
       kwargs={"label_smoothing": 0.1}, family="probabilistic"),
    _c("bce_logits", lf.binary_crossentropy, lambda r, s: _binary(r, s, logits=True),
       kwargs={"from_logits": True}, family="probabilistic"),
    _c("bce_logits_ls", lf.binary_crossentropy, lambda r, s: _binary(r, s, logits=True),
       kwargs={"from_logits": True, "label_smoothing": 0.2}, family="probabilistic"),
    _c("cce", lf.categorical_crossentropy, lambda r, s: _categorical(r, s, logits=False),
       family="probabilistic"),
    _c("cce_soft_ls", lf.categorical_crossentropy,
       lambda r, s: _categorical(r, s, logits=False, soft=True),
       kwargs={"label_smoothing": 0.1}, family="probabilistic"),
    _c("cce_logits", lf.categorical_crossentropy, lambda r, s: _categorical(r, s, logits=True),
       kwargs={"from_logits": True}, family="probabilistic"),
    _c("cce_logits_soft_ls", lf.categorical_crossentropy,
       lambda r, s: _categorical(r, s, logits=True, soft=True),
       kwargs={"from_logits": True, "label_smoothing": 0.2}, family="probabilistic"),
    _c("scce", lf.sparse_categorical_crossentropy, lambda r, s: _sparse(r, s, logits=False),
       family="probabilistic", sparse=True),
    _c("scce_logits", lf.sparse_categorical_crossentropy,
       lambda r, s: _sparse(r, s, logits=True),
       kwargs={"from_logits": True}, family="probabilistic", sparse=True),
    _c("kl", lf.kl_divergence, lambda r, s: _categorical(r, s, logits=False, soft=True),
       family="probabilistic"),
    _c("hinge", lf.hinge, lambda r, s: _margin(r, s, kink=True), family="margin"),
    _c("hinge_01", lf.hinge, lambda r, s: _margin(r, s, binary=True, kink=True),
       family="margin"),
    _c("exponential", lf.exponential_loss, lambda r, s: _margin(r, s), family="margin"),
    _c("logistic", lf.logistic_loss, lambda r, s: _margin(r, s), family="margin"),
    _c("logistic_01", lf.logistic_loss, lambda r, s: _margin(r, s, binary=True),
       family="margin"),
]

CASES_BY_NAME = {c.name: c for c in CASES}

#: The public losses, each exactly once (the spec's API).
PUBLIC = [
    "mean_squared_error", "mean_absolute_error", "mean_squared_logarithmic_error", "huber",
    "log_cosh", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "kl_divergence", "hinge", "exponential_loss",
    "logistic_loss",
]


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", CASES, ids=[c.name for c in CASES])


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


@pytest.fixture(scope="session")
def cases():
    """All cases by name, for tests that pick a few."""
    return CASES_BY_NAME
