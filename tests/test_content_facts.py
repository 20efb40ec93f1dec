"""What the fact sheets, the media page and the assessments data tell readers is true: read
from the sources (no site build) and held against the shared facts file (`../shared/facts.md`,
or the file IPBES_FACTS names), the only facts the site may state."""
from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path

import pytest
import yaml

from scripts import ROOT
from scripts.assessments import load_assessments
from scripts.content import read_front_matter
from scripts.errors import BuildError
from scripts.languages import SOURCE_LANGUAGE, UN_LANGUAGES
from scripts.translations import content_hash

FACTS = Path(os.environ.get("IPBES_FACTS", ROOT.parent / "shared" / "facts.md"))
SHEETS = ["africa", "americas", "asia-pacific", "europe-central-asia", "land-degradation", "global"]
KEY_MESSAGES = {"en": "Key messages", "fr": "Messages clés", "es": "Mensajes clave", "zh": "关键信息",
                "ar": "الرسائل الرئيسية", "ru": "Основные тезисы"}
LATER = {"values": ("IPBES-9", "Bonn", dt.date(2022, 7, 3), dt.date(2022, 7, 9)),
         "sustainable-use": ("IPBES-9", "Bonn", dt.date(2022, 7, 3), dt.date(2022, 7, 9)),
         "invasive-alien-species": ("IPBES-10", "Bonn", dt.date(2023, 8, 28), dt.date(2023, 9, 2)),
         "nexus": ("IPBES-11", "Windhoek", dt.date(2024, 12, 10), dt.date(2024, 12, 16)),
         "transformative-change": ("IPBES-11", "Windhoek", dt.date(2024, 12, 10), dt.date(2024, 12, 16))}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
INTERNAL_PLANS = re.compile(r"database|cloud-based|\bcloud\b|media monitoring|we plan|will be set up", re.I)


def numbers(text: str) -> set[str]:
    """Every number in `text`, thousands separators dropped: '15,000' and '15000' are one number."""
    found = set()
    for match in NUMBER.findall(text):
        found.add(match.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", match) else match)
    return found


def page(lang: str, rel: str) -> tuple[dict, str]:
    path = ROOT / "docs" / lang / rel
    meta, problems = read_front_matter(path)
    assert not problems, [str(p) for p in problems]
    return meta, path.read_text(encoding="utf-8")


def figures(meta: dict) -> list[tuple[str, str]]:
    return [(str(f["value"]), f["label"]) for f in meta.get("key_figures") or []]


def key_messages(text: str, heading: str) -> list[str]:
    """The bullet points of the section under `## <heading>`."""
    section = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return [line[2:].strip() for line in section.group(1).splitlines() if line.startswith("- ")] if section else []


def figure_numbers_missing_from(facts: str, meta: dict) -> list[str]:
    known = numbers(facts)
    return sorted(n for value, label in figures(meta) for n in numbers(f"{value} {label}") - known)


def shared_items(pages: dict[str, list]) -> list[tuple[str, str, object]]:
    """Items that stand on more than one page, with the pages that share them."""
    return [(a, b, item) for (a, items_a), (b, items_b) in itertools.combinations(pages.items(), 2)
            for item in set(items_a) & set(items_b)]


@pytest.fixture(scope="module")
def facts() -> str:
    if not FACTS.is_file():
        pytest.skip(f"no facts file at {FACTS}; set IPBES_FACTS to the shared facts.md")
    return FACTS.read_text(encoding="utf-8")


def test_numbers_are_read_with_and_without_thousands_separators():
    assert numbers("about 15,000 sources; US$577 billion; 23% of 3.2 billion; 100-300 million") == \
        {"15000", "577", "23", "3.2", "100", "300"}
    assert numbers("15000 and 1,25") == {"15000", "1,25"}
    assert numbers("no figures here") == set()


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_every_fact_sheet_has_key_figures_of_its_own(lang):
    sheets = {key: figures(page(lang, f"factsheets/{key}.md")[0]) for key in SHEETS}
    for key, items in sheets.items():
        assert len(items) >= 2, f"{lang}/{key}: too few key figures"
        others = set().union(*(set(v) for k, v in sheets.items() if k != key))
        assert len(set(items) - others) >= 2, f"{lang}/{key}: its key figures are the other fact sheets' figures"
    for a, b in itertools.combinations(sheets, 2):
        assert set(sheets[a]) != set(sheets[b]), f"{lang}: {a} and {b} have the same key figures"


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_every_fact_sheet_has_key_messages_of_its_own(lang):
    sheets = {key: key_messages(page(lang, f"factsheets/{key}.md")[1], KEY_MESSAGES[lang]) for key in SHEETS}
    for key, messages in sheets.items():
        assert len(messages) >= 2, f"{lang}/{key}: no key messages under '## {KEY_MESSAGES[lang]}'"
        assert len(set(messages)) == len(messages), f"{lang}/{key}: a key message is repeated"
    assert shared_items(sheets) == [], f"{lang}: fact sheets share key messages"


@pytest.mark.parametrize("key", SHEETS)
def test_every_number_in_the_english_key_figures_and_messages_is_in_the_facts(facts, key):
    meta, text = page(SOURCE_LANGUAGE, f"factsheets/{key}.md")
    assert figure_numbers_missing_from(facts, meta) == [], f"{key}: key figures with numbers facts.md does not have"
    invented = {n for m in key_messages(text, KEY_MESSAGES["en"]) for n in numbers(m)} - numbers(facts)
    assert invented == set(), f"{key}: key messages with numbers facts.md does not have"


def test_an_invented_figure_or_a_shared_message_is_caught(facts):
    meta = {"key_figures": [{"value": "around 1 million", "label": "species"}, {"value": 4242, "label": "new in 1999"}]}
    assert figure_numbers_missing_from(facts, meta) == ["1999", "4242"]
    assert figure_numbers_missing_from(facts, {"key_figures": [{"value": "15000", "label": "sources"}]}) == []
    assert shared_items({"a": ["x", "y"], "b": ["y", "z"], "c": ["w"]}) == [("a", "b", "y")]
    assert key_messages("## Key messages\n\n- one\n- two\n\n## Next\n\n- three\n", "Key messages") == ["one", "two"]
    assert key_messages("# Title\n\nNo section.\n", "Key messages") == []


@pytest.mark.parametrize("lang", [lang for lang in UN_LANGUAGES if lang != SOURCE_LANGUAGE])
def test_translated_fact_sheets_follow_the_english_and_stay_drafts(lang):
    for key in SHEETS + ["index"]:
        rel = f"factsheets/{key}.md"
        english_meta, english = page(SOURCE_LANGUAGE, rel)
        meta, text = page(lang, rel)
        record = meta.get("translation") or {}
        assert record.get("status") == "draft", f"{lang}/{rel}: a translation nobody reviewed is marked draft"
        assert record.get("source_hash") == content_hash(english), f"{lang}/{rel}: run `ipbes-site translations done {lang} {rel}`"
        if key == "index":
            continue
        assert len(figures(meta)) == len(figures(english_meta)), f"{lang}/{key}: not the English key figures"
        plain = [[f["value"] for f in m["key_figures"] if not isinstance(f["value"], str)] for m in (meta, english_meta)]
        assert plain[0] == plain[1], f"{lang}/{key}: a number the build formats differs from the English one"
        assert len(key_messages(text, KEY_MESSAGES[lang])) == len(key_messages(english, KEY_MESSAGES["en"]))


def press_contact() -> dict:
    return yaml.safe_load((ROOT / "data" / "media.yml").read_text(encoding="utf-8"))["press_contact"]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_media_page_names_the_press_contact_from_the_data_and_says_it_is_a_stand_in(lang):
    contact = press_contact()
    meta, text = page(lang, "media.md")
    assert contact["name"][lang] in text, f"{lang}/media.md does not name the press contact of data/media.yml"
    assert contact["email"] in text
    if contact["stand_in"]:
        assert contact["email"].endswith(("@example.org", "@example.com", ".invalid")), "a stand-in address must reach no one"
        marker = {"en": "stand-in", "fr": "provisoire", "es": "provisional", "zh": "临时占位", "ar": "مؤقتة",
                  "ru": "временная замена"}[lang]
        assert text.count(marker) >= 2, f"{lang}/media.md: the contact and the sentence after it say it is a stand-in"
        assert contact["replace_with"], "the data file says what must replace the stand-in"
    if lang != SOURCE_LANGUAGE:
        record = meta.get("translation") or {}
        assert record.get("status") == "draft"
        assert record.get("source_hash") == content_hash(page(SOURCE_LANGUAGE, "media.md")[1])


def test_the_media_page_serves_journalists_not_internal_plans():
    _, text = page(SOURCE_LANGUAGE, "media.md")
    assert not INTERNAL_PLANS.search(text), INTERNAL_PLANS.search(text)
    assert "(news/index.md)" in text and 'href="../news/feed.xml"' in text
    for key in SHEETS:
        assert f"(assessments/{key}.md)" in text, f"media.md does not link the launch page of {key}"
    assert "embargo" in text


def test_the_assessments_approved_after_2019_are_in_the_data_without_a_launch(facts):
    data = load_assessments(ROOT, list(UN_LANGUAGES), dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    assert [a.key for a in data.published()] == SHEETS
    assert {a.key for a in data.without_launch()} == set(LATER)
    for key, (plenary, city, start, end) in LATER.items():
        entry = data.assessments[key]
        assert (entry.plenary.name, entry.plenary.city["en"], entry.plenary.start, entry.plenary.end) == (plenary, city, start, end)
        assert entry.launch_date is None and entry.launch_moment is None
        assert entry.title["en"].split(" (")[0] in " ".join(facts.split()), f"{key}: title not as facts.md gives it"
        assert entry.english_only == frozenset(UN_LANGUAGES) - {SOURCE_LANGUAGE}
        assert "fr" not in entry.title, "an untranslated title waits for its translation: pages show the English one, marked"
    messages = data.assessments["invasive-alien-species"].key_messages
    assert set(messages) == set(UN_LANGUAGES)
    assert {n for m in messages["en"] for n in numbers(m)} <= numbers(facts)


ENTRY = """plenaries:
  ipbes-9: {session: 9, city: {en: Bonn}, country: DE, timezone: Europe/Berlin, start: 2022-07-03, end: 2022-07-09}
assessments:
  later:
    title: {en: A later assessment}
    short_title: {en: Later}
    plenary: ipbes-9
"""


@pytest.mark.parametrize("change,expected", [
    ("", None),
    ("    launch: {time: '13:00'}\n", "'later.launch.time'|a launch time needs a launch date"),
    ("    launch: soon\n", "'launch' must be {date: YYYY-MM-DD"),
    ("    launch: {date: '1 July 2022'}\n", "not an ISO 8601 date"),
], ids=["no-launch", "time-without-date", "launch-not-a-mapping", "not-iso"])
def test_a_launch_may_be_left_out_but_not_half_given(tmp_path, change, expected):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "assessments.yml").write_text(ENTRY + change, encoding="utf-8")
    if expected is None:
        data = load_assessments(tmp_path, ["en"], dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
        assert data.published() == [] and [a.key for a in data.without_launch()] == ["later"]
        return
    with pytest.raises(BuildError) as error:
        load_assessments(tmp_path, ["en"], dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    text = " ".join(str(p) for p in error.value.problems)
    assert "data/assessments.yml:" in text and expected.split("|")[-1] in text, text


@pytest.mark.parametrize("title", ["{fr: Une évaluation}", "{en: '   ', fr: Une évaluation}", "just text", "[en]"])
def test_a_title_needs_its_english_text(tmp_path, title):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "assessments.yml").write_text(
        ENTRY.replace("{en: A later assessment}", title), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        load_assessments(tmp_path, ["en", "fr"], dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    assert any("'title' needs at least its English text" in str(p) for p in error.value.problems)
