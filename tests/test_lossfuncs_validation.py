"""Bad input raises ValueError/TypeError naming the argument, the problem and the fix."""

from __future__ import annotations

import numpy as np
import pytest

import lossfuncs as lf
from lossfuncs import _validation as v
from lossfuncs.registry import LOSSES

Z3 = np.zeros((2, 3))
P3 = np.full((2, 3), 1 / 3)
NAN_AT_1 = np.array([[0.1, np.nan, 0.2], [0.0, 0.0, 0.0]])

PAIRS = [getattr(lf, s.name) for s in LOSSES if s.y_true is not None]
ELEMENTWISE = [fn for fn in PAIRS if not fn.spec.sparse]
ALL = PAIRS
MARGIN = [getattr(lf, s.name) for s in LOSSES if isinstance(s.y_true, v.MarginLabels)]


def _ids(fns):
    return [getattr(f, "__name__", str(f)) for f in fns]


def _both(fn):
    """The loss and its gradient: both validate the same way."""
    return [fn, fn.grad]


def _valid_pair(fn):
    spec = getattr(lf, fn.__name__.removesuffix(".grad")).spec  # the loss of a .grad
    if spec.sparse:
        return np.array([0, 2]), P3
    if isinstance(spec.y_true, v.MarginLabels):
        return np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]), Z3
    if isinstance(spec.y_pred, v.Distributions):
        return np.eye(3)[[0, 1]] * 0.9 + 0.1 / 3, P3
    return P3, P3


@pytest.mark.parametrize("fn", [f for g in ELEMENTWISE for f in _both(g)],
                         ids=_ids([f for g in ELEMENTWISE for f in _both(g)]))
def test_shape_mismatch_n1_vs_n_is_refused_with_reshape_hint(fn):
    t, p = _valid_pair(fn)
    col_t, row_p = t[0][:, None], p[0]  # (3, 1) vs (3,): numpy would broadcast to (3, 3)
    with pytest.raises(ValueError, match=r"y_true has shape \(3, 1\) but y_pred has shape "
                                         r"\(3,\).*broadcast.*y_true\.reshape\(\(3,\)\)"):
        fn(col_t, row_p)
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*\(2, 2\).*Reshape one of them"):
        fn(t, p[:, :2])
    with pytest.raises(ValueError, match=r"shape \(2,\).*\(2, 3\).*Reshape one of them"):
        fn(t[:, 0], p)  # (n,) against (n, C > 1) is not aligned


@pytest.mark.parametrize("fn", [f for g in ELEMENTWISE for f in _both(g)],
                         ids=_ids([f for g in ELEMENTWISE for f in _both(g)]))
def test_targets_n_are_aligned_with_outputs_n1_as_keras_metrics_pass_them(fn):
    t, p = _valid_pair(fn)
    if isinstance(getattr(lf, fn.__name__.removesuffix(".grad")).spec.y_pred, v.Distributions):
        t, p = np.ones(4), np.ones(4)  # one class: each row is the distribution (1)
    else:
        t, p = t[0], p[0]
    out = fn(t, p[:, None])
    expected = fn(t[:, None], p[:, None])
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("fn", _both(lf.sparse_categorical_crossentropy), ids=["loss", "grad"])
def test_sparse_shapes(fn):
    # accepted: (n,) and (n, 1)
    np.testing.assert_array_equal(np.shape(fn(np.array([0, 2]), P3)), np.shape(fn(np.array([[0], [2]]), P3)))
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\).*\(2,\), or \(2, 1\)"):
        fn(np.array([0, 1, 2]), P3)
    with pytest.raises(ValueError, match=r"one-hot encoded: use categorical_crossentropy"):
        fn(np.eye(3)[[0, 1]], P3)


@pytest.mark.parametrize("fn", [f for g in ALL for f in _both(g)],
                         ids=_ids([f for g in ALL for f in _both(g)]))
def test_nan_and_inf_are_refused(fn):
    t, p = _valid_pair(fn)
    with pytest.raises(ValueError, match=r"y_pred contains 1 NaN value\(s\) \(first at index "
                                         r"\(0, 1\)\).*remove or impute"):
        fn(t, np.where(np.isnan(NAN_AT_1), np.nan, p))
    bad_p = p.copy()
    bad_p[1, 2] = np.inf
    with pytest.raises(ValueError, match=r"y_pred contains 1 infinite value\(s\)"):
        fn(t, bad_p)
    if fn not in _both(lf.sparse_categorical_crossentropy):
        bad_t = t.copy()
        bad_t[0, 0] = np.nan
        with pytest.raises(ValueError, match=r"y_true contains 1 NaN.*\(0, 0\)"):
            fn(bad_t, p)
    else:
        with pytest.raises(ValueError, match=r"y_true contains 1 NaN"):
            fn(np.array([0.0, np.nan]), p)


@pytest.mark.parametrize("fn", ALL, ids=_ids(ALL))
def test_empty_last_axis_and_scalars_are_refused(fn):
    with pytest.raises(ValueError, match=r"y_pred has an empty last axis.*at least one element"):
        if fn is lf.sparse_categorical_crossentropy:
            fn(np.zeros((2,), int), np.zeros((2, 0)))
        else:
            fn(np.zeros((2, 0)), np.zeros((2, 0)))
    with pytest.raises(ValueError, match=r"y_pred is a scalar.*np\.atleast_1d\(y_pred\)"):
        fn(np.float64(0.0), np.float64(0.0))


@pytest.mark.parametrize("fn", ALL, ids=_ids(ALL))
def test_non_numeric_input_is_a_type_error(fn):
    t, p = _valid_pair(fn)
    with pytest.raises(TypeError, match=r"y_pred has dtype <U\d+.*not a real number type.*"
                                        r"np\.asarray\(y_pred, dtype=float\)"):
        fn(t, p.astype(str))
    with pytest.raises(TypeError, match=r"y_true could not be read as a numeric array"):
        fn([[1.0, 2.0], [3.0]], p)
    with pytest.raises(TypeError, match=r"y_true has dtype complex128"):
        fn(np.asarray(t, dtype=complex), p)


@pytest.mark.parametrize("which", ["y_true", "y_pred"])
@pytest.mark.parametrize("fn", _both(lf.binary_crossentropy) + _both(lf.categorical_crossentropy)
                         + _both(lf.kl_divergence), ids=["bce", "bce.grad", "cce", "cce.grad",
                                                         "kl", "kl.grad"])
def test_probabilities_outside_0_1(fn, which):
    t, p = _valid_pair(fn)
    args = {"y_true": t.copy(), "y_pred": p.copy()}
    args[which][0, 0] = -0.25 if which == "y_true" else 1.5
    if "kl" in fn.__name__:  # no from_logits option: the fix is a softmax
        fix = r"apply a softmax"
    elif which == "y_true":  # targets are never logits: the fix is the 0/1 encoding
        fix = r"encode the classes as 0 and 1.*\(y \+ 1\) / 2"
    else:
        fix = r"pass from_logits=True"
    with pytest.raises(ValueError, match=rf"{which} must hold probabilities in \[0, 1\].*{fix}"):
        fn(**args)


def test_logits_are_not_range_checked():
    t = np.array([[1.0, 0.0]])
    assert np.isfinite(lf.binary_crossentropy(t, np.array([[5.0, -7.0]]), from_logits=True)[0])
    assert np.isfinite(lf.categorical_crossentropy(t, np.array([[5.0, -7.0]]),
                                                   from_logits=True)[0])
    with pytest.raises(ValueError, match=r"y_true must hold probabilities"):
        lf.binary_crossentropy(np.array([[2.0, 0.0]]), np.array([[5.0, -7.0]]),
                               from_logits=True)


@pytest.mark.parametrize("fn", _both(lf.categorical_crossentropy)
                         + _both(lf.sparse_categorical_crossentropy), ids=["cce", "cce.grad",
                                                                           "scce", "scce.grad"])
def test_categorical_rows_must_sum_to_one_and_the_message_suggests_logits(fn):
    t = np.array([0, 1]) if "sparse" in fn.__name__ else np.eye(3)[[0, 1]]
    p = np.array([[0.2, 0.3, 0.5], [0.2, 0.2, 0.2]])
    with pytest.raises(ValueError, match=r"each row of y_pred must be a probability "
                                         r"distribution summing to 1, but row 1 sums to 0\.6\. "
                                         r"If these are raw scores \(logits\), pass "
                                         r"from_logits=True"):
        fn(t, p)


def test_kl_rows_must_sum_to_one():
    with pytest.raises(ValueError, match=r"each row of y_true .* sums to 0\.5.*Normalise the rows"):
        lf.kl_divergence(np.array([[0.25, 0.25]]), np.array([[0.5, 0.5]]))
    with pytest.raises(ValueError, match=r"each row of y_pred .*Normalise the rows"):
        lf.kl_divergence.grad(np.array([[0.5, 0.5]]), np.array([[0.7, 0.5]]))


@pytest.mark.parametrize("fn", _both(lf.sparse_categorical_crossentropy), ids=["loss", "grad"])
def test_sparse_labels_must_be_integers_in_range(fn):
    with pytest.raises(ValueError, match=r"y_true must hold integer class indices.*fractional"):
        fn(np.array([0.0, 1.5]), P3)
    with pytest.raises(ValueError, match=r"y_true holds class indices from 0 to 3.*\[0, 2\].*"
                                         r"Relabel the classes as 0\.\.2"):
        fn(np.array([0, 3]), P3)
    with pytest.raises(ValueError, match=r"class indices from -1 to 1"):
        fn(np.array([-1, 1]), P3)
    # float labels that are whole numbers are fine
    np.testing.assert_array_equal(fn(np.array([0.0, 2.0]), P3), fn(np.array([0, 2]), P3))


@pytest.mark.parametrize("fn", [f for g in MARGIN for f in _both(g)],
                         ids=_ids([f for g in MARGIN for f in _both(g)]))
@pytest.mark.parametrize("labels", [[1.0, 0.5], [2.0, 1.0], [-1.0, 0.0], [0.0, 0.0, 2.0]],
                         ids=["half", "two", "mixed_pm1_01", "zero_two"])
def test_margin_labels(fn, labels):
    with pytest.raises(ValueError, match=r"y_true must hold margin labels, all in \{-1, \+1\} "
                                         r"or all in \{0, 1\}.*np\.where\(y == positive, 1, -1\)"):
        fn(np.array(labels), np.zeros(len(labels)))


@pytest.mark.parametrize("fn", _both(lf.mean_squared_logarithmic_error), ids=["loss", "grad"])
def test_msle_domain(fn):
    for which in ("y_true", "y_pred"):
        args = {"y_true": np.array([0.5, 1.0]), "y_pred": np.array([0.5, 1.0])}
        args[which][0] = -1.0
        with pytest.raises(ValueError, match=rf"{which} must be greater than -1.*smallest "
                                             r"value is -1.*check the sign or the scaling"):
            fn(**args)
    assert np.isfinite(fn(np.array([-0.999]), np.array([0.0])))


@pytest.mark.parametrize("fn", _both(lf.huber), ids=["loss", "grad"])
@pytest.mark.parametrize("delta", [0.0, -1.0, np.nan, np.inf])
def test_huber_delta_must_be_positive(fn, delta):
    with pytest.raises(ValueError, match=r"delta must be a finite number > 0, got .*1\.0 is the "
                                         r"usual default"):
        fn(P3, P3, delta=delta)


@pytest.mark.parametrize("fn", _both(lf.huber), ids=["loss", "grad"])
def test_huber_delta_must_be_a_number(fn):
    with pytest.raises(TypeError, match=r"delta must be a real number, got '1'.*delta=1\.0"):
        fn(P3, P3, delta="1")


@pytest.mark.parametrize("fn", _both(lf.binary_crossentropy) + _both(lf.categorical_crossentropy),
                         ids=["bce", "bce.grad", "cce", "cce.grad"])
@pytest.mark.parametrize("ls", [-0.1, 1.5, np.nan])
def test_label_smoothing_range(fn, ls):
    t, p = _valid_pair(fn)
    with pytest.raises(ValueError, match=r"label_smoothing must lie in \[0, 1\].*1 replaces "
                                         r"every label"):
        fn(t, p, label_smoothing=ls)


def test_label_smoothing_must_be_a_number():
    with pytest.raises(TypeError, match=r"label_smoothing must be a real number"):
        lf.binary_crossentropy(P3, P3, label_smoothing="0.1")


def test_valid_edge_inputs_are_accepted():
    """Not over-eager: lists, integers, 0-d parameters, empty batches, exact 0/1 probs."""
    assert lf.mse([[1, 2]], [[1, 4]])[0] == 2.0
    assert lf.huber(P3, P3, delta=np.float32(2.0)).shape == (2,)
    assert lf.mse(np.zeros((0, 3)), np.zeros((0, 3))).shape == (0,)
    assert np.isfinite(lf.binary_crossentropy([[0.0, 1.0]], [[0.0, 1.0]])).all()
    assert lf.categorical_crossentropy(P3, P3 * (1 + 5e-5)).shape == (2,)  # within 1e-4


@pytest.mark.parametrize("fn", _both(lf.binary_focal_crossentropy)
                         + _both(lf.categorical_focal_crossentropy),
                         ids=["bfce", "bfce.grad", "cfce", "cfce.grad"])
def test_focal_parameters(fn):
    t, p = np.eye(3)[[0, 1]] * 0.9 + 0.1 / 3, P3
    with pytest.raises(ValueError, match=r"gamma must be a finite number >= 0, got -1\.0.*"
                                         r"gamma = 0 gives plain cross-entropy"):
        fn(t, p, gamma=-1.0)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\], got 1\.5"):
        fn(t, p, alpha=1.5)
    if "binary" in fn.__name__:
        with pytest.raises(TypeError, match=r"apply_class_balancing must be True or False"):
            fn(t, p, apply_class_balancing="yes")


@pytest.mark.parametrize("fn", _both(lf.quantile_loss), ids=["loss", "grad"])
@pytest.mark.parametrize("q", [0.0, 1.0, -0.5, 2.0, np.nan])
def test_quantile_must_lie_strictly_between_0_and_1(fn, q):
    with pytest.raises(ValueError, match=r"quantile must lie in \(0, 1\), got .*0\.1 and "
                                         r"0\.9 bound an 80 % prediction interval"):
        fn(P3, P3, quantile=q)


@pytest.mark.parametrize("fn", _both(lf.poisson) + _both(lf.poisson_log_rate),
                         ids=["poisson", "poisson.grad", "log_rate", "log_rate.grad"])
def test_poisson_counts_must_be_nonnegative(fn):
    with pytest.raises(ValueError, match=r"y_true must be >= 0, but its smallest value is -1\. "
                                         r"Poisson targets are counts"):
        fn(np.array([[-1.0, 2.0]]), np.array([[1.0, 2.0]]))
    if fn.__name__.startswith("poisson.") or fn.__name__ == "poisson":
        with pytest.raises(ValueError, match=r"y_pred must be >= 0.*poisson_log_rate"):
            fn(np.array([[1.0, 2.0]]), np.array([[-0.5, 2.0]]))
    else:  # log-rates are any real numbers
        assert np.isfinite(fn(np.array([[1.0, 2.0]]), np.array([[-0.5, 2.0]]))).all()
