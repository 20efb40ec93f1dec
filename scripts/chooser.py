"""The site root: a language chooser, a multilingual 404, the sitemap index and robots.txt.

The chooser sends a reader to the first of their browser's languages that the site has
(navigator.languages); without JavaScript it is a plain list of links, each language
named in its own script from CLDR. For search engines it is the language-neutral page of
the home pages' set: absolute hreflang links to each language's home and itself as
x-default. The 404 page is served at any address, so it names nothing by hreflang, is
noindex, and links by root-relative URLs under the site's base path.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .i18n import N_, gettext
from .languages import language
from .sitemaps import sitemap_index

CHOOSE = N_("Choose your language")
NOT_FOUND = N_("This page does not exist.")
OFFICIAL_NAME = N_("Intergovernmental Science-Policy Platform on Biodiversity and Ecosystem Services")


def _choices(locales: Path, languages: list[str]) -> list[dict]:
    choices = []
    for code in languages:
        info = language(code)
        choices.append({"lang": code, "dir": info.direction, "name": info.native_name,
                        "choose": gettext(locales, code, CHOOSE),
                        "not_found": gettext(locales, code, NOT_FOUND),
                        "official_name": gettext(locales, code, OFFICIAL_NAME)})
    return choices


def write_root(site: Path, root: Path, languages: list[str], source_language: str, site_url: str, tokens_css: str) -> None:
    env = Environment(loader=FileSystemLoader(str(root / "overrides" / "ipbes")), autoescape=select_autoescape(["html"]))
    choices = _choices(root / "locales", languages)
    context = {"choices": choices, "source": source_language, "site_url": site_url}
    base_path = urlsplit(site_url).path or "/"
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "tokens.css").write_text(tokens_css, encoding="utf-8")
    for name in ("root.css", "chooser.js"):
        (site / "assets" / name).write_text((root / "overrides" / "ipbes" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (site / "index.html").write_text(env.get_template("chooser.html").render(context, page="chooser", base=""), encoding="utf-8")
    (site / "404.html").write_text(env.get_template("chooser.html").render(context, page="404", base=base_path), encoding="utf-8")
    (site / "sitemap.xml").write_text(sitemap_index(site_url, languages), encoding="utf-8")
    (site / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {site_url}sitemap.xml\n", encoding="utf-8")
