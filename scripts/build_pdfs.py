"""Build the course PDFs: the whole book and one handout per chapter.

    python scripts/build_pdfs.py            # book + handouts
    python scripts/build_pdfs.py --book     # only the book
    python scripts/build_pdfs.py --handouts # only the handouts
    python scripts/build_pdfs.py --list     # print "docname<TAB>title" per chapter

* The book is ``jupyter-book build . --builder pdflatex`` (xelatex, see the
  ``latex:`` section of _config.yml) -> _build/latex/book.pdf.
* The handouts are built by Sphinx's LaTeX builder with the book's own
  configuration (as ``jupyter-book config sphinx`` computes it) and one
  ``latex_documents`` entry per chapter, in the plain "howto" class: no title
  page, no table of contents, the chapter's heading is its title
  -> _build/handouts/<chapter>.pdf.  (Several latex_documents in _config.yml
  crash jupyter-book 1.0.4's own builder, hence this script.)
* Every PDF is copied to _build/html/pdf/, where the website links them.

Warnings are errors, as for the HTML build.  Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from toc import toc_docnames  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SITE_PDF = BUILD / "html" / "pdf"
HANDOUTS = BUILD / "handouts"
BIN = Path(sys.executable).parent


def toc_chapters() -> list[str]:
    """Docnames under chapters/ in _toc.yml order."""
    return [doc for doc in toc_docnames() if doc.startswith("chapters/")]


def chapter_title(docname: str) -> str:
    """The first level-1 heading of the chapter's MyST source."""
    text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            return line[2:].strip()
    return docname.split("/")[-1]


def handout_name(docname: str) -> str:
    return docname.split("/")[-1]


def build_book() -> int:
    cmd = [str(BIN / "jupyter-book"), "build", str(ROOT), "--builder", "pdflatex",
           "-W", "-n", "--keep-going"]
    print("+", " ".join(cmd), flush=True)
    rc = subprocess.call(cmd, cwd=ROOT)
    pdf = BUILD / "latex" / "book.pdf"
    if rc != 0 or not pdf.exists():
        print(f"book PDF build failed (exit {rc})", file=sys.stderr)
        return rc or 1
    SITE_PDF.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, SITE_PDF / "book.pdf")
    print(f"book PDF: {SITE_PDF / 'book.pdf'}", flush=True)
    return 0


def handout_config(chapters: list[str]) -> dict:
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml",
        cli_config={"latex_individualpages": False},
        sourcedir=ROOT,
    )
    # Plain Sphinx LaTeX ("howto" class) instead of Jupyter Book's book class.
    config["extensions"] = [e for e in config["extensions"]
                            if e != "sphinx_jupyterbook_latex"]
    config["use_jupyterbook_latex"] = False
    author = config.get("author", "")
    config["latex_documents"] = [
        (doc, f"{handout_name(doc)}.tex", chapter_title(doc), author, "howto", False)
        for doc in chapters
    ]
    elements = dict(config.get("latex_elements", {}))
    elements["tableofcontents"] = ""
    # The chapter's heading is the document title (Sphinx's howto title block).
    elements["preamble"] = elements.get("preamble", "") + "\\setcounter{secnumdepth}{0}\n"
    elements["printindex"] = ""
    config["latex_elements"] = elements
    return config


def build_handouts() -> int:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    chapters = toc_chapters()
    if not chapters:
        print("no chapters in _toc.yml", file=sys.stderr)
        return 1
    config = handout_config(chapters)
    HANDOUTS.mkdir(parents=True, exist_ok=True)
    with patch_docutils(None), docutils_namespace():
        app = Sphinx(
            srcdir=str(ROOT),
            confdir=None,
            outdir=str(HANDOUTS),
            doctreedir=str(HANDOUTS / ".doctrees"),
            buildername="latex",
            confoverrides=config,
            warningiserror=True,
            keep_going=True,
        )
        app.build()
        status = app.statuscode
    if status:
        print(f"handout LaTeX build failed (status {status})", file=sys.stderr)
        return status
    jobs = str(os.cpu_count() or 1)
    cmd = ["make", "-C", str(HANDOUTS), f"-j{jobs}", "all-pdf", "LATEXMKOPTS=-silent"]
    print("+", " ".join(cmd), flush=True)
    rc = subprocess.call(cmd)
    if rc != 0:
        print(f"handout PDF build failed (exit {rc})", file=sys.stderr)
        return rc
    SITE_PDF.mkdir(parents=True, exist_ok=True)
    for doc in chapters:
        pdf = HANDOUTS / f"{handout_name(doc)}.pdf"
        if not pdf.exists():
            print(f"missing handout {pdf}", file=sys.stderr)
            return 1
        shutil.copy2(pdf, SITE_PDF / pdf.name)
    print(f"{len(chapters)} handouts in {SITE_PDF}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", action="store_true", help="build the whole-book PDF")
    parser.add_argument("--handouts", action="store_true", help="build the chapter handouts")
    parser.add_argument("--list", action="store_true", help="list chapters and titles")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    os.environ.setdefault("KERAS_BACKEND", "jax")
    if args.list:
        for doc in toc_chapters():
            print(f"{doc}\t{chapter_title(doc)}")
        return 0
    both = not (args.book or args.handouts)
    if args.book or both:
        rc = build_book()
        if rc:
            return rc
    if args.handouts or both:
        rc = build_handouts()
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())
