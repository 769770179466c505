"""Time an earlier version of lossfuncs on the benchmark's inputs, once, for the
before/after columns of ``make bench``:

    git worktree add /tmp/old 0c4bf23
    python -m benchmarks.baseline /tmp/old        # writes results/baseline-0c4bf23.json
    git worktree remove /tmp/old

The inputs are those of :mod:`benchmarks.speed` (main size in both dtypes, the shapes
sweep, the small call); the older package is imported from the given checkout in a
separate process (``benchmarks/timing.py``), so it never meets this one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks import RESULTS, accuracy, machine, speed

ROOT = Path(__file__).resolve().parent.parent


def label(section, name, shape, dtype):
    return f"{section}/{name}/{'x'.join(map(str, shape))}/{dtype}"


def calls():
    """(label, case, shape, dtype) of every timing the baseline holds."""
    out = []
    for dtype in speed.DTYPES:
        for name in accuracy.CASES:
            out.append(("main", name, speed.shape_for(name, speed.SIZE), dtype))
    for shape in speed.SHAPES:
        for name in accuracy.CASES:
            out.append(("shape", name, shape, "float64"))
    for name in accuracy.CASES:
        out.append(("small", name, speed.shape_for(name, speed.SMALL), "float64"))
    return [(label(*c), *c[1:]) for c in out]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout", type=Path, help="a checkout of the older version")
    ap.add_argument("--target", type=float, default=0.025)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.checkout,
                            capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        arrays, spec = {}, []
        for key, name, shape, dtype in calls():
            t, p = speed.inputs(name, shape, dtype)
            if t is not None:
                arrays[f"{key}_t"] = t
            arrays[f"{key}_p"] = p
            spec.append([key, accuracy.CASES[name].spec.name, accuracy.CASES[name].kwargs, key])
        np.savez(Path(tmp) / "inputs.npz", **arrays)
        (Path(tmp) / "calls.json").write_text(json.dumps(spec))
        env = {**os.environ, "PYTHONPATH": str(args.checkout.resolve())}
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "timing.py"),
                        str(Path(tmp) / "inputs.npz"), str(Path(tmp) / "calls.json"),
                        str(Path(tmp) / "out.json"), str(args.target), str(args.repeat)],
                       env=env, check=True)
        timed = json.loads((Path(tmp) / "out.json").read_text())
    result = {"commit": commit, "machine": machine.info(args.checkout),
              "timer": {"target_seconds": args.target, "repeat": args.repeat},
              "times": timed["times"]}
    out = RESULTS / f"baseline-{commit}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
