"""Dates, date ranges, places, lists and key figures follow each language's CLDR rules: no
Latin comma inside Chinese or Arabic text, English in the site's day-month-year style, years
and codes as written. Called on the functions directly, in all six languages."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import get_timezone

from scripts import ROOT, assessments, formatting, publications
from scripts.i18n import translations

LANGS = ["en", "fr", "es", "zh", "ar", "ru"]
US_DATE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2},|\d{1,2}/\d{1,2}/\d{2}\b")

RANGE = {  # the IPBES-6 plenary, 18 to 24 March 2018
    "en": "18–24 March 2018", "fr": "18–24 mars 2018", "es": "18–24 de marzo de 2018",
    "zh": "2018年3月18日至24日", "ar": "18–24 مارس 2018", "ru": "18–24 марта 2018\u202fг.",
}
ACROSS_MONTHS = {  # the IPBES-7 plenary, 29 April to 4 May 2019
    "en": "29 April\u2009–\u20094 May 2019", "fr": "29 avril\u2009–\u20094 mai 2019", "es": "29 de abril\u2009–\u20094 de mayo de 2019",
    "zh": "2019年4月29日至5月4日", "ar": "29 أبريل – 4 مايو 2019", "ru": "29 апреля – 4 мая 2019\u202fг.",
}
PLACE = {
    "en": "Paris (UNESCO headquarters), France", "fr": "Paris (siège de l'UNESCO), France",
    "es": "París (sede de la UNESCO), Francia", "zh": "法国巴黎教科文组织总部",
    "ar": "باريس (مقر اليونسكو)، فرنسا", "ru": "Париж (штаб-квартира ЮНЕСКО), Франция",
}
CITY = {"en": "Paris", "fr": "Paris", "es": "París", "zh": "巴黎", "ar": "باريس", "ru": "Париж"}
VENUE = {"en": "UNESCO headquarters", "fr": "siège de l'UNESCO", "es": "sede de la UNESCO", "zh": "教科文组织总部",
         "ar": "مقر اليونسكو", "ru": "штаб-квартира ЮНЕСКО"}


def no_latin_comma(lang: str, text: str) -> bool:
    return lang not in ("zh", "ar") or "," not in text


@pytest.mark.parametrize("lang", LANGS)
def test_date_ranges_use_cldr_interval_formats_with_full_months(lang):
    assert formatting.format_date_range(dt.date(2018, 3, 18), dt.date(2018, 3, 24), lang) == RANGE[lang]
    assert formatting.format_date_range(dt.date(2019, 4, 29), dt.date(2019, 5, 4), lang) == ACROSS_MONTHS[lang]
    assert formatting.format_date_range(dt.date(2019, 5, 4), dt.date(2019, 4, 29), lang) == ACROSS_MONTHS[lang]
    across_years = formatting.format_date_range(dt.date(2019, 12, 29), dt.date(2020, 1, 4), lang)
    assert "2019" in across_years and "2020" in across_years and no_latin_comma(lang, across_years)
    assert formatting.format_date_range(dt.date(2019, 5, 6), dt.date(2019, 5, 6), lang) == formatting.format_date("2019-05-06", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_dates_are_never_in_us_style(lang):
    moment = dt.datetime(2019, 5, 6, 13, 0, tzinfo=get_timezone("Europe/Paris"))
    texts = [formatting.format_date("2019-05-06", lang), formatting.format_date("2019-05-06", lang, "full"),
             formatting.format_datetime("2019-05-06T13:00:00+02:00", lang), formatting.format_moment(moment, lang, get_timezone("UTC"))]
    for text in texts:
        assert not US_DATE.search(text), text
        assert no_latin_comma(lang, text), text
    assert "11:00" in texts[3] and "2019" in texts[3]


def test_english_dates_in_the_site_style():
    assert formatting.format_date("2019-05-06", "en") == "6 May 2019"
    assert formatting.format_date(dt.date(2018, 3, 23), "en", "full") == "Friday, 23 March 2018"
    moment = dt.datetime(2019, 5, 6, 13, 0, tzinfo=get_timezone("Europe/Paris"))
    assert formatting.format_moment(moment, "en", get_timezone("UTC")) == "6 May 2019, 11:00"
    assert formatting.format_time(moment, "en", moment.tzinfo) == "13:00"
    assert formatting.jinja_filters("en")["format_date"]("2018-03-23") == "23 March 2018"


@pytest.mark.parametrize("lang", LANGS)
def test_places_in_the_order_and_punctuation_of_the_language(lang):
    assert formatting.format_place(CITY[lang], "FR", lang, VENUE[lang]) == PLACE[lang]
    plain = formatting.format_place(CITY[lang], "FR", lang)
    assert CITY[lang] in plain and no_latin_comma(lang, plain)


@pytest.mark.parametrize("lang, expected", [("en", "A, B and C"), ("fr", "A, B et C"), ("es", "A, B y C"),
                                            ("zh", "A、B和C"), ("ar", "A وB وC"), ("ru", "A, B и C")])
def test_lists_follow_cldr_list_patterns(lang, expected):
    assert formatting.format_items(["A", "B", "C"], lang) == expected
    assert formatting.format_items(["A", "", None], lang) == "A"
    assert formatting.format_items([], lang) == ""


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_years_and_codes_as_written(lang):
    assert formatting.format_figure(2016, lang) == "2016"
    assert formatting.format_figure(" SDG 15 ", lang) == "SDG 15"
    assert formatting.format_figure("A/RES/70/1", lang) == "A/RES/70/1"
    big = formatting.format_figure(1_000_000, lang)
    assert big != "1000000" and big.replace(",", "").replace(".", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "") == "1000000"
    assert formatting.format_figure(-2016, lang).endswith("2016")


def plenary(**changes) -> assessments.Plenary:
    values = dict(key="ipbes-7", session=7, city=CITY, country="FR", timezone="Europe/Paris",
                  start=dt.date(2019, 4, 29), end=dt.date(2019, 5, 4), venue=VENUE)
    values.update(changes)
    return assessments.Plenary(**values)


def entry(launch_time=None) -> assessments.Assessment:
    titles = {lang: f"Title {lang}" for lang in LANGS}
    event = assessments.Event("roadshow", titles, dt.date(2019, 6, 3), dt.date(2019, 6, 3), CITY, "FR", "Europe/Paris")
    return assessments.Assessment("global", titles, titles, plenary(), dt.date(2019, 5, 6), launch_time, None, False,
                                  [], [], [event])


@pytest.mark.parametrize("lang", LANGS)
def test_page_context_returns_formatted_strings(lang):
    info = assessments.page_context(entry(dt.time(13, 0)), lang, dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    assert info["place"] == PLACE[lang]
    assert info["dates"] == ACROSS_MONTHS[lang]
    assert info["events"][0]["when"] == ACROSS_MONTHS[lang] and info["events"][0]["place"] == PLACE[lang]
    assert info["events"][1]["when"] == formatting.format_date("2019-06-03", lang)
    for text in (info["launch"]["date"], info["launch"]["utc_time"], info["launch"]["local_time"], info["place"], info["dates"]):
        assert isinstance(text, str) and no_latin_comma(lang, text) and not US_DATE.search(text), text


@pytest.mark.parametrize("lang", LANGS)
def test_cover_facts_one_fact_a_line(lang):
    gettext = translations(str(ROOT / "locales"), lang).gettext
    info = assessments.page_context(entry(), lang, dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    facts = publications.cover_facts(info, gettext)
    assert [value for _, value in facts] == ["IPBES-7", PLACE[lang], ACROSS_MONTHS[lang], info["launch"]["date"]]
    assert [label for label, _ in facts] == [gettext(m) for m in ("Plenary session", "Place", "Dates", "Launch")]


@pytest.mark.parametrize("lang", LANGS)
def test_launch_sentence(lang):
    gettext = translations(str(ROOT / "locales"), lang).gettext
    text = assessments.summary(entry(), lang, gettext)
    assert PLACE[lang] in text and ACROSS_MONTHS[lang] in text and "IPBES-7" in text
    assert no_latin_comma(lang, text), text


def test_chinese_launch_sentence_names_the_plenary_as_the_one_that_approved():
    text = assessments.summary(entry(), "zh", translations(str(ROOT / "locales"), "zh").gettext)
    assert text.startswith("生物多样性平台全体会议 IPBES-7 届会")
    assert "核准了《Title zh》" in text
    assert "法国核准" not in text
