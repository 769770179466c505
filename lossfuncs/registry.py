"""The one list of losses: :data:`LOSSES`.

Each :class:`LossSpec` says everything the rest of the package (and its tests, benchmarks
and API page) needs to know about a loss: its public name, family, Keras counterpart, the
domain of each argument, its kernel and gradient kernel (and the from-logits pair where
Keras has ``from_logits``), its scalar parameters, and the documented subgradients at its
kinks. :mod:`lossfuncs` builds its public functions from it; adding a loss means writing
its kernels and one entry here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

from lossfuncs import _validation as v
from lossfuncs.kernels import margin, probabilistic, regression


@dataclass(frozen=True)
class Param:
    """A scalar parameter: its default, its kind (``"real"`` or ``"bool"``), the range of
    valid values (``low``/``high``, open or closed) and the advice when it is out of range."""

    name: str
    default: object
    fix: str = ""
    kind: str = "real"
    low: float = -math.inf
    high: float | None = None
    low_open: bool = False
    high_open: bool = False


@dataclass(frozen=True)
class LossSpec:
    """One loss. ``elementwise`` kernels give one value per element, averaged over the last
    axis; the others give one value per row. ``logits`` is the ``(kernel, grad)`` pair used
    with ``from_logits=True`` (whose ``y_pred`` domain is then the real numbers).
    ``passes`` (``logits_passes``) names the transcendental NumPy functions the formula
    needs over every element, the cost floor the benchmarks compare the kernel with."""

    name: str
    family: str
    keras: str | None
    summary: str
    kernel: Callable
    grad: Callable
    y_true: v.Domain | None
    y_pred: v.Domain
    params: tuple[Param, ...] = ()
    elementwise: bool = True
    logits: tuple[Callable, Callable] | None = None
    aliases: tuple[str, ...] = ()
    kinks: str = ""
    keras_differences: str = ""
    example: str = ""
    passes: tuple[str, ...] = ()
    logits_passes: tuple[str, ...] = ()

    @functools.cached_property
    def args(self):
        """The array arguments' names."""
        return ("p",) if self.y_true is None else ("y_true", "y_pred")

    @functools.cached_property
    def sparse(self):
        """True for integer class labels."""
        return isinstance(self.y_true, v.ClassIndices)

    def all_params(self):
        """The parameters in call order: ``from_logits`` first where there is a logits pair,
        unless ``params`` places it (Keras's order for the focal losses)."""
        if not self.logits or FROM_LOGITS in self.params:
            return self.params
        return (FROM_LOGITS,) + self.params

    @functools.cached_property
    def kernel_params(self):
        """The parameters the kernels take, in order (``from_logits`` chooses the kernel)."""
        return tuple(p for p in self.params if p is not FROM_LOGITS)


# ------------------------------------------------------------------ parameters

FROM_LOGITS = Param("from_logits", False, kind="bool")
LABEL_SMOOTHING = Param(
    "label_smoothing", 0.0, low=0.0, high=1.0,
    fix="Typical values are 0 (off) to 0.2; 1 replaces every label by the uniform "
        "distribution.")
DELTA = Param(
    "delta", 1.0, low=0.0, low_open=True,
    fix="delta is the residual size where Huber turns from quadratic to linear; 1.0 is "
        "the usual default.")
BASE = Param("base", math.e, low=1.0, low_open=True,
             fix="Use base=2 for bits or base=math.e for nats.")
APPLY_CLASS_BALANCING = Param("apply_class_balancing", False, kind="bool")
ALPHA = Param("alpha", 0.25, low=0.0, high=1.0,
              fix="alpha weighs the positive class (the negatives get 1 - alpha); 0.25 is "
                  "the usual default.")
GAMMA = Param("gamma", 2.0, low=0.0,
              fix="gamma = 0 gives plain cross-entropy; 2.0 is the usual default.")
QUANTILE = Param("quantile", 0.5, low=0.0, high=1.0, low_open=True, high_open=True,
                 fix="quantile=0.5 gives half the mean absolute error (the median); 0.1 and "
                     "0.9 bound an 80 % prediction interval.")

# --------------------------------------------------------------------- domains

LOGITS_FIX = ("If these are raw scores (logits), pass from_logits=True; otherwise apply a "
              "sigmoid or softmax first.")
TARGET_FIX = ("Targets are probabilities: encode the classes as 0 and 1 (for labels in "
              "{-1, +1} use (y + 1) / 2, or the margin losses hinge / logistic_loss).")
DISTRIBUTION_FIX = "Pass probability distributions: apply a softmax to raw scores first."
NORMALISE_FIX = "Normalise the rows: {name} / {name}.sum(axis=-1, keepdims=True)."
ROWS_LOGITS_FIX = ("If these are raw scores (logits), pass from_logits=True; otherwise "
                   "normalise the rows (e.g. with a softmax).")

TARGETS = v.Probabilities(TARGET_FIX)
PREDICTED_PROBABILITIES = v.Probabilities(LOGITS_FIX)
PREDICTED_DISTRIBUTIONS = v.Distributions(LOGITS_FIX, ROWS_LOGITS_FIX)
DISTRIBUTIONS = v.Distributions(DISTRIBUTION_FIX, NORMALISE_FIX)
COUNTS = v.NonNegative("Poisson targets are counts (or rates) >= 0: check the sign of y_true.")
RATES = v.NonNegative("Poisson predictions are rates >= 0: apply exp or softplus to raw "
                      "outputs first, or use poisson_log_rate, which takes log-rates.")

ROWS_NOT_NORMALISED = ("Rows of y_pred that do not sum to 1 raise a ValueError (Keras "
                       "silently renormalises them).")

# ---------------------------------------------------------------------- losses

LOSSES: tuple[LossSpec, ...] = (
    LossSpec(
        "mean_squared_error", "regression", "mean_squared_error",
        "Mean squared error: the mean over the last axis of (y_pred - y_true)^2.",
        regression.squared_error, regression.squared_error_grad, v.REAL, v.REAL,
        aliases=("mse",),
        example=">>> lf.mse([[0.0, 1.0]], [[1.0, 1.0]])\narray([0.5])"),
    LossSpec(
        "mean_absolute_error", "regression", "mean_absolute_error",
        "Mean absolute error: the mean over the last axis of abs(y_pred - y_true).",
        regression.absolute_error, regression.absolute_error_grad, v.REAL, v.REAL,
        aliases=("mae",), kinks="At a zero residual the gradient is the subgradient 0.",
        example=">>> lf.mae([[0.0, 1.0]], [[1.0, 3.0]])\narray([1.5])"),
    LossSpec(
        "mean_squared_logarithmic_error", "regression", "mean_squared_logarithmic_error",
        "Mean squared logarithmic error: the mean squared difference of log(1 + y).",
        regression.squared_log_error, regression.squared_log_error_grad,
        v.AboveMinusOne(), v.AboveMinusOne(), aliases=("msle",), passes=("log1p",),
        keras_differences="Values must be > -1 (a ValueError otherwise; NaN under jax.jit); "
                          "Keras clips both arguments to at least 1e-7 instead.",
        example=">>> lf.msle([[0.0, 3.0]], [[0.0, 1.0]])\narray([0.24022651])"),
    LossSpec(
        "huber", "regression", "huber",
        "Huber loss: quadratic for residuals up to delta, linear beyond.",
        regression.huber, regression.huber_grad, v.REAL, v.REAL, params=(DELTA,),
        kinks="Smooth everywhere (the two pieces meet with equal slopes at abs(r) = delta).",
        example=">>> lf.huber([[0.0, 0.0]], [[0.5, 3.0]])\narray([1.3125])"),
    LossSpec(
        "log_cosh", "regression", "log_cosh",
        "Log-cosh loss: the mean of log(cosh(y_pred - y_true)).",
        regression.log_cosh, regression.log_cosh_grad, v.REAL, v.REAL,
        passes=("expm1", "log1p"),
        example=">>> lf.log_cosh([[0.0, 0.0]], [[0.0, 1.0]])\narray([0.21689042])"),
    LossSpec(
        "binary_crossentropy", "probabilistic", "binary_crossentropy",
        "Binary cross-entropy (log loss), in nats, averaged over the last axis.",
        probabilistic.binary_crossentropy, probabilistic.binary_crossentropy_grad,
        TARGETS, PREDICTED_PROBABILITIES, params=(LABEL_SMOOTHING,),
        passes=("log", "log1p"), logits_passes=("exp", "log1p"),
        logits=(probabilistic.binary_crossentropy_from_logits,
                probabilistic.binary_crossentropy_from_logits_grad),
        kinks="Probabilities outside [1e-7, 1 - 1e-7] are clipped: the gradient there is 0.",
        keras_differences="y_true must lie in [0, 1] and y_pred too unless from_logits=True "
                          "(a ValueError; Keras accepts any value).",
        example=">>> lf.binary_crossentropy([[1.0, 0.0]], [[0.9, 0.2]])\n"
                "array([0.16425203])"),
    LossSpec(
        "categorical_crossentropy", "probabilistic", "categorical_crossentropy",
        "Categorical cross-entropy over the last (class) axis, in nats.",
        probabilistic.categorical_crossentropy, probabilistic.categorical_crossentropy_grad,
        TARGETS, PREDICTED_DISTRIBUTIONS, params=(LABEL_SMOOTHING,), elementwise=False,
        passes=("log1p",), logits_passes=("exp",),
        logits=(probabilistic.categorical_crossentropy_from_logits,
                probabilistic.categorical_crossentropy_from_logits_grad),
        kinks="Probabilities p / sum(p) outside [1e-7, 1 - 1e-7] are clipped: the gradient "
              "there is 0.",
        keras_differences=ROWS_NOT_NORMALISED,
        example=">>> lf.categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.1, 0.8, 0.1]])\n"
                "array([0.22314355])"),
    LossSpec(
        "sparse_categorical_crossentropy", "probabilistic", "sparse_categorical_crossentropy",
        "Categorical cross-entropy with integer class labels, in nats.",
        probabilistic.sparse_categorical_crossentropy,
        probabilistic.sparse_categorical_crossentropy_grad,
        v.ClassIndices(), PREDICTED_DISTRIBUTIONS, elementwise=False, logits_passes=("exp",),
        logits=(probabilistic.sparse_categorical_crossentropy_from_logits,
                probabilistic.sparse_categorical_crossentropy_from_logits_grad),
        keras_differences=ROWS_NOT_NORMALISED + " Labels outside [0, C) raise a ValueError; "
                          "under jax.jit they give NaN (a label -1 does not wrap around to "
                          "the last class).",
        example=">>> lf.sparse_categorical_crossentropy([1], [[0.1, 0.8, 0.1]])\n"
                "array([0.22314355])"),
    LossSpec(
        "kl_divergence", "probabilistic", "kl_divergence",
        "Kullback-Leibler divergence of y_pred from y_true over the last axis, in nats.",
        probabilistic.kl_divergence, probabilistic.kl_divergence_grad,
        DISTRIBUTIONS, DISTRIBUTIONS, elementwise=False, passes=("log1p",),
        kinks="Entries of y_pred below 1e-7 are clipped: the gradient there is 0.",
        keras_differences="Rows of y_true and y_pred that do not sum to 1 raise a ValueError "
                          "(Keras accepts them).",
        example=">>> lf.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])\narray([0.14384104])"),
    LossSpec(
        "binary_focal_crossentropy", "probabilistic", "binary_focal_crossentropy",
        "Binary focal cross-entropy: cross-entropy down-weighted where the prediction is "
        "already good, for imbalanced classes.",
        probabilistic.binary_focal_crossentropy,
        probabilistic.binary_focal_crossentropy_grad, TARGETS, PREDICTED_PROBABILITIES,
        params=(APPLY_CLASS_BALANCING, ALPHA, GAMMA, FROM_LOGITS, LABEL_SMOOTHING),
        logits=(probabilistic.binary_focal_crossentropy_from_logits,
                probabilistic.binary_focal_crossentropy_from_logits_grad),
        passes=("log", "log1p"), logits_passes=("exp", "log1p"),
        kinks="Probabilities outside [1e-7, 1 - 1e-7] are clipped in the cross-entropy "
              "factor only, as in Keras.",
        keras_differences="y_true must lie in [0, 1] and y_pred too unless from_logits=True "
                          "(a ValueError; Keras accepts any value). With from_logits=True the "
                          "loss is exact (no clipping of sigmoid(z) to [1e-7, 1 - 1e-7]).",
        example=">>> lf.binary_focal_crossentropy([[1.0, 0.0]], [[0.9, 0.2]])\n"
                "array([0.00498967])"),
    LossSpec(
        "categorical_focal_crossentropy", "probabilistic", "categorical_focal_crossentropy",
        "Categorical focal cross-entropy over the last (class) axis, in nats.",
        probabilistic.categorical_focal_crossentropy,
        probabilistic.categorical_focal_crossentropy_grad, TARGETS, PREDICTED_DISTRIBUTIONS,
        params=(ALPHA, GAMMA, FROM_LOGITS, LABEL_SMOOTHING), elementwise=False,
        logits=(probabilistic.categorical_focal_crossentropy_from_logits,
                probabilistic.categorical_focal_crossentropy_from_logits_grad),
        passes=("log1p",), logits_passes=("exp",),
        keras_differences=ROWS_NOT_NORMALISED + " With from_logits=True the loss is exact "
                          "(no clipping of softmax(z) to [1e-7, 1 - 1e-7]).",
        example=">>> lf.categorical_focal_crossentropy([[0.0, 1.0, 0.0]], [[0.1, 0.8, 0.1]])\n"
                "array([0.00223144])"),
    LossSpec(
        "poisson", "regression", "poisson",
        "Poisson loss for counts: the mean of y_pred - y_true log(y_pred + 1e-7).",
        regression.poisson, regression.poisson_grad, COUNTS, RATES, passes=("log",),
        example=">>> lf.poisson([[2.0, 0.0]], [[2.0, 0.5]])\narray([0.55685277])"),
    LossSpec(
        "poisson_log_rate", "regression", None,
        "Poisson loss of log-rates z (raw outputs): the mean of exp(z) - y_true z.",
        regression.poisson_log_rate, regression.poisson_log_rate_grad, COUNTS, v.REAL,
        passes=("exp",),
        keras_differences="keras.losses.poisson(y_true, exp(z)) gives the same up to its "
                          "1e-7 inside the logarithm; this form needs no exp before the loss.",
        example=">>> lf.poisson_log_rate([[2.0, 0.0]], [[0.0, 0.0]])\narray([1.])"),
    LossSpec(
        "quantile_loss", "regression", None,
        "Quantile (pinball) loss: the mean of max(q r, (q - 1) r), r = y_true - y_pred.",
        regression.pinball, regression.pinball_grad, v.REAL, v.REAL, params=(QUANTILE,),
        kinks="At a zero residual the gradient is the subgradient 0.",
        keras_differences="Not in keras.losses; sklearn.metrics.mean_pinball_loss(y, p, "
                          "alpha=q) is its mean over all elements.",
        example=">>> lf.quantile_loss([[1.0, 3.0]], [[2.0, 2.0]], quantile=0.9)\n"
                "array([0.5])"),
    LossSpec(
        "hinge", "margin", "hinge",
        "Hinge loss: the mean of max(0, 1 - y f) for labels y in {-1, +1}.",
        margin.hinge, margin.hinge_grad, v.MarginLabels(), v.REAL,
        kinks="At the kink y f = 1 the gradient is the subgradient 0.",
        keras_differences="Labels must be all in {-1, +1} or all in {0, 1} (a ValueError; "
                          "Keras accepts any value).",
        example=">>> lf.hinge([[1.0, -1.0]], [[0.5, -2.0]])\narray([0.25])"),
    LossSpec(
        "exponential_loss", "margin", None,
        "Exponential loss: the mean of exp(-y f) for labels y in {-1, +1}.",
        margin.exponential, margin.exponential_grad, v.MarginLabels(), v.REAL,
        passes=("exp",),
        example=">>> lf.exponential_loss([[1.0, -1.0]], [[0.0, 0.0]])\narray([1.])"),
    LossSpec(
        "logistic_loss", "margin", None,
        "Logistic loss: the mean of log(1 + exp(-y f)) for labels y in {-1, +1}.",
        margin.logistic, margin.logistic_grad, v.MarginLabels(), v.REAL,
        passes=("exp", "log1p"),
        example=">>> lf.logistic_loss([[1.0, -1.0]], [[0.0, 0.0]])\narray([0.69314718])"),
    LossSpec(
        "entropy", "probabilistic", None,
        "Shannon entropy of each row of p (0 log 0 = 0), in nats or in the given base.",
        probabilistic.entropy, probabilistic.entropy_grad, None, DISTRIBUTIONS,
        params=(BASE,), elementwise=False, passes=("log",),
        example=">>> lf.entropy([[0.5, 0.5]], base=2)\narray([1.])"),
)

BY_NAME = {spec.name: spec for spec in LOSSES}
