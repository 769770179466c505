"""One wrapper, :class:`Loss`, turns a kernel into the public loss.

The kernel is the formula; everything else a caller relies on happens here, once, for
every loss:

* **arrays**: lists, scalars, pandas objects and ``np.matrix`` become plain NumPy arrays;
  masked arrays are refused (a loss cannot honour a mask consistently); big-endian data is
  brought to native byte order; a NumPy argument next to a JAX one is converted to JAX.
* **shapes**: ``y_true`` and ``y_pred`` must have equal shapes, except that a target of
  shape ``(n,)`` is aligned with predictions of shape ``(n, 1)``, as Keras does for metrics.
* **dtypes**: the loss is computed in ``y_pred``'s precision: float32 in float32, float64
  in float64. float16 and bfloat16 are computed in float32 and give float32 results (their
  rounding and range are too coarse for the intermediate values). Integers and booleans
  give float64 (for JAX: JAX's default float, float64 when x64 is enabled).
  ``np.longdouble`` is computed in longdouble, with float64 constants (float64 accuracy).
* **validation** by the domains the registry declares (:func:`_validation.validate`).
* **evaluation**: NumPy inputs are evaluated in cache-sized blocks (the same formula,
  without full-size temporaries); if an intermediate overflows although the inputs are
  finite (``mse`` of 1.4e154), the affected rows are recomputed in a wider float. The
  kernels get NumPy as :data:`KERNEL_NUMPY`, whose ``sum``, ``max``, ``argmax`` over
  short rows and ``where`` on large arrays are faster forms of NumPy's own (same values).
  A call with plain float32/float64 arrays skips the conversions it does not need.
  JAX inputs (and tracers) go through a ``jax.custom_jvp`` whose derivative is the
  gradient kernel, so ``jax.grad`` of a loss equals ``loss.grad`` by construction.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
import types
import warnings

import numpy as np

from lossfuncs import _validation
from lossfuncs.registry import FROM_LOGITS, LossSpec

#: Elements per block for NumPy inputs: a few temporaries of this size stay in cache.
BLOCK = 1 << 16

_ML_FLOATS = ("bfloat16", "float8")  # ml_dtypes floats (NumPy kind "V")


class Loss:
    """A loss function built from a :class:`~lossfuncs.registry.LossSpec`.

    ``loss(y_true, y_pred, **params)`` gives the per-sample loss (the last axis is
    reduced); ``loss.grad(...)`` the gradient of the sum of the per-sample losses with
    respect to ``y_pred``. Usable as ``model.compile(loss=lossfuncs.huber)`` and as a
    Keras metric.
    """

    def __init__(self, spec: LossSpec):
        self.spec = spec
        self.__name__ = self.__qualname__ = spec.name
        self.__module__ = "lossfuncs"
        self.__doc__ = _docstring(spec)
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(a, inspect.Parameter.POSITIONAL_OR_KEYWORD) for a in spec.args]
            + [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                 default=p.default) for p in spec.all_params()])
        self.grad = Gradient(self)
        self._defaults = {p.name: p.default for p in spec.all_params()}
        # a call with the arrays alone uses these, checked once here
        self._default_params = [_validation.check_param(p, p.default)
                                for p in spec.kernel_params]
        self._jax_functions = {}

    def __call__(self, *args, **kwargs):
        """The per-sample loss, by the same steps for every loss: check
        the parameters, pick the kernel, make arrays (one namespace,
        shapes, dtype), check their values, evaluate and reduce."""
        arrays, params, from_logits = self._bind(args, kwargs)
        kernel, grad = (self.spec.logits if from_logits
                        else (self.spec.kernel, self.spec.grad))
        xp, arrays, eps = coerce(self.spec, arrays)
        arrays = _validation.validate(
            self._domains(from_logits), arrays, self.spec.args, eps)
        # integer class labels, where sparse
        arrays = as_labels(self.spec, xp, arrays)
        if xp is np:  # blocked, overflow-safe, averaged or per row
            return finish(numpy_loss(self.spec, kernel, arrays, params))
        return self._jax_function(kernel, grad)(*arrays, *params)

    def _bind(self, args, kwargs):
        """Arrays and checked scalar parameters (``from_logits`` apart) from a call."""
        if not kwargs and len(args) == len(self.spec.args):  # arrays alone: defaults
            return args, self._default_params, False
        if len(args) == len(self.spec.args) and kwargs.keys() <= self._defaults.keys():
            values = {**self._defaults, **kwargs}  # the usual call: arrays, then keywords
            values.update(zip(self.spec.args, args))
        else:
            try:
                bound = self.__signature__.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{self.__name__}(): {exc}") from None
            bound.apply_defaults()
            values = bound.arguments
        arrays = [values[a] for a in self.spec.args]
        params = [_validation.check_param(p, values[p.name]) for p in self.spec.kernel_params]
        from_logits = bool(self.spec.logits) and _validation.check_param(
            FROM_LOGITS, values["from_logits"])
        return arrays, params, from_logits

    def _domains(self, from_logits):
        y_pred = _validation.REAL if from_logits else self.spec.y_pred
        return [y_pred] if self.spec.y_true is None else [self.spec.y_true, y_pred]

    def _jax_function(self, kernel, grad):
        if kernel not in self._jax_functions:
            register_with_keras()
            self._jax_functions[kernel] = jax_loss(self.spec, kernel, grad)
        return self._jax_functions[kernel]

    def __get__(self, instance, owner=None):
        """A loss stored on a class stays the loss (it does not bind like a method); this
        also lets documentation tools list losses as the routines they are."""
        return self

    def __repr__(self):
        return f"<loss lossfuncs.{self.__name__}>"

    def __reduce__(self):  # pickles as a reference to the public loss
        return (public, (self.__name__,))

    def get_config(self):
        """Keras serialisation (``model.save``): the loss is saved by its name. Loading
        needs the class known to Keras: ``keras.saving.load_model(path,
        custom_objects={"lossfuncs>Loss": lossfuncs.Loss})``, or import keras before
        lossfuncs (then it is registered on import)."""
        return {"name": self.__name__}

    @classmethod
    def from_config(cls, config):
        return public(config["name"])


class Gradient:
    """``loss.grad(y_true, y_pred, **params)``: the gradient of the sum of the per-sample
    losses with respect to ``y_pred`` (the shape of ``y_pred``, in its precision)."""

    def __init__(self, loss: Loss):
        self.loss = loss
        self.__name__ = self.__qualname__ = f"{loss.__name__}.grad"
        self.__module__ = "lossfuncs"
        self.__signature__ = loss.__signature__
        self.__doc__ = (f"Gradient of the sum of :func:`lossfuncs.{loss.__name__}` over the "
                        f"samples, with respect to y_pred.")

    def __call__(self, *args, **kwargs):
        loss, spec = self.loss, self.loss.spec
        arrays, params, from_logits = loss._bind(args, kwargs)
        _, grad = spec.logits if from_logits else (spec.kernel, spec.grad)
        xp, arrays, eps = coerce(spec, arrays)
        arrays = _validation.validate(loss._domains(from_logits), arrays, spec.args, eps)
        arrays = as_labels(spec, xp, arrays)
        if xp is np:
            return numpy_grad(spec, grad, arrays, params)
        return jax_grad(spec, grad, arrays, params)

    def __repr__(self):
        return f"<gradient lossfuncs.{self.loss.__name__}.grad>"

    def __reduce__(self):
        return (public, (self.loss.__name__, "grad"))


def register_with_keras():
    """Make saved Keras models that use a loss loadable (only if Keras is imported)."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "saving"):
        keras.saving.register_keras_serializable(package="lossfuncs", name="Loss")(Loss)


def public(name, attribute=None):
    """``lossfuncs.<name>`` (or its ``.grad``): what a pickled loss unpickles to."""
    loss = getattr(sys.modules["lossfuncs"], name)
    return loss if attribute is None else getattr(loss, attribute)


# ---------------------------------------------------------------------- coercion


def _is_jax(x) -> bool:
    jax = sys.modules.get("jax")
    return jax is not None and isinstance(x, jax.Array)


def _as_array(x, name):
    """A NumPy or JAX array for ``x``, in native byte order; masked arrays refused."""
    if type(x) is np.ndarray and x.dtype.isnative:
        return x
    if _is_jax(x):
        return x
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array; losses cannot honour a mask in the value, the "
            f"gradient and the average at once. Pass the valid entries instead, e.g. "
            f"{name}[~{name}.mask] (with the same selection for the other argument), or "
            f"np.ma.filled({name}, value)."
        )
    try:
        a = np.asarray(x)  # lists, scalars, pandas, np.matrix -> a plain ndarray
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise TypeError(
            f"{name} could not be read as a numeric array ({exc}). "
            f"Pass a NumPy array or a rectangular list of numbers."
        ) from None
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    return a


def _kind(a, name):
    """``"f"`` for floats (bfloat16 and float8 included), ``"i"`` for integers and
    booleans; TypeError for anything else."""
    dt = np.dtype(a.dtype)
    if dt.kind == "f" or dt.name.startswith(_ML_FLOATS):
        return "f"
    if dt.kind in "biu":
        return "i"
    raise TypeError(
        f"{name} has dtype {a.dtype}, which is not a real number type. "
        f"Pass numbers, e.g. np.asarray({name}, dtype=float)."
    )


@functools.lru_cache(maxsize=None)
def _dtype_policy(dt, numpy):
    """(computing dtype, precision of the input) for an input dtype: float32 and wider
    floats stay; smaller floats compute in float32; integers in the default float."""
    if dt.kind == "f" or dt.name.startswith(_ML_FLOATS):
        if dt.kind == "f":
            eps = float(np.finfo(dt).eps)
        else:
            eps = 2.0**-7 if dt.name == "bfloat16" else 0.25
        return (dt if dt.kind == "f" and dt.itemsize >= 4 else np.dtype(np.float32)), eps
    if numpy:
        return np.dtype(np.float64), 0.0
    import jax.numpy as jnp  # noqa: PLC0415

    return np.dtype(jnp.result_type(float)), 0.0


def coerce(spec, arrays):
    """Arrays of one namespace (JAX if any is JAX), checked shapes, the computing dtype.

    Returns ``(xp, arrays, eps)`` with ``eps`` the precision of ``y_pred`` as given.
    """
    ready = _ready(spec, arrays)
    if ready is not None:
        return ready
    arrays = [_as_array(a, name) for a, name in zip(arrays, spec.args)]
    xp = np
    if any(_is_jax(a) for a in arrays):
        import jax.numpy as xp  # noqa: PLC0415 (JAX only when JAX arrays are passed)

        arrays = [xp.asarray(a) for a in arrays]
    for a, name in zip(arrays, spec.args):
        _kind(a, name)
    y_pred = arrays[-1]
    _validation.check_rank(y_pred, spec.args[-1])
    dtype, eps = _dtype_policy(np.dtype(y_pred.dtype), xp is np)
    if spec.y_true is None:
        return xp, [xp.astype(y_pred, dtype, copy=False)], eps
    y_true = _shaped_y_true(spec, arrays[0], y_pred)
    if not spec.sparse:
        y_true = _cast_target(xp, y_true, dtype)
    return xp, [y_true, xp.astype(y_pred, dtype, copy=False)], eps


#: Precision of the input dtypes that NumPy computes in as they are.
_READY_EPS = {np.dtype(t): float(np.finfo(t).eps) for t in (np.float64, np.float32)}


def _ready(spec, arrays):
    """``(np, arrays, eps)`` when the arrays need no conversion at all (the
    usual call: native float64 or float32 ndarrays of equal shape, integer
    labels for the sparse losses), else None. :func:`coerce`'s result for
    them, without its general steps."""
    y_pred = arrays[-1]
    if type(y_pred) is not np.ndarray:
        return None
    eps = _READY_EPS.get(y_pred.dtype)
    if eps is None or not y_pred.ndim or not y_pred.shape[-1]:
        return None
    if len(arrays) == 1:
        return np, [y_pred], eps
    y_true = arrays[0]
    if type(y_true) is not np.ndarray:
        return None
    if spec.sparse:
        ok = (y_true.dtype.kind in "iu" and y_true.dtype.isnative
              and y_true.shape == y_pred.shape[:-1])
    else:
        ok = y_true.dtype == y_pred.dtype and y_true.shape == y_pred.shape
    return (np, [y_true, y_pred], eps) if ok else None


def _shaped_y_true(spec, y_true, y_pred):
    """``y_true`` with ``y_pred``'s shape (``(..., C)`` without C for class labels)."""
    want = tuple(y_pred.shape[:-1]) if spec.sparse else tuple(y_pred.shape)
    shape = tuple(y_true.shape)
    if spec.sparse and shape == want + (1,):
        return y_true[..., 0]
    if not spec.sparse and y_pred.shape[-1] == 1 and shape == want[:-1]:
        return y_true[..., None]  # Keras metrics pass targets (n,) with outputs (n, 1)
    if shape != want:
        message = (_validation.sparse_shape_message if spec.sparse
                   else _validation.shape_message)
        raise ValueError(message(y_true, y_pred))
    return y_true


def _cast_target(xp, y_true, dtype):
    """``y_true`` in the computing dtype; an error if a finite value would overflow it."""
    if y_true.dtype == dtype:
        return y_true
    if (np.dtype(y_true.dtype).kind == "f" and np.dtype(y_true.dtype).itemsize > dtype.itemsize
            and not _validation.is_traced(y_true) and y_true.size):
        t = np.asarray(y_true)
        _validation.check_finite(t, "y_true")
        biggest = float(np.max(np.abs(t)))
        if biggest > float(np.finfo(dtype).max):
            raise ValueError(
                f"y_true holds values up to {biggest:g}, beyond the range of {dtype} (the "
                f"precision of y_pred, in which the loss is computed). Pass y_pred in "
                f"float64, e.g. y_pred.astype(np.float64), or rescale both arguments."
            )
    return xp.astype(y_true, dtype, copy=False)


def as_labels(spec, xp, arrays):
    """Class labels as integers (after validation: 2.0 is a valid label)."""
    if not spec.sparse:
        return arrays
    itype = np.intp if xp is np else xp.int32
    return [xp.astype(arrays[0], itype), arrays[1]]


def finish(value):
    """NumPy scalar for a single sample, array otherwise."""
    return value[()] if value.ndim == 0 else value


# ------------------------------------------------------------------------- NumPy


def _flat(spec, arrays):
    """2-D ``(rows, n)`` views (1-D for class labels) and the batch shape."""
    n = arrays[-1].shape[-1]
    if spec.sparse:
        return [arrays[0].reshape(-1), arrays[1].reshape(-1, n)], arrays[1].shape[:-1]
    return [a if a.ndim == 2 else a.reshape(-1, n) for a in arrays], arrays[-1].shape[:-1]


#: Rows up to this long are summed by np.einsum in the kernels (see below).
SHORT_ROW = 64


def _sum(x, axis=None, dtype=None, keepdims=False, **kwargs):
    """``np.sum``, except that a float sum over a short last axis is
    ``np.einsum``'s: NumPy reduces such rows one by one, einsum runs
    along them with vector instructions, 5-10 times faster. Each row is
    summed the same way wherever it lies in the batch; the result equals
    np.sum's up to the order of the additions."""
    if (axis == -1 and dtype is None and not kwargs and x.dtype.kind == "f"
            and x.shape[-1] <= SHORT_ROW):
        s = np.einsum("...i->...", x)
        return s[..., None] if keepdims else s
    return np.sum(x, axis=axis, dtype=dtype, keepdims=keepdims, **kwargs)


def _many_short_rows(x, axis):
    return (axis == -1 and x.size >= BLOCK // 16 and x.dtype.kind == "f"
            and x.shape[-1] <= SHORT_ROW)


def _by_class(x):
    """``x`` with its last axis first, contiguous: a reduction over that
    axis becomes a few elementwise passes over whole rows of the batch."""
    return np.ascontiguousarray(np.moveaxis(x, -1, 0))


def _max(x, axis=None, keepdims=False, **kwargs):
    """``np.max``; over many short rows on the transposed rows (8 times
    faster; the maximum is exact, so the value is the same)."""
    if kwargs or not _many_short_rows(x, axis):
        return np.max(x, axis=axis, keepdims=keepdims, **kwargs)
    m = np.maximum.reduce(_by_class(x), axis=0)
    return m[..., None] if keepdims else m


def _argmax(x, axis=None, keepdims=False, **kwargs):
    """``np.argmax``: over many short rows, the first class that holds
    the row's maximum, found on the transposed rows (the same index)."""
    if kwargs or not _many_short_rows(x, axis):
        return np.argmax(x, axis=axis, keepdims=keepdims, **kwargs)
    by_class = _by_class(x)
    m = np.maximum.reduce(by_class, axis=0)
    if np.isnan(m).any():  # np.argmax's first NaN
        return np.argmax(x, axis=axis, keepdims=keepdims)
    n = x.shape[-1]
    # class c weighs n - c: the first maximum weighs most
    weight = np.arange(n, 0, -1, dtype=np.int8).reshape((n,) + (1,) * m.ndim)
    top = np.maximum.reduce(np.where(by_class == m, weight, 0), axis=0)
    first = n - top.astype(np.intp)
    return first[..., None] if keepdims else first


_BITS = {4: np.uint32, 8: np.uint64}


def _where(cond, x, y):
    """``np.where``; for a large float selection, by bit masks: NumPy
    branches on each element, which costs a mispredicted branch for
    every other element of a mixed condition (5 times slower than
    these integer passes). The bits of the result are the same."""
    if (type(cond) is not np.ndarray or cond.size < BLOCK // 16
            or cond.dtype.kind != "b"):
        return np.where(cond, x, y)
    dtype = np.result_type(x, y)
    if (dtype.itemsize not in _BITS or dtype.kind != "f"
            or np.broadcast_shapes(cond.shape, np.shape(x), np.shape(y))
            != cond.shape):
        return np.where(cond, x, y)
    bits = _BITS[dtype.itemsize]
    mask = np.negative(cond.view(np.uint8).astype(bits))  # 0 or all ones
    xb = np.asarray(x, dtype).view(bits)
    yb = np.asarray(y, dtype).view(bits)
    return (yb ^ ((xb ^ yb) & mask)).view(dtype)


#: The array module the kernels get for NumPy inputs: NumPy itself, with
#: faster reductions over short rows (NumPy reduces such rows one by one)
#: and a branch-free ``where``.
KERNEL_NUMPY = types.ModuleType("numpy")
KERNEL_NUMPY.__dict__.update(vars(np))
KERNEL_NUMPY.sum, KERNEL_NUMPY.max, KERNEL_NUMPY.argmax = _sum, _max, _argmax
KERNEL_NUMPY.where = _where

#: The next wider float for each computing dtype (float64: longdouble where it has a
#: wider range, as on x86; None on platforms without extended precision).
_WIDER = {np.dtype(np.float32): np.dtype(np.float64)}
if np.finfo(np.longdouble).max > np.finfo(np.float64).max:
    _WIDER[np.dtype(np.float64)] = np.dtype(np.longdouble)


def _rows_in(flat, rows, dtype):
    return [a[rows] if a.dtype.kind in "iu" else a[rows].astype(dtype) for a in flat]


def _blocked_loss(spec, kernel, flat, params):
    rows, n = flat[-1].shape
    dtype = flat[-1].dtype
    if spec.elementwise and n > BLOCK:
        out = np.zeros(rows, dtype)  # long rows: partial sums over column blocks
        for r in range(rows):
            for c in range(0, n, BLOCK):
                part = [a[r:r + 1, c:c + BLOCK] for a in flat]
                out[r] += np.sum(kernel(KERNEL_NUMPY, *part, *params))
        return out / dtype.type(n)
    if rows * n <= BLOCK:  # small: one evaluation
        values = kernel(KERNEL_NUMPY, *flat, *params)
        return np.add.reduce(values, axis=-1) / dtype.type(n) if spec.elementwise else values
    out = np.empty(rows, dtype)
    step = max(1, BLOCK // n)
    for r in range(0, rows, step):
        values = kernel(KERNEL_NUMPY, *[a[r:r + step] for a in flat], *params)
        out[r:r + step] = (np.add.reduce(values, axis=-1) / dtype.type(n)
                           if spec.elementwise else values)
    return out


def numpy_loss(spec, kernel, arrays, params):
    """Per-row loss of NumPy inputs, blocked; rows whose value overflowed although the
    inputs are finite are recomputed in a wider float."""
    flat, batch = _flat(spec, arrays)
    with np.errstate(all="ignore"):
        out = _blocked_loss(spec, kernel, flat, params)
        if (math.isfinite(out[0]) if out.size == 1  # the usual cases
                else math.isfinite(np.add.reduce(out, axis=None))):
            return out.reshape(batch)
        bad = ~np.isfinite(out)
        wider = _WIDER.get(out.dtype)
        if bad.any() and wider is not None:
            out[bad] = _blocked_loss(spec, kernel, _rows_in(flat, bad, wider), params)
        elif bad.any():
            _warn_overflow(spec)
    return out.reshape(batch)


def _blocked_grad(spec, grad, flat, params):
    rows, n = flat[-1].shape
    out = np.empty(flat[-1].shape, flat[-1].dtype)
    step = max(1, BLOCK // n)
    for r in range(0, rows, step):
        out[r:r + step] = grad(KERNEL_NUMPY, *[a[r:r + step] for a in flat], *params)
    return out / out.dtype.type(n) if spec.elementwise else out


def numpy_grad(spec, grad, arrays, params):
    flat, _ = _flat(spec, arrays)
    with np.errstate(all="ignore"):
        out = _blocked_grad(spec, grad, flat, params)
        bad = ~np.isfinite(out).all(axis=-1)
        wider = _WIDER.get(out.dtype)
        if bad.any() and wider is not None:
            out[bad] = _blocked_grad(spec, grad, _rows_in(flat, bad, wider), params)
    return out.reshape(arrays[-1].shape)


def _warn_overflow(spec):
    warnings.warn(
        f"{spec.name}: an intermediate value overflowed and no wider float is available "
        f"on this platform; the result may be inf where the true loss is finite. Rescale "
        f"the inputs.", RuntimeWarning, stacklevel=4)


# --------------------------------------------------------------------------- JAX


def _traced_mask(spec, xp, arrays):
    """Rows whose labels are valid, for domains that can say so cheaply under tracing."""
    if spec.y_true is None:
        return None
    return spec.y_true.traced(xp, arrays[0], arrays[-1].shape[-1])


def jax_grad(spec, grad, arrays, params):
    import jax.numpy as jnp  # noqa: PLC0415

    g = grad(jnp, *arrays, *params)
    if spec.elementwise:
        g = g / g.shape[-1]
    mask = _traced_mask(spec, jnp, arrays)
    return g if mask is None else jnp.where(mask[..., None], g, jnp.nan)


def jax_loss(spec, kernel, grad):
    """The loss as a ``jax.custom_jvp`` function whose derivative in ``y_pred`` is the
    gradient kernel (so autodiff agrees with ``.grad``, kinks and ties included). The
    derivative in ``y_true`` and in the parameters is JAX's autodiff of the kernel."""
    import jax  # noqa: PLC0415
    import jax.numpy as jnp  # noqa: PLC0415
    from jax.custom_derivatives import SymbolicZero  # noqa: PLC0415

    n_arrays = len(spec.args)

    def value(*args):
        v = kernel(jnp, *args)
        v = jnp.mean(v, axis=-1) if spec.elementwise else v
        mask = _traced_mask(spec, jnp, args[:n_arrays])
        return v if mask is None else jnp.where(mask, v, jnp.nan)

    loss = jax.custom_jvp(value)

    def jvp(primals, tangents):
        out = loss(*primals)
        p_dot = tangents[n_arrays - 1]
        tangent = jnp.zeros_like(out)
        if not isinstance(p_dot, SymbolicZero):
            g = jax_grad(spec, grad, primals[:n_arrays], primals[n_arrays:])
            tangent = tangent + jnp.sum(g * p_dot, axis=-1)
        others = [i for i, t in enumerate(tangents) if i != n_arrays - 1
                  and not isinstance(t, SymbolicZero)
                  and jnp.issubdtype(jnp.asarray(primals[i]).dtype, jnp.floating)]
        if others:
            def partial(*xs):
                args = list(primals)
                for i, x in zip(others, xs):
                    args[i] = x
                return value(*args)

            _, extra = jax.jvp(partial, [primals[i] for i in others],
                               [tangents[i] for i in others])
            tangent = tangent + extra
        return out, tangent

    loss.defjvp(jvp, symbolic_zeros=True)
    return loss


# ----------------------------------------------------------------------- docs


def _docstring(spec: LossSpec) -> str:
    kernel_doc = inspect.cleandoc(spec.kernel.__doc__ or "").split("\n\n")[0]
    lines = [spec.summary, "", f"Per element: {kernel_doc}" if spec.elementwise
             else f"Per row: {kernel_doc}", ""]
    kernels = f"``kernels.{_module(spec.kernel)}.{spec.kernel.__name__}``"
    if spec.logits:
        kernels += (f"; with ``from_logits=True``, "
                    f"``kernels.{_module(spec.logits[0])}.{spec.logits[0].__name__}``")
    lines += [f"Kernel: {kernels}. "
              + ("Averaged over the last axis." if spec.elementwise
                 else "One value per row (the last axis is the class axis).")]
    if spec.keras:
        lines += ["", f"Keras counterpart: ``keras.losses.{spec.keras}``."
                  + (f" Deliberate differences: {spec.keras_differences}"
                     if spec.keras_differences else " Same values, up to rounding.")]
    elif spec.keras_differences:
        lines += ["", spec.keras_differences]
    lines += ["", "Gradient: ``.grad`` is the gradient of the summed loss in y_pred, and "
                  "``jax.grad`` uses it (y_true and the parameters are differentiated "
                  "through the kernel)." + (f" {spec.kinks}" if spec.kinks else "")]
    lines += ["", "Values are checked only on concrete arrays: inside ``jax.jit`` (every "
                  "Keras training step) only shapes and dtypes are checked."]
    if spec.aliases:
        lines += ["", "Also available as " + ", ".join(f"``lossfuncs.{a}``" for a in spec.aliases)
                  + "."]
    if spec.example:
        lines += ["", "Example::", "", "    >>> import lossfuncs as lf"]
        lines += ["    " + line for line in spec.example.splitlines()]
    return "\n".join(lines)


def _module(fn):
    return fn.__module__.rsplit(".", 1)[-1]


__all__ = ["BLOCK", "KERNEL_NUMPY", "Gradient", "Loss"]
