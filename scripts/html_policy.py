"""Raw HTML in Markdown, limited to an allowlist: content comes from many hands, and
Python-Markdown passes any HTML through (a <script>, an onerror= handler, a javascript:
link, an attribute list with onclick). Everything outside the allowlist stops the build
with the file and line.

A sanitiser such as nh3 would quietly remove what it does not allow, and the editor would
never learn why a page lost part of itself; refusing with the reason teaches instead.

Tags are read by tinyhtml5's tokenizer, the HTML standard's state machine (WeasyPrint's
parser, already a dependency): a tag split over lines, unusual tag syntax and character
references in attribute values are read as a browser reads them, in time linear in the
page. Code is left out first (fenced blocks, and code spans outside raw HTML blocks, where
Python-Markdown copies backticks verbatim). Every regular expression left here is linear:
no nested or overlapping quantifiers, and each scan stops at the next delimiter.
"""
from __future__ import annotations

import bisect
import html
import io
import re
from pathlib import Path

from tinyhtml5.constants import Token
from tinyhtml5.tokenizer import HTMLTokenizer

from .errors import Problem
from .limits import MAX_HTML_NESTING, quoted
from .mdlines import FENCE

ALLOWED_TAGS = {"div", "span", "p", "a", "img", "figure", "figcaption", "br", "hr", "strong", "b", "em", "i", "abbr",
                "sup", "sub", "small", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th",
                "td", "caption", "details", "summary", "blockquote", "code", "pre", "kbd", "mark", "cite", "q", "time",
                "h2", "h3", "h4", "h5", "h6", "section", "aside"}
ALLOWED_ATTRIBUTES = {"class", "id", "title", "alt", "href", "src", "width", "height", "lang", "dir", "markdown",
                      "datetime", "colspan", "rowspan", "scope", "open", "loading", "decoding", "hreflang", "role"}
REASONS = {
    "script": "scripts are not allowed in content",
    "iframe": "embed videos and audio with the /// video or /// audio block, never a hand-written frame",
    "object": "embed videos and audio with the /// video or /// audio block",
    "embed": "embed videos and audio with the /// video or /// audio block",
    "style": "styles come from the design tokens (brand/tokens.json) through the site's stylesheets",
    "link": "stylesheets and other resources come from the theme, not from a page",
    "meta": "page metadata goes in the front matter",
    "base": "a page cannot change its base address",
    "form": "forms are not allowed in content",
}
ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
MD_URL = re.compile(r"\]\([ \t]*\n?[ \t]*<?([^()\s<>]+)")
REFERENCE = re.compile(r"^ {0,3}\[[^\[\]\n]*\]:[ \t]*\n?[ \t]*<?([^\s<>]+)", re.M)
BAD_SCHEME = re.compile(r"(javascript|data|vbscript)\s*:", re.I)
BLOCK_TAGS = {"div", "table", "figure", "details", "section", "aside", "blockquote", "dl", "ol", "ul", "pre", "p",
              "h2", "h3", "h4", "h5", "h6", "form", "iframe", "script", "style", "object", "video", "audio"}
BLOCK_OPEN = re.compile(r" {0,3}<([a-zA-Z][a-zA-Z0-9]*)")


def url_problem(value: str) -> str | None:
    """Why a link address is refused, read as a browser reads it (character references
    decoded, tabs, line breaks and control characters dropped), or None."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value))
    match = BAD_SCHEME.match(cleaned)
    return f"a {match.group(1).lower()}: address is not allowed; link to a page or a file of the site, or to an https:// address" if match else None


_url_problem = url_problem


def _attribute_problems(name: str, value: str | None, where: str) -> list[str]:
    name = name.lower()
    if name.startswith("on"):
        return [f"the event handler '{name}' {where} is not allowed: pages run no script of their own"]
    if name == "style":
        return [f"an inline style {where} is not allowed: styles come from the design tokens through the site's stylesheets"]
    if name.startswith(("aria-", "data-")):
        return []
    problems = []
    if value is not None and name in ("href", "src", "action", "formaction", "poster", "xlink:href", "srcset"):
        problem = _url_problem(value.strip("\"'"))
        if problem:
            problems.append(problem)
    return problems


class _Tokenizer(HTMLTokenizer):
    """Notes where each tag starts; its line is counted only for a tag that is reported."""

    def tag_open_state(self):
        self.tag_start = (self.stream.previous_number_lines, self.stream.chunk, self.stream.chunk_offset)
        return super().tag_open_state()

    def emit_current_token(self):
        self.current_token["start"] = self.tag_start
        return super().emit_current_token()


def _line_of(start) -> int:
    previous, chunk, offset = start
    return previous + chunk.count("\n", 0, offset) + 1


def masked_source(text: str) -> str:
    """`text` with code left out, line for line: fenced blocks emptied, code spans blanked
    except in raw HTML blocks (there Python-Markdown copies backticks as they are)."""
    lines = text.splitlines()
    out = []
    fence = None
    raw_tag, raw_depth = None, 0
    for line in lines:
        opening = FENCE.match(line)
        if opening and raw_tag is None:
            fence = None if fence == opening.group(1) else (fence or opening.group(1))
            out.append("")
            continue
        if fence:
            out.append("")
            continue
        if raw_tag is None:
            block = BLOCK_OPEN.match(line)
            if block and block.group(1).lower() in BLOCK_TAGS and not re.search(r"\smarkdown\b", line[:200]):
                raw_tag, raw_depth = block.group(1).lower(), 0
        if raw_tag is not None:
            lowered = line.lower()
            raw_depth += lowered.count("<" + raw_tag) - lowered.count("</" + raw_tag)
            out.append(line)
            if raw_depth <= 0:
                raw_tag = None
            continue
        out.append(blank_code_spans(line))
    return "\n".join(out)


def blank_code_spans(line: str) -> str:
    """Code spans replaced by spaces: a run of n backticks up to the next run of exactly n.
    A backtick after a backslash opens nothing (Markdown shows it as a backtick)."""
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", line)]
    if not runs:
        return line
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    chars = list(line)
    index = 0
    while index < len(runs):
        start, end = runs[index]
        escaped = start > 0 and line[start - 1] == "\\"
        same = by_length[end - start]
        position = bisect.bisect_right(same, index)
        if escaped or position == len(same):
            index += 1
            continue
        closing = same[position]
        for i in range(start, runs[closing][1]):
            chars[i] = " "
        index = closing + 1
    return "".join(chars)


# Elements that hold no content, or that the next one of their kind closes by itself: they
# never make the page deeper.
FLAT_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
                 "p", "li", "dt", "dd", "tr", "td", "th", "option"}


def _tag_problems(path: Path, source: str, first_line: int) -> list[Problem]:
    problems = []
    depth, too_deep = 0, False
    tokenizer = _Tokenizer(io.StringIO(source))  # a short string naming a file would be read as that file
    for token in tokenizer:
        kind = token["type"]
        if kind == Token.END_TAG and token["name"] not in FLAT_ELEMENTS:
            depth = max(0, depth - 1)
        if kind == Token.START_TAG:
            tag = token["name"]
            line = first_line + _line_of(token.get("start", tokenizer.tag_start)) - 1
            if tag not in FLAT_ELEMENTS and not token.get("selfClosing"):
                depth += 1
                if depth > MAX_HTML_NESTING and not too_deep:
                    too_deep = True
                    problems.append(Problem(path, line, f"HTML elements are nested more than {MAX_HTML_NESTING} deep here; "
                                                        "close the elements you open (</div>), or nest them less"))
            if ":" in tag or "@" in tag:  # an autolink, <https://…> or <name@host>
                problem = url_problem(tag)
                if problem:
                    problems.append(Problem(path, line, problem))
                continue
            if tag not in ALLOWED_TAGS:
                reason = REASONS.get(tag, f"allowed tags: {', '.join(sorted(ALLOWED_TAGS))}")
                problems.append(Problem(path, line, f"the HTML tag <{quoted(tag)}> is not allowed in content; {reason}"))
                continue
            for name, value in token["data"].items():
                found = _attribute_problems(name, value, f"on <{tag}>")
                if not found and name.lower() not in ALLOWED_ATTRIBUTES and not name.lower().startswith(("aria-", "data-")):
                    found = [f"the attribute '{quoted(name)}' on <{tag}> is not allowed; allowed: {', '.join(sorted(ALLOWED_ATTRIBUTES))}"]
                problems += [Problem(path, line, message) for message in found]
        elif kind == Token.COMMENT:
            line = first_line + _line_of(token.get("start", tokenizer.tag_start)) - 1
            problems += _tag_problems(path, token["data"], line)  # Markdown may end a comment elsewhere
        elif kind == Token.PARSE_ERROR and token["data"].startswith("eof-in-comment"):
            line = first_line + _line_of(tokenizer.tag_start) - 1
            problems.append(Problem(path, line, "an HTML comment opened here is never closed; close it with -->"))
    return problems


def check_html(path: Path, text: str, start_line: int = 1) -> list[Problem]:
    """Raw HTML, attribute lists and link addresses of a page body whose first line is
    line `start_line` of `path`."""
    source = masked_source(text)
    problems = _tag_problems(path, source, start_line)
    line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def line_of(offset: int) -> int:
        return start_line + bisect.bisect_right(line_starts, offset) - 1

    for match in ATTR_LIST.finditer(source):
        attributes = _Tokenizer(io.StringIO("<x " + match.group(1) + ">"))
        for token in attributes:
            if token["type"] != Token.START_TAG:
                continue
            for name, value in token["data"].items():
                if name.startswith((".", "#")):
                    continue
                problems += [Problem(path, line_of(match.start()), message)
                             for message in _attribute_problems(name, value, "in an attribute list")]
    for pattern in (MD_URL, REFERENCE):
        for match in pattern.finditer(source):
            problem = url_problem(match.group(1))
            if problem:
                problems.append(Problem(path, line_of(match.start(1)), problem))
    return sorted(dict.fromkeys(problems), key=lambda p: p.line or 0)
