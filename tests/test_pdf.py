"""The PDFs of `make pdf`: the whole book and one handout per chapter.

Checked with poppler-utils (pdfinfo, pdftotext, pdfimages, pdffonts): each
PDF opens, has A4 pages, contains its chapter's title, has its figures
(raster images, or matplotlib's vector figures, recognisable by the DejaVu
fonts they embed), the handouts start with the chapter (no title or
contents page) and no LaTeX line overflows the margins.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SITE_PDF = BUILD / "html" / "pdf"
EXECUTED = BUILD / "jupyter_execute"

sys.path.insert(0, str(ROOT / "scripts"))
from build_pdfs import chapter_title, handout_name, toc_chapters  # noqa: E402

from testsupport import require_tool, skip_or_fail  # noqa: E402

CHAPTERS = toc_chapters()
A4 = (595.28, 841.89)
# Overfull boxes wider than this (in pt) count as overflowing the margin.
OVERFULL_TOLERANCE_PT = 5.0


def run(tool: str, *args: str) -> str:
    exe = require_tool(tool, "Debian package poppler-utils")
    proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{tool} {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def pdf_path(name: str) -> Path:
    path = SITE_PDF / name
    if not path.exists():
        msg = f"{path} missing: run `make pdf`"
        skip_or_fail(msg)
    return path


def normalise(text: str) -> str:
    text = re.sub(r"[`*_$\\{}]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def title_words(title: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", title)]


def has_figures(pdf: Path) -> bool:
    images = [line for line in run("pdfimages", "-list", str(pdf)).splitlines()[2:] if line.strip()]
    if images:
        return True
    # matplotlib's vector figures embed DejaVu Sans (text as glyphs/fonts)
    return "DejaVu" in run("pdffonts", str(pdf))


def image_outputs(doc: str) -> int:
    nb = nbformat.read(EXECUTED / f"{doc}.ipynb", as_version=4)
    return sum(
        1
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if any(m.startswith("image/") or m == "application/pdf" for m in out.get("data", {}))
    )


def info(pdf: Path) -> dict[str, str]:
    out = run("pdfinfo", str(pdf))
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def check_pages(pdf: Path) -> int:
    meta = info(pdf)
    pages = int(meta["Pages"].strip())
    assert pages >= 1
    size = re.findall(r"[\d.]+", meta["Page size"])
    w, h = float(size[0]), float(size[1])
    assert abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2, f"{pdf.name}: page size {w}x{h}, not A4"
    return pages


def test_every_chapter_has_a_handout():
    assert CHAPTERS
    if not SITE_PDF.exists():
        msg = "no PDFs: run `make pdf`"
        skip_or_fail(msg)
    expected = {f"{handout_name(d)}.pdf" for d in CHAPTERS} | {"book.pdf"}
    present = {p.name for p in SITE_PDF.glob("*.pdf")}
    assert expected <= present, f"missing: {sorted(expected - present)}"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_handout(doc):
    pdf = pdf_path(f"{handout_name(doc)}.pdf")
    check_pages(pdf)
    title = chapter_title(doc)
    pages = run("pdftotext", "-layout", str(pdf), "-").split("\f")
    first = normalise(pages[0])
    for word in title_words(title):
        assert word.lower() in first, f"{pdf.name}: title word {word!r} not on page 1"
    assert "contents" not in first.split()[:3], f"{pdf.name}: starts with a contents page"
    blank = [i + 1 for i, p in enumerate(pages[:-1]) if not p.strip()]
    assert not blank, f"{pdf.name}: blank pages {blank}"
    if image_outputs(doc):
        assert has_figures(pdf), f"{pdf.name}: the chapter has figures, the PDF has none"


def test_book_pdf():
    pdf = pdf_path("book.pdf")
    pages = check_pages(pdf)
    assert pages >= len(CHAPTERS)
    text = normalise(run("pdftotext", str(pdf), "-"))
    assert "loss functions, tested" in text
    for doc in CHAPTERS:
        for word in title_words(chapter_title(doc)):
            assert word.lower() in text, f"book.pdf: {doc} title word {word!r} missing"
    if any(image_outputs(doc) for doc in CHAPTERS):
        assert has_figures(pdf)


def overfull_boxes(log: Path) -> list[str]:
    text = log.read_text(encoding="latin-1")
    bad = []
    for m in re.finditer(r"Overfull \\hbox \(([\d.]+)pt too wide\)[^\n]*", text):
        if float(m.group(1)) > OVERFULL_TOLERANCE_PT:
            bad.append(m.group(0))
    return bad


def test_nothing_overflows_the_margins():
    logs = [BUILD / "latex" / "book.log"] + [
        BUILD / "handouts" / f"{handout_name(d)}.log" for d in CHAPTERS
    ]
    logs = [log for log in logs if log.exists()]
    if not logs:
        msg = "no LaTeX logs: run `make pdf`"
        skip_or_fail(msg)
    bad = {log.name: overfull_boxes(log) for log in logs}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"lines wider than the text block (> {OVERFULL_TOLERANCE_PT} pt): {bad}"
