"""Speed of lossfuncs, keras.losses and the naive NumPy formulas on NumPy input.

Each measurement is timeit-style: a :class:`timeit.Timer` is calibrated to a number
of calls taking about ``target`` seconds, then ``repeat`` such runs are timed and the
median time per call is reported. Every time is also given as a ratio to the *floor*:
the time to read both inputs once, ``np.add(a, b, out=buf)``, measured in the same
run for the same size and dtype. keras returns a JAX array; the timed call converts
it with ``keras.ops.convert_to_numpy``, so the work is really done.
"""

from __future__ import annotations

import statistics
import timeit
import warnings

import numpy as np

from benchmarks import accuracy
from lossfuncs import _validation as v

SIZES = (10**3, 10**5, 10**6, 10**7)
DTYPES = ("float32", "float64")
#: Categorical inputs have this many classes: shape (n / CLASSES, CLASSES).
CLASSES = 10


def inputs(name, n, dtype, seed=0, classes=CLASSES):
    """Realistic ``(y_true, y_pred)`` with ``n`` elements in ``y_pred`` for case ``name``,
    drawn from the domains the registry declares (``y_true`` is None for entropy)."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    case = accuracy.CASES[name]
    y_true, y_pred = case.spec.y_true, case.spec.y_pred

    def dirichlet(shape):
        e = np.exp(rng.standard_normal(shape))
        return (e / e.sum(axis=-1, keepdims=True)).astype(dt)

    if not case.spec.elementwise:
        shape = (max(n // classes, 1), classes)
        p = (rng.standard_normal(shape).astype(dt) if case.from_logits else dirichlet(shape))
        labels = rng.integers(0, classes, size=shape[0])
        if y_true is None:
            return None, p
        if case.spec.sparse:
            return labels, p
        if isinstance(y_true, v.Distributions):
            return dirichlet(shape), p
        return np.eye(classes, dtype=dt)[labels], p
    if isinstance(y_true, v.MarginLabels):
        return np.where(rng.random(n) < 0.5, -1.0, 1.0).astype(dt), rng.standard_normal(n).astype(dt)
    if isinstance(y_pred, v.Probabilities):
        p = 3 * rng.standard_normal(n) if case.from_logits else rng.uniform(0.01, 0.99, n)
        return (rng.random(n) < 0.5).astype(dt), p.astype(dt)
    if isinstance(y_pred, v.AboveMinusOne):
        return rng.exponential(10.0, n).astype(dt), rng.exponential(10.0, n).astype(dt)
    if isinstance(y_pred, v.NonNegative):
        return rng.poisson(3.0, n).astype(dt), rng.exponential(3.0, n).astype(dt)
    return rng.standard_normal(n).astype(dt), rng.standard_normal(n).astype(dt)


def time_call(fn, *, target, repeat):
    """Median seconds per call of ``fn()``: calibrated to ~``target`` s per run."""
    timer = timeit.Timer(fn)
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= target or number >= 1 << 20:
            break
        number = max(number * 2, int(number * 1.2 * target / max(t, 1e-9)))
    if number == 1 and repeat > 1 and t >= target:
        # Slow call: the calibration run counts as the first repetition.
        runs = [t] + timer.repeat(repeat - 1, 1)
    else:
        runs = timer.repeat(repeat, number)
    return statistics.median(runs) / number, number, len(runs)


def floor(n, dtype, *, target, repeat):
    """Time to read two arrays of ``n`` elements once: ``np.add(a, b, out=buf)``."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal(n).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    buf = np.empty_like(a)
    return time_call(lambda: np.add(a, b, out=buf), target=target, repeat=repeat)[0]


def measure(names, sizes, dtypes, *, target, repeat_for):
    """Time every case at every size and dtype. Returns a list of row dicts."""
    rows = []
    for n in sizes:
        repeat = repeat_for(n)
        for dtype in dtypes:
            fl = floor(n, dtype, target=target, repeat=repeat)
            for name in names:
                case = accuracy.CASES[name]
                t, p = inputs(name, n, dtype)
                row = {"case": name, "size": n, "dtype": dtype, "shape": list(p.shape),
                       "floor_s": fl}
                for impl in accuracy.IMPLEMENTATIONS:
                    fn = getattr(case, impl)
                    if fn is None:
                        row[impl] = None
                        continue
                    with np.errstate(all="ignore"), warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        fn(t, p)  # warm-up (keras: first-call dispatch and compilation)
                        sec, number, runs = time_call(lambda: fn(t, p), target=target,
                                                      repeat=repeat)
                    row[impl] = {"seconds": sec, "ratio_to_floor": sec / fl,
                                 "number": number, "repeat": runs}
                rows.append(row)
    return rows
