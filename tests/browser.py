"""Real Chromium (Debian's, through Playwright) against the built site on a loopback server.

`playwright install` cannot download browsers here, so Playwright drives the system
Chromium through `executable_path`. Also runnable as a script to take screenshots:
`python -m tests.browser site en/ ar/ zh/` writes .build/screenshots/*.png.
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

# One page of every template, per language: home, ordinary page, listings, a launch page, a
# fact sheet, videos, news and a post, the translations dashboard, the 404 page.
TEMPLATE_PATHS = ["", "about/", "assessments/", "assessments/global/", "factsheets/", "factsheets/africa/", "videos/", "news/",
                  "news/logo-use-policy/", "translations/", "404.html"]

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshots(site: Path, paths: list[str], out: Path, width: int = 1280, height: int = 900) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve_directory(site) as origin, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        for path in paths:
            page.goto(f"{origin}/{path}", wait_until="networkidle")
            target = out / f"{path.strip('/').replace('/', '_') or 'root'}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
    return written


if __name__ == "__main__":
    site_dir = Path(sys.argv[1])
    width = int(os.environ.get("WIDTH", "1280"))
    for shot in screenshots(site_dir, sys.argv[2:], Path(".build/screenshots"), width=width):
        print(shot)
