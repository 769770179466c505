"""The course kit: what the chapters use besides the losses.

Kept apart from :mod:`lossfuncs` (the library) so that ``import lossfuncs`` stays a
NumPy-only import. ``plotting`` is the one figure style, ``datasets`` the seeded toy
data, ``models`` the small Keras models, ``article`` the source article's code as
published (bugs kept, for comparison only).
"""

import atexit as _atexit
import gc as _gc

# Garbage collection in a chapter's kernel (which imports the course kit in its first
# cell). JAX tracing and matplotlib drawing allocate millions of short-lived objects
# next to the million long-lived ones that JAX, Keras and matplotlib create on import.
# Python's default, a collection every 700 net allocations, then spends about a
# CPU-second per chapter scanning; one every 50 000 spends a quarter of that, for a
# few megabytes of garbage held a little longer.
_gc.set_threshold(50_000, 20, 20)
# At exit the interpreter would scan every live object for reference cycles, only to
# free memory the ending process gives back anyway; freezing them first skips that
# scan (up to a CPU-second per chapter with JAX and Keras loaded).
_atexit.register(_gc.freeze)


def _single_threaded_blas():
    """Run OpenBLAS (NumPy's and SciPy's linear algebra) on one thread, unless the
    environment already sets ``OPENBLAS_NUM_THREADS``.

    The course's arrays are small: a multi-threaded BLAS wakes its threads for every
    call and lets them spin, which costs more CPU time than the arithmetic (an
    L-BFGS fit of two parameters spends most of its time there). Libraries loaded
    from now on read the variable; the ones already loaded (NumPy's) are told
    through their own ``set_num_threads`` function. Elsewhere than on Linux (no
    ``/proc/self/maps``) only the variable is set.
    """
    import ctypes
    import os

    if "OPENBLAS_NUM_THREADS" in os.environ:
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return
    names = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
             "openblas_set_num_threads64_", "openblas_set_num_threads")
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in names:
            if hasattr(lib, name):
                getattr(lib, name)(1)
                break


_single_threaded_blas()
