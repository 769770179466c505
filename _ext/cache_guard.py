"""Clear the execution cache when code the chapters import, or data they read, changes.

jupyter-cache keys a notebook on its own code cells only, and myst-nb offers no way to
add files to that key, so after an edit to lossfuncs/ or coursekit/ (or a new benchmark
run, which the appendix reads) cached outputs would be reused.  When the hash of the
guarded files differs from the one stored beside the cache, the cache is deleted; the
hash is also this extension's ``env_version``, so Sphinx discards its saved environment
and reads (and executes) every chapter afresh.
scripts/execute.py calls :func:`guard_cache` before its parallel pre-execution.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

# latest.json: the appendix reads the last benchmark run (a code cell that does not change)
GUARDED = ("lossfuncs/**/*.py", "coursekit/**/*.py", "requirements.txt", "pyproject.toml",
           "benchmarks/results/latest.json")


def fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for pattern in GUARDED:
        for path in sorted(p for p in Path(root).glob(pattern) if "__pycache__" not in p.parts):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def guard_cache(root: Path, cache: Path) -> None:
    """Delete ``cache`` unless ``<cache>.fingerprint`` holds the guarded files' hash."""
    stamp, current = cache.with_name(cache.name + ".fingerprint"), fingerprint(root)
    if not stamp.exists() or stamp.read_text().strip() != current:
        if cache.exists():
            print(f"cache_guard: guarded files changed, clearing {cache}", flush=True)
            shutil.rmtree(cache)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(current + "\n")


def on_config_inited(app, config) -> None:
    cache = config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    guard_cache(Path(app.srcdir), Path(cache).resolve())


def setup(app):
    app.connect("config-inited", on_config_inited)
    return {"version": "3.0", "env_version": fingerprint(app.srcdir),
            "parallel_read_safe": True, "parallel_write_safe": True}
