"""The PDFs of `make pdf`: books and handouts, student and instructor editions.

Checked from the PDFs' text and fonts (poppler-utils: pdfinfo, pdftotext, pdftohtml):

* every chapter has a student and an instructor handout, the course a student and an
  instructor book (the paths the site links);
* a handout opens with its title block ("Chapter n  <title>", no title or contents
  page), is A4, has no blank page and no near-empty last page;
* student editions carry every exercise and no solution; instructor editions carry
  every solution, labelled "Solution to Exercise n"; the exercises of chapter c are
  numbered c.1, c.2, ... (solution text and code are looked for by words, as written
  in the source and as pdftotext reads them alike, and only where they are the
  solution's own: not also in an exercise statement or the chapter's body);
* no code line was wrapped (no continuation marker), no line overflows the margin;
* nothing of the machinery prints: no ``glue(``, ``assert``, ``:math:``, ``Args:``;
* cross-references to chapters (and to sections of other chapters) print as
  "Chapter n (Title)", never as file names or labels;
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
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SITE_PDF = BUILD / "html" / "pdf"
FIXTURE_PDF = BUILD / "print-fixture" / "pdf"

from scripts import build_pdfs as bp  # noqa: E402
from scripts.testsupport import require_tool, skip_or_fail  # noqa: E402
from scripts.toc import chapter_title, toc_chapters  # noqa: E402

CHAPTERS = toc_chapters()
EDITIONS = bp.EDITIONS
A4 = (595.28, 841.89)
OVERFULL_TOLERANCE_PT = 5.0
WRAP_MARKER = "\u21aa"  # ↪, Sphinx's mark for a code line continued
FORBIDDEN = {"glue(": r"glue\(", "assert": r"\bassert\b", ":math:": r":math:", "Args:": r"\bArgs:"}
MIN_FIGURE_PT = 8
# Phrases that only make sense on the website (CONVENTIONS.md section 4); the landing
# page keeps its own in ``{only} html``.
WEB_ONLY = re.compile(r"menu on the left|download button|\bclick|links? below|"
                      r"\bthis (web )?page\b|top of a (chapter|page)", re.I)
# Cells whose code does not print (myst-nb's remove tags; plotting cells print their figure).
NOT_PRINTED = {"remove-cell", "remove-input", "hide-input"}
PHRASE_WORDS = 5  # a solution's text is looked for in runs of this many words
CHECKED_PER_SOLUTION = 3  # phrases and code lines looked for per solution


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


@lru_cache(maxsize=None)
def stream_text(pdf: Path) -> str:
    """The PDF's text in the order it was set (pdftotext -raw): a formula's lines stay
    inside its paragraph, as they do not in pdftotext's reading order."""
    return run("pdftotext", "-raw", str(pdf), "-")


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


# Source and print compared alike.  pdftotext gives compatibility forms (ligatures,
# math italic letters: 𝑟), typographic quotes and dashes, hyphenation at line ends and
# Sphinx's wrap marks in listings; the MyST source has markup that prints otherwise.
PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u00ad": None})
CUT = "\x00"


def words(text: str) -> str:
    """Text as its words only, lower case, one space apart: compatibility forms folded
    (ligatures, 𝑟 -> r), hyphenated words and words hyphenated at a line end joined
    ("precision-recall", "preci-\\nsion"), punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).translate(PLAIN)
    text = re.sub(r"(?<=[^\W_])-\s*(?=[^\W_])", "", text)
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def squeezed(code: str) -> str:
    """Code as its characters without white space (and without the wrap marks ↪ and ␣)."""
    text = unicodedata.normalize("NFKC", code).translate(PLAIN)
    return re.sub(r"[\s\u21aa\u2423]+", "", text)


def prose(md: str) -> list[str]:
    """The runs of plain prose in MyST source, cut wherever the source is not what prints:
    fenced blocks, math, roles, inline code, link targets, directive, option and label
    lines, comments."""
    text = re.sub(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", CUT, md, flags=re.M | re.S)
    text = re.sub(r"\$\$.*?\$\$", CUT, text, flags=re.S)
    text = re.sub(r"\$(?:[^$\n]|\n(?![ \t]*\n))+\$", CUT, text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)|<!--.*?-->", CUT, text, flags=re.S)
    text = re.sub(r"^[ \t]*(?::{3,}.*|:[\w-]+:.*|\([^)\s]+\)=|%.*)$", CUT, text, flags=re.M)
    return text.split(CUT)


def phrases(block: str, elsewhere: str, n: int = PHRASE_WORDS) -> list[str]:
    """Runs of n words (see words()) of a solution's prose, not overlapping, that occur
    nowhere in ``elsewhere`` (the chapter's source outside its solutions)."""
    other = f" {words(elsewhere)} "
    found = []
    for segment in prose(block):
        tokens = words(segment).split()
        i = 0
        while i + n <= len(tokens):
            phrase = " ".join(tokens[i:i + n])
            if f" {phrase} " not in other and sum(t.isalpha() for t in tokens[i:i + n]) >= 3:
                found.append(phrase)
                i += n
            else:
                i += 1
    return found


def code_cells(md: str) -> list[tuple[set[str], str]]:
    """(tags, code) of every code cell of a MyST source."""
    cells = []
    for body in re.findall(r"^`{3,}\{code-cell\}[^\n]*\n(.*?)^`{3,}[ \t]*$", md, re.M | re.S):
        tags: set[str] = set()
        if body.startswith("---\n"):
            head, _, body = body[4:].partition("\n---\n")
            tags = set((yaml.safe_load(head) or {}).get("tags") or [])
        else:
            options = re.match(r"(?:[ \t]*:[\w-]+:.*\n)*", body).group(0)
            body = body[len(options):]
            m = re.search(r"^\s*:tags:\s*\[(.*?)\]", options, re.M)
            tags = {t.strip(" '\"") for t in m.group(1).split(",")} if m else set()
        cells.append((tags, body))
    return cells


def solution_code(block: str, elsewhere: str) -> list[str]:
    """Lines of code a solution prints (cell roles: no verification cell, no hidden
    input), stripped, that occur nowhere in ``elsewhere``."""
    other = squeezed(elsewhere)
    lines = []
    for tags, code in code_cells(block):
        if tags & NOT_PRINTED:
            continue
        for line in code.splitlines():
            line = line.strip()
            if len(line) > 12 and squeezed(line) not in other:
                lines.append(line)
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
    unresolved = [i + 1 for i, p in enumerate(pages) if "??" in p]
    if unresolved:  # LaTeX prints ?? for a reference whose target is not in the document
        problems.append(f"unresolved references (??) on pages {unresolved}")
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


def labels(root: Path = ROOT, chapters=CHAPTERS) -> dict[str, str]:
    """{label: chapter} of the targets defined in the chapters' sources: ``(label)=``,
    ``:label:``/``:name:`` options and equation labels."""
    found = {}
    for doc in chapters:
        text = source(doc, root)
        for name in re.findall(r"^\(([^)\s]+)\)=\s*$|^\s*:(?:label|name):\s*(\S+)|"
                               r"^\$\$\s*\(([^)\s]+)\)", text, re.M):
            found[next(n for n in name if n).lower()] = doc
    return found


def ref_targets(text: str) -> set[str]:
    return {t.lower() for t in re.findall(r"\{ref\}`(?:[^`<]*<)?([^`>]+)>?`", text)}


def reference_problems(text: str, doc: str, src: str, chapters=CHAPTERS,
                       root: Path = ROOT) -> list[str]:
    """References in a PDF's text (flat()) that did not print as "Chapter n (Title)":
    file paths, chapter file names, labels; ``src`` is the chapter's MyST source (for a
    student edition without its solutions)."""
    problems = []
    if re.search(r"\bchapters/\w", text):
        problems.append("a file path 'chapters/...' printed")
    for name in [d.split("/")[-1] for d in chapters]:
        pattern = rf"(\((?:see )?{name}\)|\bsee {name}(?![\w-])|\bin {name}\.(?!\w))"
        if re.search(pattern, text):
            problems.append(f"raw chapter file name {name!r} used as a reference")
    targets = labels(root, chapters)
    for label in sorted(name for name in targets if re.search(r"[-_]", name)):
        # flat() joins words hyphenated at a line end: a label may print without a hyphen.
        pattern = re.escape(label).replace(r"\-", "-?")
        if re.search(rf"(?<![\w-]){pattern}(?![\w-])", text, re.I):
            problems.append(f"label {label!r} printed instead of what it refers to")
    referred = {str((Path(doc).parent / t)).replace("\\", "/") for t in doc_targets(src)}
    referred = {re.sub(r"^(\.\./)+", "", t) for t in referred}
    referred |= {targets[t] for t in ref_targets(src) if t in targets}
    for full in sorted(referred):
        if full in chapters and full != doc:
            expected = f"Chapter {chapter_no(full, chapters)} ("
            if expected not in text:
                problems.append(f"reference to {full} not printed as '{expected}...)'")
    return problems


def check_references(pdf: Path, doc: str, chapters=CHAPTERS, root: Path = ROOT,
                     student: bool = False) -> list[str]:
    src = source(doc, root)
    return reference_problems(flat(pdf), doc, without_solutions(src) if student else src,
                              chapters, root)


def without_frame(raw: str) -> str:
    """pdftotext output without running heads and feet (lines at the top or bottom of at
    least half of the pages, page numbers), so that a paragraph reads on across pages."""
    pages = [p.splitlines() for p in raw.split("\f")]
    edges = [set(range(min(6, len(p)))) | set(range(max(0, len(p) - 3), len(p))) for p in pages]

    def shape(line: str) -> str:  # page numbers aside
        return re.sub(r"\d+", "#", line.strip())

    seen = Counter(shape(ln) for p, e in zip(pages, edges) for ln in {p[i] for i in e})
    frame = {ln for ln, k in seen.items() if ln and k >= max(2, len(pages) // 2)}

    def framing(line: str) -> bool:
        return shape(line) in frame or bool(re.fullmatch(r"\s*\d+(\s*/\s*\d+)?\s*", line))

    return "\n".join(ln for p, e in zip(pages, edges) for i, ln in enumerate(p)
                     if not (i in e and framing(ln)))


def exercise_numbers(text: str, label: str = "Exercise") -> set[tuple[int, int]]:
    return {(int(c), int(k)) for c, k in re.findall(rf"\b{label} (\d+)\.(\d+)\b", text)}


def compare_editions(src: str, student: str, instructor: str, chapter: int) -> list[str]:
    """What is wrong with the two editions of a chapter, from its MyST source and the text
    of its student and instructor PDFs (stream_text())."""
    problems = []
    blocks = solution_blocks(src)
    expected = {(chapter, k) for k in range(1, exercise_count(src) + 1)}
    for edition, text in (("student", student), ("instructor", instructor)):
        found = exercise_numbers(text)
        if not expected <= found:
            problems.append(f"{edition}: exercises {sorted(f'{c}.{k}' for c, k in found)} "
                            f"printed, not {chapter}.1 to {chapter}.{len(expected)}")
    if re.search(r"Solution to|^\s*Solution\s*$", student, re.M):
        problems.append("student edition prints a solution heading")
    labelled = exercise_numbers(instructor, "Solution to Exercise")
    if len(labelled & expected) < len(blocks) or labelled - expected:
        problems.append(f"instructor edition labels solutions "
                        f"{sorted(f'{c}.{k}' for c, k in labelled)} ({len(blocks)} solutions)")
    elsewhere = without_solutions(src)
    s_words, i_words = f" {words(without_frame(student))} ", f" {words(without_frame(instructor))} "
    s_code, i_code = squeezed(student), squeezed(instructor)
    for block in blocks:
        for phrase in phrases(block, elsewhere)[:CHECKED_PER_SOLUTION]:
            if f" {phrase} " in s_words:
                problems.append(f"student edition prints solution text {phrase!r}")
            if f" {phrase} " not in i_words:
                problems.append(f"instructor edition lacks solution text {phrase!r}")
        for line in solution_code(block, elsewhere)[:CHECKED_PER_SOLUTION]:
            if squeezed(line) in s_code:
                problems.append(f"student edition prints solution code {line!r}")
            if squeezed(line) not in i_code:
                problems.append(f"instructor edition lacks solution code {line!r}")
    return problems


def check_editions(student: Path, instructor: Path, doc: str, root: Path = ROOT,
                   chapters=CHAPTERS) -> list[str]:
    return compare_editions(source(doc, root), stream_text(student), stream_text(instructor),
                            chapter_no(doc, chapters))


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


# --------------------------------------------------------------------------- the checks themselves
SYNTHETIC = """# Smooth L1

## Exercises

:::{exercise}
:label: s-ex-1
What is the gradient far out? Compute it for `rr = np.array([-5.0, 4.0])`, where the
loss is linear.
:::

## Solutions

::::{solution-start} s-ex-1
:class: dropdown
::::

Dividing by $\\beta$ gives the slope: smooth-L1 is MAE far out, with a fixed slope of
one, where the loss is linear.

```{code-cell} ipython3
:tags: [solution]

rr = np.array([-5.0, 4.0])
grad_far = np.sign(rr) * np.ones_like(rr, dtype=float)
```

```{code-cell} ipython3
:tags: [remove-cell, check, exercise-check]

assert np.allclose(grad_far, [-1.0, 1.0]), "checked on the web only"
```

::::{solution-end}
::::
"""
# The solution as pdftotext reads it: math italic letters, typographic punctuation, a
# word hyphenated at a line end, a ligature, a code line wrapped with Sphinx's marks.
PRINTED_SOLUTION = """Solution to Exercise 3.1
Dividing by 𝛽 gives the slope: smooth-
L1 is MAE far out, with a \ufb01xed slope of one, where the loss is linear.
rr = np.array([-5.0, 4.0])
grad_far = np.sign(rr) * np.ones_like(rr,\u2423
\u21aadtype=float)
"""
PRINTED_EXERCISE = """Exercise 3.1
What is the gradient far out? Compute it for rr = np.array([-5.0, 4.0]), where the loss
is linear.
"""


def test_edition_check_reads_print_like_the_source():
    """Phrases and code lines are compared as printed (not as written), and only those
    of the solution's own: a line the exercise shares with its solution is not a leak."""
    elsewhere = without_solutions(SYNTHETIC)
    assert phrases(solution_blocks(SYNTHETIC)[0], elsewhere) == [
        "gives the slope smoothl1 is", "mae far out with a", "fixed slope of one where"]
    assert solution_code(solution_blocks(SYNTHETIC)[0], elsewhere) == [
        "grad_far = np.sign(rr) * np.ones_like(rr, dtype=float)"]
    assert not compare_editions(SYNTHETIC, PRINTED_EXERCISE,
                                PRINTED_EXERCISE + "\f" + PRINTED_SOLUTION, 3)


def test_edition_check_reports_a_planted_solution():
    leaked = PRINTED_EXERCISE + "\f" + PRINTED_SOLUTION.split("\n", 1)[1]  # without its title
    problems = compare_editions(SYNTHETIC, leaked, PRINTED_EXERCISE, 3)
    for phrase in ("gives the slope smoothl1 is", "mae far out with a", "fixed slope of one where"):
        assert f"student edition prints solution text {phrase!r}" in problems
        assert f"instructor edition lacks solution text {phrase!r}" in problems
    code = "'grad_far = np.sign(rr) * np.ones_like(rr, dtype=float)'"
    assert f"student edition prints solution code {code}" in problems
    assert f"instructor edition lacks solution code {code}" in problems
    assert "instructor edition labels solutions [] (1 solutions)" in problems
    assert len(problems) == 9, problems  # nothing about the line the exercise shows too
    book_wide = compare_editions(SYNTHETIC, PRINTED_EXERCISE.replace("3.1", "3.40"),
                                 (PRINTED_EXERCISE + PRINTED_SOLUTION).replace("3.1", "3.40"), 3)
    assert book_wide == ["student: exercises ['3.40'] printed, not 3.1 to 3.1",
                         "instructor: exercises ['3.40'] printed, not 3.1 to 3.1",
                         "instructor edition labels solutions ['3.40'] (1 solutions)"]


# --------------------------------------------------------------------------- course PDFs
def test_every_pdf_exists():
    assert CHAPTERS
    if not SITE_PDF.exists():
        skip_or_fail("no PDFs: run `make pdf`")
    expected = {bp.pdf_name("book", e) for e in EDITIONS} | {
        bp.pdf_name(d, e) for d in CHAPTERS for e in EDITIONS}
    present = {p.name for p in SITE_PDF.glob("*.pdf")}
    assert expected <= present, f"missing: {sorted(expected - present)}"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_handout(doc):
    student = pdf_path(bp.pdf_name(doc))
    instructor = pdf_path(bp.pdf_name(doc, "instructor"))
    problems = []
    for pdf in (student, instructor):
        check_a4(pdf)
        first = re.sub(r"\s+", " ", pages_of(pdf)[0])
        title = chapter_title(doc)
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
    pdf = pdf_path(bp.pdf_name("book", edition))
    check_a4(pdf)
    pages = pages_of(pdf)
    assert len(pages) >= len(CHAPTERS)
    text = flat(pdf)
    assert "Loss functions, tested" in text
    for i, doc in enumerate(CHAPTERS, 1):
        assert f"Chapter {i} {chapter_title(doc)}" in text or chapter_title(doc) in text
    problems = check_common(pdf)
    counts = [exercise_count(source(doc)) for doc in CHAPTERS]
    expected = {(c, k) for c, n in enumerate(counts, 1) for k in range(1, n + 1)}
    printed = exercise_numbers(text)
    if printed != expected:
        problems.append(f"exercises not numbered per chapter: printed "
                        f"{sorted(printed - expected)[:6]}, missing {sorted(expected - printed)[:6]}")
    if edition == "student":
        assert "Solution to Exercise" not in text
    else:
        assert "Solution to Exercise" in text
    assert not problems, "\n".join(problems)


def test_loss_chapters_within_page_target():
    lo, hi = bp.PAGE_TARGET
    counts = {d: len(pages_of(pdf_path(bp.pdf_name(d)))) for d in bp.loss_chapters()}
    report = ", ".join(f"{d.split('/')[-1]} {n}" for d, n in counts.items())
    outside = {d: n for d, n in counts.items() if not lo <= n <= hi}
    assert not outside, f"student handouts outside {lo}-{hi} pages: {outside} (all: {report})"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_figure_text_at_least_8pt(doc):
    pdf = pdf_path(bp.pdf_name(doc))
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
FIXTURE_CHAPTERS = toc_chapters(bp.FIXTURE)


@pytest.fixture(scope="module")
def fixture_pdfs():
    """The print fixture's PDFs (built here when missing or older than the fixture or the
    print profile: about 30 s)."""
    needed = [FIXTURE_PDF / bp.pdf_name(d, e) for d in FIXTURE_CHAPTERS for e in EDITIONS]
    inputs = [*bp.FIXTURE.rglob("*.md"), bp.FIXTURE / "_toc.yml",
              ROOT / "_ext" / "course_print.py"]
    newest = max(p.stat().st_mtime for p in inputs)
    if not all(p.exists() and p.stat().st_mtime >= newest for p in needed):
        require_tool("xelatex", "TeX: run `make system-deps`")
        subprocess.run([sys.executable, "-m", "scripts.build_pdfs", "--fixture"],
                       check=True, cwd=ROOT)
    return FIXTURE_PDF


def test_fixture_print_profile(fixture_pdfs):
    doc = "chapters/fixture"
    student = fixture_pdfs / bp.pdf_name(doc)
    instructor = fixture_pdfs / bp.pdf_name(doc, "instructor")
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
        assert "Recap in Chapter 2 (Other chapter)" in text  # a section of another chapter
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
    # The second chapter's exercise is its first: numbered per chapter, not book-wide.
    other_s = flat(fixture_pdfs / bp.pdf_name("chapters/other"))
    other_i = flat(fixture_pdfs / bp.pdf_name("chapters/other", "instructor"))
    assert "Exercise 2.1" in other_s and "Solution to Exercise 2.1" in other_i
    for chapter in FIXTURE_CHAPTERS:
        pair = [fixture_pdfs / bp.pdf_name(chapter, e) for e in EDITIONS]
        problems = check_editions(*pair, chapter, root=bp.FIXTURE, chapters=FIXTURE_CHAPTERS)
        assert not problems, problems
        for pdf in pair:
            assert not check_common(pdf), check_common(pdf)
            problems = check_references(pdf, chapter, FIXTURE_CHAPTERS, root=bp.FIXTURE,
                                        student=pdf == pair[0])
            assert not problems, problems
    for pdf in (student, instructor):
        small = [(s, t) for s, t in figure_font_sizes(pdf) if s < MIN_FIGURE_PT and len(t) > 2]
        assert not small, small
    for edition in EDITIONS:
        book = flat(fixture_pdfs / bp.pdf_name("book", edition))
        assert ("Solution to Exercise" in book) == (edition == "instructor")
        assert {"Exercise 1.1", "Exercise 1.2", "Exercise 2.1"} <= {
            f"Exercise {c}.{k}" for c, k in exercise_numbers(book)}
        assert not check_common(fixture_pdfs / bp.pdf_name("book", edition))


def test_fixture_checks_catch_planted_faults(fixture_pdfs):
    """The edition and reference checks report faults planted in the fixture's real text:
    the editions swapped (solutions in the student edition, none in the instructor's), a
    book-wide exercise number, a section reference printed as its label, a file name."""
    doc = "chapters/fixture"
    src = source(doc, bp.FIXTURE)
    student, instructor = (stream_text(fixture_pdfs / bp.pdf_name(doc, e)) for e in EDITIONS)
    assert not compare_editions(src, student, instructor, 1)
    swapped = "\n".join(compare_editions(src, instructor, student, 1))
    for fault in ("student edition prints a solution heading",
                  "student edition prints solution text 'fixturesolutiontwo apply the two",
                  "student edition prints solution code 'answer_2 = np.where(",
                  "instructor edition lacks solution text", "instructor edition lacks solution code",
                  "instructor edition labels solutions"):
        assert fault in swapped, f"not reported: {fault}\n{swapped}"
    counted = compare_editions(src, student.replace("Exercise 1.2", "Exercise 1.7"), instructor, 1)
    assert any(p.startswith("student: exercises") for p in counted), counted
    text = flat(fixture_pdfs / bp.pdf_name(doc))
    assert "Recap in Chapter 2 (Other chapter)" in text
    for planted, fault in ((text.replace("Recap in Chapter 2", "other-recap in"),
                            "label 'other-recap' printed"),
                           (text.replace("Recap in Chapter 2", "otherrecap in"),  # other-\nrecap
                            "label 'other-recap' printed"),
                           (text + " (see other)", "raw chapter file name 'other'")):
        problems = reference_problems(planted, doc, src, FIXTURE_CHAPTERS, bp.FIXTURE)
        assert any(p.startswith(fault) for p in problems), (fault, problems)


def test_readme_quotes_the_built_page_counts():
    record = SITE_PDF / "pages.json"
    if not record.exists():
        skip_or_fail("no pages.json: run `make pdf`")
    pages = json.loads(record.read_text())["pages"]
    if not all(bp.pdf_name(d, e) in pages for d in CHAPTERS for e in EDITIONS):
        pytest.skip("pages.json is from a partial build (--chapters)")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert bp.readme_section(pages, CHAPTERS) in readme, "README stale: run `make pdf`"
