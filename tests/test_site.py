"""Every page of the built site in a real browser, with the network cut off.

Playwright (the Python package) drives the system's Chromium (Debian's
/usr/bin/chromium; set CHROMIUM=/path to use another one; Playwright never
downloads a browser here).  The site in _build/html is served by a local
http.server on a free port; any request to another host is aborted and
recorded.  For every page: no request leaves the site, no console error or
uncaught exception, every <img> loaded, every math element rendered by the
local MathJax; chapter pages offer their notebooks and handout PDFs, the
landing page the book PDFs and course-notebooks.zip, and those links resolve.

Run after `make book pdf` (as `make test` does).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
from scripts.testsupport import browser, server, skip_or_fail  # noqa: F401 (fixtures)

PAGES = sorted(
    p.relative_to(SITE).as_posix()
    for p in SITE.rglob("*.html")
    if not p.relative_to(SITE).parts[0].startswith("_")
) if SITE.exists() else []

def test_site_has_pages():
    if not PAGES:
        skip_or_fail("the site is not built: run `make book pdf` first")
    assert "index.html" in PAGES


WAIT_MATHJAX = """
async () => {
  const math = document.querySelectorAll('.math, mjx-container');
  if (!math.length) return 0;
  for (let i = 0; i < 100 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 100));
  if (!(window.MathJax && MathJax.startup)) return -1;
  await MathJax.startup.promise;
  if (MathJax.typesetPromise) await MathJax.typesetPromise();
  return math.length;
}
"""

IMAGES = """
async () => {
  const imgs = [...document.images];
  for (const img of imgs) {
    img.loading = 'eager';
    if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; setTimeout(r, 5000); });
  }
  return imgs.map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}));
}
"""

MATH = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll('span.math, div.math')) {
    if (!el.querySelector('mjx-container')) bad.push(el.textContent.slice(0, 80));
  }
  const main = document.querySelector('main') || document.body;
  const text = main.innerText;
  const raw = /\\\\\\(|\\\\\\[|\\$\\$/.test(text);
  return {bad, raw, rendered: document.querySelectorAll('mjx-container').length};
}
"""


@pytest.mark.parametrize("page_path", PAGES)
def test_page(browser, server, page_path):
    page = browser.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(server) or url.startswith("data:") or url.startswith("blob:"):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"failed request: {r.url}")
            if r.url.startswith(server) else None)
    pending: set[str] = set()
    page.on("request", lambda r: pending.add(r.url))
    page.on("requestfinished", lambda r: pending.discard(r.url))
    page.on("requestfailed", lambda r: pending.discard(r.url))
    try:
        response = page.goto(urljoin(server, page_path), wait_until="load")
        assert response is not None and response.ok, f"{page_path}: HTTP {response and response.status}"
        n_math = page.evaluate(WAIT_MATHJAX)
        assert n_math != -1, f"{page_path}: MathJax did not load"
        images = page.evaluate(IMAGES)
        math = page.evaluate(MATH)
        try:
            page.wait_for_load_state("networkidle", timeout=90_000)
        except Exception as timeout:
            raise AssertionError(f"{page_path}: requests still open after 90 s: {sorted(pending)}") \
                from timeout
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    finally:
        page.close()

    assert not outside, f"{page_path}: requests leaving the site: {outside}"
    assert not errors, f"{page_path}: " + "\n".join(errors)
    broken = [i["src"] for i in images if not i["ok"]]
    assert not broken, f"{page_path}: images not loaded: {broken}"
    assert not math["bad"], f"{page_path}: math not rendered by MathJax: {math['bad']}"
    assert not math["raw"], f"{page_path}: raw TeX delimiters in the page text"

    local = [h.split("#")[0] for h in hrefs if h.startswith(server)]
    notebooks = [h for h in local if h.endswith(".ipynb")]
    pdfs = [h for h in local if h.endswith(".pdf") and "/pdf/" in h]
    if page_path.startswith("chapters/"):
        assert notebooks, f"{page_path}: no .ipynb download link"
        assert pdfs, f"{page_path}: no handout PDF link"
    if page_path == "index.html":
        for name in ("/pdf/book.pdf", "/pdf/book-instructor.pdf", "/course-notebooks.zip"):
            assert any(h.endswith(name) for h in local), f"landing page: no link to {name}"
    # every local link resolves (pages, downloads, PDFs)
    missing = []
    for h in sorted(set(local)):
        rel = h[len(server):].split("?")[0]
        target = SITE / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        if not target.exists():
            missing.append(rel)
    assert not missing, f"{page_path}: links to missing files: {missing}"


def test_downloads_are_served(server):
    """The notebook and PDF links answer over HTTP with the right content."""
    import urllib.request

    checked = 0
    for ipynb in sorted((SITE / "notebooks").glob("*.ipynb")):
        rel = ipynb.relative_to(SITE).as_posix()
        with urllib.request.urlopen(urljoin(server, rel)) as r:
            assert r.status == 200 and b'"cells"' in r.read()
        checked += 1
    with urllib.request.urlopen(urljoin(server, "course-notebooks.zip")) as r:
        assert r.status == 200 and r.read(2) == b"PK"
    for pdf in sorted((SITE / "pdf").glob("*.pdf")):
        with urllib.request.urlopen(urljoin(server, f"pdf/{pdf.name}")) as r:
            assert r.status == 200 and r.read(5) == b"%PDF-"
        checked += 1
    assert checked, "no downloads found"
