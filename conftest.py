"""Repository-wide pytest configuration.

1. nbval for MyST Markdown notebooks.  nbval only collects ``.ipynb`` files;
   with ``--nbval`` (or ``--nbval-lax``) this hook also collects the
   chapters' ``.md`` notebooks (files whose front matter has a
   ``kernelspec``), read with jupytext.  Test ids name the ``.md`` file and
   the kernel runs in the chapter's folder, so

       pytest --nbval chapters/ -n 2 --dist loadfile
       pytest --nbval chapters/intro.md

   both work.  Use ``--dist loadfile`` with xdist: all cells of a notebook
   must run in one kernel.  MyST notebooks store no outputs, so the cells
   are checked for running without error; checks belong in ``assert``s.

(Helpers for the output tests live in scripts/testsupport.py.)
"""

from __future__ import annotations

import os
import warnings
from collections import defaultdict


ROOT = os.path.dirname(os.path.abspath(__file__))

collect_ignore_glob = ["_build/*", ".venv/*"]


def _is_myst_notebook(file_path) -> bool:
    if file_path.suffix != ".md":
        return False
    try:
        head = file_path.read_text(encoding="utf-8")[:4000]
    except OSError:
        return False
    if not head.startswith("---"):
        return False
    front = head.split("\n---", 1)[0]
    return "kernelspec" in front


try:
    from nbval.plugin import IPyNbCell, IPyNbFile, find_comment_markers, find_metadata_tags
except ImportError:  # nbval not installed: no notebook collection
    IPyNbFile = None


if IPyNbFile is not None:

    class MystNotebookFile(IPyNbFile):
        """nbval collector for a MyST Markdown notebook (read by jupytext)."""

        def collect(self):
            import jupytext

            self.nb = jupytext.read(str(self.fspath))
            cell_num = 0
            for cell in self.nb.cells:
                if cell.cell_type != "code":
                    continue
                with warnings.catch_warnings(record=True) as ws:
                    options = defaultdict(bool, find_metadata_tags(cell.metadata))
                    comment_opts = dict(find_comment_markers(cell.source))
                loc = f"{self.fspath}:Cell {cell_num}"
                for w in ws:
                    warnings.warn_explicit(str(w.message), category=UserWarning,
                                           filename=loc, lineno=0)
                options.update(comment_opts)
                options.setdefault("check", self.compare_outputs)
                yield IPyNbCell.from_parent(
                    self, name=f"Cell {cell_num}", cell_num=cell_num, cell=cell, options=options
                )
                cell_num += 1

    def pytest_collect_file(file_path, parent):
        opt = parent.config.option
        if not (getattr(opt, "nbval", False) or getattr(opt, "nbval_lax", False)):
            return None
        if _is_myst_notebook(file_path):
            return MystNotebookFile.from_parent(parent, path=file_path)
        return None
