"""Per-chapter downloads: a plain .ipynb notebook and a PDF handout.

* For every notebook page (a MyST Markdown notebook with a kernelspec) the
  HTML builder writes ``_sources/<docname>.ipynb`` -- the chapter converted
  by jupytext, without outputs -- and the theme's download menu offers it
  (sphinx-book-theme shows a ".ipynb" entry when ``ipynb_source`` is set).
* The download menu also gets a "handout .pdf" entry pointing to
  ``pdf/<chapter>.pdf`` (built by ``make pdf``, see scripts/build_pdfs.py).
* The ``{course-downloads}`` directive (used on the landing page) renders
  the list of chapters with both links plus the whole-book PDF (in the PDF
  book: a sentence pointing to the website).
"""

from __future__ import annotations

from pathlib import Path

import jupytext
from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

PDF_DIR = "pdf"
BOOK_PDF = "book.pdf"


def handout_name(docname: str) -> str:
    """chapters/intro -> intro.pdf (the handout's file name)."""
    return docname.split("/")[-1] + ".pdf"


def notebook_path(docname: str) -> str:
    """chapters/intro -> _sources/chapters/intro.ipynb (relative to the site root)."""
    return f"_sources/{docname}.ipynb"


def is_notebook(app, docname: str) -> bool:
    meta = app.env.metadata.get(docname, {})
    if "kernelspec" in meta:
        return True
    src = Path(app.env.doc2path(docname))
    if src.suffix == ".ipynb":
        return True
    if src.suffix == ".md":
        head = src.read_text(encoding="utf-8")[:2000]
        return head.startswith("---") and "kernelspec" in head
    return False


def chapter_docnames(app) -> list[str]:
    """Notebook documents in table-of-contents order."""
    env = app.env
    ordered: list[str] = []

    def walk(doc: str) -> None:
        for child in env.toctree_includes.get(doc, []):
            if child not in ordered:
                ordered.append(child)
                walk(child)

    walk(app.config.root_doc)
    return [d for d in ordered if is_notebook(app, d)]


def write_notebook(app, docname: str) -> Path:
    src = Path(app.env.doc2path(docname))
    nb = jupytext.read(src)
    nb.metadata.pop("jupytext", None)
    nb.metadata.setdefault("language_info", {"name": "python"})
    out = Path(app.outdir) / notebook_path(docname)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = jupytext.writes(nb, fmt="ipynb")
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    return out


def on_page_context_early(app, pagename, templatename, context, doctree):
    """Before the theme builds its buttons: write the .ipynb, announce it."""
    if doctree is None or pagename not in app.env.found_docs:
        return
    if not is_notebook(app, pagename):
        return
    write_notebook(app, pagename)
    context["ipynb_source"] = pagename + ".ipynb"


def on_page_context_late(app, pagename, templatename, context, doctree):
    """After the theme built its buttons: add the handout PDF to the menu."""
    if doctree is None or pagename not in app.env.found_docs:
        return
    if not is_notebook(app, pagename):
        return
    pathto = context["pathto"]
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append(
                {
                    "type": "link",
                    "url": pathto(f"{PDF_DIR}/{handout_name(pagename)}", 1),
                    "text": "handout .pdf",
                    "tooltip": "Download this chapter as a PDF handout",
                    "icon": "fas fa-file-pdf",
                    "label": "download-handout-button",
                }
            )


def dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline <script> bodies.

    Extensions that call ``app.add_js_file(None, body=...)`` after the HTML
    builder was initialised (sphinx-thebe, sphinx-togglebutton) get their
    inline script emitted twice with Sphinx 7.4 (once with filename
    None, once with filename ''); a repeated
    ``const THEBE_JS_URL`` is then a SyntaxError in the browser console.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        if not hasattr(js, "attributes"):  # old-style plain string
            unique.append(js)
            continue
        key = (str(js.filename or ""),
               tuple(sorted((k, str(v)) for k, v in js.attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    context["script_files"] = unique


class course_downloads(nodes.General, nodes.Element):
    """Placeholder replaced at doctree-resolved."""


class CourseDownloadsDirective(SphinxDirective):
    has_content = False

    def run(self):
        return [course_downloads()]


def _link(text: str, uri: str) -> nodes.reference:
    return nodes.reference("", text, refuri=uri, internal=False, classes=["course-download"])


def on_doctree_resolved(app, doctree, docname):
    for node in list(doctree.findall(course_downloads)):
        if app.builder.format != "html":
            node.replace_self(nodes.paragraph(
                text="The notebooks and the PDF handouts are linked from every chapter "
                     "of the course website and from its landing page."))
            continue
        depth = docname.count("/")
        up = "../" * depth
        bullets = nodes.bullet_list(classes=["course-downloads"])
        item = nodes.list_item()
        para = nodes.paragraph()
        para += nodes.strong(text="The whole book: ")
        para += _link("book PDF", f"{up}{PDF_DIR}/{BOOK_PDF}")
        item += para
        bullets += item
        for chapter in chapter_docnames(app):
            title = app.env.titles.get(chapter)
            item = nodes.list_item()
            para = nodes.paragraph()
            para += nodes.Text((title.astext() if title else chapter) + " — ")
            para += _link("notebook (.ipynb)", up + notebook_path(chapter))
            para += nodes.Text(" · ")
            para += _link("handout (PDF)", f"{up}{PDF_DIR}/{handout_name(chapter)}")
            item += para
            bullets += item
        node.replace_self(bullets)


def on_env_get_outdated(app, env, added, changed, removed):
    # The landing page lists every chapter: rebuild it when chapters change.
    if added or changed or removed:
        return [app.config.root_doc]
    return []


def setup(app):
    app.add_node(course_downloads)
    app.add_directive("course-downloads", CourseDownloadsDirective)
    app.connect("html-page-context", on_page_context_early, priority=400)
    app.connect("html-page-context", on_page_context_late, priority=600)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("env-get-outdated", on_env_get_outdated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
