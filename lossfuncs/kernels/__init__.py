"""The losses as formulas: one short kernel and its gradient per loss.

A kernel is ``kernel(xp, y_true, y_pred, *params)``: ``xp`` is the array
module (``numpy`` or ``jax.numpy``), the arrays are already checked and
of one float dtype, and the result is the loss of each element
(elementwise losses, averaged by the wrapper) or of each row (the
losses over classes). ``<kernel>_grad`` is the derivative of that
result with respect to ``y_pred``. Validation, dtypes, reduction and
blocking live in :mod:`lossfuncs.wrapper`, not here.
"""
