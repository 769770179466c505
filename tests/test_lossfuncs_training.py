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


# ------------------------------------------------------- from zero initialisation


def _link(case):
    """What a linear model's scores z become before the loss: probabilities, rows of
    probabilities, or the scores themselves."""
    import jax
    import jax.numpy as jnp

    from lossfuncs import _validation as v

    if case.from_logits or case.spec.y_pred is v.REAL:
        return lambda z: z
    if isinstance(case.spec.y_pred, v.Distributions):
        return lambda z: jax.nn.softmax(z, axis=-1)
    if isinstance(case.spec.y_pred, v.Probabilities):
        return jax.nn.sigmoid
    if isinstance(case.spec.y_pred, v.NonNegative):
        return jnp.exp
    return lambda z: z


def test_training_from_zero_initialisation_moves_the_weights(case):
    """Three gradient steps of a zero-initialised linear model, with jax.grad of the loss:
    the weights leave 0 and the loss goes down (at logits 0 and at the uniform softmax,
    both ties, autodiff used to give 0 or a scaled gradient)."""
    import jax
    import jax.numpy as jnp

    if case.spec.y_true is None:
        pytest.skip("entropy has no target: it is not a training loss")
    rng = np.random.default_rng(0)
    n_out = 1 if case.spec.elementwise else 3
    t, _ = case.sample(rng, (32, n_out))
    x = jnp.asarray(rng.normal(size=(32, 4)))
    link = _link(case)

    def objective(w):
        return jnp.mean(case(jnp.asarray(t), link(x @ w)))

    w = jnp.zeros((4, n_out))
    losses = []
    for _ in range(3):
        value, g = jax.value_and_grad(objective)(w)
        losses.append(float(value))
        w = w - 0.1 * g
    assert float(jnp.abs(w).max()) > 1e-4, case.name
    assert float(objective(w)) < losses[0], (case.name, losses)


@pytest.mark.parametrize("loss", ["bce_logits", "logistic"])
def test_keras_dense_zero_init_trains_like_keras_own_loss(loss):
    x, s = _data(8)
    y01 = (s > 0).astype("float32")
    ours = (lambda t, p: lf.binary_crossentropy(t, p, from_logits=True)) if loss == "bce_logits" \
        else (lambda t, p: lf.logistic_loss(2 * t - 1, p))
    weights = []
    for fn in (ours, keras.losses.BinaryCrossentropy(from_logits=True)):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((D,)),
                                  keras.layers.Dense(1, kernel_initializer="zeros")])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss=fn)
        model.fit(x, y01[:, None], epochs=1, batch_size=N, verbose=0)
        weights.append(np.asarray(model.layers[0].kernel))
    assert np.abs(weights[0]).max() > 0.01
    np.testing.assert_allclose(weights[0], weights[1], rtol=1e-5, atol=1e-7)


def test_losses_serve_as_keras_metrics_with_targets_n_and_outputs_n1():
    x, s = _data(9)
    model = keras.Sequential([keras.Input((D,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=[lf.mae, lf.huber])
    history = model.fit(x, s, epochs=1, batch_size=32, verbose=0).history
    assert np.isfinite(history["mean_absolute_error"][0])
    assert np.isfinite(history["huber"][0])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside Keras's saving code
def test_a_saved_model_reloads_with_its_lossfuncs_loss(tmp_path):
    x, s = _data(10)
    model = keras.Sequential([keras.Input((D,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss=lf.huber)
    model.fit(x, s, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    again = keras.models.load_model(tmp_path / "m.keras",
                                    custom_objects={"lossfuncs>Loss": lf.Loss})
    assert again.loss is lf.huber
    again.fit(x, s, epochs=1, verbose=0)
