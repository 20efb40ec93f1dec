"""Responsive images: AVIF and WebP variants at a few widths, the original as the fallback.

Readers on slow or metered connections should get the smallest file their screen needs.
Every local JPEG or PNG `<img>` of a built page becomes a `<picture>` with AVIF and WebP
sources (`srcset` by width, `sizes`), and the `<img>` keeps the original, with its width
and height set so nothing jumps while it loads. Material's optimize plugin only
recompresses files in place (and needs pngquant), so the variants are made here with
Pillow, cached by the content hash of the original: a warm build encodes nothing.
"""
from __future__ import annotations

import functools
import hashlib
import html as htmllib
import io
import posixpath
import re
from pathlib import Path
from typing import Callable

import warnings

from PIL import Image, UnidentifiedImageError

from .errors import BuildError, Problem
from .limits import MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE

from .safety import atomic_write_bytes, bmff_ok, read_cached, webp_ok

WIDTHS = (480, 960, 1440)
FORMATS = (("image/avif", "avif", {"quality": 55, "speed": 8}), ("image/webp", "webp", {"quality": 78, "method": 4}))
RASTER = (".jpg", ".jpeg", ".png")
DEFAULT_SIZES = "(min-width: 76.25em) 38rem, (min-width: 60em) calc(100vw - 16rem), 100vw"
VARIANTS_DIR = "assets/ipbes/img"
VERSION = "img-1"
VERIFY = {"avif": bmff_ok, "webp": webp_ok}

IMG = re.compile(r"<img\b[^>]*>", re.I)
PICTURE = re.compile(r"<picture\b.*?</picture>", re.I | re.S)
ATTR = re.compile(r'([a-zA-Z_:][-\w:.]*)\s*=\s*"([^"]*)"')
FORMAT_OF = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF", ".avif": "AVIF"}
RESAVE = "open it in an image editor and save it again as JPEG or PNG"


def image_problem(path: Path, decode: bool = True) -> str | None:
    """What is wrong with a raster image, in an editor's words, or None: not an image, a
    type other than its name says, over MAX_IMAGE_SIDE or MAX_IMAGE_PIXELS (read from the
    header, before anything is decoded: Pillow's own bomb guard stops only at 179 million
    pixels), or (with `decode`) truncated or corrupt. The answer is kept per file version
    in the process (the preview checks every cover image after each save)."""
    try:
        stat = Path(path).stat()
    except OSError:
        return _image_problem(Path(path), decode)
    return _kept_image_problem(str(path), decode, stat.st_mtime_ns, stat.st_size, stat.st_ino)


@functools.lru_cache(maxsize=4096)
def _kept_image_problem(path: str, decode: bool, _mtime: int, _size: int, _inode: int) -> str | None:
    return _image_problem(Path(path), decode)


def _image_problem(path: Path, decode: bool) -> str | None:
    expected = FORMAT_OF.get(Path(path).suffix.lower())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if image.format != expected and expected is not None:
                    return f"the file is a {image.format or 'different'} image but its name ends in {Path(path).suffix}; {RESAVE}"
                if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
                    return (f"the image is {width:,} x {height:,} pixels, over the limit of {MAX_IMAGE_SIDE:,} pixels a side "
                            f"and {MAX_IMAGE_PIXELS:,} pixels in all; save it smaller (2000 pixels wide is enough for the web)")
                if decode:
                    if image.format == "JPEG":
                        image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # reads every byte, decodes 1/64
                    _load_strictly(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return (f"the image declares more pixels than any picture of the site needs (over {MAX_IMAGE_PIXELS:,}); "
                "save it smaller (2000 pixels wide is enough for the web)")
    except UnidentifiedImageError:
        return f"the file is not an image that can be read (is it really a {Path(path).suffix} file?); {RESAVE}"
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return f"the image is damaged or cut short ({exc}); {RESAVE}"
    return None


def _load_strictly(image) -> None:
    """Decode the whole image, failing on a truncated file. WeasyPrint, once imported, sets
    Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would let a cut-short file pass."""
    from PIL import ImageFile
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def variants(source: Path, cache: Path) -> tuple[tuple[int, int], dict[str, list[tuple[int, Path]]]]:
    """The original's size, and for each format its (width, file) variants, made once per content."""
    stat = Path(source).stat()
    return _variants(Path(source), Path(cache), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _variants(source: Path, cache: Path, _mtime: int, _size: int):
    """Once per file version in a build: the same picture is often on many pages."""
    problem = image_problem(source, decode=False)
    if problem:
        raise BuildError([Problem(source, None, problem)])
    data = source.read_bytes()
    digest = hashlib.sha256(VERSION.encode() + data).hexdigest()[:16]
    try:
        return _make_variants(source, cache, digest)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the cache folder, not the picture (Pillow's decoding errors carry no errno)
        raise BuildError([Problem(source, None, f"the image is damaged or cut short ({exc}); {RESAVE}")])


def _make_variants(source: Path, cache: Path, digest: str):
    with Image.open(source) as image:
        size = image.size
        widths = sorted({w for w in WIDTHS if w < size[0]} | {size[0]})
        made: dict[str, list[tuple[int, Path]]] = {}
        for mime, ext, options in FORMATS:
            made[mime] = []
            for width in widths:
                target = Path(cache) / f"{digest}-{width}.{ext}"
                if read_cached(target, VERIFY[ext]) is None:
                    _encode(image, width, target, ext, options)
                made[mime].append((width, target))
    return size, made


def _encode(image: Image.Image, width: int, target: Path, ext: str, options: dict) -> None:
    frame = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    if width != frame.width:
        frame = frame.resize((width, round(frame.height * width / frame.width)), Image.Resampling.LANCZOS)
    encoded = io.BytesIO()
    frame.save(encoded, format=ext.upper(), **options)
    # Written aside and renamed: language builds running in parallel share the cache.
    atomic_write_bytes(target, encoded.getvalue())


def responsive_html(html: str, page_url: str, resolve: Callable[[str], Path | None], publish: Callable[[Path], str],
                    cache: Path) -> str:
    """Rewrites a page's local raster `<img>` tags into `<picture>` elements.

    `page_url`: the page's URL within its language ("about/"); `resolve`: a site path
    ("media/covers/x.jpg") to its source file, or None; `publish`: copies a variant into the
    output and returns its site path.
    """
    pictures = [(m.start(), m.end()) for m in PICTURE.finditer(html)]
    base = posixpath.dirname("/" + page_url + "x")  # the page's folder

    def rewrite(match: re.Match) -> str:
        if any(start <= match.start() < end for start, end in pictures):
            return match.group(0)
        attrs = dict(ATTR.findall(match.group(0)))
        src = htmllib.unescape(attrs.get("src", ""))
        if not src.lower().endswith(RASTER) or re.match(r"^[a-z]+:|^//", src):
            return match.group(0)
        site_path = posixpath.normpath(posixpath.join(base, src)).lstrip("/")
        source = resolve(site_path)
        if source is None:
            return match.group(0)
        (width, height), made = variants(source, cache)
        sizes = attrs.get("sizes", DEFAULT_SIZES)
        sources = []
        for mime, files in made.items():
            srcset = ", ".join(f"{posixpath.relpath('/' + publish(path), base)} {w}w" for w, path in files)
            sources.append(f'<source type="{mime}" srcset="{srcset}" sizes="{sizes}">')
        # `sizes` moves to the sources: on an `<img>` without `srcset` it is invalid HTML.
        tag = re.sub(r'\s+sizes="[^"]*"', "", match.group(0))
        extra = []
        if "width" not in attrs and "height" not in attrs:
            extra.append(f'width="{width}" height="{height}"')
        if "decoding" not in attrs:
            extra.append('decoding="async"')
        if "loading" not in attrs and "fetchpriority" not in attrs:
            extra.append('loading="lazy"')
        if extra:
            tag = re.sub(r"\s*/?>$", " " + " ".join(extra) + ">", tag)
        return "<picture>" + "".join(sources) + tag + "</picture>"

    return IMG.sub(rewrite, html)
