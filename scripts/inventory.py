"""Every page the site publishes, per language, at the build's clock: the Markdown files
under docs/<lang>/, the pages generated from data files, less whatever is under embargo.

The switcher, hreflang links, sitemaps, listings and the tests all ask this one question,
so a page cannot be in a sitemap and missing from the switcher, or the other way round.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import assessments, content, pages


@dataclass(frozen=True)
class Inventory:
    versions: pages.PageVersions
    assessments: assessments.AssessmentData
    embargoed: dict[tuple[str, str], object]

    def hidden_in(self, lang: str) -> set[str]:
        return {rel for code, rel in self.embargoed if code == lang}


def generated_pages(data: assessments.AssessmentData) -> list[str]:
    return [f"assessments/{entry.key}.md" for entry in data.published()]


def page_inventory(root: Path, languages: list[str], now: dt.datetime, preview: bool = False) -> Inventory:
    """In a preview (`make serve`) embargoed pages stay in, flagged, so editors can check them."""
    root = Path(root)
    data = assessments.load_assessments(root, languages, now, preview)
    embargoed = content.embargoed_pages(root / "docs", languages, now, data.hidden)
    hidden = set() if preview else set(embargoed)
    versions = pages.scan_page_versions(root / "docs", languages, generated_pages(data), hidden)
    return Inventory(versions, data, embargoed)
