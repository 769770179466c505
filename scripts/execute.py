"""Execute the chapters in parallel into the execution cache: ``python -m scripts.execute [book]``.

myst-nb (``execute_notebooks: cache``) executes chapters while Sphinx reads them, in
parallel only with ``sphinx-build -j``, which Jupyter Book 1.x's ``jupyter-book build``
does not offer (jupyter-book/jupyter-book#1735).  Run first,
this fills the same cache with jupyter-cache's own ``local-parallel`` executor, reading
each chapter with its ``jupytext`` reader, which gives the notebook myst-nb hashes: the
book build then finds every chapter cached.  (jupyter-cache's ``jcache project execute``
neither exits non-zero nor shows the traceback when a notebook fails; this does both.)
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

from _ext.cache_guard import guard_cache
from scripts.toc import is_notebook, toc_chapters


def main(root: Path) -> int:
    execute = yaml.safe_load((root / "_config.yml").read_text())["execute"]
    cache_path = root / execute["cache"]
    guard_cache(root, cache_path)
    cache = get_cache(cache_path)
    for doc in toc_chapters(root):
        path = root / f"{doc}.md"
        if is_notebook(path.read_text()):
            cache.add_nb_to_project(str(path), read_data={"name": "jupytext", "type": "plugin"})
    records = cache.list_unexecuted()
    print(f"execute: {len(records)} chapter(s) to execute", flush=True)
    if not records:
        return 0
    logging.basicConfig(format="%(message)s")
    logger = logging.getLogger("execute")
    logger.setLevel(logging.INFO)  # the executor then names each chapter it runs
    result = load_executor("local-parallel", cache, logger=logger).run_and_cache(
        filter_pks=[r.pk for r in records], timeout=execute["timeout"],
        allow_errors=execute["allow_errors"])
    for uri in result.excepted + result.errored:
        trace = cache.get_project_record(uri).traceback or "(no traceback recorded)"
        print(f"\nFAILED {Path(uri).relative_to(root)}\n{trace}", file=sys.stderr)
    return 1 if result.excepted or result.errored else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
