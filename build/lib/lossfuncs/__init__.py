"""lossfuncs: loss functions for neural networks, exact, stable and tested.

Every loss takes ``(y_true, y_pred, ...)`` with the meaning of the ``keras.losses``
function of the same name: it returns the per-sample loss, reduced over the last axis.
NumPy arrays in give NumPy results at ``y_pred``'s float precision; Keras (JAX) tensors
in give tensors out, so each function also serves as a Keras training loss::

    model.compile(optimizer="adam", loss=lossfuncs.huber)

Every loss carries its analytic gradient as ``loss.grad(y_true, y_pred, ...)``: the
gradient of the sum of the per-sample losses with respect to ``y_pred``.
"""

import os

# Keras reads its backend once, at first import: default to JAX (CPU) unless the
# user chose otherwise.
os.environ.setdefault("KERAS_BACKEND", "jax")

from lossfuncs._ops import EPSILON  # noqa: E402
from lossfuncs.margin import exponential_loss, hinge, logistic_loss  # noqa: E402
from lossfuncs.probabilistic import (  # noqa: E402
    binary_crossentropy,
    categorical_crossentropy,
    entropy,
    kl_divergence,
    sparse_categorical_crossentropy,
)
from lossfuncs.regression import (  # noqa: E402
    huber,
    log_cosh,
    mean_absolute_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)

#: Short aliases, as in keras.losses.
mse = mean_squared_error
mae = mean_absolute_error
msle = mean_squared_logarithmic_error

REGRESSION_LOSSES = (
    mean_squared_error,
    mean_absolute_error,
    mean_squared_logarithmic_error,
    huber,
    log_cosh,
)
PROBABILISTIC_LOSSES = (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    kl_divergence,
)
MARGIN_LOSSES = (hinge, exponential_loss, logistic_loss)

__version__ = "1.0.0"

__all__ = [
    "EPSILON",
    "MARGIN_LOSSES",
    "PROBABILISTIC_LOSSES",
    "REGRESSION_LOSSES",
    "binary_crossentropy",
    "categorical_crossentropy",
    "entropy",
    "exponential_loss",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "logistic_loss",
    "mae",
    "mean_absolute_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "sparse_categorical_crossentropy",
]
