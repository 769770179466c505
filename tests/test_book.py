"""The HTML book: outputs of `make book`, the cache guard, reproducible figures.

The first group of tests checks the site that `make book` built in
_build/html (they run after it in `make test`).  The second group builds a
tiny throwaway book (this repo's _config.yml and _ext/, one chapter, a fake
`lossfuncs` package) in a temporary folder, to check the execution-cache
guard and that two clean builds give byte-identical figure files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SITE = BUILD / "html"
EXECUTED = BUILD / "jupyter_execute"

sys.path.insert(0, str(ROOT / "scripts"))
from build_pdfs import handout_name, toc_chapters  # noqa: E402

from testsupport import skip_or_fail  # noqa: E402

CHAPTERS = toc_chapters()
JB = Path(sys.executable).parent / "jupyter-book"


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").exists():
        msg = "the site is not built: run `make book` first"
        skip_or_fail(msg)
    return SITE


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs: list[dict] = []
        self.links: list[str] = []
        self.in_output = 0
        self._depth = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def parse(path: Path) -> _Collector:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def test_toc_lists_chapters():
    assert CHAPTERS, "_toc.yml lists no chapter"
    for doc in CHAPTERS:
        assert (ROOT / f"{doc}.md").exists(), f"{doc}.md listed in _toc.yml but missing"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_page_exists(site, doc):
    page = site / f"{doc}.html"
    assert page.exists(), f"{page} not built"
    html = page.read_text(encoding="utf-8")
    assert "<h1" in html, f"{doc}: no title heading"


def test_build_log_has_no_warnings():
    log = BUILD / "logs" / "html.log"
    if not log.exists():
        pytest.skip("no build log (_build/logs/html.log is written by `make book`)")
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(encoding="utf-8", errors="replace"))
    warnings = [line for line in text.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    assert not warnings, "build warnings:\n" + "\n".join(warnings[:20])
    assert "build succeeded" in text


def _image_outputs(doc: str) -> int:
    nb = nbformat.read(EXECUTED / f"{doc}.ipynb", as_version=4)
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") in {"display_data", "execute_result"} and any(
                m.startswith("image/") or m == "application/pdf" for m in out.get("data", {})
            ):
                n += 1
    return n


@pytest.mark.parametrize("doc", CHAPTERS)
def test_every_figure_present(site, doc):
    page = site / f"{doc}.html"
    expected = _image_outputs(doc)
    imgs = [i for i in parse(page).imgs if "_images/" in i.get("src", "")]
    assert len(imgs) >= expected, f"{doc}: {expected} image outputs, {len(imgs)} <img> in the page"
    for img in imgs:
        target = (page.parent / img["src"]).resolve()
        assert target.exists() and target.stat().st_size > 0, f"{doc}: missing {img['src']}"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_notebook_download(site, doc):
    page = site / f"{doc}.html"
    links = parse(page).links
    nb_links = [h for h in links if h.endswith(".ipynb")]
    assert nb_links, f"{doc}: no .ipynb link"
    target = (page.parent / nb_links[0]).resolve()
    assert target == (site / "_sources" / f"{doc}.ipynb").resolve()
    nb = nbformat.read(target, as_version=4)
    nbformat.validate(nb)
    source = jupytext.read(ROOT / f"{doc}.md")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code == [c.source for c in source.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["kernelspec"]["name"] == "python3"
    pdf_links = [h for h in links if h.endswith(f"pdf/{handout_name(doc)}.pdf")]
    assert pdf_links, f"{doc}: no handout PDF link"


def test_landing_page_links(site):
    links = parse(site / "index.html").links
    assert "pdf/book.pdf" in links
    for doc in CHAPTERS:
        assert f"_sources/{doc}.ipynb" in links
        assert f"pdf/{handout_name(doc)}.pdf" in links


def test_mathjax_is_local(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in html and "mathjax@" not in html, page
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()


# ---------------------------------------------------------------- tiny book

PROBE_CHAPTER = textwrap.dedent(
    """\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---

    # Probe

    ```{code-cell} ipython3
    import sys
    sys.path.insert(0, "..")
    import lossfuncs
    print("probe value", lossfuncs.VALUE)
    ```

    ```{code-cell} ipython3
    import numpy as np, matplotlib.pyplot as plt
    x = np.linspace(0, 1, 50)
    fig, ax = plt.subplots()
    ax.plot(x, x**2)
    ax.set_xlabel("x")
    plt.show()
    ```
    """
)


def make_tiny_book(path: Path, value: int = 1) -> Path:
    path.mkdir(parents=True)
    shutil.copy2(ROOT / "_config.yml", path / "_config.yml")
    shutil.copytree(ROOT / "_ext", path / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (path / "index.md").write_text("# Tiny book\n\nLanding page.\n")
    (path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: chapters/probe\n"
    )
    (path / "chapters").mkdir()
    (path / "chapters" / "probe.md").write_text(PROBE_CHAPTER)
    (path / "lossfuncs").mkdir()
    (path / "lossfuncs" / "__init__.py").write_text(f"VALUE = {value}\n")
    (path / "requirements.txt").write_text((ROOT / "requirements.txt").read_text())
    return path


def build(path: Path) -> str:
    env = dict(os.environ, KERAS_BACKEND="jax")
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.run(
        [str(JB), "build", str(path), "-W", "-n", "--keep-going"],
        cwd=path, env=env, capture_output=True, text=True, timeout=600,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out


def executed(log: str) -> bool:
    return "Executing notebook" in log


def page_text(path: Path) -> str:
    return (path / "_build" / "html" / "chapters" / "probe.html").read_text(encoding="utf-8")


def figure_files(book: Path) -> dict[str, bytes]:
    files = {}
    for sub in ("html/_images", "jupyter_execute"):
        for f in sorted((book / "_build" / sub).rglob("*")):
            if f.suffix in {".svg", ".png", ".pdf", ".jpg"}:
                files[f"{sub}/{f.relative_to(book / '_build' / sub)}"] = f.read_bytes()
    return files


@pytest.fixture(scope="module")
def tiny_books(tmp_path_factory):
    """Two clean builds of the tiny book, in two folders."""
    base = tmp_path_factory.mktemp("tiny")
    a = make_tiny_book(base / "a")
    b = make_tiny_book(base / "b")
    log_a = build(a)
    figures_a = figure_files(a)
    build(b)
    figures_b = figure_files(b)
    return a, log_a, figures_a, figures_b


def test_cache_guard_reexecutes_after_package_edit(tiny_books):
    a, first_log, _, _ = tiny_books
    assert executed(first_log)
    assert "probe value 1" in page_text(a)
    # no change: cache hit, nothing executed
    assert not executed(build(a))
    # edit the package: every chapter is executed again, outputs updated
    (a / "lossfuncs" / "__init__.py").write_text("VALUE = 2\n")
    log = build(a)
    assert executed(log), log[-3000:]
    assert "probe value 2" in page_text(a)
    # requirements.txt is guarded too
    with open(a / "requirements.txt", "a") as f:
        f.write("# touched\n")
    assert executed(build(a))


def test_clean_builds_have_identical_figures(tiny_books):
    _, _, fa, fb = tiny_books
    assert any(k.endswith(".svg") for k in fa), sorted(fa)
    assert any(k.endswith(".pdf") for k in fa), "no vector PDF figure for LaTeX"
    assert sorted(fa) == sorted(fb), "figure file names differ between clean builds"
    different = [k for k in fa if fa[k] != fb[k]]
    assert not different, f"figure files differ between clean builds: {different}"
