"""Build the course PDFs: the book and one handout per chapter, student and instructor editions.

    python -m scripts.build_pdfs                      # both editions -> _build/html/pdf/
    python -m scripts.build_pdfs --chapters huber mse # a few chapters -> _build/print/pdf-partial/
    python -m scripts.build_pdfs --fixture            # tests/print_fixture -> _build/print-fixture/pdf/

Each edition is one run of Jupyter Book's own PDF builder (Sphinx, then latexmk and
xelatex in its output folder), which reads the chapters' outputs from the execution cache:

    COURSE_EDITION=<edition> jupyter-book build . --builder pdflatex --path-output _build/print/<edition>

_ext/course_print.py chooses the documents and the print profile.  Jupyter Book writes
the PDFs into its own output folder only, so they are copied to where the site links
them: ``<chapter>.pdf``, ``book.pdf`` (student edition), ``<chapter>-instructor.pdf``,
``book-instructor.pdf``; with ``pages.json`` (page counts) and ``thumbs/<kind>.png``
(a printed page of each kind, for the site's "Printed handouts" page).  A full build
also rewrites the handout table of README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from _ext.course_print import EDITIONS, target_name
from scripts.toc import ROOT, chapter_title, toc_chapters

SITE_PDF = ROOT / "_build" / "html" / "pdf"
PRINT = ROOT / "_build" / "print"
FIXTURE = ROOT / "tests" / "print_fixture"
#: Target length of a loss chapter's student handout, in pages (5-9 pages per
#: 90-minute session); loss chapters are those of these parts of _toc.yml.
PAGE_TARGET = (5, 9)
LOSS_PARTS = ("Classification", "Regression")
#: Kinds of printed page shown as thumbnails, and how each is recognised in the text
#: of a page; "solution" pages come from the instructor edition.
THUMB_KINDS = {
    "title": None,  # page 1
    "listing": re.compile(r"^\s*def \w+\(", re.M),
    "figure": re.compile(r"Figure \d+\.\d+"),
    "exercises": re.compile(r"^\s*Exercise \d+(\.\d+)*\b", re.M),
    "solution": re.compile(r"Solution to Exercise \d+|^\s*Solution\s*$", re.M),
}
README_BEGIN = "<!-- handout-pages:begin (written by scripts/build_pdfs.py) -->"
README_END = "<!-- handout-pages:end -->"


def pdf_name(docname: str, edition: str = "student") -> str:
    """chapters/huber -> huber.pdf or huber-instructor.pdf; book -> book[-instructor].pdf."""
    return target_name(docname, edition) + ".pdf"


def loss_chapters() -> list[str]:
    return toc_chapters(parts=LOSS_PARTS)


def build_edition(edition: str, source: Path, out: Path, toc: Path, strict: bool) -> Path:
    """One jupyter-book pdflatex run; returns its LaTeX output folder.  ``strict``: warnings
    are errors (not for a subset of the chapters: references to the others cannot resolve)."""
    latex = out / "_build" / "latex"
    for old in latex.glob("*.tex"):  # `make all-pdf` would compile stale ones too
        old.unlink()
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source),
           "--builder", "pdflatex", "--path-output", str(out), "--config", str(ROOT / "_config.yml"),
           "--toc", str(toc), "-n", "--keep-going"] + (["-W"] if strict else [])
    print(f"+ COURSE_EDITION={edition} {' '.join(cmd)}", flush=True)
    # In the source folder: the execution cache path of _config.yml is relative.
    env = dict(os.environ, COURSE_EDITION=edition, MAKEFLAGS="-j2",
               LATEXMKOPTS="-silent -interaction=nonstopmode")
    if subprocess.run(cmd, cwd=source, env=env).returncode:
        raise SystemExit(f"{edition} edition: jupyter-book build failed")
    return latex


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M).group(1))


def thumbnails(pdfs: dict[str, list[Path]], dest: Path) -> dict:
    """A PNG of the first printed page of each kind: {kind: {"pdf", "page", "png"}}, from
    the loss chapters' handouts first."""
    dest.mkdir(parents=True, exist_ok=True)
    losses = {d.split("/")[-1] for d in loss_chapters()}
    found = {}
    for kind, pattern in THUMB_KINDS.items():
        edition = "instructor" if kind == "solution" else "student"
        for pdf in sorted(pdfs[edition], key=lambda p: p.stem.split("-")[0] not in losses):
            pages = [] if pdf.name.startswith("book") else [1] if pattern is None else [
                i + 1 for i, t in enumerate(run("pdftotext", "-layout", str(pdf), "-").split("\f"))
                if pattern.search(t)]
            if pages:
                subprocess.run(["pdftoppm", "-png", "-r", "45", "-f", str(pages[0]), "-l",
                                str(pages[0]), "-singlefile", str(pdf), str(dest / kind)], check=True)
                found[kind] = {"pdf": pdf.name, "page": pages[0], "png": f"thumbs/{kind}.png"}
                break
    return found


def readme_section(pages: dict[str, int], chapters: list[str]) -> str:
    lo, hi = PAGE_TARGET
    losses = set(loss_chapters())
    rows = ["| Handout | Student | Instructor |", "|---|---:|---:|"]
    for doc in chapters:
        n = pages[pdf_name(doc)]
        mark = " (outside target)" if doc in losses and not lo <= n <= hi else ""
        rows.append(f"| {chapter_title(doc)} (`{pdf_name(doc)}`) | {n}{mark} | "
                    f"{pages[pdf_name(doc, 'instructor')]} |")
    rows.append(f"| **Book** (`book.pdf`) | {pages[pdf_name('book')]} | "
                f"{pages[pdf_name('book', 'instructor')]} |")
    total = sum(pages[pdf_name(d)] for d in chapters)
    return (f"{README_BEGIN}\n"
            f"Pages per PDF, as last built by `make pdf` (target for a loss chapter's student "
            f"handout: {lo}–{hi} pages; all student handouts together: {total} pages):\n\n"
            + "\n".join(rows) + f"\n{README_END}")


def update_readme(section: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(README_BEGIN, 1)
    new = head + section + rest.split(README_END, 1)[1]
    if new != text:
        readme.write_text(new, encoding="utf-8")
        print("README.md: handout page counts updated", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="+", metavar="NAME",
                        help="build only these chapters (and a book of them)")
    parser.add_argument("--fixture", action="store_true",
                        help="build tests/print_fixture into _build/print-fixture")
    args = parser.parse_args(argv)
    source, toc, out, dest = ROOT, ROOT / "_toc.yml", PRINT, SITE_PDF
    chapters = toc_chapters()
    if args.fixture:
        source, toc, out = FIXTURE, FIXTURE / "_toc.yml", ROOT / "_build" / "print-fixture"
        dest, chapters = out / "pdf", toc_chapters(FIXTURE)
    elif args.chapters:  # a copy of _toc.yml with only these chapters
        data = yaml.safe_load(toc.read_text(encoding="utf-8"))
        wanted = {c if c.startswith("chapters/") else f"chapters/{c}" for c in args.chapters}
        data["parts"] = [{**p, "chapters": [c for c in p["chapters"] if c.get("file") in wanted]}
                         for p in data["parts"]]
        data["parts"] = [p for p in data["parts"] if p["chapters"]]
        toc, dest = PRINT / "_toc.subset.yml", PRINT / "pdf-partial"
        toc.parent.mkdir(parents=True, exist_ok=True)
        toc.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        chapters = [c for c in chapters if c in wanted]
    dest.mkdir(parents=True, exist_ok=True)
    published: dict[str, list[Path]] = {}
    for edition in EDITIONS:
        latex = build_edition(edition, source, out / edition, toc, strict=not args.chapters)
        published[edition] = [dest / pdf_name(doc, edition) for doc in ["book", *chapters]]
        for pdf in published[edition]:
            shutil.copy2(latex / pdf.name, pdf)
    if args.fixture:
        return 0
    pages = {p.name: page_count(p) for ps in published.values() for p in ps}
    record = {"pages": pages, "thumbnails": thumbnails(published, dest / "thumbs")}
    (dest / "pages.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    if not args.chapters:
        update_readme(readme_section(pages, chapters))
    for name, n in pages.items():
        print(f"{n:4d} pages  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
