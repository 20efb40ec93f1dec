"""What the home page features: the next launch (or the latest, when none is ahead), the
latest news post and a video, from the same data and sources as their own pages, so the
home page can never announce what the rest of the site does not publish."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .formatting import format_date

from .assessments import AssessmentData
from .content import read_front_matter
from .pages import page_url


def featured_launch(data: AssessmentData, lang: str, now: dt.datetime) -> dict | None:
    published = data.published()
    if not published:
        return None
    ahead = [a for a in published if a.launch_moment > now]
    entry = min(ahead, key=lambda a: a.launch_moment) if ahead else max(published, key=lambda a: (a.launch_moment, a.key))
    return {"key": entry.key, "title": entry.short_title[lang], "upcoming": bool(ahead), "iso": entry.launch_moment.isoformat(),
            "date": format_date(entry.launch_date, lang), "url": f"assessments/{entry.key}/"}


def featured_launch_for(data: AssessmentData, lang: str, source_language: str, now: dt.datetime) -> dict | None:
    """The featured launch in `lang`, or in the source language where its entry has no text
    in `lang` yet (marked with `lang`, so the page says which language it is in)."""
    published = data.published()
    if not published:
        return None
    ahead = [a for a in published if a.launch_moment > now]
    entry = min(ahead, key=lambda a: a.launch_moment) if ahead else max(published, key=lambda a: (a.launch_moment, a.key))
    shown = lang if entry.short_title.get(lang) else source_language
    return {"key": entry.key, "title": entry.short_title[shown], "upcoming": bool(ahead), "iso": entry.launch_moment.isoformat(),
            "date": format_date(entry.launch_date, lang), "url": f"assessments/{entry.key}/", "lang": shown}


def latest_post(docs_root: Path, lang: str, hidden: set[str]) -> dict | None:
    """The newest news post of a language that is published (not a draft, not under embargo)."""
    folder = Path(docs_root) / lang / "news" / "posts"
    posts = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        rel = path.relative_to(Path(docs_root) / lang).as_posix()
        meta, problems = read_front_matter(path)
        if problems or rel in hidden or meta.get("draft"):
            continue
        created = meta.get("date")
        created = created.get("created") if isinstance(created, dict) else created
        if not isinstance(created, dt.date):
            continue
        created = created.date() if isinstance(created, dt.datetime) else created
        title = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")), path.stem)
        posts.append((created, path.stem, {"title": title, "date": format_date(created, lang),
                                           "iso": created.isoformat(), "url": page_url(rel)}))
    return max(posts)[2] if posts else None
