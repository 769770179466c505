"""The course kit: what the chapters use besides the losses.

Kept apart from :mod:`lossfuncs` (the library) so that ``import lossfuncs`` stays a
NumPy-only import. ``plotting`` is the one figure style, ``datasets`` the seeded toy
data, ``models`` the small Keras models, ``article`` the source article's code as
published (bugs kept, for comparison only).
"""
