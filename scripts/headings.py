"""Heading ids in every script's own letters: `关键信息`, `الرسائل-الرئيسية`, `ключевые-выводы`.

Python-Markdown's default slug keeps ASCII only, so Chinese, Arabic and Russian headings got
ids such as `_1` or `ipbes-`: deep links that say nothing, colliding on listing pages.
pymdownx's Unicode slug (lower case) fixes that, but the toc extension takes it only as a
Python object, and every configuration file here is read and written as safe YAML, which
has no Python tags. So this extension, named in `mkdocs.yml` by a plain string, hands the
slug to the toc extension that MkDocs always loads first.
"""
from __future__ import annotations

import re

from markdown import Extension, Markdown
from pymdownx.slugs import slugify

UNICODE_SLUG = slugify(case="lower")


def heading_id(text: str, separator: str) -> str:
    """pymdownx's slug, without the runs of separators that dropped punctuation leaves
    (`comment-dire--ipbes-` from "Comment dire « IPBES »")."""
    slug = UNICODE_SLUG(text, separator)
    if separator:
        slug = re.sub(f"(?:{re.escape(separator)}){{2,}}", separator, slug).strip(separator)
    return slug


class HeadingIdsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        if "toc" not in md.treeprocessors:
            raise ValueError("scripts.headings must come after the toc extension in markdown_extensions; move it below toc")
        md.treeprocessors["toc"].slugify = heading_id


def makeExtension(**kwargs) -> Extension:
    return HeadingIdsExtension(**kwargs)
