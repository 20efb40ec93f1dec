"""The home page features the next or latest launch, the latest news and a video, from the
same data as their own pages, in every language."""
from __future__ import annotations

import pytest

from scripts import ROOT
from scripts.build import build_site
from scripts.i18n import gettext
from scripts.languages import UN_LANGUAGES
from scripts.videos import load_videos
from tests.helpers import find, parse


def highlight_links(html):
    parsed = parse(html)
    section = html.read_text(encoding="utf-8").split('class="ipbes-highlights"')[1].split("</section>")[0]
    return [a.attrs["href"] for a in find(parsed, "a") if "ipbes-card__title" in a.attrs.get("class", "") and a.attrs["href"] in section]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_home_features_latest_launch_news_and_no_stand_in_video(site, lang):
    html = site / lang / "index.html"
    text = html.read_text(encoding="utf-8")
    videos = load_videos(ROOT, list(UN_LANGUAGES))
    assert all(v.stand_in for v in videos), "every video in the data is a stand-in today"
    assert highlight_links(html) == ["assessments/global/", "news/regional-volunteers/"], "a stand-in video is not featured"
    assert gettext(ROOT / "locales", lang, "Latest launch") in text
    assert not [v for v in videos if v.title[lang] in text]
    for link in highlight_links(html):
        assert (site / lang / link / "index.html").is_file()


def test_before_the_launches_the_home_page_announces_the_next_one(project):
    site = build_site(project, project / "site", languages=["es"], report=lambda *_: None, now="2018-03-01T00:00:00Z")
    text = (site / "es" / "index.html").read_text(encoding="utf-8")
    assert "Próxima presentación" in text and highlight_links(site / "es" / "index.html")[0] == "assessments/africa/"
    site = build_site(project, project / "later", languages=["es"], report=lambda *_: None, now="2018-03-25T00:00:00Z")
    assert highlight_links(site / "es" / "index.html")[0] == "assessments/land-degradation/"
