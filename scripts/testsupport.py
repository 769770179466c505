"""Helpers shared by the output tests (tests/test_book.py, test_site.py, test_pdf.py).

Tests that need a system tool (pdftotext, chromium...) skip with a reason
when it is missing -- except in CI (``CI=true``), where a missing tool or a
missing build output is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(msg: str) -> None:
    """Skip locally, fail in CI."""
    if in_ci():
        pytest.fail(msg + " -- required in CI", pytrace=False)
    pytest.skip(msg)


def require_tool(name: str, hint: str = "") -> str:
    """Path of a system executable; skip (locally) or fail (CI) when absent."""
    path = shutil.which(name)
    if not path and os.path.isabs(name) and os.access(name, os.X_OK):
        path = name
    if path:
        return path
    skip_or_fail(f"system tool {name!r} not found" + (f" ({hint})" if hint else "")
                 + "; run `make system-deps`")
    raise AssertionError("unreachable")
