"""Each family of losses trains a small keras model (JAX backend): the loss goes down."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import lossfuncs as lf

N, D = 96, 4


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, D)).astype("float32")
    w = np.array([1.5, -2.0, 0.5, 1.0], "float32")
    return x, x @ w


def _trained(loss, x, y, units, activation=None):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((D,)), keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss)
    # one compiled train step only (no separate evaluate): full-batch steps, so each
    # epoch's loss is the loss of the whole data set before that step's update
    history = model.fit(x, y, epochs=12, batch_size=N, verbose=0).history["loss"]
    return history[0], history[-1]


def _check(before, after):
    assert np.isfinite(before) and np.isfinite(after)
    assert after < 0.8 * before, (before, after)


def test_regression_huber_trains():
    x, s = _data()
    _check(*_trained(lf.huber, x, s[:, None], 1))


def test_regression_log_cosh_trains_with_1d_targets():
    x, s = _data(1)
    _check(*_trained(lf.log_cosh, x, s, 1))  # keras expands (n,) to (n, 1)


def test_binary_crossentropy_from_logits_trains():
    x, s = _data(2)
    y = (s > 0).astype("float32")[:, None]
    _check(*_trained(lambda t, p: lf.binary_crossentropy(t, p, from_logits=True), x, y, 1))


def test_categorical_crossentropy_on_softmax_trains():
    x, s = _data(3)
    y = keras.utils.to_categorical(np.digitize(s, [-1.0, 1.0]), 3)
    _check(*_trained(lf.categorical_crossentropy, x, y, 3, "softmax"))


@pytest.mark.parametrize("label_shape", ["n", "n1"])
def test_sparse_categorical_crossentropy_trains_with_integer_labels(label_shape):
    x, s = _data(4)
    labels = np.digitize(s, [-1.0, 1.0])
    y = labels if label_shape == "n" else labels[:, None]
    loss = lambda t, p: lf.sparse_categorical_crossentropy(t, p, from_logits=True)  # noqa: E731
    _check(*_trained(loss, x, y, 3))


def test_hinge_trains_with_0_1_labels():
    x, s = _data(5)
    _check(*_trained(lf.hinge, x, (s > 0).astype("float32"), 1))  # (n,) labels in {0, 1}


def test_margin_losses_train_with_pm1_labels():
    x, s = _data(6)
    y = np.where(s > 0, 1.0, -1.0).astype("float32")[:, None]
    for loss in (lf.logistic_loss, lf.exponential_loss):
        _check(*_trained(loss, x, y, 1))


def test_kl_divergence_trains():
    x, s = _data(7)
    z = np.stack([s, -s, 0 * s], axis=-1)
    target = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    _check(*_trained(lf.kl_divergence, x, target.astype("float32"), 3, "softmax"))
