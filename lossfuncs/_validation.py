"""Input validation for every loss: one entry point, messages that say what to do.

:func:`validate` runs once per call, before any maths, on the arrays already converted to
the computing dtype. It checks each argument against the *domain* its loss declares in
the registry (real numbers, probabilities, distributions, margin labels, class indices,
...): finiteness first (one ``np.isfinite`` pass, which neither overflows nor warns;
the range domains fold it into their min/max passes; NaN and inf are counted only when
that fails), then the domain's own condition. Every error is a :class:`ValueError` (or
:class:`TypeError` for the wrong kind of input) naming the argument, the problem and the
fix. Values can only be checked on concrete numbers: inside ``jax.jit`` (so in every Keras
training step) only shapes and dtypes are checked; see each domain's ``traced``.

:func:`check_param` is the one checker of scalar parameters (``delta``,
``label_smoothing``, ``from_logits``, ...).
"""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np


def is_traced(x) -> bool:
    """True for a JAX tracer (inside ``jax.jit``, ``jax.grad``, Keras training)."""
    jax = sys.modules.get("jax")
    return jax is not None and isinstance(x, jax.core.Tracer)


# ------------------------------------------------------------------ finiteness


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
    """Raise unless the concrete array ``a`` is free of NaN and inf.

    One ``np.isfinite`` pass (it cannot overflow or warn, unlike a sum);
    the offending entries are counted and located only when it fails.
    """
    if a.dtype.kind != "f" or np.logical_and.reduce(np.isfinite(a), axis=None):
        return
    raise ValueError(_describe_nonfinite(a, name))


def _outside(a, name, inside):
    """``(lo, hi)``, the smallest and largest value of ``a``, when ``inside(lo, hi)``
    is false; None when it holds (an empty ``a`` is checked as ``(0, 0)``).

    Two passes that never overflow and carry a NaN through, so ``inside`` is false
    for NaN; NaN and inf then raise here, with :func:`check_finite`'s message.
    """
    lo, hi = (np.minimum.reduce(a, axis=None), np.maximum.reduce(a, axis=None)) \
        if a.size else (0, 0)
    if inside(lo, hi):
        return None
    check_finite(a, name)
    return lo, hi


# --------------------------------------------------------------------- domains


class Domain:
    """What one argument of a loss must hold. ``check`` raises on concrete values;
    ``prepare`` maps valid values to what the kernel expects (identity by default);
    ``traced`` returns a mask of valid rows under ``jax.jit`` where that is cheap."""

    description = "finite real numbers"
    maps = False  # True where ``prepare`` changes the values

    def check(self, a, name, eps, n_classes=None):
        check_finite(a, name)

    def prepare(self, xp, a, concrete):
        return a

    def traced(self, xp, a, n_classes):
        return None

    def __repr__(self):
        return self.description


REAL = Domain()


class AboveMinusOne(Domain):
    description = "real numbers > -1"

    def check(self, a, name, eps, n_classes=None):
        bad = _outside(a, name, lambda lo, hi: lo > -1 and hi < math.inf)
        if bad:
            lo, _ = bad
            raise ValueError(
                f"{name} must be greater than -1 for log1p({name}) to be defined, but its "
                f"smallest value is {lo:g}. MSLE is meant for non-negative quantities "
                f"(counts, prices): check the sign or the scaling of {name}."
            )


class NonNegative(Domain):
    description = "real numbers >= 0"

    def __init__(self, fix):
        self.fix = fix

    def check(self, a, name, eps, n_classes=None):
        bad = _outside(a, name, lambda lo, hi: lo >= 0 and hi < math.inf)
        if bad:
            lo, _ = bad
            raise ValueError(
                f"{name} must be >= 0, but its smallest value is {lo:g}. {self.fix}"
            )


class Probabilities(Domain):
    description = "probabilities in [0, 1]"

    def __init__(self, fix):
        self.fix = fix

    def check(self, a, name, eps, n_classes=None):
        bad = _outside(a, name, lambda lo, hi: lo >= 0 and hi <= 1)
        if bad:
            lo, hi = bad
            raise ValueError(
                f"{name} must hold probabilities in [0, 1], but its values range from "
                f"{lo:g} to {hi:g}. {self.fix}"
            )


class Distributions(Probabilities):
    """Rows (last axis) of probabilities summing to 1, within a tolerance that grows with
    the number of classes and the input's precision (float16 rounding alone moves a row
    sum of 3 classes by 2.4e-4)."""

    description = "probability distributions (rows summing to 1)"

    def __init__(self, fix, sum_fix):
        self.fix = fix
        self.sum_fix = sum_fix

    def check(self, a, name, eps, n_classes=None):
        super().check(a, name, eps)
        if not a.size:
            return
        # row sums in float64; einsum runs along short rows much faster
        # than np.sum
        sums = np.einsum("...i->...", a, dtype=np.float64, casting="same_kind")
        err = np.abs(sums - 1)
        if err.max() <= max(1e-4, a.shape[-1] * eps):
            return
        where = np.unravel_index(int(np.argmax(err)), err.shape)
        row = where[0] if len(where) == 1 else where
        raise ValueError(
            f"each row of {name} must be a probability distribution summing to 1, but row "
            f"{row} sums to {float(sums[where]):.6g}. {self.sum_fix.format(name=name)}"
        )


class MarginLabels(Domain):
    """Labels all in {-1, +1}, or all in {0, 1} (mapped to 2 y - 1 as Keras's hinge does,
    decided over the whole batch)."""

    description = "labels in {-1, +1} (or all in {0, 1})"
    maps = True

    def check(self, a, name, eps, n_classes=None):
        n_pos = np.count_nonzero(a == 1)  # counting passes: no full-size temporaries
        if n_pos + np.count_nonzero(a == -1) == a.size:
            return
        if n_pos + np.count_nonzero(a == 0) == a.size:
            return
        check_finite(a, name)
        values = np.unique(a)
        shown = ", ".join(f"{v:g}" for v in values[:6]) + (", ..." if values.size > 6 else "")
        raise ValueError(
            f"{name} must hold margin labels, all in {{-1, +1}} or all in {{0, 1}}, but it "
            f"holds {shown}. Encode the positive class as +1 and the negative class as -1 "
            f"(e.g. np.where(y == positive, 1, -1))."
        )

    def prepare(self, xp, a, concrete):
        if concrete is None:  # traced: the same mapping as Keras, decided on the tensor
            return xp.where(xp.all((a == 0) | (a == 1)), 2 * a - 1, a)
        # valid labels hold a 0 only when they are all in {0, 1}
        return 2 * a - 1 if np.count_nonzero(concrete == 0) else a


class ClassIndices(Domain):
    """Integer class labels in [0, C) for C = y_pred.shape[-1]."""

    description = "integer class indices in [0, C)"

    def check(self, a, name, eps, n_classes=None):
        check_finite(a, name)
        if not a.size:
            return
        if a.dtype.kind == "f" and not np.array_equal(a, np.floor(a)):
            raise ValueError(
                f"{name} must hold integer class indices, but some values have a fractional "
                f"part. For probability targets use categorical_crossentropy."
            )
        lo, hi = a.min(), a.max()
        if lo < 0 or hi >= n_classes:
            raise ValueError(
                f"{name} holds class indices from {lo:g} to {hi:g}, but y_pred has "
                f"{n_classes} classes, so indices must lie in [0, {n_classes - 1}]. "
                f"Relabel the classes as 0..{n_classes - 1}, or give y_pred one column per "
                f"class."
            )

    def traced(self, xp, a, n_classes):
        return (a >= 0) & (a < n_classes)  # a label -1 must not wrap to the last class


# ----------------------------------------------------------------- entry point


def validate(domains, arrays, names, eps):
    """Check each concrete array against its domain, then map it for the kernel.

    ``domains``, ``arrays`` and ``names`` run in parallel (y_true first, y_pred last);
    ``eps`` is the precision of the input, for tolerances. Traced arrays skip the value
    checks (and only get the mapping). Returns the mapped arrays.
    """
    n_classes = arrays[-1].shape[-1]
    # (y_true and y_pred, or p alone; no check overflows or warns)
    if type(arrays[0]) is np.ndarray and type(arrays[-1]) is np.ndarray:
        for domain, a, name in zip(domains, arrays, names):  # the usual case
            domain.check(a, name, eps, n_classes)
        if not any(d.maps for d in domains):
            return arrays
        return [d.prepare(np, a, a) for d, a in zip(domains, arrays)]
    concrete = [None if is_traced(a) else np.asarray(a) for a in arrays]
    for domain, c, name in zip(domains, concrete, names):
        if c is not None:
            domain.check(c, name, eps, n_classes)
    return [d.prepare(xp_of(a), a, c) for d, a, c in zip(domains, arrays, concrete)]


def xp_of(a):
    """NumPy for NumPy arrays, ``jax.numpy`` for JAX arrays and tracers."""
    if isinstance(a, np.ndarray):
        return np
    import jax.numpy as jnp

    return jnp


# ---------------------------------------------------------------------- shapes


def shape_message(y_true, y_pred):
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


def check_rank(a, name):
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


def sparse_shape_message(y_true, y_pred):
    batch = tuple(y_pred.shape[:-1])
    hint = ""
    if tuple(y_true.shape) == tuple(y_pred.shape):
        hint = (
            " It looks one-hot encoded: use categorical_crossentropy, or pass "
            "np.argmax(y_true, axis=-1)."
        )
    return (
        f"y_true has shape {tuple(y_true.shape)} but y_pred has shape "
        f"{tuple(y_pred.shape)}; sparse labels need y_pred's shape without the class "
        f"axis, {batch}, or {batch + (1,)}.{hint}"
    )


# ------------------------------------------------------------------ parameters


def _range_text(p):
    if p.high is None:
        return f"be a finite number {'>' if p.low_open else '>='} {p.low:g}"
    return (f"lie in {'(' if p.low_open else '['}{p.low:g}, {p.high:g}"
            f"{')' if p.high_open else ']'}")


def check_param(p, value):
    """Check the scalar parameter ``value`` against its declaration ``p``
    (a :class:`lossfuncs.registry.Param`) and return it, as a float for real numbers.

    Booleans are accepted only where ``p`` is a flag (``from_logits``), and flags only as
    booleans. A traced JAX scalar (a parameter of a jitted or differentiated function) is
    accepted as it is: its value cannot be checked.
    """
    if p.kind == "bool":
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise TypeError(
            f"{p.name} must be True or False, got {value!r} of type {type(value).__name__}; "
            f"it chooses the formula, e.g. {p.name}=True."
        )
    if is_traced(value):
        return value
    if isinstance(value, (bool, np.bool_)) or not (
        isinstance(value, numbers.Real)
        or (getattr(value, "shape", None) == () and np.dtype(getattr(value, "dtype", object)).kind in "iuf")
    ):
        raise TypeError(
            f"{p.name} must be a real number, got {value!r} of type {type(value).__name__}. "
            f"Pass a plain float, e.g. {p.name}={p.default!r}."
        )
    v = float(value)
    ok = np.isfinite(v) and (v > p.low if p.low_open else v >= p.low)
    if p.high is not None:
        ok = ok and (v < p.high if p.high_open else v <= p.high)
    if not ok:
        raise ValueError(f"{p.name} must {_range_text(p)}, got {v!r}. {p.fix}")
    return v
