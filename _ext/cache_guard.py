"""Clear the execution cache when the code the chapters import changes.

jupyter-cache keys a notebook on its own code cells only (myst-nb offers no
way to add files to the key), so after an edit to lossfuncs/ or coursekit/
the cached outputs would be reused.  This extension hashes the guarded files;
when the hash differs from the one stored beside the cache, it deletes the
cache and marks every document outdated, so each chapter is executed afresh.
``python -m _ext.cache_guard`` runs the same check before the parallel
pre-execution (scripts/execute.py).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

GUARDED = ("lossfuncs/**/*.py", "coursekit/**/*.py", "requirements.txt", "pyproject.toml")


def fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for pattern in GUARDED:
        for path in sorted(p for p in root.glob(pattern) if "__pycache__" not in p.parts):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def guard_cache(root: Path, cache: Path) -> str:
    """Delete ``cache`` unless ``<cache>.fingerprint`` matches; return the fingerprint."""
    stamp, current = cache.with_name(cache.name + ".fingerprint"), fingerprint(root)
    if not stamp.exists() or stamp.read_text().strip() != current:
        if cache.exists():
            print(f"cache_guard: guarded files changed, clearing {cache}", flush=True)
            shutil.rmtree(cache)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(current + "\n")
    return current


def on_config_inited(app, config) -> None:
    cache = config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    app.cache_guard_fingerprint = guard_cache(Path(app.srcdir), Path(cache).resolve())


def on_env_get_outdated(app, env, added, changed, removed):
    if getattr(env, "cache_guard_fingerprint", None) == app.cache_guard_fingerprint:
        return []
    env.cache_guard_fingerprint = app.cache_guard_fingerprint  # pickled with the env
    return sorted(env.found_docs - set(added) - set(changed))


def setup(app):
    app.connect("config-inited", on_config_inited)
    app.connect("env-get-outdated", on_env_get_outdated)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    guard_cache(root, root / "_build" / ".jupyter_cache")
