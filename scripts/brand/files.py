"""File rules: colours only through the design tokens (colour-tokens), and logos only as
the unmodified files of brand/logos/ (logo-files)."""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from .findings import Finding, relative
from .logos import render_svg

HEX = r"#[0-9a-fA-F]{3,8}\b"
FUNCTIONS = r"\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\("
NAMED = ("black", "white", "red", "green", "blue", "yellow", "orange", "purple", "pink", "brown", "grey", "gray", "silver",
         "gold", "navy", "teal", "maroon", "olive", "lime", "aqua", "fuchsia", "cyan", "magenta", "beige", "coral", "crimson",
         "darkgreen", "darkblue", "darkred", "lightgrey", "lightgray", "darkgrey", "darkgray", "whitesmoke", "ivory")
NAMED_VALUE = re.compile(r"\b(?:color|background(?:-color)?|border(?:-[a-z]+)*|fill|stroke|outline(?:-color)?|"
                         r"(?:box|text)-shadow|caret-color|accent-color)\s*:[^;{}\"']*?(?<![\w-])(" + "|".join(NAMED) + r")(?![\w-])", re.I)
LITERAL = re.compile(f"{HEX}|{FUNCTIONS}")
HTML_NOISE = re.compile(r"&#x?[0-9a-fA-F]+;|(?:href|id|for|aria-[a-z]+|data-[a-z-]+)=\"[^\"]*\"")
MARKDOWN_STYLE = re.compile(r"style=\"([^\"]*)\"|<style>(.*?)</style>", re.S)
IMAGE_TYPES = {".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"}


def colour_literals(line: str) -> list[str]:
    line = HTML_NOISE.sub(" ", line)
    return [m.group(0) for m in LITERAL.finditer(line)] + [m.group(1) for m in NAMED_VALUE.finditer(line)]


def check_colours(root: Path, patterns: list[str], severity: str) -> list[Finding]:
    findings = []
    for pattern in patterns:
        for path in sorted(Path(root).glob(pattern)):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".md":
                lines = [(text[:m.start()].count("\n") + 1, m.group(0)) for m in MARKDOWN_STYLE.finditer(text)]
            else:
                lines = list(enumerate(text.splitlines(), start=1))
            for number, line in lines:
                for literal in colour_literals(line):
                    findings.append(Finding("colour-tokens", severity, relative(path, root), number,
                                            f"colour '{literal}' written out; use a token's custom property (var(--ipbes-…) or var(--md-…)) from brand/tokens.json"))
    return findings


@lru_cache(maxsize=None)
def _signature_of_bytes(data: bytes, suffix: str) -> np.ndarray | None:
    """The picture as 48x48 greyscale, whatever its proportions: a stretched copy looks the same."""
    try:
        image = render_svg(data, 256) if suffix == ".svg" else Image.open(io.BytesIO(data))
    except Exception:
        return None
    image = image.convert("RGBA")
    flat = Image.new("RGBA", image.size, (255, 255, 255, 255))
    flat.alpha_composite(image)
    grey = np.asarray(ImageOps.grayscale(flat.convert("RGB")).resize((48, 48), Image.LANCZOS), dtype=np.float64)
    grey -= grey.mean()
    norm = np.sqrt((grey ** 2).sum())
    return grey / norm if norm > 1e-6 else None


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two signatures; a recoloured copy correlates negatively where light and dark swap."""
    return float(abs((a * b).sum()))


def check_logo_copies(root: Path, logos: dict[str, Path], severity: str, threshold: float,
                      folders: list[Path], skip: set[Path] = frozenset()) -> list[Finding]:
    """Images under `folders` that are a logo but not byte for byte the file in brand/logos/."""
    official = {name: path.read_bytes() for name, path in logos.items()}
    signatures = {name: _signature_of_bytes(data, ".svg") for name, data in official.items()}
    findings = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix.lower() not in IMAGE_TYPES or not path.is_file() or path.resolve() in skip:
                continue
            data = path.read_bytes()
            if data in official.values():
                continue
            signature = _signature_of_bytes(data, path.suffix.lower())
            if signature is None:
                continue
            for name, logo in signatures.items():
                if logo is not None and similarity(signature, logo) >= threshold:
                    findings.append(Finding("logo-files", severity, relative(path, root), None,
                                            f"a modified copy of the {name.upper()} logo (recoloured, stretched or redrawn); "
                                            f"remove it: logos come only from brand/logos/{logos[name].name} through the templates"))
                    break
    return findings


def check_site_logo_files(site: Path, root: Path, logos: dict[str, Path], severity: str, label) -> list[Finding]:
    """In the built site, every file named like a logo is the official file."""
    from ..shared_assets import unhashed_name
    official = {path.name: path.read_bytes() for path in logos.values()}
    findings = []
    for path in sorted(Path(site).rglob("*")):
        name = unhashed_name(path.name)  # shared theme files carry a content hash in their name
        if path.is_file() and name in official and path.read_bytes() != official[name]:
            findings.append(Finding("logo-files", severity, label(path), None,
                                    f"differs from brand/logos/{name}; logos are published unmodified"))
    return findings
