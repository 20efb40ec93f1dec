"""Content-Security-Policy for every page: scripts only from the site itself or inline by
their SHA-256 hash (no 'unsafe-inline'), no third-party origin at all, except the video and
audio players' hosts as frames, loaded only when a reader presses play.

Search (Pagefind) compiles WebAssembly, which needs 'wasm-unsafe-eval' and nothing more:
no 'unsafe-inline', no 'unsafe-eval'.

Delivered twice: as a <meta> tag at the top of each page (the templates' own inline
scripts that the page holds, so it works on any static host) and as a `_headers` file (Netlify,
Cloudflare Pages and others read it) with the union of the hashes and the directives a
<meta> tag cannot carry (frame-ancestors).
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from .embeds.providers import FRAME_HOSTS

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
HEAD = re.compile(r"<head[^>]*>\s*(<meta charset=[^>]*>)?", re.I)
META_MARK = 'http-equiv="Content-Security-Policy"'


def inline_script_hashes(html: str) -> list[str]:
    """'sha256-…' of every inline script that runs (not external, not a JSON data block)."""
    hashes = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs) or re.search(r'type\s*=\s*"application/(?:ld\+)?json"', attrs):
            continue
        digest = base64.b64encode(hashlib.sha256(match.group("body").encode("utf-8")).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    return sorted(set(hashes))


def policy(hashes: list[str], for_header: bool = False) -> str:
    directives = [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes) if hashes else "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "frame-src " + " ".join(FRAME_HOSTS),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if for_header:
        directives.append("frame-ancestors 'self'")
    return "; ".join(d.strip() for d in directives)


def add_meta(html: str, content: str) -> str:
    """The policy as the first thing the page's <head> says after its charset."""
    if META_MARK in html:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', "", html)
    tag = f'<meta {META_MARK} content="{content}">'
    match = HEAD.search(html)
    if not match:
        return html
    return html[:match.end()] + "\n    " + tag + html[match.end():]


def apply_csp(site: Path, allowed: set[str]) -> list[str]:
    """Adds the <meta> policy to every HTML page under `site` and writes `site/_headers`.

    `allowed`: the hashes of the inline scripts the templates own, known before the build
    (output_policy.template_script_hashes), never collected from the output. A page's policy
    names those of its inline scripts that are allowed; any other inline script gets no hash
    (so it would not run), and the output policy stops the build on it."""
    allowed = {f"'{h}'" if not h.startswith("'") else h for h in allowed}
    every = set()
    for page in sorted(Path(site).rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        hashes = sorted(set(inline_script_hashes(html)) & allowed)
        every.update(hashes)
        page.write_text(add_meta(html, policy(hashes)), encoding="utf-8")
    header = policy(sorted(every), for_header=True)
    (Path(site) / "_headers").write_text(
        "/*\n"
        f"  Content-Security-Policy: {header}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n", encoding="utf-8")
    return sorted(every)
