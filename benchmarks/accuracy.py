"""Exactness of lossfuncs, keras.losses and the naive formulas, against mpmath.

Shared by ``benchmarks/run.py`` (the exactness table of ``make bench``) and the
appendix chapter ``chapters/accuracy_speed.md``.

* **References.** Each loss is written in mpmath straight from its definition
  (the same clipping of probabilities to ``[1e-7, 1 - 1e-7]`` as keras and lossfuncs,
  with the bounds taken as the float64 numbers ``1e-7`` and ``1.0 - 1e-7``). The
  inputs are float64 numbers, converted to mpmath exactly. Each reference value is
  evaluated at increasing precision (60, 120, 240, ... decimal digits) until two
  successive results agree to :data:`DIGITS` significant digits, so cancellation
  (``log(cosh(1e-300))``, ``logsumexp([700, 0]) - 700``) cannot fool it.
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
from dataclasses import dataclass, field

import mpmath
import numpy as np

import lossfuncs as lf
from coursekit import article

#: Significant digits on which successive reference evaluations must agree.
DIGITS = 50
#: Probability clipping bounds, as float64 numbers (what the code can represent).
P_LO = 1e-7
P_HI = 1.0 - 1e-7
#: Range of normal float64 and float32 numbers.
F64_TINY, F64_MAX = float(np.finfo(np.float64).tiny), float(np.finfo(np.float64).max)
F32_TINY, F32_MAX = float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max)

IMPLEMENTATIONS = ("lossfuncs", "keras", "naive")
#: keras batches are padded to this many samples (see :func:`compute`).
KERAS_BATCH = 512

mp = mpmath.mp


# ------------------------------------------------------------------ references


def reference(fn, *args):
    """``fn(*args)`` in mpmath, at the precision that makes it exact to DIGITS digits.

    ``args`` are float64 numbers or sequences of them; ``fn`` receives mpmath numbers
    (or lists of them) and returns an mpmath number.
    """

    def convert(a):
        if np.ndim(a):
            return [mpmath.mpf(float(x)) for x in np.ravel(a)]
        return mpmath.mpf(float(a))

    prev = None
    dps = 60
    while True:
        with mpmath.workdps(dps):
            val = fn(*(convert(a) for a in args))
            if prev is not None:
                if val == 0 and prev == 0:
                    if dps >= 3200:  # zero at 3200 digits: an exact zero
                        return mpmath.mpf(0)
                elif abs(val - prev) <= abs(val) * mpmath.mpf(10) ** (-DIGITS):
                    return +val
        if dps > 100_000:
            raise RuntimeError(f"reference did not converge for {args!r}")
        prev, dps = val, dps * 2


def _mean(xs):
    return mpmath.fsum(xs) / len(xs)


def _clip(x, lo, hi):
    return min(max(x, lo), hi)


def _softplus(x):
    return mpmath.log1p(mpmath.exp(x))


def _log_softmax(z):
    lse = mpmath.log(mpmath.fsum(mpmath.exp(zk) for zk in z))
    return [zk - lse for zk in z]


def ref_mse(t, p):
    return _mean([(pi - ti) ** 2 for ti, pi in zip(t, p)])


def ref_mae(t, p):
    return _mean([abs(pi - ti) for ti, pi in zip(t, p)])


def ref_msle(t, p):
    return _mean([(mpmath.log1p(pi) - mpmath.log1p(ti)) ** 2 for ti, pi in zip(t, p)])


def ref_huber(t, p, delta=1):
    def h(r):
        return r * r / 2 if abs(r) <= delta else delta * (abs(r) - mpmath.mpf(delta) / 2)

    return _mean([h(pi - ti) for ti, pi in zip(t, p)])


def ref_log_cosh(t, p):
    return _mean([mpmath.log(mpmath.cosh(pi - ti)) for ti, pi in zip(t, p)])


def ref_bce(t, p):
    lo, hi = mpmath.mpf(P_LO), mpmath.mpf(P_HI)
    terms = []
    for ti, pi in zip(t, p):
        pc = _clip(pi, lo, hi)
        terms.append(-(ti * mpmath.log(pc) + (1 - ti) * mpmath.log(1 - pc)))
    return _mean(terms)


def ref_bce_logits(t, z):
    return _mean([ti * _softplus(-zi) + (1 - ti) * _softplus(zi) for ti, zi in zip(t, z)])


def ref_cce(t, p):
    lo, hi = mpmath.mpf(P_LO), mpmath.mpf(P_HI)
    total = mpmath.fsum(p)
    return -mpmath.fsum(tc * mpmath.log(_clip(pc / total, lo, hi)) for tc, pc in zip(t, p))


def ref_cce_logits(t, z):
    return -mpmath.fsum(tc * lq for tc, lq in zip(t, _log_softmax(z)))


def ref_kl(t, p):
    lo = mpmath.mpf(P_LO)
    return mpmath.fsum(
        _clip(tc, lo, 1) * mpmath.log(_clip(tc, lo, 1) / _clip(pc, lo, 1)) for tc, pc in zip(t, p)
    )


def ref_hinge(y, f):
    return _mean([max(mpmath.mpf(0), 1 - yi * fi) for yi, fi in zip(y, f)])


def ref_exponential(y, f):
    return _mean([mpmath.exp(-yi * fi) for yi, fi in zip(y, f)])


def ref_logistic(y, f):
    return _mean([_softplus(-yi * fi) for yi, fi in zip(y, f)])


# ---------------------------------------------------------------- naive formulas
# What a reader types: the article's code where it runs on arrays with per-sample
# semantics, otherwise the one-line NumPy formula.


def _sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))


def naive_huber(t, p, delta=1.0):
    r = p - t
    return np.mean(np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)), axis=-1)


def naive_bce_logits(t, z):
    return article.binary_crossentropy(t, _sigmoid_naive(z))


def naive_cce_logits(t, z):
    return article.categorical_crossentropy(t, article.softmax(z))


def naive_scce(k, p):
    return -np.log(np.take_along_axis(p, k[..., None].astype(np.intp), axis=-1)[..., 0])


def naive_scce_logits(k, z):
    return naive_scce(k, article.softmax(z))


def naive_kl(t, p):
    return np.sum(article.kl_divergence(t, p), axis=-1)


def naive_hinge(y, f):
    return np.mean(np.maximum(0, 1 - y * f), axis=-1)


def naive_exponential(y, f):
    return np.mean(np.exp(-y * f), axis=-1)


# ------------------------------------------------------------------------ cases


def _keras():
    import keras  # noqa: PLC0415 - heavy, only when keras is measured

    return keras


def _keras_call(name, **kw):
    def call(t, p):
        keras = _keras()
        return keras.ops.convert_to_numpy(getattr(keras.losses, name)(t, p, **kw))

    call.__name__ = f"keras.losses.{name}"
    return call


def _keras_logistic(y, f):
    """keras has no margin-form logistic loss: binary cross-entropy from logits on (y+1)/2."""
    keras = _keras()
    return keras.ops.convert_to_numpy(
        keras.losses.binary_crossentropy((y + 1) / 2, f, from_logits=True)
    )


@dataclass
class Case:
    """One loss (with its options) and how each implementation computes it."""

    name: str
    family: str  # "regression" | "probabilistic" | "margin"
    kind: str  # "elementwise" | "rows" | "sparse": input layout
    lossfuncs: object
    keras: object
    naive: object
    ref: object
    naive_note: str = ""
    keras_note: str = ""
    target_ratio: float = 8.0  # speed target at 1e6 float64, in multiples of the floor
    options: dict = field(default_factory=dict)


def _lf(fn, **kw):
    def call(t, p):
        return fn(t, p, **kw)

    call.__name__ = f"lossfuncs.{fn.__name__}"
    return call


CASES = {
    c.name: c
    for c in [
        Case("mse", "regression", "elementwise", lf.mean_squared_error,
             _keras_call("mean_squared_error"), article.mean_square_error, ref_mse,
             "article.mean_square_error", target_ratio=3.0),
        Case("mae", "regression", "elementwise", lf.mean_absolute_error,
             _keras_call("mean_absolute_error"), article.mean_square_error_mae_block, ref_mae,
             "article.mean_square_error_mae_block", target_ratio=3.0),
        Case("msle", "regression", "elementwise", lf.mean_squared_logarithmic_error,
             _keras_call("mean_squared_logarithmic_error"),
             article.mean_squared_logarithmic_error, ref_msle,
             "article.mean_squared_logarithmic_error",
             keras_note="keras clips y to >= 1e-7 before log(y + 1)"),
        Case("huber", "regression", "elementwise", lf.huber, _keras_call("huber"), naive_huber,
             ref_huber, "np.where one-liner (the article's version is a Python loop with the "
             "wrong linear branch)", target_ratio=3.0),
        Case("log_cosh", "regression", "elementwise", lf.log_cosh, _keras_call("log_cosh"),
             article.log_cosh, ref_log_cosh, "article.log_cosh: log(cosh(r))"),
        Case("binary_crossentropy", "probabilistic", "elementwise", lf.binary_crossentropy,
             _keras_call("binary_crossentropy"), article.binary_crossentropy, ref_bce,
             "article.binary_crossentropy (no clipping)"),
        Case("binary_crossentropy_logits", "probabilistic", "elementwise",
             _lf(lf.binary_crossentropy, from_logits=True),
             _keras_call("binary_crossentropy", from_logits=True), naive_bce_logits,
             ref_bce_logits, "sigmoid, then article.binary_crossentropy",
             options={"from_logits": True}),
        Case("categorical_crossentropy", "probabilistic", "rows", lf.categorical_crossentropy,
             _keras_call("categorical_crossentropy"), article.categorical_crossentropy, ref_cce,
             "article.categorical_crossentropy (no clipping)"),
        Case("categorical_crossentropy_logits", "probabilistic", "rows",
             _lf(lf.categorical_crossentropy, from_logits=True),
             _keras_call("categorical_crossentropy", from_logits=True), naive_cce_logits,
             ref_cce_logits, "article.softmax, then article.categorical_crossentropy",
             options={"from_logits": True}),
        Case("sparse_categorical_crossentropy", "probabilistic", "sparse",
             lf.sparse_categorical_crossentropy, _keras_call("sparse_categorical_crossentropy"),
             naive_scce, ref_cce, "-log(p[k]) one-liner"),
        Case("sparse_categorical_crossentropy_logits", "probabilistic", "sparse",
             _lf(lf.sparse_categorical_crossentropy, from_logits=True),
             _keras_call("sparse_categorical_crossentropy", from_logits=True), naive_scce_logits,
             ref_cce_logits, "article.softmax, then -log(q[k])", options={"from_logits": True}),
        Case("kl_divergence", "probabilistic", "rows", lf.kl_divergence,
             _keras_call("kl_divergence"), naive_kl, ref_kl,
             "sum over classes of article.kl_divergence (no clipping)"),
        Case("hinge", "margin", "elementwise", lf.hinge, _keras_call("hinge"), naive_hinge,
             ref_hinge, "np.maximum one-liner (the article's np.max fails on arrays)",
             target_ratio=3.0),
        Case("exponential_loss", "margin", "elementwise", lf.exponential_loss, None,
             naive_exponential, ref_exponential, "the article's exp(-y f), averaged per sample",
             keras_note="not in keras.losses"),
        Case("logistic_loss", "margin", "elementwise", lf.logistic_loss, _keras_logistic,
             article.logistic_loss, ref_logistic, "article.logistic_loss: log(1 + exp(-y f))",
             keras_note="keras.losses.binary_crossentropy((y + 1) / 2, f, from_logits=True)"),
    ]
}

#: The rows of the speed table (the from_logits variants are exactness cases only,
#: except binary cross-entropy, whose logit path is the one used in training).
SPEED_CASES = [
    "mse", "mae", "msle", "huber", "log_cosh", "binary_crossentropy",
    "binary_crossentropy_logits", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "kl_divergence", "hinge", "exponential_loss", "logistic_loss",
]


# ------------------------------------------------------------------------- grid


def _pm(values):
    v = np.asarray(values, dtype=np.float64)
    return np.concatenate([-v[::-1], [0.0], v])


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
MSLE_VALUES = np.array([0.0, 1e-300, 1e-200, 1e-100, 1e-30, 1e-16, 1e-10, 1e-8, 1e-7, 1e-5,
                        1e-3, 0.1, 0.5, 1.0, 10.0, 1e3, 1e10, 1e100, 1e300, -0.5, -1e-10])


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


def grid(name, reduced=False):
    """Inputs ``(y_true, y_pred)`` of the exactness grid for case ``name``.

    Elementwise losses get shape ``(N, 1)`` (each row one point, so the per-sample
    loss is the pointwise value); categorical losses rows of 3 classes.
    """
    case = CASES[name]
    if name == "msle":
        v = MSLE_VALUES[::2] if reduced else MSLE_VALUES
        t, p = (a.ravel() for a in np.meshgrid(v, v))
    elif case.family == "regression":
        r = residual_grid(reduced)
        t0 = np.array([1.0, -3.7, 1e6])
        dr = np.array([1e-8, 1e-3, 0.7, 5.0, 1e3])
        tt, dd = (a.ravel() for a in np.meshgrid(t0, dr))
        t = np.concatenate([np.zeros_like(r), tt])
        p = np.concatenate([r, tt + dd])
    elif name == "binary_crossentropy":
        tt, pp = np.meshgrid([0.0, 1.0, 0.25], PROBABILITIES[::2] if reduced else PROBABILITIES)
        t, p = tt.ravel(), pp.ravel()
    elif name == "binary_crossentropy_logits":
        tt, zz = np.meshgrid([0.0, 1.0, 0.25], logit_grid(reduced))
        t, p = tt.ravel(), zz.ravel()
    elif case.family == "margin":
        yy, ff = np.meshgrid([-1.0, 1.0], logit_grid(reduced))
        t, p = yy.ravel(), ff.ravel()
    elif name == "kl_divergence":
        rows = _probability_rows()
        if reduced:
            rows = rows[::2]
        i, j = (a.ravel() for a in np.meshgrid(np.arange(len(rows)), np.arange(len(rows))))
        base = np.array([0.5, 0.3, 0.2])
        near = [base + [d, -d, 0.0] for d in (1e-15, 1e-12, 1e-9, 1e-6, 1e-3)]
        return (np.concatenate([rows[i], [base] * len(near)]),
                np.concatenate([rows[j], near]))
    else:  # categorical and sparse
        rows = _logit_rows() if case.options.get("from_logits") else _probability_rows()
        if reduced:
            rows = rows[::2]
        i, j = (a.ravel() for a in np.meshgrid(np.arange(len(rows)), np.arange(len(_TARGET_ROWS))))
        if case.kind == "sparse":
            i, j = (a.ravel() for a in np.meshgrid(np.arange(len(rows)), np.arange(3)))
            return j.astype(np.int64), rows[i]
        return _TARGET_ROWS[j], rows[i]
    return t[:, None], p[:, None]


def references(name, t, p):
    """The mpmath reference of every sample of ``(t, p)``, as a list of mpmath numbers."""
    case = CASES[name]
    out = []
    for k in range(len(p)):
        tk = t[k]
        if case.kind == "sparse":
            tk = np.eye(p.shape[-1])[int(t[k])]
        out.append(reference(case.ref, tk, p[k]))
    return out


# --------------------------------------------------------------------- measuring


def compute(name, impl, t, p):
    """Per-sample losses of implementation ``impl`` as float64, NaN where the call raised.

    The whole batch is tried at once; if it raises (a validation error, or the article's
    code failing on some input), each sample is computed alone.
    """
    case = CASES[name]
    fn = getattr(case, impl)
    if fn is None:
        return None

    # keras: JAX compiles each operation for each input shape, so every batch is padded
    # to one shape (repeating its first sample) and all cases share compiled operations.
    size = max(KERAS_BATCH, 1 << (len(p) - 1).bit_length()) if impl == "keras" else 0

    def run(tt, pp):
        k = len(pp)
        if k < size:
            pad = np.concatenate([np.arange(k), np.zeros(size - k, dtype=int)])
            tt, pp = tt[pad], pp[pad]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(fn(tt, pp), dtype=np.float64).reshape(len(pp))[:k]

    try:
        return run(t, p)
    except Exception:  # noqa: BLE001 - any failure counts as a non-finite result
        out = np.full(len(p), np.nan)
        for k in range(len(p)):
            try:
                out[k] = run(t[k : k + 1], p[k : k + 1])[0]
            except Exception:  # noqa: BLE001
                pass
        return out


def relative_errors(computed, refs):
    """Relative error per point; NaN where the true value is not a normal float64,
    inf where the true value is finite but the computed one is not."""
    out = np.full(len(refs), np.nan)
    for k, (c, v) in enumerate(zip(computed, refs)):
        av = abs(v)
        if av > F64_MAX:
            continue
        if not np.isfinite(c):
            out[k] = np.inf
        elif F64_TINY <= av:
            out[k] = float(abs(mpmath.mpf(float(c)) - v) / av)
    return out


def _finite_true(refs):
    return np.array([abs(v) <= F64_MAX for v in refs])


def stats(computed, refs, mask=None):
    """Max relative error, non-finite count and point counts over ``mask`` (all if None)."""
    rel = relative_errors(computed, refs)
    finite_true = _finite_true(refs)
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
    if CASES[name].kind != "sparse":
        inputs_ok &= ok(t).reshape(len(p), -1).all(axis=1)
    true_ok = np.array([F32_TINY <= abs(v) <= F32_MAX for v in refs])
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
    """:func:`evaluate` for every case (or those in ``names``), in table order."""
    return [evaluate(n, reduced) for n in (names or CASES)]


# ------------------------------------------------------------------ error curves


def curve(name, x, *, target=1.0):
    """Relative error of each implementation along a 1-D sweep of the input ``x``.

    The sweep depends on the loss: the residual ``y_pred - y_true`` for regression
    losses (``y_true = 0``; for MSLE ``x`` is ``y_pred`` with ``y_true = 0``), the
    margin ``y f`` with ``y = +1`` for margin losses, the logit with label ``target``
    for ``binary_crossentropy_logits``, the scale ``s`` of the logit row ``[s, 0, -s]``
    with true class 1 for ``categorical_crossentropy_logits``.

    Returns ``{"x", "true": float64 true values, impl: relative errors}``; relative
    errors are NaN where the true value is not a normal float64 and inf where the
    implementation returned NaN or inf for a finite true value.
    """
    x = np.asarray(x, dtype=np.float64)
    case = CASES[name]
    if name == "categorical_crossentropy_logits":
        p = np.stack([x, np.zeros_like(x), -x], axis=1)
        t = np.tile([0.0, 1.0, 0.0], (len(x), 1))
    elif name == "binary_crossentropy_logits":
        t, p = np.full((len(x), 1), float(target)), x[:, None]
    elif case.family == "margin":
        t, p = np.ones((len(x), 1)), x[:, None]
    else:
        t, p = np.zeros((len(x), 1)), x[:, None]
    refs = references(name, t, p)
    out = {"x": x, "true": np.array([float(v) for v in refs])}
    for impl in IMPLEMENTATIONS:
        c = compute(name, impl, t, p)
        out[impl] = None if c is None else relative_errors(c, refs)
    return out


def plot_floor(rel, floor=1e-17):
    """Relative errors ready for a log axis: exact results (0) drawn at ``floor``."""
    return np.where(np.isfinite(rel), np.maximum(rel, floor), np.nan)


__all__ = [
    "CASES", "DIGITS", "IMPLEMENTATIONS", "P_HI", "P_LO", "SPEED_CASES", "curve", "evaluate",
    "grid", "plot_floor", "reference", "references", "relative_errors", "stats", "summary",
]
