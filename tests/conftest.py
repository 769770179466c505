"""Shared cases for the lossfuncs tests, read from the registry.

Every loss in :data:`lossfuncs.registry.LOSSES` gives one :class:`Case` per variant: its
defaults, each scalar parameter at another valid value, ``from_logits=True`` where the
loss has a logits kernel, and {0, 1} labels for the margin losses. The ``case`` fixture
runs a test once per case. Inputs are sampled by the *domains* the registry declares, away
from kinks (so that finite differences are meaningful).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lossfuncs as lf  # noqa: E402
from lossfuncs import _validation as v  # noqa: E402
from lossfuncs.registry import LOSSES, LossSpec  # noqa: E402


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def other_value(p):
    """A valid, non-default value of a parameter."""
    if p.kind == "bool":
        return not p.default
    if p.high is not None:
        return p.low + 0.15 * (p.high - p.low)
    return 2.0 * p.default if p.default else 0.5


@dataclass(frozen=True)
class Case:
    spec: LossSpec
    kwargs: dict = field(default_factory=dict)
    labels01: bool = False  # margin losses: labels in {0, 1}

    @property
    def name(self):
        extra = [f"{k}={val}" if not isinstance(val, bool) else k for k, val in self.kwargs.items()]
        extra += ["labels01"] if self.labels01 else []
        return self.spec.name + (f"[{','.join(extra)}]" if extra else "")

    @property
    def fn(self):
        return getattr(lf, self.spec.name)

    @property
    def from_logits(self):
        return bool(self.kwargs.get("from_logits"))

    @property
    def kernel(self):
        return self.spec.logits[0] if self.from_logits else self.spec.kernel

    def __call__(self, *arrays, **kw):
        return self.fn(*arrays, **{**self.kwargs, **kw})

    def grad(self, *arrays, **kw):
        return self.fn.grad(*arrays, **{**self.kwargs, **kw})

    def params(self):
        """Parameter values in kernel order (from_logits apart)."""
        return [self.kwargs.get(p.name, p.default) for p in self.spec.kernel_params]

    def sample(self, rng, shape):
        """Valid float64 inputs (a tuple of 1 or 2 arrays) of ``shape``."""
        return sample(self, rng, shape)


def variants(spec):
    yield Case(spec)
    for p in spec.kernel_params:
        yield Case(spec, {p.name: other_value(p)})
    if spec.logits:
        yield Case(spec, {"from_logits": True})
        for p in spec.kernel_params:
            yield Case(spec, {"from_logits": True, p.name: other_value(p)})
    if isinstance(spec.y_true, v.MarginLabels):
        yield Case(spec, labels01=True)


CASES = [case for spec in LOSSES for case in variants(spec)]
CASES_BY_NAME = {c.name: c for c in CASES}


# ----------------------------------------------------------------------- samplers


def _away(x, points, gap=2e-3):
    """Move entries of ``x`` at least ``gap`` away from each of ``points``."""
    for k in points:
        near = np.abs(x - k) < gap
        x = np.where(near, x + np.where(x >= k, gap, -gap), x)
    return x


def _kinks(case):
    """Residual sizes where a regression loss is not smooth (0 and its thresholds)."""
    return [0.0] + [float(val) for val in case.params() if not isinstance(val, bool)]


def sample(case, rng, shape):
    spec, y_true, y_pred = case.spec, case.spec.y_true, case.spec.y_pred
    if y_true is None:  # entropy
        return (rng.dirichlet(np.ones(shape[-1]), shape[:-1]) * 0.98 + 0.02 / shape[-1],)
    if isinstance(y_true, v.MarginLabels):
        y = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
        f = rng.normal(0.0, 2.0, shape)
        f = _away(y * f, [1.0]) * y  # margins away from the hinge's kink
        return ((y + 1) / 2 if case.labels01 else y), f
    if isinstance(y_true, v.ClassIndices):
        labels = rng.integers(0, shape[-1], shape[:-1])
        z = rng.normal(0.0, 1.0, shape)
        return labels, (3 * z if case.from_logits else softmax(z))
    if isinstance(y_pred, v.Distributions) and isinstance(y_true, v.Distributions):  # KL
        return (rng.dirichlet(np.ones(shape[-1]), shape[:-1]),
                rng.dirichlet(np.ones(shape[-1]), shape[:-1]))
    if isinstance(y_pred, v.Distributions):  # categorical: one-hot or soft targets
        t = (np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])] if rng.random() < 0.5
             else rng.dirichlet(np.ones(shape[-1]), shape[:-1]))
        z = rng.normal(0.0, 1.0, shape)
        return t, (3 * z if case.from_logits else softmax(z))
    if isinstance(y_pred, v.Probabilities):  # binary
        t = np.where(rng.random(shape) < 0.5, 0.0, 1.0)
        t[..., 0] = rng.uniform(0.0, 1.0, shape[:-1])  # one soft target per row
        p = rng.normal(0.0, 3.0, shape) if case.from_logits else rng.uniform(0.05, 0.95, shape)
        return t, p
    if isinstance(y_pred, v.AboveMinusOne):
        return rng.uniform(0.0, 5.0, shape), rng.uniform(0.0, 5.0, shape)
    if isinstance(y_true, v.NonNegative):  # counts, and rates or log-rates
        counts = rng.poisson(2.0, shape).astype(float)
        if isinstance(y_pred, v.NonNegative):
            return counts, rng.uniform(0.2, 5.0, shape)
        return counts, rng.normal(0.5, 1.0, shape)
    t = rng.normal(0.0, 2.0, shape)  # real targets and predictions: regression
    r = rng.normal(0.0, 1.5, shape)
    r = np.sign(r) * _away(np.abs(r), _kinks(case))
    return t, t + r


@pytest.fixture(params=CASES, ids=[c.name for c in CASES], scope="session")
def case(request):
    return request.param


@pytest.fixture(params=LOSSES, ids=[s.name for s in LOSSES], scope="session")
def spec(request):
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)
