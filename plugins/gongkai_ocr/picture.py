"""A `PageImage` as grey pixels: an image file decoded (each frame of a TIFF), or raw pixels taken as they are."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageOps, ImageSequence

from gongkai.errors import ReadError
from gongkai.ocr import DEFAULT_DPI, MAX_OCR_PAGES, PageImage

# A picture larger than this (pixels) is refused before it is decoded: an A4 page at 600 dpi is 35 million.
MAX_PIXELS = 60_000_000
# A TIFF of more pages than this is refused: a report runs to tens of pages, not thousands.
MAX_FRAMES = 500
# A resolution outside this is the file's mistake (a scan saved with 1 or 72 by default): DEFAULT_DPI instead.
DPI_RANGE = (100.0, 1200.0)
# A picture taller than this many times its width is a "long image", pages stacked one under the other as
# web pages post them: it is cut into pages where a band this high (inches) holds no ink, about every A4
# page height (so that a table running over a page break is stitched, as in a PDF).
# The band is measured against the picture's width, taken as an A4 page's (a web page's long image has a
# width, seldom a resolution); a long image is cut into `MAX_PARTS` pages at most.
LONG_PICTURE = 1.6
PAGE_GAP = 0.4
A4_WIDTH, A4 = 210 / 25.4, 297 / 210  # inches; height over width
MAX_PARTS = 100
# A picture narrower or lower than this (pixels) holds no line of text.
MIN_SIDE = 16


def grey_pages(image: PageImage) -> Iterator[tuple[np.ndarray, float]]:
    """Each page of the picture as 8-bit grey pixels (rows by columns) with its resolution."""
    if image.pixels:
        if len(image.data) != image.width * image.height:
            raise ReadError(f"{len(image.data):,} bytes of grey pixels are not {image.width} × {image.height}")
        grey = np.frombuffer(image.data, dtype=np.uint8).reshape(image.height, image.width)
        yield grey, image.dpi or DEFAULT_DPI
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # refused below, by our own limit
            picture = Image.open(io.BytesIO(image.data))
    except MemoryError:
        raise
    except Exception as exc:  # Pillow's decoders fail in many ways (struct.error, SyntaxError...): one cause
        raise ReadError(f"not a picture that can be read ({_cause(exc)})") from None
    pages = 0
    for n, frame in enumerate(_frames(picture)):
        if n >= MAX_FRAMES:
            raise ReadError(f"the picture has more than {MAX_FRAMES} pages (the limit)")
        width, height = frame.size
        if width * height > MAX_PIXELS:
            raise ReadError(f"a picture of {width} × {height} pixels is over the limit of {MAX_PIXELS:,}")
        if min(width, height) < MIN_SIDE:
            raise ReadError(f"a picture of {width} × {height} pixels is too small to hold a line of text")
        try:
            grey = _grey(ImageOps.exif_transpose(frame))  # a photo from a phone, turned as it is shown
        except MemoryError:
            raise
        except Exception as exc:  # truncated or corrupt pixel data
            raise ReadError(f"the picture is damaged ({_cause(exc)})") from None
        dpi = image.dpi or _dpi(frame)
        for part in _pages_of(grey):
            pages += 1
            if pages > MAX_OCR_PAGES:
                raise ReadError(f"the picture holds more than {MAX_OCR_PAGES} pages to read by OCR (the limit)")
            yield part, dpi


def _pages_of(grey: np.ndarray) -> list[np.ndarray]:
    """A long picture cut into pages at blank bands (see `LONG_PICTURE`); any other picture whole."""
    height, width = grey.shape
    if height <= LONG_PICTURE * width:
        return [grey]
    import cv2

    from gongkai_ocr.rules import ink

    # Ink after a median of each pixel's neighbours: a scanner's speckle is no ink (a 1-pixel rule is lost
    # too, which is why the rules are looked for in the picture itself).
    inked = (ink(cv2.medianBlur(grey, 3)) > 0).sum(axis=1) > max(2, width // 500)
    page, gap = A4 * width, max(2, round(PAGE_GAP * width / A4_WIDTH))
    cuts, start = [0], 0
    while height - start > 1.3 * page and len(cuts) < MAX_PARTS:
        lo, hi = start + round(0.7 * page), min(height, start + round(1.3 * page))
        band = _widest_blank(inked[lo:hi])
        if band is None or band[1] - band[0] < gap:
            break  # no blank band where a page would end: the rest stays one page
        start = lo + (band[0] + band[1]) // 2
        cuts.append(start)
    cuts.append(height)
    return [grey[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _widest_blank(inked: np.ndarray) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    run = None
    for i, has_ink in enumerate([*inked.tolist(), True]):
        if not has_ink and run is None:
            run = i
        elif has_ink and run is not None:
            if best is None or i - run > best[1] - best[0]:
                best = (run, i)
            run = None
    return best


def _frames(picture: Image.Image) -> Iterator[Image.Image]:
    try:
        yield from ImageSequence.Iterator(picture)
    except (ReadError, MemoryError):
        raise
    except Exception as exc:  # a frame that cannot be reached: the file is damaged there
        raise ReadError(f"the picture is damaged ({_cause(exc)})") from None


def _grey(frame: Image.Image) -> np.ndarray:
    """8-bit grey: 16-bit and float pixels scaled (Pillow's "L" would clip them to white), transparent
    pixels paper (not the black their colour values often are)."""
    out: np.ndarray
    if frame.mode.startswith("I") or frame.mode == "F":
        values = np.asarray(frame, dtype=np.float32)
        top = 65535.0 if frame.mode.startswith("I;16") else float(values.max()) or 1.0
        out = np.clip(values * (255.0 / top), 0, 255).astype(np.uint8)
    elif frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = np.asarray(frame.convert("RGBA"), dtype=np.uint16)
        ink = np.asarray(Image.fromarray(rgba[..., :3].astype(np.uint8)).convert("L"), dtype=np.uint16)
        alpha = rgba[..., 3]
        out = ((ink * alpha + 255 * (255 - alpha)) // 255).astype(np.uint8)
    else:
        out = np.asarray(frame.convert("L"))
    return out


def _dpi(frame: Image.Image) -> float:
    dpi = frame.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if DPI_RANGE[0] <= value <= DPI_RANGE[1] else DEFAULT_DPI


def _cause(exc: BaseException) -> str:
    text = re.sub(r"\s*<[^<>]* object at 0x[0-9a-f]+>", "", str(exc))  # Pillow names its stream object
    return " ".join(text.split()) or exc.__class__.__name__
