"""The PDFs of `make pdf`: books and handouts, student and instructor editions.

Checked from the PDFs' text and fonts (poppler-utils: pdfinfo, pdftotext, pdftohtml):

* every chapter has a student and an instructor handout, the course a student and an
  instructor book (the paths the site links);
* a handout opens with its title block ("Chapter n  <title>", no title or contents
  page), is A4, has no blank page and no near-empty last page;
* student editions carry every exercise and no solution; instructor editions carry
  every solution, labelled "Solution to Exercise n";
* no code line was wrapped (no continuation marker), no line overflows the margin;
* nothing of the machinery prints: no ``glue(``, ``assert``, ``:math:``, ``Args:``;
* cross-references to chapters print as "Chapter n (Title)", never as file names;
* figure text is at least 8 pt at printed size; line plots are told apart without colour
  (checked from the style module);
* loss chapters' student handouts are within the page target of scripts/build_pdfs.py;
* the print fixture (tests/print_fixture: every cell role and both solution forms)
  prints exactly what the print profile says.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SITE_PDF = BUILD / "html" / "pdf"
FIXTURE_PDF = BUILD / "print-fixture" / "pdf"

sys.path.insert(0, str(ROOT / "scripts"))
import build_pdfs as bp  # noqa: E402

sys.path.insert(0, str(ROOT / "_ext"))
from course_print import WEB_ONLY  # noqa: E402
from testsupport import require_tool, skip_or_fail  # noqa: E402

CHAPTERS = bp.toc_chapters()
EDITIONS = bp.EDITIONS
A4 = (595.28, 841.89)
OVERFULL_TOLERANCE_PT = 5.0
WRAP_MARKER = "\u21aa"  # ↪, Sphinx's mark for a code line continued
FORBIDDEN = {"glue(": r"glue\(", "assert": r"\bassert\b", ":math:": r":math:", "Args:": r"\bArgs:"}
MIN_FIGURE_PT = 8


# --------------------------------------------------------------------------- helpers
def run(tool: str, *args: str) -> str:
    exe = require_tool(tool, "Debian package poppler-utils")
    proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"{tool} {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def pdf_path(name: str, folder: Path = SITE_PDF) -> Path:
    path = folder / name
    if not path.exists():
        skip_or_fail(f"{path} missing: run `make pdf`")
    return path


@lru_cache(maxsize=None)
def pages_of(pdf: Path) -> tuple[str, ...]:
    count = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M).group(1))
    return tuple(run("pdftotext", "-layout", str(pdf), "-").split("\f")[:count])


@lru_cache(maxsize=None)
def flat(pdf: Path) -> str:
    """The PDF's text in reading order on one line: hyphenation at line ends undone,
    spaces collapsed, typographic quotes made plain."""
    text = run("pdftotext", str(pdf), "-")
    text = re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text)
    text = text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
    return re.sub(r"\s+", " ", text)


def body_lines(page: str) -> list[str]:
    """Lines of a handout page without its running head and foot."""
    lines = [ln for ln in page.splitlines() if ln.strip()]
    return lines[1:-1] if len(lines) > 2 else []


def source(doc: str, root: Path = ROOT) -> str:
    return (root / f"{doc}.md").read_text(encoding="utf-8")


def solution_blocks(text: str) -> list[str]:
    """Contents of every solution in a MyST source (plain and gated forms)."""
    blocks = re.findall(r"^(:{3,})\{solution\}[^\n]*\n(.*?)^\1\s*$", text, re.M | re.S)
    gated = re.findall(r"^:{3,}\{solution-start\}.*?^:{3,}\s*$(.*?)^:{3,}\{solution-end\}",
                       text, re.M | re.S)
    return [b for _, b in blocks] + gated


def phrases(block: str, n: int = 5) -> list[str]:
    """Runs of n plain words from a solution (no markup), to look for in a PDF."""
    text = re.sub(r"```.*?```", " ", block, flags=re.S)
    text = re.sub(r"^:[\w-]+:.*$", " ", text, flags=re.M)
    found = []
    for sentence in re.split(r"[.;:!?\n]", text):
        words = sentence.split()
        run_: list[str] = []
        for w in words + ["$"]:
            if re.fullmatch(r"[A-Za-z][A-Za-z'-]*,?", w):
                run_.append(w.rstrip(","))
                continue
            if len(run_) >= n:
                found.append(" ".join(run_[:n]))
            run_ = []
    return found


def solution_code(block: str) -> list[str]:
    """Lines of the solution's shown code cells (tag `solution`), stripped."""
    lines = []
    for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", block, re.S):
        if "remove-cell" in cell:
            continue
        lines += [ln.strip() for ln in cell.splitlines()
                  if ln.strip() and not ln.startswith((":", "#", "---", "tags:"))
                  and len(ln.strip()) > 12]
    return lines


def exercise_count(text: str) -> int:
    return len(re.findall(r"^:{3,}\{exercise(?:-start)?\}", text, re.M))


def doc_targets(text: str) -> set[str]:
    return set(re.findall(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", text))


def chapter_no(doc: str, chapters=CHAPTERS) -> int:
    return chapters.index(doc) + 1


def check_a4(pdf: Path) -> None:
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", run("pdfinfo", str(pdf)))
    w, h = float(size.group(1)), float(size.group(2))
    assert abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2, f"{pdf.name}: page size {w}x{h}"


def check_common(pdf: Path) -> list[str]:
    """Problems every PDF must be free of."""
    problems = []
    pages = pages_of(pdf)
    text = "\n".join(pages)
    if WRAP_MARKER in text:
        where = [i + 1 for i, p in enumerate(pages) if WRAP_MARKER in p]
        problems.append(f"code lines wrapped (↪) on pages {where}")
    for name, pattern in FORBIDDEN.items():
        hits = [i + 1 for i, p in enumerate(pages) if re.search(pattern, p)]
        if hits:
            problems.append(f"{name!r} printed on pages {hits}")
    blank = [i + 1 for i, p in enumerate(pages) if not p.strip()]
    if blank:
        problems.append(f"blank pages {blank}")
    web = sorted({m.group(0) for m in WEB_ONLY.finditer(text)})
    if web:
        problems.append(f"web-only phrases: {web}")
    broken = re.findall(r"\b[a-z]+_\n\s*[a-z]+\b", text)
    if broken:
        problems.append(f"identifiers broken after '_': {broken[:3]}")
    return problems


def without_solutions(text: str) -> str:
    """A chapter's source without its solutions (sphinx-exercise or plain admonitions)."""
    for block in solution_blocks(text):
        text = text.replace(block, "")
    return re.sub(r"```\{admonition\} Solution.*?```", "", text, flags=re.S)


def check_references(pdf: Path, doc: str, chapters=CHAPTERS, root: Path = ROOT,
                     student: bool = False) -> list[str]:
    problems = []
    text = flat(pdf)
    if re.search(r"\bchapters/\w", text):
        problems.append("a file path 'chapters/...' printed")
    names = [d.split("/")[-1] for d in chapters]
    for name in names:
        pattern = rf"(\((?:see )?{name}\)|\bsee {name}\b|\bin {name}\.)"
        if re.search(pattern, text):
            problems.append(f"raw chapter file name {name!r} used as a reference")
    src = source(doc, root)
    for target in doc_targets(without_solutions(src) if student else src):
        full = str((Path(doc).parent / target)).replace("\\", "/")
        full = re.sub(r"^(\.\./)+", "", full)
        if full in chapters and full != doc:
            expected = f"Chapter {chapter_no(full, chapters)} ("
            if expected not in text:
                problems.append(f"reference to {full} not printed as '{expected}...)'")
    return problems


def check_editions(student: Path, instructor: Path, doc: str, root: Path = ROOT) -> list[str]:
    problems = []
    text = source(doc, root)
    s_text, i_text = flat(student), flat(instructor)
    n_ex = exercise_count(text)
    for edition, t in (("student", s_text), ("instructor", i_text)):
        found = len(set(re.findall(r"\bExercise (\d+(?:\.\d+)?)\b(?! ?\()", t)))
        if found < n_ex:
            problems.append(f"{edition}: {found} of {n_ex} exercises printed")
    blocks = solution_blocks(text)
    if re.search(r"Solution to|^\s*Solution\s*$", "\n".join(pages_of(student)), re.M):
        problems.append("student edition prints a solution heading")
    labelled = len(re.findall(r"Solution to Exercise \d+", i_text))
    if labelled < len(blocks):
        problems.append(f"instructor edition labels {labelled} of {len(blocks)} solutions")
    for block in blocks:
        for phrase in phrases(block)[:3]:
            if phrase in s_text:
                problems.append(f"student edition prints solution text {phrase!r}")
            if phrase not in i_text:
                problems.append(f"instructor edition lacks solution text {phrase!r}")
        for line in solution_code(block)[:3]:
            squeezed = re.sub(r"\s+", "", line)
            if squeezed in re.sub(r"\s+", "", s_text):
                problems.append(f"student edition prints solution code {line!r}")
            if squeezed not in re.sub(r"\s+", "", i_text):
                problems.append(f"instructor edition lacks solution code {line!r}")
    return problems


def check_last_page(pdf: Path, min_lines: int = 6) -> list[str]:
    pages = pages_of(pdf)
    if len(pages) > 1 and len(body_lines(pages[-1])) < min_lines:
        return [f"near-empty last page ({len(body_lines(pages[-1]))} lines)"]
    return []


def figure_font_sizes(pdf: Path) -> list[tuple[int, str]]:
    """(size in pt, text) of every run of figure text (matplotlib's DejaVu Sans)."""
    xml = run("pdftohtml", "-xml", "-i", "-zoom", "1", "-stdout", str(pdf))
    fonts = {m.group(1): (int(m.group(2)), m.group(3)) for m in re.finditer(
        r'<fontspec id="(\d+)" size="(\d+)" family="([^"]+)"', xml)}
    runs = []
    for m in re.finditer(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', xml):
        size, family = fonts[m.group(1)]
        body = re.sub(r"<[^>]+>", "", m.group(2)).strip()
        if "DejaVuSans" in family and "Mono" not in family:
            runs.append((size, body))
    return runs


# --------------------------------------------------------------------------- course PDFs
def test_every_pdf_exists():
    assert CHAPTERS
    if not SITE_PDF.exists():
        skip_or_fail("no PDFs: run `make pdf`")
    expected = {bp.book_name(e) for e in EDITIONS} | {
        bp.handout_pdf(d, e) for d in CHAPTERS for e in EDITIONS}
    present = {p.name for p in SITE_PDF.glob("*.pdf")}
    assert expected <= present, f"missing: {sorted(expected - present)}"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_handout(doc):
    student = pdf_path(bp.handout_pdf(doc))
    instructor = pdf_path(bp.handout_pdf(doc, "instructor"))
    problems = []
    for pdf in (student, instructor):
        check_a4(pdf)
        first = re.sub(r"\s+", " ", pages_of(pdf)[0])
        title = bp.chapter_title(doc)
        if f"Chapter {chapter_no(doc)}" not in first:
            problems.append(f"{pdf.name}: no 'Chapter {chapter_no(doc)}' on page 1")
        for word in re.findall(r"[A-Za-z][A-Za-z-]{2,}", title):
            if word not in first:
                problems.append(f"{pdf.name}: title word {word!r} not on page 1")
        if re.search(r"^\s*Contents\s*$", pages_of(pdf)[0], re.M | re.I):
            problems.append(f"{pdf.name}: a contents page")
        problems += [f"{pdf.name}: {p}" for p in check_common(pdf)]
        problems += [f"{pdf.name}: {p}" for p in check_last_page(pdf)]
        problems += [f"{pdf.name}: {p}" for p in check_references(
            pdf, doc, student=pdf == student)]
    problems += check_editions(student, instructor, doc)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("edition", EDITIONS)
def test_book(edition):
    pdf = pdf_path(bp.book_name(edition))
    check_a4(pdf)
    pages = pages_of(pdf)
    assert len(pages) >= len(CHAPTERS)
    text = flat(pdf)
    assert "Loss functions, tested" in text
    for i, doc in enumerate(CHAPTERS, 1):
        assert f"Chapter {i} {bp.chapter_title(doc)}" in text or bp.chapter_title(doc) in text
    problems = check_common(pdf)
    if edition == "student":
        assert "Solution to Exercise" not in text
    else:
        assert "Solution to Exercise" in text
    assert not problems, "\n".join(problems)


def test_loss_chapters_within_page_target():
    lo, hi = bp.PAGE_TARGET
    counts = {d: len(pages_of(pdf_path(bp.handout_pdf(d)))) for d in bp.loss_chapters()}
    report = ", ".join(f"{d.split('/')[-1]} {n}" for d, n in counts.items())
    outside = {d: n for d, n in counts.items() if not lo <= n <= hi}
    assert not outside, f"student handouts outside {lo}-{hi} pages: {outside} (all: {report})"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_figure_text_at_least_8pt(doc):
    pdf = pdf_path(bp.handout_pdf(doc))
    # Subscripts and superscripts (runs of one or two characters) are excepted.
    small = sorted({(s, t) for s, t in figure_font_sizes(pdf) if s < MIN_FIGURE_PT and len(t) > 2})
    assert not small, f"{pdf.name}: figure text under {MIN_FIGURE_PT} pt: {small[:8]}"


def test_nothing_overflows_the_margins():
    logs = sorted((BUILD / "print").glob("*/_build/latex/*.log"))
    if not logs:
        skip_or_fail("no LaTeX logs: run `make pdf`")
    bad = {}
    for log in logs:
        text = log.read_text(encoding="latin-1")
        wide = [m.group(0) for m in re.finditer(r"Overfull \\hbox \(([\d.]+)pt too wide\)[^\n]*", text)
                if float(m.group(1)) > OVERFULL_TOLERANCE_PT]
        if wide:
            bad[log.name] = wide[:3]
    assert not bad, f"lines wider than the text block (> {OVERFULL_TOLERANCE_PT} pt): {bad}"


def test_thumbnails_of_printed_pages():
    record = SITE_PDF / "pages.json"
    if not record.exists():
        skip_or_fail("no pages.json: run `make pdf`")
    thumbs = json.loads(record.read_text())["thumbnails"]
    assert set(thumbs) == set(bp.THUMB_KINDS), f"kinds found: {sorted(thumbs)}"
    for kind, where in thumbs.items():
        png = SITE_PDF / where["png"]
        assert png.exists() and png.read_bytes()[:4] == b"\x89PNG", png


# --------------------------------------------------------------------------- figure style
def test_line_plots_distinguishable_without_colour():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from coursekit import plotting as lfp
    import lossfuncs as lf

    cycle = list(lfp.STYLE["axes.prop_cycle"])
    looks = [str(c["linestyle"]) for c in cycle]
    assert len(set(looks)) == len(looks), f"series look alike without colour: {looks}"
    looks = [str(sorted(lfp.line_style(i).items() - {("color", c["color"])}))
             for i, c in enumerate(cycle)]
    assert len(set(looks)) == len(looks), f"line_style() series look alike: {looks}"
    # The helpers draw with the cycle (or their own distinct styles).
    fig = lfp.loss_and_gradient({f"d={d}": (lf.huber, {"delta": d}) for d in (0.5, 1, 2, 4)},
                                np.linspace(-3, 3, 61))
    lines = fig.axes[0].get_lines()
    styles = {(str(ln.get_linestyle()), ln.get_marker()) for ln in lines}
    assert len(styles) == len(lines)
    ax = lfp.margin_losses()
    styles = {(str(ln.get_linestyle()), ln.get_marker()) for ln in ax.get_lines()}
    assert len(styles) == len(ax.get_lines())
    # Decision regions: one marker shape and one hatching per class.
    assert len(set(lfp.CLASS_MARKERS)) == len(lfp.CLASS_MARKERS)
    assert len(set(lfp.CLASS_HATCHES)) == len(lfp.CLASS_HATCHES)
    fig, ax = plt.subplots()
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    lfp.decision_regions(ax, lambda g: -((g[:, None, :] - X[None]) ** 2).sum(-1), X, [0, 1, 2])
    from matplotlib.collections import PathCollection

    markers = [c.get_paths()[0].vertices.tobytes() for c in ax.collections
               if type(c) is PathCollection]
    assert len(set(markers)) == 3, "classes share a marker shape"
    plt.close("all")


def test_style_prints_text_at_least_8pt():
    from coursekit import plotting as lfp
    import matplotlib as mpl

    sizes = {k: v for k, v in lfp.STYLE.items() if k.endswith(("size", "fontsize"))
             and isinstance(v, (int, float)) and "marker" not in k}
    assert sizes and min(sizes.values()) >= MIN_FIGURE_PT, sizes
    assert lfp.figsize()[0] <= lfp.PRINT_WIDTH_IN
    assert mpl.rcParams["figure.figsize"][0] <= lfp.PRINT_WIDTH_IN


# --------------------------------------------------------------------------- print fixture
FIXTURE_CHAPTERS = bp.toc_chapters(bp.FIXTURE / "_toc.yml")


@pytest.fixture(scope="module")
def fixture_pdfs():
    """The print fixture's PDFs (built here when missing: about 30 s)."""
    needed = [bp.handout_pdf(d, e) for d in FIXTURE_CHAPTERS for e in EDITIONS]
    if not all((FIXTURE_PDF / n).exists() for n in needed):
        require_tool("xelatex", "TeX: run `make system-deps`")
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_pdfs.py"), "--fixture"],
                       check=True, cwd=ROOT)
    return FIXTURE_PDF


def test_fixture_print_profile(fixture_pdfs):
    doc = "chapters/fixture"
    student = fixture_pdfs / bp.handout_pdf(doc)
    instructor = fixture_pdfs / bp.handout_pdf(doc, "instructor")
    s_text, i_text = flat(student), flat(instructor)
    for pdf in (student, instructor):
        assert "Chapter 1 Fixture loss" in re.sub(r"\s+", " ", pages_of(pdf)[0])  # title block
    for text in (s_text, i_text):
        assert "What you will learn" in text and "Before you start" in text
        assert "def huber(xp, y_true, y_pred, delta):" in text  # kernel listing
        assert "print(loss)" in text and "[2.5" in text  # teaching code and its output
        assert "FIXTURE-VERIFICATION-TEXT" not in text  # remove-cell
        assert "FIXTURE-PLOTTING-INPUT" not in text  # hide-input: figure only
        assert "perf_counter" not in text  # timing
        assert "Figure 1.1" in text and "Figure 1.2" in text  # numbered, captioned figures
        assert "(1.1)" in text  # numbered equation
        assert "1.3 Definition" in text  # numbered sections
        assert "Chapter 2 (Other chapter)" in text  # cross-reference
        assert "Key points" in text
        assert "loss at r = 3" in text and "|---" not in text and "| 0.5 |" not in text
        assert "Version " in text and "loss-functions-tested.github.io" in text
        assert "Exercise 1.1" in text and "Exercise 1.2" in text  # chapter.exercise
    assert "FIXTURE-SOLUTION" not in s_text and "answer_2" not in s_text
    assert "Solutions" not in s_text
    assert "Solution to Exercise 1.1" in i_text and "Solution to Exercise 1.2" in i_text
    assert "FIXTURE-SOLUTION-ONE" in i_text and "FIXTURE-SOLUTION-TWO" in i_text
    assert "answer_2 = np.where" in i_text
    assert i_text.index("Solution to Exercise 1.1") > i_text.index("Key points")
    for pdf in (student, instructor):
        assert not check_common(pdf), check_common(pdf)
        assert not check_editions(student, instructor, doc, root=bp.FIXTURE)
        assert not check_references(pdf, doc, FIXTURE_CHAPTERS, root=bp.FIXTURE)
        small = [(s, t) for s, t in figure_font_sizes(pdf) if s < MIN_FIGURE_PT and len(t) > 2]
        assert not small, small
    for edition in EDITIONS:
        book = flat(fixture_pdfs / bp.book_name(edition))
        assert ("Solution to Exercise" in book) == (edition == "instructor")
        assert not check_common(fixture_pdfs / bp.book_name(edition))


def test_readme_quotes_the_built_page_counts():
    record = SITE_PDF / "pages.json"
    if not record.exists():
        skip_or_fail("no pages.json: run `make pdf`")
    pages = json.loads(record.read_text())["pages"]
    if not all(bp.handout_pdf(d, e) in pages for d in CHAPTERS for e in EDITIONS):
        pytest.skip("pages.json is from a partial build (--chapters)")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert bp.readme_section(pages, CHAPTERS) in readme, "README stale: run `make pdf`"
