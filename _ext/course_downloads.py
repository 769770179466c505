"""Download links: a menu on every chapter page and the ``{course-downloads}`` list.

Chapter pages offer, in the theme's download menu, ``notebooks/<chapter>.ipynb``,
``notebooks/<chapter>-practice.ipynb`` (chapters with exercise solutions), the
handout ``pdf/<chapter>.pdf`` and the instructor handout ``pdf/<chapter>-instructor.pdf``.
The directive (landing page) lists the whole-book PDFs, course-notebooks.zip and
every chapter's downloads.  Notebooks and the zip are written by scripts/notebooks.py,
the PDFs by ``make pdf``.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

SOLUTION_TAG = re.compile(r"^(:tags:|tags:).*\bsolution\b", re.M)


def downloads(app, docname: str) -> list[tuple[str, str]]:
    """(label, path from the site root) of a chapter's downloads; [] for other pages."""
    source = Path(app.env.doc2path(docname))
    text = source.read_text(encoding="utf-8") if source.suffix == ".md" else ""
    if not (text.startswith("---") and "kernelspec" in text.split("\n---", 1)[0]):
        return []
    name = docname.split("/")[-1]
    found = [("notebook", f"notebooks/{name}.ipynb")]
    if SOLUTION_TAG.search(text):
        found.append(("practice notebook", f"notebooks/{name}-practice.ipynb"))
    return found + [("handout", f"pdf/{name}.pdf"),
                    ("instructor handout", f"pdf/{name}-instructor.pdf")]


def add_menu_entries(app, pagename, templatename, context, doctree):
    """After the theme built its buttons: add this chapter's downloads to its menu."""
    if doctree is None or pagename not in app.env.found_docs:
        return
    entries = [{"type": "link", "url": context["pathto"](path, 1), "text": label,
                "tooltip": f"Download the {label}", "label": f"download-{label.replace(' ', '-')}",
                "icon": "fas fa-file-pdf" if path.endswith(".pdf") else "fas fa-code"}
               for label, path in downloads(app, pagename)]
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].extend(entries)


def dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline <script> bodies (a repeated ``const THEBE_JS_URL`` is a SyntaxError).

    Works around the Sphinx bug fixed by sphinx-doc/sphinx#13402 (merged 2025-03, after
    7.4): an inline script added by an extension (sphinx-thebe, sphinx-togglebutton) is
    emitted twice.  Remove once the ``sphinx==7.4.7`` pin that jupyter-book 1.x needs
    (requirements.txt) is lifted.
    """
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (str(getattr(js, "filename", js) or ""),
               tuple(sorted((k, str(v)) for k, v in getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


class course_downloads(nodes.General, nodes.Element):
    """Placeholder, replaced at doctree-resolved."""


class CourseDownloadsDirective(SphinxDirective):
    def run(self):
        return [course_downloads()]


def _item(parent, title: str, links: list[tuple[str, str]], up: str) -> None:
    para = nodes.paragraph()
    para += nodes.strong(text=title + ": ")
    for k, (label, path) in enumerate(links):
        para += nodes.Text(" · " if k else "")
        para += nodes.reference("", label, refuri=up + path, internal=False,
                                classes=["course-download"])
    parent += nodes.list_item("", para)


def on_doctree_resolved(app, doctree, docname):
    for node in list(doctree.findall(course_downloads)):
        if app.builder.format != "html":
            node.replace_self(nodes.paragraph(
                text="The notebooks, the offline notebook bundle and the PDF handouts are "
                     "linked from every chapter of the course website and from its landing page."))
            continue
        up = "../" * docname.count("/")
        bullets = nodes.bullet_list(classes=["course-downloads"])
        _item(bullets, "The whole course", [
            ("book (PDF)", "pdf/book.pdf"), ("instructor edition (PDF)", "pdf/book-instructor.pdf"),
            ("all notebooks, offline (course-notebooks.zip)", "course-notebooks.zip")], up)
        for doc in _toc_order(app):
            links = downloads(app, doc)
            if links:
                title = app.env.titles.get(doc)
                _item(bullets, title.astext() if title else doc, links, up)
        node.replace_self(bullets)


def _toc_order(app) -> list[str]:
    ordered: list[str] = []

    def walk(doc: str) -> None:
        for child in app.env.toctree_includes.get(doc, []):
            if child not in ordered:
                ordered.append(child)
                walk(child)

    walk(app.config.root_doc)
    return ordered


def on_env_get_outdated(app, env, added, changed, removed):
    return [app.config.root_doc] if added or changed or removed else []  # it lists every chapter


def setup(app):
    app.add_node(course_downloads)
    app.add_directive("course-downloads", CourseDownloadsDirective)
    app.connect("html-page-context", add_menu_entries, priority=600)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("env-get-outdated", on_env_get_outdated)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
