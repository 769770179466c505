"""Speed of lossfuncs, keras.losses and the plain NumPy formulas on NumPy input.

Each measurement is timeit-style (:func:`benchmarks.timing.time_call`): a timer is
calibrated to a number of calls taking about ``target`` seconds, then ``repeat`` such runs
are timed and the median time per call is reported. Reference costs measured in the same
run: the *floor*, reading both inputs once (``np.add(a, b, out=buf)``), and for the
logarithmic and exponential losses the *transcendental passes* their formula needs
(``np.exp(a, out=buf)`` and so on, as the registry's ``passes`` name them). keras returns
a JAX array; the timed call converts it with ``keras.ops.convert_to_numpy``, so the work is
really done.
"""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks import accuracy
from benchmarks.timing import time_call
from lossfuncs import _validation as v

DTYPES = ("float64", "float32")
#: Size of the main comparison, and the classes per row of the losses over classes there.
SIZE = 10**6
CLASSES = 10
#: Shapes of the sweep against the plain formula (rows, last axis).
SHAPES = ((1, 10), (1, 100), (1, 1000), (1, 10_000), (1, 32_000), (1000, 1000))
#: Per-call overhead: the curves the chapters plot have a few hundred points.
SMALL = 801


def shape_for(name, n):
    """The main comparison's shape: n elements, in rows of CLASSES for losses over classes."""
    return (n,) if accuracy.CASES[name].spec.elementwise else (max(n // CLASSES, 1), CLASSES)


def inputs(name, shape, dtype, seed=0):
    """Realistic ``(y_true, y_pred)`` of ``y_pred.shape == shape`` for case ``name``, drawn
    from the domains the registry declares (``y_true`` is None for entropy)."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    case = accuracy.CASES[name]
    y_true, y_pred = case.spec.y_true, case.spec.y_pred

    def dirichlet():
        e = np.exp(rng.standard_normal(shape))
        return (e / e.sum(axis=-1, keepdims=True)).astype(dt)

    if not case.spec.elementwise:
        p = rng.standard_normal(shape).astype(dt) if case.from_logits else dirichlet()
        labels = rng.integers(0, shape[-1], size=shape[:-1])
        if y_true is None:
            return None, p
        if case.spec.sparse:
            return labels, p
        if isinstance(y_true, v.Distributions):
            return dirichlet(), p
        return np.eye(shape[-1], dtype=dt)[labels], p
    if isinstance(y_true, v.MarginLabels):
        return (np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(dt),
                rng.standard_normal(shape).astype(dt))
    if isinstance(y_pred, v.Probabilities):
        p = 3 * rng.standard_normal(shape) if case.from_logits else rng.uniform(0.01, 0.99, shape)
        return (rng.random(shape) < 0.5).astype(dt), p.astype(dt)
    if isinstance(y_pred, v.AboveMinusOne):
        return rng.exponential(10.0, shape).astype(dt), rng.exponential(10.0, shape).astype(dt)
    if isinstance(y_true, v.NonNegative):  # counts, and rates or log-rates
        rates = rng.exponential(3.0, shape)
        return (rng.poisson(3.0, shape).astype(dt),
                (rates if isinstance(y_pred, v.NonNegative) else np.log(rates)).astype(dt))
    return rng.standard_normal(shape).astype(dt), rng.standard_normal(shape).astype(dt)


def floor(n, dtype, *, target, repeat):
    """Time to read two arrays of ``n`` elements once: ``np.add(a, b, out=buf)``."""
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal(n).astype(dtype) for _ in range(2))
    buf = np.empty_like(a)
    return time_call(lambda: np.add(a, b, out=buf), target=target, repeat=repeat)[0]


def transcendental(passes, n, dtype, *, target, repeat):
    """Time of one pass of each NumPy function in ``passes`` over ``n`` elements in (0, 1)."""
    a = np.random.default_rng(2).uniform(0.01, 0.99, n).astype(dtype)
    buf = np.empty_like(a)
    fns = [getattr(np, name) for name in passes]

    def run():
        for fn in fns:
            fn(a, out=buf)

    return time_call(run, target=target, repeat=repeat)[0]


def _time(fn, t, p, *, target, repeat):
    args = (p,) if t is None else (t, p)
    call = (lambda: fn(None, p)) if t is None else (lambda: fn(*args))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call()  # warm-up (keras: first-call dispatch and compilation)
        sec, number, runs = time_call(call, target=target, repeat=repeat)
    return {"seconds": sec, "number": number, "repeat": runs}


def measure_main(names, dtypes, *, n=SIZE, target, repeat):
    """Every case at ``n`` elements: lossfuncs, keras, the plain formula, the floor and the
    transcendental passes. One row per case and dtype."""
    rows = []
    for dtype in dtypes:
        fl = floor(n, dtype, target=target, repeat=repeat)
        cost = {}
        for name in names:
            case = accuracy.CASES[name]
            t, p = inputs(name, shape_for(name, n), dtype)
            row = {"case": name, "size": n, "dtype": dtype, "shape": list(p.shape), "floor_s": fl}
            for impl in accuracy.IMPLEMENTATIONS:
                fn = getattr(case, impl)
                row[impl] = None if fn is None else _time(fn, t, p, target=target, repeat=repeat)
                if row[impl]:
                    row[impl]["ratio_to_floor"] = row[impl]["seconds"] / fl
            passes = case.passes
            if passes:
                if passes not in cost:
                    cost[passes] = transcendental(passes, n, dtype, target=target, repeat=repeat)
                row["passes"] = list(passes)
                row["passes_s"] = cost[passes]
            rows.append(row)
    return rows


def measure_shapes(names, *, shapes=SHAPES, dtype="float64", target, repeat):
    """lossfuncs against the plain formula at each shape."""
    rows = []
    for shape in shapes:
        for name in names:
            case = accuracy.CASES[name]
            if case.naive is None:
                continue
            t, p = inputs(name, shape, dtype)
            rows.append({"case": name, "shape": list(shape), "dtype": dtype,
                         "lossfuncs": _time(case.lossfuncs, t, p, target=target, repeat=repeat),
                         "naive": _time(case.naive, t, p, target=target, repeat=repeat)})
    return rows


def measure_small(names, *, n=SMALL, dtype="float64", target, repeat):
    """Per-call time at ``n`` elements (one row; rows of CLASSES for losses over classes)."""
    rows = []
    for name in names:
        case = accuracy.CASES[name]
        t, p = inputs(name, shape_for(name, n), dtype)
        rows.append({"case": name, "size": n, "shape": list(p.shape), "dtype": dtype,
                     "lossfuncs": _time(case.lossfuncs, t, p, target=target, repeat=repeat),
                     "naive": (None if case.naive is None else
                               _time(case.naive, t, p, target=target, repeat=repeat))})
    return rows
