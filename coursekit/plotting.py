"""Plotting helpers and the course's one figure style.

Every figure in the course is drawn by these functions (or by plain matplotlib after
:func:`use_style`), so all share one look: white background (readable in dark mode),
grid, labelled axes, legends, and 200 dpi when saved.

Made for paper as well as the screen:

* each series of the property cycle has its own colour **and** line style **and**
  marker (markers every tenth of the curve), so curves are told apart in black and white;
* figures are drawn at the printed text width (:data:`PRINT_WIDTH_IN`, see
  :func:`figsize`), so the font sizes below are the printed sizes: nothing under 8 pt;
* classes in decision-region plots have their own marker and hatching
  (:data:`CLASS_MARKERS`, :data:`CLASS_HATCHES`), not colour alone.
"""

from __future__ import annotations

import os
import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

#: Width of the printed text block (A4 with 2.5 cm margins), in inches. Figures drawn
#: at most this wide are printed at 100 %, so font sizes are printed sizes.
PRINT_WIDTH_IN = 6.2
#: Smallest font size in a figure, in points (ticks, legends, annotations).
MIN_FONT_PT = 8.5

#: Colour, line style and marker of each series, in cycle order. Every pair
#: (line style, marker) is distinct: a curve is identified without colour.
SERIES_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
SERIES_LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)),
                     (0, (1, 3))]
SERIES_MARKERS = ["none", "o", "s", "^", "v", "D", "x"]

#: Marker, hatching and colour of each class in decision-region plots.
CLASS_MARKERS = ["o", "^", "s", "D", "v", "P", "X"]
CLASS_HATCHES = ["", "//", "..", "\\\\", "xx", "++", "oo"]
CLASS_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.dpi": 200,
    "figure.dpi": 100,
    "figure.figsize": (PRINT_WIDTH_IN, 3.4),
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "axes.titlesize": 10.5,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "figure.titlesize": 11,
    "legend.frameon": False,
    "legend.handlelength": 3.0,  # long enough to show the dash pattern
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "font.family": "DejaVu Sans",
    # Colour and line style in the cycle; the markers are added by line_style(), every
    # tenth of a curve (a marker on every point of a dense curve is a smear, and
    # matplotlib passes cycle keys such as markevery on to patches, which refuse them).
    "axes.prop_cycle": mpl.cycler(color=SERIES_COLORS, linestyle=SERIES_LINESTYLES),
    "svg.hashsalt": "lossfuncs",  # reproducible SVG ids
    "image.cmap": "Greys",
    "hatch.color": "0.45",
    "hatch.linewidth": 0.6,
    "pdf.fonttype": 42,  # text stays text in PDF figures (vector, searchable)
}

RESIDUAL_LABEL = r"residual $r = \hat y - y$ (target units)"
MARGIN_LABEL = r"margin $m = y\,f(x)$ (score units)"


def use_style():
    """Apply the course style to matplotlib (idempotent): the one place figures are set up.

    Sets :data:`STYLE` (with its fixed ``svg.hashsalt``), fonts kept as paths in SVG and
    embedded as TrueType in PDF, and ``SOURCE_DATE_EPOCH``, so that two builds give
    byte-identical figure files; in a notebook, figures are shown as SVG (web page) and
    PDF (LaTeX), both vector.
    """
    mpl.rcParams.update(STYLE)
    mpl.rcParams.update({"svg.fonttype": "path", "pdf.fonttype": 42})
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    if shell is not None and shell.__class__.__name__ != "TerminalInteractiveShell":
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", "pdf")


use_style()


def figsize(panels=1, *, aspect=None, height=None):
    """A figure size that prints at 100 %: the text width, ``height`` inches high.

    ``panels`` side-by-side panels share the width; the default height keeps each panel
    at ``aspect`` (height / width, default 0.55 for one panel, 0.8 for several).
    """
    if height is None:
        if aspect is None:
            aspect = 0.55 if panels == 1 else 0.8
        height = min(PRINT_WIDTH_IN / panels * aspect, 4.2)
    return (PRINT_WIDTH_IN, height)


def elementwise(loss, x, *, kind="residual", **kwargs):
    """Evaluate a loss and its gradient pointwise along ``x``.

    Each value of ``x`` is one sample with one output, so the mean over the last axis
    is the loss itself. ``kind="residual"``: ``x`` is the residual
    :math:`\\hat y - y` (targets 0). ``kind="margin"``: ``x`` is the margin
    :math:`y f` (labels +1).

    Returns:
        ``(values, gradients)``, both with the shape of ``x``.
    """
    if kind not in ("residual", "margin"):
        raise ValueError(f"kind must be 'residual' or 'margin', got {kind!r}.")
    x = np.asarray(x, dtype=float)
    y_true = np.zeros_like(x) if kind == "residual" else np.ones_like(x)
    args = (y_true[:, None], x[:, None])
    return loss(*args, **kwargs), loss.grad(*args, **kwargs)[:, 0]


def loss_and_gradient(curves, x, *, kind="residual", title=None, ylim=None):
    """Two panels: each loss against ``x`` (left) and its gradient (right).

    Args:
        curves: mapping of legend label to ``loss`` or ``(loss, kwargs)``.
        x: points along the residual or margin axis.
        kind: ``"residual"`` or ``"margin"``.
        title: optional figure title.
        ylim: optional y-limits of the loss panel.

    Returns:
        The matplotlib figure.
    """
    fig, (ax_l, ax_g) = plt.subplots(1, 2, figsize=figsize(2))
    for label, spec in curves.items():
        loss, kwargs = spec if isinstance(spec, tuple) else (spec, {})
        values, grads = elementwise(loss, x, kind=kind, **kwargs)
        ax_l.plot(x, values, label=label)
        ax_g.plot(x, grads, label=label)
    xlabel = RESIDUAL_LABEL if kind == "residual" else MARGIN_LABEL
    ax_l.set(xlabel=xlabel, ylabel="loss per sample", title="loss")
    ax_g.set(xlabel=xlabel, ylabel=r"gradient $\partial L / \partial \hat y$"
             if kind == "residual" else r"gradient $\partial L / \partial f$", title="gradient")
    if ylim is not None:
        ax_l.set_ylim(*ylim)
    ax_l.legend()
    if title:
        fig.suptitle(title)
    return fig


def decision_regions(ax, predict, X, y, *, threshold=0.0, resolution=200, title=None,
                     labels=None):
    """Shade the predicted class over the plane and scatter the labelled points.

    Args:
        ax: matplotlib axes.
        predict: function mapping an ``(m, 2)`` array to one score per point, ``(m,)``
            or ``(m, 1)``, or to one score per class, ``(m, k)`` (argmax taken).
        threshold: the boundary for single scores: 0 for raw scores (logits, margins),
            0.5 for probabilities.
        X, y: the data, ``(n, 2)`` features and integer labels.
        resolution: grid points per axis.
        title: optional axes title.
        labels: optional legend label per class (default "class k", or "y = -1" and
            "y = +1" for margin labels).
    """
    pad = 0.5
    x0 = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    x1 = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    g0, g1 = np.meshgrid(x0, x1)
    grid = np.stack([g0.ravel(), g1.ravel()], axis=1).astype(np.float32)
    scores = np.asarray(predict(grid))
    if scores.ndim == 2 and scores.shape[1] > 1:
        z = np.argmax(scores, axis=1)
    else:
        z = scores.reshape(-1) > threshold
    z = z.reshape(g0.shape).astype(int)
    points = np.asarray(y).reshape(-1).astype(int)
    names = {}
    if set(np.unique(points)) <= {-1, 1}:  # margin labels: -1 is the class of score < 0
        names = {0: "y = -1", 1: "y = +1"}
        points = (points > 0).astype(int)
    classes = np.unique(np.concatenate([np.unique(z), np.unique(points)]))
    # Regions: a light tint and a hatching per class; points: a marker per class.
    # Both survive black-and-white printing.
    for k in np.unique(z):
        i = int(k) % len(CLASS_MARKERS)
        ax.contourf(g0, g1, (z == k).astype(float), levels=[0.5, 1.5],
                    colors=[CLASS_COLORS[i]], alpha=0.12)
        ax.contourf(g0, g1, (z == k).astype(float), levels=[0.5, 1.5], colors="none",
                    hatches=[CLASS_HATCHES[i]])
    if np.unique(z).size > 1:
        ax.contour(g0, g1, z, levels=np.unique(z)[:-1] + 0.5, colors="black",
                   linewidths=1.0)
    if labels is None:
        labels = [names.get(int(k), f"class {int(k)}") for k in range(int(classes.max()) + 1)]
    class_scatter(ax, X, points, labels=labels)
    if len(classes) > 1:
        ax.legend(loc="best", handlelength=1.0, frameon=True, framealpha=0.9,
                  edgecolor="none")
    ax.set(xlabel="feature $x_1$", ylabel="feature $x_2$")
    if title:
        ax.set_title(title)
    return ax


def training_curves(histories, *, ax=None, ylabel="training loss", logy=False):
    """Plot loss-per-epoch curves, one per entry of ``histories`` (label -> list)."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize())
    for label, values in histories.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set(xlabel="epoch", ylabel=ylabel)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def score_contours(ax, predict, X, levels=(-1.0, 0.0, 1.0), *, resolution=200,
                   colors="black", linestyles=("--", "-", "--"), label=None):
    """Draw level sets :math:`f(x) = c` of a scalar score over the data's bounding box.

    Complements :func:`decision_regions` (same grid and padding): e.g. the decision
    boundary ``f = 0`` with the margin lines ``f = -1`` and ``f = +1`` of a hinge-loss
    classifier, or the log-odds of chosen probabilities for a logistic model.

    Args:
        ax: matplotlib axes.
        predict: function mapping an ``(m, 2)`` float32 array to scores ``(m,)`` or
            ``(m, 1)``.
        X: the data, ``(n, 2)``; sets the plotted region.
        levels: increasing score values to draw.
        resolution: grid points per axis.
        colors, linestyles: passed to :func:`matplotlib.axes.Axes.contour`.
        label: optional legend label for the contour lines.

    Returns:
        The contour set.
    """
    pad = 0.5
    x0 = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    x1 = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    g0, g1 = np.meshgrid(x0, x1)
    grid = np.stack([g0.ravel(), g1.ravel()], axis=1).astype(np.float32)
    scores = np.asarray(predict(grid)).reshape(g0.shape)
    cs = ax.contour(g0, g1, scores, levels=list(levels), colors=colors,
                    linestyles=linestyles, linewidths=1.2)
    if label is not None:
        ax.plot([], [], color=colors if isinstance(colors, str) else colors[0],
                linestyle="-", linewidth=1.2, label=label)
    return cs


def line_style(i):
    """Colour, line style and marker of the ``i``-th curve of a figure.

    The series of :data:`SERIES_COLORS`, :data:`SERIES_LINESTYLES` and
    :data:`SERIES_MARKERS`, in turn; use them as ``ax.plot(x, y, **line_style(i))``
    so curves differ without colour. Markers sit on every tenth of the curve.
    """
    k = i % len(SERIES_COLORS)
    style = {"color": SERIES_COLORS[k], "linestyle": SERIES_LINESTYLES[k]}
    if SERIES_MARKERS[k] != "none":
        style.update(marker=SERIES_MARKERS[k], markevery=0.1)
    return style


def margin_losses(ax=None, m=None, *, zero_one=True):
    """The margin losses (hinge, logistic in bits, exponential) and the 0-1 loss.

    Each curve has its own line style and marker, so the figure reads in black and
    white. The logistic loss is divided by :math:`\\log 2` (bits)
    so that it passes through (0, 1) like the others.

    Returns:
        The matplotlib axes.
    """
    from lossfuncs import exponential_loss, hinge, logistic_loss

    if ax is None:
        _, ax = plt.subplots(figsize=figsize(aspect=0.6))
    m = np.linspace(-2.0, 3.0, 501) if m is None else np.asarray(m, dtype=float)
    if zero_one:
        ax.step(m, (m <= 0).astype(float), where="post", color="black", lw=1.2,
                label="0-1 loss")
    curves = [("hinge", elementwise(hinge, m, kind="margin")[0]),
              (r"logistic / $\log 2$ (bits)",
               elementwise(logistic_loss, m, kind="margin")[0] / np.log(2)),
              ("exponential", elementwise(exponential_loss, m, kind="margin")[0])]
    for i, (label, values) in enumerate(curves, start=1):  # 0 is the 0-1 loss's look
        ax.plot(m, values, label=label, **line_style(i))
    ax.set(xlabel=MARGIN_LABEL, ylabel="loss per sample", ylim=(-0.1, 4.0))
    ax.legend()
    return ax


def class_scatter(ax, X, y, *, labels=None, s=22):
    """Scatter labelled points with one marker shape per class (not colour alone).

    Args:
        ax: matplotlib axes.
        X: ``(n, 2)`` features.
        y: integer (or 0/1 float) labels.
        labels: optional legend label per class, e.g. ``["class 0", "class 1"]``.
        s: marker size.
    """
    y = np.asarray(y).reshape(-1).astype(int)
    for k in np.unique(y):
        i = int(k) % len(CLASS_MARKERS)
        ax.scatter(X[y == k, 0], X[y == k, 1], s=s, marker=CLASS_MARKERS[i],
                   facecolor=CLASS_COLORS[i], edgecolor="black", linewidth=0.6,
                   label=f"class {int(k)}" if labels is None else labels[int(k)])
    ax.set(xlabel="feature $x_1$", ylabel="feature $x_2$")
    return ax


def distinguish(*axes, skip_labels=("_",)):
    """Restyle the labelled lines of finished axes with :func:`line_style`, in order.

    For figures drawn by helpers that use colour only (such as
    :func:`loss_and_gradient`): each labelled line gets the colour and line style of
    its position (and its marker), so the series stay apart when printed in black
    and white. A legend already drawn is
    redrawn. Lines whose label starts with one of ``skip_labels`` (matplotlib's
    unlabelled lines start with ``"_"``) keep their style, e.g. reference lines.

    Args:
        *axes: matplotlib axes, or figures (all their axes are treated).
    """
    flat = []
    for item in axes:
        is_fig = hasattr(item, "axes") and isinstance(item.axes, list)
        flat.extend(item.axes if is_fig else [item])
    for ax in flat:
        lines = [ln for ln in ax.get_lines()
                 if not ln.get_label().startswith(tuple(skip_labels))]
        for i, line in enumerate(lines):
            line.set(**line_style(i))
        if ax.get_legend() is not None:
            ax.legend()
