"""Content-Security-Policy: on every page, no inline script without its hash, no origin but
the site's own (and the players' hosts as frames); no violation in real Chromium."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from scripts.csp import inline_script_hashes
from scripts.languages import UN_LANGUAGES
from tests.browser import TEMPLATE_PATHS
from tests.helpers import find, parse



def csp_of(html_path):
    metas = [m.attrs["content"] for m in find(parse(html_path), "meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1, html_path
    return dict(part.strip().split(" ", 1) for part in metas[0].split(";"))


def test_every_page_carries_a_policy_with_its_inline_scripts_hashed(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 150
    for html in pages:
        policy = csp_of(html)
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
        for digest in inline_script_hashes(html.read_text(encoding="utf-8")):
            assert digest in policy["script-src"], html
        assert set(re.findall(r"https://\S+", " ".join(policy.values()))) <= {
            "https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://player.bilibili.com", "https://w.soundcloud.com"}
    headers = (site / "_headers").read_text(encoding="utf-8")
    assert headers.startswith("/*\n  Content-Security-Policy: default-src 'self';") and "frame-ancestors 'self'" in headers


def test_no_inline_style_the_policy_would_silently_drop(site):
    """style-src allows no inline styles, so an aligned Markdown table column (the benchmark
    page has them) must come out as align="…", not style="text-align: …"."""
    styled = [str(p.relative_to(site)) for p in site.rglob("*.html") if re.search(r"<[a-z][^>]*\sstyle=", p.read_text(encoding="utf-8"))]
    assert styled == []
    assert '<td align="right">' in (site / "en" / "benchmark" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_no_policy_violation_console_error_or_foreign_request_on_any_template(browser, origin, lang):
    """Every template page of the language opens at once, in tabs of one context, and each is
    read once its network has been idle for half a second (the waits overlap)."""
    context = browser.new_context()
    problems: dict[str, list[str]] = {}
    pages = {}
    for path in [""] + [f"{lang}/{t}" for t in TEMPLATE_PATHS]:
        page = context.new_page()
        found = problems.setdefault(path, [])
        page.on("console", lambda m, found=found: found.append(m.text) if m.type == "error" else None)
        # Privacy: nothing may be requested from another origin before the reader interacts.
        page.on("request", lambda r, found=found: found.append(f"request to another origin: {r.url}")
                if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != urlsplit(origin).netloc else None)
        page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                             "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
        page.goto(f"{origin}/{path}", wait_until="commit")
        pages[path] = page
    for path, page in pages.items():
        page.wait_for_load_state("networkidle")
        if path == f"{lang}/{TEMPLATE_PATHS[0]}":  # search once per language: its WebAssembly needs the policy's leave
            page.bring_to_front()
            page.keyboard.press("/")  # search compiles WebAssembly: the policy must allow it, and nothing more
            page.keyboard.type("IPBES")
            page.wait_for_selector(".ipbes-search__result", state="attached", timeout=30_000)
            page.wait_for_load_state("networkidle")
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}
