"""Execute the book's notebooks in parallel into the execution cache.

    python scripts/execute_chapters.py            # JOBS workers (default 2)
    python scripts/execute_chapters.py -j 4

myst-nb (``execute_notebooks: cache``) executes the chapters one after
another while Sphinx reads them.  This script runs first (``make book``):
it reads every notebook listed in _toc.yml exactly as myst-nb does (same
reader, same MyST and myst-nb configuration, computed from _config.yml by
Jupyter Book), executes the ones that have no cache entry yet in a pool of
worker processes, and stores the results in _build/.jupyter_cache.  The
Sphinx build then finds a cache hit for every chapter and executes nothing;
anything missed here is still executed by the build itself.

Before executing, the cache guard (_ext/cache_guard.py) clears the cache if
lossfuncs/, requirements.txt or pyproject.toml changed, and the kernels get
the same IPython configuration (SVG + PDF figures) and environment as the
ones myst-nb starts.  Execution timeout and allow_errors come from the
``execute:`` section of _config.yml.  A chapter that fails is reported with
its traceback, and the script exits non-zero.  Only the main process writes
to the cache.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path, PurePosixPath


ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"

sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))
import cache_guard  # noqa: E402
from toc import toc_docnames  # noqa: E402


def book_config() -> dict:
    """The Sphinx configuration Jupyter Book derives from _config.yml."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml",
        cli_config={"latex_individualpages": False},
        sourcedir=ROOT,
    )
    return config


def parser_configs(config: dict):
    """MdParserConfig and NbParserConfig as myst-parser / myst-nb build them.

    Both take every ``myst_<name>`` / ``nb_<name>`` value from the Sphinx
    configuration, the dataclass default otherwise (which is also the Sphinx
    default they register).
    """
    from myst_nb.core.config import NbParserConfig
    from myst_parser.config.main import MdParserConfig

    md_values = {
        name: config[f"myst_{name}"]
        for name, _, field in MdParserConfig().as_triple()
        if "sphinx" not in field.metadata.get("omit", []) and f"myst_{name}" in config
    }
    nb_values = {
        name: config[f"nb_{name}"]
        for name, _, field in NbParserConfig().as_triple()
        if not field.metadata.get("sphinx_exclude") and f"nb_{name}" in config
    }
    return MdParserConfig(**md_values), NbParserConfig(**nb_values)


def toc_sources() -> list[Path]:
    """Source files of every document in _toc.yml (root included), in order."""
    found: list[Path] = []
    for doc in toc_docnames():
        for suffix in (".md", ".ipynb"):
            path = ROOT / f"{doc}{suffix}"
            if path.is_file():
                found.append(path)
                break
    return found


def read_notebook(path: Path, md_config, nb_config):
    """(notebook, per-notebook NbParserConfig) as myst-nb's parser gets them,
    or None if myst-nb would not treat the file as a notebook."""
    from myst_nb.core.read import create_nb_reader
    from myst_nb.core.nb_to_tokens import nb_node_to_dict

    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), md_config, nb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None and nb_config.kernel_rgx_aliases:
        for rgx, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(rgx, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        nb_config = nb_config.copy(**overrides)
    return notebook, nb_config


def excluded(path: Path, nb_config) -> bool:
    posix = PurePosixPath(path.as_posix())
    return any(posix.match(p) for p in nb_config.execution_excludepatterns)


def execute(notebook, cwd: str, timeout, allow_errors: bool):
    """Worker: execute the notebook as myst-nb's cache client does.

    Returns (executed notebook, seconds, None) or (None, seconds, traceback).
    """
    from jupyter_cache.executors.utils import single_nb_execution

    result = single_nb_execution(
        notebook, cwd=cwd, allow_errors=allow_errors, timeout=timeout, meta_override=True
    )
    if result.err is not None:
        return None, result.time, f"{result.err.__class__.__name__}\n{result.exc_string}"
    return result.nb, result.time, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-j", "--jobs", type=int, default=int(os.environ.get("JOBS") or 2),
        help="parallel kernels (default: $JOBS or 2)",
    )
    args = parser.parse_args(argv)
    jobs = max(1, args.jobs)
    started = time.perf_counter()

    config = book_config()
    md_config, nb_config = parser_configs(config)
    if nb_config.execution_mode != "cache":
        print(f"execute_notebooks is {nb_config.execution_mode!r}, not 'cache': nothing to do")
        return 0
    configured = nb_config.execution_cache_path
    cache_path = Path(configured).resolve() if configured else BUILD / ".jupyter_cache"

    # Same order as the Sphinx build: cache guard first, then the kernel set-up.
    cache_guard.setup_kernel_env(BUILD)
    cache_guard.guard_cache(ROOT, cache_path, log=print)
    os.environ.setdefault("KERAS_BACKEND", "jax")

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_path))
    todo = []
    for path in toc_sources():
        read = read_notebook(path, md_config, nb_config)
        if read is None:
            continue
        notebook, config_nb = read
        if config_nb.execution_mode != "cache" or excluded(path, config_nb):
            continue
        if config_nb.execution_in_temp:  # left to myst-nb (temporary folder)
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue
        except KeyError:
            pass
        todo.append((path, notebook, str(path.parent), config_nb))

    rel = lambda p: p.relative_to(ROOT).as_posix()  # noqa: E731
    if not todo:
        print(f"execute_chapters: every notebook is cached ({time.perf_counter() - started:.1f} s)")
        return 0
    print(f"execute_chapters: executing {len(todo)} notebook(s) with {jobs} worker(s)", flush=True)

    # Biggest first, so that a long chapter does not start last.
    todo.sort(key=lambda item: -len(item[0].read_bytes()))
    failed: list[str] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=get_context("spawn")) as pool:
        pending = {}
        for path, notebook, cwd, config_nb in todo:
            future = pool.submit(
                execute, notebook, cwd, config_nb.execution_timeout,
                config_nb.execution_allow_errors,
            )
            pending[future] = (path, notebook)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                path, notebook = pending.pop(future)
                try:
                    executed, seconds, error = future.result()
                except Exception as exc:  # the worker itself crashed
                    executed, seconds, error = None, 0.0, f"{exc.__class__.__name__}: {exc}"
                if error is not None:
                    failed.append(rel(path))
                    print(f"\nFAILED {rel(path)} ({seconds:.1f} s):\n{error}", file=sys.stderr, flush=True)
                    continue
                # Written by this (main) process only: one SQLite writer.
                cache.cache_notebook_bundle(
                    CacheBundleIn(executed, str(path), data={"execution_seconds": seconds}),
                    check_validity=False,
                    overwrite=True,
                )
                print(f"executed {rel(path)} in {seconds:.1f} s", flush=True)

    total = time.perf_counter() - started
    if failed:
        print(f"execute_chapters: {len(failed)} notebook(s) failed: {', '.join(failed)}",
              file=sys.stderr)
        return 1
    print(f"execute_chapters: {len(todo)} notebook(s) executed and cached in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
