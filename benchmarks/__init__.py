"""Benchmarks for lossfuncs: speed, exactness and course build times.

Run them with ``make bench`` (or ``python benchmarks/run.py --help``). The
exactness references in :mod:`benchmarks.accuracy` are shared with the appendix
chapter ``chapters/accuracy_speed.md``.
"""
