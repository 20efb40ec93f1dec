"""In-page links land somewhere, and heading ids are words in the heading's own script.

A shared deep link such as `/zh/about/#评估` should say where it points; ids such as `_1` or
`ipbes-` (what an ASCII-only slug makes of Chinese, Arabic or Russian) say nothing and collide
on listing pages (scripts/headings.py).
"""
from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from scripts.languages import UN_LANGUAGES

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Fragments that need no element (HTML: the empty fragment and "top" scroll to the top).
ALWAYS_THERE = {"", "top"}


class Anchors(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.headings: list[list] = []  # [id, text, made from the text]
        self._heading: list | None = None
        self._skip = 0  # inside a heading's permalink (its ¶ is no part of the text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.links.append(unquote(attrs["href"][1:]))
        if tag in HEADINGS and attrs.get("id"):
            self._heading = [attrs["id"], "", False]
            self.headings.append(self._heading)
        if self._heading is not None and tag == "a":
            # Markdown's headings carry a permalink (¶), the blog's excerpts a link to the post;
            # the templates' own headings have fixed ids and neither.
            classes = (attrs.get("class") or "").split()
            self._heading[2] = self._heading[2] or bool({"headerlink", "toclink"} & set(classes))
            if "headerlink" in classes:
                self._skip += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._skip:
            self._skip -= 1
        if tag in HEADINGS:
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None and not self._skip:
            self._heading[1] += data


def read(path: Path) -> Anchors:
    parser = Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def letters(text: str) -> set[str]:
    """The scripts of the text's letters, by the first word of their Unicode names (LATIN, CJK, ARABIC…)."""
    return {unicodedata.name(c, "?").split()[0] for c in text if unicodedata.category(c).startswith("L")}


def heading_id_problems(heading_id: str, text: str) -> list[str]:
    problems = []
    if not letters(heading_id):
        problems.append("has no letters")
    if re.search(r"^[-_]|[-_]$", heading_id):
        problems.append("starts or ends with a separator")
    missing = letters(text) - letters(heading_id)
    if missing:
        problems.append(f"drops the heading's {', '.join(sorted(missing))} letters")
    return problems


def test_the_check_rejects_ascii_only_slugs():
    assert heading_id_problems("_1", "关键信息") == ["has no letters", "starts or ends with a separator", "drops the heading's CJK letters"]
    assert heading_id_problems("ipbes-", "IPBES-7: пленарная сессия") == ["starts or ends with a separator", "drops the heading's CYRILLIC letters"]
    assert heading_id_problems("ipbes-7-пленарная-сессия", "IPBES-7: пленарная сессия") == []
    assert heading_id_problems("الرسائل-الرئيسية", "الرسائل الرئيسية") == []


def test_every_in_page_link_has_its_target(site):
    pages = sorted(Path(site).resolve().rglob("*.html"))
    assert len(pages) > 100
    broken = []
    checked = 0
    for page in pages:
        anchors = read(page)
        ids = set(anchors.ids)
        checked += len(anchors.links)
        for fragment in sorted(set(anchors.links) - ids - ALWAYS_THERE):
            broken.append(f"{page.relative_to(Path(site).resolve())}: href=\"#{fragment}\" has no element with that id")
    assert checked > 500, f"only {checked} in-page links found"
    assert not broken, "\n".join(broken[:40])


def test_fact_sheets_skip_to_their_title(site):
    for lang in UN_LANGUAGES:
        page = read(Path(site) / lang / "factsheets" / "global" / "index.html")
        skip = page.links[0]
        assert skip == "ipbes-cover-title" and skip in page.ids, (lang, skip)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_heading_ids_are_words_in_the_headings_script(site, lang):
    problems = []
    for page in sorted((Path(site) / lang).resolve().rglob("*.html")):
        anchors = read(page)
        for heading_id, text, slugged in anchors.headings:
            if not slugged:
                continue
            for problem in heading_id_problems(heading_id, text):
                problems.append(f"{page.relative_to(Path(site).resolve())}: id=\"{heading_id}\" of \"{' '.join(text.split())}\" {problem}")
        duplicates = sorted({i for i in anchors.ids if anchors.ids.count(i) > 1})
        if duplicates:
            problems.append(f"{page.relative_to(Path(site).resolve())}: ids used twice: {duplicates}")
    assert not problems, "\n".join(problems[:40])


def test_heading_ids_keep_no_runs_of_separators():
    from scripts.headings import heading_id
    assert heading_id("Comment dire « IPBES »", "-") == "comment-dire-ipbes"
    assert heading_id("Évaluation mondiale — 2019", "-") == "évaluation-mondiale-2019"
    assert heading_id("关键信息", "-") == "关键信息"
