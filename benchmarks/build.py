"""Course build timings (``make bench``).

:func:`measure` (called by benchmarks/run.py for its ``build`` section) times, in a
temporary copy of the committed tree (``git archive HEAD``, the checkout's .venv
through a symlink, ``PYTHONPATH`` at the copy so chapters import the copy's
lossfuncs): ``make book`` clean, again with no change, and after an edit to
lossfuncs (an appended comment line, in the copy only).

``python -m benchmarks.build`` adds the key ``course_build`` to
benchmarks/results/latest.json: the CPU-seconds (user + system, kernel included)
of each chapter executed alone, unless ``--skip-make-test`` the wall time of
``make test`` in a fresh clone of the checkout (its own venv; uv's cache and the
system packages already present), and with ``--html`` the timings above.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATEST = ROOT / "benchmarks" / "results" / "latest.json"
# One chapter executed in a fresh process (kernel included in its CPU time).
EXECUTE_ONE = ("import sys, jupytext, nbclient; from pathlib import Path; p = Path(sys.argv[1]); "
               "nbclient.execute(jupytext.read(p), cwd=str(p.parent), timeout=600)")


def _run(label, cmd, cwd, env, timeout, log):
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
        rc, out = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out = "timeout", f"timed out after {timeout} s\n{exc.stdout or ''}{exc.stderr or ''}"
    seconds = time.perf_counter() - start
    if log:
        log(f"  {label:<34s} {seconds:7.1f} s  {'ok' if rc == 0 else f'FAILED ({rc})'}")
    tail = "\n".join(str(out).strip().splitlines()[-15:]) if rc != 0 else ""
    return {"step": label, "command": " ".join(cmd), "seconds": round(seconds, 2),
            "ok": rc == 0, "returncode": rc, "tail": tail}


def _env(course: Path) -> dict:
    venv_bin = course / ".venv" / "bin"
    return dict(os.environ, KERAS_BACKEND="jax", PYTHONHASHSEED="0", PYTHONPATH=str(course),
                PATH=f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}")


def measure(root: Path, *, timeout=900, log=print, keep=False):
    """HTML build timings (``make book``) in a copy of the committed tree; list of steps."""
    tmp = Path(tempfile.mkdtemp(prefix="lossfuncs-bench-"))
    course = tmp / "course"
    course.mkdir()
    steps = []
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=root,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(course)], input=archive, check=True)
        (course / ".venv").symlink_to(Path(root).resolve() / ".venv")
        for name in ("requirements.txt", "pyproject.toml"):  # never reinstall the shared venv
            os.utime(course / name, (0, 0))
        book = ["make", "book"]
        for label in ("HTML build, clean", "HTML rebuild, no change"):
            steps.append(_run(label, book, course, _env(course), timeout, log))
        with open(course / "lossfuncs" / "__init__.py", "a", encoding="utf-8") as fh:
            fh.write("\n# benchmark: edited\n")
        steps.append(_run("HTML rebuild, lossfuncs edited", book, course, _env(course),
                          timeout, log))
    finally:
        if keep:
            log(f"  (temporary copy kept in {course})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return steps


def chapter_cpu_seconds(root: Path, jobs: int = 2) -> dict[str, float]:
    """User + system CPU seconds of each chapter, executed alone (2 at a time)."""
    from scripts.toc import toc_chapters

    def one(doc: str) -> float:
        proc = subprocess.Popen([sys.executable, "-c", EXECUTE_ONE, str(root / f"{doc}.md")],
                                cwd=root, env=dict(os.environ, KERAS_BACKEND="jax"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        return round(usage.ru_utime + usage.ru_stime, 1) if proc.returncode == 0 else float("nan")

    docs = toc_chapters(root)
    with ThreadPoolExecutor(jobs) as pool:
        return dict(zip(docs, pool.map(one, docs)))


def make_test_fresh_clone(root: Path, log=print) -> dict:
    with tempfile.TemporaryDirectory(prefix="lossfuncs-clone-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(root), str(clone)], check=True)
        return _run("make test, fresh clone", ["make", "test"], clone,
                    dict(os.environ, KERAS_BACKEND="jax"), 3600, log)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--skip-make-test", action="store_true", help="no fresh-clone make test")
    ap.add_argument("--html", action="store_true",
                    help="also the make book timings (which benchmarks/run.py records as 'build')")
    args = ap.parse_args(argv)
    result = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "load_average": os.getloadavg()}
    if args.html:
        print("make book timings (temporary copy of the committed tree)")
        result["html_steps"] = measure(ROOT)
    print("CPU seconds per chapter (each executed alone, 2 at a time)")
    cpu = chapter_cpu_seconds(ROOT)
    for doc, seconds in cpu.items():
        print(f"  {doc:<45s} {seconds:6.1f}")
    result["chapter_cpu_seconds"] = cpu
    result["chapters_cpu_seconds_total"] = round(sum(cpu.values()), 1)
    print(f"  {'all chapters':<45s} {result['chapters_cpu_seconds_total']:6.1f}")
    if not args.skip_make_test:
        result["make_test_fresh_clone"] = make_test_fresh_clone(ROOT)
    data = json.loads(LATEST.read_text()) if LATEST.exists() else {}
    data["course_build"] = result
    LATEST.parent.mkdir(parents=True, exist_ok=True)
    LATEST.write_text(json.dumps(data, indent=1, allow_nan=True) + "\n")
    print(f"Wrote the course_build key of {LATEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
