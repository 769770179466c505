"""Explorable figures: sliders and draggable points on the web page, no kernel.

In a chapter: ``:::{explorable} huber-delta`` with a one-sentence ``:caption:``; the
argument names one of :data:`BUILDERS`.  Sphinx and Jupyter Book have no interactive
figure that works without a running kernel, hence this directive.  At read time it
computes the figure's data with ``lossfuncs`` (for every position of every control with
a finite set of positions, the values the page shows) and embeds it as JSON;
``explorables.js`` (a classic script, so pages opened from disk work too) only draws it,
and evaluates the formulas itself where the reader drags freely (the outlier figure).
tests/test_explorables.py checks every figure against ``lossfuncs`` in a browser.
In LaTeX the node is dropped (the chapter's static figure stands in); any other writer
gets a paragraph linking to the figure on the web page (``explorables_site_url``,
default ``html_baseurl``).  The script and its style are loaded on every page
(``html_js_files``, ``html_css_files`` in _config.yml).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "explorables_static"

#: Significant digits of the embedded numbers (far beyond the 1e-6 the test asks).
DIGITS = 12
#: Curves that are only drawn (never read out) are stored more coarsely.
DRAW_DIGITS = 5


def _round(values, digits=DIGITS):
    """Nested lists of floats rounded to ``digits`` significant digits (compact JSON)."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        v = float(arr)
        return float(f"{v:.{digits}g}") if math.isfinite(v) else None
    return [_round(a, digits) for a in arr]


def _drawn(values, floor=1e-6):
    """A drawn curve: 5 significant digits, values below ``floor`` x max set to 0."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    arr = np.where(np.abs(arr) < floor * np.abs(arr).max(), 0.0, arr)
    return _round(arr, DRAW_DIGITS)


def _per_sample(loss, x, y_true=None, **params):
    """Values and gradients of ``loss`` at each entry of ``x``, one sample each.

    ``x`` is the prediction (residual with target 0, or margin with label +1).
    Each sample has a single entry, so the per-sample mean is the value itself
    and ``.grad`` is the derivative.
    """
    import numpy as np

    x = np.asarray(x, dtype=float)[:, None]
    t = np.zeros_like(x) if y_true is None else np.full_like(x, y_true)
    return np.asarray(loss(t, x, **params)), np.asarray(loss.grad(t, x, **params))[:, 0]


# ---------------------------------------------------------------- the figures


def huber_delta() -> dict:
    """Huber loss and gradient for each threshold delta, with MSE/2 and delta*MAE."""
    import numpy as np

    import lossfuncs as lf

    r = np.round(np.linspace(-4, 4, 161), 10)           # residual grid, step 0.05
    deltas = [0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]
    loss, grad = zip(*(_per_sample(lf.huber, r, delta=d) for d in deltas))
    mse, mse_grad = _per_sample(lf.mse, r)
    mae, mae_grad = _per_sample(lf.mae, r)
    return {
        "r": _round(r), "deltas": deltas, "probe_every": 5, "probe_start": 110,
        "delta_start": deltas.index(1.0),
        "huber": _round(loss), "huber_grad": _round(grad),
        "half_mse": _round(mse / 2), "half_mse_grad": _round(mse_grad / 2),
        "mae": _round(mae), "mae_grad": _round(mae_grad),
    }


def outliers_fit() -> dict:
    """Points near y = 2x + 1 (seeded), two of which the reader pushes away."""
    import numpy as np

    rng = np.random.default_rng(3)
    x = np.linspace(0.5, 9.5, 16)
    y = 2 * x + 1 + 0.5 * rng.normal(size=x.size)
    return {
        "x": _round(x), "y": _round(y), "outliers": [11, 14],
        "shift": {"min": 0, "max": 50, "step": 1, "start": 30},
        "deltas": [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0], "delta_start": 2,
        "xlim": [0, 10], "ylim": [-5, 70], "drag_step": 0.5,
    }


def margin_losses() -> dict:
    """0-1, hinge, logistic and exponential loss and their gradients against the margin."""
    import numpy as np

    import lossfuncs as lf

    m = np.round(np.linspace(-2, 3, 101), 10)            # margin grid, step 0.05
    out = {"m": _round(m), "start": int(np.argmin(np.abs(m - 0.5))),
           "zero_one": _round((m <= 0).astype(float))}
    for key, loss in (("hinge", lf.hinge), ("logistic", lf.logistic_loss),
                      ("exponential", lf.exponential_loss)):
        value, grad = _per_sample(loss, m, y_true=1.0)
        out[key], out[key + "_grad"] = _round(value), _round(grad)
    return out


def softmax_temperature() -> dict:
    """Softmax of z/T, cross-entropy and its gradient for each (true class, T, s)."""
    import numpy as np

    import lossfuncs as lf

    z = np.array([3.0, 1.0, 0.2])
    temps = [0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0]
    smooth = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]
    C = z.size
    u = z[None, :] / np.array(temps)[:, None]               # scaled logits, (T, C)
    q = np.exp(u - u.max(axis=1, keepdims=True))
    q /= q.sum(axis=1, keepdims=True)
    ce, grad, target, floor = [], [], [], []
    for k in range(C):
        onehot = np.tile(np.eye(C)[k], (len(temps), 1))
        ce_k, grad_k, target_k, floor_k = [], [], [], []
        for s in smooth:
            ce_k.append(lf.categorical_crossentropy(onehot, u, from_logits=True, label_smoothing=s))
            grad_k.append(lf.categorical_crossentropy.grad(onehot, u, from_logits=True,
                                                           label_smoothing=s))
            smoothed = np.eye(C)[k] * (1 - s) + s / C
            target_k.append(smoothed)
            floor_k.append(float(lf.entropy(smoothed)))
        ce.append(ce_k), grad.append(grad_k), target.append(target_k), floor.append(floor_k)
    return {
        "z": z.tolist(), "temps": temps, "smoothing": smooth,
        "temp_start": temps.index(1.0), "smooth_start": 0, "class_start": 0,
        "q": _round(q),                       # [T][c]
        "ce": _round(ce),                     # [k][s][T]
        "grad": _round(grad),                 # [k][s][T][c]
        "target": _round(target),             # [k][s][c]
        "floor": _round(floor),               # [k][s]
    }


def kl_forward_reverse() -> dict:
    """Best single Gaussian for a two-mode p under D(p||q) and D(q||p), per separation."""
    import numpy as np

    import lossfuncs as lf

    grid = {"x": [-6.0, 6.0, 121], "means": [-4.0, 4.0, 81], "sds": [0.3, 4.0, 75],
            "mode_sd": 0.7}
    x = np.linspace(*grid["x"][:2], grid["x"][2])
    means = np.linspace(*grid["means"][:2], grid["means"][2])
    sds = np.linspace(*grid["sds"][:2], grid["sds"][2])

    def normal(mean, sd):
        d = np.exp(-0.5 * ((x - mean) / sd) ** 2)
        return d / d.sum(axis=-1, keepdims=True)

    M, S = np.meshgrid(means, sds, indexing="ij")
    candidates = normal(M[..., None], S[..., None])                 # (81, 75, 121)
    seps = [round(0.5 * i, 1) for i in range(13)]
    curves, values = [], []
    for sep in seps:
        p = 0.5 * normal(-sep / 2, grid["mode_sd"]) + 0.5 * normal(sep / 2, grid["mode_sd"])
        P = np.broadcast_to(p, candidates.shape)
        row, curve = {}, {"p": _drawn(p)}
        for key, div in (("forward", lf.kl_divergence(P, candidates)),
                         ("reverse", lf.kl_divergence(candidates, P))):
            i, j = np.unravel_index(np.argmin(div), div.shape)
            q = candidates[i, j]
            curve[key] = _drawn(q)
            row[key] = {
                "mean": float(means[i]), "sd": float(sds[j]),
                "kl_pq": _round(lf.kl_divergence(p, q)), "kl_qp": _round(lf.kl_divergence(q, p)),
            }
        curves.append(curve)
        values.append(row)
    return {"grid": grid, "separations": seps, "start": seps.index(5.0),
            "curves": curves, "values": values}


#: name -> (builder, one-line description used in the non-HTML paragraph)
BUILDERS = {
    "huber-delta": (huber_delta, "Huber loss and its gradient as the threshold δ varies"),
    "outliers-fit": (outliers_fit, "lines fitted by MSE, MAE and Huber to points with movable outliers"),
    "margin-losses": (margin_losses, "0-1, hinge, logistic and exponential losses at a movable margin"),
    "softmax-temperature": (softmax_temperature,
                            "softmax with temperature, cross-entropy, its gradient and label smoothing"),
    "kl-forward-reverse": (kl_forward_reverse,
                           "the Gaussians closest to a two-mode distribution under forward and reverse KL"),
}


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
