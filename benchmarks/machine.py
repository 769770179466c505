"""What the benchmarks ran on: CPU, memory, load, library versions, BLAS."""

from __future__ import annotations

import contextlib
import datetime
import importlib.metadata
import io
import os
import platform
import subprocess
import sys
from pathlib import Path


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _blas():
    """BLAS/LAPACK numpy was built with (numpy.show_config), and threadpoolctl's view."""
    import numpy as np

    info = {}
    try:
        cfg = np.show_config(mode="dicts")
        deps = cfg.get("Build Dependencies", {})
        for key in ("blas", "lapack"):
            d = deps.get(key, {})
            info[key] = {k: d.get(k) for k in ("name", "version", "openblas configuration")
                         if d.get(k) is not None}
        simd = cfg.get("SIMD Extensions", {})
        info["simd_baseline"] = simd.get("baseline")
        info["simd_found"] = simd.get("found")
    except Exception as exc:  # noqa: BLE001 - older numpy: capture the printed text
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            np.show_config()
        info["show_config"] = buf.getvalue()[:2000]
        info["error"] = repr(exc)
    try:
        import threadpoolctl  # noqa: PLC0415

        info["threadpoolctl"] = threadpoolctl.threadpool_info()
    except ImportError:
        info["threadpoolctl"] = "not installed"
    return info


def _git_commit(root):
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def info(root):
    """A JSON-ready description of the machine and the software."""
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_available": affinity,
        "ram_gib": _ram_gib(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "versions": {d: _version(d) for d in ("lossfuncs", "numpy", "keras", "jax", "jaxlib",
                                              "mpmath", "jupyter-book", "pytest")},
        "keras_backend": os.environ.get("KERAS_BACKEND"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "blas": _blas(),
        "git_commit": _git_commit(root),
    }
