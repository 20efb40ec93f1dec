"""The search bundle is the same, byte for byte, from two copies of the same site, even when
Pagefind sees the pages in another order and writes its hash maps in another order
(scripts/search.py, canonicalise_bundle); and search still works on it in real Chromium."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import cbor2
import pytest

from scripts import search
from scripts.errors import BuildError
from tests.test_search import LANGUAGES, open_page, page_html, search_with_keyboard, write_fixture_site

# More kinds per language than tests/test_search.py's site, and words on several pages.
EXTRA_PAGES = [
    ("en", "assessments/pollination/", "assessment", "Pollination assessment",
     "<p>The assessment of pollinators, pollination and food production.</p>"),
    ("en", "videos/bees/", "video", "Bees at work", "<p>A video about bees and pollination in cities.</p>"),
    ("fr", "actualites/lancement/", "news", "Lancement de l'évaluation", "<p>Les pollinisateurs et les forêts dans le rapport.</p>"),
    ("zh", "news/launch/", "news", "评估发布", "<p>生物多样性评估报告发布。</p>"),
    ("ar", "news/launch/", "news", "إطلاق التقييم", "<p>تقرير عن الغابات والملقحات.</p>"),
    ("ru", "news/launch/", "news", "Запуск оценки", "<p>Доклад об опылителях и лесах.</p>"),
    ("ru", "videos/forests/", "video", "Леса", "<p>Видео о лесах и опылителях.</p>"),
]


def write_site(root: Path) -> Path:
    site = write_fixture_site(root)
    for lang, path, kind, title, body in EXTRA_PAGES:
        target = site / lang / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html(lang, path, kind, title, body), encoding="utf-8")
    return site


def other_filesystem() -> Path | None:
    """A folder on another file system than the default temporary one (Pagefind numbers pages
    in the order a file system lists them), if this machine has one."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shm.stat().st_dev != Path(tempfile.gettempdir()).stat().st_dev:
        return shm
    return None


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two copies of the site indexed, the second with Pagefind reading its pages from another
    file system, written in reverse order; and Pagefind's own bundles before canonicalising."""
    root = tmp_path_factory.mktemp("deterministic")
    real = search.canonicalise_bundle
    sites, raw = [], []
    for copy, elsewhere in (("one", None), ("two", other_filesystem())):
        site = write_site(root / copy)
        raw_root = root / f"raw-{copy}"

        def keep_raw(bundle, lang):
            shutil.copytree(bundle, raw_root / lang)
            real(bundle, lang)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search, "canonicalise_bundle", keep_raw)
            if elsewhere:
                scratch = Path(tempfile.mkdtemp(prefix="pfdeterm-", dir=elsewhere))
                patch.setattr(tempfile, "tempdir", str(scratch))
                select = search._select_pages
                patch.setattr(search, "_select_pages", lambda *a: (lambda p, e: (p[::-1], e))(*select(*a)))
            try:
                search.index_site(site, LANGUAGES)
            finally:
                if elsewhere:
                    shutil.rmtree(scratch, ignore_errors=True)
        sites.append(site)
        raw.append(raw_root)
    return sites, raw, bool(other_filesystem())


def bundles(site: Path) -> dict[str, bytes]:
    return {f"{lang}/{path}": data for lang in LANGUAGES for path, data in tree(site / lang / search.BUNDLE).items()}


def unpack(path: Path):
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(search.INDEX_MAGIC), path
    return data[len(search.INDEX_MAGIC):]


def read_pages(word_pages: list, urls: list[str]) -> dict[str, list]:
    number, found = 0, {}
    for distance, *locations in word_pages:
        number += distance
        found[urls[number]] = locations
    return found


def logical_index(bundle: Path, lang: str) -> dict:
    """What a bundle tells search, with pages named by URL instead of by number."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    version, pages, chunks, filters, sorts, fields = cbor2.loads(unpack(bundle / f"pagefind.{entry['languages'][lang]['hash']}.pf_meta"))
    documents = [json.loads(unpack(bundle / "fragment" / f"{name}.pf_fragment")) for name, _ in pages]
    urls = [document["url"] for document in documents]
    words = {}
    for _, _, name in chunks:
        (chunk,) = cbor2.loads(unpack(bundle / "index" / f"{name}.pf_index"))
        for word, word_pages, variants in chunk:
            words[word] = read_pages(word_pages, urls)
            for variant, variant_pages in variants:
                words[f"{word}/{variant}"] = read_pages(variant_pages, urls)
    kinds = {}
    for filter_name, name in filters:
        stored, values = cbor2.loads(unpack(bundle / "filter" / f"{name}.pf_filter"))
        kinds[stored] = {value: sorted(urls[n] for n in numbers) for value, numbers in values}
    return {"entry": {**entry, "languages": {lang: {**entry["languages"][lang], "hash": None}}},
            "version": version, "pages": sorted(zip(urls, (count for _, count in pages), map(json.dumps, documents))),
            "chunks": [(start, end) for start, end, _ in chunks], "words": words, "filters": kinds,
            "sorts": {key: [urls[n] for n in numbers] for key, numbers in sorts}, "fields": fields}


# --- Bytes ------------------------------------------------------------------------------------

def test_two_copies_give_byte_identical_bundles(builds):
    (one, two), _, _ = builds
    first, second = bundles(one), bundles(two)
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []
    assert {path.split("/")[-2] for path in first if path.endswith(".pf_filter")} == {"filter"}
    assert len([path for path in first if path.endswith(".pf_filter")]) == len(LANGUAGES)


def test_pagefind_alone_gave_different_bundles(builds):
    """The test above would fail without canonicalise_bundle: Pagefind's own output differed."""
    _, (raw_one, raw_two), elsewhere = builds
    if not elsewhere:
        pytest.skip("no second file system here to make Pagefind see the pages in another order")
    first, second = tree(raw_one), tree(raw_two)
    assert first != second
    orders = [[cbor2.loads(unpack(next((raw / lang).glob("*.pf_meta"))))[1] for lang in LANGUAGES] for raw in (raw_one, raw_two)]
    assert orders[0] != orders[1], "Pagefind numbered the pages the same way in both copies"


def test_every_index_file_is_gzipped_without_time_or_name_and_named_by_its_content(builds):
    site = builds[0][0]
    for lang in LANGUAGES:
        bundle = site / lang / search.BUNDLE
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        meta_name = entry["languages"][lang]["hash"]
        files = sorted(bundle.glob("*/*.pf_*")) + sorted(bundle.glob("*.pf_meta"))
        assert [p.name for p in bundle.glob("*.pf_meta")] == [f"pagefind.{meta_name}.pf_meta"]
        for path in files:
            head = path.read_bytes()[:10]
            assert head[:4] == b"\x1f\x8b\x08\x00" and head[4:8] == b"\0\0\0\0", path  # no name, no comment, time 0
            digest = hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()
            name = path.name.split(".")[-2] if path.suffix == ".pf_meta" else path.stem
            digits = len("en_112a22be5b") - len("en_") if path.suffix == ".pf_meta" else search.SHORT_HASH_HEX
            assert name == f"{lang}_{digest[:digits]}", path
        _, pages, chunks, filters, _, _ = cbor2.loads(unpack(bundle / f"pagefind.{meta_name}.pf_meta"))
        named = ({f"fragment/{name}.pf_fragment" for name, _ in pages} | {f"index/{name}.pf_index" for *_, name in chunks}
                 | {f"filter/{name}.pf_filter" for _, name in filters})
        assert named == {p.relative_to(bundle).as_posix() for p in bundle.glob("*/*.pf_*")}
        assert [name for name, _ in filters] == ["kind"]


def test_pages_are_numbered_in_url_order_and_lists_are_sorted(builds):
    site = builds[0][0]
    bundle = site / "en" / search.BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    _, pages, _, filters, _, _ = cbor2.loads(unpack(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"))
    urls = [json.loads(unpack(bundle / "fragment" / f"{name}.pf_fragment"))["url"] for name, _ in pages]
    assert urls == sorted(urls) == ["/", "/assessments/pollination/", "/factsheets/pollinators/", "/news/nexus-launch/", "/videos/bees/"]
    name, values = cbor2.loads(unpack(bundle / "filter" / f"{filters[0][1]}.pf_filter"))
    assert values == [["assessment", [1]], ["factsheet", [2]], ["news", [3]], ["page", [0]], ["video", [4]]]


def test_the_canonical_bundle_tells_search_what_pagefinds_did(builds):
    (site, _), (raw_one, raw_two), elsewhere = builds
    for lang in LANGUAGES:
        canonical = logical_index(site / lang / search.BUNDLE, lang)
        assert canonical == logical_index(raw_one / lang, lang), lang
        # Pagefind's two numberings read the same way: how a word's pages are read here is right.
        assert canonical == logical_index(raw_two / lang, lang), lang
    assert set(canonical["filters"]["kind"]) == {"page", "factsheet", "news", "video"}
    assert len(logical_index(site / "en" / search.BUNDLE, "en")["words"]["pollin"]) >= 3
    assert len(logical_index(site / "fr" / search.BUNDLE, "fr")["words"]["foret/forêts"]) == 2


def test_canonicalising_again_changes_nothing(builds, tmp_path):
    bundle = builds[0][0] / "ru" / search.BUNDLE
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    search.canonicalise_bundle(copy, "ru")
    assert tree(copy) == tree(bundle)


def test_pagefinds_entry_file_is_written_as_pagefind_writes_it(builds):
    """Only the metadata's name changes in pagefind-entry.json: same keys, order and spacing."""
    (site, _), (raw, _), _ = builds
    for lang in LANGUAGES:
        before = (raw / lang / "pagefind-entry.json").read_text(encoding="utf-8")
        after = (site / lang / search.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8")
        old, new = (json.loads(text)["languages"][lang]["hash"] for text in (before, after))
        assert after == before.replace(old, new)


# --- Names and limits --------------------------------------------------------------------------

def test_names_grow_past_a_prefix_another_content_has(monkeypatch):
    digests = {b"a": "abcdef01" + "0" * 56, b"b": "abcdef02" + "0" * 56, b"c": "abcdef12" + "0" * 56, b"d": "1234567" + "0" * 57}
    monkeypatch.setattr(search, "_digest", digests.__getitem__)
    assert search._names("en", [b"d", b"c", b"b", b"a", b"a"]) == {
        b"a": "en_abcdef0", b"b": "en_abcdef02", b"c": "en_abcdef1", b"d": "en_1234567"}
    assert search.SHORT_HASH_HEX == 7 and search.GZIP_LEVEL == 9 and search.META_FIELDS == 6


# --- Bad input ---------------------------------------------------------------------------------

def damage_filter(bundle: Path) -> str:
    path = next((bundle / "filter").glob("*.pf_filter"))
    path.write_bytes(b"not gzip at all")
    return path.name


def damage_magic(bundle: Path) -> str:
    path = next((bundle / "filter").glob("*.pf_filter"))
    path.write_bytes(gzip.compress(b"something_else" + cbor2.dumps(["kind", []])))
    return path.name


def damage_fragment(bundle: Path) -> str:
    path = next((bundle / "fragment").glob("*.pf_fragment"))
    path.unlink()
    return path.name


def damage_meta(bundle: Path) -> str:
    path = next(bundle.glob("*.pf_meta"))
    path.write_bytes(gzip.compress(search.INDEX_MAGIC + cbor2.dumps(["1.5.2", [["ru_x", 3]], [], [], []])))
    return path.name


def damage_index(bundle: Path) -> str:
    path = next((bundle / "index").glob("*.pf_index"))
    path.write_bytes(gzip.compress(search.INDEX_MAGIC + cbor2.dumps([[["word", [[999, [1], []]], []]]])))
    return path.name


@pytest.mark.parametrize("damage", [damage_filter, damage_magic, damage_fragment, damage_meta, damage_index])
def test_a_damaged_bundle_is_reported_with_its_file(builds, tmp_path, damage):
    copy = tmp_path / "bundle"
    shutil.copytree(builds[0][0] / "ru" / search.BUNDLE, copy)
    name = damage(copy)
    with pytest.raises(BuildError) as error:
        search.canonicalise_bundle(copy, "ru")
    text = str(error.value)
    assert name in text and "reinstall it from requirements.lock" in text, text
    assert "Traceback" not in text


def test_index_site_leaves_no_half_written_bundle_when_canonicalising_fails(tmp_path, monkeypatch):
    site = write_site(tmp_path)
    monkeypatch.setattr(cbor2, "loads", lambda data: ["9.9.9"])
    with pytest.raises(BuildError, match="version 1.5.2"):
        search.index_site(site, ["ru"])
    assert not (site / "ru" / search.BUNDLE).exists()
    assert not list(site.rglob(f".{search.BUNDLE}-new"))


# --- In the browser ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang,query,found,kind,expected", [
    ("en", "pollination", 4, "news", "Nexus assessment launched"),
    ("en", "pollination", 4, "video", "Bees at work"),
    ("fr", "forêt", 2, "news", "Lancement de l'évaluation"),      # found through its written form "forêts"
    ("ru", "опылителей", 3, "factsheet", "Информационный бюллетень"),
    ("ru", "опылителей", 3, "video", "Леса"),
])
def test_kind_filter_works_on_the_canonical_bundle(browser, builds, lang, query, found, kind, expected):
    site = builds[0][1]
    with search.serve_site(site) as origin:
        context, page, requested, violations = open_page(browser, origin, f"{lang}/")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            search_with_keyboard(page, query)
            results = page.locator(".ipbes-search__results").get_by_role("option")
            assert results.count() == found, page.locator(".ipbes-search__status").text_content()
            page.locator("#ipbes-search-kind").select_option(kind)
            page.wait_for_function("() => document.querySelectorAll('.ipbes-search__result').length === 1")
            assert results.first.locator(".ipbes-search__page").text_content() == expected
            assert any(u.endswith(".pf_filter") for u in requested)
            assert not errors and not violations
        finally:
            context.close()
