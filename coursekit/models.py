"""Small Keras models and a seeded training loop for the course's demos.

Keras is imported lazily, on first use. The backend is JAX (set by
``lossfuncs/__init__.py`` unless ``KERAS_BACKEND`` says otherwise).
"""

from __future__ import annotations

import numpy as np


def _keras():
    import keras

    return keras


def linear_model(n_features, n_outputs=1, *, seed=0):
    """A single Dense layer: linear regression, or a linear classifier's scores."""
    keras = _keras()
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(n_outputs)])


def mlp(n_features, n_outputs=1, *, hidden=16, activation=None, seed=0):
    """A one-hidden-layer perceptron (ReLU), with an optional output activation."""
    keras = _keras()
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((n_features,)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(n_outputs, activation=activation),
    ])


def fit(model, X, y, loss, *, epochs=50, learning_rate=0.05, batch_size=32,
        optimizer="adam", seed=0):
    """Compile ``model`` with ``loss`` and train it; return the per-epoch training loss.

    Args:
        model: a Keras model (e.g. from :func:`linear_model` or :func:`mlp`).
        X, y: training data (NumPy arrays).
        loss: the training loss, e.g. ``lossfuncs.huber`` or a ``lambda`` fixing its
            keyword arguments.
        epochs, learning_rate, batch_size: training settings.
        optimizer: ``"adam"`` or ``"sgd"``.
        seed: seeds Keras, NumPy and the shuffling, so results are reproducible.

    Returns:
        A NumPy array with the mean training loss of each epoch.
    """
    keras = _keras()
    keras.utils.set_random_seed(seed)
    opt = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[optimizer]
    # One compiled call per epoch (same updates as step by step, less Python overhead).
    steps = -(-len(X) // batch_size)
    model.compile(optimizer=opt(learning_rate=learning_rate), loss=loss,
                  steps_per_execution=steps)
    history = model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=True)
    return np.asarray(history.history["loss"])


def predict(model, X):
    """Model outputs as a NumPy array (no progress bar)."""
    return np.asarray(model.predict(X, verbose=0))


def fit_linear(loss, X, y, *, l2=0.0, **loss_kwargs):
    """Fit a linear score ``f(x) = x @ w + b`` by minimising the mean training loss.

    The objective is ``mean_i loss(y_i, f(x_i)) + l2 * ||w||^2`` (the bias is not
    penalised), minimised with SciPy's L-BFGS using the loss's own ``.grad`` and the
    chain rule ``dJ/dw = X^T g / N + 2 l2 w``, ``dJ/db = sum(g) / N``. NumPy only:
    no Keras start-up, and the result does not depend on a learning rate.

    Args:
        loss: a ``lossfuncs`` loss (with ``.grad``), applied to one output per sample.
        X: ``(N, d)`` features.
        y: ``(N,)`` targets or labels.
        l2: weight of the squared-norm penalty on ``w``.
        **loss_kwargs: passed to the loss (e.g. ``delta=1.0``).

    Returns:
        ``(w, b)``: weights ``(d,)`` and bias (float).
    """
    from scipy.optimize import minimize

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    n, d = X.shape

    def objective(theta):
        w, b = theta[:d], theta[d]
        f = (X @ w + b)[:, None]
        g = np.asarray(loss.grad(y, f, **loss_kwargs))[:, 0] / n
        value = float(np.mean(loss(y, f, **loss_kwargs))) + l2 * float(w @ w)
        return value, np.append(X.T @ g + 2 * l2 * w, g.sum())

    result = minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B",
                      options={"maxiter": 2000, "gtol": 1e-10, "ftol": 1e-14})
    return result.x[:d], float(result.x[d])


def train_jax(risk, params, *, steps=100, learning_rate=0.1):
    """Plain full-batch gradient descent on ``risk(params)`` with JAX.

    ``risk`` maps the parameters (an array or a tuple/list/dict of arrays) to the
    scalar training loss, typically the mean of a ``lossfuncs`` loss over the data.
    Each step computes the loss and its gradient with ``jax.value_and_grad``
    (compiled once) and moves every parameter by ``-learning_rate * gradient``.

    Returns:
        ``(params, history)``: the trained parameters and a NumPy array with the
        loss before each step.
    """
    import jax

    value_and_grad = jax.jit(jax.value_and_grad(risk))
    history = []
    for _ in range(steps):
        value, grads = value_and_grad(params)
        history.append(float(value))
        params = jax.tree_util.tree_map(lambda p, g: p - learning_rate * g,
                                        params, grads)
    return params, np.asarray(history)
