"""Benchmarks of lossfuncs: exactness and speed (``make bench``), optionally build times.

    python -m benchmarks.run                 # exactness + speed (a few minutes)
    python -m benchmarks.run --quick         # smoke run: reduced grid, short timings
    python -m benchmarks.run --build         # also the course build timings (long)

Speed: every loss at 1e6 elements in float64 and float32 (lossfuncs, keras.losses, the
plain NumPy formula, the floor and the transcendental passes its formula needs), before
and after (the before column is ``results/baseline-<commit>.json``, measured once with
``python -m benchmarks.baseline``), the shapes 1 x 10 ... 1 x 32 000 and 1000 x 1000
against the plain formula, and the per-call time at 801 elements. Writes
``benchmarks/results/latest.json`` (``quick.json`` with ``--quick``) and a timestamped copy,
prints the tables with each target met or missed (nothing is asserted), and rewrites the
README's Performance section after a full run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")

from benchmarks import RESULTS, accuracy, machine, speed  # noqa: E402
from benchmarks import build as course_build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    "size": speed.SIZE,
    "after_vs_before": 1.10,  # float64, at most 10 % slower than the baseline
    "float32_vs_keras": 1.0,  # float32, at most as slow as keras.losses
    "vs_passes": 1.5,  # log/exp losses: times the transcendental passes (an aim)
    "vs_plain_over_shapes": 3.0,  # every shape: times the plain NumPy formula
    "max_rel_error": 2.5e-14,
    "nonfinite": 0,
    "build_seconds": {
        "make test, fresh clone (system packages installed)": 360.0,
        "HTML build, clean": 60.0,
        "HTML rebuild, no change": 3.0,
        "chapters, CPU-seconds in all": 100.0,
        "chapters, CPU-seconds per chapter": 15.0,
    },
}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: reduced exactness grid, short timings; writes quick.json")
    ap.add_argument("--cases", default=None,
                    help=f"comma-separated cases (default all): {', '.join(accuracy.CASES)}")
    ap.add_argument("--skip-speed", action="store_true", help="no speed measurements")
    ap.add_argument("--skip-accuracy", action="store_true", help="no exactness measurements")
    ap.add_argument("--build", action="store_true", help="also time the course build")
    ap.add_argument("--build-timeout", type=float, default=900, help="seconds per build step")
    ap.add_argument("--output", type=Path, default=None,
                    help="results file (default benchmarks/results/latest.json, or quick.json)")
    return ap.parse_args(argv)


def baseline():
    """The newest ``results/baseline-*.json``, or None."""
    files = sorted(RESULTS.glob("baseline-*.json"), key=lambda f: f.stat().st_mtime)
    return json.loads(files[-1].read_text(encoding="utf-8")) if files else None


# ------------------------------------------------------------------ formatting


def fmt_time(sec):
    if sec is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if sec >= scale or unit == "us":
            return f"{sec / scale:.3g} {unit}"
    return f"{sec:.3g} s"


def table(headers, rows):
    cols = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(headers)]
    widths = [max(len(c) for c in col) for col in cols]
    out = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths)),
           "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append("  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                             for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(out)


def _mark(ok):
    return "-" if ok is None else ("met" if ok else "MISSED")


def _ratio(a, b):
    return None if a is None or b is None else a / b


# ------------------------------------------------------------------ targets


def summarise(result):
    """Per case: every number the README table shows, and whether each target is met."""
    out = {}
    speed_rows = (result.get("speed") or {}).get("rows", [])
    shapes = (result.get("speed") or {}).get("shapes", [])
    small = (result.get("speed") or {}).get("small", [])
    acc = {r["case"]: r["lossfuncs"] for r in (result.get("accuracy") or {}).get("cases", [])}
    for name in accuracy.CASES:
        main = {r["dtype"]: r for r in speed_rows if r["case"] == name}
        f64, f32 = main.get("float64"), main.get("float32")
        s = {}
        if f64:
            after = f64["lossfuncs"]["seconds"]
            before = (f64.get("before") or {}).get("seconds")
            s.update(before_s=before, after_s=after,
                     after_vs_before=_ratio(after, before),
                     vs_passes=_ratio(after, f64.get("passes_s")),
                     vs_plain=_ratio(after, (f64.get("naive") or {}).get("seconds")))
        if f32:
            s["float32_vs_keras"] = _ratio(f32["lossfuncs"]["seconds"],
                                           (f32.get("keras") or {}).get("seconds"))
        ratios = [r["lossfuncs"]["seconds"] / r["naive"]["seconds"]
                  for r in shapes if r["case"] == name]
        if ratios:
            worst = max(range(len(ratios)), key=ratios.__getitem__)
            rows = [r for r in shapes if r["case"] == name]
            s.update(vs_plain_over_shapes=ratios[worst],
                     worst_shape="x".join(map(str, rows[worst]["shape"])))
        one = [r for r in small if r["case"] == name]
        if one:
            s.update(small_s=one[0]["lossfuncs"]["seconds"],
                     small_plain_s=(one[0]["naive"] or {}).get("seconds"))
        if name in acc:
            s.update(max_rel_error=acc[name]["max_rel_error"], nonfinite=acc[name]["nonfinite"])
        for key, limit in (("after_vs_before", "after_vs_before"),
                           ("float32_vs_keras", "float32_vs_keras"),
                           ("vs_passes", "vs_passes"),
                           ("vs_plain_over_shapes", "vs_plain_over_shapes"),
                           ("max_rel_error", "max_rel_error"), ("nonfinite", "nonfinite")):
            value = s.get(key)
            s[f"{key}_met"] = None if value is None else bool(value <= TARGETS[limit])
        out[name] = s
    return out


def print_summary(summary):
    rows = []
    for name, s in summary.items():
        def x(key):
            value = s.get(key)
            return "-" if value is None else f"{value:.2f}x {_mark(s.get(key + '_met'))}"

        rows.append([name, fmt_time(s.get("before_s")), fmt_time(s.get("after_s")),
                     x("after_vs_before"), x("float32_vs_keras"), x("vs_passes"),
                     x("vs_plain_over_shapes"),
                     f"{fmt_time(s.get('small_s'))} / {fmt_time(s.get('small_plain_s'))}",
                     "-" if s.get("max_rel_error") is None else
                     f"{s['max_rel_error']:.1e} / {s['nonfinite']}"])
    print(table(["case", "before", "after", "after/before", "f32 vs keras", "vs passes",
                 "worst vs plain", "801 el.: lf / plain", "max rel err / nonfinite"], rows))


# ------------------------------------------------------------------ sections


def run_accuracy(args, names, log):
    log(f"Exactness: {len(names)} cases against mpmath ({accuracy.DIGITS} digits)"
        + (" on the reduced grid" if args.quick else ""))
    return {"digits": accuracy.DIGITS, "grid": "reduced" if args.quick else "full",
            "clip_bounds": [accuracy.P_LO, accuracy.P_HI],
            "relative_error": "|computed - true| / |true|, where the true value is a normal "
                              "float64",
            "nonfinite": "NaN/inf (or an exception) where the true value is finite in float64",
            "keras_precision": "float32 (JAX backend); float32_domain: inputs exactly float32 "
                               "and true value a normal float32",
            "notes": {n: {"naive": accuracy.CASES[n].naive_note,
                          "keras": accuracy.CASES[n].spec.keras_differences} for n in names},
            "cases": [accuracy.evaluate(n, reduced=args.quick) for n in names]}


def run_speed(args, names, log):
    target, repeat = (0.005, 3) if args.quick else (0.025, 5)
    log(f"Speed: {len(names)} cases at {speed.SIZE:.0e} elements x {', '.join(speed.DTYPES)}; "
        f"shapes {', '.join('x'.join(map(str, s)) for s in speed.SHAPES)}; "
        f"{speed.SMALL} elements; median of {repeat} runs")
    rows = speed.measure_main(names, speed.DTYPES, target=target, repeat=repeat)
    base = baseline()
    if base:
        from benchmarks.baseline import label  # noqa: PLC0415

        for r in rows:
            r["before"] = base["times"].get(label("main", r["case"], r["shape"], r["dtype"]))
    shapes = speed.measure_shapes(names, target=target, repeat=repeat)
    small = speed.measure_small(names, target=target, repeat=repeat)
    if base:
        for r in shapes:
            r["before"] = base["times"].get(label("shape", r["case"], r["shape"], r["dtype"]))
        for r in small:
            r["before"] = base["times"].get(label("small", r["case"], r["shape"], r["dtype"]))
    return {"size": speed.SIZE, "dtypes": list(speed.DTYPES), "timer_target_seconds": target,
            "floor": "np.add(a, b, out=buf): both inputs read once",
            "passes": "one pass of each transcendental function the formula needs, "
                      "np.<fn>(a, out=buf), same size and dtype",
            "keras_input": "NumPy arrays; keras (JAX backend) converts them to float32 and "
                           "the timed call includes keras.ops.convert_to_numpy of the result",
            "baseline": None if not base else {"commit": base["commit"],
                                               "machine": base["machine"]},
            "rows": rows, "shapes": shapes, "small": small}


# ------------------------------------------------------------------ main


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()

    def log(msg):
        print(msg, flush=True)

    names = list(accuracy.CASES) if not args.cases else [
        n.strip() for n in args.cases.split(",") if n.strip()]
    unknown = [n for n in names if n not in accuracy.CASES]
    if unknown:
        sys.exit(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(accuracy.CASES)}")

    result = {"mode": "quick" if args.quick else "full", "machine": machine.info(ROOT),
              "targets": TARGETS, "speed": None, "accuracy": None, "build": None}
    m = result["machine"]
    log(f"{m['cpu_model']}, {m['cpus_available']} of {m['cpu_count']} CPUs, {m['ram_gib']} GiB, "
        f"load {', '.join(f'{x:.2f}' for x in m['load_average'] or [])}; Python {m['python']}, "
        f"numpy {m['versions']['numpy']}, keras {m['versions']['keras']}, "
        f"jax {m['versions']['jax']}\n")
    if not args.skip_accuracy:
        result["accuracy"] = run_accuracy(args, names, log)
    if not args.skip_speed:
        result["speed"] = run_speed(args, names, log)
    result["machine"]["load_average_end"] = list(os.getloadavg())
    result["target_summary"] = summarise(result)
    print_summary(result["target_summary"])
    if args.build:
        log("\nCourse build timings (temporary copy of the committed tree)")
        result["build"] = {"where": "temporary copy of `git archive HEAD`, the checkout's .venv",
                           "steps": course_build.measure(ROOT, timeout=args.build_timeout,
                                                         log=log)}
    result["total_seconds"] = round(time.perf_counter() - start, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.output or RESULTS / ("quick.json" if args.quick else "latest.json")
    stamp = m["date"].replace(":", "").replace("-", "").replace("+0000", "Z")
    text = json.dumps(result, indent=1, default=_json_default, allow_nan=False) + "\n"
    out.write_text(text, encoding="utf-8")
    log(f"\nWrote {out} in {result['total_seconds']:.0f} s")
    if out == RESULTS / "latest.json" and result["speed"] and result["accuracy"]:
        (RESULTS / f"{stamp}.json").write_text(text, encoding="utf-8")
        from benchmarks import readme  # noqa: PLC0415

        if readme.update():
            log("Updated the Performance section of README.md")
    return 0


def _json_default(o):
    import numpy as np  # noqa: PLC0415

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


if __name__ == "__main__":
    sys.exit(main())
