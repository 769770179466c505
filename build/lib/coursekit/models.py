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
