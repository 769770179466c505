"""Explorable figures: sliders and draggable points on the web page, no kernel.

In a chapter: ``:::{explorable} huber-delta`` with a one-sentence ``:caption:``; the
argument names one of :data:`BUILDERS`.  Sphinx and Jupyter Book have no interactive
figure that works without a running kernel, hence this directive.  At read time it
computes the figure's data (``coursekit.explorables``, with ``lossfuncs``) and embeds it
as JSON; ``explorables.js`` (a classic script, so pages opened from disk work too) only
draws it, and evaluates the formulas itself where the reader drags freely.
tests/test_explorables.py checks every figure against ``lossfuncs`` in a browser.
In LaTeX the node is dropped (the chapter's static figure stands in); any other writer
gets a paragraph linking to the figure on the web page (``explorables_site_url``,
default ``html_baseurl``).  The script and its style are loaded on every page
(``html_js_files``, ``html_css_files`` in _config.yml).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from coursekit.explorables import BUILDERS  # the figures' data, computed with lossfuncs

STATIC = Path(__file__).resolve().parent / "explorables_static"

# ---------------------------------------------------------------- directive and node


class explorable(nodes.General, nodes.Element):
    """An explorable figure; its children are the caption's inline nodes."""


class ExplorableDirective(SphinxDirective):
    required_arguments = 1
    has_content = False
    option_spec = {"caption": directives.unchanged_required}

    def run(self):
        name = self.arguments[0].strip()
        if name not in BUILDERS:
            raise self.error(f"unknown explorable {name!r}; known: {', '.join(sorted(BUILDERS))}")
        caption = self.options.get("caption", "").strip()
        if not caption:
            raise self.error(f"explorable {name!r}: a one-sentence :caption: is required")
        builder, description = BUILDERS[name]
        data = builder()
        node = explorable(name=name, data=json.dumps(data, separators=(",", ":"),
                                                     allow_nan=False),
                          description=description)
        self.set_source_info(node)
        inline, messages = self.state.inline_text(caption, self.lineno)
        node += inline
        return [node, *messages]


def _anchor(name: str) -> str:
    return f"explorable-{name}"


def visit_explorable_html(self, node):
    name = node["name"]
    data = node["data"].replace("</", "<\\/")
    self.body.append(
        f'<figure class="explorable" id="{_anchor(name)}" data-explorable="{html.escape(name)}">'
        f'<script type="application/json" class="explorable-data">{data}</script>'
        f'<div class="explorable-app" aria-live="off"></div>'
        f'<noscript><p>This interactive figure needs JavaScript; the static figure '
        f'above shows the same idea.</p></noscript>'
        f'<figcaption class="explorable-caption">'
    )


def depart_explorable_html(self, node):
    self.body.append("</figcaption></figure>\n")


def on_doctree_resolved(app, doctree, docname):
    if app.builder.format == "html":
        return
    base = (app.config.explorables_site_url or app.config.html_baseurl or "").rstrip("/")
    for node in list(doctree.findall(explorable)):
        if app.builder.format == "latex":
            node.parent.remove(node)  # the chapter's static figure stands in
            continue
        url = f"{base + '/' if base else ''}{docname}.html#{_anchor(node['name'])}"
        text = node["description"]
        para = nodes.paragraph("", "", nodes.strong(text="Interactive figure:"),
                               nodes.Text(f" {text[0].upper()}{text[1:]}, on this chapter's web page: "),
                               nodes.reference("", url, refuri=url, internal=False),
                               nodes.Text("."), classes=["explorable-link"])
        node.replace_self(para)


def fingerprint() -> str:
    """Hash of this extension and its script and style: the extension's ``env_version``,
    so that an edit to them rebuilds every page (Sphinx copies static files only in a
    build that writes a page)."""
    import hashlib

    h = hashlib.sha256()
    for path in [Path(__file__), *sorted(STATIC.iterdir())]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def setup(app):
    app.add_config_value("explorables_site_url", "", "env")
    # Outside HTML the node is replaced at doctree-resolved.
    app.add_node(explorable, html=(visit_explorable_html, depart_explorable_html))
    app.add_directive("explorable", ExplorableDirective)
    app.connect("config-inited", lambda app, config: config.html_static_path.append(str(STATIC)))
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"version": "1.0", "env_version": fingerprint(),
            "parallel_read_safe": True, "parallel_write_safe": True}
