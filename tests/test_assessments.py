"""Assessment launch pages, calendars, data errors and embargoes, read from real builds."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from scripts.formatting import format_date
from icalendar import Calendar

from scripts import ROOT
from scripts.assessments import load_assessments
from scripts.build import build_site
from scripts.embargo import build_clock
from scripts.errors import BuildError
from scripts.languages import UN_LANGUAGES
from tests.helpers import file_text, find, parse, replace_in as replace, search_documents

KEYS = ["africa", "americas", "asia-pacific", "europe-central-asia", "land-degradation", "global"]
LAUNCHES = {"africa": dt.date(2018, 3, 23), "land-degradation": dt.date(2018, 3, 26), "global": dt.date(2019, 5, 6)}




@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_listing_and_six_launch_pages(site, lang):
    data = load_assessments(ROOT, list(UN_LANGUAGES), build_clock())
    listing = parse(site / lang / "assessments" / "index.html")
    links = [a.attrs["href"] for a in find(listing, "a") if "ipbes-card__title" in a.attrs.get("class", "")]
    assert links == [f"{key}/" for key in KEYS]
    for key in KEYS:
        html = site / lang / "assessments" / key / "index.html"
        page = parse(html)
        assert find(page, "html")[0].attrs["lang"] == lang
        text = html.read_text(encoding="utf-8")
        assert data.assessments[key].title[lang] in text
        launch = data.assessments[key].launch_date
        assert format_date(launch, lang, "full") in text
        times = [t.attrs["datetime"] for t in find(page, "time")]
        assert times and times[0].startswith(launch.isoformat())
        offset = "-05:00" if key != "global" else "+02:00"
        assert times[0].endswith(offset), "the launch moment carries the venue's UTC offset"


@pytest.mark.parametrize("lang", ["en", "zh", "ar"])
def test_launch_pages_are_in_hreflang_sitemap_and_search(site, shared, lang):
    page = parse(site / lang / "assessments" / "global" / "index.html")
    hreflangs = {l.attrs["hreflang"] for l in find(page, "link", rel="alternate") if l.attrs.get("hreflang")}
    assert hreflangs == set(UN_LANGUAGES) | {"x-default"}
    assert f"{shared.site_url}{lang}/assessments/global/" in (site / lang / "sitemap.xml").read_text(encoding="utf-8")
    assert any(doc["url"] == "/assessments/global/" for doc in search_documents(site, lang))


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_calendar_files_parse_and_match_the_data(site, lang):
    data = load_assessments(ROOT, list(UN_LANGUAGES), build_clock())
    for key, launch in LAUNCHES.items():
        folder = site / lang / "assessments" / key
        calendar = Calendar.from_ical((folder / "launch.ics").read_bytes())
        event = calendar.walk("VEVENT")[0]
        assert event.decoded("dtstart") == launch
        assert data.assessments[key].title[lang] in str(event["summary"])
        assert str(event["url"]).endswith(f"/{lang}/assessments/{key}/")
        plenary = Calendar.from_ical((folder / "plenary.ics").read_bytes()).walk("VEVENT")[0]
        assert plenary.decoded("dtstart") == data.assessments[key].plenary.start
        assert plenary.decoded("dtend") == data.assessments[key].plenary.end + dt.timedelta(days=1)
        hrefs = [a.attrs["href"] for a in find(parse(folder / "index.html"), "a") if a.attrs.get("href", "").endswith(".ics")]
        assert set(hrefs) == {"launch.ics", "plenary.ics"}


def test_a_launch_with_a_time_shows_venue_time_and_utc(project):
    replace(project / "data/assessments.yml", "launch: {date: 2019-05-06, time: null}", "launch: {date: 2019-05-06, time: '13:00'}")
    site = build_site(project, project / "site", languages=["en", "fr"], report=lambda *_: None)
    en = (site / "en/assessments/global/index.html").read_text(encoding="utf-8")
    assert 'datetime="2019-05-06T13:00:00+02:00"' in en
    assert "13:00 at the venue (GMT+02:00); 6 May 2019, 11:00 UTC" in en, en[en.find("at the venue") - 80:][:200]
    fr = (site / "fr/assessments/global/index.html").read_text(encoding="utf-8")
    assert "13:00 sur place (UTC+02:00) ; 6 mai 2019, 11:00 UTC" in fr, fr[fr.find("sur place") - 80:][:200]
    event = Calendar.from_ical((site / "en/assessments/global/launch.ics").read_bytes()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime(2019, 5, 6, 11, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("old,new,expected", [
    ("launch: {date: 2018-03-26, time: null}", "launch: {date: 26 March 2018, time: null}", "'date' is '26 March 2018', not an ISO 8601 date"),
    ("plenary: ipbes-7", "plenary: ipbes-99", "unknown plenary 'ipbes-99'; use one of: ipbes-6, ipbes-7, ipbes-9, ipbes-10, ipbes-11"),
    ("      en: The global assessment report on biodiversity and ecosystem services\n", "", "'title' needs at least its English text"),
    ("    timezone: Europe/Paris", "    timezone: Paris", "unknown time zone 'Paris'"),
    ("launch: {date: 2019-05-06, time: null}", "launch: {date: 2019-05-06, time: null}\n    embargo: 2030-01-01T09:00", "has no UTC offset"),
])
def test_bad_data_names_the_file_and_line(project, old, new, expected):
    path = project / "data/assessments.yml"
    replace(path, old, new)
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["en"], report=lambda *_: None)
    messages = [str(p) for p in error.value.problems]
    hit = [m for m in messages if expected in m]
    assert hit, messages
    line = int(re.match(r"data/assessments.yml:(\d+):", hit[0].split("/project/")[-1]).group(1))
    assert 0 < line <= len(path.read_text(encoding="utf-8").splitlines())


def test_unknown_assessment_key_in_a_page_names_file_and_line(project):
    (project / "docs/en/extra.md").write_text("---\nassessment: arctic\n---\n# x\n", encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["en"], report=lambda *_: None)
    assert any("docs/en/extra.md:2: unknown assessment 'arctic'" in str(p) for p in error.value.problems)


EMBARGO = "2031-05-06T13:00:00+02:00"
MARKER = "Embargoed-fixture-text-7f3a"


def _embargoed_project(project):
    titles = "{" + ", ".join(f"{lang}: {MARKER} {lang}" for lang in UN_LANGUAGES) + "}"
    with open(project / "data/assessments.yml", "a", encoding="utf-8") as data:
        data.write(f"  fixture-release:\n    title: {titles}\n    short_title: {titles}\n    plenary: ipbes-7\n"
                   f"    launch: {{date: 2031-05-06, time: '13:00'}}\n    embargo: {EMBARGO}\n")
    replace(project / "mkdocs.yml", "  - logo-policy.md", "  - logo-policy.md\n  - release.md")
    for lang in ("en", "fr"):
        (project / "docs" / lang / "release.md").write_text(
            f"---\nembargo: {EMBARGO}\n---\n# {MARKER}\n\n{MARKER} {lang}\n", encoding="utf-8")
    return project


def _traces(site):
    found = []
    for path in site.rglob("*"):
        if path.is_file():
            text = file_text(path)
            for needle in (MARKER, "release/"):
                if needle in text or needle in path.as_posix():
                    found.append(f"{path.relative_to(site)}: {needle}")
    return found


def test_embargo_leaves_no_trace_before_and_appears_after(project):
    _embargoed_project(project)
    before = build_site(project, project / "before", languages=["en", "fr"], report=lambda *_: None, now="2031-05-06T10:59:00Z")
    assert _traces(before) == []
    assert (before / "en/assessments/africa/index.html").is_file()
    after = build_site(project, project / "after", languages=["en", "fr"], report=lambda *_: None, now="2031-05-06T11:00:01Z")
    traces = "\n".join(_traces(after))
    for expected in ("en/release/index.html: " + MARKER, "fr/release/index.html: " + MARKER,
                     "en/assessments/fixture-release/index.html: " + MARKER, "fr/assessments/fixture-release/launch.ics: " + MARKER,
                     "en/sitemap.xml: release/", "fr/pagefind/fragment/: " + MARKER, "en/assessments/index.html: " + MARKER,
                     "fr/about/index.html: release/"):
        assert expected in re.sub(r"fragment/[^:]+:", "fragment/:", traces), f"{expected} not in:\n{traces}"
    cards_before = {p.name for p in (before / "en/assets/ipbes/cards").iterdir()}
    cards_after = {p.name for p in (after / "en/assets/ipbes/cards").iterdir()}
    assert cards_before < cards_after and len(cards_after - cards_before) == 2, "social cards of the release and its launch page"


def test_preview_shows_embargoed_content_with_a_banner(project):
    from scripts.engine import build_language
    from scripts.serve import Preview
    _embargoed_project(project)
    preview = Preview(project, "fr")
    assert preview.stage() == []
    assert build_language(preview.out, preview.site).problems == []
    page = (preview.site / "release/index.html").read_text(encoding="utf-8")
    assert MARKER in page and "Sous embargo" in page
    launch = (preview.site / "assessments/fixture-release/index.html").read_text(encoding="utf-8")
    assert "Sous embargo" in launch
    assert "Sous embargo" not in (preview.site / "about/index.html").read_text(encoding="utf-8")


def test_countdown_before_launch_and_none_after(project):
    site = build_site(project, project / "site", languages=["ru"], report=lambda *_: None, now="2019-05-01T00:00:00Z")
    page = parse(site / "ru/assessments/global/index.html")
    countdown = [p for p in find(page, "p") if "ipbes-countdown" in p.attrs.get("class", "")]
    assert countdown and countdown[0].attrs["data-launch"] == "2019-05-06T00:00:00+02:00"
    assert "Представление ещё не состоялось." in countdown[0].text
    assert any(re.search(r"countdown(\.[0-9a-f]+)?\.js$", s.attrs.get("src") or "") for s in find(page, "script"))
    past = parse(site / "ru/assessments/africa/index.html")
    assert not [p for p in find(past, "p") if "ipbes-countdown" in p.attrs.get("class", "")]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_launch_page_links_its_fact_sheet(site, lang):
    for key in KEYS:
        page = parse(site / lang / "assessments" / key / "index.html")
        links = [a.attrs["href"] for a in find(page, "a") if "factsheets/" in a.attrs.get("href", "")]
        assert f"../../factsheets/{key}/" in links
        assert (site / lang / "factsheets" / key / "index.html").is_file()


def test_key_messages_and_related_videos_from_the_data(project):
    messages = "{" + ", ".join(f"{l}: [Message-{l}-one, Message-{l}-two]" for l in UN_LANGUAGES) + "}"
    replace(project / "data/assessments.yml", "launch: {date: 2019-05-06, time: null}\n    downloads: []",
            f"launch: {{date: 2019-05-06, time: null}}\n    key_messages: {messages}\n    videos: [outreach-series-2]\n    downloads: []")
    site = build_site(project, project / "site", languages=["zh"], report=lambda *_: None)
    text = (site / "zh/assessments/global/index.html").read_text(encoding="utf-8")
    assert "关键信息" in text and "Message-zh-one" in text and "Message-zh-two" in text
    assert "生物多样性平台外联视频 2" in text and 'href="../../videos/"' in text


def test_unknown_related_video_is_reported(project):
    replace(project / "data/assessments.yml", "launch: {date: 2019-05-06, time: null}\n    downloads: []",
            "launch: {date: 2019-05-06, time: null}\n    videos: [no-such-video]\n    downloads: []")
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["en"], report=lambda *_: None)
    assert any("assessment 'global' lists video 'no-such-video'" in str(p) for p in error.value.problems)
