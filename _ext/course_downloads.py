"""Download links: a chapter's notebooks and handouts in its page's download menu, and
the ``{course-downloads}`` list of everything (landing page, HTML only).

Notebooks and course-notebooks.zip are written by scripts/notebooks.py, the PDFs by
``make pdf``.  The theme's own download menu offers only the page's source file.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from course_print import chapters


def downloads(app, docname: str) -> list[tuple[str, str]]:
    """(label, path from the site root) of a chapter's downloads; [] for other pages."""
    text = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    if "kernelspec" not in text.split("\n---", 1)[0]:
        return []
    name = docname.split("/")[-1]
    practice = re.search(r"^(:tags:|tags:).*\bsolution\b", text, re.M)
    return [("notebook", f"notebooks/{name}.ipynb")] + (
        [("practice notebook", f"notebooks/{name}-practice.ipynb")] if practice else []) + [
        ("handout", f"pdf/{name}.pdf"), ("instructor handout", f"pdf/{name}-instructor.pdf")]


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


def on_doctree_resolved(app, doctree, docname):
    up = "../" * docname.count("/")
    for node in list(doctree.findall(course_downloads)):
        bullets = nodes.bullet_list(classes=["course-downloads"])
        items = [("The whole course", [
            ("book (PDF)", "pdf/book.pdf"), ("instructor edition (PDF)", "pdf/book-instructor.pdf"),
            ("all notebooks, offline (course-notebooks.zip)", "course-notebooks.zip")])]
        items += [(app.env.titles[doc].astext(), downloads(app, doc)) for doc in chapters(app.env)]
        for title, links in filter(lambda item: item[1], items):
            para = nodes.paragraph("", "", nodes.strong(text=title + ": "))
            for k, (label, path) in enumerate(links):
                para += nodes.Text(" · " if k else "")
                para += nodes.reference("", label, refuri=up + path, internal=False,
                                        classes=["course-download"])
            bullets += nodes.list_item("", para)
        node.replace_self(bullets)


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
