"""The course kit: what the chapters use besides the losses.

Kept apart from :mod:`lossfuncs` (the library) so that ``import lossfuncs`` stays a
NumPy-only import. ``plotting`` is the one figure style, ``datasets`` the seeded toy
data, ``models`` the small Keras models, ``article`` the source article's code as
published (bugs kept, for comparison only).
"""

import atexit as _atexit
import gc as _gc

# A chapter's kernel ends holding every object its imports created (JAX, Keras,
# matplotlib: over a million). At exit the interpreter would scan them all for
# reference cycles, only to free memory the ending process gives back anyway;
# freezing them first skips that scan (up to a CPU-second per chapter).
_atexit.register(_gc.freeze)

