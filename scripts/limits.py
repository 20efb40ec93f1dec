"""Bounds on the work one input can cause.

Pages, data files and images come from many hands through pull requests, and every pull
request gets a preview build: no input may make a check hang, exhaust memory or print
without end. Each bound is defined here once, reported to the editor with what to do when
an input passes it, and held by a test (tests/test_trust_inputs.py).
"""
from __future__ import annotations

MAX_PAGE_BYTES = 1_000_000        # a Markdown page; the largest real page is under 20 kB
MAX_DATA_FILE_BYTES = 2_000_000   # a YAML data file (data/, brand/, locales/glossary.yml)
MAX_LINE_CHARS = 20_000           # a source line the text checks read; real lines stay under 1,000
MAX_NESTING = 32                  # lists and mappings inside each other, in front matter and data
MAX_HTML_NESTING = 64             # raw HTML elements inside each other in a page: parsers, ours and browsers', slow down
                                  # with the square of the depth (a page 100,000 deep takes lexbor 30 s)
MAX_IMAGE_SIDE = 8_000            # pixels, either side, of a raster image under docs/
MAX_IMAGE_PIXELS = 30_000_000     # width x height: decoding one costs about 4 bytes a pixel
MAX_FINDINGS_PER_RULE = 20        # findings of one rule (or problems of one kind) printed per file
MAX_NAME_WORDS = 12               # words of a proper name that uses the acronym
MAX_QUOTED_CHARS = 120            # characters of an editor's text quoted back in a message


def quoted(text: str) -> str:
    """An editor's text as a message quotes it: never longer than MAX_QUOTED_CHARS."""
    text = str(text)
    return text if len(text) <= MAX_QUOTED_CHARS else text[:MAX_QUOTED_CHARS - 1] + "…"


def more_of_the_same(count: int) -> str:
    return f"… and {count:,} more of the same in this file"
