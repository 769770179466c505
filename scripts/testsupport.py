"""Helpers shared by the output tests (tests/test_book.py, test_site.py, test_pdf.py,
test_explorables.py): system tools, and the built site served to a real browser.

Tests that need a system tool (pdftotext, chromium...) skip with a reason
when it is missing -- except in CI (``CI=true``), where a missing tool or a
missing build output is a failure.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parent.parent / "_build" / "html"


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


#: Headless Chromium as root, with nothing of its own reaching the network.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    """The system's Chromium (CHROMIUM=/path overrides); Playwright never downloads one."""
    env = os.environ.get("CHROMIUM")
    if env:
        return require_tool(env)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return require_tool("chromium", "Debian package chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


class _Server(http.server.ThreadingHTTPServer):
    # socketserver's listen backlog is 5 and SimpleHTTPRequestHandler speaks
    # HTTP/1.0 (one connection per file): a page opening ~80 files on a busy
    # machine overflows the backlog, the kernel drops SYNs and Chromium retries
    # after 1, 2, 4, 8, 16 s -- long enough to time a page out.
    request_queue_size = 256
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a page closed mid-download resets its connection: not a site fault
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_site(hint: str = "make book"):
    """The built site on a free 127.0.0.1 port; yields its base URL."""
    if not (SITE / "index.html").exists():
        skip_or_fail(f"the site is not built: run `{hint}` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def launch_browser():
    """Playwright's Chromium, the system binary, with :data:`CHROMIUM_FLAGS`."""
    exe = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
