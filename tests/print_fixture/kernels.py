"""Kernels of the print fixture, written as the course's kernels are."""


def huber(xp, y_true, y_pred, delta):
    """Huber loss of each sample, averaged over the last axis."""
    r = xp.abs(y_pred - y_true)
    quad = 0.5 * r**2
    lin = delta * (r - 0.5 * delta)
    return xp.mean(xp.where(r <= delta, quad, lin), axis=-1)
