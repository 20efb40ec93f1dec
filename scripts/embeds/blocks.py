"""The `/// video` and `/// audio` blocks (pymdownx.blocks): one small class per kind on a
shared base, as pymdownx's own blocks are built. The options were checked before the build
(`scan`); the block renders the facade: a self-hosted poster inside a link to the provider,
which a script turns into the player only when the reader presses play."""
from __future__ import annotations

import functools

import xml.etree.ElementTree as etree
from pathlib import Path

from markdown import Extension
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block, type_any

from ..formatting import format_clock, format_duration
from ..i18n import N_, translations
from ..languages import UN_LANGUAGES, language
from ..tokens import flatten, load_tokens, resolve
from .posters import SIZE, poster_name
from .providers import FILE_TYPES, PROVIDERS, SELF_HOSTED
from .spec import OPTIONS, EmbedError, build_embed

MEDIA = "/media/"
PLAY = {"video": N_("Play video: %(title)s"), "audio": N_("Play audio: %(title)s")}
WATCH = {"video": N_("Watch on %(provider)s"), "audio": N_("Listen on %(provider)s")}
DURATION = N_("Duration: %(duration)s")
TRANSCRIPT = N_("Transcript")
DOWNLOAD = {"video": N_("Download the video"), "audio": N_("Download the audio")}


def poster_colours(root: Path) -> dict:
    path = Path(root) / "brand" / "tokens.json"
    return dict(_poster_colours(path, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _poster_colours(path: Path, _mtime: int) -> dict:
    """Read once per version of the token file: MkDocs makes a Markdown instance per page."""
    tokens = flatten(load_tokens(path))
    return {"background": resolve(tokens, "color.brand.teal-deep"), "accent": resolve(tokens, "color.brand.light-green"),
            "text": resolve(tokens, "color.neutral.white")}


class EmbedBlock(Block):
    ARGUMENT = True
    OPTIONS = {name: (None, type_any) for name in OPTIONS}

    def on_create(self, parent):
        config = self.config
        options = {k: v for k, v in self.options.items() if v is not None and k not in ("attrs",)}
        try:
            embed = build_embed(self.NAME, self.argument, options, Path(config["root"]) / "docs" / "media", UN_LANGUAGES)
        except EmbedError as exc:
            raise ValueError(f"{self.NAME} block: {exc}") from exc
        lang = config["lang"]
        gettext = translations(str(Path(config["root"]) / "locales"), lang).gettext
        figure = etree.SubElement(parent, "figure", {"class": f"ipbes-embed ipbes-embed--{embed.kind}"})
        caption_links = []
        if embed.provider == SELF_HOSTED:
            self._native(figure, embed, lang, gettext)
            caption_links.append((MEDIA + embed.src, gettext(DOWNLOAD[embed.kind])))
        else:
            provider = PROVIDERS[embed.provider]
            figure.set("data-player", provider.player_url(embed.media_id))
            figure.set("data-title", embed.title)
            figure.set("data-provider", embed.provider)
            page_url = provider.page_url(embed.media_id)
            label = gettext(PLAY[embed.kind]) % {"title": embed.title}
            if embed.duration:
                label += ". " + gettext(DURATION) % {"duration": format_duration(embed.duration, lang)}
            facade = etree.SubElement(figure, "a", {"class": "ipbes-embed__facade", "href": page_url, "aria-label": label})
            if embed.kind == "video":
                poster = MEDIA + (embed.poster or f"posters/{poster_name(embed.title, lang, config['colours'])}")
                etree.SubElement(facade, "img", {"src": poster, "alt": "", "width": str(SIZE[0]), "height": str(SIZE[1]),
                                                 "loading": "lazy", "decoding": "async"})
            else:
                etree.SubElement(facade, "span", {"class": "ipbes-embed__title"}).text = embed.title
            etree.SubElement(facade, "span", {"class": "ipbes-embed__play", "aria-hidden": "true"})
            if embed.duration:
                etree.SubElement(facade, "span", {"class": "ipbes-embed__duration", "aria-hidden": "true"}).text = format_clock(embed.duration)
            caption_links.append((page_url, gettext(WATCH[embed.kind]) % {"provider": provider.label}))
        if embed.transcript:
            caption_links.append((MEDIA + embed.transcript, gettext(TRANSCRIPT)))
        caption = etree.SubElement(figure, "figcaption")
        etree.SubElement(caption, "span", {"class": "ipbes-embed__caption-title"}).text = embed.title
        for href, text in caption_links:
            link = etree.SubElement(caption, "a", {"href": href})
            link.text = text
        return figure

    def _native(self, figure, embed, lang, gettext):
        attributes = {"controls": "controls", "preload": "none", "aria-label": embed.title}
        if embed.kind == "video":
            attributes.update({"width": str(SIZE[0]), "height": str(SIZE[1])})
            attributes["poster"] = MEDIA + (embed.poster or f"posters/{poster_name(embed.title, lang, self.config['colours'])}")
        player = etree.SubElement(figure, embed.kind, attributes)
        suffix = Path(embed.src).suffix.lower()
        etree.SubElement(player, "source", {"src": MEDIA + embed.src, "type": FILE_TYPES[embed.kind][suffix]})
        for code, path in embed.captions.items():
            track = {"kind": "captions", "srclang": code, "label": language(code).native_name, "src": MEDIA + path}
            if code == lang:
                track["default"] = "default"
            etree.SubElement(player, "track", track)


class Video(EmbedBlock):
    NAME = "video"


class Audio(EmbedBlock):
    NAME = "audio"


class EmbedsExtension(BlocksExtension):
    def __init__(self, *args, **kwargs):
        self.config = {"lang": ["en", "the page's language"], "root": [".", "the project root"]}
        super().__init__(*args, **kwargs)

    def extendMarkdownBlocks(self, md, block_mgr):
        settings = {"lang": self.getConfig("lang"), "root": self.getConfig("root"),
                    "colours": poster_colours(Path(self.getConfig("root")))}
        block_mgr.register(Video, settings)
        block_mgr.register(Audio, settings)


def makeExtension(*args, **kwargs) -> Extension:
    return EmbedsExtension(*args, **kwargs)
