"""Exactness of lossfuncs, keras.losses and the naive formulas, against mpmath.

Shared by ``python -m benchmarks.run`` (the exactness table of ``make bench``) and the
appendix chapter. The cases are the registry's losses (and their ``from_logits``
variants); the references are :mod:`benchmarks.reference`, the naive formulas
:mod:`benchmarks.naive`; the input grids follow each argument's declared domain.

* **Relative error** of a computed value ``c`` against the true value ``v`` is
  ``|c - v| / |v|``, evaluated in mpmath, and only where ``v`` is a *normal* float64
  (``2.2e-308 <= |v| <= 1.8e308``): zero, subnormal, underflowing and overflowing
  true values have no meaningful relative error.
* **Non-finite results** count the points where ``v`` is finite in float64
  (``|v| <= 1.8e308``, zero included) but ``c`` is NaN or infinite (or the call raised).
* **keras** computes in float32 whatever the input (the JAX backend has no float64
  by default): its errors are reported against the same float64 references, so
  they include float32 rounding (unit roundoff 6e-8) and float32's range (inputs
  above 3.4e38 become inf). :func:`summary` also reports keras over the float32
  domain alone: points whose inputs are float32 numbers exactly and whose true value
  is a normal float32 number.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mpmath
import numpy as np

import lossfuncs as lf
from benchmarks import naive, reference
from benchmarks.reference import DIGITS, P_HI, P_LO
from lossfuncs import _validation as v
from lossfuncs.registry import LOSSES, LossSpec

#: Range of normal float64 and float32 numbers.
F64_TINY, F64_MAX = float(np.finfo(np.float64).tiny), float(np.finfo(np.float64).max)
F32_TINY, F32_MAX = float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max)

IMPLEMENTATIONS = ("lossfuncs", "keras", "naive")
#: keras batches are padded to this many samples (see :func:`compute`).
KERAS_BATCH = 512


@dataclass(frozen=True)
class Case:
    """One loss of the registry, with or without ``from_logits``."""

    spec: LossSpec
    from_logits: bool = False

    @property
    def name(self):
        return self.spec.name + ("_from_logits" if self.from_logits else "")

    @property
    def kernel(self):
        return self.spec.logits[0] if self.from_logits else self.spec.kernel

    @property
    def passes(self):
        """The transcendental functions the formula needs over every element."""
        return self.spec.logits_passes if self.from_logits else self.spec.passes

    @property
    def kwargs(self):
        return {"from_logits": True} if self.from_logits else {}

    def lossfuncs(self, t, p):
        fn = getattr(lf, self.spec.name)
        return fn(p) if self.spec.y_true is None else fn(t, p, **self.kwargs)

    @property
    def keras(self):
        if self.spec.keras is None:
            return None

        def call(t, p):
            import keras  # noqa: PLC0415 - heavy, only when keras is measured

            fn = getattr(keras.losses, self.spec.keras)
            return keras.ops.convert_to_numpy(fn(t, p, **self.kwargs))

        return call

    @property
    def naive(self):
        fn = naive.of(self.kernel)
        if fn is None:
            return None
        return (lambda t, p: fn(p)) if self.spec.y_true is None else fn

    @property
    def naive_note(self):
        fn = naive.of(self.kernel)
        return "" if fn is None else " ".join((fn.__doc__ or "").split())

    def ref(self, t_row, p_row):
        f = reference.of(self.kernel)
        return reference.reference(f, p_row) if self.spec.y_true is None else \
            reference.reference(f, t_row, p_row)


CASES = {c.name: c for spec in LOSSES
         for c in ([Case(spec)] + ([Case(spec, True)] if spec.logits else []))}


# ------------------------------------------------------------------------- grid


def _pm(values):
    a = np.asarray(values, dtype=np.float64)
    return np.concatenate([-a[::-1], [0.0], a])


def residual_grid(reduced=False):
    """0, +-1e-300 ... +-1e300 (every 10 decades; 20 when reduced) and ordinary values."""
    step = 20 if reduced else 10
    decades = 10.0 ** np.arange(-300, 301, step)
    ordinary = [0.5, 1.0, 1.5, 2.0, 3.0, 10.0, 709.0, 710.0, 711.0, 1000.0]
    return _pm(np.unique(np.concatenate([decades, ordinary])))


def logit_grid(reduced=False):
    values = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.01, 0.5, 1, 2, 10, 20, 36, 40, 100,
              700, 710, 750, 1000, 1e4]
    if reduced:
        values = values[::2] + [1e4]
    return _pm(sorted(set(values)))


PROBABILITIES = np.array([0.0, 1e-300, 1e-100, 1e-20, 1e-8, 1e-7, 2e-7, 1e-4, 0.1, 0.5, 0.9,
                          1 - 1e-4, 1 - 2e-7, 1 - 1e-7, 1 - 1e-8, 1 - 1e-12, 1 - 1e-15,
                          1 - 2.0**-53, 1.0])
ABOVE_MINUS_ONE = np.array([0.0, 1e-300, 1e-200, 1e-100, 1e-30, 1e-16, 1e-10, 1e-8, 1e-7,
                            1e-5, 1e-3, 0.1, 0.5, 1.0, 10.0, 1e3, 1e10, 1e100, 1e300, -0.5,
                            -1e-10])


def _probability_rows():
    rows = [[1 - 2 * e, e, e] for e in (0.0, 1e-300, 1e-20, 1e-8, 1e-7, 1e-5, 1e-3, 0.1, 0.3)]
    rows += [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.7, 0.2, 0.1], [1e-300, 1 - 1e-300, 0.0]]
    return np.array(rows)


def _logit_rows():
    return np.array([
        [1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0], [1e4, -1e4, 0.0], [1e-10, 0.0, -1e-10],
        [700.0, 710.0, 720.0], [-1e4, -1e4, -1e4 + 1], [40.0, 0.0, 0.0], [800.0, 0.0, 0.0],
        [1.0, 2.0, 3.0], [-745.0, 0.0, 745.0], [1e-300, 0.0, 0.0], [30.0, 30.0, -30.0],
    ])


_TARGET_ROWS = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.3, 0.5]])


def _mesh(a, b):
    return (x.ravel() for x in np.meshgrid(a, b))


def grid(name, reduced=False):
    """Inputs ``(y_true, y_pred)`` of the exactness grid for case ``name``, by the domains
    the registry declares. Elementwise losses get shape ``(N, 1)`` (each row one point, so
    the per-sample loss is the pointwise value); losses over classes rows of 3 classes.
    """
    case = CASES[name]
    y_true, y_pred = case.spec.y_true, case.spec.y_pred
    if y_true is None or isinstance(y_true, v.Distributions):  # entropy, KL
        rows = _probability_rows()[:: 2 if reduced else 1]
        if y_true is None:
            return None, rows
        i, j = _mesh(np.arange(len(rows)), np.arange(len(rows)))
        base = np.array([0.5, 0.3, 0.2])
        near = [base + [d, -d, 0.0] for d in (1e-15, 1e-12, 1e-9, 1e-6, 1e-3)]
        return (np.concatenate([rows[i], [base] * len(near)]), np.concatenate([rows[j], near]))
    if isinstance(y_pred, v.Distributions):  # categorical and sparse
        rows = _logit_rows() if case.from_logits else _probability_rows()
        rows = rows[:: 2 if reduced else 1]
        if case.spec.sparse:
            i, j = _mesh(np.arange(len(rows)), np.arange(3))
            return j.astype(np.int64), rows[i]
        i, j = _mesh(np.arange(len(rows)), np.arange(len(_TARGET_ROWS)))
        return _TARGET_ROWS[j], rows[i]
    if isinstance(y_true, v.MarginLabels):
        t, p = _mesh([-1.0, 1.0], logit_grid(reduced))
    elif isinstance(y_pred, v.Probabilities) or case.from_logits:
        t, p = _mesh([0.0, 1.0, 0.25], logit_grid(reduced) if case.from_logits
                     else PROBABILITIES[:: 2 if reduced else 1])
    elif isinstance(y_pred, v.AboveMinusOne):
        values = ABOVE_MINUS_ONE[:: 2 if reduced else 1]
        t, p = _mesh(values, values)
    elif isinstance(y_true, v.NonNegative):  # counts, and rates or log-rates
        counts = np.array([0.0, 1.0, 2.0, 7.0, 100.0, 1e6])
        rates = np.array([0.0, 1e-300, 1e-10, 1e-3, 0.5, 1 - 1e-9, 1.0, 1.5, 2.0, 7.0, 100.0,
                          1e6, 1e100])
        if not isinstance(y_pred, v.NonNegative):
            rates = logit_grid(reduced)
        t, p = _mesh(counts, rates[:: 2 if reduced else 1])
    else:  # real targets and predictions
        r = residual_grid(reduced)
        t0 = np.array([1.0, -3.7, 1e6])
        dr = np.array([1e-8, 1e-3, 0.7, 5.0, 1e3])
        tt, dd = _mesh(t0, dr)
        t = np.concatenate([np.zeros_like(r), tt])
        p = np.concatenate([r, tt + dd])
    return t[:, None], p[:, None]


def references(name, t, p):
    """The mpmath reference of every sample of ``(t, p)``, as a list of mpmath numbers."""
    case = CASES[name]
    return [case.ref(None if t is None else t[k], p[k]) for k in range(len(p))]


# --------------------------------------------------------------------- measuring


def compute(name, impl, t, p):
    """Per-sample losses of implementation ``impl`` as float64, NaN where the call raised.

    The whole batch is tried at once; if it raises (a validation error, or the article's
    code failing on some input), each sample is computed alone.
    """
    fn = getattr(CASES[name], impl)
    if fn is None:
        return None
    # keras: JAX compiles each operation for each input shape, so every batch is padded
    # to one shape (repeating its first sample) and all cases share compiled operations.
    size = max(KERAS_BATCH, 1 << (len(p) - 1).bit_length()) if impl == "keras" else 0

    def run(tt, pp):
        k = len(pp)
        if k < size:
            pad = np.concatenate([np.arange(k), np.zeros(size - k, dtype=int)])
            tt, pp = (None if tt is None else tt[pad]), pp[pad]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(fn(tt, pp), dtype=np.float64).reshape(len(pp))[:k]

    try:
        return run(t, p)
    except Exception:  # noqa: BLE001 - any failure counts as a non-finite result
        out = np.full(len(p), np.nan)
        for k in range(len(p)):
            try:
                out[k] = run(None if t is None else t[k: k + 1], p[k: k + 1])[0]
            except Exception:  # noqa: BLE001
                pass
        return out


def relative_errors(computed, refs):
    """Relative error per point; NaN where the true value is not a normal float64,
    inf where the true value is finite but the computed one is not."""
    out = np.full(len(refs), np.nan)
    for k, (c, val) in enumerate(zip(computed, refs)):
        av = abs(val)
        if av > F64_MAX:
            continue
        if not np.isfinite(c):
            out[k] = np.inf
        elif F64_TINY <= av:
            out[k] = float(abs(mpmath.mpf(float(c)) - val) / av)
    return out


def stats(computed, refs, mask=None):
    """Max relative error, non-finite count and point counts over ``mask`` (all if None)."""
    rel = relative_errors(computed, refs)
    finite_true = np.array([abs(val) <= F64_MAX for val in refs])
    if mask is None:
        mask = np.ones(len(refs), dtype=bool)
    nonfinite = int(np.count_nonzero(mask & finite_true & ~np.isfinite(computed)))
    r = rel[mask & np.isfinite(rel)]
    return {
        "points": int(mask.sum()),
        "rel_points": int(np.count_nonzero(mask & ~np.isnan(rel))),
        "max_rel_error": float(r.max()) if r.size else 0.0,
        "nonfinite": nonfinite,
    }


def float32_domain(name, t, p, refs):
    """Points whose inputs are float32 numbers exactly (so converting them to float32
    loses nothing) and whose true value is a normal float32 number."""

    def ok(a):
        a = np.asarray(a, dtype=np.float64)
        with np.errstate(over="ignore"):
            return a.astype(np.float32).astype(np.float64) == a

    inputs_ok = ok(p).reshape(len(p), -1).all(axis=1)
    if t is not None and not CASES[name].spec.sparse:
        inputs_ok &= ok(t).reshape(len(p), -1).all(axis=1)
    true_ok = np.array([F32_TINY <= abs(val) <= F32_MAX for val in refs])
    return inputs_ok & true_ok


def evaluate(name, reduced=False):
    """Exactness of every implementation of case ``name`` on its grid."""
    t, p = grid(name, reduced)
    refs = references(name, t, p)
    result = {"case": name, "points": len(refs)}
    for impl in IMPLEMENTATIONS:
        c = compute(name, impl, t, p)
        if c is None:
            result[impl] = None
            continue
        result[impl] = stats(c, refs)
        if impl == "keras":
            result[impl]["float32_domain"] = stats(c, refs, float32_domain(name, t, p, refs))
    return result


def summary(reduced=False, names=None):
    """:func:`evaluate` for every case (or those in ``names``), in registry order."""
    return [evaluate(n, reduced) for n in (names or CASES)]


# ------------------------------------------------------------------ error curves


def curve(name, x, *, target=1.0):
    """Relative error of each implementation along a 1-D sweep of the input ``x``.

    The sweep follows the domains: the residual ``y_pred - y_true`` for real arguments
    (``y_true = 0``; for MSLE ``x`` is ``y_pred`` with ``y_true = 0``), the margin ``y f``
    with ``y = +1`` for margin losses, the logit with label ``target`` for binary
    cross-entropy from logits, the scale ``s`` of the logit row ``[s, 0, -s]`` with true
    class 1 for categorical cross-entropy from logits.

    Returns ``{"x", "true": float64 true values, impl: relative errors}``.
    """
    x = np.asarray(x, dtype=np.float64)
    case = CASES[name]
    if isinstance(case.spec.y_pred, v.Distributions):
        p = np.stack([x, np.zeros_like(x), -x], axis=1)
        t = np.tile([0.0, 1.0, 0.0], (len(x), 1))
    elif isinstance(case.spec.y_pred, v.Probabilities):
        t, p = np.full((len(x), 1), float(target)), x[:, None]
    elif isinstance(case.spec.y_true, v.NonNegative):
        t, p = np.full((len(x), 1), float(target)), x[:, None]
    elif isinstance(case.spec.y_true, v.MarginLabels):
        t, p = np.ones((len(x), 1)), x[:, None]
    else:
        t, p = np.zeros((len(x), 1)), x[:, None]
    refs = references(name, t, p)
    out = {"x": x, "true": np.array([float(val) for val in refs])}
    for impl in IMPLEMENTATIONS:
        c = compute(name, impl, t, p)
        out[impl] = None if c is None else relative_errors(c, refs)
    return out


def plot_floor(rel, floor=1e-17):
    """Relative errors ready for a log axis: exact results (0) drawn at ``floor``."""
    return np.where(np.isfinite(rel), np.maximum(rel, floor), np.nan)


__all__ = [
    "CASES", "DIGITS", "IMPLEMENTATIONS", "P_HI", "P_LO", "curve", "evaluate", "grid",
    "plot_floor", "references", "relative_errors", "stats", "summary",
]
