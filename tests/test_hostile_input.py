"""Hostile or careless HTML in Markdown stops the build with the file, the line and why."""
from __future__ import annotations

import pytest

from scripts.build import build_site
from scripts.errors import BuildError
from scripts.html_policy import check_html


@pytest.mark.parametrize("snippet,expected", [
    ("<script>alert(1)</script>", "the HTML tag <script> is not allowed in content; scripts are not allowed in content"),
    ('<img src="x.png" onerror="alert(1)">', "the event handler 'onerror' on <img> is not allowed"),
    ('<a href="javascript:alert(1)">x</a>', "a javascript: address is not allowed"),
    ('<a href=" jav&#x09;ascript:alert(1)">x</a>', "a javascript: address is not allowed"),
    ("[click](javascript:alert(1))", "a javascript: address is not allowed"),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "a data: address is not allowed"),
    ('<iframe src="https://www.youtube.com/embed/x"></iframe>', "the HTML tag <iframe> is not allowed in content; embed videos and audio with the /// video"),
    ('<object data="x.swf"></object>', "the HTML tag <object> is not allowed"),
    ('<embed src="x.swf">', "the HTML tag <embed> is not allowed"),
    ("<style>body{display:none}</style>", "the HTML tag <style> is not allowed in content; styles come from the design tokens"),
    ('<p style="color: red">x</p>', "an inline style on <p> is not allowed"),
    ('A paragraph.\n{: onclick="alert(1)" }', "the event handler 'onclick' in an attribute list is not allowed"),
    ('![x](a.png){ style="width:1px" }', "an inline style in an attribute list is not allowed"),
    ('<div onmouseover="x()">y</div>', "the event handler 'onmouseover' on <div> is not allowed"),
    ('<a href="x" target="_blank">x</a>', "the attribute 'target' on <a> is not allowed"),
])
def test_hostile_html_is_refused_with_the_line(tmp_path, snippet, expected):
    problems = check_html(tmp_path / "p.md", f"# Title\n\nSome text.\n\n{snippet}\n")
    assert problems and problems[0].line == 5 + snippet.count("\n") and expected in problems[0].message, [str(p) for p in problems]


@pytest.mark.parametrize("snippet", [
    '<div class="grid cards" markdown>\n\n- **[A](a.md)**\n\n</div>',
    '<figure markdown>\n![A](a.png){ width="300" loading="lazy" }\n<figcaption>A</figcaption>\n</figure>',
    "```html\n<script>shown as code</script>\n```", "Use `<iframe>` never.", "[A page](about.md) and [a site](https://example.org/).",
    '<abbr title="Intergovernmental Science-Policy Platform on Biodiversity and Ecosystem Services">IPBES</abbr>',
    "Text with a heading id.\n{ #anchor .class }",
])
def test_allowed_html_passes(tmp_path, snippet):
    assert check_html(tmp_path / "p.md", f"# Title\n\n{snippet}\n") == []


def test_the_build_refuses_hostile_pages_and_reports_them_all(project):
    page = project / "docs/zh/about.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    page.write_text("\n".join(lines + ['<img src="a.png" onerror="steal()">', "[x](javascript:void(0))"]) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["zh"], report=lambda *_: None)
    messages = [str(p) for p in error.value.problems]
    assert any(f"docs/zh/about.md:{len(lines) + 1}: the event handler 'onerror' on <img> is not allowed" in m for m in messages), messages
    assert any(f"docs/zh/about.md:{len(lines) + 2}: a javascript: address is not allowed" in m for m in messages), messages
    assert not (project / "site").exists()
