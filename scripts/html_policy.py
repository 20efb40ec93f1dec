"""Raw HTML in Markdown, limited to an allowlist: content comes from many hands, and
Python-Markdown passes any HTML through (a <script>, an onerror= handler, a javascript:
link, an attribute list with onclick). Everything outside the allowlist stops the build
with the file and line.

A sanitiser such as nh3 would quietly remove what it does not allow, and the editor would
never learn why a page lost part of itself; refusing with the reason teaches instead.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem
from .mdlines import lines_outside_code

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
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s+[^<>]*?)?)\s*/?>")
ATTRIBUTE = re.compile(r"""([^\s=/"'<>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
ATTR_LIST = re.compile(r"\{:?\s*([^{}]*?)\s*\}")
MD_URL = re.compile(r"\]\(\s*<?([^)\s>]+)")
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.I)


def _url_problem(value: str) -> str | None:
    cleaned = re.sub(r"[\s\x00-\x1f]|&#x?0*(?:9|10|13|a|d);?", "", value, flags=re.I)
    match = BAD_SCHEME.match(cleaned)
    return f"a {match.group(1).lower()}: address is not allowed; link to a page or a file of the site, or to an https:// address" if match else None


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


def check_html(path: Path, text: str, start_line: int = 1) -> list[Problem]:
    problems = []
    for number, line in lines_outside_code(text.splitlines(), number_offset=start_line):
        line = re.sub(r"`[^`]*`", "", line)
        for match in TAG.finditer(line):
            closing, tag, rest = match.group(1), match.group(2).lower(), match.group(3) or ""
            if tag not in ALLOWED_TAGS:
                reason = REASONS.get(tag, f"allowed tags: {', '.join(sorted(ALLOWED_TAGS))}")
                if not closing:
                    problems.append(Problem(path, number, f"the HTML tag <{tag}> is not allowed in content; {reason}"))
                continue
            for attribute in ATTRIBUTE.finditer(rest):
                name, value = attribute.group(1), attribute.group(2)
                found = _attribute_problems(name, value, f"on <{tag}>")
                if not found and name.lower() not in ALLOWED_ATTRIBUTES and not name.lower().startswith(("aria-", "data-")):
                    found = [f"the attribute '{name}' on <{tag}> is not allowed; allowed: {', '.join(sorted(ALLOWED_ATTRIBUTES))}"]
                problems += [Problem(path, number, message) for message in found]
        for match in ATTR_LIST.finditer(line):
            for attribute in ATTRIBUTE.finditer(match.group(1)):
                name, value = attribute.group(1), attribute.group(2)
                if name.startswith((".", "#")):
                    continue
                problems += [Problem(path, number, message) for message in _attribute_problems(name, value, "in an attribute list")]
        for match in MD_URL.finditer(line):
            problem = _url_problem(match.group(1))
            if problem:
                problems.append(Problem(path, number, problem))
    return problems
