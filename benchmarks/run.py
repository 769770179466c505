"""Benchmarks of lossfuncs: speed, exactness and course build times (``make bench``).

    python -m benchmarks.run                 # everything (about 5 minutes)
    python -m benchmarks.run --quick         # smoke run: small sizes, no build (< 30 s)
    python -m benchmarks.run --skip-build --sizes 1e3,1e6

Writes ``benchmarks/results/latest.json`` (``quick.json`` with ``--quick``) and a
timestamped copy, and prints the tables with each target met or missed. Nothing is
asserted: the targets are reported, not enforced.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("KERAS_BACKEND", "jax")

from benchmarks import accuracy, machine, speed  # noqa: E402
from benchmarks import build as course_build  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"

TARGETS = {
    "speed_size": 10**6,
    "speed_dtype": "float64",
    "ratio_plain": 3.0,  # MSE, MAE, hinge, Huber
    "ratio_log_exp": 8.0,  # log_cosh, MSLE, BCE, CCE, SCCE, KL, exponential, logistic
    "faster_than_keras": "at every size and dtype",
    "max_rel_error": 1e-12,
    "nonfinite": 0,
    "build_seconds": {
        "HTML build, clean": 45.0,
        "HTML rebuild, no change": 3.0,
        "nbval, all chapters, 2 workers": 30.0,
        "PDF book + handouts (make pdf)": 90.0,
    },
}


def _sizes(text):
    return [int(float(s)) for s in text.split(",") if s.strip()]


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: sizes 1e3 and 1e5, short timings, reduced exactness "
                         "grid, no build timings; writes results/quick.json")
    ap.add_argument("--sizes", type=_sizes, default=None,
                    help="comma-separated element counts, e.g. 1e3,1e6 (default 1e3,1e5,1e6,1e7)")
    ap.add_argument("--dtypes", default=",".join(speed.DTYPES),
                    help="comma-separated dtypes (default float32,float64)")
    ap.add_argument("--cases", default=None,
                    help=f"comma-separated losses (default all): {', '.join(accuracy.CASES)}")
    ap.add_argument("--skip-speed", action="store_true", help="no speed measurements")
    ap.add_argument("--skip-accuracy", action="store_true", help="no exactness measurements")
    ap.add_argument("--skip-build", action="store_true", help="no course build timings")
    ap.add_argument("--build-timeout", type=float, default=900, help="seconds per build step")
    ap.add_argument("--keep-build-copy", action="store_true",
                    help="keep the temporary copy of the repository used for build timings")
    ap.add_argument("--output", type=Path, default=None,
                    help="results file (default benchmarks/results/latest.json, or quick.json)")
    return ap.parse_args(argv)


# ------------------------------------------------------------------ formatting


def _fmt_time(sec):
    if sec is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if sec >= scale or unit == "us":
            return f"{sec / scale:.3g} {unit}"
    return f"{sec:.3g} s"


def _fmt_err(x):
    return "-" if x is None else ("0" if x == 0 else f"{x:.1e}")


def table(headers, rows):
    cols = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(headers)]
    widths = [max(len(c) for c in col) for col in cols]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths)), line]
    for r in rows:
        out.append("  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                             for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(out)


def _mark(ok):
    return "met" if ok else "MISSED"


# ------------------------------------------------------------------ targets


def speed_targets(rows):
    """Per case: ratio to the floor at 1e6 float64, and faster than keras everywhere."""
    out = {}
    for name in dict.fromkeys(r["case"] for r in rows):
        case = accuracy.CASES[name]
        mine = [r for r in rows if r["case"] == name]
        ref = [r for r in mine
               if r["size"] == TARGETS["speed_size"] and r["dtype"] == TARGETS["speed_dtype"]]
        target = TARGETS["ratio_log_exp"] if case.spec.passes else TARGETS["ratio_plain"]
        entry = {"ratio_target": target}
        if ref:
            ratio = ref[0]["lossfuncs"]["ratio_to_floor"]
            entry.update(ratio=ratio, ratio_met=ratio <= target)
        else:
            entry.update(ratio=None, ratio_met=None)
        if case.keras is not None:
            slower = [f"{r['size']:.0e} {r['dtype']}: {r['lossfuncs']['seconds'] / r['keras']['seconds']:.2f}x keras"
                      for r in mine if r["lossfuncs"]["seconds"] >= r["keras"]["seconds"]]
            entry.update(faster_than_keras_met=not slower, slower_than_keras=slower)
        else:
            entry.update(faster_than_keras_met=None, slower_than_keras=[])
        out[name] = entry
    return out


def accuracy_targets(results):
    out = {}
    for r in results:
        lf_ = r["lossfuncs"]
        out[r["case"]] = {
            "max_rel_error": lf_["max_rel_error"],
            "max_rel_error_met": lf_["max_rel_error"] <= TARGETS["max_rel_error"],
            "nonfinite": lf_["nonfinite"],
            "nonfinite_met": lf_["nonfinite"] <= TARGETS["nonfinite"],
        }
    return out


def build_targets(steps):
    out = {}
    for s in steps:
        limit = TARGETS["build_seconds"].get(s["step"])
        met = None if limit is None else bool(s["ok"] and s["seconds"] is not None
                                              and s["seconds"] <= limit)
        out[s["step"]] = {"seconds": s["seconds"], "ok": s["ok"], "target": limit, "met": met}
    return out


# ------------------------------------------------------------------ sections


def run_speed(args, names, log):
    sizes = args.sizes or ([10**3, 10**5] if args.quick else list(speed.SIZES))
    dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    target = 0.005 if args.quick else 0.025

    def repeat_for(n):
        if args.quick:
            return 3
        return 3 if n >= 10**7 else 5

    log(f"Speed: {len(names)} losses x sizes {', '.join(f'{n:.0e}' for n in sizes)} x "
        f"{', '.join(dtypes)}; median of {repeat_for(sizes[0])} runs (3 at 1e7)")
    rows = speed.measure(names, sizes, dtypes, target=target, repeat_for=repeat_for)
    return {"sizes": sizes, "dtypes": dtypes, "timer_target_seconds": target,
            "floor": "np.add(a, b, out=buf): both inputs read once",
            "keras_input": "NumPy arrays; keras (JAX backend) converts them to float32 and "
                           "the timed call includes keras.ops.convert_to_numpy of the result",
            "rows": rows}


def print_speed(section, targets):
    rows = []
    for r in section["rows"]:
        def cell(impl):
            m = r.get(impl)
            return "-" if m is None else f"{_fmt_time(m['seconds'])} ({m['ratio_to_floor']:.1f}x)"

        kr = ("-" if r["keras"] is None
              else f"{r['lossfuncs']['seconds'] / r['keras']['seconds']:.2f}")
        rows.append([r["case"], f"{r['size']:.0e}", r["dtype"], _fmt_time(r["floor_s"]),
                     cell("lossfuncs"), cell("keras"), cell("naive"), kr])
    print(table(["loss", "size", "dtype", "floor", "lossfuncs (x floor)", "keras (x floor)",
                 "naive (x floor)", "lf/keras"], rows))
    print()
    trows = []
    for name, t in targets.items():
        ratio = "-" if t["ratio"] is None else f"{t['ratio']:.1f}x <= {t['ratio_target']:g}x"
        rmet = "-" if t["ratio_met"] is None else _mark(t["ratio_met"])
        kmet = "n/a" if t["faster_than_keras_met"] is None else _mark(t["faster_than_keras_met"])
        trows.append([name, ratio, rmet, kmet, "; ".join(t["slower_than_keras"][:3])])
    print(table(["loss", "1e6 float64 vs floor", "target", "faster than keras", "where slower"],
                trows))


def run_accuracy(args, names, log):
    log(f"Exactness: {len(names)} cases against mpmath ({accuracy.DIGITS} digits)"
        + (" on the reduced grid" if args.quick else ""))
    results = [accuracy.evaluate(n, reduced=args.quick) for n in names]
    return {"digits": accuracy.DIGITS, "grid": "reduced" if args.quick else "full",
            "clip_bounds": [accuracy.P_LO, accuracy.P_HI],
            "relative_error": "|computed - true| / |true|, where the true value is a normal "
                              "float64",
            "nonfinite": "NaN/inf (or an exception) where the true value is finite in float64",
            "keras_precision": "float32 (JAX backend); float32_domain: inputs exactly float32 "
                               "and true value a normal float32",
            "notes": {n: {"naive": c.naive_note, "keras": c.spec.keras_differences}
                      for n, c in accuracy.CASES.items() if n in names},
            "cases": results}


def print_accuracy(section, targets):
    rows = []
    for r in section["cases"]:
        def cell(m):
            return "n/a" if m is None else f"{_fmt_err(m['max_rel_error'])} / {m['nonfinite']}"

        k = r["keras"]
        t = targets[r["case"]]
        rows.append([r["case"], r["points"], cell(r["lossfuncs"]), cell(k),
                     "n/a" if k is None else cell(k["float32_domain"]), cell(r["naive"]),
                     _mark(t["max_rel_error_met"] and t["nonfinite_met"])])
    print(table(["loss", "points", "lossfuncs", "keras (f32)", "keras, f32 domain", "naive",
                 "target"], rows))
    print("  cells: max relative error / non-finite results where the true value is finite;"
          f" target for lossfuncs: <= {TARGETS['max_rel_error']:g} and 0")


def print_build(steps, targets):
    rows = []
    for s in steps:
        t = targets[s["step"]]
        sec = "-" if s["seconds"] is None else f"{s['seconds']:.1f} s"
        status = "ok" if s["ok"] else "FAILED"
        tgt = "" if t["target"] is None else f"<= {t['target']:g} s: {_mark(t['met'])}"
        rows.append([s["step"], sec, status, tgt])
    print(table(["step", "time", "status", "target"], rows))
    for s in steps:
        if not s["ok"] and s.get("tail"):
            print(f"\n--- {s['step']} (last lines) ---\n{s['tail']}")


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
              "targets": TARGETS, "speed": None, "accuracy": None, "build": None,
              "target_summary": {}}
    m = result["machine"]
    log(f"{m['cpu_model']}, {m['cpus_available']} of {m['cpu_count']} CPUs, {m['ram_gib']} GiB, "
        f"load {', '.join(f'{x:.2f}' for x in m['load_average'] or [])}; Python {m['python']}, "
        f"numpy {m['versions']['numpy']}, keras {m['versions']['keras']}, "
        f"jax {m['versions']['jax']}; OPENBLAS_CORETYPE={m['OPENBLAS_CORETYPE']}\n")

    sections = (
        ("accuracy", args.skip_accuracy, run_accuracy,
         lambda section: accuracy_targets(section["cases"]), print_accuracy),
        ("speed", args.skip_speed, run_speed,
         lambda section: speed_targets(section["rows"]), print_speed),
    )
    for key, skip, measure, targets, show in sections:
        if skip:
            continue
        t0 = time.perf_counter()
        result[key] = measure(args, names, log)
        result[key]["seconds"] = round(time.perf_counter() - t0, 1)
        result["target_summary"][key] = targets(result[key])
        show(result[key], result["target_summary"][key])
        print()
    if not (args.skip_build or args.quick):
        log("Course build timings (temporary copy of the committed tree)")
        steps = course_build.measure(ROOT, timeout=args.build_timeout, log=log,
                                     keep=args.keep_build_copy)
        result["build"] = {"where": "temporary copy of `git archive HEAD`, the checkout's .venv",
                           "steps": steps}
        result["target_summary"]["build"] = build_targets(steps)
        print()
        print_build(steps, result["target_summary"]["build"])
        print()

    result["total_seconds"] = round(time.perf_counter() - start, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.output or RESULTS / ("quick.json" if args.quick else "latest.json")
    stamp = m["date"].replace(":", "").replace("-", "").replace("+0000", "Z")
    text = json.dumps(result, indent=1, default=_json_default, allow_nan=False) + "\n"
    out.write_text(text, encoding="utf-8")
    copy = RESULTS / f"{stamp}{'-quick' if args.quick else ''}.json"
    copy.write_text(text, encoding="utf-8")
    log(f"Wrote {_rel(out)} and {_rel(copy)} in {result['total_seconds']:.0f} s")
    if out == RESULTS / "latest.json" and all(result[k] for k in ("speed", "accuracy", "build")):
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


def _rel(p):
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


if __name__ == "__main__":
    sys.exit(main())
