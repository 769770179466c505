"""The print profile of the course: PDF handouts and books, student and instructor editions.

Active for the LaTeX builder (``jupyter-book build . --builder pdflatex``, run by
scripts/build_pdfs.py once per edition; the edition is the environment variable
``COURSE_EDITION``, ``student`` by default, or ``instructor``).  What Sphinx, myst-nb
and sphinx-exercise do by themselves is configured in _config.yml (``remove-cell`` and
``remove-input`` cells, ``pygments_style``, ``numfig_format``, web-only paragraphs in
``{only} html``); this module does what they cannot:

* **Documents**: the book plus one handout per chapter, ``<chapter>[-instructor].tex``.
  Jupyter Book 1.0.4 crashes when _config.yml lists several ``latex_documents``
  (jupyter-book/jupyter-book#1824) and its ``--individualpages`` makes every page a book
  with a title and a contents page, so the documents are set here, after reading.
* **Editions**: the student edition drops every solution.  sphinx-exercise 1.2.1's own
  ``hide_solutions`` drops only the ``solution-start`` node of a gated solution, leaving
  its content and an orphaned ``solution-end`` that stops the writer
  (executablebooks/sphinx-exercise#89).
* **Plotting cells** (``hide-input``) print their figure only: myst-nb folds their input
  on the web page but prints it in LaTeX (it has no print-only tag).
* **Numbers**: exercises print as "Exercise 11.1", as on the web page (see
  :func:`on_builder_inited`); references to chapters as "Chapter 11 (Mean
  absolute error)", and in a handout references to a section of another chapter as
  "<section> in Chapter 11 (...)" (Sphinx's LaTeX builder prints the bare label of a
  target outside the document).  Pages that are not chapters stay out of the book.
* **Frame**: a handout opens with a title block (course, chapter number and title,
  edition, site URL, version and date) instead of a title and contents page.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join
from sphinx.util.texescape import escape
from sphinx.writers.latex import LaTeXTranslator

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ("student", "instructor")
# Listings up to this many lines are kept on one page.
NEEDSPACE_MAX_LINES = 18


def tex(text: str) -> str:
    return escape(text, "xelatex")


def target_name(docname: str, edition: str) -> str:
    """chapters/huber -> huber (student) or huber-instructor; book -> book[-instructor]."""
    base = docname.split("/")[-1]
    return base if edition == "student" else f"{base}-{edition}"


def course_version() -> str:
    """'1.1.0, 2026-11-29': the installed package's version and the date of the last commit."""
    date = os.environ.get("COURSE_DATE") or subprocess.run(
        ["git", "log", "-1", "--format=%cs"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return ", ".join(filter(None, [importlib.metadata.version("lossfuncs"), date]))


def chapters(env) -> list[str]:
    """Chapter docnames in table-of-contents order."""
    ordered: list[str] = []

    def walk(doc: str) -> None:
        for child in env.toctree_includes.get(doc, []):
            if child not in ordered:
                ordered.append(child)
                walk(child)

    walk(env.config.root_doc)
    return [d for d in ordered if d.startswith("chapters/")]


def chapter_number(env, docname: str) -> int | None:
    found = chapters(env)
    return found.index(docname) + 1 if docname in found else None


def on_config_inited(app, config) -> None:
    config.course_edition = os.environ.get("COURSE_EDITION", "student").strip() or "student"
    if config.course_edition not in EDITIONS:
        raise ValueError(f"COURSE_EDITION must be one of {EDITIONS}, got {config.course_edition!r}")
    # Relative to the repository, also when the sources are elsewhere (the print fixture).
    config.latex_additional_files = [str(ROOT / p) for p in config.latex_additional_files]


def on_builder_inited(app) -> None:
    # sphinx-jupyterbook-latex 1.0 sets numfig_secnum_depth = 2 for a book with parts, so
    # sphinx-exercise (numbered by Sphinx, per section) would print "Exercise 14.8.1":
    # number per chapter, as on the web page.  (PrintTranslator resets figure and
    # equation numbers per chapter.)
    if app.builder.format == "latex":
        app.config.numfig_secnum_depth = 1


def on_env_updated(app, env):
    if app.builder.format != "latex":
        return []
    _, _, title, author, theme, *_ = app.config.latex_documents[0]
    edition = app.config.course_edition
    app.config.latex_documents = [
        (doc, target_name(name, edition) + ".tex", text, author, theme, False)
        for doc, name, text in [(app.config.root_doc, "book", title)]
        + [(doc, doc, tex(env.titles[doc].astext())) for doc in chapters(env)]]
    return []


def _tags(cell: nodes.Element) -> set[str]:
    return set((cell.get("cell_metadata") or {}).get("tags") or [])


class PrintProfile(SphinxPostTransform):
    """What prints: see the module docstring."""

    default_priority = 5  # before references are resolved (10) and jupyterbook-latex (400)
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        env, start = self.env, self.env.docname
        is_book = start == self.config.root_doc
        self.document["course_print"] = {
            "book": is_book, "edition": self.config.course_edition,
            "chapter": chapter_number(env, start) or 1,
            "title": env.titles[start].astext() if start in env.titles else start}
        if is_book:
            keep = set(chapters(env)) | {start}
            for node in list(self.document.findall(addnodes.start_of_file)):
                if node.get("docname") not in keep:
                    node.parent.remove(node)
        if self.config.course_edition == "student":
            self.drop_solutions()
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") == "cell_code" and "hide-input" in _tags(cell):
                for part in list(cell.children):
                    if part.get("nb_element") == "cell_code_source":
                        cell.remove(part)
        self.chapter_references(is_book)

    def drop_solutions(self) -> None:
        """Solutions (and solution cells), then the sections they leave empty."""
        from sphinx_exercise.nodes import solution_node

        sections = set()
        for node in list(self.document.findall(solution_node)):
            parent = node.parent
            parent.remove(node)
            while parent is not None and not isinstance(parent, nodes.section):
                parent = parent.parent
            sections.add(parent)
        for cell in list(self.document.findall(nodes.container)):
            if "solution" in _tags(cell):
                cell.parent.remove(cell)
        for section in sections - {None}:
            if all(isinstance(c, (nodes.title, nodes.target, nodes.comment)) for c in section):
                section.parent.remove(section)

    def chapter_label(self, doc: str, head: list[nodes.Node]) -> nodes.inline:
        """<head> Chapter n (<title>)."""
        label = nodes.inline("", "", *head, classes=["chapter-ref"])
        label += nodes.Text(f"Chapter {chapter_number(self.env, doc)} (")
        label += nodes.emphasis("", "", *[c.deepcopy() for c in self.env.titles[doc].children])
        label += nodes.Text(")")
        return label

    def chapter_references(self, is_book: bool) -> None:
        env = self.env
        for ref in list(self.document.findall(addnodes.pending_xref)):
            kind = (ref.get("refdomain"), ref.get("reftype"))
            if kind == ("std", "doc"):
                target = docname_join(ref.get("refdoc", env.docname), ref["reftarget"])
                if chapter_number(env, target) is None:
                    continue
                label = self.chapter_label(target, [])
                if is_book:
                    ref["refexplicit"], ref.children = True, []
                    ref += label
                else:
                    ref.replace_self(label)
            elif kind == ("std", "ref") and not is_book:
                # A section of another chapter is not in this handout: "<section> in Chapter n (...)".
                doc, _, section = env.get_domain("std").labels.get(ref["reftarget"], ("", "", ""))
                if section and doc != env.docname and chapter_number(env, doc):
                    head = ([c.deepcopy() for c in ref.children] if ref.get("refexplicit")
                            else [nodes.emphasis(section, section)])
                    ref.replace_self(self.chapter_label(doc, head + [nodes.Text(" in ")]))


class PrintTranslator(LaTeXTranslator):
    """Per-document frame: handouts get a chapter title block instead of a title page."""

    def __init__(self, document, builder, theme) -> None:
        super().__init__(document, builder, theme)
        info, config = document.get("course_print", {}), builder.config
        edition = f"{info.get('edition', 'student').capitalize()} edition"
        # Figures and equations numbered per chapter: "Figure 3.1".
        self.elements["sphinxpkgoptions"] = re.sub(
            r"numfigreset=\d", "numfigreset=1", self.elements.get("sphinxpkgoptions", ""))
        if info and not info["book"]:
            # The chapter's title (H1) is the document title, set in the title block
            # (\coursehandout in courseprint.sty); its sections (H2) are numbered n.1, n.2, ...
            self.top_sectionlevel = self.sectionnames.index("section")
            values = (tex(config.html_title or config.project), info["chapter"], tex(info["title"]),
                      edition, config.course_site_url, tex(config.course_version))
            self.elements["preamble"] += "\n\\coursehandout{%s}{%s}{%s}{%s}{%s}{%s}\n" % values
            self.elements["maketitle"] = r"\coursehandouttitle"
            self.elements["tableofcontents"] = ""
        else:
            # Title page and running heads: "<Edition> edition, version 1.0.0, <date>".
            self.elements["releasename"] = edition + ","
            self.elements["release"] = f"version {config.course_version}"
            self.elements["author"] += r"\\[6pt]\small\url{%s}" % config.course_site_url

    def visit_literal_block(self, node) -> None:
        # Keep short listings on one page (longer ones may break: moving them would
        # leave half-empty pages).
        lines = node.astext().count("\n") + 1
        cell = node.parent
        while isinstance(cell, nodes.Element) and "cell" not in cell.get("classes", []):
            cell = cell.parent
        if isinstance(cell, nodes.Element) and "cell_input" in node.parent.get("classes", []):
            # a short printed output stays with its code
            shown = sum(b.astext().count("\n") + 3 for b in cell.findall(nodes.literal_block)
                        if b is not node)
            if lines + shown <= NEEDSPACE_MAX_LINES:
                lines += shown
        if lines <= NEEDSPACE_MAX_LINES:
            self.body.append("\n\\courseneedspace{%d\\baselineskip}" % (lines + 2))
        super().visit_literal_block(node)


def setup(app):
    # Used at write time only: changing them never re-reads the sources.
    app.add_config_value("course_edition", "student", "")
    app.add_config_value("course_site_url", "", "")
    app.add_config_value("course_version", course_version(), "")
    app.connect("config-inited", on_config_inited, priority=100)
    app.connect("builder-inited", on_builder_inited, priority=900)
    app.connect("env-updated", on_env_updated, priority=900)
    app.add_post_transform(PrintProfile)
    app.set_translator("latex", PrintTranslator, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
