"""Stage: the sources read once, and each language's complete tree written for the engine.

MkDocs' event loop used to do this work inside a plugin: fallback pages, launch pages and
media were added in `on_files`, state filled in page events and read later, and the result
depended on the plugin's place in the list. A successor engine (Zensical) runs no MkDocs
plugin and drops unknown ones silently, so everything the engine needs is written here as
plain files under `.build/stage/<lang>/`: every page of every type (translations, English
fallbacks marked as such, launch pages and listings generated from data), shared media,
fonts, logos, `tokens.css`, posters, calendar files, and a `mkdocs.yml` with relative paths
that lists only the engine's own plugins. What templates need travels in each page's front
matter (`ipbes:`) and the configuration's `extra.ipbes` (interface strings resolved from the
gettext catalogs), every string HTML-escaped, so templates call no Python.

The finish step reads `manifest.json` (what each language must publish, and what finish
makes from it: feeds, PDFs, cards, sitemaps) beside each staged tree.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import fonts, assessments, cards, highlights, i18n, links, pages, publications, tokens, translations, videos
from .brand import rules as brand_rules
from .chooser import OFFICIAL_NAME
from .content import FRONT_MATTER, page_type, read_front_matter
from .embeds import posters, scan
from .embeds.blocks import poster_colours
from .errors import BuildError, Problem
from .formatting import format_date
from .i18n import N_
from .languages import language
from .site_config import SharedConfig

ASSETS = "assets/ipbes"
STYLESHEETS = [f"{ASSETS}/fonts/fonts.css", f"{ASSETS}/tokens.css", f"{ASSETS}/site.css", f"{ASSETS}/search.css"]
SCRIPTS = [f"{ASSETS}/site.js", f"{ASSETS}/search.js"]
SEARCH_KINDS = {"fact sheet": "factsheet", "news post": "news", "home page": "page", "page": "page"}
FEED_TITLE = N_("IPBES news")
MEDIA_TYPES = publications.RASTER_TYPES | {".svg", ".vtt", ".mp4", ".webm", ".mp3", ".ogg", ".pdf"}
ENGINE_PLUGINS = ("search", "blog")
LINKS_CHECKED_BY_THE_PROJECT = {"not_found": "ignore", "anchors": "ignore", "unrecognized_links": "ignore"}


@dataclass
class SourcePage:
    """One Markdown source, read once: its front matter and body serve every check and step."""
    lang: str
    rel: str
    path: Path
    meta: dict
    front: str
    body: str

    @property
    def kind(self) -> str:
        return page_type(self.rel, self.meta)

    @property
    def title(self) -> str:
        if isinstance(self.meta.get("title"), str):
            return self.meta["title"]
        hero = self.meta.get("hero")
        if isinstance(hero, dict) and isinstance(hero.get("title"), str):
            return hero["title"]
        return next((line[2:].strip() for line in self.body.splitlines() if line.startswith("# ")), Path(self.rel).stem)


@dataclass
class Sources:
    """The one source model: pages of every language, data files, the clock and the embargo."""
    root: Path
    shared: SharedConfig
    clock: dt.datetime
    preview: bool
    pages: dict[tuple[str, str], SourcePage]
    data: assessments.AssessmentData
    videos: list
    partners: list
    states: list
    embargoed: dict
    versions: pages.PageVersions
    colours: dict = field(default_factory=dict)

    @property
    def languages(self) -> list[str]:
        return self.shared.languages

    @property
    def source_language(self) -> str:
        return self.shared.source_language

    def hidden(self, lang: str) -> set[str]:
        return set() if self.preview else {rel for code, rel in self.embargoed if code == lang}

    def page(self, lang: str, rel: str) -> SourcePage | None:
        return self.pages.get((lang, rel))


def read_page(path: Path, lang: str, rel: str) -> SourcePage:
    text = path.read_text(encoding="utf-8-sig")
    meta, problems = read_front_matter(path)
    if problems:
        raise BuildError(problems)
    match = FRONT_MATTER.match(text)
    front, body = (match.group(1) or "", text[match.end():]) if match else ("", text)
    return SourcePage(lang, rel, path, meta, front, body)


def read_sources(root: Path, shared: SharedConfig, clock: dt.datetime, preview: bool = False,
                 states: list | None = None) -> Sources:
    """Every source page of every language and the data files, read once. The source checks
    ran before, so a problem here is a bug in them, still reported with its file."""
    from . import content
    root = Path(root)
    languages = shared.languages
    found: dict[tuple[str, str], SourcePage] = {}
    problems: list[Problem] = []
    for lang in languages:
        base = root / "docs" / lang
        for path in sorted(base.rglob("*.md")):
            rel = path.relative_to(base).as_posix()
            try:
                found[(lang, rel)] = read_page(path, lang, rel)
            except BuildError as exc:
                problems += exc.problems
    if problems:
        raise BuildError(problems)
    data = assessments.load_assessments(root, languages, clock, preview)
    embargoed = content.embargoed_pages(root / "docs", languages, clock, data.hidden)
    hidden = set() if preview else set(embargoed)
    generated = [f"assessments/{entry.key}.md" for entry in data.published()]
    versions = pages.scan_page_versions(root / "docs", languages, generated, hidden)
    versions = _launch_versions(versions, data, languages)
    if states is None:
        from . import cache_dir
        states = translations.all_states(root, languages, shared.source_language, cache_dir(root) / "translations")
    return Sources(root, shared, clock, preview, found, data, videos.load_videos(root, languages),
                   publications.load_partners(root, languages), states, embargoed, versions, poster_colours(root))


def _launch_versions(versions: pages.PageVersions, data: assessments.AssessmentData, languages: list[str]) -> pages.PageVersions:
    """A launch page exists in a language only where its data entry has that language's title."""
    by_path = dict(versions.by_path)
    for entry in data.published():
        rel = f"assessments/{entry.key}.md"
        by_path[rel] = frozenset(code for code in by_path.get(rel, ()) if entry.title.get(code))
    return pages.PageVersions(versions.languages, by_path)


# --- what each language publishes -------------------------------------------------------

@dataclass
class StagedPage:
    rel: str
    source: Path            # the file an editor fixes when this page is wrong
    meta: dict
    body: str
    fallback: bool = False  # shown in the source language: not translated yet


def language_pages(src: Sources, lang: str) -> list[StagedPage]:
    """Every page of one language: its own files, the English pages it lacks (as honest
    fallbacks), and the launch pages generated from the data file, less the embargoed."""
    source = src.source_language
    hidden_here, hidden_source = src.hidden(lang), src.hidden(source)
    staged: list[StagedPage] = []
    rels = sorted({rel for (code, rel) in src.pages if code in (lang, source)})
    for rel in rels:
        own = src.page(lang, rel)
        if own is not None:
            if rel in hidden_here:
                continue
            staged.append(StagedPage(rel, own.path, copy.deepcopy(own.meta), own.body))
        else:
            original = src.page(source, rel)
            if original is None or rel in hidden_source:
                continue
            meta = fallback_meta(src, copy.deepcopy(original.meta), lang)
            staged.append(StagedPage(rel, original.path, meta, original.body, fallback=True))
    gettext = i18n.translations(str(src.root / "locales"), lang).gettext
    data_file = src.root / assessments.DATA_FILE
    for entry in src.data.published():
        rel = f"assessments/{entry.key}.md"
        shown = lang if entry.title.get(lang) else source
        text = assessments.page_markdown(entry, shown, i18n.translations(str(src.root / "locales"), shown).gettext)
        match = FRONT_MATTER.match(text)
        meta = yaml.safe_load(match.group(1)) or {}
        staged.append(StagedPage(rel, data_file, meta, text[match.end():], fallback=shown != lang))
    del gettext
    return staged


def fallback_meta(src: Sources, meta: dict, lang: str) -> dict:
    """An English page's front matter made valid in another language: blog categories mapped
    to that language's names (by their place in each language's list), the rest kept."""
    if isinstance(meta.get("categories"), list):
        meta["categories"] = map_categories(src.shared, meta["categories"], src.source_language, lang)
    meta.pop("translation", None)
    return meta


def blog_categories(shared: SharedConfig, lang: str) -> list[str]:
    settings = (shared.ipbes.get("languages") or {}).get(lang) or {}
    return list(((settings.get("blog") or {}).get("categories_allowed")) or [])


def map_categories(shared: SharedConfig, names: list, from_lang: str, to_lang: str) -> list[str]:
    source, target = blog_categories(shared, from_lang), blog_categories(shared, to_lang)
    mapped = []
    for name in names:
        if name in source and source.index(name) < len(target):
            mapped.append(target[source.index(name)])
        else:
            mapped.append(name)
    return mapped


def check_categories(src: Sources) -> list[Problem]:
    """Blog categories must be the language's own names (mkdocs.yml lists them): found here,
    with the file and line, instead of as the blog plugin's error without either."""
    problems = []
    for (lang, rel), page in sorted(src.pages.items()):
        names = page.meta.get("categories")
        if not rel.startswith(pages.BLOG_POSTS[0]) or not isinstance(names, list):
            continue
        allowed = blog_categories(src.shared, lang)
        for name in names:
            if allowed and name not in allowed:
                line = _key_line(page.front, "categories")
                hint = ""
                if name in blog_categories(src.shared, src.source_language):
                    hint = f" ('{map_categories(src.shared, [name], src.source_language, lang)[0]}' is the {lang} name of '{name}')"
                problems.append(Problem(page.path, line, f"category '{name}' is not one of this language's categories: "
                                                          f"{', '.join(allowed)}{hint}; use one of those (mkdocs.yml lists them)"))
    return problems


def check_authors(src: Sources) -> list[Problem]:
    """Every post's authors are in its language's `news/.authors.yml` (or the English one)."""
    problems = []
    known_by_lang: dict[str, set[str]] = {}
    for lang in src.languages:
        for code in (lang, src.source_language):
            path = src.root / "docs" / code / "news" / ".authors.yml"
            if path.is_file():
                from .datafiles import load_data_file
                data = load_data_file(path, "authors file").data
                authors = data.get("authors") if isinstance(data, dict) else None
                known_by_lang[lang] = set(authors) if isinstance(authors, dict) else set()
                break
    for (lang, rel), page in sorted(src.pages.items()):
        names = page.meta.get("authors")
        if not rel.startswith(pages.BLOG_POSTS[0]) or not isinstance(names, list):
            continue
        known = known_by_lang.get(lang, set())
        for name in names:
            if name not in known:
                problems.append(Problem(page.path, _key_line(page.front, "authors"),
                                        f"unknown author '{name}'; use one of: {', '.join(sorted(known)) or '(none)'} "
                                        f"(docs/{lang}/news/.authors.yml), or add the author there"))
    return problems


def check_staging(src: Sources) -> list[Problem]:
    """The checks that need the whole source model: blog categories and authors."""
    return check_categories(src) + check_authors(src)


def _key_line(front: str, key: str) -> int:
    for number, line in enumerate(front.splitlines(), start=2):
        if line.startswith(f"{key}:") or line.startswith(f"{key} :"):
            return number
    return 2


# --- page data for the templates --------------------------------------------------------

def _translated(gettext, message) -> str:
    """A configured text (the site description) in the build's language."""
    return gettext(message) if isinstance(message, str) and message else ""


def _text(value: str) -> str:
    """Text made safe to print in an element or a double-quoted attribute; apostrophes are
    left as they are (the templates quote every attribute with double quotes)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _escaped(value, seen: dict | None = None):
    """Every string the templates print, HTML-escaped once here: templates print as is.
    A mapping or list met twice (a page's hreflang entries are its alternates) stays one
    object, so the staged front matter names it once (a YAML alias) and the engine parses
    it once."""
    if isinstance(value, str):
        return _text(value)
    if not isinstance(value, (dict, list, tuple)):
        return value
    seen = {} if seen is None else seen
    if id(value) not in seen:
        if isinstance(value, dict):
            seen[id(value)] = escaped = {}
            escaped.update((k, _escaped(v, seen)) for k, v in value.items())
        else:
            seen[id(value)] = escaped = []
            escaped.extend(_escaped(v, seen) for v in value)
    return seen[id(value)]


def _alternates(src: Sources, rel: str, lang: str, generated_rel: bool = True) -> dict:
    entries, x_default = pages.alternates(src.versions, rel, lang, src.shared.site_url, src.source_language)
    here = "/" + lang + "/" + pages.page_url(rel)
    for entry in entries:
        target = "/" + (entry["path"] if entry["exists"] else entry["lang"] + "/")
        entry["href"] = (posixpath.relpath(target, here) + "/").replace("/./", "/")
        if entry["href"] == "./":
            entry["href"] = "./"
    return {"alternates": entries, "hreflang": [e for e in entries if e["exists"]],
            "x_default": x_default}


def contributor_pages(shared: SharedConfig) -> list[str]:
    """Pages for editors, volunteers and developers (mkdocs.yml extra.ipbes.contributors)."""
    return [rel for rel in shared.ipbes.get("contributors") or [] if isinstance(rel, str)]


def later_assessments(src: Sources, lang: str) -> list[dict]:
    """Assessments approved whose launch this project does not know yet (no launch page):
    listed with their plenary session, in English where the entry has no text in `lang`."""
    later = []
    for entry in sorted(src.data.without_launch(), key=lambda a: (a.plenary.start, a.key)):
        shown = lang if entry.title.get(lang) else src.source_language
        plenary = entry.plenary
        later.append({"key": entry.key, "title": entry.title[shown], "lang": shown if shown != lang else None,
                      "plenary": plenary.name, "place": assessments.place(plenary.city, plenary.country, lang, plenary.venue),
                      "dates": assessments.date_range(plenary.start, plenary.end, lang)})
    return later


def search_kind(page: StagedPage, contributors: list[str] = ()) -> str | None:
    """The kind a search result is filtered by (scripts/search.py KINDS); None: not searched."""
    if page.rel in contributors:
        return None
    if page.rel.startswith("assessments/") and page.meta.get("template") == "assessment.html":
        return "assessment"
    if page.meta.get("listing") == "videos":
        return "video"
    return SEARCH_KINDS[page_type(page.rel, page.meta)]


def page_data(src: Sources, lang: str, page: StagedPage, context: dict) -> dict:
    """What the templates show beside the page's own text (front matter `ipbes:`)."""
    info = language(lang)
    source = src.source_language
    alt = _alternates(src, page.rel, lang)
    contributors = contributor_pages(src.shared)
    data = {"lang": lang, "dir": info.direction, "kind": search_kind(page, contributors),
            "contributors": page.rel in contributors, **alt}
    state = context["states"].get(page.rel)
    source_entry = next((e for e in alt["alternates"] if e["lang"] == source), None)
    data["translation"] = {
        "fallback": page.fallback,
        "state": "missing" if page.fallback else (state.state if state else None),
        "source_href": source_entry["href"] if source_entry and source_entry["exists"] and lang != source else None,
        "source_name": language(source).name_in(lang), "language": info.name_in(lang),
        "source_lang": source}
    if page.fallback:
        data["hreflang"], data["x_default"] = [], None
        data["canonical"] = f"{src.shared.site_url}{source}/{pages.page_url(page.rel)}"
    data["embargoed"] = (lang, page.rel) in src.embargoed
    key = page.meta.get("assessment")
    if key in src.data.assessments:
        entry = src.data.assessments[key]
        shown = lang if entry.title.get(lang) else source
        info_ = assessments.page_context(entry, shown, src.clock)
        info_["factsheet"] = lang in src.versions.languages_of(f"factsheets/{key}.md") or (src.source_language in src.versions.languages_of(f"factsheets/{key}.md"))
        info_["video_titles"] = [v.title.get(lang) or v.title[source] for v in src.videos if v.key in info_["videos"]]
        data["embargoed"] = data["embargoed"] or info_["embargoed"]
        data["assessment"] = info_
    if page.meta.get("template") == "factsheet.html":
        data["factsheet"] = context["factsheets"][page.rel]
    if page.meta.get("template") == "home.html":
        data["highlights"] = context["highlights"]
    if page.meta.get("template") in ("assessments.html", "factsheets.html"):
        data["assessments"] = context["listing"]
    if page.meta.get("template") == "assessments.html":
        data["later"] = later_assessments(src, lang)
    data["social"] = context["social"][page.rel]
    return data


# --- writing a language's tree ----------------------------------------------------------

def _write(path: Path, data: bytes | str) -> bool:
    """Write only when the content changed, so the preview's engine rebuilds only what did."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(raw)
    os.replace(temporary, path)
    return True


def _copy(source: Path, target: Path) -> None:
    if target.is_file() and target.stat().st_size == source.stat().st_size and target.stat().st_mtime_ns >= source.stat().st_mtime_ns:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: ten times faster than PyYAML's own


def _page_text(meta: dict, body: str) -> str:
    return "---\n" + _front_matter_text(meta) + "---\n" + body


# Staged front matter by what it holds (its repr: types told apart, as 1 and '1' are, and
# made in C, ten times faster than YAML's representer, which is Python even with libyaml):
# the preview stages a language after every save, and most pages' front matter is what it was.
_FRONT_MATTER_TEXTS: dict[str, str] = {}
FRONT_MATTER_TEXTS_KEPT = 20_000


def _front_matter_text(meta: dict) -> str:
    key = repr(meta)
    text = _FRONT_MATTER_TEXTS.get(key)
    if text is None:
        text = yaml.dump(meta, Dumper=FAST_DUMPER, allow_unicode=True, sort_keys=False, width=10_000)
        if len(_FRONT_MATTER_TEXTS) >= FRONT_MATTER_TEXTS_KEPT:
            _FRONT_MATTER_TEXTS.clear()
        _FRONT_MATTER_TEXTS[key] = text
    return text


def interface_strings(root: Path, lang: str) -> dict[str, str]:
    """Every interface string of the catalogs in this language (the English text where a
    translation is missing), HTML-escaped: the templates' `_()` macro reads this."""
    catalog = i18n.read_catalog(i18n.catalog_path(Path(root) / "locales", lang), lang)
    strings = {}
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        text = message.string if (message.string and not message.fuzzy) else message.id
        strings[message.id] = _text(text)
    return strings


def stage_language(src: Sources, lang: str, out: Path, site_dir: Path) -> dict:
    """Write `out` (= .build/stage/<lang>/): docs/, mkdocs.yml and manifest.json. Returns the manifest."""
    root = src.root
    out = Path(out)
    docs = out / "docs"
    gettext = i18n.translations(str(root / "locales"), lang).gettext
    staged = language_pages(src, lang)
    written: set[Path] = set()
    shutil.rmtree(out / links.SEEN_FOLDER, ignore_errors=True)  # records are of this build's engine run only

    def put(rel: str, data) -> None:
        path = docs / rel
        _write(path, data)
        written.add(path)

    def put_file(rel: str, source: Path) -> None:
        path = docs / rel
        _copy(source, path)
        written.add(path)

    # Shared media, fonts, logos, tokens, non-Markdown files of the language folder.
    media = root / pages.SHARED_MEDIA_DIR
    withheld = embargoed_media(src)
    for path in sorted(media.rglob("*")) if media.is_dir() else []:
        if path.is_file() and path.suffix.lower() in MEDIA_TYPES and path.relative_to(media).as_posix() not in withheld:
            put_file(f"{pages.SHARED_MEDIA}/{path.relative_to(media).as_posix()}", path)
    for folder, target in (("brand/fonts", "fonts"), ("brand/logos", "logos")):
        for path in sorted((root / folder).iterdir()):
            if path.suffix in (".css", ".woff2", ".svg"):
                put_file(f"{ASSETS}/{target}/{path.name}", path)
    token_css = tokens.tokens_css(tokens.load_tokens(root / "brand" / "tokens.json"))
    put(f"{ASSETS}/tokens.css", token_css)
    lang_dir = root / "docs" / lang
    for path in sorted(lang_dir.rglob("*")):
        rel = path.relative_to(lang_dir).as_posix()
        if path.is_file() and not path.name.endswith(".md"):
            put_file(rel, path)
    if not (lang_dir / "news" / ".authors.yml").is_file() and (root / "docs" / src.source_language / "news" / ".authors.yml").is_file():
        put_file("news/.authors.yml", root / "docs" / src.source_language / "news" / ".authors.yml")

    # Posters of videos: drawn once per title and language (cached), published as media.
    found = [item for page in staged if page.source.suffix == ".md"
             for item in scan.find_embeds(page.source, page.body, media, tuple(src.languages))[0]]
    wanted = [(item.embed.title, True) for item in found if item.embed.kind == "video" and not item.embed.poster]
    for entry in src.videos:
        if entry.stand_in or "poster" not in entry.options:
            wanted.append((entry.title.get(lang) or entry.title[src.source_language], not entry.stand_in))
    from . import cache_dir
    for title, playable in wanted:
        path = posters.poster_for(title, lang, src.colours, root, cache_dir(root) / "posters", playable)
        put_file(f"{pages.SHARED_MEDIA}/posters/{path.name}", path)

    # Calendar files of the launch pages.
    page_url_base = f"{src.shared.site_url}{lang}/"
    for entry in src.data.published():
        shown = lang if entry.title.get(lang) else src.source_language
        shown_gettext = i18n.translations(str(root / "locales"), shown).gettext
        for name, data in assessments.calendar_files(entry, shown, f"{page_url_base}assessments/{entry.key}/", shown_gettext).items():
            put(f"assessments/{entry.key}/{name}", data)

    # What the templates show: highlights, listings, fact sheets, social cards.
    states = {s.page: s for s in src.states if s.lang == lang}
    listing = []
    for a in src.data.published():
        shown = lang if a.title.get(lang) else src.source_language
        item = assessments.page_context(a, shown, src.clock)
        item["factsheet"] = bool(src.versions.languages_of(f"factsheets/{a.key}.md"))
        item["lang"] = shown
        listing.append(item)
    video = next((v for v in src.videos if not v.stand_in), None)  # the home page features a published video only
    poster = None
    if video:
        vtitle = video.title.get(lang) or video.title[src.source_language]
        poster = f"{pages.SHARED_MEDIA}/posters/{posters.poster_name(vtitle, lang, src.colours, not video.stand_in)}"
    home = {"launch": highlights.featured_launch_for(src.data, lang, src.source_language, src.clock),
            "post": _latest_post(src, lang, staged),
            "video": {"title": vtitle, "poster": poster, "stand_in": video.stand_in} if video else None}
    kicker = gettext(OFFICIAL_NAME)
    card_logo = (root / "brand" / "logos" / "ipbes.svg").read_bytes()
    factsheets, social, cards_wanted, posts, pdfs, promised = {}, {}, {}, [], [], []
    site_description = _translated(gettext, src.shared.data.get("site_description"))
    site_url = f"{src.shared.site_url}{lang}/"
    for page in staged:
        title = _title_of(page)
        card = cards.card_name(title, kicker, lang, src.colours, card_logo)
        cards_wanted[card] = title
        url = pages.page_url(page.rel)
        description = page.meta.get("description") or site_description
        social[page.rel] = {"title": title, "description": description, "url": f"{site_url}{url}",
                            "image": f"{site_url}{ASSETS}/cards/{card}", "image_alt": title, "locale": cards.og_locale(lang),
                            "alternates": [cards.og_locale(e["lang"]) for e in _alternates(src, page.rel, lang)["hreflang"]
                                           if e["lang"] != lang] if not page.fallback else [],
                            "type": "article" if page.rel.startswith(pages.BLOG_POSTS[0]) else "website"}
        promised.append(f"{url}index.html")
        if page.meta.get("template") == "factsheet.html":
            factsheets[page.rel], pdf = _factsheet(src, lang, page, gettext)
            pdfs.append(pdf)
            promised.append(f"{url}{pdf['name']}")
        if page.rel.startswith(pages.BLOG_POSTS[0]) and not page.meta.get("draft"):
            posts.append(_post(src, lang, page, site_url))
    context = {"states": states, "factsheets": factsheets, "highlights": home, "listing": listing, "social": social}

    for page in staged:
        meta = dict(page.meta)
        body = page.body
        listing_kind = meta.get("listing")
        if listing_kind:
            body += _listing_markdown(src, lang, listing_kind, gettext)
        if meta.get("template") == "factsheet.html":
            meta["title"], body = _title_of(page), _without_title(body)
        for key in ("title", "description", "hero"):
            if key in meta:
                meta[key] = _escaped(meta[key])
        meta["ipbes"] = _escaped(page_data(src, lang, page, context))
        meta.pop("translation", None)
        put(page.rel, _page_text(meta, body))

    for entry in src.data.published():
        promised.append(f"assessments/{entry.key}/launch.ics")
    promised += ["news/feed.xml", "sitemap.xml"]
    promised += [f"{ASSETS}/cards/{name}" for name in sorted(cards_wanted)]
    config = staged_config(src, lang, out, site_dir, [p.rel for p in staged if p.fallback],
                           {p.rel: _title_of(p) for p in staged})
    _write(out / "mkdocs.yml", "# Staged by `ipbes-site` from mkdocs.yml for one language; do not edit.\n"
           + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=10_000))
    # Stale files of an earlier stage (a page deleted or put under embargo since) go.
    for path in sorted(docs.rglob("*"), reverse=True) if docs.is_dir() else []:
        if path.is_file() and path not in written:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    manifest = {"lang": lang, "dir": language(lang).direction, "site_url": site_url,
                "pages": {p.rel: {"source": str(p.source), "fallback": p.fallback, "url": pages.page_url(p.rel),
                                  "contributors": p.rel in contributor_pages(src.shared)} for p in staged},
                "cards": cards_wanted, "kicker": kicker, "posts": posts, "pdfs": pdfs, "promised": sorted(set(promised)),
                "feed_title": gettext(FEED_TITLE), "feed_author": gettext(publications.SECRETARIAT)}
    _write(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return manifest


MEDIA_REFERENCE = re.compile(r"media/([^\s)\"'<>|]+)")


def media_references(text: str) -> set[str]:
    """Files under docs/media/ a page names (links, images, embed options, cover images)."""
    return {match.group(1).rstrip(".,;:") for match in MEDIA_REFERENCE.finditer(text[:1_000_000])}


def embargoed_media(src: Sources) -> set[str]:
    """Media files named only by embargoed pages: they stay out of the output with them."""
    if src.preview:
        return set()
    hidden, shown = set(), set()
    for (lang, rel), page in src.pages.items():
        names = media_references(page.front + "\n" + page.body)
        if isinstance(page.meta.get("cover_image"), str):
            names.add(page.meta["cover_image"])
        (hidden if (lang, rel) in src.embargoed else shown).update(names)
    for path in (src.root / "data").glob("*.yml"):
        shown.update(media_references(path.read_text(encoding="utf-8-sig")))
    return hidden - shown


def embargo_items(src: Sources) -> list:
    """What must not appear anywhere in the output while the embargo holds (embargo_contract)."""
    from .embargo_contract import EmbargoedItem
    if src.preview:
        return []
    items = []
    withheld = embargoed_media(src)
    for (lang, rel), page in sorted(src.pages.items()):
        if (lang, rel) not in src.embargoed:
            continue
        sentences = [line.strip() for line in page.body.splitlines()
                     if len(line.strip()) > 40 and not line.lstrip().startswith(("#", "/", "<", "!", "|", "-", "*", "`"))][:3]
        names = {name for name in media_references(page.front + "\n" + page.body) if name in withheld}
        items.append(EmbargoedItem(source=page.path, titles=(page.title,), sentences=tuple(sentences),
                                   file_names=tuple(sorted(Path(n).name for n in names)),
                                   url_paths=(f"{lang}/{pages.page_url(rel)}",) if pages.page_url(rel) else (),
                                   files=tuple(src.root / pages.SHARED_MEDIA_DIR / n for n in sorted(names)
                                               if (src.root / pages.SHARED_MEDIA_DIR / n).is_file())))
    data_file = src.root / assessments.DATA_FILE
    for key in sorted(src.data.hidden):
        entry = src.data.assessments[key]
        titles = tuple(sorted({t for t in entry.title.values() if t}))  # short titles ("Africa") are common words
        items.append(EmbargoedItem(source=data_file, titles=titles,
                                   url_paths=tuple(f"{lang}/assessments/{key}/" for lang in src.languages)))
    return items


def _title_of(page: StagedPage) -> str:
    hero = page.meta.get("hero") if isinstance(page.meta.get("hero"), dict) else {}
    if isinstance(hero.get("title"), str):
        return hero["title"]
    if isinstance(page.meta.get("title"), str):
        return page.meta["title"]
    return next((line[2:].strip() for line in page.body.splitlines() if line.startswith("# ")), Path(page.rel).stem)


def _without_title(body: str) -> str:
    """A fact sheet's text less its `# title` line: the cover shows the title."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join(lines[:index] + lines[index + 1:])
    return body


def _latest_post(src: Sources, lang: str, staged: list[StagedPage]) -> dict | None:
    posts = []
    for page in staged:
        if not page.rel.startswith(pages.BLOG_POSTS[0]) or page.meta.get("draft"):
            continue
        created = page.meta.get("date")
        created = created.get("created") if isinstance(created, dict) else created
        if not isinstance(created, dt.date):
            continue
        created = created.date() if isinstance(created, dt.datetime) else created
        posts.append((created, Path(page.rel).stem, {"title": _title_of(page), "date": format_date(created, lang),
                                                      "iso": created.isoformat(), "url": pages.page_url(page.rel),
                                                      "lang": src.source_language if page.fallback else lang}))
    return max(posts)[2] if posts else None


def _post(src: Sources, lang: str, page: StagedPage, site_url: str) -> dict:
    created = page.meta.get("date")
    created = created.get("created") if isinstance(created, dict) else created
    moment = created if isinstance(created, dt.datetime) else dt.datetime.combine(created, dt.time(0, 0))
    return {"rel": page.rel, "url": f"{site_url}{pages.page_url(page.rel)}", "title": _title_of(page),
            "published": moment.isoformat(), "summary": page.meta.get("description", ""),
            "categories": list(page.meta.get("categories") or []), "authors": list(page.meta.get("authors") or []),
            "lang": src.source_language if page.fallback else lang}


def _factsheet(src: Sources, lang: str, page: StagedPage, gettext) -> tuple[dict, dict]:
    shown = src.source_language if page.fallback else lang
    entry = src.data.assessments[page.meta["assessment"]]
    info = assessments.page_context(entry, shown if entry.title.get(shown) else src.source_language, src.clock)
    shown_gettext = i18n.translations(str(src.root / "locales"), shown).gettext
    facts = publications.cover_facts(info, shown_gettext)
    figures = publications.key_figures(page.meta, shown)
    cover = src.root / publications.MEDIA_DIR / page.meta["cover_image"]
    name = f"ipbes-factsheet-{page.meta['assessment']}-{shown}.pdf"
    title = _title_of(page)
    data = {"title": title, "facts": [list(f) for f in facts], "figures": figures, "pdf": name,
            "cover_image": f"{pages.SHARED_MEDIA}/{page.meta['cover_image']}", "cover_size": list(publications.image_size(cover)),
            "back": publications.back_cover(src.partners, shown, shown_gettext), "lang": shown}
    pdf = {"rel": page.rel, "name": name, "lang": shown, "title": title, "cover": str(cover), "facts": [list(f) for f in facts],
           "figures": figures, "source": str(page.source), "description": page.meta.get("description"), "cover_line": _key_line(src.page(shown, page.rel).front, "cover_image")
           if src.page(shown, page.rel) else None}
    return data, pdf


def _listing_markdown(src: Sources, lang: str, kind: str, gettext) -> str:
    from . import cache_dir
    if kind == "videos":
        def poster_url(title, playable):
            return f"/{pages.SHARED_MEDIA}/posters/{posters.poster_name(title, lang, src.colours, playable)}"
        entries = [v for v in src.videos]
        return videos.listing_markdown(entries, lang, gettext, poster_url)
    if kind == "translations":
        catalogs = {code: vars(i18n.catalog_stats(src.root / "locales", code)) for code in src.languages}
        hidden = {rel for _, rel in src.embargoed} if not src.preview else set()
        states = [s for s in src.states if s.page not in hidden]
        return translations.dashboard_markdown(states, catalogs, gettext, lambda code: language(code).native_name, lang, src.root)
    if kind == "brand-rules":
        return brand_rules.rules_markdown(brand_rules.load_rules(src.root), gettext)
    del cache_dir
    return ""


def staged_config(src: Sources, lang: str, out: Path, site_dir: Path, fallbacks: list[str],
                  titles: dict[str, str] | None = None) -> dict:
    """The engine's configuration for one language: the shared file's settings, relative
    paths, and only the engine's own plugins (search, blog)."""
    shared = src.shared
    info = language(lang)
    data = copy.deepcopy(shared.data)
    data["docs_dir"] = "docs"
    data["site_dir"] = os.path.relpath(Path(site_dir).resolve(), Path(out).resolve())
    data["site_url"] = f"{shared.site_url}{lang}/"
    theme = data.setdefault("theme", {})
    theme["language"] = lang
    theme["direction"] = info.direction
    if theme.get("custom_dir"):
        theme["custom_dir"] = os.path.relpath(src.root / theme["custom_dir"], Path(out).resolve())
    settings = (shared.ipbes.get("languages") or {}).get(lang) or {}
    plugins = []
    for plugin in data.get("plugins", []):
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        if name not in ENGINE_PLUGINS:
            continue
        options = {} if isinstance(plugin, str) else dict(plugin[name] or {})
        if name == "search":
            options.update(settings.get("search") or {})
        if name == "blog":
            options.update(settings.get("blog") or {})
        plugins.append({name: options} if options else name)
    data["plugins"] = plugins
    extensions = []
    for extension in data.get("markdown_extensions", []):
        name = extension if isinstance(extension, str) else next(iter(extension))
        if name == "scripts.embeds.blocks":
            extension = {name: {"lang": lang, "root": os.path.relpath(src.root, Path(out).resolve())}}
        extensions.append(extension)
    # Last: records each page's links and ids from the engine's own parse, for the link check.
    extensions.append({links.SEEN_EXTENSION: {"store": links.SEEN_FOLDER}})
    data["markdown_extensions"] = extensions
    extra = data.setdefault("extra", {})
    ipbes = dict(extra.get("ipbes") or {})
    ipbes.pop("languages", None)
    gettext = i18n.translations(str(src.root / "locales"), lang).gettext
    titles = titles or {}
    ipbes.update({"lang": lang, "dir": info.direction, "strings": interface_strings(src.root, lang),
                  "official_name": _text(gettext(OFFICIAL_NAME)), "preload_font": fonts.preload_font(lang)})
    extra["ipbes"] = ipbes
    extra["alternate"] = True
    if data.get("site_description"):
        data["site_description"] = _text(_translated(gettext, data["site_description"]))
    data["extra_css"] = STYLESHEETS + [css for css in data.get("extra_css", []) if css not in STYLESHEETS]
    data["extra_javascript"] = list(data.get("extra_javascript", [])) + SCRIPTS
    hidden = src.hidden(lang)
    contributors = contributor_pages(shared)
    if data.get("nav") is not None:
        data["nav"] = pages.prune_nav(data["nav"], (hidden if not src.preview else set()) | set(contributors))
    data["not_in_nav"] = "\n".join(filter(None, [str(data.get("not_in_nav") or "").strip()] + [f"/{rel}" for rel in contributors]))
    ipbes["contributors"] = [{"title": _text(titles[rel]), "url": pages.page_url(rel),
                              "lang": src.source_language if rel in fallbacks else None} for rel in contributors if rel in titles]
    data["strict"] = bool(shared.data.get("strict", True))
    # scripts/links.py checks every link and anchor of the staged trees, once for all
    # languages; the engine's own checks would report them again, per language (nested `links:` wins
    # over the shared file's flat keys; its nav checks stay on).
    validation = dict(data.get("validation") or {})
    validation["links"] = {**(validation.get("links") or {}), **LINKS_CHECKED_BY_THE_PROJECT}
    data["validation"] = validation
    return data


def stage_site(src: Sources, stage_root: Path, site_root: Path, languages: list[str]) -> dict[str, dict]:
    return {lang: stage_language(src, lang, Path(stage_root) / lang, Path(site_root) / lang) for lang in languages}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
