"""The providers an embed may use: what an ID looks like, where the player and the page are.

Players use the provider's privacy-enhanced host where one exists (youtube-nocookie.com,
Vimeo's do-not-track flag). Bilibili is the usual host for readers in mainland China,
where YouTube is blocked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    kinds: tuple[str, ...]
    id_pattern: str
    id_example: str
    player: str
    page: str

    def valid_id(self, value: str) -> bool:
        return bool(re.fullmatch(self.id_pattern, value))

    def player_url(self, media_id: str) -> str:
        return self.player.format(id=media_id, quoted=quote(media_id, safe=""))

    def page_url(self, media_id: str) -> str:
        return self.page.format(id=media_id)


PROVIDERS = {p.name: p for p in (
    Provider("youtube", "YouTube", ("video",), r"[A-Za-z0-9_-]{11}", "M7lc1UVf-VE",
             "https://www.youtube-nocookie.com/embed/{id}?autoplay=1&rel=0", "https://www.youtube.com/watch?v={id}"),
    Provider("vimeo", "Vimeo", ("video",), r"[0-9]{6,12}", "76979871",
             "https://player.vimeo.com/video/{id}?dnt=1&autoplay=1", "https://vimeo.com/{id}"),
    Provider("bilibili", "Bilibili", ("video",), r"BV[0-9A-Za-z]{10}", "BV1xx411c7mD",
             "https://player.bilibili.com/player.html?bvid={id}&autoplay=1", "https://www.bilibili.com/video/{id}"),
    Provider("soundcloud", "SoundCloud", ("audio",), r"[a-z0-9_-]+/[a-z0-9_-]+", "ipbes/episode-name",
             "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2F{quoted}&auto_play=true",
             "https://soundcloud.com/{id}"),
)}

# Play-time frame hosts, for the Content-Security-Policy's frame-src.
FRAME_HOSTS = sorted({re.match(r"https://[^/]+", p.player).group(0) for p in PROVIDERS.values()})

SELF_HOSTED = "file"
FILE_TYPES = {"video": {".mp4": "video/mp4", ".webm": "video/webm"},
              "audio": {".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".m4a": "audio/mp4"}}
