"""Benchmarks for lossfuncs: speed and exactness (``make bench``, i.e.
``python -m benchmarks.run``), course build times, and the mpmath references the tests
share (:mod:`benchmarks.reference`). The appendix chapter reads :data:`RESULTS`.
"""

from pathlib import Path

#: Where ``make bench`` writes its results (``latest.json``) and the baseline.
RESULTS = Path(__file__).resolve().parent / "results"
