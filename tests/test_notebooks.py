"""The downloadable notebooks and the offline bundle (written by scripts/notebooks.py).

(a) No markdown cell of any downloadable notebook holds MyST markup.
(b) course-notebooks.zip, unzipped in a temporary folder outside the repository: pip
    resolves its requirements.txt and wheel, uv installs them into a fresh virtual
    environment (from its cache), and every notebook runs top to bottom there with
    nbclient, two at a time; a chapter with a practice notebook runs through that one, which
    holds all of the clean notebook's code (checked cell by cell).
(c) Each practice notebook's self-checks print "not right" with the TODO as is and
    "right" once the solution is filled in (same kernel, same fresh environment).
The converter is also checked on tests/fixtures/probe.md, which uses every kind of
markup the chapters use, old and new conventions.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jupytext
import nbformat
import pytest

from scripts import notebooks
from scripts.testsupport import skip_or_fail
from scripts.toc import toc_chapters

# One worker runs this module (its fixtures are expensive): `make output-tests`
# distributes the other output tests test by test (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("notebooks")

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
FIXTURES = ROOT / "tests" / "fixtures"
MYST = {
    "role": re.compile(r"\{[a-z][\w:+-]*\}`"),
    "directive fence": re.compile(r"^\s*(`{3,}|~{3,})\s*\{", re.M),
    "colon fence": re.compile(r"^\s*:{3,}", re.M),
    "target": re.compile(r"^\(\S+\)=\s*$", re.M),
    "equation label": re.compile(r"\$\$\s*\([\w:.-]+\)"),
}
# Runs one notebook cell by cell in the kernel of the Python that runs this script
# (IPC transport: no unencrypted-TCP warning).  After each self-check it fills in the
# solution and runs the self-check again; prints [[before, after], ...] as JSON.
RUNNER = r'''
import json, sys, tempfile
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
solutions = json.loads(sys.argv[2])
km = KernelManager(kernel_name="python3", transport="ipc", ip=tempfile.mkdtemp() + "/kernel")
client = NotebookClient(nb, timeout=600, km=km, resources={"metadata": {"path": sys.argv[3]}})
def text(cell):
    return "".join(o.get("text", "") for o in cell.outputs)
report = []
with client.setup_kernel():
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)
            if cell.source.startswith("# Self-check"):
                client.execute_cell(nbformat.v4.new_code_cell(solutions[len(report)]), index)
                again = nbformat.v4.new_code_cell(cell.source)
                client.execute_cell(again, index)
                report.append([text(cell), text(again)])
print(json.dumps(report))
'''


def markup(nb) -> list[str]:
    return [f"{what}: {m.group(0)!r} in {cell.source[:60]!r}"
            for cell in nb.cells if cell.cell_type == "markdown"
            for what, rx in MYST.items() for m in rx.finditer(cell.source)]


def solutions(chapter: Path) -> list[str]:
    return [c.source for c in jupytext.read(chapter).cells if "solution" in notebooks.tags(c)]


def run(python: Path, nb: Path, cwd: Path, answers: list[str]):
    script = nb.parent / "_runner.py"
    if not script.exists():
        script.write_text(RUNNER)
    proc = subprocess.run([str(python), str(script), str(nb), json.dumps(answers), str(cwd)],
                          cwd=cwd, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, f"{nb.name} failed:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the converter, on the probe

@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    book = tmp_path_factory.mktemp("probe")
    (book / "chapters").mkdir()
    for name in ("probe.md", "other.md"):
        shutil.copy2(FIXTURES / name, book / "chapters" / name)
    shutil.copytree(FIXTURES / "lossfuncs", book / "lossfuncs")
    (book / "lossfuncs" / "__init__.py").write_text("VALUE = 1\n")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n"
                                   "  - file: chapters/probe\n  - file: chapters/other\n")
    glue = book / "_build" / "jupyter_execute" / "chapters" / "probe.glue.json"
    glue.parent.mkdir(parents=True)
    glue.write_text(json.dumps({"probe_value": {"data": {"text/plain": "1"}},
                                "probe_ratio": {"data": {"text/plain": "0.6666666666666666"}},
                                "probe_table": {"data": {
                                    "text/plain": "<IPython.core.display.Markdown object>",
                                    "text/markdown": "| x | x squared |\n|---|---|\n| 3 | 9 |"}}}))
    chapter = notebooks.book(book)["probe"]
    return book, chapter.notebook(), chapter.notebook(practice=True)


def test_probe_notebook_is_plain_jupyter(probe):
    _, nb, practice = probe
    assert not markup(nb) and not markup(practice), markup(nb) + markup(practice)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for expected in ("[Other page](other.ipynb)", "[definition](#probe-def)",
                     "[Exercise 1](#probe-ex-1)", "equation (1) and\nthe landing page.",
                     r"\tag{1}",
                     "The value is 1 and two thirds is 0.667.", "| 3 | 9 |", "Figure 1 shows",
                     "> **Note**", "$x^2$", '<a id="probe-def"></a>',
                     "<summary>Solution to Exercise 1</summary>", "<summary>Solution</summary>",
                     "```python\ndef square(xp, r):"):
        assert expected in text, expected
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source.splitlines()[0] for c in code if c.source.startswith("# Check")] == [
        "# Check:", "# Check:", "# Check: Exercise 1"]
    assert any(c.metadata.get("jupyter", {}).get("source_hidden") for c in code)


def test_probe_practice_notebook(probe):
    _, _, practice = probe
    sources = [c.source for c in practice.cells]
    todo = [s for s in sources if s.startswith("# TODO")]
    assert todo == ["# TODO Exercise 1: your answer.\nanswer_1 = ...  # TODO"]
    assert not any("3 ** 2" in s or "Square it" in s for s in sources)
    assert any(s.startswith("# Self-check for Exercise 1") for s in sources)


def test_probe_practice_checks_fail_then_pass(probe, tmp_path):
    book, _, practice = probe
    path = tmp_path / "probe-practice.ipynb"
    nbformat.write(practice, path)
    report = run(Path(sys.executable), path, book / "chapters",
                 solutions(book / "chapters" / "probe.md"))
    assert report == [["Exercise 1: not right yet. Not yet: square three.\n",
                       "Exercise 1: right.\n"]]


# ---------------------------------------------------------------- the built notebooks

def built() -> list[Path]:
    found = sorted((SITE / "notebooks").glob("*.ipynb"))
    if not found:
        skip_or_fail("no notebooks: run `make book` first")
    return found


def test_every_chapter_has_a_notebook():
    names = {p.name for p in built()}
    for doc in toc_chapters():
        assert f"{Path(doc).name}.ipynb" in names


def test_notebooks_have_no_myst_markup():
    problems = [f"{p.name}: {m}" for p in built() for m in markup(nbformat.read(p, as_version=4))]
    assert not problems, "\n".join(problems[:30])


def test_included_kernels_are_current():
    """Each literalinclude appears as the object's current source."""
    chapters = notebooks.book(ROOT)
    for p in built():
        if p.stem in chapters:
            ch = chapters[p.stem]
            text = "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)
            for arg, obj in re.findall(r"\{literalinclude\}\s*(\S+)\s*\n(?::\w+:.*\n)*?"
                                       r":pyobject:\s*(\S+)", ch.text):
                assert ch.include(arg, {"pyobject": obj}) in text, (p.name, obj)


# ---------------------------------------------------------------- the offline bundle

@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    archive = SITE / "course-notebooks.zip"
    if not archive.exists():
        skip_or_fail("no course-notebooks.zip: run `make book` first")
    where = tmp_path_factory.mktemp("bundle")
    assert ROOT not in where.parents
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(where)
    folder = where / notebooks.BUNDLE
    install = ["-r", str(folder / "requirements.txt"), *map(str, folder.glob("*.whl"))]
    # The bundle's README installs with pip: pip must accept the requirements and the
    # wheel (it resolves them, --dry-run, in an environment of its own), while uv installs
    # them into the notebooks' environment from the cache the course's own venv filled
    # (pip would unpack every wheel again: 43 s against 15 s). Compiled to bytecode as pip
    # does, or else the notebooks, two at a time, would each compile what they import.
    venv.create(where / "pip-check", with_pip=True)
    pip = subprocess.Popen([str(where / "pip-check" / "bin" / "python"), "-m", "pip", "install",
                            "--dry-run", "--quiet", "--disable-pip-version-check", *install],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    venv.create(where / "venv")
    python = where / "venv" / "bin" / "python"
    subprocess.run([str(notebooks.UV), "pip", "install", "--quiet", "--compile-bytecode",
                    "--python", str(python), *install], check=True, timeout=900)
    _, errors = pip.communicate(timeout=900)
    assert pip.returncode == 0, f"pip cannot install the bundle:\n{errors[-4000:]}"
    return folder, python


def test_bundle_contents(bundle):
    folder, _ = bundle
    names = {p.name for p in folder.iterdir()}
    assert {"README.md", "requirements.txt"} <= names
    assert any(n.startswith("lossfuncs-") and n.endswith(".whl") for n in names)
    assert {p.name for p in built()} <= names
    readme = (folder / "README.md").read_text()
    assert readme.count("\n    ") == 3 and "jupyter lab" in readme
    with zipfile.ZipFile(next(folder.glob("*.whl"))) as whl:
        tops = {n.split("/")[0] for n in whl.namelist()}
    assert {"lossfuncs", "coursekit"} <= tops
    for nb in folder.glob("*.ipynb"):  # links stay inside the bundle
        for target in re.findall(r"\]\(([^)#\s]+\.\w+)\)", nb.read_text()):
            assert target.startswith(("http://", "https://")) or (folder / target).exists(), \
                f"{nb.name} links to {target}"


def exercise_free(nb, answers: list[str]) -> list[str]:
    """The code a notebook runs outside its exercises: a clean notebook without its
    solutions and ``# Check: Exercise`` cells, a practice notebook without its
    ``# TODO`` and self-check cells."""
    skip = ("# Check: Exercise", "# TODO Exercise", "# Self-check for Exercise")
    return [c.source for c in nb.cells if c.cell_type == "code"
            and not c.source.startswith(skip) and c.source not in answers]


def test_practice_notebook_runs_the_clean_notebooks_code():
    """A practice notebook is its clean notebook with each solution replaced by a TODO and
    each check by a self-check; the bundle run below fills every TODO with the solution and
    reruns the check, so running the practice notebook runs all of the clean one's code."""
    pairs = [(nb, nb.with_name(nb.name.replace("-practice", ""))) for nb in built()
             if nb.name.endswith("-practice.ipynb")]
    if not pairs:
        skip_or_fail("no practice notebooks: run `make book` first")
    for practice, clean in pairs:
        p, c = nbformat.read(practice, 4), nbformat.read(clean, 4)
        answers = solutions(ROOT / "chapters" / clean.name.replace(".ipynb", ".md"))
        assert sum(x.source in answers for x in c.cells) == len(answers), clean.name
        assert exercise_free(p, answers) == exercise_free(c, answers), \
            f"{practice.name} differs from {clean.name}"
        checks = [x.source.split("\n", 1)[1] for x in c.cells
                  if x.cell_type == "code" and x.source.startswith("# Check: Exercise")]
        selfchecks = [x.source for x in p.cells
                      if x.cell_type == "code" and x.source.startswith("# Self-check")]
        assert len(checks) == len(selfchecks), practice.name
        for check, selfcheck in zip(checks, selfchecks):
            for line in check.splitlines():
                assert line.strip() in selfcheck, f"{practice.name}: self-check lacks {line!r}"


@pytest.fixture(scope="module")
def runs(bundle):
    """Every notebook of the bundle runs; a chapter with a practice notebook is run
    through that one only (see test_practice_notebook_runs_the_clean_notebooks_code)."""
    folder, python = bundle
    names = sorted(nb.name for nb in folder.glob("*.ipynb"))
    chosen = [n for n in names if n.endswith("-practice.ipynb")
              or n.replace(".ipynb", "-practice.ipynb") not in names]
    jobs = {name: (python, folder / name, folder,
                   solutions(ROOT / "chapters" / name.replace("-practice.ipynb", ".md"))
                   if name.endswith("-practice.ipynb") else [])
            for name in chosen}
    with ThreadPoolExecutor(2) as pool:
        futures = {name: pool.submit(run, *job) for name, job in jobs.items()}
    return {name: f.exception() or f.result() for name, f in futures.items()}


def test_every_bundled_notebook_runs(runs):
    failed = {name: r for name, r in runs.items() if isinstance(r, BaseException)}
    assert not failed, "\n\n".join(str(e) for e in failed.values())


def test_practice_checks_fail_with_todo_and_pass_with_solution(runs):
    for name, report in runs.items():
        if name.endswith("-practice.ipynb") and not isinstance(report, BaseException):
            assert report, f"{name}: no self-check"
            for before, after in report:
                assert "not right" in before and "not right" not in after and ": right." in after, \
                    (name, before, after)
