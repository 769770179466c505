"""Plotting helpers and the course's one figure style.

Every figure in the course is drawn by these functions (or by plain matplotlib after
:func:`use_style`), so all share one look: white background (readable in dark mode),
grid, labelled axes, legends, and 200 dpi when saved.
"""

from __future__ import annotations

import os
import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.dpi": 200,
    "figure.dpi": 100,
    "figure.figsize": (7.0, 3.6),
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "font.family": "DejaVu Sans",
    "axes.prop_cycle": mpl.cycler(
        color=["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
    ),
    "svg.hashsalt": "lossfuncs",  # reproducible SVG ids
    "image.cmap": "coolwarm",
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
    fig, (ax_l, ax_g) = plt.subplots(1, 2, figsize=(8.0, 3.4))
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


def margin_atlas(ax=None, m=None):
    """The margin losses against the 0-1 loss, on one axis.

    Plots the 0-1 loss, hinge, logistic (base 2, i.e. divided by log 2), and
    exponential losses as functions of the margin :math:`m = y f`.

    Returns:
        The matplotlib axes.
    """
    from lossfuncs import exponential_loss, hinge, logistic_loss

    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.8))
    m = np.linspace(-2.0, 3.0, 501) if m is None else np.asarray(m, dtype=float)
    ax.step(m, (m <= 0).astype(float), where="post", color="black", label="0-1 loss")
    ax.plot(m, elementwise(hinge, m, kind="margin")[0], label="hinge")
    ax.plot(m, elementwise(logistic_loss, m, kind="margin")[0] / np.log(2),
            label=r"logistic / $\log 2$")
    ax.plot(m, elementwise(exponential_loss, m, kind="margin")[0], label="exponential")
    ax.set(xlabel=MARGIN_LABEL, ylabel="loss per sample", ylim=(-0.1, 4.0),
           title="Margin losses as upper bounds of the 0-1 loss")
    ax.legend()
    return ax


def decision_regions(ax, predict, X, y, *, threshold=0.0, resolution=200, title=None):
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
    ax.contourf(g0, g1, z.reshape(g0.shape).astype(float), alpha=0.25, levels=np.unique(z).size)
    ax.scatter(X[:, 0], X[:, 1], c=np.asarray(y).reshape(-1), s=12, edgecolor="k",
               linewidth=0.3, cmap="coolwarm")
    ax.set(xlabel="feature $x_1$", ylabel="feature $x_2$")
    if title:
        ax.set_title(title)
    return ax


def training_curves(histories, *, ax=None, ylabel="training loss", logy=False):
    """Plot loss-per-epoch curves, one per entry of ``histories`` (label -> list)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.4))
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
