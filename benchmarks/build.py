"""Course build timings, run in a temporary copy of the repository.

The copy is the committed tree (``git archive HEAD``), so work in progress in the
checkout neither affects nor is affected by the measurement. The checkout's
``.venv`` is reused through a symlink, and ``PYTHONPATH`` points at the copy so the
chapters import the copy's ``lossfuncs`` (not the editable install's). Edits for the
"after editing" rebuilds (an appended comment line) happen in the copy only.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import yaml


def _snapshot(root: Path, dest: Path) -> None:
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=root,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    (dest / ".venv").symlink_to(root / ".venv")


def _first_chapter(course: Path) -> str | None:
    toc = yaml.safe_load((course / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        for ch in part.get("chapters", []):
            f = ch.get("file", "")
            if f.startswith("chapters/") and (course / f"{f}.md").exists():
                return f"{f}.md"
    return None


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


def measure(root: Path, *, timeout=900, log=print, keep=False):
    """Time the build steps; returns a list of step dicts (seconds, ok, command)."""
    root = Path(root)
    tmp = Path(tempfile.mkdtemp(prefix="lossfuncs-bench-"))
    course = tmp / "course"
    course.mkdir()
    steps = []
    try:
        _snapshot(root, course)
        venv_bin = course / ".venv" / "bin"
        env = dict(os.environ, KERAS_BACKEND="jax", PYTHONHASHSEED="0", PYTHONPATH=str(course),
                   PATH=f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}")
        py = str(venv_bin / "python")
        # What `make book` runs: the chapters executed 2 at a time into the cache, then
        # Sphinx (which then executes nothing). `make pdf` pre-executes the same way.
        pre = f"{shlex.quote(py)} scripts/execute_chapters.py --jobs 2"
        jb = ["bash", "-c", f"{pre} && {shlex.quote(str(venv_bin / 'jupyter-book'))} "
              "build . -W -n --keep-going"]

        def run(label, cmd):
            steps.append(_run(label, cmd, course, env, timeout, log))

        run("HTML build, clean", jb)
        run("HTML rebuild, no change", jb)
        chapter = _first_chapter(course)
        if chapter:
            with open(course / chapter, "a", encoding="utf-8") as fh:
                fh.write("\n% benchmark: edited\n")
            run(f"HTML rebuild, {chapter} edited", jb)
        module = course / "lossfuncs" / "regression.py"
        with open(module, "a", encoding="utf-8") as fh:
            fh.write("\n# benchmark: edited\n")
        run("HTML rebuild, lossfuncs edited", jb)
        nbval = [py, "-m", "pytest", "--nbval", "chapters/", "-q", "-p", "no:cacheprovider"]
        run("nbval, all chapters, serial", nbval)
        run("nbval, all chapters, 2 workers", nbval + ["-n", "2", "--dist", "loadfile"])
        if (course / "scripts" / "build_pdfs.py").exists():
            # `make pdf` is this script after its set-up prerequisites (venv, TeX packages),
            # which must not run against the shared .venv: call the script itself.
            run("PDF book + handouts (make pdf)",
                ["bash", "-c", f"{pre} && {shlex.quote(py)} scripts/build_pdfs.py"])
        else:
            steps.append({"step": "PDF book + handouts (make pdf)", "ok": False, "seconds": None,
                          "returncode": None, "command": "", "tail": "scripts/build_pdfs.py "
                          "is not in the committed tree"})
    finally:
        if keep:
            log(f"  (temporary copy kept in {course})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return steps
