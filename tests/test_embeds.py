"""Video and audio embeds: errors with file and line, the facade and native players in the
built HTML, the videos page, drawn posters, and privacy in real Chromium."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from scripts import ROOT
from scripts.build import build_site
from scripts.embeds.posters import draw_poster
from scripts.textimage import font, wrap
from scripts.embeds.scan import find_embeds
from scripts.errors import BuildError
from scripts.languages import UN_LANGUAGES
from tests.browser import serve_directory
from tests.helpers import find, parse

MEDIA = ROOT / "docs" / "media"
COLOURS = {"background": "#00736F", "accent": "#B2D78B", "text": "#FFFFFF"}

EMBEDS_PAGE = """# Embeds

/// video | The YouTube video
    provider: youtube
    id: M7lc1UVf-VE
    duration: "6:30"
///

/// video | The Vimeo video
    provider: vimeo
    id: "76979871"
///

/// video | The Bilibili video
    provider: bilibili
    id: BV1xx411c7mD
    poster: covers/global.jpg
///

/// audio | The podcast
    provider: soundcloud
    id: ipbes/episode-name
///

/// video | The self-hosted video
    provider: file
    src: videos/clip.mp4
    captions: {en: captions/clip.en.vtt, fr: captions/clip.fr.vtt}
    transcript: captions/clip.en.vtt
///
"""


def scan(text: str, tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return find_embeds(page, text, MEDIA, UN_LANGUAGES)


@pytest.mark.parametrize("body,line,expected", [
    ("/// video | T\n    provider: dailymotion\n    id: x\n///\n", 4, "unknown video provider 'dailymotion'; use one of: youtube, vimeo, bilibili, file"),
    ("/// video | T\n    provider: youtube\n    id: too-short\n///\n", 5, "YouTube ID 'too-short' is malformed; it looks like M7lc1UVf-VE"),
    ("/// video | T\n    provider: bilibili\n    id: av170001\n///\n", 5, "Bilibili ID 'av170001' is malformed"),
    ("/// audio | T\n    provider: youtube\n    id: M7lc1UVf-VE\n///\n", 4, "unknown audio provider 'youtube'; use one of: soundcloud, file"),
    ("/// video | T\n    provider: youtube\n    id: M7lc1UVf-VE\n    poster: posters/missing.jpg\n///\n", 6, "'poster: posters/missing.jpg' does not exist under docs/media/"),
    ("/// video | T\n    provider: file\n    src: covers/africa.jpg\n///\n", 5, "'src: covers/africa.jpg' must be a .mp4, .webm file"),
    ("/// video | T\n    provider: youtube\n    id: M7lc1UVf-VE\n    duration: six minutes\n///\n", 6, "duration 'six minutes' is not a length"),
    ("/// video\n    provider: youtube\n    id: M7lc1UVf-VE\n///\n", 3, "a video needs a title, its accessible name"),
    ("/// video | T\nprovider: youtube\n///\n", 4, "the option 'provider' must be indented by four spaces under '/// video'"),
    ("/// vidoe | T\n    provider: youtube\n///\n", 3, "unknown block '/// vidoe'"),
    ("/// video | T\n    provider: youtube\n    id: M7lc1UVf-VE\n", 3, "the video block is not closed"),
    ("/// video | T\n    provider: youtube\n    id: M7lc1UVf-VE\n    autoplay: true\n///\n", 6, "unknown video option 'autoplay'"),
])
def test_bad_embeds_name_the_line_and_the_fix(tmp_path, body, line, expected):
    found, problems = scan("# Page\n\n" + body, tmp_path)
    assert not found
    assert [p.line for p in problems] == [line], [str(p) for p in problems]
    assert expected in problems[0].message


def test_code_examples_are_not_checked(tmp_path):
    found, problems = scan("```\n/// video | T\n    provider: nope\n///\n```\n", tmp_path)
    assert (found, problems) == ([], [])


def test_bad_embed_stops_the_build_with_file_and_line(project):
    page = project / "docs" / "ru" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n/// video | Видео\n    provider: youtube\n    id: nope\n///\n", encoding="utf-8")
    line = len(page.read_text(encoding="utf-8").splitlines()) - 1
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["ru"], report=lambda *_: None)
    assert any(f"docs/ru/about.md:{line}: YouTube ID 'nope' is malformed" in str(p) for p in error.value.problems)


@pytest.fixture(scope="module")
def embeds_site(tmp_path_factory):
    from tests.conftest import copy_project
    project = copy_project(tmp_path_factory.mktemp("embeds") / "project")
    (project / "docs/media/videos").mkdir(parents=True)
    (project / "docs/media/captions").mkdir(parents=True)
    (project / "docs/media/videos/clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    for lang in ("en", "fr"):
        (project / f"docs/media/captions/clip.{lang}.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", encoding="utf-8")
    for lang in ("en", "ar"):
        (project / f"docs/{lang}/embeds.md").write_text(EMBEDS_PAGE, encoding="utf-8")
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace("  - logo-policy.md", "  - logo-policy.md\n  - embeds.md"), encoding="utf-8")
    return build_site(project, project / "site", languages=["en", "ar"], report=lambda *_: None)


def test_facades_link_to_the_provider_and_load_nothing_from_it(embeds_site):
    html = embeds_site / "en" / "embeds" / "index.html"
    page = parse(html)
    figures = [f for f in find(page, "figure") if "ipbes-embed" in f.attrs.get("class", "")]
    players = {f.attrs.get("data-provider"): f.attrs.get("data-player") for f in figures if f.attrs.get("data-player")}
    assert players == {
        "youtube": "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1&rel=0",
        "vimeo": "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
        "bilibili": "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&autoplay=1",
        "soundcloud": "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fipbes%2Fepisode-name&auto_play=true",
    }
    facades = [a for a in find(page, "a") if "ipbes-embed__facade" in a.attrs.get("class", "")]
    assert [a.attrs["href"] for a in facades] == ["https://www.youtube.com/watch?v=M7lc1UVf-VE", "https://vimeo.com/76979871",
                                                  "https://www.bilibili.com/video/BV1xx411c7mD", "https://soundcloud.com/ipbes/episode-name"]
    assert facades[0].attrs["aria-label"] == "Play video: The YouTube video. Duration: 6 minutes and 30 seconds"
    assert not find(page, "iframe")
    for img in find(page, "img"):
        src = img.attrs["src"]
        assert not urlsplit(src).netloc, src
        assert (html.parent / src).resolve().is_file(), src
    assert (html.parent / [i.attrs["src"] for i in find(page, "img") if "covers/global.jpg" in i.attrs["src"]][0]).is_file()


def test_self_hosted_video_has_captions_and_preloads_nothing(embeds_site):
    html = embeds_site / "en" / "embeds" / "index.html"
    page = parse(html)
    video = find(page, "video")[0]
    assert video.attrs["preload"] == "none" and "controls" in video.attrs
    assert (html.parent / video.attrs["poster"]).resolve().is_file()
    video_sources = [s for s in find(page, "source") if "src" in s.attrs]  # the others are posters' <picture> variants
    assert video_sources and (html.parent / video_sources[0].attrs["src"]).resolve().is_file()
    tracks = find(page, "track")
    assert [(t.attrs["srclang"], t.attrs["label"]) for t in tracks] == [("en", "English"), ("fr", "Français")]
    assert "default" in tracks[0].attrs and "default" not in tracks[1].attrs
    for track in tracks:
        assert (html.parent / track.attrs["src"]).resolve().is_file()


def test_labels_are_in_the_page_language(embeds_site):
    text = (embeds_site / "ar" / "embeds" / "index.html").read_text(encoding="utf-8")
    assert "شاهد على YouTube" in text and "تشغيل الفيديو: The YouTube video" in text
    assert "المدة: 6 دقائق و30 ثانية" in text


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_videos_page_lists_the_data_file_with_stand_ins_labelled(site, lang):
    from scripts.i18n import gettext
    from scripts.videos import STAND_IN, load_videos
    html = site / lang / "videos" / "index.html"
    text = html.read_text(encoding="utf-8")
    entries = load_videos(ROOT, list(UN_LANGUAGES))
    assert entries and all(e.stand_in for e in entries), "no real video ID is known: every entry must be a stand-in"
    assert text.count(gettext(ROOT / "locales", lang, STAND_IN)) == len(entries)
    page = parse(html)
    for entry in entries:
        assert entry.title[lang] in text
    posters = [i.attrs["src"] for i in find(page, "img") if "media/posters/" in i.attrs["src"]]
    assert len(posters) == len(entries) and all((html.parent / p).resolve().is_file() for p in posters)
    assert not [a for a in find(page, "a") if "ipbes-embed__facade" in a.attrs.get("class", "")], "stand-ins must not look playable"


def _ink_columns(image: Image.Image) -> tuple[int, int]:
    """Leftmost and rightmost columns with title text (white) in the lower half."""
    width, height = image.size
    lower = image.crop((0, height // 2, width, height - 30)).convert("L")
    columns = [x for x in range(lower.width) if any(lower.getpixel((x, y)) > 200 for y in range(0, lower.height, 2))]
    return min(columns), max(columns)


def test_posters_align_and_wrap_per_script(tmp_path):
    ar = Image.open(draw_poster("فيديو التوعية رقم 1 للمنبر", "ar", COLOURS, ROOT, tmp_path / "ar.png"))
    en = Image.open(draw_poster("IPBES outreach video 1", "en", COLOURS, ROOT, tmp_path / "en.png"))
    left, right = _ink_columns(ar)
    assert right > ar.width - 100 and left > 300, "Arabic titles are right-aligned"
    left, right = _ink_columns(en)
    assert left < 100 and right < ar.width - 300, "Latin titles are left-aligned"
    from PIL import ImageDraw
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = wrap(draw, "生物多样性平台外联视频1（占位：尚未发布）", font("zh", 54), 560, "zh")
    assert len(lines) > 1, "Chinese titles wrap between characters"
    assert not any(line[0] in "）：，。" for line in lines), lines


def test_no_request_to_the_provider_until_play_then_the_player_loads(embeds_site, browser):
    with serve_directory(embeds_site) as origin:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(status=200, content_type="text/html", body="<p>player</p>"))
        page.goto(f"{origin}/en/embeds/", wait_until="networkidle")
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(500)
        local = urlsplit(origin).netloc
        assert [u for u in requests if urlsplit(u).netloc not in (local, "")] == []
        facade = page.locator(".ipbes-embed__facade").first
        facade.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("iframe.ipbes-embed__player", timeout=5_000)
        page.wait_for_load_state("networkidle")
        foreign = [u for u in requests if urlsplit(u).netloc not in (local, "")]
        assert foreign == ["https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1&rel=0"]
        assert page.url == f"{origin}/en/embeds/", "the facade played in place instead of leaving the page"
        assert page.evaluate("document.activeElement.tagName") == "IFRAME"
        page.close()


def test_without_javascript_the_facade_is_a_link_to_the_provider(embeds_site, browser):
    with serve_directory(embeds_site) as origin:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{origin}/en/embeds/", wait_until="networkidle")
        assert page.locator("iframe").count() == 0
        assert page.locator(".ipbes-embed__facade").first.get_attribute("href") == "https://www.youtube.com/watch?v=M7lc1UVf-VE"
        context.close()
