"""Parts of a built page, found by an HTML parser (the standard library's), not a pattern.

Finish reads the engine's output: a post's article for its feed entry, a fact sheet's text
for its PDF. The parser reports where each start and end tag sits, so a part is cut out
exactly as the engine wrote it, whatever its attributes or line breaks.
"""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    def __init__(self, text: str, tag: str, css_class: str | None):
        super().__init__(convert_charrefs=False)
        self.want_tag, self.want_class = tag, css_class
        self.line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.start = self.end = None
        self.depth = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.end is not None or tag in VOID:
            return
        if self.start is None:
            classes = (dict(attrs).get("class") or "").split()
            if tag == self.want_tag and (self.want_class is None or self.want_class in classes):
                self.start = self._offset() + len(self.get_starttag_text())
                self.depth = 1
        elif tag == self.want_tag:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.start is None or self.end is not None or tag != self.want_tag:
            return
        self.depth -= 1
        if self.depth == 0:
            self.end = self._offset()


def inner_html(text: str, tag: str, css_class: str | None = None) -> str | None:
    """The markup inside the first `<tag class="… css_class …">`, or None."""
    finder = _Finder(text, tag, css_class)
    finder.feed(text)
    finder.close()
    if finder.start is None or finder.end is None:
        return None
    return text[finder.start:finder.end]
