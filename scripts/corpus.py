"""A synthetic corpus for the build benchmark: N pages per language in the six languages,
written outside the real content, laid out twice from the same pages:

- as this project (`docs/<lang>/`, shared images in `docs/media/`, our `mkdocs.yml` with the
  navigation generated from the files), built by `ipbes-site build` with every check on;
- as the usual setup a user would otherwise pick: Material with the mkdocs-static-i18n
  plugin, folder structure, `navigation.prune` on, built by one `mkdocs build`.

The prose is the project's own text in each language (paragraphs of its real pages),
arranged into pages with headings, lists, tables, images, links, admonitions and front
matter, so that Markdown, search and the brand checks see what real pages give them.
No generator library fits: the two layouts must hold the very same pages.
"""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import yaml

from .content import FRONT_MATTER

SECTIONS = ("Context", "Findings", "Options", "Next steps")
SECTION_SIZE = 30
IMAGES = ("covers/global.jpg", "covers/africa.jpg", "covers/americas.jpg")
PROJECT_PARTS = ("babel.cfg", "overrides", "brand", "locales", "data")


def paragraphs(docs: Path, lang: str) -> list[str]:
    """Plain paragraphs of the real pages of one language, with their links removed."""
    found = []
    for path in sorted((docs / lang).rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = FRONT_MATTER.match(text)
        body = text[front.end():] if front else text
        body = re.sub(r"```.*?```", "", body, flags=re.S)
        for block in re.split(r"\n\s*\n", body):
            block = " ".join(line.strip() for line in block.splitlines())
            if len(block) > 80 and not re.match(r"[#>|!/<*\-\d`:]", block) and "{" not in block and "`" not in block:
                found.append(re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", block))
    return found or ["IPBES."]


def page_path(number: int) -> str:
    """Pages sit in sections of SECTION_SIZE, as a real site's do (a flat navigation of
    hundreds of pages would put every link into every page, in either setup)."""
    return f"section-{number // SECTION_SIZE}/page-{number}.md"


def page_markdown(number: int, total: int, lang: str, texts: list[str], image_prefix: str) -> str:
    rng = random.Random(f"{lang}-{number}")
    pick = lambda: rng.choice(texts)

    def short(length: int) -> str:
        return re.sub(r"[*`\[\]|<>]", "", pick())[:length].strip()
    others = [rng.randrange(total) for _ in range(3)]
    lines = ["---", f"title: Page {number}", f"description: {json.dumps(short(150), ensure_ascii=False)}",
             "---", "", f"# Page {number}", "", pick(), ""]
    for index, section in enumerate(SECTIONS):
        lines += [f"## {section} {number}.{index}", "", pick(), "", pick(), ""]
        if index == 0:
            lines += [f"- {short(90)}" for _ in range(4)] + [""]
        if index == 1:
            lines += ["| | 2017 | 2018 |", "| --- | ---: | ---: |"]
            lines += [f"| {short(30)} | {rng.randrange(100)} | {rng.randrange(100)} |" for _ in range(4)] + [""]
            lines += [f"![{short(60)}]({image_prefix}{IMAGES[number % len(IMAGES)]})", ""]
        if index == 2:
            lines += ['!!! note', "", f"    {pick()}", ""]
        if index == 3:
            lines += [" · ".join(f"[Page {n}](../{page_path(n)})" for n in others), ""]
    return "\n".join(lines)


def write_corpus(root: Path, target: Path, pages: int = 300) -> dict[str, Path]:
    """Writes both layouts under `target`; returns their project folders by name."""
    from .site_config import load_shared_config
    shared = load_shared_config(root / "mkdocs.yml")
    languages = shared.languages
    shutil.rmtree(target, ignore_errors=True)
    ours, baseline = target / "ipbes", target / "static-i18n"
    ours.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = root / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, ours / part)
    for image in IMAGES:
        for where in (ours / "docs" / "media" / image, baseline / "docs" / "assets" / image):
            where.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / "docs" / "media" / image, where)
    for lang in languages:
        texts = paragraphs(root / "docs", lang)
        for folder, prefix in ((ours / "docs" / lang, "/media/"), (baseline / "docs" / lang, "../../assets/")):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "index.md").write_text(f"# IPBES\n\n{texts[0]}\n\n[Page 0]({page_path(0)})\n", encoding="utf-8")
            for number in range(pages):
                path = folder / page_path(number)
                path.parent.mkdir(exist_ok=True)
                path.write_text(page_markdown(number, pages, lang, texts, prefix), encoding="utf-8")
        news = ours / "docs" / lang / "news"
        (news / "posts").mkdir(parents=True)
        shutil.copy2(root / "docs" / lang / "news" / "index.md", news / "index.md")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    for key in ("nav", "not_in_nav"):
        config.pop(key, None)
    (ours / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (baseline / "mkdocs.yml").write_text(yaml.safe_dump(baseline_config(languages, shared.source_language), allow_unicode=True,
                                                       sort_keys=False), encoding="utf-8")
    return {"ipbes": ours, "static-i18n": baseline}


def baseline_config(languages: list[str], default: str) -> dict:
    """Material with mkdocs-static-i18n as its documentation sets it up: folder structure,
    one build, a search index per language, `navigation.prune` on."""
    return {
        "site_name": "IPBES", "site_url": "https://outreach.example.org/",
        "theme": {"name": "material", "font": False, "features": ["navigation.prune"]},
        "plugins": ["search", {"i18n": {"docs_structure": "folder", "languages": [
            {"locale": lang, "name": lang, "default": lang == default, "build": True} for lang in languages]}}],
        "markdown_extensions": ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
                                {"toc": {"permalink": True}}, "pymdownx.details", "pymdownx.superfences"],
    }
