"""The embargo contract, checked on the output: nothing of an embargoed item is published.

Leaving embargoed pages out is each output step's job (pages, listings, search, feeds,
calendars, cards, posters, the translations dashboard), and each step once forgot: a video
poster drawn with the embargoed title, the page's images and attachments, the fact sheet's
cover, its file names in the dashboard and the search index. This check does not trust the
steps: it reads every file of the finished site and looks for each embargoed item's titles,
distinctive sentences, page addresses, file names and the exact bytes of its files.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem

MIN_NEEDLE_CHARS = 6       # shorter titles or sentences match too much to mean a leak
MAX_LEAKS_PER_ITEM = 20    # reported per item; the rest are counted
TEXT_TYPES = {".html", ".htm", ".xml", ".json", ".js", ".ics", ".txt", ".csv", ".webmanifest", ".rss", ".atom", ""}
TAG = re.compile(r"<[^>]*>")
ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class EmbargoedItem:
    """`url_paths`: the item's pages as site paths, language folder first
    ("en/news/posts/launch/"); `file_names`:
    names of its images, attachments and posters ("launch-cover.jpg"); `files`: those files
    on disk, whose exact bytes must not be published under any name."""
    source: Path
    titles: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    file_names: tuple[str, ...] = ()
    url_paths: tuple[str, ...] = ()
    files: tuple[Path, ...] = field(default=())


def normalise(text: str) -> str:
    """Text as a reader sees it, whatever file holds it: character references decoded
    (twice, for feeds that carry escaped HTML), tags replaced by their attributes' values
    (titles also travel in og:title, alt and title), compatibility forms folded, spaces
    collapsed, case folded."""
    for _ in range(2):
        text = TAG.sub(_attribute_values, html.unescape(text))
    return SPACE.sub(" ", unicodedata.normalize("NFKC", text)).casefold().strip()


def _attribute_values(tag: re.Match) -> str:
    values = [next(v for v in match if v) for match in ATTRIBUTE_VALUE.findall(tag.group(0)) if any(match)]
    return f" {' '.join(values)} " if values else ""


def _ics_text(text: str) -> str:
    text = re.sub(r"\r?\n[ \t]", "", text)
    return text.replace("\\n", " ").replace("\\N", " ").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _json_strings(k) + _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def _readable(path: Path, data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            text = "\n".join(_json_strings(json.loads(text)))
        except (ValueError, RecursionError):
            pass
    elif suffix == ".ics":
        text = _ics_text(text)
    return normalise(text)


def _variant_prefixes(files: tuple[Path, ...]) -> set[str]:
    """Names the responsive-image step gives an image's variants (`images.variants`)."""
    from . import images
    prefixes = set()
    for path in files:
        if Path(path).suffix.lower() in images.RASTER and Path(path).is_file():
            prefixes.add(hashlib.sha256(images.VERSION.encode() + Path(path).read_bytes()).hexdigest()[:16] + "-")
    return prefixes


def _address(path: str) -> re.Pattern:
    """Links to a page (`<lang>/<rest>/`): absolute, or relative from the language's root or
    from another language, as sitemaps, feeds, the search index and navigation write them."""
    lang, _, rest = path.strip("/").partition("/")
    tail = re.escape(rest + "/" if rest else lang + "/")
    return re.compile(r"(?:(?:^|[\"'\s(=])(?:\.\./)*|/" + re.escape(lang) + "/)" + tail + r"(?:index\.html)?(?=$|[\"'\s)#?<\\])")


class _Item:
    def __init__(self, item: EmbargoedItem):
        self.item = item
        needles = [normalise(t) for t in (*item.titles, *item.sentences)]
        self.needles = sorted({n for n in needles if len(n) >= MIN_NEEDLE_CHARS})
        self.names = {name.casefold() for name in item.file_names if name}
        self.stems = {Path(name).stem.casefold() for name in item.file_names if len(Path(name).stem) >= MIN_NEEDLE_CHARS}
        self.pages = [p.strip("/") + "/" for p in item.url_paths if p.strip("/")]
        self.addresses = [_address(p) for p in self.pages]
        self.digests = {}
        for path in item.files:
            if Path(path).is_file():
                data = Path(path).read_bytes()
                self.digests.setdefault(len(data), set()).add(hashlib.sha256(data).hexdigest())
        self.prefixes = _variant_prefixes(item.files)
        self.leaks: list[tuple[str, str]] = []


def check_embargo(site_dir: Path, items: list[EmbargoedItem]) -> list[Problem]:
    """Every trace of an embargoed item in the files under `site_dir`, reported on the
    item's source file with the output file and what leaked."""
    site_dir = Path(site_dir)
    checks = [_Item(item) for item in items]
    if not checks:
        return []
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            relative = path.relative_to(site_dir).as_posix()
            size = path.stat().st_size
            text = None
            for check in checks:
                if any((relative + "/").startswith(page) or relative.startswith(page) for page in check.pages):
                    check.leaks.append((relative, "its page"))
                    continue
                if name.casefold() in check.names:
                    check.leaks.append((relative, f"the file name {name}"))
                elif any(name.startswith(prefix) for prefix in check.prefixes):
                    check.leaks.append((relative, "a resized copy of its image"))
                elif size in check.digests and hashlib.sha256(path.read_bytes()).hexdigest() in check.digests[size]:
                    check.leaks.append((relative, "one of its files, under another name"))
                if path.suffix.lower() not in TEXT_TYPES:
                    continue
                if text is None:
                    raw = path.read_bytes().decode("utf-8", errors="replace")
                    text = _readable(path, raw.encode("utf-8"))
                    raw_lowered = raw.casefold()
                for needle in check.needles:
                    if needle in text:
                        check.leaks.append((relative, f"the text '{_short(needle)}'"))
                for file_name in sorted(check.names | check.stems):
                    if file_name in raw_lowered:
                        check.leaks.append((relative, f"the file name '{file_name}'"))
                for page, address in zip(check.pages, check.addresses):
                    if address.search(raw):
                        check.leaks.append((relative, f"a link to its page {page}"))
    problems = []
    for check in checks:
        for output, what in check.leaks[:MAX_LEAKS_PER_ITEM]:
            problems.append(Problem(check.item.source, None,
                                    f"embargoed, but {what} is in the built {output}; the step that wrote that file "
                                    "must leave embargoed items out until the embargo passes"))
        if len(check.leaks) > MAX_LEAKS_PER_ITEM:
            problems.append(Problem(check.item.source, None, f"and {len(check.leaks) - MAX_LEAKS_PER_ITEM} more traces of this embargoed item"))
    return problems


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
