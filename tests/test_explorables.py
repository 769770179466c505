"""The explorable figures of the built site, driven in a real browser.

Each figure (an ``{explorable}`` directive, see _ext/explorables.py) is loaded
in Debian's Chromium through Playwright, from the site in _build/html served
on 127.0.0.1 with every request to another host aborted.  Every control is
moved with the keyboard (Home, arrow keys, End: at least three positions, and
combinations of controls), then the values the figure shows are read from
the page -- each readout is an ``<output data-key=... data-value=...>`` with
the full-precision number behind the rounded text -- and compared with
``lossfuncs`` (and NumPy/SciPy for the fits) computed here, at the settings
the page reports.  Agreement: relative difference at most 1e-6 (numbers that
are zero up to 1e-12 compare absolutely).  No console error, no uncaught
exception, no request to another host.  Besides: light and dark mode give
readable contrast, figure text is at least the body size, captions exist,
and a page opened from disk (file://) runs its figures.  Outside the web page
(a throwaway Sphinx project): the LaTeX output has no trace of the figure, and
other writers get one paragraph with the link to the web page.

Run after `make book` (as `make test` does).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from urllib.parse import urljoin

import numpy as np
import pytest

import lossfuncs as lf

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
from scripts.testsupport import browser, server, skip_or_fail  # noqa: F401 (fixtures)

RTOL = 1e-6
ATOL = 1e-12

#: explorable -> the chapter page that holds it
PAGES = {
    "huber-delta": "chapters/huber.html",
    "outliers-fit": "chapters/huber.html",
    "margin-losses": "chapters/hinge.html",
    "softmax-temperature": "chapters/categorical_crossentropy.html",
    "kl-forward-reverse": "chapters/kl_divergence.html",
}

class Figure:
    """One explorable figure in an open page, with the page's error log."""

    def __init__(self, page, name, outside, errors):
        self.page, self.name, self.outside, self.errors = page, name, outside, errors
        self.sel = f"#explorable-{name}"
        page.wait_for_selector(f"{self.sel}[data-ready='true']", timeout=15000)
        self.data = json.loads(page.text_content(f"{self.sel} script.explorable-data"))

    def press(self, control: str, *keys: str) -> None:
        """Focus a control (by its data-control) and press keys on it."""
        loc = self.page.locator(f"{self.sel} input[data-control='{control}']").first
        loc.focus()
        for key in keys:
            self.page.keyboard.press(key)

    def slider(self, control: str, position: str | int) -> None:
        """Move a slider: 'start', 'end' or an index, by keyboard."""
        if position == "start":
            self.press(control, "Home")
        elif position == "end":
            self.press(control, "End")
        else:
            self.press(control, "Home", *["ArrowRight"] * int(position))

    def values(self) -> dict:
        raw = self.page.eval_on_selector_all(
            f"{self.sel} output[data-key]",
            "els => Object.fromEntries(els.map(e => [e.dataset.key, e.dataset.value]))")
        out = {}
        for key, text in raw.items():
            assert text is not None, f"{self.name}: output {key!r} has no data-value"
            out[key] = json.loads(text) if text.startswith("{") else float(text)
        return out

    def check_clean(self) -> None:
        assert not self.outside, f"{self.name}: requests leaving the site: {self.outside}"
        assert not self.errors, f"{self.name}: " + "\n".join(self.errors)


@pytest.fixture
def open_figure(browser, server):
    pages = []

    def opener(name: str) -> Figure:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        pages.append(page)
        outside: list[str] = []
        errors: list[str] = []

        def route(r):
            url = r.request.url
            if url.startswith(server) or url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                outside.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: errors.append(f"failed request: {r.url}")
                if r.url.startswith(server) else None)
        response = page.goto(urljoin(server, PAGES[name]), wait_until="load")
        assert response is not None and response.ok, f"{PAGES[name]}: HTTP {response and response.status}"
        return Figure(page, name, outside, errors)

    yield opener
    for page in pages:
        page.close()


def close(shown: float, expected: float, what: str) -> None:
    expected = float(expected)
    diff = abs(shown - expected)
    ok = diff <= RTOL * max(abs(shown), abs(expected)) or max(abs(shown), abs(expected)) <= ATOL
    assert ok, f"{what}: page shows {shown!r}, lossfuncs gives {expected!r} (diff {diff:.3g})"


def one(loss, y_true, y_pred, **params):
    """Loss and gradient of a single sample with a single entry."""
    t, p = np.array([[float(y_true)]]), np.array([[float(y_pred)]])
    return float(loss(t, p, **params)[0]), float(loss.grad(t, p, **params)[0, 0])


def test_site_has_explorables():
    if not (SITE / "index.html").exists():
        skip_or_fail("the site is not built: run `make book` first")
    for name, page in PAGES.items():
        html = (SITE / page).read_text(encoding="utf-8")
        assert f'id="explorable-{name}"' in html, f"{page}: no explorable {name!r}"
        assert "_static/explorables.js" in html and "_static/explorables.css" in html, page
    for asset in ("explorables.js", "explorables.css"):
        assert (SITE / "_static" / asset).exists(), asset
    # the script is a classic one (works from file://) and never touches the network
    js = (SITE / "_static" / "explorables.js").read_text(encoding="utf-8")
    for word in ("import ", "export ", "fetch(", "XMLHttpRequest", "http://", "https://"):
        assert word not in js.replace("http://www.w3.org/2000/svg", ""), word


# ---------------------------------------------------------------- 1. Huber's delta


def test_huber_delta(open_figure):
    fig = open_figure("huber-delta")
    deltas = fig.data["deltas"]
    seen = set()
    for dpos in ("start", 4, "end"):
        fig.slider("delta", dpos)
        for rpos in ("start", 13, "end"):
            fig.slider("r", rpos)
            v = fig.values()
            d, r = v["delta"], v["r"]
            seen.add((d, r))
            loss, grad = one(lf.huber, 0.0, r, delta=d)
            close(v["huber"], loss, f"Huber loss at r={r}, δ={d}")
            close(v["huber_grad"], grad, f"Huber gradient at r={r}, δ={d}")
            mse, mse_grad = one(lf.mse, 0.0, r)
            close(v["half_mse"], mse / 2, f"MSE/2 at r={r}")
            close(v["half_mse_grad"], mse_grad / 2, f"MSE/2 gradient at r={r}")
            mae, mae_grad = one(lf.mae, 0.0, r)
            close(v["delta_mae"], d * mae, f"δ·MAE at r={r}, δ={d}")
            close(v["delta_mae_grad"], d * mae_grad, f"δ·MAE gradient at r={r}, δ={d}")
    ds = sorted({d for d, _ in seen})
    rs = sorted({r for _, r in seen})
    assert ds == [deltas[0], deltas[4], deltas[-1]], ds
    assert len(rs) == 3 and rs[0] == -4 and rs[-1] == 4, rs
    fig.check_clean()


# ---------------------------------------------------------------- 2. outliers pull the fit


def _best_mae(x, y):
    """Least absolute deviations by enumeration (an optimal line passes through two points)."""
    i, j = np.triu_indices(x.size, 1)
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    w = (y[j] - y[i]) / (x[j] - x[i])
    b = y[i] - w * x[i]
    pred = w[:, None] * x[None, :] + b[:, None]
    return float(lf.mae(np.broadcast_to(y, pred.shape), pred).min())


def _best_huber(x, y, delta, starts):
    """Least Huber loss by L-BFGS with lf.huber and its exact gradient, from several starts."""
    from scipy.optimize import minimize

    def objective(theta):
        pred = (theta[0] * x + theta[1])[None, :]
        g = lf.huber.grad(y[None, :], pred, delta=delta)[0]
        return float(lf.huber(y[None, :], pred, delta=delta)[0]), np.array([g @ x, g.sum()])

    best = math.inf
    for start in starts:
        res = minimize(objective, np.asarray(start, float), jac=True, method="L-BFGS-B",
                       options={"ftol": 1e-15, "gtol": 1e-13, "maxiter": 10000})
        best = min(best, float(res.fun))
    return best


def check_fits(v, what):
    pts = v["points"]
    x, y, d = np.array(pts["x"]), np.array(pts["y"]), float(pts["delta"])
    # MSE: the least squares line, unique
    w, b = np.polyfit(x, y, 1)
    close(v["mse_w"], w, f"{what}: MSE slope")
    close(v["mse_b"], b, f"{what}: MSE intercept")
    for key, loss, params in (("mse", lf.mse, {}), ("mae", lf.mae, {}), ("huber", lf.huber, {"delta": d})):
        line = v[f"{key}_w"] * x + v[f"{key}_b"]
        close(v[f"{key}_loss"], float(loss(y, line, **params)), f"{what}: {key} loss of the shown line")
    close(v["mse_loss"], float(lf.mse(y, w * x + b)), f"{what}: least MSE")
    close(v["mae_loss"], _best_mae(x, y), f"{what}: least MAE")
    best = _best_huber(x, y, d, [(w, b), (v["huber_w"], v["huber_b"])])
    close(v["huber_loss"], best, f"{what}: least Huber loss (δ={d})")
    return x, y


def test_outliers_fit(open_figure):
    fig = open_figure("outliers-fit")
    base = np.array(fig.data["y"])
    outliers = fig.data["outliers"]
    shifts = set()
    for spos in ("start", 25, "end"):
        fig.slider("shift", spos)
        for dpos in ("start", 3, "end"):
            fig.slider("delta", dpos)
            v = fig.values()
            x, y = check_fits(v, f"shift {v['shift']}, δ {v['delta']}")
            assert v["points"]["delta"] == v["delta"]
            np.testing.assert_allclose(y[outliers] - base[outliers], v["shift"], rtol=0, atol=1e-9)
            others = [i for i in range(y.size) if i not in outliers]
            np.testing.assert_allclose(y[others], base[others], rtol=0, atol=0)
            shifts.add(v["shift"])
    assert sorted(shifts) == [fig.data["shift"]["min"], 25, fig.data["shift"]["max"]]

    # the middle setting: outliers pull MSE, not MAE and Huber
    fig.slider("shift", 30)
    fig.slider("delta", fig.data["delta_start"])
    v = fig.values()
    assert v["mse_b"] < v["huber_b"] - 2 or v["mse_w"] > v["huber_w"] + 0.5
    assert abs(v["huber_w"] - 2) < 0.3 and abs(v["mae_w"] - 2) < 0.3

    # points: keyboard (focus a point, arrow keys) and mouse (drag an outlier)
    point = fig.page.locator(f"{fig.sel} circle.xp-point[data-index='3']")
    point.focus()
    for _ in range(4):
        fig.page.keyboard.press("ArrowUp")
    fig.page.keyboard.press("PageDown")
    v = fig.values()
    step = fig.data["drag_step"]
    close(v["points"]["y"][3], base[3] + 4 * step - 10 * step, "point 3 after the arrow keys")
    check_fits(v, "after moving point 3")

    before = fig.values()["points"]["y"][outliers[0]]
    box = fig.page.locator(f"{fig.sel} circle.xp-point[data-index='{outliers[0]}']").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    fig.page.mouse.move(cx, cy)
    fig.page.mouse.down()
    fig.page.mouse.move(cx, cy + 60, steps=5)
    fig.page.mouse.up()
    v = fig.values()
    assert v["points"]["y"][outliers[0]] < before - 5, "dragging the outlier down did not move it"
    check_fits(v, "after dragging an outlier")
    fig.check_clean()


# ---------------------------------------------------------------- 3. margin losses


def test_margin_losses(open_figure):
    fig = open_figure("margin-losses")
    seen = []
    for keys in (["Home"], ["Home"] + ["ArrowRight"] * 40, ["Home"] + ["ArrowRight"] * 60,
                 ["End"], ["End", "ArrowLeft", "ArrowLeft"]):
        fig.press("margin", *keys)
        v = fig.values()
        m = v["margin"]
        seen.append(m)
        close(v["zero_one"], float(m <= 0), f"0-1 loss at m={m}")
        for key, loss in (("hinge", lf.hinge), ("logistic", lf.logistic_loss),
                          ("exponential", lf.exponential_loss)):
            value, grad = one(loss, 1.0, m)
            close(v[key], value, f"{key} at m={m}")
            close(v[key + "_grad"], grad, f"{key} gradient at m={m}")
    assert seen[0] == -2 and seen[3] == 3 and len(set(seen)) == 5, seen
    fig.check_clean()


# ---------------------------------------------------------------- 4. softmax, temperature, smoothing


def test_softmax_temperature(open_figure):
    fig = open_figure("softmax-temperature")
    z = np.array(fig.data["z"])
    C = z.size
    radio = fig.page.locator(f"{fig.sel} input[data-control='class']")
    settings = set()
    for k in range(C):
        if k == 0:
            radio.nth(0).focus()
            fig.page.keyboard.press("Space")
        else:
            radio.nth(k - 1).focus()                   # the radio group: next class
            fig.page.keyboard.press("ArrowRight")
        assert radio.nth(k).is_checked()
        for tpos in ("start", 6, "end"):
            fig.slider("temperature", tpos)
            for spos in ("start", 2, "end"):
                fig.slider("smoothing", spos)
                v = fig.values()
                T, s = v["temperature"], v["smoothing"]
                assert int(v["class"]) == k
                settings.add((k, T, s))
                u = (z / T)[None, :]
                onehot = np.eye(C)[k][None, :]
                e = np.exp(u - u.max())
                q = (e / e.sum())[0]
                p = np.eye(C)[k] * (1 - s) + s / C
                ce = float(lf.categorical_crossentropy(onehot, u, from_logits=True, label_smoothing=s)[0])
                grad = lf.categorical_crossentropy.grad(onehot, u, from_logits=True, label_smoothing=s)[0]
                what = f"class {k + 1}, T={T}, s={s}"
                for c in range(C):
                    close(v[f"q{c}"], q[c], f"{what}: q{c + 1}")
                    close(v[f"p{c}"], p[c], f"{what}: p{c + 1}")
                    close(v[f"grad{c}"], grad[c], f"{what}: gradient {c + 1}")
                    close(v[f"grad{c}"], q[c] - p[c], f"{what}: gradient {c + 1} = q - p")
                close(v["ce"], ce, f"{what}: cross-entropy")
                close(v["floor"], float(lf.entropy(p)), f"{what}: floor H(p)")
                assert v["ce"] >= v["floor"] - 1e-12
    temps, smooth = fig.data["temps"], fig.data["smoothing"]
    assert {t for _, t, _ in settings} == {temps[0], temps[6], temps[-1]}
    assert {s for _, _, s in settings} == {smooth[0], smooth[2], smooth[-1]}
    fig.check_clean()


# ---------------------------------------------------------------- 5. KL forward vs reverse


def test_kl_forward_reverse(open_figure):
    fig = open_figure("kl-forward-reverse")
    g = fig.data["grid"]
    x = np.linspace(g["x"][0], g["x"][1], g["x"][2])
    means = np.linspace(g["means"][0], g["means"][1], g["means"][2])
    sds = np.linspace(g["sds"][0], g["sds"][1], g["sds"][2])

    def normal(mean, sd):
        d = np.exp(-0.5 * ((x - mean) / sd) ** 2)
        return d / d.sum(axis=-1, keepdims=True)

    M, S = np.meshgrid(means, sds, indexing="ij")
    candidates = normal(M[..., None], S[..., None])
    seen = []
    for keys in (["Home"], ["Home"] + ["ArrowRight"] * 4, ["End", "ArrowLeft", "ArrowLeft"], ["End"]):
        fig.press("separation", *keys)
        v = fig.values()
        sep = v["separation"]
        seen.append(sep)
        p = 0.5 * normal(-sep / 2, g["mode_sd"]) + 0.5 * normal(sep / 2, g["mode_sd"])
        P = np.broadcast_to(p, candidates.shape)
        for key, div in (("forward", lf.kl_divergence(P, candidates)),
                         ("reverse", lf.kl_divergence(candidates, P))):
            what = f"separation {sep}, {key} KL"
            i, j = np.unravel_index(np.argmin(div), div.shape)
            # reverse KL has two mirror-image optima: compare |mean|
            close(abs(v[f"{key}_mean"]), abs(means[i]), f"{what}: mean of the best q")
            close(v[f"{key}_sd"], sds[j], f"{what}: sd of the best q")
            q = normal(v[f"{key}_mean"], v[f"{key}_sd"])
            close(v[f"{key}_kl_pq"], float(lf.kl_divergence(p, q)), f"{what}: D(p||q)")
            close(v[f"{key}_kl_qp"], float(lf.kl_divergence(q, p)), f"{what}: D(q||p)")
            close(v[f"{key}_kl_pq" if key == "forward" else f"{key}_kl_qp"], float(div.min()),
                  f"{what}: the minimum over the grid")
    seps = fig.data["separations"]
    assert seen == [seps[0], seps[4], seps[-3], seps[-1]], seen
    # at the largest separation: forward covers both modes, reverse sits on one
    assert v["forward_sd"] > 2.5 and abs(v["forward_mean"]) < 0.1
    assert abs(abs(v["reverse_mean"]) - seps[-1] / 2) < 0.1 and v["reverse_sd"] < 1
    fig.check_clean()


# ---------------------------------------------------------------- presentation


CONTRAST = """
sel => {
  function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m; }
  function lum(c) {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function ratio(a, b) { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
  function background(el) {
    for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; }
    return [255, 255, 255];
  }
  const fig = document.querySelector(sel);
  const bg = background(fig.parentElement);
  const text = rgb(getComputedStyle(fig.querySelector('.xp-readouts td output')).color);
  const lines = [...fig.querySelectorAll('path.xp-line')].map(p => ratio(rgb(getComputedStyle(p).stroke), bg));
  const tick = fig.querySelector('svg text');
  const body = document.querySelector('article p') || document.querySelector('main p');
  const caption = rgb(getComputedStyle(fig.querySelector('figcaption')).color);
  return {text: Math.min(ratio(text, bg), ratio(caption, bg)), lines,
          tickSize: parseFloat(getComputedStyle(tick).fontSize),
          outputSize: parseFloat(getComputedStyle(fig.querySelector('.xp-readouts output')).fontSize),
          bodySize: parseFloat(getComputedStyle(body).fontSize),
          caption: (fig.querySelector('figcaption') || {}).textContent || ''};
}
"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_readable(open_figure, theme):
    """Text contrast >= 4.5, curves >= 3 against the page, text at least body size, a caption."""
    for name in PAGES:
        fig = open_figure(name)
        fig.page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        fig.page.wait_for_timeout(100)
        r = fig.page.evaluate(CONTRAST, fig.sel)
        assert r["text"] >= 4.5, f"{name} ({theme}): text contrast {r['text']:.2f}"
        assert r["lines"] and min(r["lines"]) >= 3, f"{name} ({theme}): curve contrast {r['lines']}"
        assert r["tickSize"] >= r["bodySize"] - 0.01, f"{name}: axis text {r['tickSize']} < body {r['bodySize']}"
        assert r["outputSize"] >= r["bodySize"] - 0.01, f"{name}: readouts smaller than body text"
        assert len(r["caption"].split()) >= 6 and r["caption"].strip().endswith("."), \
            f"{name}: caption {r['caption']!r}"
        labels = fig.page.eval_on_selector_all(
            f"{fig.sel} input[type=range]",
            "els => els.map(e => !!(e.labels && e.labels.length && e.labels[0].textContent.trim()))")
        assert labels and all(labels), f"{name}: a slider without a label"
        fig.check_clean()


def test_works_from_file(browser):
    """Opened from disk, the figures start (classic scripts, data inline) without errors."""
    if not (SITE / "index.html").exists():
        skip_or_fail("the site is not built: run `make book` first")
    for path in sorted(set(PAGES.values())):
        page = browser.new_page()
        errors: list[str] = []
        outside: list[str] = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:"))
                   else (outside.append(r.request.url), r.abort()))
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            page.goto((SITE / path).as_uri(), wait_until="load")
            names = [n for n, p in PAGES.items() if p == path]
            for name in names:
                page.wait_for_selector(f"#explorable-{name}[data-ready='true']", timeout=15000)
            ready = page.eval_on_selector_all("figure.explorable", "els => els.map(e => e.dataset.ready)")
        finally:
            page.close()
        assert ready and all(r == "true" for r in ready), f"{path}: {ready}"
        explorable_errors = [e for e in errors if "explorables" in e or "uncaught" in e]
        assert not explorable_errors, f"{path} (file://): " + "\n".join(explorable_errors)
        assert not outside, f"{path} (file://): requests leaving the disk: {outside}"


# ---------------------------------------------------------------- outside the web page


def test_outside_html(tmp_path):
    """PDF (LaTeX): nothing; other channels (here the text writer): a paragraph with the link."""
    import subprocess

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_parser', 'explorables']\n"
        "myst_enable_extensions = ['colon_fence']\n"
        "explorables_site_url = 'https://example.org/course'\n"
        "root_doc = 'page'\n"
    )
    (src / "page.md").write_text(
        "# A chapter\n\nBefore.\n\n"
        ":::{explorable} margin-losses\n:caption: Move the margin and compare the losses.\n:::\n\n"
        "After.\n"
    )
    outputs = {}
    for builder in ("text", "latex"):
        out = tmp_path / builder
        run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", builder, str(src), str(out)],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        outputs[builder] = out
    text = (outputs["text"] / "page.txt").read_text(encoding="utf-8")
    assert "Interactive figure:" in text
    assert "https://example.org/course/page.html#explorable-margin-losses" in "".join(text.split())
    assert "Before." in text and "After." in text
    tex = next(outputs["latex"].glob("*.tex")).read_text(encoding="utf-8")
    assert "Before." in tex and "After." in tex
    assert "explorable" not in tex.lower() and "Interactive figure" not in tex
