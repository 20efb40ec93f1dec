"""One play button on a video facade, in real Chromium: the facade's own button, and nothing
drawn on the poster under it or around it (scripts/embeds/posters.py, site.css).

The real videos page lists stand-ins only, so a project copy publishes one of them.
"""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import serve_directory
from tests.conftest import copy_project
from tests.helpers import replace_in
from scripts.build import build_site

LANGS = ("en", "ar")
# Phone and desktop widths: the button is a share of the poster's width.
WIDTHS = (320, 1280)
# The button's ring (0.25rem) and a little air around it.
AROUND_PX = 6
# Share of the button's box (hidden) that must be the poster's plain background.
PLAIN_SHARE = 0.98


@pytest.fixture(scope="module")
def published_video_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("facade") / "project")
    replace_in(project / "data" / "videos.yml", "  - key: outreach-series-1\n    stand_in: true\n",
               '  - key: outreach-series-1\n    provider: youtube\n    id: M7lc1UVf-VE\n    duration: "6:30"\n')
    return build_site(project, project / "site", languages=list(LANGS), report=lambda *_: None)


def plain_share(png: bytes) -> float:
    """Share of the pixels within a small distance of the image's most common colour."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(image.width * image.height)
    _, common = max(colours)
    near = sum(n for n, c in colours if sum(abs(a - b) for a, b in zip(c, common)) <= 24)
    return near / (image.width * image.height)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_one_play_button_on_the_facade(published_video_site, browser, lang, width, tmp_path):
    with serve_directory(published_video_site) as origin:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{origin}/{lang}/videos/", wait_until="networkidle")
        facade = page.locator(".ipbes-embed__facade").first
        facade.scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.querySelectorAll('.ipbes-embed__facade img')].every(i => i.complete && i.naturalWidth)")
        facade.screenshot(path=str(tmp_path / f"facade-{lang}-{width}.png"))
        buttons = facade.locator(".ipbes-embed__play")
        assert buttons.count() == 1 and buttons.first.is_visible()
        box = buttons.first.bounding_box()
        frame = facade.bounding_box()
        assert box["width"] >= 32, "the play button is too small to see"
        assert abs((box["x"] + box["width"] / 2) - (frame["x"] + frame["width"] / 2)) < 2
        assert abs((box["y"] + box["height"] / 2) - (frame["y"] + frame["height"] / 2)) < 2
        around = {"x": box["x"] - AROUND_PX, "y": box["y"] - AROUND_PX,
                  "width": box["width"] + 2 * AROUND_PX, "height": box["height"] + 2 * AROUND_PX}
        shown = plain_share(page.screenshot(clip=around))
        page.evaluate("document.querySelector('.ipbes-embed__play').style.visibility = 'hidden'")
        hidden = plain_share(page.screenshot(clip=around))
        page.close()
    assert hidden >= PLAIN_SHARE, f"something is drawn on the poster under or around the play button ({hidden:.2f} plain)"
    assert shown < PLAIN_SHARE, "the play button itself is not visible"
