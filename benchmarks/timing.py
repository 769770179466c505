"""Median time per call, timeit-style; also a self-contained script that times the losses
of whichever ``lossfuncs`` is importable (used once to measure an older version):

    PYTHONPATH=<old checkout> python benchmarks/timing.py inputs.npz calls.json out.json

``calls.json`` lists ``[label, loss name, keyword arguments, input key]``; each input key
names arrays ``<key>_t`` (absent for one-argument losses) and ``<key>_p`` in the npz.
"""

from __future__ import annotations

import json
import statistics
import sys
import timeit
import warnings


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
        runs = [t] + timer.repeat(repeat - 1, 1)  # slow call: calibration counts
    else:
        runs = timer.repeat(repeat, number)
    return statistics.median(runs) / number, number, len(runs)


def main(argv):
    import numpy as np  # noqa: PLC0415

    import lossfuncs  # noqa: PLC0415

    data = np.load(argv[0])
    calls = json.loads(open(argv[1], encoding="utf-8").read())
    target, repeat = float(argv[3]), int(argv[4])
    out = {"lossfuncs_file": lossfuncs.__file__, "times": {}}
    for label, name, kwargs, key in calls:
        fn = getattr(lossfuncs, name, None)
        if fn is None:  # a loss this version does not have
            continue
        p = data[f"{key}_p"]
        args = (p,) if f"{key}_t" not in data else (data[f"{key}_t"], p)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
            sec, number, runs = time_call(lambda: fn(*args, **kwargs), target=target,
                                          repeat=repeat)
        out["times"][label] = {"seconds": sec, "number": number, "repeat": runs}
        print(f"{label}: {sec * 1e3:.3f} ms", file=sys.stderr, flush=True)
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
