"""What an OCR engine is handed and gives back: plain data, no image library in sight.

A reader that meets a page without a usable text layer (a scan) hands it
to the OCR engine the core chose (`Document.ocr`) as a `PageImage`, and
gets back what a text layer would have given: pieces of text with their
boxes, and the ruling lines seen in the picture. Engines come through the
plugin door (`gongkai_ocr_engines`); the reader knows only this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

# A picture without a resolution of its own (most PNGs a web page carries) is taken to be this many pixels
# per inch: the usual resolution of an office scanner.
DEFAULT_DPI = 200.0

# A batch gives a document this much more time (seconds) for each page read by OCR (RapidOCR takes 3–15 s
# a page on two cores): a 50-page scan is no hung task.
OCR_PAGE_SECONDS = 60.0
# A document's pages read by OCR, at most: the pages after are left unread (and said so); a batch gives no
# more time than this many pages take.
MAX_OCR_PAGES = 500

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: pixels from the top-left corner

# How wide a character is taken to be, in widths of a Chinese character, where an engine gives only the box
# of a run of text: an ASCII letter or digit a little over half (an estimate, not a measure).
ASCII_WIDTH = 0.55


@dataclass(frozen=True)
class PageImage:
    """A page as a picture: an image file's bytes (PNG, JPEG, TIFF), or 8-bit grey pixels row by row.

    `width` and `height` are given for grey pixels and are 0 for a file;
    `dpi` is 0 when a file's own resolution (or `DEFAULT_DPI`) applies.
    """

    data: bytes
    width: int = 0
    height: int = 0
    dpi: float = 0.0

    @property
    def pixels(self) -> bool:
        return self.width > 0 and self.height > 0


@dataclass(frozen=True)
class OcrText:
    """A run of text the engine read, its box and how sure it is (0 to 1).

    `spans` are the left and right edges of each of its characters, and
    `confidences` how sure the engine is of each, when it knows them (one
    for each character of `text` that is not a space); else both are empty.
    """

    text: str
    box: Box
    confidence: float
    spans: tuple[tuple[float, float], ...] = ()
    confidences: tuple[float, ...] = ()


@dataclass
class OcrPage:
    """One page read: its size in pixels once upright and straight, what was read on it, its rules.

    `turned` is how far (degrees, clockwise: 0, 90, 180 or 270) the picture
    was turned to read upright; `skew` how far it was straightened besides.
    Boxes are in the turned and straightened picture.
    """

    width: int
    height: int
    dpi: float
    texts: list[OcrText] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)  # ruling lines, as the thin boxes they are drawn as
    turned: int = 0
    skew: float = 0.0


@runtime_checkable
class OcrEngine(Protocol):
    """Reads pictures of pages. `name` is how users pick it (``-R ocr=tesseract``)."""

    @property
    def name(self) -> str: ...

    def read(self, image: PageImage) -> list[OcrPage]:
        """Every page of the picture (a TIFF may hold several), upright; `gongkai.errors.ReadError` with a
        one-line cause when the picture cannot be read. Call `reading_page()` before reading each page."""
        ...


def estimated_spans(text: str, left: float, right: float) -> list[tuple[float, float]]:
    """The left and right edges of each character of `text` (spaces included) in a run from `left` to
    `right`: its width shared out by `ASCII_WIDTH`, for engines that know only a run's box."""
    weights = [ASCII_WIDTH if ch.isascii() else 1.0 for ch in text]
    unit = (right - left) / (sum(weights) or 1.0)
    spans, x = [], left
    for weight in weights:
        spans.append((x, x + weight * unit))
        x += weight * unit
    return spans


_listener: Callable[[float], None] | None = None


def reading_page() -> None:
    """An engine says it starts reading one more page: a batch's time limit grows by `OCR_PAGE_SECONDS`."""
    if _listener is not None:
        _listener(OCR_PAGE_SECONDS)


@contextmanager
def pages_read_by(listener: Callable[[float], None]) -> Iterator[None]:
    """Within the block, `reading_page` calls `listener` with the seconds more a page may take."""
    global _listener
    before, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = before
