"""The input half of the trust boundary (issue 12): every hostile example of the issue, fed
to the function that reads it, ends in `file:line: what is wrong; how to fix it`, never
in a traceback, a hang or a page published that should not be.

No site is built: each test calls the checks on a few small files in tmp_path. Inputs are
the issue's own sizes (a 22 kB page, a 300 kB word), which the old patterns took hours
and minutes on; the generous time bounds below only catch a return to that.
"""
from __future__ import annotations

import datetime
import io
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from scripts import content, limits
from scripts.brand import text as brand_text
from scripts.brand.findings import as_text, cap_findings, Finding
from scripts.datafiles import ALLOWED_URL_HOSTS, load_data_file, parse_yaml, url_problem
from scripts.embeds.spec import EmbedError, build_embed
from scripts.errors import BuildError
from scripts.html_policy import check_html
from scripts.images import image_problem, variants
from scripts.languages import UN_LANGUAGES

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
FUTURE = "2099-01-01T00:00:00+00:00"
SLOW = 10.0  # seconds; the old code took minutes to hours on the same inputs


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


# 1. Front matter and data files, parsed

@pytest.mark.parametrize("front", [
    f"embargo: {FUTURE}",
    f'"embargo": {FUTURE}',
    f"'embargo' : '{FUTURE}'",
    f"? embargo\n: {FUTURE}",
    f"{{embargo: '{FUTURE}'}}",
    f"title: A\nembargo:\n  {FUTURE}",
    f"title: A\nembargo: {FUTURE}\n# embargo: none",
])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_the_embargo_is_found_in_every_yaml_spelling(tmp_path, front, bom):
    write(tmp_path / "docs/en/secret.md", f"{bom}---\n{front}\n---\n# Secret\n")
    write(tmp_path / "docs/en/open.md", "---\ntitle: Open\n---\n# Open\n")
    assert set(content.embargoed_pages(tmp_path / "docs", ["en"], NOW)) == {("en", "secret.md")}
    assert content.read_front_matter(tmp_path / "docs/en/secret.md")[1] == []


def test_a_page_saved_with_a_byte_order_mark_keeps_its_front_matter(tmp_path):
    page = write(tmp_path / "docs/en/about.md", "\ufeff---\ntitle: About\n---\n# About\n")
    meta, problems = content.read_front_matter(page)
    assert meta == {"title": "About"} and problems == []
    assert content.FRONT_MATTER.match(page.read_text(encoding="utf-8"))  # every reader of the block finds it


@pytest.mark.parametrize("front,expected", [
    (f"embargo: {FUTURE}\nembargo: null", "the key 'embargo' is given twice (first on line 2); keep one of them"),
    ("embargo: [oops", "front matter is not valid YAML"),
    ("embargo: next tuesday", None),
])
def test_a_doubtful_embargo_holds_the_page_back(tmp_path, front, expected):
    page = write(tmp_path / "docs/en/secret.md", f"---\n{front}\n---\n# Secret\n")
    assert ("en", "secret.md") in content.embargoed_pages(tmp_path / "docs", ["en"], NOW)
    if expected:
        assert any(expected in m for m in messages(content.read_front_matter(page)[1]))


BILLION_LAUGHS = """videos:
  - &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  - &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  - &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  - &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  - &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  - &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  - &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_yaml_aliases_are_refused_in_data_files(tmp_path):
    path = write(tmp_path / "data/videos.yml", BILLION_LAUGHS)
    with pytest.raises(BuildError) as error:
        load_data_file(path, "videos data file")
    assert messages(error.value.problems) == [f"{path}:2: the YAML anchor '&a' is not allowed; write each value out in full"]


def test_yaml_aliases_are_refused_in_front_matter(tmp_path):
    page = write(tmp_path / "docs/en/p.md", "---\ntitle: &t About\ndescription: *t\n---\n")
    assert messages(content.read_front_matter(page)[1]) == [f"{page}:2: the YAML anchor '&t' is not allowed; write each value out in full"]


@pytest.mark.parametrize("depth", [limits.MAX_NESTING + 1, 300, 100_000])
def test_deep_nesting_is_refused_without_recursion(tmp_path, depth):
    page = write(tmp_path / "docs/en/p.md", "---\ntitle: T\nhide: " + "[" * depth + "]" * depth + "\n---\n")
    (meta, problems), seconds = timed(content.read_front_matter, page)
    assert messages(problems) == [f"{page}:3: lists and mappings are nested more than {limits.MAX_NESTING} levels deep; flatten the structure"]
    assert seconds < SLOW
    data = write(tmp_path / "data/videos.yml", "videos:\n" + "".join("  " * i + "  -\n" for i in range(depth if depth < 1000 else 1000)))
    with pytest.raises(BuildError) as error:
        load_data_file(data)
    assert "nested more than" in error.value.problems[0].message


def test_nesting_up_to_the_limit_is_read(tmp_path):
    depth = limits.MAX_NESTING - 1  # the front matter mapping is one level
    parsed = parse_yaml("hide: " + "[" * depth + "]" * depth, tmp_path / "p.md")
    assert parsed.problems == [] and isinstance(parsed.data["hide"], list)


@pytest.mark.parametrize("value,expected", [
    ("2026-02-30", "'2026-02-30' is not a real date; write an existing date as YYYY-MM-DD, like 2026-11-24"),
    ("9" * 5000, "the value '999"),
])
def test_a_value_yaml_cannot_build_is_a_problem_not_a_traceback(tmp_path, value, expected):
    page = write(tmp_path / "docs/en/p.md", f"---\ntitle: T\ndate: {value}\n---\n")
    problems = messages(content.read_front_matter(page)[1])
    assert len(problems) == 1 and problems[0].startswith(f"{page}:3: {expected}"), problems
    data = write(tmp_path / "data/videos.yml", f"videos:\n  - key: a\n    date: {value}\n")
    with pytest.raises(BuildError) as error:
        load_data_file(data)
    assert messages(error.value.problems)[0].startswith(f"{data}:3: {expected}")


# 2. Bounded work: linear patterns, lengths bounded first

def test_a_tag_opening_followed_by_many_spaces_is_read_in_linear_time(tmp_path):
    spaces = " " * 22_000
    page = write(tmp_path / "docs/en/p.md", "---\ntitle: T\n---\n# T\n\n<a" + " \n".join([" " * 100] * 220) + "\n")
    problems, seconds = timed(content.check_pages, tmp_path / "docs", ["en"], {"main.html"})
    assert problems == [] and seconds < SLOW and page.stat().st_size > 22_000
    for body, expected in (("<a" + spaces, []), ("<p" + spaces + "x", []),
                           ("x\n<a " + spaces + "onclick=x>", [(2, "the event handler 'onclick' on <a> is not allowed")])):
        problems, seconds = timed(check_html, page, body)
        assert [(p.line, p.message.split(":")[0]) for p in problems] == expected and seconds < SLOW


def test_one_300_kb_word_is_refused_quickly_and_the_prose_patterns_are_linear(tmp_path, monkeypatch):
    word = "a" * 300_000
    page = write(tmp_path / "docs/en/p.md", f"# T\n\n{word}\n")
    problems, seconds = timed(content.check_pages, tmp_path / "docs", ["en"], set())
    assert messages(problems) == [f"{page}:3: the line is 300,000 characters long, over the limit of {limits.MAX_LINE_CHARS:,}; "
                                  "break it into shorter lines (a paragraph may go on over several lines)"]
    assert seconds < SLOW
    monkeypatch.setattr(brand_text, "MAX_LINE_CHARS", 10_000_000)  # the patterns themselves, with no bound before them
    for line in (word, word + "@", "a." * 150_000, "<" * 300_000, "{" * 300_000, "](" * 150_000, "IPBES Network " * 20_000):
        brand_text.prose_lines.cache_clear()
        _, seconds = timed(brand_text.check_acronym_form, page, f"# T\n\n{line}\n", tmp_path, [], "error")
        assert seconds < SLOW, line[:20]


def test_a_page_over_the_size_limit_is_refused_unread(tmp_path):
    page = tmp_path / "docs/en/p.md"
    page.parent.mkdir(parents=True)
    page.write_bytes(b"# T\n" + b"x\n" * (limits.MAX_PAGE_BYTES // 2))
    assert messages(content.check_pages(tmp_path / "docs", ["en"], set())) == [
        f"{page}: the page is {page.stat().st_size:,} bytes, over the limit of {limits.MAX_PAGE_BYTES:,}; split it into several pages"]


def test_checks_of_a_page_are_kept_until_it_is_saved_and_a_cover_is_looked_for_every_time(tmp_path):
    """The preview checks every page after each save; a page's answer is kept by its file's
    version, never past a save, and a fact sheet's cover image is looked for every time."""
    page = write(tmp_path / "docs/en/p.md", "---\ntitle: T\n---\n# T\n\n<a onclick=x>hi</a>\n")
    first = messages(content.check_pages(tmp_path / "docs", ["en"], {"main.html"}))
    assert len(first) == 1 and "onclick" in first[0]
    assert messages(content.check_pages(tmp_path / "docs", ["en"], {"main.html"})) == first
    write(page, "---\ntitle: T\n---\n# T\n\n<a title=x>hi</a>\n")
    assert messages(content.check_pages(tmp_path / "docs", ["en"], {"main.html"})) == []
    sheet = write(tmp_path / "docs/en/factsheets/a.md", "---\ntitle: A\ntemplate: factsheet.html\nassessment: a\n"
                                                           "cover_image: covers/a.jpg\n---\n# A\n")
    missing = messages(content.check_pages(tmp_path / "docs", ["en"], {"main.html", "factsheet.html"}, {"a"}))
    assert missing == [f"{sheet}:5: cover image 'covers/a.jpg' does not exist under docs/media/; add the file or fix the path"]
    (tmp_path / "docs/media/covers").mkdir(parents=True)
    Image.new("RGB", (40, 30), "white").save(tmp_path / "docs/media/covers/a.jpg")
    assert messages(content.check_pages(tmp_path / "docs", ["en"], {"main.html", "factsheet.html"}, {"a"})) == []


def test_raw_html_nested_deeper_than_the_limit_is_one_problem_found_in_linear_time(tmp_path):
    deep = limits.MAX_HTML_NESTING + 1
    body = "# T\n\n" + "<div>\n" * 70_000 + "x\n" + "</div>\n" * 70_000
    page = write(tmp_path / "docs/en/p.md", body)
    problems, seconds = timed(content.check_pages, tmp_path / "docs", ["en"], set())
    assert messages(problems) == [f"{page}:{2 + deep}: HTML elements are nested more than {limits.MAX_HTML_NESTING} deep here; "
                                  "close the elements you open (</div>), or nest them less"]
    assert seconds < SLOW
    shallow = "# T\n\n" + "<div><p>a\n<p>b\n<ul><li>c<li>d</ul></div>\n" * 500 + "<div>\n" * 30 + "</div>\n" * 30
    write(page, shallow)
    assert content.check_pages(tmp_path / "docs", ["en"], set()) == []


def test_a_page_that_is_not_utf8_is_a_problem(tmp_path):
    page = tmp_path / "docs/en/p.md"
    page.parent.mkdir(parents=True)
    page.write_bytes("# Título\n\nok\n".encode("latin-1"))
    assert messages(content.check_pages(tmp_path / "docs", ["en"], set())) == [f"{page}:1: the page is not UTF-8 text; save it as UTF-8"]


def test_a_data_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "data/videos.yml"
    path.parent.mkdir()
    path.write_bytes(b"# x\n" * (limits.MAX_DATA_FILE_BYTES // 4 + 1))
    with pytest.raises(BuildError) as error:
        load_data_file(path)
    assert "over the limit of" in error.value.problems[0].message


def test_an_embed_opening_line_of_many_spaces_is_read_in_linear_time(tmp_path):
    from scripts.embeds.scan import find_embeds
    text = "# T\n\n/// video" + " " * 50_000 + "x\n\n/// video |" + " " * 50_000 + "\n"
    (found, problems), seconds = timed(find_embeds, tmp_path / "p.md", text, tmp_path, UN_LANGUAGES)
    assert seconds < SLOW and found == []


# 3. Findings capped per file and rule

def test_three_thousand_unapproved_names_print_a_bounded_report(tmp_path):
    page = write(tmp_path / "docs/en/p.md", "# T\n\n" + "Join the IPBES Youth Network.\n" * 3000)
    options = {"organisation_words": {"en": ["Network", "Youth"]}, "known_names": []}
    findings = brand_text.check_acronym_approval(page, page.read_text(encoding="utf-8"), "en", tmp_path, options, [], "error")
    assert len(findings) == limits.MAX_FINDINGS_PER_RULE + 1
    assert findings[-1].message == "… and 2,980 more of the same in this file" and findings[-1].line is None
    assert findings[0].message.startswith("'IPBES Youth Network' uses the acronym IPBES")
    assert len(as_text(findings)) < 10_000


def test_long_names_are_cut_at_the_word_limit(tmp_path):
    line = " ".join(["Big"] * 3000) + " IPBES Network " + " ".join(["Big"] * 3000)
    names = brand_text.names_using_acronym(line, "en", ["Network"])
    assert names and all(len(name.split()) <= 2 * limits.MAX_NAME_WORDS + 1 for name in names)


def test_findings_are_capped_per_file_and_rule_not_across_them():
    findings = [Finding("acronym-form", "error", f, n, "m") for f in ("a.md", "b.md") for n in range(30)]
    capped = cap_findings(findings + [Finding("acronym-approval", "error", "a.md", 1, "x")])
    assert len(capped) == 2 * (limits.MAX_FINDINGS_PER_RULE + 1) + 1


def test_the_same_source_problem_repeated_is_capped_with_a_count(tmp_path):
    write(tmp_path / "docs/en/p.md", "# T\n\n" + "<script>x</script>\n" * 3000)
    problems = messages(content.check_pages(tmp_path / "docs", ["en"], set()))
    assert len(problems) == limits.MAX_FINDINGS_PER_RULE + 1
    assert problems[-1].endswith("p.md: … and 2,980 more of the same in this file: the HTML tag <script> is not allowed in content; "
                                 "scripts are not allowed in content")


# 4. Images

def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG file that declares width x height in a few bytes, as a decompression bomb does."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\0" * 1000)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def bad_images(tmp_path) -> dict[str, Path]:
    media = tmp_path / "docs/media"
    media.mkdir(parents=True)
    noise = Image.effect_noise((300, 200), 60).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=90)
    (media / "truncated.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    (media / "text.jpg").write_text("this is not a picture\n", encoding="utf-8")
    Image.new("L", (12_000, 8)).save(media / "wide.png")
    noise.save(media / "png-named.jpg", "PNG")
    return {"bomb": png_header_only(media / "bomb.png", 20_000, 20_000), "truncated": media / "truncated.jpg",
            "text": media / "text.jpg", "wide": media / "wide.png", "mislabelled": media / "png-named.jpg"}


def test_broken_and_oversized_images_are_problems_not_tracebacks(tmp_path, bad_images):
    assert bad_images["bomb"].stat().st_size < 2_000
    problems = {p.file.name: p.message for p in content.check_image_sizes(tmp_path / "docs", 500)}
    assert problems["bomb.png"].startswith("the image declares more pixels than any picture of the site needs")
    assert problems["truncated.jpg"].startswith("the image is damaged or cut short") and "save it again" in problems["truncated.jpg"]
    assert problems["text.jpg"].startswith("the file is not an image that can be read") and "save it again" in problems["text.jpg"]
    assert problems["wide.png"] == (f"the image is 12,000 x 8 pixels, over the limit of {limits.MAX_IMAGE_SIDE:,} pixels a side and "
                                    f"{limits.MAX_IMAGE_PIXELS:,} pixels in all; save it smaller (2000 pixels wide is enough for the web)")
    assert problems["png-named.jpg"].startswith("the file is a PNG image but its name ends in .jpg")


def test_no_variant_is_made_of_an_image_over_the_limits(tmp_path, bad_images):
    cache = tmp_path / "cache"
    for name in ("bomb", "wide", "text"):
        with pytest.raises(BuildError) as error:
            variants(bad_images[name], cache)
        assert error.value.problems[0].file == bad_images[name]
    assert not cache.exists()


def test_a_good_image_passes(tmp_path):
    path = tmp_path / "ok.jpg"
    Image.new("RGB", (64, 48), "green").save(path, "JPEG")
    assert image_problem(path) is None


def test_a_fact_sheet_cover_that_is_broken_is_a_problem_with_its_line(tmp_path, bad_images):
    from scripts.publications import cover_problems
    page = tmp_path / "docs/en/factsheets/x.md"
    assert messages(cover_problems(tmp_path, page, "text.jpg", 4))[0].startswith(f"{page}:4: cover image 'text.jpg': the file is not an image")


# 5. Paths and symbolic links

def test_symlinks_and_escaping_cover_images_are_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    Image.new("RGB", (10, 10)).save(outside / "x.jpg")
    root = tmp_path / "repo"
    write(root / "docs/en/index.md", "# Home\n")
    (root / "docs/media").mkdir(parents=True)
    os.symlink("/etc/passwd", root / "docs/en/passwd.md")
    os.symlink(outside, root / "docs/media/outside")
    write(root / "docs/en/factsheets/a.md", "---\ntitle: A\ntemplate: factsheet.html\ncover_image: /etc/x.jpg\n---\n")
    write(root / "docs/en/factsheets/b.md", "---\ntitle: B\ntemplate: factsheet.html\ncover_image: ../../elsewhere/x.jpg\n---\n")
    write(root / "docs/en/factsheets/c.md", "---\ntitle: C\ntemplate: factsheet.html\ncover_image: outside/x.jpg\n---\n")
    found = messages(content.check_paths(root))
    assert any(m.startswith(f"{root}/docs/en/passwd.md: is a symbolic link (to /etc/passwd)") for m in found), found
    assert any(m.startswith(f"{root}/docs/media/outside: is a symbolic link (to {outside})") for m in found), found
    assert f"{root}/docs/en/factsheets/a.md:4: cover image '/etc/x.jpg' is an absolute path; give the file's path under docs/media/, like covers/africa.jpg" in found
    assert any(m.startswith(f"{root}/docs/en/factsheets/b.md:4: cover image '../../elsewhere/x.jpg' leads outside docs/media/") for m in found)
    assert any(m.startswith(f"{root}/docs/en/factsheets/c.md:4: cover image 'outside/x.jpg' leads outside docs/media/") for m in found)
    from scripts.publications import cover_problems
    assert "is an absolute path" in messages(cover_problems(root, root / "docs/en/factsheets/a.md", "/etc/x.jpg", 4))[0]


def test_an_embed_file_outside_the_media_folder_is_refused(tmp_path):
    (tmp_path / "media").mkdir()
    Image.new("RGB", (10, 10)).save(tmp_path / "poster.jpg")
    with pytest.raises(EmbedError, match=r"'poster: \.\./poster\.jpg' leads outside docs/media/"):
        build_embed("video", "T", {"provider": "youtube", "id": "dQw4w9WgXcQ", "poster": "../poster.jpg"}, tmp_path / "media", UN_LANGUAGES)


# 6. Look-alike letters, English names in other languages, bidirectional controls

@pytest.mark.parametrize("written", ["ＩＰＢＥＳ", "ІРВЕЅ", "ΙΡΒΕЅ", "𝐈𝐏𝐁𝐄𝐒", "IPВES"])
def test_the_acronym_rule_reads_width_and_look_alike_letters(tmp_path, written):
    findings = brand_text.check_acronym_form(tmp_path / "p.md", f"# T\n\nThe {written} report.\n", tmp_path, ["ip-bes"], "error")
    assert [f.message for f in findings] == [f"the acronym is written '{written}' (with letters of another width or script that look alike); write IPBES"]


def test_russian_and_chinese_text_alone_is_not_the_acronym(tmp_path):
    text = "# T\n\nРабота ВЕС и пресс-релиз. 生物多样性平台报告。IPBES.\n"
    assert brand_text.check_acronym_form(tmp_path / "p.md", text, tmp_path, [], "error") == []


@pytest.mark.parametrize("lang,line", [
    ("fr", "Rejoignez le IPBES Youth Network dès aujourd'hui."),
    ("zh", "欢迎加入IPBES Youth Network。"),
    ("ar", "انضموا إلى IPBES Youth Network اليوم."),
])
def test_an_english_name_in_a_page_of_another_language_needs_approval(tmp_path, lang, line):
    options = {"organisation_words": {"en": ["Network", "Youth"], lang: ["Réseau", "网络", "شبكة"]}, "known_names": ["IPBES Plenary"]}
    findings = brand_text.check_acronym_approval(tmp_path / "p.md", f"# T\n\n{line}\n", lang, tmp_path, options, [], "error")
    assert [f.message.split(" uses")[0] for f in findings] == ["'IPBES Youth Network'"]
    approved = [{"name": "IPBES Youth Network", "who": "x", "approved": "2026-01-01"}]
    assert brand_text.check_acronym_approval(tmp_path / "p.md", f"# T\n\n{line}\n", lang, tmp_path, options, approved, "error") == []


BIDI = "the text holds the invisible bidirectional control character U+202E"


def test_bidi_controls_are_refused_in_front_matter_headings_and_file_names(tmp_path):
    page = write(tmp_path / "docs/ar/p.md", "---\ntitle: \"تقرير \u202egpj.exe\"\n---\n# عنوان \u202e\n\nنص \u202e في فقرة.\n")
    found = messages(content.check_pages(tmp_path / "docs", ["ar"], set()))
    assert found[0].startswith(f"{page}:2: {BIDI}") and found[1].startswith(f"{page}:4: the heading: {BIDI}") and len(found) == 2
    write(tmp_path / "docs/ar/\u202egpj.md", "# x\n")
    assert any(BIDI in m and "the file name" in m for m in messages(content.check_paths(tmp_path)))


def test_arabic_direction_marks_are_allowed(tmp_path):
    write(tmp_path / "docs/ar/p.md", "---\ntitle: \"التقرير \u200f2019\u200f\"\n---\n# العنوان \u200e(IPBES)\u200e\n")
    assert content.check_pages(tmp_path / "docs", ["ar"], set()) == []
    assert content.check_paths(tmp_path) == []


def test_bidi_controls_are_refused_in_data_files(tmp_path):
    path = write(tmp_path / "data/videos.yml", "videos:\n  - key: a\n    title: {en: \"Video \u2066x\u2069\"}\n")
    with pytest.raises(BuildError) as error:
        load_data_file(path)
    assert messages(error.value.problems)[0].startswith(f"{path}:3: the text holds the invisible bidirectional control character U+2066")


# 7. Links and URLs

@pytest.mark.parametrize("snippet,line", [
    ("[x](jav&#x61;script:alert(1))", 5),
    ("[x](&#106;avascript:alert(1))", 5),
    ("[x][1]\n\n[1]: javascript:alert(1)", 7),
    ("[x][1]\n\n[1]: jav&#x61;script:alert(1)", 7),
    ("[x][go]\n\n[go]:\n    <javascript:alert(1)>", 8),
    ('<a\nhref="jav&#x09;ascript:alert(1)">x</a>', 5),
    ("<javascript:alert(1)>", 5),
])
def test_javascript_links_in_any_markdown_form_are_refused(tmp_path, snippet, line):
    problems = check_html(tmp_path / "p.md", f"# T\n\nSome text.\n\n{snippet}\n")
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [(line, "a javascript: address is not allowed")]


@pytest.mark.parametrize("snippet,expected", [
    ('<meta\nhttp-equiv="refresh" content="0;url=https://evil.example">', "the HTML tag <meta> is not allowed"),
    ("<div>\n`<b onclick=x>`\n</div>", "the event handler 'onclick' on <b> is not allowed"),
    ("\\`<b onclick=x>\\`", "the event handler 'onclick' on <b> is not allowed"),
    ("text <!-- x\n\n<script>alert(1)</script>\n\n-->", "the HTML tag <script> is not allowed"),
    ("text <!-- never closed\n\nmore", "an HTML comment opened here is never closed"),
    ("<svg/onload=alert(1)>", "the HTML tag <svg> is not allowed"),
])
def test_raw_html_is_read_as_a_browser_reads_it(tmp_path, snippet, expected):
    problems = messages(check_html(tmp_path / "p.md", f"# T\n\n{snippet}\n"))
    assert any(expected in m for m in problems), problems


def test_a_page_body_naming_a_file_is_not_read_as_that_file(tmp_path):
    secret = write(tmp_path / "secret.html", "<script>alert(1)</script>")
    assert check_html(tmp_path / "p.md", str(secret)) == []


@pytest.mark.parametrize("url,expected", [
    ("javascript:alert(1)", "(javascript:)"),
    ("jav&#x61;script:alert(1)", "(javascript:)"),
    ("http://ipbes.net/report.pdf", "(http:)"),
    ("https://evil.example/report.pdf", "on 'evil.example', which is not an allowed host"),
    ("https://ipbes.net.evil.example/x", "which is not an allowed host"),
    ("report.pdf", "(no scheme)"),
])
def test_urls_in_data_files_must_be_https_on_an_allowed_host(tmp_path, url, expected):
    path = write(tmp_path / "data/assessments.yml", f"assessments:\n  africa:\n    downloads:\n      - label: {{en: Report}}\n        url: \"{url}\"\n")
    with pytest.raises(BuildError) as error:
        load_data_file(path, "assessments data file")
    found = messages(error.value.problems)
    assert len(found) == 1 and found[0].startswith(f"{path}:5: the address") and expected in found[0], found


def test_a_javascript_address_in_any_data_field_is_refused(tmp_path):
    path = write(tmp_path / "data/partners.yml", "partners:\n  unep:\n    logo: unep.svg\n    site: \" javascript:alert(1)\"\n")
    with pytest.raises(BuildError) as error:
        load_data_file(path)
    assert messages(error.value.problems)[0].startswith(f"{path}:4: the address")


def test_allowed_addresses_and_the_real_data_files_pass(tmp_path):
    from scripts import ROOT
    assert url_problem("https://www.ipbes.net/assessment-reports/africa") is None
    assert url_problem("https://zenodo.org/records/3236178") is None
    assert "ipbes.net" in ALLOWED_URL_HOSTS
    for name in ("assessments.yml", "videos.yml", "partners.yml"):
        load_data_file(ROOT / "data" / name)
    assert content.check_paths(ROOT) == []
    assert content.check_image_sizes(ROOT / "docs", 500) == []


def test_a_truncated_image_is_found_even_after_weasyprint_is_imported(tmp_path, bad_images):
    import weasyprint  # noqa: F401  (it sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process)
    problems = {p.file.name: p.message for p in content.check_image_sizes(tmp_path / "docs", 500)}
    assert problems["truncated.jpg"].startswith("the image is damaged or cut short")
