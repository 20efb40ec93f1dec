"""The videos page: the outreach videos from `data/videos.yml`, in every language.

Each published entry becomes the same `/// video` block an editor would write, so the
videos page and any other page share one facade, one set of checks and one poster drawer.
Entries without a known video are stand-ins: a drawn poster and a label, and no link.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .datafiles import load_data_file, missing_languages
from .embeds.spec import OPTIONS, EmbedError, build_embed
from .errors import BuildError
from .i18n import N_
from .languages import UN_LANGUAGES

DATA_FILE = Path("data") / "videos.yml"
STAND_IN = N_("Stand-in: this video is not published yet.")


@dataclass(frozen=True)
class VideoEntry:
    key: str
    title: dict
    options: dict | None

    @property
    def stand_in(self) -> bool:
        return self.options is None


def load_videos(root: Path, languages: list[str]) -> list[VideoEntry]:
    source = load_data_file(Path(root) / DATA_FILE, "videos data file")
    items = source.data.get("videos") if isinstance(source.data, dict) else None
    if not isinstance(items, list):
        raise BuildError([source.problem(("videos",), "expected 'videos:' followed by a list of entries")])
    problems, entries = [], []
    media = Path(root) / "docs" / "media"
    for index, raw in enumerate(items):
        keys = ("videos", index)
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
            problems.append(source.problem(keys, "each video needs a 'key' (letters, digits, dashes)"))
            continue
        title = raw.get("title") if isinstance(raw.get("title"), dict) else {}
        missing = missing_languages(title, languages)
        if missing:
            problems.append(source.problem(keys + ("title",), f"video '{raw['key']}' has no title for {', '.join(missing)}"))
            continue
        if raw.get("stand_in") is True:
            entries.append(VideoEntry(raw["key"], title, None))
            continue
        options = {k: v for k, v in raw.items() if k in OPTIONS}
        unknown = sorted(set(raw) - OPTIONS - {"key", "title", "stand_in"})
        if unknown:
            problems.append(source.problem(keys + (unknown[0],), f"unknown key '{unknown[0]}' in video '{raw['key']}'; known: {', '.join(sorted(OPTIONS))}"))
            continue
        try:
            build_embed("video", title[languages[0]], options, media, UN_LANGUAGES)
        except EmbedError as exc:
            problems.append(source.problem(keys + ((exc.option,) if exc.option else ()), f"video '{raw['key']}': {exc}"))
            continue
        entries.append(VideoEntry(raw["key"], title, options))
    if problems:
        raise BuildError(problems)
    return entries


def listing_markdown(entries: list[VideoEntry], lang: str, gettext, poster_url) -> str:
    """Markdown appended to the videos page: a block per video, a labelled card per stand-in."""
    parts = []
    for entry in entries:
        title = entry.title[lang]
        if entry.stand_in:
            parts.append(f'<figure class="ipbes-embed ipbes-embed--stand-in" markdown>\n'
                         f'![]({poster_url(title, False)}){{ width="1280" height="720" loading="lazy" }}\n'
                         f'<figcaption><span class="ipbes-embed__caption-title">{_escape(title)}</span> '
                         f'<span>{_escape(gettext(STAND_IN))}</span></figcaption>\n</figure>')
            continue
        lines = [f"/// video | {title}"] + [f"    {key}: {_yaml(value)}" for key, value in entry.options.items()] + ["///"]
        parts.append("\n".join(lines))
    return "\n\n" + "\n\n".join(parts) + "\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _yaml(value) -> str:
    import json
    return json.dumps(value, ensure_ascii=False)
