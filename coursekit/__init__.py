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

