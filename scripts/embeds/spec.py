"""One embed's options, checked: the same rules for the pre-build scan (which knows the file
and line) and for the Markdown block (which renders what passed)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..limits import quoted
from ..content import path_outside
from .providers import FILE_TYPES, PROVIDERS, SELF_HOSTED

KINDS = ("video", "audio")
OPTIONS = {"provider", "id", "src", "poster", "duration", "captions", "transcript"}
POSTER_TYPES = {".jpg", ".jpeg", ".png", ".webp"}
TRANSCRIPT_TYPES = {".txt", ".vtt", ".pdf", ".html"}
CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})")
ISO_DURATION = re.compile(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")


@dataclass(frozen=True)
class Embed:
    kind: str
    title: str
    provider: str
    media_id: str | None = None
    src: str | None = None
    poster: str | None = None
    duration: int | None = None
    captions: dict = field(default_factory=dict)
    transcript: str | None = None


class EmbedError(ValueError):
    """An option that is wrong: `option` names it, so the scan can point at its line."""

    def __init__(self, option: str | None, message: str):
        super().__init__(message)
        self.option = option


def parse_duration(value) -> int:
    text = str(value).strip()
    match = CLOCK.fullmatch(text)
    if match:
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        if seconds < 60:
            return hours * 3600 + minutes * 60 + seconds
    match = ISO_DURATION.fullmatch(text)
    if match and any(match.groups()):
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    raise EmbedError("duration", f"duration {text!r} is not a length; write it as 6:30, 1:02:03 or PT6M30S")


def _media_file(media_root: Path, option: str, value, allowed: set[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EmbedError(option, f"'{option}' must name a file under docs/media/")
    outside = path_outside(media_root, value)
    if outside:
        raise EmbedError(option, f"'{option}: {quoted(value)}' {outside}")
    path = Path(media_root) / value
    if path.suffix.lower() not in allowed:
        raise EmbedError(option, f"'{option}: {value}' must be a {', '.join(sorted(allowed))} file")
    if not path.is_file():
        raise EmbedError(option, f"'{option}: {value}' does not exist under docs/media/; add the file or fix the path")
    return value


def build_embed(kind: str, title, options: dict, media_root: Path, languages: tuple[str, ...]) -> Embed:
    """The checked embed, or EmbedError for the first thing wrong."""
    if kind not in KINDS:
        raise EmbedError(None, f"unknown embed '{kind}'; use one of: {', '.join(KINDS)}")
    if not isinstance(title, str) or not title.strip():
        raise EmbedError(None, f"a {kind} needs a title, its accessible name: write '/// {kind} | The title'")
    if not isinstance(options, dict):
        raise EmbedError(None, f"the {kind} options must be 'key: value' lines")
    for key in options:
        if key not in OPTIONS:
            raise EmbedError(key, f"unknown {kind} option '{key}'; known options: {', '.join(sorted(OPTIONS))}")
    provider = options.get("provider")
    allowed = [name for name, p in PROVIDERS.items() if kind in p.kinds] + [SELF_HOSTED]
    if provider not in allowed:
        raise EmbedError("provider", f"unknown {kind} provider {provider!r}; use one of: {', '.join(allowed)}")
    media_id = src = None
    if provider == SELF_HOSTED:
        src = _media_file(media_root, "src", options.get("src"), set(FILE_TYPES[kind]))
    else:
        media_id = str(options.get("id") or "")
        spec = PROVIDERS[provider]
        if not spec.valid_id(media_id):
            raise EmbedError("id", f"{spec.label} ID {media_id!r} is malformed; it looks like {spec.id_example}")
    poster = _media_file(media_root, "poster", options["poster"], POSTER_TYPES) if "poster" in options else None
    duration = parse_duration(options["duration"]) if "duration" in options else None
    captions = options.get("captions") or {}
    if not isinstance(captions, dict):
        raise EmbedError("captions", "'captions' must map a language to a .vtt file: 'captions: {en: captions/x.en.vtt}'")
    for lang, path in captions.items():
        if lang not in languages:
            raise EmbedError("captions", f"caption language {lang!r} is not one of {', '.join(languages)}")
        _media_file(media_root, "captions", path, {".vtt"})
    if captions and provider != SELF_HOSTED:
        raise EmbedError("captions", f"{PROVIDERS[provider].label} shows its own captions; give 'transcript' for a text version")
    transcript = _media_file(media_root, "transcript", options["transcript"], TRANSCRIPT_TYPES) if "transcript" in options else None
    return Embed(kind, title.strip(), provider, media_id, src, poster, duration, dict(captions), transcript)
