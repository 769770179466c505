"""Helpers of the output tests: system tools, and the built site served to a real browser.

Tests that need a system tool (pdftotext, chromium...) or a build output skip with a
reason when it is missing -- except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parent.parent / "_build" / "html"


def skip_or_fail(msg: str) -> None:
    """Skip locally, fail in CI."""
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(msg + " -- required in CI", pytrace=False)
    pytest.skip(msg)


def require_tool(name: str, hint: str = "") -> str:
    """Path of a system executable; skip (locally) or fail (CI) when absent."""
    path = shutil.which(name)
    if not path:
        skip_or_fail(f"system tool {name!r} not found ({hint}); run `make system-deps`")
    return path


class _Server(http.server.ThreadingHTTPServer):
    # socketserver's listen backlog is 5 and SimpleHTTPRequestHandler speaks HTTP/1.0
    # (one connection per file): a page opening ~80 files on a busy machine overflows
    # it, the kernel drops SYNs and Chromium retries after 1, 2, 4, 8, 16 s.
    request_queue_size = 256
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a page closed mid-download resets its connection: not a site fault
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def server():
    """The built site on a free 127.0.0.1 port; yields its base URL."""
    if not (SITE / "index.html").exists():
        skip_or_fail("the site is not built: run `make book` first")
    httpd = _Server(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """Playwright driving the system's Chromium (CHROMIUM=/path overrides; Playwright never
    downloads one), headless, as root, with nothing of its own reaching the network."""
    exe = os.environ.get("CHROMIUM") or next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if not exe:
        skip_or_fail("system tool 'chromium' not found (Debian package chromium); "
                     "run `make system-deps`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-dev-shm-usage"])
        yield browser
        browser.close()
