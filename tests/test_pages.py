"""What a reader sees on each chapter page of the built site: teaching, not checks.

Verification cells (asserts, glue) are removed from the page and plotting cells are
folded (tag ``hide-input``); both still run on every build. Run after ``make book``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from scripts.toc import toc_chapters

SITE = Path(__file__).resolve().parent.parent / "_build" / "html"
CELL = re.compile(r'<div class="cell( [^"]*)?">(.*?)(?=<div class="cell[ "]|</section>|\Z)', re.S)
INPUT = re.compile(r'<div class="cell_input[^"]*">\s*<div class="highlight[^"]*">'
                   r'<div class="highlight"><pre>(.*?)</pre>', re.S)
PLOTTING = re.compile(r"^\s*(plt|ax\w*|fig\w*|lfp)\b|^\s*[)\]},]|^\s*#|^\s*$")


def visible_cells(page: Path):
    """(source, has_image) of every code cell whose input the reader sees unfolded."""
    text = page.read_text(encoding="utf-8")
    for match in CELL.finditer(text):
        classes, body = match.group(1) or "", match.group(2)
        if "tag_hide-input" in classes or "tag_hide-cell" in classes:
            continue
        source = INPUT.search(body)
        if source is None:
            continue
        code = html.unescape(re.sub(r"<[^>]+>", "", source.group(1)))
        yield code, "<img" in body


@pytest.mark.parametrize("doc", toc_chapters())
def test_no_visible_check_or_plotting_only_cell(doc):
    page = SITE / f"{doc}.html"
    if not page.exists():
        pytest.skip("run `make book` first")
    for code, has_image in visible_cells(page):
        lines = code.splitlines()
        checks = [ln for ln in lines if re.match(r"\s*assert\b", ln) or "glue(" in ln]
        assert not checks, f"{doc}: a visible cell verifies: {checks[0]!r}"
        plotting_only = has_image and all(PLOTTING.match(ln) for ln in lines)
        assert not plotting_only, f"{doc}: a visible cell only plots:\n{code}"
