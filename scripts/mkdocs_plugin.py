"""The thin MkDocs adapter: hands MkDocs' events to the plain functions in this package.

Everything here is glue; the work lives in `pages`, `tokens`, `i18n`, `sitemaps`,
`assessments`, `content` and `material_fixes`, which run without MkDocs, so a move to a
successor of MkDocs only replaces this file.
"""
from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from . import (assessments, cards, feeds, formatting, highlights, i18n, images, material_fixes, pages, publications, sitemaps,
               tokens, translations, videos)
from .brand import rules as brand_rules
from .chooser import OFFICIAL_NAME
from . import cache_dir
from .embargo import build_clock
from .i18n import N_
from .embeds import posters, scan
from .embeds.blocks import poster_colours
from .embeds.html import relative_media_urls
from .inventory import page_inventory
from .languages import language

ASSETS = "assets/ipbes"
FEED_TITLE = N_("IPBES news")
STYLESHEETS = [f"{ASSETS}/fonts/fonts.css", f"{ASSETS}/tokens.css", f"{ASSETS}/site.css"]


def _jinja_cache(root: Path) -> Path:
    path = cache_dir(root) / "jinja"
    path.mkdir(parents=True, exist_ok=True)
    return path


class IpbesPluginConfig(Config):
    lang = c.Type(str, default="en")
    project_root = c.Type(str, default=".")
    now = c.Type(str, default="")
    preview = c.Type(bool, default=False)
    translation_status = c.Type(str, default="")


class IpbesPlugin(BasePlugin[IpbesPluginConfig]):
    def on_config(self, config):
        self.root = Path(self.config.project_root).resolve()
        self.lang = self.config.lang
        self.now = build_clock(self.config.now or None)
        self.preview = self.config.preview
        ipbes = config.extra.get("ipbes", {})
        self.languages = list(ipbes.get("languages", {}).keys()) or [self.lang]
        self.source_language = ipbes.get("source_language", "en")
        self.site_url = config.site_url.rsplit(f"{self.lang}/", 1)[0] if config.site_url else "/"
        inventory = page_inventory(self.root, self.languages, self.now, self.preview)
        self.assessments, self.embargoed, self.versions = inventory.assessments, inventory.embargoed, inventory.versions
        if not self.preview:
            config.nav = pages.prune_nav(config.nav, inventory.hidden_in(self.lang))
        self.translations = i18n.translations(str(self.root / "locales"), self.lang)
        self.partners = publications.load_partners(self.root, self.languages)
        self.token_css = tokens.tokens_css(tokens.load_tokens(self.root / "brand" / "tokens.json"))
        self.factsheets: dict[str, dict] = {}
        self.files = None
        self.videos = videos.load_videos(self.root, self.languages)
        self.colours = poster_colours(self.root)
        self.posts: list[feeds.FeedPost] = []
        self.card_logo = (self.root / "brand" / "logos" / "ipbes.svg").read_bytes()
        # The assessments as listings show them: formatted once per build, not per page.
        self.listing = [dict(assessments.page_context(a, self.lang, self.now),
                             factsheet=self.lang in self.versions.languages_of(f"factsheets/{a.key}.md"))
                        for a in self.assessments.published()]
        self.translation_states = {}
        self.fallbacks: set[str] = set()
        status_file = Path(self.config.translation_status) if self.config.translation_status else None
        self.all_translation_states = (translations.load_states(status_file) if status_file and status_file.is_file()
                                       else translations.all_states(self.root, self.languages, self.source_language))
        self.translation_states = {s.page: s for s in self.all_translation_states if s.lang == self.lang}
        config.site_description = self.translations.gettext(config.site_description) if config.site_description else None
        # Material shows its language switcher only when extra.alternate is set; the
        # switcher and hreflang links themselves come from per-page data (on_page_context).
        config.extra["alternate"] = True
        config.extra_css = STYLESHEETS + [css for css in config.extra_css if css not in STYLESHEETS]
        config.extra_javascript.append(f"{ASSETS}/site.js")
        return config

    def on_env(self, env, config, files):
        # Compiled templates kept between builds: six language builds and every preview
        # rebuild would otherwise compile Material's templates again (keyed by source hash).
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(_jinja_cache(self.root)))
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(self.translations, newstyle=True)
        env.filters.update(formatting.jinja_filters(self.lang))
        return env

    def on_files(self, files, config):
        if not self.preview:
            for (lang, rel) in self.embargoed:
                if lang == self.lang and files.get_file_from_path(rel):
                    files.remove(files.get_file_from_path(rel))
        self.files = files
        files.append(File.generated(config, f"{ASSETS}/tokens.css", content=self.token_css))
        hidden = {rel for lang, rel in self.embargoed} if not self.preview else set()
        for page, state in self.translation_states.items():
            if state.state == "missing" and page not in hidden and not files.get_file_from_path(page):
                source = self.root / "docs" / self.source_language / page
                files.append(File.generated(config, page, content=source.read_text(encoding="utf-8")))
                self.fallbacks.add(page)
        media = self.root / pages.SHARED_MEDIA_DIR
        for path in sorted(media.rglob("*")) if media.is_dir() else []:
            if path.is_file() and path.suffix.lower() in publications.RASTER_TYPES | {".svg", ".vtt", ".mp4", ".webm", ".mp3", ".ogg"}:
                files.append(File.generated(config, f"{pages.SHARED_MEDIA}/{path.relative_to(media).as_posix()}", abs_src_path=str(path)))
        for folder, target in (("brand/fonts", "fonts"), ("brand/logos", "logos")):
            for path in sorted((self.root / folder).iterdir()):
                if path.suffix in (".css", ".woff2", ".svg"):
                    files.append(File.generated(config, f"{ASSETS}/{target}/{path.name}", abs_src_path=str(path)))
        found, _ = scan.check_embeds(self.root / "docs", [self.lang], media)
        wanted = [(item.embed.title, True) for item in found if item.embed.kind == "video" and not item.embed.poster]
        wanted += [(entry.title[self.lang], not entry.stand_in) for entry in self.videos
                   if entry.stand_in or "poster" not in entry.options]
        for title, playable in wanted:
            path = posters.poster_for(title, self.lang, self.colours, self.root, cache_dir(self.root) / "posters", playable)
            uri = f"{pages.SHARED_MEDIA}/posters/{path.name}"
            if not files.get_file_from_path(uri):
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        gettext = self.translations.gettext
        for entry in self.assessments.published():
            files.append(File.generated(config, f"assessments/{entry.key}.md",
                                        content=assessments.page_markdown(entry, self.lang, gettext)))
            page_url = f"{self.site_url}{self.lang}/assessments/{entry.key}/"
            for name, data in assessments.calendar_files(entry, self.lang, page_url, gettext).items():
                files.append(File.generated(config, f"assessments/{entry.key}/{name}", content=data))
        return files

    def on_post_page(self, output, page, config):
        site_dir = Path(config.site_dir)

        def source(site_path: str) -> Path | None:
            file = self.files.get_file_from_path(site_path) if self.files else None
            return Path(file.abs_src_path) if file and file.abs_src_path else None

        def publish(variant: Path) -> str:
            target = site_dir / images.VARIANTS_DIR / variant.name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(variant, target)
            return f"{images.VARIANTS_DIR}/{variant.name}"
        return images.responsive_html(output, page.url, source, publish, cache_dir(self.root) / "images")

    def on_page_markdown(self, markdown, page, config, files):
        if page.meta.get("listing") == "videos":
            def poster_url(title, playable):
                return f"/{pages.SHARED_MEDIA}/posters/{posters.poster_name(title, self.lang, self.colours, playable)}"
            markdown += videos.listing_markdown(self.videos, self.lang, self.translations.gettext, poster_url)
        if page.meta.get("listing") == "translations":
            catalogs = {lang: vars(i18n.catalog_stats(self.root / "locales", lang)) for lang in self.languages}
            markdown += translations.dashboard_markdown(self.all_translation_states, catalogs, self.translations.gettext,
                                                        lambda code: language(code).native_name)
        if page.meta.get("listing") == "brand-rules":
            markdown += brand_rules.rules_markdown(brand_rules.load_rules(self.root), self.translations.gettext)
        return markdown

    def on_page_content(self, html, page, config, files):
        html = relative_media_urls(html, page.url)
        if page.file.src_uri.startswith(pages.BLOG_POSTS[0]) and hasattr(page, "config"):
            authors = getattr(page, "authors", None) or []
            self.posts.append(feeds.FeedPost(
                url=f"{config.site_url}{page.url}", title=page.title, published=page.config.date.created,
                summary=page.meta.get("description", ""), content_html=feeds.entry_html(publications.split_title(html)[1], f"{config.site_url}{page.url}"),
                categories=list(page.config.categories), authors=[a.name for a in authors]))
        if page.meta.get("template") != "factsheet.html":
            return html
        title, body = publications.split_title(html)
        entry = self.assessments.assessments[page.meta["assessment"]]
        info = assessments.page_context(entry, self.lang, self.now)
        gettext = self.translations.gettext
        facts = [(gettext(publications.PLENARY_LABEL), f"{info['plenary']}, {info['place']}, {info['dates']}"),
                 (gettext(publications.LAUNCH_LABEL), info["launch"]["date"])]
        figures = publications.key_figures(page.meta, self.lang)
        cover = self.root / publications.MEDIA_DIR / page.meta["cover_image"]
        document = publications.print_document(self.root, self.lang, title or page.title, body, cover, facts, figures,
                                               self.partners, self.token_css)
        name = f"ipbes-factsheet-{page.meta['assessment']}-{self.lang}.pdf"
        out = Path(config.site_dir) / page.url / name
        publications.render_pdf(document, out, self.root, cover, cache_dir(self.root) / "pdf")
        self.factsheets[page.file.src_uri] = {
            "title": title or page.title, "body": body, "facts": facts, "figures": figures, "pdf": name,
            "pdf_size": formatting.format_size(out.stat().st_size, self.lang), "assessment": info,
            "cover_image": f"{pages.SHARED_MEDIA}/{page.meta['cover_image']}", "cover_size": publications.image_size(cover),
            "back": publications.back_cover(self.partners, self.lang, gettext)}
        return html

    def _context(self, rel_path: str | None, page_url: str) -> dict:
        entries, x_default = pages.alternates(self.versions, rel_path or "", self.lang, self.site_url, self.source_language)
        here = "/" + self.lang + "/" + page_url
        for entry in entries:
            target = "/" + (entry["path"] if entry["exists"] else entry["lang"] + "/")
            entry["href"] = posixpath.relpath(target, here if here.endswith("/") else posixpath.dirname(here)) + "/"
            entry["href"] = entry["href"].replace("/./", "/")
        info = language(self.lang)
        return {"lang": self.lang, "dir": info.direction, "alternates": entries,
                "hreflang": [e for e in entries if e["exists"]] if rel_path else [],
                "x_default": x_default if rel_path else None}

    def on_page_context(self, context, page, config, nav):
        ipbes = self._context(page.file.src_uri, page.url)
        ipbes["embargoed"] = (self.lang, page.file.src_uri) in self.embargoed
        key = page.meta.get("assessment")
        if key in self.assessments.assessments:
            ipbes["assessment"] = assessments.page_context(self.assessments.assessments[key], self.lang, self.now)
            ipbes["assessment"]["factsheet"] = self.lang in self.versions.languages_of(f"factsheets/{key}.md")
            ipbes["assessment"]["video_titles"] = [v.title[self.lang] for v in self.videos if v.key in ipbes["assessment"]["videos"]]
            ipbes["embargoed"] = ipbes["embargoed"] or ipbes["assessment"]["embargoed"]
        if page.file.src_uri in self.factsheets:
            ipbes["factsheet"] = self.factsheets[page.file.src_uri]
        ipbes["social"] = self._social(page, config, ipbes)
        state = self.translation_states.get(page.file.src_uri)
        source = next((e for e in ipbes["alternates"] if e["lang"] == self.source_language), None)
        ipbes["translation"] = {"fallback": page.file.src_uri in self.fallbacks, "state": state.state if state else None,
                                "source_href": source["href"] if source and source["exists"] else None,
                                "source_name": language(self.source_language).name_in(self.lang),
                                "language": language(self.lang).name_in(self.lang)}
        if page.meta.get("template") == "home.html":
            ipbes["highlights"] = self._highlights()
        ipbes["assessments"] = self.listing
        context["ipbes"] = ipbes
        return context

    def _highlights(self) -> dict:
        video = self.videos[0] if self.videos else None
        poster = None
        if video:
            playable = not video.stand_in
            poster = f"{pages.SHARED_MEDIA}/posters/{posters.poster_name(video.title[self.lang], self.lang, self.colours, playable)}"
        hidden = {rel for lang, rel in self.embargoed if lang == self.lang} if not self.preview else set()
        return {"launch": highlights.featured_launch(self.assessments, self.lang, self.now),
                "post": highlights.latest_post(self.root / "docs", self.lang, hidden),
                "video": {"title": video.title[self.lang], "poster": poster, "stand_in": video.stand_in} if video else None}

    def _social(self, page, config, ipbes) -> dict:
        """Open Graph and Twitter card data, with a card drawn for this page."""
        gettext = self.translations.gettext
        title = (page.meta.get("hero") or {}).get("title") or page.title or config.site_name
        card = cards.card_for(title, gettext(OFFICIAL_NAME), self.lang, self.colours, self.card_logo, cache_dir(self.root) / "cards")
        target = Path(config.site_dir) / ASSETS / "cards" / card.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(card, target)
        return {"title": title, "description": page.meta.get("description") or config.site_description or "",
                "url": page.canonical_url, "image": f"{config.site_url}{ASSETS}/cards/{card.name}",
                "image_alt": title, "locale": cards.og_locale(self.lang),
                "alternates": [cards.og_locale(e["lang"]) for e in ipbes["hreflang"] if not e["current"]],
                "type": "article" if page.file.src_uri.startswith(pages.BLOG_POSTS[0]) else "website"}

    def on_template_context(self, context, template_name, config):
        context["ipbes"] = self._context(None, "")
        return context

    def on_post_build(self, config):
        site_dir = Path(config.site_dir)
        gettext = self.translations.gettext
        feed = feeds.atom_feed(self.lang, gettext(FEED_TITLE), config.site_url, f"{config.site_url}news/", self.posts,
                               gettext(publications.SECRETARIAT))
        (site_dir / feeds.FEED_PATH).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / feeds.FEED_PATH).write_text(feed, encoding="utf-8")
        xml = sitemaps.language_sitemap(self.versions, self.lang, self.site_url, self.source_language)
        (site_dir / "sitemap.xml").write_text(xml, encoding="utf-8")
        (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
        material_fixes.patch_alternate_sitemap_fetch(site_dir)
