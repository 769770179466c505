"""Write the cached outputs into ``_build/jupyter_execute/<doc>.ipynb``.

Works around myst-nb 1.4.0 (pinned in requirements.txt): on a cache hit its parser
(myst_nb/sphinx_.py, "write final (updated) notebook") writes the notebook as read
from the source, without the outputs it has just rendered from the cache.  With the
chapters pre-executed, every chapter is a cache hit, so the executed notebooks the
PDF tests read would have no outputs.  Remove when myst-nb writes the merged notebook.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from jupyter_cache import get_cache


def on_doctree_read(app, doctree) -> None:
    config = getattr(app.env, "mystnb_config", None)
    path = Path(config.output_folder, app.env.docname + ".ipynb") if config else None
    if path is None or config.execution_mode != "cache" or not path.is_file():
        return
    nb = nbformat.read(path, as_version=4)
    if any(c.get("outputs") for c in nb.cells):
        return
    try:
        _, merged = get_cache(config.execution_cache_path).merge_match_into_notebook(nb)
    except KeyError:
        return
    nbformat.write(merged, path)


def setup(app):
    app.connect("doctree-read", on_doctree_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
