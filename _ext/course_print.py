"""The print profile of the course: PDF handouts and books, student and instructor editions.

Active for the LaTeX builder only (``jupyter-book build . --builder pdflatex``; see
scripts/build_pdfs.py).  The edition comes from the environment variable
``COURSE_EDITION`` (``student``, the default, or ``instructor``); each edition is
built into its own output folder.

* **Documents** (``env-updated``): the whole book plus one handout per chapter
  (``chapters/*`` in _toc.yml order), named ``book.tex``/``<chapter>.tex`` or, in the
  instructor edition, ``book-instructor.tex``/``<chapter>-instructor.tex``.
  Upstream limitations worked around: jupyter-book 1.0.4 crashes when _config.yml lists
  several ``latex_documents`` (its message box raises KeyError,
  jupyter-book/jupyter-book#1824), and its
  ``--individualpages`` builds every page (landing page included) as a book with a
  title page and a contents page, named ``chapters-<name>.tex``.  So the documents are
  set here, after the sources are read.
* **Editions**: the student edition drops every solution.  sphinx-exercise's own
  ``hide_solutions`` option is not used: with gated solutions (the form chapters use
  for solutions with code) it drops the ``solution-start`` node only, so the gated
  content is left in the document and the orphaned ``solution-end`` node stops the
  writer (sphinx-exercise 1.2.1, executablebooks/sphinx-exercise#89).  Here solutions
  are removed after the gated ones are merged, with the "Solutions" section they
  leave empty.
* **Cell roles** (CONVENTIONS.md section 2): verification (``remove-cell``, ``check``,
  ``hide-cell``) and timing cells are dropped, plotting cells print their figure only
  (``hide-input``), ``glue`` lines are dropped from teaching code.
* **Cross-references** to chapters print as "Chapter 11 (Mean absolute error)", in a
  handout references to a section of another chapter as "<section> in Chapter 11 (Mean
  absolute error)"; pages that are not chapters (the landing page's own sections aside)
  stay out of the book.
* **Exercises** are numbered per chapter: "Exercise 11.1", "Solution to Exercise 11.1".
* **Frame**: a handout starts with a title block (course, chapter number and title,
  edition, site URL, version and date), has running heads, numbered sections, figures,
  equations and exercises, and no title or contents page.  The book opens chapters on
  any page (no blank pages).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.latex import LaTeXTranslator

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ("student", "instructor")
CHAPTER_DIR = "chapters/"
# Source patterns of timing cells (CONVENTIONS.md: no live timings in teaching chapters).
TIMING = re.compile(r"\btimeit\b|block_until_ready|perf_counter|^\s*%%?time", re.M)
# Cell tags whose cell never prints.
DROP_TAGS = {"remove-cell", "hide-cell", "check", "exercise-check", "timing", "remove-print"}
DROP_INPUT_TAGS = {"hide-input", "remove-input"}
# Listings up to this many lines are kept on one page.
NEEDSPACE_MAX_LINES = 18
# Phrases that only make sense on the website (CONVENTIONS.md section 4).  Paragraphs of
# the landing page (the book's front matter) that use them are not printed; in chapters
# tests/test_pdf.py reports them.
WEB_ONLY = re.compile(r"menu on the left|download button|\bclick|links? below|"
                      r"\bthis (web )?page\b|top of a (chapter|page)", re.I)


# --------------------------------------------------------------------------- helpers
def edition_of(config) -> str:
    return config.course_edition


def target_name(docname: str, edition: str) -> str:
    """chapters/huber -> huber (student) or huber-instructor; index -> book[-instructor]."""
    base = docname.split("/")[-1]
    return base if edition == "student" else f"{base}-{edition}"


def course_version() -> str:
    """'1.0.0, 2026-11-29': the package version and the date of the last commit."""
    version = "unreleased"
    pyproject = ROOT / "pyproject.toml"
    if pyproject.exists():
        m = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(), re.M)
        if m:
            version = m.group(1)
    date = os.environ.get("COURSE_DATE", "")
    if not date:
        try:
            date = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=ROOT,
                                  capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            date = ""
    return f"{version}, {date}" if date else version


def chapters(env) -> list[str]:
    """Chapter docnames in table-of-contents order."""
    ordered: list[str] = []

    def walk(doc: str) -> None:
        for child in env.toctree_includes.get(doc, []):
            if child not in ordered:
                ordered.append(child)
                walk(child)

    walk(env.config.root_doc)
    return [d for d in ordered if d.startswith(CHAPTER_DIR)]


def chapter_number(env, docname: str) -> int | None:
    found = chapters(env)
    return found.index(docname) + 1 if docname in found else None


def tex(text: str) -> str:
    from sphinx.util.texescape import escape

    return escape(text, "xelatex")


# --------------------------------------------------------------------------- config
def on_config_inited(app, config) -> None:
    edition = os.environ.get("COURSE_EDITION", "student").strip() or "student"
    if edition not in EDITIONS:
        raise ValueError(f"COURSE_EDITION must be one of {EDITIONS}, got {edition!r}")
    config.course_edition = edition
    if "COURSE_EDITION" not in os.environ:
        return  # not a print build (scripts/build_pdfs.py): leave the configuration alone
    # Each edition builds into its own folder; all of them read the one execution
    # cache of the HTML build.  The test fixture (sources elsewhere) has its own: the
    # course's cache guard would see no lossfuncs there and clear the course's cache.
    if not config.nb_execution_cache_path:
        own = Path(app.srcdir).resolve() == ROOT
        cache = "_build/.jupyter_cache" if own else "_build/print-fixture/.jupyter_cache"
        config.nb_execution_cache_path = str(ROOT / cache)
    # Relative to the repository, also when the sources are elsewhere (test fixture).
    config.latex_additional_files = [
        str(ROOT / p) if not os.path.isabs(p) else p for p in config.latex_additional_files
    ]


def on_builder_inited(app) -> None:
    if app.builder.format != "latex":
        return
    # Black-and-white friendly highlighting for print only (the web keeps its theme).
    app.config.pygments_style = app.config.course_print_pygments_style


def on_env_updated(app, env):
    if app.builder.format != "latex":
        return []
    edition = edition_of(app.config)
    first = list(app.config.latex_documents[0])
    theme = first[4] if len(first) > 4 else "manual"
    author = first[3] if len(first) > 3 else app.config.author
    documents = [(app.config.root_doc, target_name("book", edition) + ".tex",
                  first[2], author, theme, False)]
    for doc in chapters(env):
        title = env.titles[doc].astext()
        documents.append((doc, target_name(doc, edition) + ".tex", tex(title), author,
                          theme, False))
    app.config.latex_documents = documents
    return []


# --------------------------------------------------------------------------- print profile
def _cell_tags(cell: nodes.Element) -> set[str]:
    meta = cell.get("cell_metadata") or {}
    tags = set(meta.get("tags", []) or [])
    tags |= {c[4:] for c in cell.get("classes", []) if c.startswith("tag_")}
    return tags


def _cell_source(cell: nodes.Element) -> str:
    for block in cell.findall(nodes.literal_block):
        if "cell_input" in block.parent.get("classes", []):
            return block.astext()
    return ""


def _is_glue(stmt: ast.stmt) -> bool:
    """``glue(...)`` calls, ``from myst_nb import glue``, and blocks made only of them."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        return getattr(func, "id", getattr(func, "attr", "")) == "glue"
    if isinstance(stmt, ast.ImportFrom):
        return stmt.module == "myst_nb"
    body = getattr(stmt, "body", None)
    if isinstance(body, list) and body and not getattr(stmt, "orelse", None):
        return all(_is_glue(s) for s in body)
    return False


def strip_glue(source: str) -> str:
    """Teaching code without its ``glue`` calls (at any depth) and the ``myst_nb`` import."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    drop: set[int] = set()

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if _is_glue(stmt):
                drop.update(range(stmt.lineno, stmt.end_lineno + 1))
                continue
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    visit(inner)

    visit(tree.body)
    if not drop:
        return source
    lines = [ln for i, ln in enumerate(source.splitlines(), 1) if i not in drop]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


class PrintProfile(SphinxPostTransform):
    """What prints: see the module docstring."""

    default_priority = 5  # before references are resolved (10) and jupyterbook-latex (400)
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        env = self.env
        root = self.config.root_doc
        start = env.docname
        is_book = start == root
        info = {"kind": "book" if is_book else "handout", "docname": start,
                "edition": edition_of(self.config)}
        if not is_book:
            info["chapter"] = chapter_number(env, start)
            info["title"] = env.titles[start].astext() if start in env.titles else start
        self.document["course_print"] = info
        # "Figure 3.1" rather than Sphinx's "Fig. 3.1", in captions and references.
        # Set at write time: the environment, pickled before, keeps the web's format.
        self.config.numfig_format = {**self.config.numfig_format, "figure": "Figure %s"}
        self.number_exercises()
        if is_book:
            self.drop_other_pages(root)
            self.drop_web_only_front_matter()
        if info["edition"] == "student":
            self.drop_solutions()
        self.print_cells()
        self.chapter_references(is_book)

    def number_exercises(self) -> None:
        """The n-th exercise of chapter c prints as "Exercise c.n", and so do its solution's
        title ("Solution to Exercise c.n") and references to it.

        sphinx-exercise takes its numbers from env.toc_fignumbers, where Sphinx numbers
        them within the section that holds them (the numbered toctree of the LaTeX
        build gives 14.8.1 for the first exercise of section 14.8), so each chapter's
        exercises are renumbered from 1, in the order of those numbers (the order of
        the source), once per build and for print only (the environment was pickled
        before writing started).
        """
        env = self.env
        if getattr(env, "_course_print_exercises_numbered", False):
            return
        for number, doc in enumerate(chapters(env), 1):
            numbers = env.toc_fignumbers.get(doc, {}).get("exercise", {})
            for n, key in enumerate(sorted(numbers, key=numbers.get), 1):
                numbers[key] = (number, n)
        env._course_print_exercises_numbered = True

    def drop_other_pages(self, root: str) -> None:
        keep = set(chapters(self.env)) | {root}
        for node in list(self.document.findall(addnodes.start_of_file)):
            if node.get("docname") not in keep:
                node.parent.remove(node)

    def drop_web_only_front_matter(self) -> None:
        for para in list(self.document.findall(nodes.paragraph)):
            parent, inside_chapter = para.parent, False
            while parent is not None:
                if isinstance(parent, addnodes.start_of_file):
                    inside_chapter = True
                    break
                parent = parent.parent
            if inside_chapter or not WEB_ONLY.search(" ".join(para.astext().split())):
                continue
            holder = para.parent
            holder.remove(para)
            if isinstance(holder, nodes.list_item) and not holder.children:
                holder.parent.remove(holder)

    def drop_solutions(self) -> None:
        from sphinx_exercise.nodes import solution_node

        def is_solution(node) -> bool:  # sphinx-exercise, or a plain "Solution" admonition
            return isinstance(node, solution_node) or (
                isinstance(node, nodes.admonition) and node.children
                and node[0].astext().strip().startswith("Solution"))

        sections = set()
        for node in list(self.document.findall(is_solution)):
            parent = node.parent
            parent.remove(node)
            while parent is not None and not isinstance(parent, nodes.section):
                parent = parent.parent
            if parent is not None:
                sections.add(parent)
        for cell in list(self.document.findall(nodes.container)):
            if "cell" in cell.get("classes", []) and "solution" in _cell_tags(cell):
                cell.parent.remove(cell)
        for section in sections:
            rest = [c for c in section.children
                    if not isinstance(c, (nodes.title, nodes.target, nodes.comment))]
            if not rest and section.parent is not None:
                section.parent.remove(section)

    def print_cells(self) -> None:
        for cell in list(self.document.findall(nodes.container)):
            if "cell" not in cell.get("classes", []) or cell.parent is None:
                continue
            tags = _cell_tags(cell)
            source = _cell_source(cell)
            if tags & DROP_TAGS or TIMING.search(source):
                cell.parent.remove(cell)
                continue
            for part in list(cell.children):
                if "cell_input" not in part.get("classes", []):
                    continue
                if tags & DROP_INPUT_TAGS:
                    cell.remove(part)
                    continue
                for block in list(part.findall(nodes.literal_block)):
                    text = strip_glue(block.astext())
                    if not text.strip():
                        cell.remove(part)
                        break
                    if text != block.astext():
                        new = nodes.literal_block(text, text, **block.attributes)
                        block.replace_self(new)
            if not cell.children:
                cell.parent.remove(cell)

    def chapter_references(self, is_book: bool) -> None:
        from sphinx.util import docname_join

        env = self.env
        for ref in list(self.document.findall(addnodes.pending_xref)):
            if ref.get("refdomain") == "std" and ref.get("reftype") == "ref" and not is_book:
                self.section_reference(ref)
                continue
            if ref.get("refdomain") != "std" or ref.get("reftype") != "doc":
                continue
            target = docname_join(ref.get("refdoc", env.docname), ref["reftarget"])
            number = chapter_number(env, target)
            if number is None:
                continue
            title = env.titles[target]
            label = nodes.inline("", "", classes=["chapter-ref"])
            label += nodes.Text(f"Chapter {number} (")
            label += nodes.emphasis("", "", *[c.deepcopy() for c in title.children])
            label += nodes.Text(")")
            if is_book:
                ref["refexplicit"] = True
                ref.children = []
                ref += label
            else:
                ref.replace_self(label)

    def section_reference(self, ref: addnodes.pending_xref) -> None:
        """In a handout, a {ref} to a section of another chapter prints as "<section title>
        in Chapter 1 (What is a loss function?)" (or its own text for the section title).

        That section is not in the handout's LaTeX document: Sphinx's LaTeX builder finds
        no URI for it and prints the role's content, the bare label ("intro-wrapper").
        """
        env = self.env
        docname, _, section = env.get_domain("std").labels.get(ref["reftarget"], ("", "", ""))
        number = chapter_number(env, docname)
        if number is None or docname == env.docname or not section:
            return
        label = nodes.inline("", "", classes=["chapter-ref"])
        if ref.get("refexplicit"):
            label += [c.deepcopy() for c in ref.children]
        else:
            label += nodes.emphasis(section, section)
        label += nodes.Text(f" in Chapter {number} (")
        label += nodes.emphasis("", "", *[c.deepcopy() for c in env.titles[docname].children])
        label += nodes.Text(")")
        ref.replace_self(label)


# --------------------------------------------------------------------------- LaTeX
class PrintTranslator(LaTeXTranslator):
    """Per-document frame: handouts get a chapter title block instead of a title page."""

    def __init__(self, document, builder, theme) -> None:
        super().__init__(document, builder, theme)
        info = document.get("course_print", {})
        config = builder.config
        self.course_print = info
        edition = info.get("edition", "student")
        if info.get("kind") == "handout":
            # The chapter's title (H1) is the document title, set in the title block
            # below; its sections (H2) are numbered sections n.1, n.2, ...
            self.top_sectionlevel = self.sectionnames.index("section")
            self.elements["sphinxpkgoptions"] = re.sub(
                r"numfigreset=\d", "numfigreset=1", self.elements.get("sphinxpkgoptions", ""))
            # Frame and title block: \coursehandout in courseprint.sty.
            values = (tex(config.html_title or config.project), info.get("chapter") or 1,
                      tex(info.get("title", "")),
                      f"{edition.capitalize()} edition", config.course_site_url,
                      tex(config.course_version))
            self.elements["preamble"] += "\n\\coursehandout{%s}{%s}{%s}{%s}{%s}{%s}\n" % values
            self.elements["maketitle"] = r"\coursehandouttitle"
            self.elements["tableofcontents"] = ""
        else:
            # Title page and running heads: "<Edition> edition, version 1.0.0, <date>"
            # (the template escapes the release itself).
            self.elements["releasename"] = f"{edition.capitalize()} edition,"
            self.elements["release"] = f"version {config.course_version}"
            if config.course_site_url:
                self.elements["author"] += r"\\[6pt]\small\url{%s}" % config.course_site_url

    def visit_literal_block(self, node) -> None:
        # Keep short listings on one page: ask for their height before starting.
        # (Longer ones may break: moving them would leave half-empty pages.)
        lines = node.astext().count("\n") + 1
        if lines <= NEEDSPACE_MAX_LINES:
            self.body.append("\n\\needspace{%d\\baselineskip}" % (lines + 2))
        super().visit_literal_block(node)


def setup(app):
    # Used at write time only: changing them never re-reads the sources.
    app.add_config_value("course_edition", "student", "")
    app.add_config_value("course_site_url", "", "")
    app.add_config_value("course_version", course_version(), "")
    app.add_config_value("course_print_pygments_style", "bw", "")
    app.connect("config-inited", on_config_inited, priority=100)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-updated", on_env_updated, priority=900)
    app.add_post_transform(PrintProfile)
    app.set_translator("latex", PrintTranslator, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
