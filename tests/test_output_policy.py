"""The output policy on hand-written hostile pages and on real built pages."""
from __future__ import annotations

from pathlib import Path

import material
import pytest

from scripts import ROOT
from scripts import output_policy as op

FIXTURES = Path(__file__).parent / "fixtures" / "output_policy"
TEMPLATE_DIRS = [ROOT / "overrides", Path(material.__file__).parent / "templates"]
LANGS = ["en", "fr", "es", "zh", "ar", "ru"]


@pytest.fixture(scope="module")
def hashes() -> set[str]:
    return op.template_script_hashes(TEMPLATE_DIRS, [f"/{lang}/" for lang in LANGS])


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><meta charset=utf-8><title>t</title>{head}</head><body>{body}</body></html>"


def messages(text: str, hashes=()) -> list[str]:
    return [b.message for b in op.check_html(text, hashes)]


def test_real_built_pages_pass(hashes):
    for name in ("built-page.html", "built-404.html"):
        assert op.check_html((FIXTURES / name).read_text(encoding="utf-8"), hashes) == [], name


def test_real_page_fails_without_the_template_hashes():
    assert any("inline script" in m for m in messages((FIXTURES / "built-page.html").read_text(encoding="utf-8")))


def test_hashes_come_from_templates_with_every_base_url(hashes):
    scope = '__md_scope=new URL("{base}",location)'
    bodies = [body for _, body in op.template_scripts(TEMPLATE_DIRS) if "__md_scope" in body]
    assert len(bodies) == 1
    for base in ("..", "../../..", "/en/"):
        rendered = bodies[0].replace("{{ config.extra.scope | d(base_url) }}", base)
        assert scope.format(base=base) in rendered
        assert op.script_hash(rendered) in hashes
    deeper = bodies[0].replace("{{ config.extra.scope | d(base_url) }}", "/".join([".."] * (op.MAX_PAGE_DEPTH + 1)))
    assert op.script_hash(deeper) not in hashes


def test_quoted_hashes_are_accepted(hashes):
    quoted = {f"'{h}'" for h in hashes}
    assert op.check_html((FIXTURES / "built-page.html").read_text(encoding="utf-8"), quoted) == []


def test_title_injected_script_is_caught(hashes):
    text = page("<p>x</p>", head="").replace("<title>t</title>", "<title>About</title><script>alert(1)</script></title>")
    found = op.check_html(text, hashes)
    assert len(found) == 1 and "inline script" in found[0].message and "alert(1)" in found[0].excerpt


def test_allowed_script_text_with_anything_appended_is_caught(hashes):
    body = next(b for _, b in op.template_scripts(TEMPLATE_DIRS) if "palette" in b)
    assert messages(page(f"<script>{body}</script>"), hashes) == []
    assert messages(page(f"<script>{body};alert(1)</script>"), hashes)


@pytest.mark.parametrize("markup", [
    "<script/x>alert(1)</script>",
    "<SCRIPT >alert(1)</SCRIPT >",
    "<script\n>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
])
def test_unusual_script_syntax_is_caught(markup, hashes):
    assert messages(page(markup), hashes)


def test_meta_refresh_split_over_two_lines():
    found = messages(page("", head='<meta\nhttp-equiv="refresh"\ncontent="0;url=https://evil.example">'))
    assert len(found) == 1 and "meta http-equiv" in found[0]


def test_meta_refresh_in_body_and_uppercase():
    assert messages(page('<META HTTP-EQUIV=Refresh CONTENT="0;url=/x">'))


def test_csp_meta_in_head_passes_but_not_in_body():
    csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'
    assert messages(page("", head=csp)) == []
    assert messages(page(csp))


@pytest.mark.parametrize("markup,expected", [
    ("<img src=x onerror=alert(1)>", "event handler"),
    ("<p><a href='#' OnClick='x()'>a</a></p>", "event handler"),
    ("<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>", "javascript:"),
    ('<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>', "javascript:"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "javascript:"),
    ('<a href="  JaVaScRiPt:alert(1)">x</a>', "javascript:"),
    ('<a href="&#1;javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="java\nscript:alert(1)">x</a>', "javascript:"),
    ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "data:"),
    ('<img srcset="a.png 1x, vbscript:x 2x">', "vbscript:"),
    ('<video poster="javascript:x"></video>', "javascript:"),
    ('<button formaction="javascript:x">b</button>', "javascript:"),
    ("<svg><animate attributeName=href values='javascript:alert(1)'/></svg>", "animation"),
    ("<svg><foreignObject><p>x</p></foreignObject></svg>", "foreignObject"),
    ("<base href='https://evil.example/'>", "<base>"),
    ("<form action='https://evil.example/'><input></form>", "forms"),
    ("<object data='x.swf'></object>", "<object>"),
    ("<embed src='x.swf'>", "<embed>"),
    ("<iframe src='https://evil.example'></iframe>", "<iframe>"),
    ("<style>body{}</style>", "<style>"),
    ("<p style='color:red'>x</p>", "style attribute"),
    ("<noscript><meta http-equiv=refresh content='0;url=https://evil.example'></noscript>", "<noscript>"),
    ("<script src='https://evil.example/x.js'></script>", "another origin"),
    ("<script src='//evil.example/x.js'></script>", "another origin"),
    ("<script src='/\\evil.example/x.js'></script>", "another origin"),
    ("<script type=application/json>{}</script>", "inline script"),
])
def test_every_breach_kind(markup, expected):
    found = messages(page(markup))
    assert any(expected in m for m in found), found


@pytest.mark.parametrize("markup", [
    '<a href="https://ipbes.net/">x</a>',
    '<a href="mailto:secretariat@ipbes.net">x</a>',
    '<a href="../about/">x</a>',
    '<img src="a.png" srcset="a-480.webp 480w, a-960.webp 960w" alt="">',
    '<script src="../assets/ipbes/site.js"></script>',
    '<script src="/assets/x.js"></script>',
    '<p title="javascript:alert(1)">a title is only text</p>',
    "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>",
])
def test_harmless_markup_passes(markup):
    assert messages(page(markup)) == []


def test_only_materials_search_form_passes():
    search = '<div class="md-search__inner" role="search"><form class="md-search__form" name="search"><input name="query"></form></div>'
    assert messages(page(search)) == []
    assert messages(page(search.replace('name="search"', 'name="search" action="https://evil.example"')))
    assert messages(page(search.replace("md-search__inner", "content")))


@pytest.mark.parametrize("svg,expected", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "javascript:"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
     b'<p>x</p></body></foreignObject></svg>', "foreignobject"),
    (b'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>', "well-formed"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><text>unclosed</svg>', "well-formed"),
    (b'<?xml-stylesheet type="text/xsl" href="x.xsl"?><feed/>', "stylesheet"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></feed>', "<script>"),
])
def test_hostile_svg_and_xml(svg, expected):
    found = [b.message for b in op.check_xml(svg)]
    assert any(expected in m for m in found), found


def test_real_logo_and_sitemap_style_xml_pass():
    for logo in (ROOT / "brand" / "logos").glob("*.svg"):
        assert op.check_xml(logo.read_bytes()) == [], logo
    sitemap = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
               b'<url><loc>https://x.org/en/</loc><xhtml:link rel="alternate" hreflang="fr" href="https://x.org/fr/"/></url></urlset>')
    assert op.check_xml(sitemap) == []


def test_check_site_reports_source_file_and_output(tmp_path, hashes):
    site = tmp_path / "site"
    (site / "en" / "about").mkdir(parents=True)
    (site / "en" / "about" / "index.html").write_text(page("<img src=x onerror=alert(1)>"), encoding="utf-8")
    (site / "en" / "index.html").write_text((FIXTURES / "built-page.html").read_text(encoding="utf-8"), encoding="utf-8")
    (site / "en" / "evil.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    (site / "en" / "x.xhtml").write_text("<html/>", encoding="utf-8")
    (site / "en" / "feed.xml").write_bytes(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>ok</title></feed>')
    (site / "en" / "link.html").symlink_to("/etc/passwd")
    source = tmp_path / "docs" / "en" / "about.md"

    def source_of(path: Path):
        return (source, 3) if path.parent.name == "about" else None

    problems = op.check_site(site, hashes, source_of)
    by_file = {(p.file, p.line): p.message for p in problems}
    assert len(problems) == 4, [str(p) for p in problems]
    assert "en/about/index.html" in by_file[(source, 3)] and "onerror" in by_file[(source, 3)]
    assert any(p.file == site / "en" / "evil.svg" for p in problems)
    assert any(p.file == site / "en" / "x.xhtml" for p in problems)
    assert any(p.file == site / "en" / "link.html" and "symbolic link" in p.message for p in problems)


def test_breaches_per_file_are_capped():
    text = page("<img src=x onerror=a()>" * (op.MAX_BREACHES_PER_FILE + 5))
    found = op._cap(op.check_html(text, ()))
    assert len(found) == op.MAX_BREACHES_PER_FILE + 1
    assert "5 more" in found[-1].message


def test_short_text_naming_a_file_is_parsed_as_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    assert op.check_html("x.html", ()) == []
