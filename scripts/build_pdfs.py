"""Build the course PDFs: the book and one handout per chapter, student and instructor editions.

    python scripts/build_pdfs.py                     # both editions -> _build/html/pdf/
    python scripts/build_pdfs.py --edition student   # one edition
    python scripts/build_pdfs.py --chapters huber mse    # a few chapters -> _build/print/pdf-partial/
    python scripts/build_pdfs.py --fixture           # tests/print_fixture -> _build/print-fixture/

Each edition is one run of Jupyter Book's own LaTeX/PDF builder,

    COURSE_EDITION=<edition> jupyter-book build . --builder pdflatex \\
        --path-output _build/print/<edition> -W -n --keep-going

which runs Sphinx (reading the chapters' outputs from the HTML build's execution
cache) and then ``make all-pdf`` (latexmk, xelatex) in its output folder, two jobs in
parallel.  _ext/course_print.py chooses the documents and the print profile.
Written to _build/html/pdf/, where the website links them:

* ``<chapter>.pdf``, ``book.pdf``: student edition (exercises, no solutions);
* ``<chapter>-instructor.pdf``, ``book-instructor.pdf``: the same plus the solutions;
* ``pages.json``: the page count of every PDF; ``thumbs/<kind>.png``: a printed page
  of each kind (title page, listing, figure, exercises, solution), shown on the
  site's "Printed handouts" page.

A full build also rewrites the handout section of README.md (page counts).
Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SITE_PDF = BUILD / "html" / "pdf"
PRINT = BUILD / "print"
FIXTURE = ROOT / "tests" / "print_fixture"
BIN = Path(sys.executable).parent
EDITIONS = ("student", "instructor")

#: Target length of a loss chapter's student handout, in pages (issue: 5-9 pages per
#: 90-minute session).  tests/test_pdf.py reads it from here.
PAGE_TARGET = (5, 9)
#: Parts of _toc.yml whose chapters are loss chapters (held to PAGE_TARGET).
LOSS_PARTS = ("Classification", "Regression")
#: Kinds of printed page shown as thumbnails, and how each is recognised in the text
#: of a page (pdftotext); "solution" pages come from the instructor edition.
THUMB_KINDS = {
    "title": None,  # page 1
    "listing": re.compile(r"^\s*def \w+\(", re.M),
    "figure": re.compile(r"Figure \d+\.\d+"),
    "exercises": re.compile(r"^\s*Exercise \d+(\.\d+)*\b", re.M),
    "solution": re.compile(r"Solution to Exercise \d+|^\s*Solution\s*$", re.M),
}
README_BEGIN = "<!-- handout-pages:begin (written by scripts/build_pdfs.py) -->"
README_END = "<!-- handout-pages:end -->"


# --------------------------------------------------------------------------- table of contents
def toc_parts(toc_file: Path = ROOT / "_toc.yml") -> list[tuple[str, list[str]]]:
    """(caption, [docname, ...]) per part of a jb-book table of contents."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    parts = []
    for part in toc.get("parts", []):
        docs = [re.sub(r"\.(md|ipynb)$", "", c["file"]) for c in part.get("chapters", [])
                if "file" in c]
        parts.append((part.get("caption", ""), docs))
    return parts


def toc_chapters(toc_file: Path = ROOT / "_toc.yml") -> list[str]:
    """Chapter docnames (under chapters/) in table-of-contents order."""
    return [d for _, docs in toc_parts(toc_file) for d in docs if d.startswith("chapters/")]


def loss_chapters() -> list[str]:
    return [d for caption, docs in toc_parts() if caption in LOSS_PARTS
            for d in docs if d.startswith("chapters/")]


def chapter_title(docname: str, root: Path = ROOT) -> str:
    """The first level-1 heading of the chapter's MyST source."""
    text = (root / f"{docname}.md").read_text(encoding="utf-8")
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            return line[2:].strip()
    return docname.split("/")[-1]


def handout_name(docname: str) -> str:
    """chapters/huber -> huber (the handout's name, without edition or suffix)."""
    return docname.split("/")[-1]


def handout_pdf(docname: str, edition: str = "student") -> str:
    """chapters/huber -> huber.pdf / huber-instructor.pdf (the paths the site links)."""
    base = handout_name(docname)
    return f"{base}.pdf" if edition == "student" else f"{base}-{edition}.pdf"


def book_name(edition: str = "student") -> str:
    return "book.pdf" if edition == "student" else f"book-{edition}.pdf"


# --------------------------------------------------------------------------- build
def subset_toc(chapters: list[str], out: Path) -> Path:
    """A copy of _toc.yml that keeps only the given chapters (for quick builds)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    wanted = {c if c.startswith("chapters/") else f"chapters/{c}" for c in chapters}
    parts = []
    for part in toc.get("parts", []):
        kept = [c for c in part.get("chapters", []) if c.get("file") in wanted]
        if kept:
            parts.append({**part, "chapters": kept})
    toc["parts"] = parts
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return out


def build_edition(edition: str, *, source: Path = ROOT, toc: Path | None = None,
                  out: Path | None = None, strict: bool = True) -> Path:
    """One jupyter-book pdflatex run; returns its LaTeX output folder.

    ``strict``: warnings are errors, as for the HTML build (off for a subset of the
    chapters, whose references to the other chapters cannot resolve).
    """
    out = out or PRINT / edition
    latex = out / "_build" / "latex"
    # Stale .tex files would be compiled by `make all-pdf` too.
    for old in latex.glob("*.tex"):
        old.unlink()
    cmd = [str(BIN / "jupyter-book"), "build", str(source), "--builder", "pdflatex",
           "--path-output", str(out), "--config", str(ROOT / "_config.yml"),
           "-n", "--keep-going"] + (["-W"] if strict else [])
    if toc is not None:
        cmd += ["--toc", str(toc)]
    env = dict(os.environ, COURSE_EDITION=edition, MAKEFLAGS="-j2",
               LATEXMKOPTS="-silent -interaction=nonstopmode")
    env.setdefault("KERAS_BACKEND", "jax")
    print("+ COURSE_EDITION=%s %s" % (edition, " ".join(cmd)), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{edition} edition: jupyter-book build failed (exit {proc.returncode})")
    return latex


def publish(latex: Path, edition: str, chapters: list[str], dest: Path = SITE_PDF) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    names = [book_name(edition)] + [handout_pdf(d, edition) for d in chapters]
    copied = []
    for name in names:
        pdf = latex / name
        if not pdf.exists():
            raise SystemExit(f"missing {pdf}")
        shutil.copy2(pdf, dest / name)
        copied.append(dest / name)
    return copied


# --------------------------------------------------------------------------- pages
def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")[:page_count(pdf)]


def figure_pages(pdf: Path) -> list[int]:
    """Pages with matplotlib figures (their text is set in DejaVu Sans)."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    fonts = set(re.findall(r'<fontspec id="(\d+)"[^>]*family="[^"]*DejaVuSans(?:-\w+)?"', xml))
    pages = []
    for number, body in re.findall(r'<page number="(\d+)".*?>(.*?)</page>', xml, re.S):
        if any(f in fonts for f in re.findall(r'font="(\d+)"', body)):
            pages.append(int(number))
    return pages


def thumbnails(pdfs: dict[str, list[Path]], dest: Path = SITE_PDF / "thumbs") -> dict:
    """A PNG of a printed page of each kind: {kind: {"pdf": name, "page": n, "png": path}}."""
    dest.mkdir(parents=True, exist_ok=True)
    found: dict[str, dict] = {}
    for kind, pattern in THUMB_KINDS.items():
        losses = {handout_name(d) for d in loss_chapters()}
        candidates = sorted(pdfs["instructor" if kind == "solution" else "student"],
                            key=lambda p: p.stem.split("-")[0] not in losses)  # losses first
        for pdf in candidates:
            if pdf.name.startswith("book"):
                continue
            texts = page_texts(pdf)
            pages = [1] if pattern is None else [
                i + 1 for i, t in enumerate(texts) if pattern.search(t)]
            if kind == "figure" and not pages:  # figures without a caption
                pages = figure_pages(pdf)
            if pages:
                found[kind] = {"pdf": pdf.name, "page": pages[0]}
                break
    for kind, where in found.items():
        pdf = next(p for ps in pdfs.values() for p in ps if p.name == where["pdf"])
        stem = dest / kind
        subprocess.run(["pdftoppm", "-png", "-r", "45", "-f", str(where["page"]),
                        "-l", str(where["page"]), "-singlefile", str(pdf), str(stem)],
                       check=True)
        where["png"] = f"thumbs/{kind}.png"
    return found


def readme_section(pages: dict[str, int], chapters: list[str]) -> str:
    lo, hi = PAGE_TARGET
    losses = set(loss_chapters())
    rows = ["| Handout | Student | Instructor |", "|---|---:|---:|"]
    for doc in chapters:
        mark = "" if doc not in losses else (
            "" if lo <= pages[handout_pdf(doc)] <= hi else " (outside target)")
        rows.append(f"| {chapter_title(doc)} (`{handout_pdf(doc)}`) | "
                    f"{pages[handout_pdf(doc)]}{mark} | {pages[handout_pdf(doc, 'instructor')]} |")
    rows.append(f"| **Book** (`book.pdf`) | {pages[book_name()]} | "
                f"{pages[book_name('instructor')]} |")
    total = sum(pages[handout_pdf(d)] for d in chapters)
    return (f"{README_BEGIN}\n"
            f"Pages per PDF, as last built by `make pdf` (target for a loss chapter's student "
            f"handout: {lo}–{hi} pages; all student handouts together: {total} pages):\n\n"
            + "\n".join(rows) + f"\n{README_END}")


def update_readme(section: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_BEGIN not in text:
        return
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    new = head + section + tail
    if new != text:
        readme.write_text(new, encoding="utf-8")
        print("README.md: handout page counts updated", flush=True)


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edition", choices=EDITIONS, action="append",
                        help="build only this edition (repeatable)")
    parser.add_argument("--chapters", nargs="+", metavar="NAME",
                        help="build only these chapters (and a book of them)")
    parser.add_argument("--fixture", action="store_true",
                        help="build tests/print_fixture into _build/print-fixture")
    parser.add_argument("--list", action="store_true", help="list chapters and titles")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.list:
        for doc in toc_chapters():
            print(f"{doc}\t{chapter_title(doc)}")
        return 0
    editions = args.edition or list(EDITIONS)
    started = time.perf_counter()

    if args.fixture:
        out = BUILD / "print-fixture"
        chapters = toc_chapters(FIXTURE / "_toc.yml")
        for edition in editions:
            latex = build_edition(edition, source=FIXTURE, toc=FIXTURE / "_toc.yml",
                                  out=out / edition)
            publish(latex, edition, chapters, dest=out / "pdf")
        print(f"fixture PDFs in {out / 'pdf'} ({time.perf_counter() - started:.0f} s)")
        return 0

    toc = None
    chapters = toc_chapters()
    if args.chapters:
        toc = subset_toc(args.chapters, PRINT / "_toc.subset.yml")
        chapters = toc_chapters(toc)
    # A partial build does not replace the site's PDFs.
    dest = PRINT / "pdf-partial" if args.chapters else SITE_PDF
    published: dict[str, list[Path]] = {}
    for edition in editions:
        latex = build_edition(edition, toc=toc, strict=not args.chapters)
        published[edition] = publish(latex, edition, chapters, dest=dest)
    elapsed = time.perf_counter() - started

    pages = {p.name: page_count(p) for ps in published.values() for p in ps}
    record = {"pages": pages, "build_seconds": round(elapsed, 1)}
    if set(editions) == set(EDITIONS):
        record["thumbnails"] = thumbnails(published, dest / "thumbs")
        if not args.chapters:
            update_readme(readme_section(pages, chapters))
    (dest / "pages.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    for name, n in pages.items():
        print(f"{n:4d} pages  {name}")
    print(f"PDFs in {dest} ({elapsed:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
