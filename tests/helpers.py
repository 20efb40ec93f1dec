"""Reading the built HTML the way a browser or crawler would, with the standard library only."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]):
        self.tag = tag
        self.attrs = attrs
        self.text = ""


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag in ("a", "h1", "title", "button", "span", "p"):
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser


def find(parsed: PageParser, tag: str, **attrs) -> list[Element]:
    found = []
    for element in parsed.elements:
        if element.tag != tag:
            continue
        if all((element.attrs.get(k.rstrip("_").replace("_", "-")) == v) if v is not True else k.rstrip("_").replace("_", "-") in element.attrs
               for k, v in attrs.items()):
            found.append(element)
    return found


def html_pages(site: Path, lang: str) -> list[Path]:
    return sorted(p for p in (site / lang).rglob("*.html"))


def replace_in(path: Path, old: str, new: str) -> None:
    """Edits a file of a project copy once, failing loudly if `old` is not there."""
    text = Path(path).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    Path(path).write_text(text.replace(old, new, 1), encoding="utf-8")


def search_documents(site: Path, lang: str) -> list[dict]:
    """The pages of a language's search index (Pagefind's fragments: gzip, then JSON)."""
    import gzip
    import json
    documents = []
    for fragment in sorted((Path(site) / lang / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        document = json.loads(data.removeprefix("pagefind_dcd"))
        document["content"] = document.get("content", "").replace("\u200b", "")  # Pagefind's word breaks (Chinese)
        documents.append(document)
    return documents


def file_text(path: Path) -> str:
    """What a file says, as the search index's readers see it (fragments decompressed)."""
    import gzip
    data = Path(path).read_bytes()
    if Path(path).suffix == ".pf_fragment":
        data = gzip.decompress(data)
    return data.decode("utf-8", "ignore")
