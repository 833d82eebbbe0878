"""Extraction: a PDF's pages as plain data (characters, ruling segments, page size), via pdfplumber.

This and `gongkai_pdf.limits` (what a PDF may make pdfminer build, counted
as it is built) are the only modules that touch a PDF library. Everything
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
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import LIT
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from gongkai.errors import ReadError
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


@dataclass(frozen=True, slots=True)
class Char:
    """One glyph with its text and box (points, top-down coordinates as pdfplumber gives them)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

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
                interpret(page, self._budget)
                data = _page_data(number, page)
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
    out.chars = [
        Char(c["text"], float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]), float(c["size"]))
        for c in objects.get("char", ())
    ]
    images = objects.get("image", ())
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
