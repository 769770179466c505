"""lossfuncs: loss functions for neural networks, exact, stable and tested.

Every loss takes ``(y_true, y_pred, ...)`` with the meaning of the ``keras.losses``
function of the same name: it returns the per-sample loss, reduced over the last axis.
NumPy arrays in give NumPy results in ``y_pred``'s precision; JAX (Keras) tensors in give
tensors out, so each function also serves as a Keras training loss or metric::

    model.compile(optimizer="adam", loss=lossfuncs.huber)

Every loss carries its analytic gradient as ``loss.grad(y_true, y_pred, ...)``: the
gradient of the sum of the per-sample losses with respect to ``y_pred``; ``jax.grad`` of a
loss gives the same. The losses are listed once, in :data:`lossfuncs.registry.LOSSES`.
"""

import os

# Keras reads its backend once, at first import: default to JAX (CPU) unless the
# user chose otherwise.
os.environ.setdefault("KERAS_BACKEND", "jax")

from lossfuncs.kernels.stable import EPSILON  # noqa: E402
from lossfuncs.registry import LOSSES  # noqa: E402
from lossfuncs import wrapper  # noqa: E402
from lossfuncs.wrapper import Loss  # noqa: E402

try:  # one version string, pyproject.toml's
    from importlib.metadata import version as _version

    __version__ = _version("lossfuncs")
except Exception:  # noqa: BLE001 - not installed (a source checkout on sys.path)
    __version__ = "unknown"

#: The public names: the losses in registry order (their aliases ``mse``, ``mae`` and
#: ``msle`` are importable too), the clipping bound and the wrapper class.
__all__ = ["EPSILON", "LOSSES", "Loss"]
for _spec in LOSSES:
    globals()[_spec.name] = Loss(_spec)
    __all__.append(_spec.name)
    for _alias in _spec.aliases:
        globals()[_alias] = globals()[_spec.name]
del _spec, _alias
wrapper.register_with_keras()  # saved Keras models can name their lossfuncs loss

#: The examples in the losses' docstrings, run by ``pytest --doctest-modules lossfuncs``.
__test__ = {name: globals()[name].__doc__ for name in __all__[3:]}
