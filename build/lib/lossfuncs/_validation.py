"""Input validation for every loss: one place, messages that say what to do.

Every check raises :class:`ValueError` (or :class:`TypeError` for non-numeric input)
naming the argument, what is wrong with it and how to fix it. Value checks need
concrete numbers, so they run on NumPy arrays and concrete JAX arrays; inside a
traced Keras training step only shapes are checked.
"""

from __future__ import annotations

import sys

import numpy as np

from lossfuncs import _ops


def _is_traced(x) -> bool:
    jax = sys.modules.get("jax")
    return jax is not None and isinstance(x, jax.core.Tracer)


def _as_array(x, name):
    """Lists, tuples and scalars become NumPy arrays; arrays pass through untouched."""
    if hasattr(x, "__array_namespace__") or _is_traced(x):
        return x
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise TypeError(
            f"{name} could not be read as a numeric array ({exc}). "
            f"Pass a NumPy array or a rectangular list of numbers."
        ) from None
    return arr


def _check_numeric(x, name):
    try:
        kind = np.dtype(x.dtype).kind
    except TypeError:
        kind = "O"
    if kind not in "biuf":
        raise TypeError(
            f"{name} has dtype {x.dtype}, which is not a real number type. "
            f"Pass numbers, e.g. np.asarray({name}, dtype=float)."
        )


def _concrete(x):
    """NumPy view of ``x`` for value checks, or None when ``x`` is traced."""
    if _is_traced(x):
        return None
    return np.asarray(x)


def _describe_nonfinite(a, name):
    bad = ~np.isfinite(a)
    n_nan = int(np.count_nonzero(np.isnan(a)))
    n_inf = int(np.count_nonzero(bad)) - n_nan
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    where = first[0] if len(first) == 1 else first
    parts = [f"{n} {what}" for n, what in ((n_nan, "NaN"), (n_inf, "infinite")) if n]
    return (
        f"{name} contains {' and '.join(parts)} value(s) (first at index {where}). "
        f"Losses need finite numbers: remove or impute those entries before computing the loss."
    )


def check_finite(a, name):
    """Raise if the concrete array ``a`` holds NaN or inf.

    A single summation pass catches both (NaN and inf propagate through a sum); only
    when it is not finite (or overflowed) is the array scanned element by element.
    """
    if a is None or a.dtype.kind not in "fc":
        return
    if np.isfinite(np.sum(a)) or np.isfinite(a).all():
        return
    raise ValueError(_describe_nonfinite(a, name))


def _shape_message(y_true, y_pred):
    msg = (
        f"y_true has shape {tuple(y_true.shape)} but y_pred has shape {tuple(y_pred.shape)}; "
        f"they must be equal."
    )
    try:
        broadcast = np.broadcast_shapes(tuple(y_true.shape), tuple(y_pred.shape))
    except ValueError:
        broadcast = None
    if broadcast is not None:
        msg += (
            f" NumPy would silently broadcast them to {broadcast} and compare every "
            f"prediction with every target."
        )
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        msg += f" Drop y_pred's trailing axis: y_pred.reshape({tuple(y_true.shape)})."
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        msg += f" Drop y_true's trailing axis: y_true.reshape({tuple(y_pred.shape)})."
    else:
        msg += " Reshape one of them so that both describe the same samples."
    return msg


def _check_rank(a, name):
    if a.ndim == 0:
        raise ValueError(
            f"{name} is a scalar; losses reduce over the last axis, so pass at least a 1-D "
            f"array, e.g. np.atleast_1d({name})."
        )
    if a.shape[-1] == 0:
        raise ValueError(
            f"{name} has an empty last axis (shape {tuple(a.shape)}); the loss averages or "
            f"sums over the last axis, which needs at least one element."
        )


def prepare(y_true, y_pred, *, check_values=True):
    """Validate a (y_true, y_pred) pair of equal shapes and cast to one float dtype.

    Returns ``(xp, y_true, y_pred, concrete)`` where ``concrete`` is a pair of NumPy
    views for value checks, or ``None`` when the inputs are traced tensors.
    ``check_values=False`` defers the NaN/inf check to :func:`check_result`, for losses
    whose value is non-finite whenever an input is (it saves two passes over the data).
    """
    y_true = _as_array(y_true, "y_true")
    y_pred = _as_array(y_pred, "y_pred")
    _check_numeric(y_true, "y_true")
    _check_numeric(y_pred, "y_pred")
    _check_rank(y_pred, "y_pred")
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(_shape_message(y_true, y_pred))
    xp = _ops.namespace(y_true, y_pred)
    dtype = _ops.float_dtype(xp, y_pred)
    y_true = xp.astype(y_true, dtype, copy=False)
    y_pred = xp.astype(y_pred, dtype, copy=False)
    t, p = _concrete(y_true), _concrete(y_pred)
    concrete = None if t is None or p is None else (t, p)
    if concrete is not None and check_values:
        check_finite(t, "y_true")
        check_finite(p, "y_pred")
    return xp, y_true, y_pred, concrete


def check_result(value, concrete):
    """The deferred NaN/inf check of :func:`prepare`: when a loss computed with
    ``check_values=False`` is not finite, raise the inputs' own error (a non-finite value
    from finite inputs is a genuine overflow and is returned as it is)."""
    if concrete is not None and not np.isfinite(np.asarray(value)).all():
        check_finite(concrete[0], "y_true")
        check_finite(concrete[1], "y_pred")
    return value


def prepare_sparse(y_true, y_pred):
    """Validate integer class labels ``y_true`` against class scores ``y_pred``.

    ``y_true`` has ``y_pred``'s shape without the last (class) axis, or with a trailing
    axis of length 1. Returns ``(xp, labels, y_pred, concrete)`` with integer labels of
    shape ``y_pred.shape[:-1]``.
    """
    y_true = _as_array(y_true, "y_true")
    y_pred = _as_array(y_pred, "y_pred")
    _check_numeric(y_true, "y_true")
    _check_numeric(y_pred, "y_pred")
    _check_rank(y_pred, "y_pred")
    batch = tuple(y_pred.shape[:-1])
    if tuple(y_true.shape) == batch + (1,):
        y_true = y_true[..., 0]
    elif tuple(y_true.shape) != batch:
        hint = ""
        if tuple(y_true.shape) == tuple(y_pred.shape):
            hint = (
                " It looks one-hot encoded: use categorical_crossentropy, or pass "
                "np.argmax(y_true, axis=-1)."
            )
        raise ValueError(
            f"y_true has shape {tuple(y_true.shape)} but y_pred has shape "
            f"{tuple(y_pred.shape)}; sparse labels need y_pred's shape without the class "
            f"axis, {batch}, or {batch + (1,)}.{hint}"
        )
    xp = _ops.namespace(y_true, y_pred)
    y_pred = xp.astype(y_pred, _ops.float_dtype(xp, y_pred), copy=False)
    t, p = _concrete(y_true), _concrete(y_pred)
    concrete = None if t is None or p is None else (t, p)
    n_classes = y_pred.shape[-1]
    if concrete is not None:
        check_finite(t, "y_true")
        check_finite(p, "y_pred")
        if t.size:
            if t.dtype.kind == "f" and not np.array_equal(t, np.floor(t)):
                raise ValueError(
                    "y_true must hold integer class indices, but some values have a "
                    "fractional part. For probability targets use categorical_crossentropy."
                )
            lo, hi = t.min(), t.max()
            if lo < 0 or hi >= n_classes:
                raise ValueError(
                    f"y_true holds class indices from {lo:g} to {hi:g}, but y_pred has "
                    f"{n_classes} classes, so indices must lie in [0, {n_classes - 1}]. "
                    f"Relabel the classes as 0..{n_classes - 1}, or give y_pred one "
                    f"column per class."
                )
    labels = xp.astype(y_true, xp.int64 if _ops.is_numpy(xp) else xp.int32, copy=False)
    return xp, labels, y_pred, concrete


def check_probabilities(a, name, *, fix=None):
    """Raise unless every entry of the concrete array ``a`` lies in [0, 1].

    ``fix`` is the advice that ends the message; the default suits predictions
    (raw scores need ``from_logits=True``).
    """
    if a is None or a.size == 0:
        return
    lo, hi = a.min(), a.max()
    if lo >= 0 and hi <= 1:  # False for NaN too
        return
    check_finite(a, name)
    if fix is None:
        fix = (
            "If these are raw scores (logits), pass from_logits=True; otherwise apply a "
            "sigmoid or softmax first."
        )
    raise ValueError(
        f"{name} must hold probabilities in [0, 1], but its values range from {lo:g} to "
        f"{hi:g}. {fix}"
    )


TARGET_FIX = (
    "Targets are probabilities: encode the classes as 0 and 1 (for labels in {-1, +1} "
    "use (y + 1) / 2, or the margin losses hinge / logistic_loss)."
)

DISTRIBUTION_FIX = "Pass probability distributions: apply a softmax to raw scores first."


def check_rows_sum_to_one(p, name="y_pred", atol=1e-4, *, logits_hint=True):
    """Raise unless each row (last axis) of the concrete array ``p`` sums to 1."""
    if p is None or p.size == 0:
        return
    err = np.abs(np.sum(p, axis=-1, dtype=np.float64) - 1)
    if err.max() <= atol:
        return
    where = np.unravel_index(int(np.argmax(err)), err.shape)
    row = where[0] if len(where) == 1 else where
    total = float(np.sum(p, axis=-1, dtype=np.float64)[where])
    fix = (
        "If these are raw scores (logits), pass from_logits=True; otherwise normalise the "
        "rows (e.g. with a softmax)."
        if logits_hint
        else f"Normalise the rows: {name} / {name}.sum(axis=-1, keepdims=True)."
    )
    raise ValueError(
        f"each row of {name} must be a probability distribution summing to 1, but row "
        f"{row} sums to {total:.6g}. {fix}"
    )


def check_margin_labels(xp, y_true, concrete):
    """Map labels to {-1, +1}: labels all in {0, 1} become 2y - 1, as keras's hinge does.

    Concrete labels must be all in {-1, +1} or all in {0, 1}; anything else is an error.
    """
    if concrete is None:  # traced: same conversion as keras, no value check possible
        is_binary = xp.all((y_true == 0) | (y_true == 1))
        return xp.where(is_binary, 2 * y_true - 1, y_true)
    t = concrete[0]
    n_pos = np.count_nonzero(t == 1)  # counting passes: no full-size temporaries of t
    if n_pos + np.count_nonzero(t == -1) == t.size:
        return y_true
    if n_pos + np.count_nonzero(t == 0) == t.size:
        return 2 * y_true - 1
    check_finite(t, "y_true")
    values = np.unique(t)
    shown = ", ".join(f"{v:g}" for v in values[:6]) + (", ..." if values.size > 6 else "")
    raise ValueError(
        f"y_true must hold margin labels, all in {{-1, +1}} or all in {{0, 1}}, but it "
        f"holds {shown}. Encode the positive class as +1 and the negative class as -1 "
        f"(e.g. np.where(y == positive, 1, -1))."
    )


def _real_scalar(value, name):
    """``value`` as a Python float; TypeError naming ``name`` for anything else."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        if getattr(value, "shape", None) == () and np.dtype(
            getattr(value, "dtype", object)
        ).kind in "iuf":
            return float(value)  # 0-d array (NumPy or concrete JAX)
        raise TypeError(
            f"{name} must be a real number, got {value!r} of type {type(value).__name__}. "
            f"Pass a plain float, e.g. {name}=1.0."
        )
    return float(value)


def check_greater_than(value, name, bound, *, fix):
    """Raise unless the scalar parameter ``value`` exceeds ``bound``."""
    value = _real_scalar(value, name)
    if not np.isfinite(value) or not value > bound:
        raise ValueError(f"{name} must be a finite number > {bound:g}, got {value!r}. {fix}")
    return value


def check_label_smoothing(value):
    """Raise unless ``label_smoothing`` lies in [0, 1]."""
    value = _real_scalar(value, "label_smoothing")
    if not (0 <= value <= 1):
        raise ValueError(
            f"label_smoothing must lie in [0, 1], got {value!r}. Typical values are 0 "
            f"(off) to 0.2; 1 replaces every label by the uniform distribution."
        )
    return float(value)


def check_log_domain(a, name):
    """Raise unless every entry of the concrete array ``a`` exceeds -1 (log1p's domain)."""
    if a is None or a.size == 0:
        return
    lo = a.min()
    if lo > -1:
        return
    raise ValueError(
        f"{name} must be greater than -1 for log1p({name}) to be defined, but its smallest "
        f"value is {lo:g}. MSLE is meant for non-negative quantities (counts, prices): "
        f"check the sign or the scaling of {name}."
    )
