"""float64 results against 50-digit mpmath references, on grids of extreme inputs.

The references (``benchmarks/reference.py``, shared with ``make bench``) follow the
definitions (and Keras's clipping) literally, on the given doubles, at increasing precision
until 50 digits agree. Comparison: relative error <= RTOL where the true value is a normal
double; where it underflows below the smallest normal the absolute error must be below
that; where it overflows the result must be +inf.
"""

from __future__ import annotations

import itertools
import warnings

import mpmath as mp
import numpy as np
import pytest

import lossfuncs as lf
from benchmarks import reference
from lossfuncs import _validation as v
from lossfuncs.kernels import probabilistic, regression
from lossfuncs.registry import LOSSES

TINY = np.finfo(np.float64).tiny
HUGE = np.finfo(np.float64).max
RTOL = 2.5e-14


def assert_accurate(got, refs, scale=None, rtol=RTOL):
    """``scale``: per-row sum of |terms| for sums of mixed-sign terms (KL)."""
    got = np.atleast_1d(got)
    bad = []
    for i, (g, r) in enumerate(zip(got, refs)):
        g = float(g)
        if abs(r) > HUGE:
            ok = g == (mp.inf if r > 0 else -mp.inf)
        elif abs(r) < TINY:
            ok = abs(mp.mpf(g) - r) < TINY
        else:
            err = abs(mp.mpf(g) - r)
            ok = err <= rtol * abs(r) or (scale is not None and err <= 1e-15 * scale[i])
        if not ok:
            bad.append((i, g, mp.nstr(r, 20), mp.nstr(abs(mp.mpf(g) - r) / abs(r), 3)))
    assert not bad, f"{len(bad)} inaccurate rows (index, got, exact, rel err): {bad[:8]}"


def rows(kernel, t, p, *params):
    """The reference of every row of (t, p) for ``kernel``."""
    ref = reference.of(kernel)
    return [reference.reference(ref, a, b, *params) for a, b in zip(t, p)]


# ---------------------------------------------------------------------------- grids

MAGS = [0.0, 1e-310, 1e-300, 1e-160, 1e-20, 1e-8, 1e-3, 0.25, 0.5, 1 - 1e-12, 1.0,
        1 + 1e-12, 1.5, 2.0, 20.0, 30.0, 355.0, 700.0, 710.0, 1e4, 1e20, 1e154, 1e200,
        1e300, 1.7e308]
RESIDUALS = sorted({s * m for m in MAGS for s in (1.0, -1.0)})
OFFSETS = [0.0, 1.0, -3.5, 1e10, -1e-5]


def _residual_grid():
    t, p = [], []
    for off, r in itertools.product(OFFSETS, RESIDUALS):
        y = off + r
        if np.isfinite(y):
            t.append([off])
            p.append([y])
    # rows of mixed magnitudes, and of several similar ones
    t += [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0]]
    p += [[1e-8, 2e-8, -3e-8], [1.0 + 1e-9, 2.0 - 1e-9, 3.0], [1e300, -1e300]]
    return t, p


#: Every loss of two real arguments, at its defaults and with each parameter small and huge.
REAL = [(spec, {}) for spec in LOSSES if spec.y_true is v.REAL and spec.y_pred is v.REAL]
REAL += [(spec, {p.name: value}) for spec, _ in list(REAL) for p in spec.kernel_params
         for value in ((0.1, 1e10) if p.high is None else (0.1, 0.9))]


@pytest.mark.parametrize(("spec", "kw"), REAL,
                         ids=[s.name + "".join(f"[{k}={x:g}]" for k, x in kw.items())
                              for s, kw in REAL])
def test_real_argument_losses_match_mpmath(spec, kw):
    t, p = _residual_grid()
    fn = getattr(lf, spec.name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no warning, even on overflow
        got = [fn(np.array(a), np.array(b), **kw) for a, b in zip(t, p)]
    assert_accurate(got, rows(spec.kernel, t, p, *kw.values()))


def test_log_cosh_is_finite_up_to_1e300():
    r = np.array([1e300, -1e300, 1e308, 800.0])
    got = lf.log_cosh(np.zeros((4, 1)), r[:, None])
    assert np.all(np.isfinite(got))
    np.testing.assert_array_equal(got[:3], np.abs(r[:3]))  # |r| - log 2 rounds to |r|
    assert got[3] == 800.0 - np.log(2.0)


MSLE_VALUES = [0.0, 1e-300, 1e-20, 1e-8, 1e-3, 0.5, 1.0, 3.0, 1e10, 1e10 + 1, 1e200, 1e300,
               -0.5, -1e-20, -1 + 2.0**-52, -1 + 2.0**-53]


def test_msle_matches_mpmath():
    pairs = list(itertools.product(MSLE_VALUES, MSLE_VALUES))
    pairs += [(y, y * (1 + k * 2.0**-52)) for y in (1e-8, 1.0, 1e10, 1e300) for k in (1, 7)]
    pairs += [(1e10, 1e10 + 1), (1e300, 0.0), (-1 + 2.0**-53, 1.7e308)]
    t = [[a] for a, _ in pairs]
    p = [[b] for _, b in pairs]
    got = lf.mean_squared_logarithmic_error(np.array(t), np.array(p))
    assert np.all(np.isfinite(got))
    assert_accurate(got, rows(regression.squared_log_error, t, p))


PROBS = [0.0, 1e-300, 1e-8, 1e-7, 1.5e-7, 1e-5, 1e-3, 0.3, 0.5, 1 - 1e-3, 1 - 1e-5,
         1 - 1.5e-7, 1 - 1e-7, 1 - 1e-8, 1.0]
TARGETS = [0.0, 1.0, 0.3, 1e-10, 1 - 1e-10]


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 1.0])
def test_bce_probabilities_match_mpmath(label_smoothing):
    t = [[a] for a in TARGETS for _ in PROBS]
    p = [[b] for _ in TARGETS for b in PROBS]
    got = lf.binary_crossentropy(np.array(t), np.array(p), label_smoothing=label_smoothing)
    assert_accurate(got, rows(probabilistic.binary_crossentropy, t, p, label_smoothing))


LOGITS = sorted({s * m for m in [0.0, 1e-300, 1e-20, 1e-8, 0.5, 1.0, 2.0, 17.0, 30.0,
                                  37.0, 40.0, 100.0, 700.0, 745.0, 1e4, 1e300]
                 for s in (1.0, -1.0)})


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_bce_from_logits_matches_mpmath(label_smoothing):
    t = [[a] for a in TARGETS for _ in LOGITS]
    p = [[b] for _ in TARGETS for b in LOGITS]
    got = lf.binary_crossentropy(np.array(t), np.array(p), from_logits=True,
                                 label_smoothing=label_smoothing)
    assert np.all(np.isfinite(got))
    assert_accurate(got, rows(probabilistic.binary_crossentropy_from_logits, t, p,
                                         label_smoothing))


LOGIT_ROWS = [[1000.0, 0.0, -1000.0], [30.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1e-10, 0.0, 0.0],
              [-1e4, 0.0, 1e4], [5.0, 5.0, -5.0], [40.0, 40.0, 0.0], [1e-300, -1e-300, 0.0],
              [0.1, 0.2, 0.3], [745.0, 0.0, 1.0], [-2.0, 36.0, 36.5]]
SOFT_TARGETS = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.3, 0.5],
                [1e-10, 0.0, 1 - 1e-10]]


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cce_from_logits_matches_mpmath(label_smoothing):
    t = [a for a in SOFT_TARGETS for _ in LOGIT_ROWS]
    p = [b for _ in SOFT_TARGETS for b in LOGIT_ROWS]
    got = lf.categorical_crossentropy(np.array(t), np.array(p), from_logits=True,
                                      label_smoothing=label_smoothing)
    assert np.all(np.isfinite(got)) and np.all(got >= 0)
    assert_accurate(got, rows(probabilistic.categorical_crossentropy_from_logits, t, p,
                                         label_smoothing))


PROB_ROWS = [[1 - 1e-6, 1e-6, 0.0], [1e-6, 1 - 1e-6, 0.0], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0],
             [1e-8, 1 - 1e-8, 0.0], [0.3, 0.3, 0.4], [1 - 3e-5, 1e-5, 2e-5],
             [0.2, 0.3, 0.50005], [0.2, 0.3, 0.49996], [1 - 1e-4, 5e-5, 5e-5],
             [1 / 3, 1 / 3, 1 / 3], [1e-300, 0.5, 0.5], [1.2e-7, 0.5, 0.5 - 1.2e-7]]


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cce_probabilities_match_mpmath(label_smoothing):
    t = [a for a in SOFT_TARGETS for _ in PROB_ROWS]
    p = [b for _ in SOFT_TARGETS for b in PROB_ROWS]
    got = lf.categorical_crossentropy(np.array(t), np.array(p),
                                      label_smoothing=label_smoothing)
    assert_accurate(got, rows(probabilistic.categorical_crossentropy, t, p, label_smoothing))


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_cce_matches_mpmath(from_logits):
    grid = LOGIT_ROWS if from_logits else PROB_ROWS
    labels = [k for k in range(3) for _ in grid]
    p = [b for _ in range(3) for b in grid]
    one_hot = [[1.0 if j == k else 0.0 for j in range(3)] for k in labels]
    got = lf.sparse_categorical_crossentropy(np.array(labels), np.array(p),
                                             from_logits=from_logits)
    kernel = (probabilistic.categorical_crossentropy_from_logits if from_logits
              else probabilistic.categorical_crossentropy)
    assert_accurate(got, rows(kernel, one_hot, p))


def _kl_terms(t, p):
    lo = mp.mpf(reference.P_LO)
    return [max(a, lo) * mp.log(max(a, lo) / max(b, lo)) for a, b in zip(t, p)]


def test_kl_divergence_matches_mpmath():
    dists = PROB_ROWS[:11] + [[0.25, 0.25, 0.5], [0.25 + 1e-9, 0.25 - 1e-9, 0.5]]
    t = [a for a in dists for _ in dists]
    p = [b for _ in dists for b in dists]
    with mp.workdps(400):  # terms of size >= 1e-7 * 1e-300: 400 digits are plenty
        terms = [_kl_terms([mp.mpf(x) for x in a], [mp.mpf(x) for x in b])
                 for a, b in zip(t, p)]
    got = lf.kl_divergence(np.array(t), np.array(p))
    # KL sums terms of both signs: near p = q it is far smaller than its terms, so the
    # floor of the comparison is 1e-15 of sum |terms| (a few roundings of each term).
    assert_accurate(got, [mp.fsum(x) for x in terms],
                    scale=[mp.fsum(abs(v) for v in x) for x in terms])
    same = lf.kl_divergence(np.array(dists), np.array(dists))
    np.testing.assert_array_equal(same, 0.0)


@pytest.mark.parametrize("closeness", [0.3, 0.1, 1e-2, 1e-4, 1e-7, 1e-10])
def test_kl_divergence_of_nearby_random_distributions_is_exact(closeness):
    """Random rows p and q = p (1 + small noise), renormalised (distillation, regularisers):
    the divergence is far smaller than its terms, and still exact to 2.5e-14."""
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(6), 60)
    q = p * (1 + closeness * rng.standard_normal(p.shape))
    q /= q.sum(axis=-1, keepdims=True)
    got = lf.kl_divergence(p, q)
    assert_accurate(got, rows(probabilistic.kl_divergence, p, q))


MARGIN_SCORES = sorted({s * m for m in [0.0, 1e-300, 1e-8, 0.5, 1 - 1e-10, 1.0, 1 + 1e-10,
                                         2.0, 30.0, 37.0, 700.0, 709.0, 745.0, 1e4, 1e300]
                        for s in (1.0, -1.0)})


MARGIN = [spec for spec in LOSSES if isinstance(spec.y_true, v.MarginLabels)]


@pytest.mark.parametrize("labels", [(-1.0, 1.0), (0.0, 1.0)], ids=["pm1", "01"])
@pytest.mark.parametrize("spec", MARGIN, ids=[s.name for s in MARGIN])
def test_margin_losses_match_mpmath(spec, labels):
    # a row holds both labels, so labels {0, 1} are read as {-1, +1}
    t = [list(labels) for _ in MARGIN_SCORES]
    p = [[f, -f] for f in MARGIN_SCORES]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # exp(1e4) = inf is right, silently
        got = getattr(lf, spec.name)(np.array(t), np.array(p))
    assert_accurate(got, rows(spec.kernel, t, p))


def test_logistic_and_bce_from_logits_are_finite_at_1e4():
    f = np.array([[1e4, -1e4]])
    assert np.all(np.isfinite(lf.logistic_loss(np.array([[1.0, 1.0]]), f)))
    assert lf.logistic_loss(np.array([[1.0, 1.0]]), f)[0] == 5e3
    got = lf.binary_crossentropy(np.array([[1.0, 0.0], [0.0, 1.0]]), np.vstack([f, f]),
                                 from_logits=True)
    np.testing.assert_array_equal(got, [0.0, 1e4])


def test_huber_is_continuous_at_delta_and_exactly_linear_beyond():
    for delta in (1.0, 0.3, 2.5, 1e-3):
        below = np.nextafter(delta, 0.0)
        above = np.nextafter(delta, np.inf)
        vals = [float(lf.huber(np.array([0.0]), np.array([x]), delta=delta))
                for x in (below, delta, above)]
        assert vals[0] <= vals[1] <= vals[2]
        np.testing.assert_allclose(vals, 0.5 * delta**2, rtol=1e-15)
    # exactly linear: integer residuals with delta = 1 give r - 1/2 exactly
    r = np.array([2.0, 3.0, 10.0, 2.0**40, 2.0**52])
    got = lf.huber(np.zeros((5, 1)), r[:, None])
    np.testing.assert_array_equal(got, r - 0.5)
    np.testing.assert_array_equal(np.diff(lf.huber(np.zeros((4, 1)),
                                                   np.array([[5.0], [6.0], [7.0], [8.0]]))),
                                  1.0)


def test_msle_is_accurate_for_tiny_values():
    y = np.array([[1e-20], [1e-200], [3e-9]])
    got = lf.mean_squared_logarithmic_error(np.zeros_like(y), y)
    np.testing.assert_allclose(got, (y[:, 0] - y[:, 0] ** 2 / 2) ** 2, rtol=1e-15)


# ------------------------------------------------------------ focal, Poisson, quantile

FOCAL_PARAMS = [{}, {"gamma": 0.5}, {"gamma": 0.0}, {"apply_class_balancing": True,
                                                    "alpha": 0.1, "label_smoothing": 0.1}]


@pytest.mark.parametrize("kw", FOCAL_PARAMS, ids=lambda kw: str(kw))
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_binary_focal_matches_mpmath(kw, from_logits):
    grid = LOGITS if from_logits else PROBS
    t = [[a] for a in TARGETS for _ in grid]
    p = [[b] for _ in TARGETS for b in grid]
    got = lf.binary_focal_crossentropy(np.array(t), np.array(p), from_logits=from_logits, **kw)
    spec = lf.binary_focal_crossentropy.spec
    kernel = spec.logits[0] if from_logits else spec.kernel
    params = [kw.get(q.name, q.default) for q in spec.kernel_params]
    assert np.all(np.isfinite(got))
    assert_accurate(got, rows(kernel, t, p, *params))


@pytest.mark.parametrize("kw", [{}, {"gamma": 0.5, "alpha": 1.0}, {"label_smoothing": 0.1}],
                         ids=lambda kw: str(kw))
@pytest.mark.parametrize("from_logits", [False, True], ids=["probabilities", "logits"])
def test_categorical_focal_matches_mpmath(kw, from_logits):
    grid = LOGIT_ROWS if from_logits else PROB_ROWS
    t = [a for a in SOFT_TARGETS for _ in grid]
    p = [b for _ in SOFT_TARGETS for b in grid]
    got = lf.categorical_focal_crossentropy(np.array(t), np.array(p), from_logits=from_logits,
                                            **kw)
    spec = lf.categorical_focal_crossentropy.spec
    kernel = spec.logits[0] if from_logits else spec.kernel
    params = [kw.get(q.name, q.default) for q in spec.kernel_params]
    assert_accurate(got, rows(kernel, t, p, *params))


COUNTS = [0.0, 1.0, 3.0, 1e6]
RATES = [0.0, 1e-300, 1e-10, 1e-3, 0.5, 1 - 1e-9, 1.0, 1 + 1e-9, 1.5, 2.0, 7.0, 1e6, 1e300]


def _terms_scale(t, p, terms):
    """Sum of |terms| of each row: the two terms of a Poisson loss cancel where the loss
    crosses 0, so the floor of the comparison is 2.5e-14 of their size."""
    with mp.workdps(60):
        return [mp.fsum(abs(x) for x in terms(mp.mpf(a[0]), mp.mpf(b[0]))) * 25
                for a, b in zip(t, p)]


def test_poisson_matches_mpmath():
    t = [[a] for a in COUNTS for _ in RATES]
    p = [[b] for _ in COUNTS for b in RATES]
    got = lf.poisson(np.array(t), np.array(p))
    scale = _terms_scale(t, p, lambda a, b: (b, a * mp.log(b + mp.mpf(1e-7))))
    assert_accurate(got, rows(regression.poisson, t, p), scale=scale)


def test_poisson_log_rate_matches_mpmath():
    z = [s * m for m in (0.0, 1e-300, 1e-8, 0.5, 1.0, 2.0, 30.0, 700.0) for s in (1.0, -1.0)]
    t = [[a] for a in COUNTS for _ in z]
    p = [[b] for _ in COUNTS for b in z]
    got = lf.poisson_log_rate(np.array(t), np.array(p))
    scale = _terms_scale(t, p, lambda a, b: (mp.exp(b), a * b))
    assert_accurate(got, rows(regression.poisson_log_rate, t, p), scale=scale)


@pytest.mark.parametrize("quantile", [0.5, 0.1, 0.9, 1e-3])
def test_quantile_loss_matches_mpmath(quantile):
    t, p = _residual_grid()
    got = [lf.quantile_loss(np.array(a), np.array(b), quantile=quantile) for a, b in zip(t, p)]
    assert_accurate(got, rows(regression.pinball, t, p, quantile))


def test_quantile_loss_agrees_with_scikit_learn_where_installed():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    t, p = rng.normal(size=(1, 50)), rng.normal(size=(1, 50))
    for q in (0.1, 0.5, 0.9):
        assert lf.quantile_loss(t, p, quantile=q)[0] == pytest.approx(
            metrics.mean_pinball_loss(t[0], p[0], alpha=q), rel=1e-14)
