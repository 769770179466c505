"""The data of the course's explorable figures, computed with ``lossfuncs``.

Each builder returns what one figure's page script draws: for every position of every
control with a finite set of positions, the values the page shows (the script only
draws them; where the reader drags freely it evaluates the formulas itself). The
``{explorable}`` directive (_ext/explorables.py) embeds a builder's result as JSON;
tests/test_explorables.py checks the drawn values against ``lossfuncs``.
"""

from __future__ import annotations

import math

import numpy as np

import lossfuncs as lf

#: Significant digits of the embedded numbers (far beyond the 1e-6 the test asks).
DIGITS = 12
#: Curves that are only drawn (never read out) are stored more coarsely.
DRAW_DIGITS = 5


def _round(values, digits=DIGITS):
    """Nested lists of floats rounded to ``digits`` significant digits (compact JSON)."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        v = float(arr)
        return float(f"{v:.{digits}g}") if math.isfinite(v) else None
    return [_round(a, digits) for a in arr]


def _drawn(values, floor=1e-6):
    """A drawn curve: 5 significant digits, values below ``floor`` x max set to 0."""
    arr = np.asarray(values, dtype=float)
    arr = np.where(np.abs(arr) < floor * np.abs(arr).max(), 0.0, arr)
    return _round(arr, DRAW_DIGITS)


def _per_sample(loss, x, y_true=None, **params):
    """Values and gradients of ``loss`` at each entry of ``x``, one sample each.

    ``x`` is the prediction (residual with target 0, or margin with label +1).
    Each sample has a single entry, so the per-sample mean is the value itself
    and ``.grad`` is the derivative.
    """
    x = np.asarray(x, dtype=float)[:, None]
    t = np.zeros_like(x) if y_true is None else np.full_like(x, y_true)
    return np.asarray(loss(t, x, **params)), np.asarray(loss.grad(t, x, **params))[:, 0]


# ---------------------------------------------------------------- the figures


def huber_delta() -> dict:
    """Huber loss and gradient for each threshold delta, with MSE/2 and delta*MAE."""
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
