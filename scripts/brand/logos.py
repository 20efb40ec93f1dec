"""Finding a logo inside a raster image (a cover photo, a rendered PDF page).

No maintained library does this with only Pillow and NumPy (OpenCV's template matching
would, at the cost of a large binary dependency), so this is a small matcher of our own:
masked normalised cross-correlation (Padfield, 2012) computed with FFTs, over a range of
logo sizes, on greyscale images. Greyscale makes colour and black-and-white prints alike;
the mask (the logo's alpha channel) makes the background behind a logo irrelevant;
normalisation makes brightness and contrast irrelevant; a working width of a few hundred
pixels keeps it fast and smooths JPEG artefacts away.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

WORK_WIDTH = 320
MIN_FRACTION, MAX_FRACTION = 0.05, 0.5
SCALE_STEP = 1.08
THRESHOLD = 0.78


@dataclass(frozen=True)
class Match:
    logo: str
    score: float
    box: tuple[int, int, int, int]  # left, top, right, bottom in the original image's pixels


@dataclass(frozen=True, eq=False)
class LogoTemplate:
    name: str
    grey: np.ndarray   # 0..1, at a reference width
    alpha: np.ndarray  # 0..1


def render_svg(svg: bytes, width: int) -> Image.Image:
    import cairosvg
    png = cairosvg.svg2png(bytestring=svg, output_width=width)
    return Image.open(io.BytesIO(png)).convert("RGBA")


@lru_cache(maxsize=None)
def _template(name: str, data: bytes, suffix: str) -> LogoTemplate:
    image = render_svg(data, 400) if suffix == ".svg" else Image.open(io.BytesIO(data)).convert("RGBA")
    grey = np.asarray(ImageOps.grayscale(image.convert("RGB")), dtype=np.float64) / 255.0
    alpha = np.asarray(image.getchannel("A"), dtype=np.float64) / 255.0
    return LogoTemplate(name, grey, alpha)


def load_templates(logos: dict[str, Path]) -> list[LogoTemplate]:
    return [_template(name, Path(path).read_bytes(), Path(path).suffix.lower()) for name, path in logos.items()]


BLUR = 1.2


def _resize(array: np.ndarray, width: int, height: int, blur: float = 0.0) -> np.ndarray:
    image = Image.fromarray((array * 255).astype(np.uint8)).resize((width, height), Image.LANCZOS)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(image, dtype=np.float64) / 255.0


def _working_image(image: Image.Image) -> tuple[np.ndarray, float]:
    grey = ImageOps.grayscale(ImageOps.exif_transpose(image).convert("RGB"))
    factor = WORK_WIDTH / grey.width
    small = grey.resize((WORK_WIDTH, max(1, round(grey.height * factor))), Image.LANCZOS).filter(ImageFilter.GaussianBlur(BLUR))
    return np.asarray(small, dtype=np.float64) / 255.0, factor


def _widths(image_width: int) -> list[int]:
    widths, width = [], image_width * MIN_FRACTION
    while width <= image_width * MAX_FRACTION * 1.001:
        widths.append(int(round(width)))
        width *= SCALE_STEP
    widths.append(int(round(image_width * MAX_FRACTION)))
    return sorted(set(widths))


@lru_cache(maxsize=4096)
def _prepared(template: LogoTemplate, width: int, height: int, shape: tuple[int, int]):
    """A template at one size, transformed for an image of `shape`: what does not depend on
    the image, so covers of the same proportions reuse it."""
    grey = _resize(template.grey, width, height, BLUR)
    mask = (_resize(template.alpha, width, height) > 0.5).astype(np.float64)
    count = float(mask.sum())
    if count < 16:
        return None
    zero_mean = (grey - (grey * mask).sum() / count) * mask
    energy = float((zero_mean ** 2).sum())
    if energy <= 1e-9:
        return None
    return (np.fft.rfft2(zero_mean[::-1, ::-1], s=shape), np.fft.rfft2(mask[::-1, ::-1], s=shape), count, energy,
            mask.tobytes())


def find_logos(image: Image.Image, templates: list[LogoTemplate], threshold: float = THRESHOLD, every: bool = False) -> list[Match]:
    """The best match of each template, where it scores at or above `threshold`.

    At each logo size, the windowed sums of the image and of its square depend only on the
    mask, so templates with equal masks there (logos on an opaque rectangle) share them."""
    work, factor = _working_image(image)
    shape = work.shape
    rows, cols = shape
    image_fft = np.fft.rfft2(work)
    image_sq_fft = np.fft.rfft2(work ** 2)
    best: dict[str, tuple[float, tuple | None]] = {t.name: (0.0, None) for t in templates}
    candidates: list[Match] = []
    for width in _widths(cols):
        window_sums: dict[bytes, tuple] = {}
        for template in templates:
            height = max(4, int(round(width * template.grey.shape[0] / template.grey.shape[1])))
            if height >= rows or width >= cols:
                continue
            prepared = _prepared(template, width, height, shape)
            if prepared is None:
                continue
            kernel, mask_fft, count, energy, mask_key = prepared
            valid = (slice(height - 1, rows), slice(width - 1, cols))
            if mask_key not in window_sums:
                window_sums[mask_key] = (np.fft.irfft2(image_fft * mask_fft, s=shape)[valid],
                                         np.fft.irfft2(image_sq_fft * mask_fft, s=shape)[valid])
            sum_i, sum_i2 = window_sums[mask_key]
            numerator = np.fft.irfft2(image_fft * kernel, s=shape)[valid]
            denominator = np.sqrt(np.maximum(sum_i2 - sum_i ** 2 / count, 0) * energy)
            # A flat patch cannot hold a logo: its score stays 0.
            scores = np.where(denominator > 1e-4, numerator / np.maximum(denominator, 1e-12), 0.0)
            index = np.unravel_index(np.argmax(scores), scores.shape)
            if scores[index] > best[template.name][0]:
                best[template.name] = (float(scores[index]), (index[1], index[0], width, height))
            if every and scores[index] >= threshold:
                flat = scores.ravel()
                top = np.argpartition(flat, -12)[-12:] if flat.size > 12 else np.arange(flat.size)
                for position in top:
                    if flat[position] >= threshold:
                        y, x = divmod(int(position), scores.shape[1])
                        candidates.append(Match(template.name, float(flat[position]),
                                                tuple(int(round(v / factor)) for v in (x, y, x + width, y + height))))
    if every:
        kept = []
        for match in distinct(candidates):
            score, name = max((verify(image, match, t), t.name) for t in templates)
            if score >= VERIFY_THRESHOLD:
                kept.append(Match(name, match.score, match.box))
        return kept
    found = []
    for name, (score, where) in best.items():
        if score >= threshold and where:
            x, y, w, h = where
            found.append(Match(name, score, tuple(int(round(v / factor)) for v in (x, y, x + w, y + h))))
    if threshold >= 0:
        confirmed = {m.box for m in distinct(found) if max(verify(image, m, t) for t in templates) >= VERIFY_THRESHOLD}
        found = [m for m in found if any(_overlap(m.box, box) >= 0.3 for box in confirmed)]
    return sorted(found, key=lambda m: -m.score)


VERIFY_WIDTH = 160
VERIFY_THRESHOLD = 0.60


def _ncc_best(patch: np.ndarray, template: np.ndarray, mask: np.ndarray) -> float:
    """Best masked NCC of `template` over every position in `patch` (plain, small arrays)."""
    rows, cols = patch.shape
    th, tw = template.shape
    if th > rows or tw > cols:
        return 0.0
    count = mask.sum()
    zero_mean = (template - (template * mask).sum() / count) * mask
    energy = (zero_mean ** 2).sum()
    shape = (rows, cols)
    valid = (slice(th - 1, rows), slice(tw - 1, cols))
    patch_fft, patch_sq_fft = np.fft.rfft2(patch), np.fft.rfft2(patch ** 2)
    mask_fft = np.fft.rfft2(mask[::-1, ::-1], s=shape)
    numerator = np.fft.irfft2(patch_fft * np.fft.rfft2(zero_mean[::-1, ::-1], s=shape), s=shape)[valid]
    sum_i = np.fft.irfft2(patch_fft * mask_fft, s=shape)[valid]
    sum_i2 = np.fft.irfft2(patch_sq_fft * mask_fft, s=shape)[valid]
    denominator = np.sqrt(np.maximum(sum_i2 - sum_i ** 2 / count, 0) * energy)
    scores = np.where(denominator > 1e-4, numerator / np.maximum(denominator, 1e-12), 0.0)
    return float(scores.max())


def verify(image: Image.Image, match: "Match", template: LogoTemplate) -> float:
    """A candidate re-scored on a sharp crop of the original image, the template at its own
    detail (VERIFY_WIDTH pixels wide), a little around the found size and place: text or a
    texture that looked like a logo at low resolution does not survive this."""
    left, top, right, bottom = match.box
    width, height = right - left, bottom - top
    margin_x, margin_y = int(width * 0.15) + 2, int(height * 0.15) + 2
    grey = ImageOps.grayscale(ImageOps.exif_transpose(image).convert("RGB"))
    crop = grey.crop((max(0, left - margin_x), max(0, top - margin_y), min(grey.width, right + margin_x), min(grey.height, bottom + margin_y)))
    factor = VERIFY_WIDTH / width
    patch = np.asarray(crop.resize((max(1, round(crop.width * factor)), max(1, round(crop.height * factor))), Image.LANCZOS)
                       .filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float64) / 255.0
    return max(_ncc_best(patch, grey_t, mask) for grey_t, mask in _verify_templates(template))


@lru_cache(maxsize=256)
def _verify_templates(template: LogoTemplate) -> list[tuple[np.ndarray, np.ndarray]]:
    aspect = template.grey.shape[0] / template.grey.shape[1]
    prepared = []
    for scale in (0.92, 0.96, 1.0, 1.04, 1.08):
        tw = int(round(VERIFY_WIDTH * scale))
        th = max(4, int(round(tw * aspect)))
        prepared.append((_resize(template.grey, tw, th, 0.7), (_resize(template.alpha, tw, th) > 0.5).astype(np.float64)))
    return prepared


def _overlap(a: tuple, b: tuple) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller


def distinct(matches: list[Match]) -> list[Match]:
    """One match per place: the best of the matches that overlap (non-maximum suppression)."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: -m.score):
        if all(_overlap(match.box, other.box) < 0.3 for other in kept):
            kept.append(match)
    return kept


def best_scores(image: Image.Image, templates: list[LogoTemplate]) -> dict[str, float]:
    """Every template's best score, for tuning and benchmarks."""
    return {m.logo: m.score for m in find_logos(image, templates, threshold=-1.0)}
