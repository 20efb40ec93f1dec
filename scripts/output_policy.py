"""The output policy: the finish step's last word on what a published page may contain.

Checks of the sources (front matter, raw HTML in Markdown, data files) can miss a way in: a
title printed raw by a template, a tag split over two lines, a character reference in a URL.
So the built output is checked as a browser would read it: every HTML file parsed by lexbor
(through selectolax: a C parser that follows the HTML standard's tree construction, as
browsers do, about a hundred times faster than the pure-Python tinyhtml5 this module used
before, which took 20 ms a page), every SVG and XML file with an XML parser that refuses
entity expansion. The tree is handed on as an ElementTree with the namespaces the standard
gives (selectolax does not expose them; `_namespace_of` derives them from the tree and the
standard's integration points).

Inline scripts are allowed only by a hash computed from the templates before the build
(`template_script_hashes`), never from the output: a script that got into a page is not
blessed by the Content-Security-Policy because it is there.

What Material's templates legitimately write is allowed by narrow rules named in this
module (the search form, the `__config` data block, the policy's own <meta>), never by
collecting what the output holds.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from selectolax.lexbor import LexborHTMLParser

from .errors import Problem, display_path

MAX_PAGE_DEPTH = 16       # folders below a language's root whose pages' base_url scripts are hashed
EXCERPT_CHARS = 160       # of an offending element, in a report
MAX_BREACHES_PER_FILE = 20  # reported per file; the rest are counted

HTML_NS = "http://www.w3.org/1999/xhtml"
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# Elements whose children the HTML standard parses as HTML again (integration points).
SVG_HTML_POINTS = {"foreignobject", "desc", "title"}
MATHML_TEXT_POINTS = {"mi", "mo", "mn", "ms", "mtext"}

REFUSED_ELEMENTS = {
    "base": "a page cannot change its base address",
    "form": "forms are not allowed (the search form of Material's header is the only one)",
    "object": "embed videos and audio with the /// video or /// audio block",
    "embed": "embed videos and audio with the /// video or /// audio block",
    "applet": "plug-ins are not allowed",
    "iframe": "frames are made by the video facade's script after a reader presses play, never written in a page",
    "frame": "frames are not allowed",
    "frameset": "frames are not allowed",
    "portal": "portals are not allowed",
    "noscript": "no template writes <noscript>; browsers without script would read what it holds as markup",
    "style": "styles come from the design tokens through the site's stylesheets",
    "template": "no template writes <template>; its content is markup a script could insert later",
}
SVG_REFUSED_ELEMENTS = {"script", "foreignobject"}
SVG_ANIMATION = {"animate", "set", "animatemotion", "animatetransform", "discard"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "data", "cite", "background",
                  "longdesc", "manifest", "ping", "lowsrc", "dynsrc", "codebase", "icon", "xlink:href"}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
REFUSED_FILE_TYPES = {".htm", ".xhtml", ".xht", ".shtml", ".xsl", ".xslt", ".swf", ".mht", ".mhtml"}
XML_FILE_TYPES = {".svg", ".xml"}

# What Material's templates write, allowed by exactly these rules:
SEARCH_FORM = {"class": "md-search__form", "name": "search"}  # partials/search.html, inside div.md-search__inner
SEARCH_FORM_PARENT_CLASS = "md-search__inner"
CONFIG_BLOCK = {"id": "__config", "type": "application/json"}  # base.html: data for the bundle, never run
CSP_META = "content-security-policy"  # the one <meta http-equiv> the build writes, in <head>

SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
JINJA = re.compile(r"{{|{%")


@dataclass(frozen=True)
class Breach:
    file: Path | None
    excerpt: str
    message: str

    def __str__(self) -> str:
        where = display_path(self.file) if self.file else "<html>"
        return f"{where}: {self.message}: {self.excerpt}"


def script_hash(body: str) -> str:
    """The CSP source of an inline script, as `sha256-<base64>` (quote it in a policy)."""
    return "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")


def base_urls(site_paths: Iterable[str] = ("/",), max_depth: int = MAX_PAGE_DEPTH) -> list[str]:
    """Every `base_url` MkDocs gives a page: "." and "..", "../.." ... for pages, and the
    site's own path (the `site_url` path of each language build, e.g. "/en/") for 404 pages."""
    relative = ["."] + ["/".join([".."] * depth) for depth in range(1, max_depth + 1)]
    return relative + [path for path in site_paths if path not in relative]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _namespace(tag) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _attribute_name(name: str) -> str:
    if name.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + name.rsplit("}", 1)[-1].lower()
    return name.rsplit("}", 1)[-1].lower()


def _namespace_of(tag: str, parent_tag: str, parent_namespace: str) -> str:
    local, parent_local = tag.lower(), parent_tag.lower()
    if parent_namespace == SVG_NS and parent_local not in SVG_HTML_POINTS:
        return SVG_NS
    if parent_namespace == MATHML_NS and parent_local not in MATHML_TEXT_POINTS:
        return SVG_NS if local == "svg" else MATHML_NS
    return SVG_NS if local == "svg" else MATHML_NS if local == "math" else HTML_NS


def _parse_html(text: str) -> Element:
    """The document's element tree as a browser builds it: `{namespace}name` tags, decoded
    attribute values, a script's or style's text; comments left out. Built with a stack, so
    a page nested ten thousand deep is no recursion error. (lexbor parses <noscript> as
    markup, as a browser without script does; the policy refuses <noscript> either way.)"""
    document = LexborHTMLParser(text).root
    root = Element(f"{{{HTML_NS}}}html", {k: v or "" for k, v in (document.attributes if document else {}).items()})
    if document is None:
        return root
    stack = [(document, root, "html", HTML_NS)]
    while stack:
        node, element, tag, namespace = stack.pop()
        children = []
        child = node.child
        while child is not None:
            if child.is_element_node:
                children.append(child)
            child = child.next
        built = []
        for child in children:
            child_tag = child.tag
            child_namespace = _namespace_of(child_tag, tag, namespace)
            sub = Element(f"{{{child_namespace}}}{child_tag}", {k: v or "" for k, v in child.attributes.items()})
            if child_tag in ("script", "style"):
                sub.text = child.text(deep=True)
            element.append(sub)
            built.append((child, sub, child_tag, child_namespace))
        stack.extend(reversed(built))
    return root


def template_scripts(template_dirs: Iterable[Path]) -> list[tuple[Path, str]]:
    """Every inline script (not a data block) the templates under `template_dirs` write, as
    (template, body with its Jinja expressions)."""
    found = []
    for folder in template_dirs:
        for template in sorted(Path(folder).rglob("*.html")):
            tree = _parse_html(template.read_text(encoding="utf-8"))
            for element in tree.iter():
                if _local(element.tag) == "script" and element.get("src") is None and not _is_data_block(element, any_json=True):
                    found.append((template, element.text or ""))
    return found


def template_script_hashes(template_dirs: Iterable[Path], site_paths: Iterable[str] = ("/",),
                           context: dict | None = None, max_depth: int = MAX_PAGE_DEPTH) -> set[str]:
    """The hashes of the inline scripts the templates own, known before the build.

    `template_dirs`: the project's overrides and Material's templates folder
    (`material.templates` package directory). A script with Jinja expressions is rendered
    for every `base_url` a page can have (`base_urls(site_paths)`), with `context` (e.g.
    `{"config": {"extra": {...}}}`) and anything else undefined, as MkDocs would print it.
    """
    import jinja2
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined, autoescape=False)
    bases = base_urls(site_paths, max_depth)
    hashes = set()
    for _template, body in template_scripts(template_dirs):
        if not JINJA.search(body):
            hashes.add(script_hash(body))
            continue
        try:
            compiled = env.from_string(body)
            for base in bases:
                hashes.add(script_hash(compiled.render({"config": {"extra": {}}, **(context or {}), "base_url": base})))
        except (jinja2.TemplateError, TypeError, AttributeError):
            continue  # needs what only a real page has (lang.t, page.meta): not a script this site writes
    return hashes


def _normalise_hashes(hashes: Iterable[str]) -> set[str]:
    return {h.strip().strip("'") for h in hashes}


def _excerpt(element) -> str:
    name = _local(element.tag)
    attributes = " ".join(f'{_attribute_name(k)}="{v}"' for k, v in element.attrib.items())
    text = f"<{name}{' ' + attributes if attributes else ''}>"
    if name == "script" and element.text:
        text += element.text
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS - 1] + "…"


def url_scheme(value: str) -> str | None:
    """The scheme a browser sees in an attribute's URL (entities already decoded by the
    parser): leading and trailing controls and spaces stripped, tabs and newlines removed
    anywhere, as the URL standard does."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                                                     "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    match = SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _urls(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [candidate.strip().split(" ")[0] for candidate in value.split(",") if candidate.strip()]
    if name == "ping":
        return value.split()
    return [value]


def _same_origin_relative(value: str) -> bool:
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                                                     "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")).replace("\\", "/")
    return bool(cleaned) and not SCHEME.match(cleaned) and not cleaned.startswith("//")


def _is_data_block(element, any_json: bool = False) -> bool:
    kind = (element.get("type") or "").strip().lower()
    if any_json:
        return kind in ("application/json", "application/ld+json")
    return kind == CONFIG_BLOCK["type"] and element.get("id") == CONFIG_BLOCK["id"] and element.get("src") is None


def _is_search_form(element, parent) -> bool:
    return (dict(element.attrib) == SEARCH_FORM and parent is not None
            and SEARCH_FORM_PARENT_CLASS in (parent.get("class") or "").split())


def _attribute_breaches(element, in_svg: bool) -> list[str]:
    messages = []
    name_of_element = _local(element.tag)
    for raw_name, value in element.attrib.items():
        name = _attribute_name(raw_name)
        if name.startswith("on"):
            messages.append(f"event handler attribute '{name}': pages run no script of their own")
        elif name == "style":
            messages.append("style attribute: styles come from the design tokens through the site's stylesheets")
        elif name == "srcdoc":
            messages.append("srcdoc attribute: a page cannot carry another document")
        elif name in URL_ATTRIBUTES:
            for url in _urls(name, value):
                scheme = url_scheme(url)
                if scheme and scheme not in ALLOWED_SCHEMES:
                    messages.append(f"a {scheme}: address in '{name}': link to a page or file of the site or to an https:// address")
        elif in_svg and name_of_element in SVG_ANIMATION and name in ("to", "from", "values", "by", "attributename"):
            if name == "attributename" and value.strip().lower() in ("href", "xlink:href"):
                messages.append("an SVG animation that changes a link's address")
            elif name != "attributename" and any(url_scheme(part) not in (None, *ALLOWED_SCHEMES) for part in value.split(";")):
                messages.append(f"an SVG animation value with a refused address in '{name}'")
    return messages


def check_html(text: str, allowed_script_hashes: Iterable[str], file: Path | None = None) -> list[Breach]:
    """Every breach of the output policy in one HTML document."""
    allowed = _normalise_hashes(allowed_script_hashes)
    tree = _parse_html(text)
    parents = {child: parent for parent in tree.iter() for child in parent}
    breaches = []

    def breach(element, message):
        breaches.append(Breach(file, _excerpt(element), message))

    for element in tree.iter():
        name = _local(element.tag)
        if not name:
            continue
        in_svg = _namespace(element.tag) == SVG_NS
        parent = parents.get(element)
        if name == "script":
            if element.get("src") is not None:
                if not _same_origin_relative(element.get("src")):
                    breach(element, "a script from another origin: scripts come from the site itself")
            elif _is_data_block(element):
                pass
            elif script_hash(element.text or "") not in allowed:
                breach(element, "an inline script that no template writes (its hash is not one of the templates' scripts)")
        elif in_svg and name == "foreignobject":
            breach(element, "an SVG <foreignObject> can hold any HTML")
        elif name == "meta" and element.get("http-equiv") is not None:
            head = parent is not None and _local(parent.tag) == "head"
            if not (element.get("http-equiv").strip().lower() == CSP_META and head):
                breach(element, "a <meta http-equiv> other than the security policy: it can redirect the reader or change how the page is read")
        elif name == "form":
            if not _is_search_form(element, parent):
                breach(element, REFUSED_ELEMENTS["form"])
        elif name in REFUSED_ELEMENTS:
            breach(element, f"<{name}> is not allowed: {REFUSED_ELEMENTS[name]}")
        for message in _attribute_breaches(element, in_svg):
            breach(element, message)
    return breaches


def check_xml(data: bytes, file: Path | None = None) -> list[Breach]:
    """An SVG or XML file: refused if it could run script when opened directly (on a host
    that sends no security policy): a script, an event handler, a refused address, a
    <foreignObject>, a frame, form, style or <meta http-equiv>, an XSLT stylesheet; and if it is not well-formed or
    declares entities."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if re.search(rb"<\?xml-stylesheet", data):
        return [Breach(file, "<?xml-stylesheet …?>", "an XML stylesheet can turn the file into a page that runs script")]
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ElementTree.ParseError) as exc:
        return [Breach(file, str(exc)[:EXCERPT_CHARS], "not a well-formed XML file without entities; export it again from the drawing program")]
    breaches = []
    for element in root.iter():
        name = _local(element.tag)
        if name in SVG_REFUSED_ELEMENTS:
            breaches.append(Breach(file, _excerpt(element), f"<{name}> in an SVG or XML file runs when the file is opened"))
        elif name in REFUSED_ELEMENTS or (name == "meta" and element.get("http-equiv") is not None):
            breaches.append(Breach(file, _excerpt(element), f"<{name}> is not allowed in an SVG or XML file"))
        for message in _attribute_breaches(element, in_svg=True):
            breaches.append(Breach(file, _excerpt(element), message))
    return breaches


def _cap(breaches: list[Breach]) -> list[Breach]:
    if len(breaches) <= MAX_BREACHES_PER_FILE:
        return breaches
    rest = len(breaches) - MAX_BREACHES_PER_FILE
    return breaches[:MAX_BREACHES_PER_FILE] + [Breach(breaches[0].file, "…", f"and {rest} more breaches in this file")]


def check_site(site_dir: Path, allowed_script_hashes: Iterable[str],
               source_of: Callable[[Path], tuple[Path, int | None]] | None = None, cache: Path | None = None) -> list[Problem]:
    """Every breach in the output, each reported on the source file that caused it when
    `source_of` (output file -> (source file, line)) knows it, else on the output file.
    With `cache`, a file that passed before (same bytes, same allowed hashes, same policy
    code) is not parsed again: a warm build re-reads only what changed."""
    import hashlib
    site_dir = Path(site_dir)
    allowed = _normalise_hashes(allowed_script_hashes)
    problems = []
    salt = hashlib.sha256(Path(__file__).read_bytes() + "\n".join(sorted(allowed)).encode()).digest()

    def passed_before(path: Path) -> Path | None:
        if cache is None:
            return None
        key = Path(cache) / hashlib.sha256(salt + path.suffix.encode() + path.read_bytes()).hexdigest()[:32]
        return key
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if (Path(folder) / d).is_symlink()]):
            path = Path(folder) / name
            suffix = path.suffix.lower()
            if path.is_symlink():
                breaches = [Breach(path, f"-> {os.readlink(path)}", "a symbolic link in the output: copy the file instead")]
            elif suffix == ".html" or suffix in XML_FILE_TYPES:
                marker = passed_before(path)
                if marker is not None and marker.is_file():
                    continue
                if suffix == ".html":
                    breaches = check_html(path.read_text(encoding="utf-8", errors="replace"), allowed, path)
                else:
                    breaches = check_xml(path.read_bytes(), path)
                if marker is not None and not breaches:
                    marker.parent.mkdir(parents=True, exist_ok=True)
                    marker.touch()
            elif suffix in REFUSED_FILE_TYPES:
                breaches = [Breach(path, name, f"the build writes no {suffix} files; a browser could run script in one")]
            else:
                continue
            problems += [_problem(site_dir, b, source_of) for b in _cap(breaches)]
    return problems


def _problem(site_dir: Path, breach: Breach, source_of) -> Problem:
    output = breach.file.relative_to(site_dir).as_posix() if breach.file else "?"
    source, line = (source_of(breach.file) if source_of and breach.file else None) or (None, None)
    fix = "; remove it from the page's source" if source else ""
    return Problem(source or breach.file, line, f"in the built {output}: {breach.message}: {breach.excerpt}{fix}")
