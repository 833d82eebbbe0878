"""A PDF page as plain data (characters, ruling segments, pictures), and the geometry every engine shares.

The engines (`gongkai_pdf.pdfium_engine`, the default, and
`gongkai_pdf.extract` on pdfplumber) fill these dataclasses; everything
after them (`gongkai_pdf.build`) works on them alone. Coordinates are
points from the top-left corner of the page as pdfminer turns it (its
/Rotate applied), the way pdfplumber gives them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

# Thicker than this, a filled rectangle is a shaded area, not a rule.
RULE_THICKNESS = 3.0
# Shorter than this, a segment is a dot or a tick, not a rule.
MIN_SEGMENT = 2.0
# A glyph whose baseline is turned further than this (degrees) from both axes of the page is a diagonal
# watermark: reports never print text slanted, and a crooked scan's OCR layer is off by a few degrees.
SLANT_LIMIT = 15.0
# White text shows on a coloured fill or a picture under it; the largest this many of a page's are looked
# at (a table shades its heading row or a few cells; a page of thousands of coloured boxes is built to
# be slow, and its white text on the smaller ones is left out).
GROUNDS = 256

# What a reader of the page sees of a glyph: the glyph ("seen"); nothing, its render mode painting neither
# fill nor stroke, as an OCR layer over a scan does ("invisible"); paper, white ink on no coloured ground
# ("white"); a diagonal watermark ("slanted"). `gongkai_pdf.visible` decides which are read.
Ink = Literal["seen", "invisible", "white", "slanted"]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


# Not frozen: a page makes thousands of glyphs, and a frozen dataclass takes five times as long to make
# (1.5 µs). Nothing changes a Char once made (`dataclasses.replace` makes another); it hashes by value.
@dataclass(slots=True, unsafe_hash=True)
class Char:
    """One glyph with its text and box (points, top-down coordinates as pdfplumber gives them)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    ink: Ink = "seen"
    confidence: float = 1.0  # an OCR engine's, for text read from a picture

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Segment:
    """A horizontal (top == bottom) or vertical (x0 == x1) ruling segment."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.bottom - self.top <= self.x1 - self.x0


@dataclass
class PageData:
    """What the layout building needs of one page."""

    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    images: int = 0  # image objects drawn on the page
    image_cover: float = 0.0  # the share of the page the largest image covers
    paths: int = 0  # vector paths (lines, rectangles, curves)
    pictures: list[Box] = field(default_factory=list)  # the boxes of its images
    painted_over: int = 0  # glyphs left out, covered by an opaque white rectangle drawn after them
    warnings: list[str] = field(default_factory=list)  # what the PDF library found damaged on the page
    ocr: str | None = None  # how the page was read by OCR, when it was a picture


# Text render modes (PDF 32000 §9.3.6): 0 fill, 1 stroke, 2 both, 3 neither, 4-7 the same and clip.
FILLED_MODES = frozenset({0, 2, 4, 6})
STROKED_MODES = frozenset({1, 2, 5, 6})
# A colour component this close to full (or, in CMYK, to none) is white paper.
WHITE = 0.98
_EOF_TAIL = 4096
# The longest a warning of the PDF library is kept.
MAX_WARNING = 100
TRUNCATED = "truncated PDF: the file ends before its end-of-file marker"


def check_head(data: bytes) -> bool:
    """Refuse what is not a PDF; say whether the file was cut short (a broken download).

    Every PDF writer ends the file with %%EOF: without it, and with objects
    before, the file ends early.
    """
    if b"%PDF-" not in data[:1024]:
        from gongkai.errors import ReadError

        raise ReadError("not a PDF (no %PDF- header)")
    tail = data[-2 * _EOF_TAIL :].rstrip(b"\x00\r\n\t \x0c")[-_EOF_TAIL:]
    return b"%%EOF" not in tail and b"endobj" in data


def one_line(text: str) -> str:
    """A message of the PDF library on one line, cut at `MAX_WARNING` characters."""
    text = " ".join(text.split())
    return text[:MAX_WARNING] + "…" if len(text) > MAX_WARNING else text


def white(color: object, space: str | None) -> bool:
    """Whether a colour in a named colour space is white; an unknown space or value is not."""
    try:
        return _white(color, space)  # a page uses a few colours for thousands of glyphs
    except TypeError:  # a colour that cannot be a key (a list): worked out each time
        return _white.__wrapped__(color, space)


@functools.lru_cache(maxsize=256)
def _white(color: object, space: str | None) -> bool:
    values = color if isinstance(color, tuple | list) else (color,)
    if not values or not all(isinstance(v, int | float) for v in values):
        return False
    name = space or ""
    if name in ("DeviceCMYK",) or (name in ("ICCBased", "") and len(values) == 4):
        return len(values) == 4 and all(v <= 1 - WHITE for v in values)
    if name in ("DeviceGray", "CalGray", "DeviceRGB", "CalRGB", "ICCBased", ""):
        return len(values) in (1, 3) and all(v >= WHITE for v in values)
    return False  # Separation, DeviceN, Indexed, Lab, Pattern: what paper they leave is not worked out


def slanted(a: float, b: float) -> bool:
    """Whether a glyph whose matrix starts (a, b) has its baseline turned more than `SLANT_LIMIT` from both axes."""
    if not a or not b:
        return False  # along an axis: nearly every glyph
    angle = math.degrees(math.atan2(abs(b), abs(a)))  # 0 along an axis, 45 halfway between
    return SLANT_LIMIT < angle < 90 - SLANT_LIMIT


def white_on_ground(chars: list[Char], grounds: Sequence[Box]) -> list[Char]:
    """White glyphs on a coloured fill or a picture (a heading printed white on a dark cell) are seen.

    `grounds` are the boxes of the page's coloured fills and pictures; the
    largest `GROUNDS` of them are looked at.
    """
    largest = sorted(grounds, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)[:GROUNDS]

    def on_ground(c: Char) -> bool:
        return any(x0 <= c.cx <= x1 and top <= c.cy <= bottom for x0, top, x1, bottom in largest)

    return [replace(c, ink="seen") if c.ink == "white" and on_ground(c) else c for c in chars]


def cover(box: Box, width: float, height: float) -> float:
    """The area of a box, clipped to the page."""
    x0, x1 = max(0.0, box[0]), min(width, box[2])
    top, bottom = max(0.0, box[1]), min(height, box[3])
    return max(0.0, x1 - x0) * max(0.0, bottom - top)


def add_rect(segments: list[Segment], box: Box, stroked: bool) -> None:
    """The rules of a rectangle: a thin filled box is one rule, a framed box its four edges."""
    x0, top, x1, bottom = box
    if x1 - x0 <= RULE_THICKNESS or bottom - top <= RULE_THICKNESS:  # a rule drawn as a thin filled box
        add_rule(segments, x0, top, x1, bottom)
    elif stroked:  # a framed box: its four edges
        add_rule(segments, x0, top, x1, top)
        add_rule(segments, x0, bottom, x1, bottom)
        add_rule(segments, x0, top, x0, bottom)
        add_rule(segments, x1, top, x1, bottom)


def add_path(segments: list[Segment], pts: Sequence[tuple[float, float]]) -> None:
    """The axis-parallel legs of a path (a polyline of rules); slanted legs are skipped."""
    for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
        if abs(ax - bx) <= 0.5 or abs(ay - by) <= 0.5:
            add_rule(segments, float(min(ax, bx)), float(min(ay, by)), float(max(ax, bx)), float(max(ay, by)))


def add_rule(segments: list[Segment], x0: float, top: float, x1: float, bottom: float) -> None:
    """A rule drawn as a box (or a line: a box of no height or width), reduced to its centre line."""
    if x1 - x0 >= bottom - top:
        if x1 - x0 >= MIN_SEGMENT:
            y = (top + bottom) / 2
            segments.append(Segment(x0, y, x1, y))
    elif bottom - top >= MIN_SEGMENT:
        x = (x0 + x1) / 2
        segments.append(Segment(x, top, x, bottom))


# A thousands separator OCR is unsure of does not make its figure doubtful: read as anything else, the figure's
# grouping no longer holds and it is no figure at all; every other character (a digit, a sign, a decimal point)
# counts.
_SEPARATORS = frozenset(",，")


def least_confidence(chars: Sequence[Char]) -> float:
    """How sure OCR was of a piece of text: of its least sure character but thousands separators (1: not OCR)."""
    return min((c.confidence for c in chars if c.text not in _SEPARATORS), default=1.0)
