"""One regression test per defect of the reliability review (issue 15): the reproducers
give the right value or a clear error naming the argument and the fix."""

from __future__ import annotations

import pickle

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

import lossfuncs as lf
from lossfuncs.registry import LOSSES

ELEMENTWISE = [getattr(lf, s.name) for s in LOSSES if s.elementwise]


# F1, F2: autodiff at logits 0 and at ties -> test_lossfuncs_grad.py (SPECIAL) and
# test_lossfuncs_training.py (zero initialisation).


def test_f3_float16_perfect_predictions_and_one_hot_rows_are_finite():
    got = lf.binary_crossentropy(np.float16([[1.0, 0.0]]), np.float16([[1.0, 0.0]]))
    assert got.dtype == np.float32 and np.isfinite(got).all()
    np.testing.assert_allclose(got, lf.binary_crossentropy(np.float32([[1, 0]]),
                                                           np.float32([[1, 0]])))
    assert np.isfinite(lf.binary_crossentropy(np.float16([[0.0]]), np.float16([[1.0]]))).all()
    kl = lf.kl_divergence(np.float16([[1, 0, 0]]), np.float16([[0, 1, 0]]))
    np.testing.assert_allclose(kl, 16.118, rtol=1e-3)
    jb = lf.binary_crossentropy(jnp.array([[1, 0, 1]], jnp.float16),
                                jnp.array([[1, 0, 0]], jnp.float16))
    assert jb.dtype == jnp.float32 and np.isfinite(np.asarray(jb)).all()


@pytest.mark.parametrize("fn", ELEMENTWISE, ids=lambda f: f.__name__)
def test_f4_long_float16_rows_average_in_float32(fn):
    if fn.spec.family == "margin":
        t, p = np.ones((1, 70000), np.float16), np.zeros((1, 70000), np.float16)
    elif fn.spec.family == "probabilistic":
        t, p = np.ones((1, 70000), np.float16), np.full((1, 70000), 0.5, np.float16)
    else:
        t, p = np.zeros((1, 70000), np.float16), np.full((1, 70000), 0.01, np.float16)
    got = fn(t, p)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, fn(t[:, :1000], p[:, :1000]), rtol=1e-6)


def test_f5_float16_distributions_are_accepted():
    p = np.full((1, 3), 1 / 3, np.float16)
    t = np.float16([[1, 0, 0]])
    np.testing.assert_allclose(lf.categorical_crossentropy(t, p), np.log(3), rtol=1e-3)
    assert np.isfinite(lf.sparse_categorical_crossentropy([0], p)).all()
    assert np.isfinite(lf.kl_divergence(p, p)).all()
    np.testing.assert_allclose(lf.entropy(np.full((1, 10), 0.1, np.float16)), np.log(10),
                               rtol=1e-3)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_f6_np_matrix_is_a_plain_array():
    t, p = np.matrix([[1.0, -1.0], [-1.0, 1.0]]), np.matrix([[0.9, 0.2], [0.3, 0.6]])
    got = lf.hinge(t, p)
    assert type(got) is np.ndarray
    np.testing.assert_allclose(got, [0.65, 0.85])
    np.testing.assert_allclose(lf.mse(t, p), lf.mse(np.asarray(t), np.asarray(p)))
    q = np.matrix([[0.5, 0.5], [0.2, 0.8]])
    np.testing.assert_allclose(lf.categorical_crossentropy(np.matrix(np.eye(2)), q),
                               [np.log(2), -np.log(0.8)])


def test_f7_masked_arrays_are_refused_with_the_fix(case, rng):
    arrays = case.sample(rng, (2, 3))
    masked = np.ma.array(arrays[-1], mask=np.zeros(arrays[-1].shape, bool))
    for fn in (case, case.grad):
        with pytest.raises(TypeError, match=rf"{case.spec.args[-1]} is a masked array.*"
                                            r"\[~.*\.mask\]"):
            fn(*arrays[:-1], masked)


def test_f8_numpy_and_jax_mix_on_the_jax_side():
    got = lf.mse(np.zeros((1, 3), np.float32), jnp.ones((1, 3)))
    assert isinstance(got, jax.Array)
    np.testing.assert_allclose(np.asarray(got), [1.0])
    assert float(lf.mse([[0.0, 0.0, 0.0]], jnp.ones((1, 3)))[0]) == 1.0
    g = jax.grad(lambda q: lf.mse(np.zeros((1, 3), np.float32), q).sum())(jnp.ones((1, 3)))
    np.testing.assert_allclose(np.asarray(g), np.full((1, 3), 2 / 3), rtol=1e-6)
    labels = np.array([0, 1])
    got = lf.sparse_categorical_crossentropy(labels, jnp.zeros((2, 3)), from_logits=True)
    np.testing.assert_allclose(np.asarray(got), np.log(3), rtol=1e-6)


# F9 (Keras metrics with targets (n,) and outputs (n, 1)): test_lossfuncs_training.py and
# test_lossfuncs_validation.py (alignment).


def test_f10_overflowing_intermediates_give_the_finite_true_value():
    np.testing.assert_allclose(lf.mse(np.zeros((1, 2)), np.array([[1.4e154, 0.0]])),
                               [1.4e154 * (1.4e154 / 2)], rtol=1e-15)
    np.testing.assert_allclose(lf.mse(np.zeros((1, 2), np.float16), np.float16([[300, 0]])),
                               [45000.0])
    np.testing.assert_allclose(lf.mae(np.array([[-1e308, 0.0]]), np.array([[1e308, 0.0]])),
                               [1e308])
    np.testing.assert_allclose(lf.hinge(np.array([[1.0, -1.0]]),
                                        np.array([[-1.7e308, 1.7e308]])), [1.7e308])
    np.testing.assert_allclose(lf.exponential_loss(np.array([[1.0, 1.0]]),
                                                   np.array([[-709.9, 0.0]])),
                               [(np.exp(np.longdouble(709.9)) + 1) / 2], rtol=1e-14)
    assert lf.categorical_crossentropy(np.array([[1.0, 0, 0]]), np.array([[1e308, 0, -1e308]]),
                                       from_logits=True)[0] == 0.0
    np.testing.assert_allclose(lf.mse.grad(np.zeros((1, 2)), np.array([[1.7e308, 0.0]])),
                               [[1.7e308, 0.0]])
    assert lf.mse(np.zeros((1, 1)), np.array([[1.7e308]]))[0] == np.inf  # true value > max


def test_f11_kl_is_exact_near_equal_distributions():
    t = np.array([[0.1445341408252716, 0.3218507766723633, 0.3129390776157379,
                   0.22067603468894958]], np.float32)
    p = np.array([[0.14467965066432953, 0.3222272992134094, 0.31264734268188477,
                   0.22044573724269867]], np.float32)
    np.testing.assert_allclose(lf.kl_divergence(t, p), 5.4958712e-07, rtol=2e-6)
    with jax.enable_x64(True):
        got = lf.kl_divergence(
            jnp.array([[0.8219580056345742, 1.854633188537404e-07, 1.4269115114981875e-05,
                        0.1780275397869919]]),
            jnp.array([[0.8219576684406689, 1.8546329981436355e-07, 1.4269108553521153e-05,
                        0.1780278769874778]]))
        np.testing.assert_allclose(np.asarray(got), 3.8846783113843714e-13, rtol=2.5e-14)


def test_f11_kl_has_no_python_loop_over_classes():
    a = np.full((1, 1_000_000), 1e-6)
    np.testing.assert_array_equal(lf.kl_divergence(a, a), 0.0)  # seconds before, now ms


WITH_LOGITS = [getattr(lf, s.name) for s in LOSSES if s.logits]


@pytest.mark.parametrize("value", ["False", [], 2.5, np.array([True, False]), None])
@pytest.mark.parametrize("fn", WITH_LOGITS + [fn.grad for fn in WITH_LOGITS],
                         ids=lambda f: f.__name__)
def test_f12_from_logits_must_be_a_boolean(fn, value):
    with pytest.raises(TypeError, match=r"from_logits must be True or False.*from_logits=True"):
        fn([[1.0, 0.0]] if "sparse" not in fn.__name__ else [0], [[0.9, 0.1]],
           from_logits=value)


def test_f12_numpy_bool_is_accepted():
    assert np.isfinite(lf.binary_crossentropy([[1.0]], [[0.3]], from_logits=np.bool_(True)))


def test_f13_sparse_labels_out_of_range_are_nan_under_jit():
    f = jax.jit(lf.sparse_categorical_crossentropy)
    got = np.asarray(f(jnp.array([-1, 3, 1]), jnp.array([[0.2, 0.3, 0.5]] * 3)))
    assert np.isnan(got[:2]).all() and np.isfinite(got[2])
    g = np.asarray(jax.jit(lf.sparse_categorical_crossentropy.grad)(
        jnp.array([-1, 1]), jnp.array([[0.2, 0.3, 0.5]] * 2)))
    assert np.isnan(g[0]).all() and np.isfinite(g[1]).all()


def test_f13_msle_below_minus_one_is_nan_under_jit():
    got = jax.jit(lf.mean_squared_logarithmic_error)(np.array([[-5.0, -2.0, 6.0]], "f"),
                                                      np.array([[8.0, 1.0, 3.0]], "f"))
    assert np.isnan(np.asarray(got)).all()
    got = jax.jit(lf.msle)(jnp.array([[-5.0, -3.0]]), jnp.array([[-3.0, -4.0]]))
    assert np.isnan(np.asarray(got)).all()


@pytest.mark.parametrize("make", [lambda a: a.astype(ml_dtypes.bfloat16),
                                  lambda a: jnp.asarray(a, jnp.bfloat16)],
                         ids=["numpy", "jax"])
def test_f14_bfloat16_is_computed_in_float32(make):
    got = lf.mse(make(np.zeros((1, 2))), make(np.ones((1, 2))))
    assert np.asarray(got).dtype == np.float32 and float(np.asarray(got)[0]) == 1.0
    assert np.asarray(lf.binary_crossentropy(make(np.ones((1, 2))),
                                             make(np.full((1, 2), 0.5)))).dtype == np.float32


def test_f14_unsupported_machine_types_name_the_argument():
    with pytest.raises(TypeError, match=r"y_pred has dtype int4.*np\.asarray\(y_pred"):
        lf.mse(np.zeros((1, 2)), np.zeros((1, 2), ml_dtypes.int4))


def test_f15_messages_name_the_right_argument_and_problem():
    with pytest.raises(ValueError, match=r"^p contains 1 NaN"):
        lf.entropy(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match=r"y_true holds values up to 1e\+300, beyond the range "
                                         r"of float32.*y_pred\.astype\(np\.float64\)"):
        lf.mse(np.array([[1e300, 0.0]]), np.zeros((1, 2), np.float32))


@pytest.mark.parametrize("shape", [(3, 4), (300, 300)])
def test_f16_big_endian_inputs_equal_native(case, shape):
    arrays = case.sample(np.random.default_rng(0), shape)
    swapped = [a if a.dtype.kind == "i" else a.astype(">f8") for a in arrays]
    np.testing.assert_array_equal(case(*swapped), case(*arrays))
    np.testing.assert_array_equal(case.grad(*swapped), case.grad(*arrays))


def test_f18_jax_integers_with_x64_compute_in_float64():
    with jax.enable_x64(True):
        got = lf.mse(jnp.array([[16777217, 0]]), jnp.array([[0, 0]]))
        assert got.dtype == jnp.float64
        assert float(got[0]) == 16777217.0**2 / 2


def test_f19_sparse_labels_at_rank_64():
    labels = np.zeros((1,) * 62 + (2,), int)
    p = np.full((1,) * 62 + (2, 3), 1 / 3)
    got = lf.sparse_categorical_crossentropy(labels, p)
    assert got.shape == (1,) * 62 + (2,)
    np.testing.assert_allclose(got, np.log(3))


def test_traced_parameters_are_accepted():
    f = jax.jit(lambda t, p, d: lf.huber(t, p, delta=d))
    np.testing.assert_allclose(np.asarray(f(jnp.zeros((1, 3)), jnp.ones((1, 3)), 1.0)), [0.5])
    g = jax.jit(lambda t, p, s: lf.binary_crossentropy(t, p, label_smoothing=s))
    assert np.isfinite(np.asarray(g(jnp.ones((1, 3)), jnp.full((1, 3), 0.5), 0.1))).all()


def test_losses_and_gradients_pickle_to_themselves():
    for spec in LOSSES:
        fn = getattr(lf, spec.name)
        assert pickle.loads(pickle.dumps(fn)) is fn
        assert pickle.loads(pickle.dumps(fn.grad)) is fn.grad


def test_losses_have_names_signatures_and_docstrings():
    import inspect

    for spec in LOSSES:
        fn = getattr(lf, spec.name)
        assert fn.__name__ == spec.name and fn.grad.__name__ == f"{spec.name}.grad"
        params = list(inspect.signature(fn).parameters)
        assert params[: len(spec.args)] == list(spec.args)
        assert spec.summary in fn.__doc__ and ">>>" in fn.__doc__
