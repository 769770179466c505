"""The HTML book: outputs of `make book`, one execution per chapter, the cache guard,
reproducible figures.

The first group of tests checks the site that `make book` built in _build/html and
its logs (they run after it in `make test`).  The second group builds a tiny
throwaway book (this repo's _config.yml and _ext/, the probe chapter
tests/fixtures/probe.md, a fake `lossfuncs` package) in a temporary folder, to check
the execution-cache guard and that two clean builds give byte-identical figures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jupytext
import pytest

# One worker runs this module (its fixtures are expensive): `make output-tests`
# distributes the other output tests test by test (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("book")

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
SITE = BUILD / "html"
EXECUTED = BUILD / "jupyter_execute"

from scripts.testsupport import skip_or_fail
from scripts.toc import toc_chapters

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
    from jupyter_cache import get_cache

    nb = jupytext.read(ROOT / f"{doc}.md")
    _, nb = get_cache(BUILD / ".jupyter_cache").merge_match_into_notebook(nb)
    return sum(
        any(m.startswith("image/") or m == "application/pdf" for m in out.get("data", {}))
        for cell in nb.cells for out in cell.get("outputs", [])
        if out.get("output_type") in {"display_data", "execute_result"})


@pytest.mark.parametrize("doc", CHAPTERS)
def test_every_figure_present(site, doc):
    page = site / f"{doc}.html"
    expected = _image_outputs(doc)
    imgs = [i for i in parse(page).imgs if "_images/" in i.get("src", "")]
    assert len(imgs) >= expected, f"{doc}: {expected} image outputs, {len(imgs)} <img> in the page"
    for img in imgs:
        target = (page.parent / img["src"]).resolve()
        assert target.exists() and target.stat().st_size > 0, f"{doc}: missing {img['src']}"


def executions(log: str) -> list[str]:
    """Chapters a log shows being executed (jupyter-cache's executor, or myst-nb's)."""
    log = re.sub(r"\x1b\[[0-9;]*m", "", log)
    found = re.findall(r"Executing: \S*?(chapters/[\w-]+)\.md", log)
    return found + re.findall(r"(chapters/[\w-]+)\.md: Executing notebook", log)


def test_each_chapter_executed_once():
    """`make book` then `make pdf`: every chapter executed exactly once, by the pre-execution."""
    logs = {name: BUILD / "logs" / f"{name}.log" for name in ("execute", "html", "pdf")}
    if not all(p.exists() for p in logs.values()):
        skip_or_fail("no build logs: run `make book pdf` first")
    text = {name: p.read_text(errors="replace") for name, p in logs.items()}
    assert not executions(text["html"]) and not executions(text["pdf"]), "the builds executed"
    done = executions(text["execute"])
    assert sorted(done) == sorted(set(done)), f"executed twice: {done}"
    assert "FAILED" not in text["execute"]


def test_landing_page_links(site):
    links = parse(site / "index.html").links
    for path in ("pdf/book.pdf", "pdf/book-instructor.pdf", "course-notebooks.zip"):
        assert path in links
    for doc in CHAPTERS:
        name = doc.split("/")[-1]
        for path in (f"notebooks/{name}.ipynb", f"pdf/{name}.pdf", f"pdf/{name}-instructor.pdf"):
            assert path in links, f"landing page: no link to {path}"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_download_menu(site, doc):
    name = doc.split("/")[-1]
    links = {h.split("/", doc.count("/"))[-1] for h in parse(site / f"{doc}.html").links}
    wanted = {f"notebooks/{name}.ipynb", f"pdf/{name}.pdf", f"pdf/{name}-instructor.pdf"}
    if (site / "notebooks" / f"{name}-practice.ipynb").exists():
        wanted.add(f"notebooks/{name}-practice.ipynb")
    assert wanted <= links, f"{doc}: missing {wanted - links}"


def test_mathjax_is_local(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in html and "mathjax@" not in html, page
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()


# ---------------------------------------------------------------- tiny book

FIXTURES = ROOT / "tests" / "fixtures"


def make_tiny_book(path: Path, value: int = 1) -> Path:
    """This repo's configuration and extensions, the probe chapter, a fake lossfuncs."""
    path.mkdir(parents=True)
    for name in ("_config.yml", "requirements.txt"):
        shutil.copy2(ROOT / name, path / name)
    shutil.copytree(ROOT / "_ext", path / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (path / "index.md").write_text("# Tiny book\n\nLanding page.\n\n```{course-downloads}\n```\n")
    (path / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n"
                                   "  - file: chapters/probe\n  - file: chapters/other\n")
    (path / "chapters").mkdir()
    for name in ("probe.md", "other.md"):
        shutil.copy2(FIXTURES / name, path / "chapters" / name)
    shutil.copytree(FIXTURES / "lossfuncs", path / "lossfuncs")
    (path / "lossfuncs" / "__init__.py").write_text(f"VALUE = {value}\n")
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
    return bool(executions(log))


def page_text(path: Path) -> str:
    return (path / "_build" / "html" / "chapters" / "probe.html").read_text(encoding="utf-8")


def figure_files(book: Path) -> dict[str, bytes]:
    files = {}
    for sub in ("html/_images", "jupyter_execute"):
        for f in sorted((book / "_build" / sub).rglob("*")):
            if f.suffix in {".svg", ".png", ".pdf", ".jpg"}:
                files[f"{sub}/{f.relative_to(book / '_build' / sub)}"] = f.read_bytes()
    return files


def pre_execute(path: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "scripts.execute", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def tiny_books(tmp_path_factory):
    """Two clean builds of the tiny book: (a) pre-executed in parallel, then built;
    (b) built alone (myst-nb executes)."""
    base = tmp_path_factory.mktemp("tiny")
    a, b = make_tiny_book(base / "a"), make_tiny_book(base / "b")
    logs = {"pre": pre_execute(a), "a": build(a), "b": build(b)}
    return a, b, logs, figure_files(a), figure_files(b)


def test_pre_execution_is_the_only_execution(tiny_books):
    """jupyter-cache's executor hashes the chapter as myst-nb does: the build executes nothing."""
    _, _, logs, _, _ = tiny_books
    assert executions(logs["pre"]) == ["chapters/probe"], logs["pre"][-3000:]
    assert not executed(logs["a"]), logs["a"][-3000:]
    assert executions(logs["b"]) == ["chapters/probe"]


def test_failing_chapter_is_named_with_traceback(tmp_path):
    book = make_tiny_book(tmp_path / "c")
    probe = book / "chapters" / "probe.md"
    probe.write_text(probe.read_text().replace('print("probe value", value)',
                                               'raise ValueError("probe failure")'))
    proc = subprocess.run([sys.executable, "-m", "scripts.execute", str(book)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    assert "FAILED chapters/probe.md" in proc.stderr and "probe failure" in proc.stderr


def test_cache_guard_reexecutes_after_package_edit(tiny_books):
    _, b, _, _, _ = tiny_books
    assert "probe value 1" in page_text(b)
    assert not executed(build(b))  # no change: cache hit, nothing executed
    (b / "lossfuncs" / "__init__.py").write_text("VALUE = 2\n")
    log = build(b)  # package edited: executed again, outputs updated
    assert executed(log), log[-3000:]
    assert "probe value 2" in page_text(b)
    with open(b / "requirements.txt", "a") as f:  # requirements.txt is guarded too
        f.write("# touched\n")
    assert executed(build(b))


def test_clean_builds_have_identical_figures(tiny_books):
    _, _, _, fa, fb = tiny_books
    assert any(k.endswith(".svg") for k in fa), sorted(fa)
    assert any(k.endswith(".pdf") for k in fa), "no vector PDF figure for LaTeX"
    assert sorted(fa) == sorted(fb), "figure file names differ between clean builds"
    different = [k for k in fa if fa[k] != fb[k]]
    assert not different, f"figure files differ between clean builds: {different}"


def test_probe_notebook_has_glued_values(tiny_books):
    from scripts.notebooks import book

    a, _, _, _, _ = tiny_books
    text = "\n".join(c.source for c in book(a)["probe"].notebook().cells)
    assert "The value is 1 and two thirds is 0.667." in text
