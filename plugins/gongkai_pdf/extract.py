"""Extraction: a PDF's pages as plain data (characters, ruling segments, page size), via pdfplumber.

This, `gongkai_pdf.limits` (what a PDF may make pdfminer build, counted as
it is built) and `gongkai_pdf.ink` (which glyphs are painted, which painted
over) are the only modules that touch a PDF library. Everything
after them (`gongkai_pdf.build`) works on these dataclasses alone, so a
faster backend (pypdfium2 reads text in a few ms a page) can replace them
without changing the layout building.

Each page is closed after use: pdfplumber caches every parsed object of a
page until then, and keeping them for a long report costs memory.

Damage gets a one-line cause: a loop of references ("object 6 refers to
itself"), a page without a usable MediaBox, objects nested past Python's
recursion limit, each as "corrupt PDF: …".
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pdfplumber
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import LIT
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from gongkai.errors import ReadError
from gongkai_pdf.ink import InkDevice, InkInterpreter, white
from gongkai_pdf.limits import (
    MAX_PAGES,
    Budget,
    ReferenceCycle,
    guard_references,
    interpret,
    measure_object_streams,
    scan_file,
)

# Thicker than this, a filled rectangle is a shaded area, not a rule.
RULE_THICKNESS = 3.0
# Shorter than this, a segment is a dot or a tick, not a rule.
MIN_SEGMENT = 2.0
_EOF_TAIL = 4096
MAX_WARNING = 100
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


@dataclass(frozen=True, slots=True)
class Char:
    """One glyph with its text and box (points, top-down coordinates as pdfplumber gives them)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    ink: Ink = "seen"

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


class _Damage(logging.Handler):
    """pdfminer's warnings (each one a sign of a damaged file), kept instead of printed on stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not stop the reading
            message = str(record.msg)
        message = " ".join(message.split())[:MAX_WARNING]
        if message not in self.messages:
            self.messages.append(message)


class PdfPages:
    """An open PDF: its page count and its pages, extracted one at a time under the `Budget`."""

    def __init__(self, pdf: Any, damage: _Damage, budget: Budget | None = None) -> None:
        self._pdf = pdf
        self._damage = damage
        self._budget = budget or Budget()
        try:
            for count, _ in enumerate(PDFPage.create_pages(pdf.doc), start=1):  # before pdfplumber makes each
                if count > MAX_PAGES:
                    raise ReadError(f"the PDF too large: more than {MAX_PAGES:,} pages (the limit)")
            self.count: int = len(pdf.pages)
        except ReadError:
            raise
        except Exception as exc:
            raise _page_tree_error(pdf, exc) from None

    def __iter__(self) -> Iterator[PageData]:
        for number, page in enumerate(self._pdf.pages, start=1):
            self._damage.messages.clear()
            try:
                device = interpret(page, self._budget, InkDevice, InkInterpreter)
                data = _page_data(number, page)
                if isinstance(device, InkDevice):
                    data.painted_over = device.covered
                if _lost_streams(page):
                    self._damage.messages.append("a content stream cannot be decompressed")
            except ReadError:
                raise
            except ReferenceCycle as exc:
                raise ReadError(f"corrupt PDF: {exc}") from None
            except Exception as exc:  # pdfminer's many ways of meeting a broken content stream
                raise ReadError(f"corrupt PDF: page {number} cannot be read ({_cause(exc)})") from None
            finally:
                page.close()
            data.warnings = list(self._damage.messages)
            yield data


def _page_tree_error(pdf: Any, exc: BaseException) -> ReadError:
    """Why pdfplumber could not make the pages: a page without a usable box, else the cause it met."""
    inner = _unwrapped(exc)
    if isinstance(inner, ReferenceCycle):
        return ReadError(f"corrupt PDF: {inner}")
    try:
        for number, attrs in enumerate(_page_dicts(pdf.doc), start=1):
            for key in _BOXES:
                if (key == "MediaBox" or key in attrs) and not _is_box(attrs.get(key)):
                    return ReadError(f"corrupt PDF: page {number} has no valid {key} (the size of the page)")
    except ReferenceCycle as cycle:
        return ReadError(f"corrupt PDF: {cycle}")
    except Exception:  # the page tree itself is damaged: the cause met first says so
        pass
    return ReadError(f"corrupt PDF: its pages cannot be read ({_cause(inner)})")


# The boxes pdfplumber reads of every page; the first two are inherited from the page tree above a page.
_BOXES = ("MediaBox", "CropBox", "TrimBox", "BleedBox", "ArtBox")


def _page_dicts(doc: Any) -> Iterator[dict[str, object]]:
    """Each page's dictionary, its inherited boxes filled in, in order (a node met twice is skipped)."""
    todo: list[tuple[object, dict[str, object]]] = [(doc.catalog.get("Pages"), {})]
    seen: set[int] = set()
    count = 0
    while todo and count < MAX_PAGES:
        ref, inherited = todo.pop()
        node = resolve1(ref)
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        attrs = {**inherited, **{k: v for k, v in node.items() if k in _BOXES[:2]}}
        kids = resolve1(node.get("Kids"))
        if isinstance(kids, list) and node.get("Type") is not _PAGE:
            todo.extend((kid, attrs) for kid in reversed(kids))
        else:
            count += 1
            yield {**node, **attrs}


_PAGE = LIT("Page")


def _is_box(value: object) -> bool:
    """Four numbers (each resolved once, so that an array holding itself is no box)."""
    box = resolve1(value)
    return isinstance(box, list) and len(box) == 4 and all(isinstance(resolve1(v), int | float) for v in box)


def _lost_streams(page: Any) -> bool:
    """Whether a content stream of the page decoded to nothing though it holds data (pdfminer says nothing)."""
    try:
        streams = [resolve1(s) for s in page.page_obj.contents or ()]
        return any(
            isinstance(s, PDFStream)
            and s.data is not None
            and not s.data
            and (resolve1(s.attrs.get("Length")) or 0) > 0
            for s in streams
        )
    except Exception:  # best effort: an odd page tree is not itself damage
        return False


@contextmanager
def open_pdf(data: bytes) -> Iterator[PdfPages]:
    """Open a PDF held in memory; ReadError with a one-line cause when it cannot be."""
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not a PDF (no %PDF- header)")
    # Every PDF writer ends the file with %%EOF; without it the file was cut short (a broken download).
    tail = data[-2 * _EOF_TAIL :].rstrip(b"\x00\r\n\t \x0c")[-_EOF_TAIL:]
    cut_short = b"%%EOF" not in tail and b"endobj" in data
    damage = _Damage()
    logger = logging.getLogger("pdfminer")
    logger.addHandler(damage)
    budget = Budget()
    try:
        try:
            scan_file(data)
            pdf = pdfplumber.open(io.BytesIO(data), password="")
        except ReadError:
            raise
        except Exception as exc:  # pdfplumber wraps pdfminer's errors; some come through bare
            raise _open_error(exc, cut_short) from None
        try:
            try:
                guard_references(pdf.doc)
                measure_object_streams(pdf.doc, budget)
                pages = PdfPages(pdf, damage, budget)
            except ReadError:
                raise
            except Exception as exc:
                raise _open_error(exc, cut_short) from None
            if cut_short:
                raise ReadError(TRUNCATED)
            yield pages
        finally:
            _close(pdf)
    finally:
        logger.removeHandler(damage)


def _close(pdf: Any) -> None:
    """Close the PDF; pdfplumber's close makes the pages again, and meets again what broke making them."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()


TRUNCATED = "truncated PDF: the file ends before its end-of-file marker"


def _unwrapped(exc: BaseException) -> BaseException:
    """The exception pdfplumber wrapped in a PdfminerException, or the exception itself."""
    inner = exc.args[0] if isinstance(exc, PdfminerException | MalformedPDFException) and exc.args else exc
    return inner if isinstance(inner, BaseException) else exc


def _open_error(exc: BaseException, cut_short: bool) -> ReadError:
    inner = _unwrapped(exc)
    if isinstance(inner, ReferenceCycle):
        return ReadError(f"corrupt PDF: {inner}")
    name = type(inner).__name__
    if name == "PDFPasswordIncorrect" or "password" in str(inner).lower():
        return ReadError("encrypted PDF: it needs a password")
    if name.startswith("PDFEncryption"):  # an encryption pdfminer cannot undo
        return ReadError(f"encrypted PDF: {_cause(inner)}")
    if cut_short:
        return ReadError(TRUNCATED)
    return ReadError(f"corrupt PDF: {_cause(inner)}")


def _cause(exc: BaseException) -> str:
    exc = _unwrapped(exc)
    if isinstance(exc, RecursionError):
        return "its objects nest too deeply, or refer to each other in a cycle"
    text = " ".join(str(exc).split())
    text = re.sub(r"^PdfminerException\((.*)\)$", r"\1", text)
    return (text[:MAX_WARNING] + "…" if len(text) > MAX_WARNING else text) or type(exc).__name__


def _page_data(number: int, page: Any) -> PageData:
    objects = page.objects
    out = PageData(number=number, width=float(page.width), height=float(page.height))
    images = objects.get("image", ())
    out.pictures = [_box(i) for i in images]
    out.chars = [
        Char(
            c["text"],
            float(c["x0"]),
            float(c["x1"]),
            float(c["top"]),
            float(c["bottom"]),
            float(c["size"]),
            _ink(c),
        )
        for c in objects.get("char", ())
    ]
    if any(c.ink == "white" for c in out.chars):
        out.chars = _white_on_ground(out.chars, objects, out.pictures)
    out.images = len(images)
    area = out.width * out.height or 1.0
    out.image_cover = max((_area(i, out.width, out.height) / area for i in images), default=0.0)
    segments: list[Segment] = []
    for line in objects.get("line", ()):
        _add_path(segments, line.get("pts") or [])
    for rect in objects.get("rect", ()):
        _add_rect(segments, rect)
    for curve in objects.get("curve", ()):
        _add_path(segments, curve.get("pts") or [])
    out.segments = segments
    out.paths = sum(len(objects.get(k, ())) for k in ("line", "rect", "curve"))
    return out


def _box(obj: dict[str, Any]) -> Box:
    return float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"])


def _ink(char: dict[str, Any]) -> Ink:
    """What a reader sees of a glyph (pdfplumber's char dict, marked by `InkDevice`): see `Ink`."""
    if _slanted(char.get("matrix")):
        return "slanted"
    filled, stroked = char.get("fill", True), char.get("stroke", False)  # not marked: drawn as usual
    if not filled and not stroked:
        return "invisible"
    # A stroke's colour space is not kept: stroked text counts as seen.
    return "white" if not stroked and white(char.get("non_stroking_color"), char.get("ncs")) else "seen"


def _white_on_ground(chars: list[Char], objects: dict[str, Any], pictures: list[Box]) -> list[Char]:
    """White glyphs on a coloured fill or a picture (a heading printed white on a dark cell) are seen."""
    grounds = [
        _box(shape)
        for kind in ("rect", "curve")
        for shape in objects.get(kind, ())
        if shape.get("fill") and not white(shape.get("non_stroking_color"), None)
    ] + pictures
    grounds = sorted(grounds, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)[:GROUNDS]

    def on_ground(c: Char) -> bool:
        return any(x0 <= c.cx <= x1 and top <= c.cy <= bottom for x0, top, x1, bottom in grounds)

    return [replace(c, ink="seen") if c.ink == "white" and on_ground(c) else c for c in chars]


def _slanted(matrix: object) -> bool:
    """Whether a glyph's matrix turns its baseline more than `SLANT_LIMIT` from both axes."""
    if not isinstance(matrix, tuple | list) or len(matrix) < 2:
        return False
    a, b = matrix[0], matrix[1]
    if not b or not a or not isinstance(a, int | float) or not isinstance(b, int | float):
        return False  # along an axis (nearly every glyph), or no matrix to speak of
    angle = math.degrees(math.atan2(abs(b), abs(a)))  # 0 along an axis, 45 halfway between
    return SLANT_LIMIT < angle < 90 - SLANT_LIMIT


def _area(obj: dict[str, Any], width: float, height: float) -> float:
    """The area of an object's box, clipped to the page."""
    x0, x1 = max(0.0, float(obj["x0"])), min(width, float(obj["x1"]))
    top, bottom = max(0.0, float(obj["top"])), min(height, float(obj["bottom"]))
    return max(0.0, x1 - x0) * max(0.0, bottom - top)


def _add_rect(segments: list[Segment], rect: dict[str, Any]) -> None:
    x0, x1, top, bottom = float(rect["x0"]), float(rect["x1"]), float(rect["top"]), float(rect["bottom"])
    if x1 - x0 <= RULE_THICKNESS or bottom - top <= RULE_THICKNESS:  # a rule drawn as a thin filled box
        _add(segments, x0, top, x1, bottom)
    elif rect.get("stroke"):  # a framed box: its four edges
        _add(segments, x0, top, x1, top)
        _add(segments, x0, bottom, x1, bottom)
        _add(segments, x0, top, x0, bottom)
        _add(segments, x1, top, x1, bottom)


def _add_path(segments: list[Segment], pts: list[Any]) -> None:
    """The axis-parallel legs of a path (a polyline of rules); slanted legs and Bézier points are skipped."""
    for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
        if abs(ax - bx) <= 0.5 or abs(ay - by) <= 0.5:
            _add(segments, float(min(ax, bx)), float(min(ay, by)), float(max(ax, bx)), float(max(ay, by)))


def _add(segments: list[Segment], x0: float, top: float, x1: float, bottom: float) -> None:
    """A rule, reduced to its centre line."""
    if x1 - x0 >= bottom - top:
        if x1 - x0 >= MIN_SEGMENT:
            y = (top + bottom) / 2
            segments.append(Segment(x0, y, x1, y))
    elif bottom - top >= MIN_SEGMENT:
        x = (x0 + x1) / 2
        segments.append(Segment(x, top, x, bottom))
