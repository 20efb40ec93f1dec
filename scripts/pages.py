"""Which page exists in which language, and where each version lives.

The language switcher, the hreflang links and the sitemaps all answer one question: for a
page at a relative path, which languages have it? The answer comes from the `docs/<lang>/`
tree itself, so a translation appears everywhere the moment its file exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .languages import UN_LANGUAGES, language


def page_paths(docs_root: Path, lang: str) -> list[str]:
    base = Path(docs_root) / lang
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.md") if p.is_file())


BLOG_POSTS = ("news/posts/", "news/")  # Material's blog: post_url_format "{file}" under blog_dir


def page_url(rel_path: str) -> str:
    """The directory URL a Markdown file gets (use_directory_urls), relative to its language root;
    a blog post is published under the blog, not under its posts folder."""
    if rel_path.startswith(BLOG_POSTS[0]):
        rel_path = BLOG_POSTS[1] + rel_path[len(BLOG_POSTS[0]):]
    stem = rel_path[:-3] if rel_path.endswith(".md") else rel_path
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"


@dataclass(frozen=True)
class PageVersions:
    """For every relative page path, the languages that have it."""

    languages: tuple[str, ...]
    by_path: dict[str, frozenset[str]]

    def languages_of(self, rel_path: str) -> list[str]:
        have = self.by_path.get(rel_path, frozenset())
        return [code for code in self.languages if code in have]


def scan_page_versions(docs_root: Path, languages: list[str], generated: list[str] = (),
                       hidden: set[tuple[str, str]] = frozenset()) -> PageVersions:
    """Which language has which page: the files under docs/<lang>/, plus the pages the build
    generates in every language (from data files), less the (lang, path) pairs `hidden`
    (embargoed), which must leave no trace in switchers, hreflang or sitemaps."""
    by_path: dict[str, set[str]] = {}
    for lang in languages:
        for rel in list(page_paths(docs_root, lang)) + list(generated):
            if (lang, rel) not in hidden:
                by_path.setdefault(rel, set()).add(lang)
    return PageVersions(tuple(languages), {k: frozenset(v) for k, v in by_path.items()})


def alternates(versions: PageVersions, rel_path: str, current: str, site_url: str, source_language: str) -> list[dict]:
    """One entry per configured language: where the switcher sends a reader and whether the page exists there."""
    have = set(versions.languages_of(rel_path))
    entries = []
    for code in versions.languages:
        info = language(code)
        exists = code in have
        url = page_url(rel_path) if exists else ""
        entries.append({
            "lang": code,
            "name": info.native_name,
            "dir": info.direction,
            "exists": exists,
            "current": code == current,
            "path": f"{code}/{url}",
            "url": f"{site_url}{code}/{url}",
        })
    x_default = next((e for e in entries if e["lang"] == source_language and e["exists"]), None)
    return entries, x_default


SHARED_MEDIA = "media"
SHARED_MEDIA_DIR = Path("docs") / SHARED_MEDIA


def check_language_folders(docs_root: Path, languages: list[str]) -> list[Problem]:
    problems = []
    docs_root = Path(docs_root)
    for child in sorted(docs_root.iterdir()) if docs_root.is_dir() else []:
        if child.is_dir() and child.name not in UN_LANGUAGES and child.name != SHARED_MEDIA:
            problems.append(Problem(child, None, f"'{child.name}' is not one of the six UN languages ({', '.join(UN_LANGUAGES)}); "
                                                 "rename the folder to one of those codes or move it out of docs/"))
    for code in languages:
        if not (docs_root / code).is_dir():
            problems.append(Problem(docs_root / code, None, f"no content folder for configured language '{code}'; create docs/{code}/ with at least index.md"))
    return problems


def prune_nav(nav, hidden: set[str]):
    """The nav less the entries pointing at `hidden` pages (and sections left empty)."""
    if nav is None:
        return None
    pruned = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            children = prune_nav(value, hidden)
            if children:
                pruned.append({next(iter(item)): children})
        elif value not in hidden:
            pruned.append(item)
    return pruned
