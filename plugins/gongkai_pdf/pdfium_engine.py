"""The default engine: PDFium (through pypdfium2) draws each page into the same `PageData` as pdfplumber's.

pdfminer's parser opens the file first (`gongkai_pdf.structure`: why it
cannot open, what is damaged) and measures each page before PDFium draws
it (`gongkai_pdf.preflight`); PDFium then gives the characters and the
paths, about ten times faster than pdfminer's interpreter.

The page data is made to equal pdfplumber's, so that both engines build
the same layout:

- coordinates are pdfminer's: the page's /Rotate applied, y from the top;
- a glyph's box is pdfminer's: from the baseline (`GetCharOrigin`), one
  font size high, lowered by the font's descent, as wide as the glyph's
  advance; its size is the height of that box (the size operand times the
  scale of the text matrix: PDFium's own font size is the bare operand);
- glyphs come in the order the content draws them: PDFium's text page
  orders them its own way, so they are put back in the order of the text
  objects that draw them; the spaces PDFium makes up are left out;
- paths are cut into subpaths and told apart as pdfminer does (a line, a
  rectangle, a curve), each point as pdfminer places it.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as fpdf
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from gongkai.errors import ReadError
from gongkai_pdf.covered import covered_glyphs
from gongkai_pdf.limits import (
    Budget,
    ReferenceCycle,
    guard_references,
    measure_object_streams,
    scan_file,
)
from gongkai_pdf.page import (
    FILLED_MODES,
    STROKED_MODES,
    TRUNCATED,
    Box,
    Char,
    Ink,
    PageData,
    Segment,
    add_path,
    add_rect,
    check_head,
    cover,
    one_line,
    slanted,
    white,
    white_on_ground,
)
from gongkai_pdf.preflight import PageFacts, Preflight
from gongkai_pdf.structure import DamageLog, box_error, cause, damage_log, lost_streams, open_error, page_objects
from gongkai_pdf.text import bad_glyph

# A page whose glyphs PDFium cannot map to text reach this share, or whose text objects PDFium makes no
# glyph of reach this many and this share (a real page has a few: empty strings), is drawn by pdfplumber
# too, and read as pdfplumber reads it when that gives more text: pdfminer gets over damaged font maps (a
# wrong /Length) and font programs (it needs none) that PDFium does not.
UNMAPPED_SHARE = 0.05
SILENT_OBJECTS, SILENT_SHARE = 5, 0.25
Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]


class PdfiumPages:
    """An open PDF: its page count and its pages, each measured, then drawn by PDFium."""

    def __init__(
        self, data: bytes, pdf: pdfium.PdfDocument, pages: list[PDFPage], damage: DamageLog, budget: Budget
    ) -> None:
        self._data = data
        self._pdf = pdf
        self._pages = pages
        self._damage = damage
        self._budget = budget
        self._preflight = Preflight(budget)
        self.count = len(pages)

    def __iter__(self) -> Iterator[PageData]:
        with contextlib.ExitStack() as stack:
            plumbed: Any = None

            def pdfplumber() -> Any:  # the second engine, opened the first time it is needed
                nonlocal plumbed
                if plumbed is None:
                    from gongkai_pdf.extract import open_pdf as open_with_pdfplumber

                    plumbed = stack.enter_context(open_with_pdfplumber(self._data))
                return plumbed

            for number, page in enumerate(self._pages, start=1):
                self._damage.messages.clear()
                try:
                    facts = self._preflight.check_page(page, number)
                    data, unread = _draw(self._pdf, number, self._budget, facts)
                    if lost_streams(page):
                        self._damage.messages.append("a content stream cannot be decompressed")
                except _Undrawn as exc:  # a damage PDFium does not get over: pdfplumber reads on
                    for data in pdfplumber().pages_from(number):
                        if data.number == number:
                            data.warnings.append(
                                f"PDFium cannot draw page {number} ({exc}): it and the pages after it read through "
                                "pdfplumber"
                            )
                        yield data
                    return
                except ReadError:
                    raise
                except ReferenceCycle as exc:
                    raise ReadError(f"corrupt PDF: {exc}") from None
                except Exception as exc:  # pdfminer's many ways of meeting a broken object
                    raise ReadError(f"corrupt PDF: page {number} cannot be read ({cause(exc)})") from None
                data.warnings = list(self._damage.messages)
                unmapped = _unmapped(data)
                if unread or unmapped >= UNMAPPED_SHARE * len(data.chars) > 0:  # a font PDFium cannot read?
                    other = next(pdfplumber().pages_from(number))
                    if _readable(other) > _readable(data):
                        lost = f"{unread} pieces of text" if unread else f"{unmapped} glyphs"
                        other.warnings.append(f"PDFium cannot read {lost} (a damaged font?): read through pdfplumber")
                        data = other
                yield data


def _unmapped(page: PageData) -> int:
    return sum(1 for c in page.chars if bad_glyph(c.text))


def _readable(page: PageData) -> int:
    """The characters of a page that print text: neither spaces nor unmapped glyphs."""
    return sum(1 for c in page.chars if c.text.strip() and not bad_glyph(c.text))


class _Undrawn(Exception):
    """PDFium cannot load a page (its message)."""


@contextmanager
def open_pdf(data: bytes) -> Iterator[PdfiumPages | _Noted]:
    """Open a PDF held in memory; ReadError with a one-line cause when it cannot be."""
    cut_short = check_head(data)
    with damage_log() as damage:
        budget = Budget()
        try:
            scan_file(data)
            doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
            guard_references(doc)
            measure_object_streams(doc, budget)
            pages = page_objects(doc)
            bad_box = box_error(doc, pages)
        except ReadError:
            raise
        except Exception as exc:
            raise open_error(exc, cut_short) from None
        if cut_short:
            raise ReadError(TRUNCATED)
        if bad_box:
            raise bad_box
        pdf, why = _opened(data, len(pages))
        if pdf is None:  # a damage PDFium does not get over where pdfminer does: pdfplumber reads it all
            from gongkai_pdf.extract import open_pdf as open_with_pdfplumber

            with open_with_pdfplumber(data) as plumbed:
                yield _Noted(plumbed, f"{why}: read through pdfplumber")
            return
        try:
            yield PdfiumPages(data, pdf, pages, damage, budget)
        finally:
            pdf.close()


def _opened(data: bytes, pages: int) -> tuple[pdfium.PdfDocument | None, str]:
    """PDFium's document, or None and why not: it cannot open the file, or it finds other pages in it than
    pdfminer (their page trees repaired two ways: page n may not be the same page)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return None, f"PDFium cannot open it ({one_line(str(exc)).rstrip('.')})"
    if len(pdf) != pages:
        found = len(pdf)
        pdf.close()
        return None, f"PDFium finds {found} pages in it, pdfminer {pages}"
    return pdf, ""


class _Noted:
    """Another engine's pages, the first of them noting why."""

    def __init__(self, pages: Any, note: str) -> None:
        self._pages = pages
        self.count: int = pages.count
        self._note = note

    def __iter__(self) -> Iterator[PageData]:
        for n, page in enumerate(self._pages):
            if n == 0:
                page.warnings.append(self._note)
            yield page


def _draw(pdf: pdfium.PdfDocument, number: int, budget: Budget, facts: PageFacts) -> tuple[PageData, int]:
    try:
        page = pdf[number - 1]
    except pdfium.PdfiumError as exc:
        raise _Undrawn(one_line(str(exc)).rstrip(".")) from None
    try:
        text = page.get_textpage()
        try:
            return _page_data(number, page.raw, text.raw, budget, facts)
        finally:
            text.close()
    finally:
        page.close()


# --- where things are: PDFium's page space to pdfplumber's ---------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """pdfminer's turn of the page (/Rotate) and pdfplumber's shift, from PDF user space to top-down points."""

    ctm: Matrix
    shift_x: float
    top: float  # pdfplumber's top = top - y (turned)
    width: float
    height: float

    def point(self, x: float, y: float) -> Point:
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e + self.shift_x, self.top - (b * x + d * y + f)

    def box(self, p: Point, q: Point) -> Box:
        (x0, t0), (x1, t1) = self.point(*p), self.point(*q)
        return min(x0, x1), min(t0, t1), max(x0, x1), max(t0, t1)


def _frame(page: Any) -> _Frame:
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    if not fpdf.FPDFPage_GetMediaBox(page, l, b, r, t):
        raise ReadError("corrupt PDF: a page has no valid MediaBox (the size of the page)")
    x0, x1 = sorted((l.value, r.value))
    y0, y1 = sorted((b.value, t.value))
    rotation = fpdf.FPDFPage_GetRotation(page) % 4
    ctm: Matrix = {
        1: (0.0, -1.0, 1.0, 0.0, -y0, x1),
        2: (-1.0, 0.0, 0.0, -1.0, x1, y1),
        3: (0.0, 1.0, -1.0, 0.0, y1, -x0),
    }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
    if rotation in (1, 3):
        width, height, shift_x, mb_top = y1 - y0, x1 - x0, y0, -x0
    else:
        width, height, shift_x, mb_top = x1 - x0, y1 - y0, x0, -y0
    return _Frame(ctm, shift_x if shift_x else 0.0, height + mb_top, width, height)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(m: Matrix, x: float, y: float) -> Point:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _matrix(obj: Any) -> Matrix:
    m = fpdf.FS_MATRIX()
    if not fpdf.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


# --- one page ---------------------------------------------------------------------------------------------


@dataclass
class _Walk:
    """What drawing a page's objects in order found."""

    frame: _Frame
    budget: Budget
    text_objects: list[int] = field(default_factory=list)  # addresses, in drawing order
    white_fills: list[tuple[Box, int]] = field(default_factory=list)  # and the text objects drawn before
    lines: list[list[Point]] = field(default_factory=list)
    rects: list[tuple[Box, bool]] = field(default_factory=list)
    curves: list[list[Point]] = field(default_factory=list)
    grounds: list[Box] = field(default_factory=list)  # coloured fills
    pictures: list[Box] = field(default_factory=list)


def _page_data(number: int, page: Any, textpage: Any, budget: Budget, facts: PageFacts) -> tuple[PageData, int]:
    """The page's data, and how many of its text objects PDFium drew no glyph of, when they are many."""
    frame = _frame(page)
    out = PageData(number=number, width=frame.width, height=frame.height)
    walk = _Walk(frame, budget)
    _walk(page, fpdf.FPDFPage_CountObjects(page), fpdf.FPDFPage_GetObject, _IDENTITY, walk)
    glyphs = _glyphs(textpage, frame, budget, facts.descents)
    drawn = {address for address, _ in glyphs}
    silent = sum(1 for address in walk.text_objects if address not in drawn)
    unread = silent if silent >= max(SILENT_OBJECTS, SILENT_SHARE * len(walk.text_objects)) else 0
    order = {address: n for n, address in enumerate(walk.text_objects)}
    placed = sorted(glyphs, key=lambda g: order.get(g[0], len(order)))  # stable: each object's glyphs in order
    chars = [char for _, char in placed]
    if walk.white_fills and not facts.translucent:  # as pdfminer: a see-through fill hides nothing
        drawn_before = _glyphs_before(placed, order)
        fills = [(box, drawn_before[objects]) for box, objects in walk.white_fills]
        gone = covered_glyphs(
            [(c.x0, c.top, c.x1, c.bottom) for c in chars], fills, (0, 0, out.width, out.height), number
        )
        chars = [c for i, c in enumerate(chars) if i not in gone]
        out.painted_over = len(gone)
    out.pictures = walk.pictures
    if any(c.ink == "white" for c in chars):
        chars = white_on_ground(chars, walk.grounds + walk.pictures)
    out.chars = chars
    out.images = len(walk.pictures)
    area = out.width * out.height or 1.0
    out.image_cover = max((cover(p, out.width, out.height) / area for p in walk.pictures), default=0.0)
    segments: list[Segment] = []
    for pts in walk.lines:
        add_path(segments, pts)
    for box, stroked in walk.rects:
        add_rect(segments, box, stroked)
    for pts in walk.curves:
        add_path(segments, pts)
    out.segments = segments
    out.paths = len(walk.lines) + len(walk.rects) + len(walk.curves)
    return out, unread


def _glyphs_before(placed: list[tuple[int, Char]], order: dict[int, int]) -> list[int]:
    """For each count of text objects drawn, the glyphs they drew."""
    counts = [0] * (len(order) + 1)
    for address, _ in placed:
        at = order.get(address)
        if at is not None:
            counts[at + 1] += 1
    for n in range(1, len(counts)):
        counts[n] += counts[n - 1]
    return counts


def _walk(holder: Any, count: int, get: Any, outer: Matrix, walk: _Walk) -> None:
    """The objects of a page or a form, in drawing order; forms within, with their matrices."""
    for index in range(count):
        obj = get(holder, index)
        kind = fpdf.FPDFPageObj_GetType(obj)
        if kind == fpdf.FPDF_PAGEOBJ_TEXT:
            walk.text_objects.append(_address(obj))
        elif kind == fpdf.FPDF_PAGEOBJ_PATH:
            _path(obj, _times(_matrix(obj), outer), walk)
        elif kind == fpdf.FPDF_PAGEOBJ_IMAGE:
            m = _times(_matrix(obj), outer)
            corners = [_apply(m, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
            xs, tops = zip(*(walk.frame.point(x, y) for x, y in corners), strict=True)
            walk.pictures.append((min(xs), min(tops), max(xs), max(tops)))
        elif kind == fpdf.FPDF_PAGEOBJ_FORM:
            inner = _times(_matrix(obj), outer)
            _walk(obj, fpdf.FPDFFormObj_CountObjects(obj), fpdf.FPDFFormObj_GetObject, inner, walk)


def _path(obj: Any, m: Matrix, walk: _Walk) -> None:
    """A path's subpaths, each a line, a rectangle or a curve as pdfminer tells them apart."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    fpdf.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
    filled, stroked = fill_mode.value != fpdf.FPDF_FILLMODE_NONE, bool(stroke.value)
    if not filled and not stroked:
        return  # a clipping path: pdfminer paints nothing
    colour = _object_colour(_address(obj), _Buffers()) if filled else None
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[str, list[Point]]] = []
    bezier = 0
    for index in range(fpdf.FPDFPath_CountSegments(obj)):
        segment = fpdf.FPDFPath_GetPathSegment(obj, index)
        kind = fpdf.FPDFPathSegment_GetType(segment)
        fpdf.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(m, x.value, y.value)
        if kind == fpdf.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append(("m", [point]))
            bezier = 0
        elif kind == fpdf.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier == 3:  # a `c` is three Bézier segments: its end point is the third
                shape, pts = subpaths[-1]
                subpaths[-1] = (shape + "c", [*pts, point])
                bezier = 0
        else:
            shape, pts = subpaths[-1]
            subpaths[-1] = (shape + "l", [*pts, point])
        if fpdf.FPDFPathSegment_GetClose(segment):
            shape, pts = subpaths[-1]
            subpaths[-1] = (shape + "h", [*pts, pts[0]])
    for shape, pts in subpaths:
        _subpath(shape, pts, filled, stroked, colour, walk)


def _subpath(shape: str, pts: list[Point], filled: bool, stroked: bool, colour: object, walk: _Walk) -> None:
    walk.budget.path()
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:  # a redundant `l` before the close
        shape, pts = shape[:-2] + "h", pts[:-1]
    frame = walk.frame
    points = [frame.point(x, y) for x, y in pts]
    if shape in ("ml", "mlh"):
        walk.lines.append(points[:2])
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == last and square:
            box = frame.box(pts[0], pts[2])
            walk.rects.append((box, stroked))
            if filled:
                if white(colour, "DeviceRGB"):
                    walk.white_fills.append((box, len(walk.text_objects)))
                else:
                    walk.grounds.append(box)
            return
    walk.curves.append(points)
    if filled and not white(colour, "DeviceRGB"):
        xs, tops = zip(*points, strict=True)
        walk.grounds.append((min(xs), min(tops), max(xs), max(tops)))


# --- glyphs -----------------------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: a page has hundreds, and a frozen dataclass is slow to make
class _TextObject:
    """What the glyphs of one text object share."""

    matrix: Matrix  # PDFium's matrix of its glyphs (the text matrix and every matrix above it)
    size: float  # the size operand
    descent: float  # the font's descent, a share of the size (negative below the baseline)
    ink: Ink

    @property
    def upright(self) -> bool:
        """Text along the page, the right way up (nearly all): its boxes need no turning."""
        a, b, c, d, _, _ = self.matrix
        return b == 0 and c == 0 and a > 0 and d > 0

    @property
    def rise(self) -> tuple[float, float]:
        """How far above the baseline an upright glyph's box starts and ends, in page space."""
        d = self.matrix[3]
        return d * self.descent * self.size, d * (self.descent + 1) * self.size


def _native(function: Any, restype: Any, *argtypes: Any) -> Any:
    """A PDFium function taking and giving plain addresses and numbers: the bindings' own check and wrap
    every handle, a cost paid for each of thousands of glyphs a page."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value or 0)


_P, _I = ctypes.c_void_p, ctypes.c_int
_TEXT_OBJECT = _native(fpdf.FPDFText_GetTextObject, _P, _P, _I)
_UNICODE = _native(fpdf.FPDFText_GetUnicode, ctypes.c_uint, _P, _I)
_UNMAPPED = _native(fpdf.FPDFText_HasUnicodeMapError, _I, _P, _I)
_ORIGIN = _native(fpdf.FPDFText_GetCharOrigin, _I, _P, _I, _P, _P)
_LOOSE_BOX = _native(fpdf.FPDFText_GetLooseCharBox, _I, _P, _I, _P)
_MATRIX = _native(fpdf.FPDFText_GetMatrix, _I, _P, _I, _P)
_FONT_SIZE = _native(fpdf.FPDFTextObj_GetFontSize, _I, _P, _P)
_FONT = _native(fpdf.FPDFTextObj_GetFont, _P, _P)
_RENDER_MODE = _native(fpdf.FPDFTextObj_GetTextRenderMode, _I, _P)
_FILL_COLOUR = _native(fpdf.FPDFPageObj_GetFillColor, _I, _P, _P, _P, _P, _P)
_BASE_FONT = _native(fpdf.FPDFFont_GetBaseFontName, ctypes.c_size_t, _P, _P, ctypes.c_size_t)


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _glyphs(textpage: Any, frame: _Frame, budget: Budget, descents: dict[str, float]) -> list[tuple[int, Char]]:
    """Each glyph PDFium reads, with the address of the text object drawing it, in PDFium's order."""
    page = _address(textpage)
    count = fpdf.FPDFText_CountChars(textpage)
    objects: dict[int, _TextObject] = {}
    fonts: dict[int, float] = {}
    buffers = _Buffers()
    out: list[tuple[int, Char]] = []
    x, y, loose = ctypes.c_double(), ctypes.c_double(), fpdf.FS_RECTF()
    at_x, at_y, at_loose = ctypes.addressof(x), ctypes.addressof(y), ctypes.addressof(loose)
    unturned = frame.ctm[:4] == _IDENTITY[:4]
    left, flip = frame.ctm[4] + frame.shift_x, frame.top - frame.ctm[5]  # unturned: x + left, flip - y
    # An upright text object on an unturned page takes the short road: its glyphs share one baseline, and
    # each starts where its loose box does. Per object: the top and bottom of its boxes, from the baseline
    # of its first glyph, and that glyph's loose box bottom. PDFium's loose boxes of one line differ by
    # hundredths of a point; a glyph whose box is a quarter of its height lower or higher is off that
    # baseline (vertical writing): its own origin is asked for.
    fast: dict[int, tuple[float, float, float, float] | None] = {}
    for index in range(max(count, 0)):
        address = _TEXT_OBJECT(page, index)
        if not address:
            continue  # a space or line break PDFium made up
        budget.char()
        code = _UNICODE(page, index)
        text = f"(cid:{code})" if _UNMAPPED(page, index) == 1 else chr(code)
        _LOOSE_BOX(page, index, at_loose)
        shared = objects.get(address)
        if shared is None:
            shared = objects[address] = _text_object(page, index, address, descents, fonts, buffers)
            if unturned and shared.upright:
                _ORIGIN(page, index, at_x, at_y)
                low, high = shared.rise
                fast[address] = (flip - y.value - high, flip - y.value - low, loose.bottom, 0.25 * (high - low))
            else:
                fast[address] = None
        road = fast[address]
        if road is None or abs(loose.bottom - road[2]) > road[3]:
            _ORIGIN(page, index, at_x, at_y)
            out.append((address, _char(text, x.value, y.value, loose, shared, frame)))
            continue
        x0, top, bottom = loose.left + left, road[0], road[1]
        out.append((address, Char(text, x0, x0 + abs(loose.right - loose.left), top, bottom, bottom - top, shared.ink)))
    return out


class _Buffers:
    """What PDFium writes a text object's matrix, size and colour into: made once for a page's objects."""

    def __init__(self) -> None:
        self.matrix, self.size, self.rgba = fpdf.FS_MATRIX(), ctypes.c_float(), (ctypes.c_uint * 4)()
        self.at_matrix, self.at_size = ctypes.addressof(self.matrix), ctypes.addressof(self.size)
        step = ctypes.sizeof(ctypes.c_uint)
        self.at_rgba = tuple(ctypes.addressof(self.rgba) + n * step for n in range(4))


def _text_object(
    page: int, index: int, obj: int, descents: dict[str, float], fonts: dict[int, float], buffers: _Buffers
) -> _TextObject:
    m = buffers.matrix
    _MATRIX(page, index, buffers.at_matrix)
    matrix: Matrix = (m.a, m.b, m.c, m.d, m.e, m.f)
    _FONT_SIZE(obj, buffers.at_size)
    font = _FONT(obj) or 0
    if font not in fonts:
        fonts[font] = descents.get(_base_font(font), 0.0)
    mode = _RENDER_MODE(obj)
    ink: Ink = "seen"
    if slanted(matrix[0], matrix[1]):
        ink = "slanted"
    elif mode not in FILLED_MODES and mode not in STROKED_MODES:
        ink = "invisible"
    elif mode in FILLED_MODES and mode not in STROKED_MODES and white(_object_colour(obj, buffers), "DeviceRGB"):
        ink = "white"
    return _TextObject(matrix, buffers.size.value, fonts[font], ink)


def _object_colour(obj: int, buffers: _Buffers) -> tuple[float, float, float] | None:
    if not _FILL_COLOUR(obj, *buffers.at_rgba):
        return None
    rgba = buffers.rgba
    return rgba[0] / 255, rgba[1] / 255, rgba[2] / 255


def _base_font(font: int) -> str:
    if not font:
        return ""
    buffer = ctypes.create_string_buffer(256)
    length = _BASE_FONT(font, ctypes.addressof(buffer), len(buffer))
    return buffer.raw[: max(length - 1, 0)].decode("latin-1") if 0 < length <= len(buffer) else ""


def _char(text: str, ox: float, oy: float, loose: Any, shared: _TextObject, frame: _Frame) -> Char:
    """A glyph's box as pdfminer makes it: from the baseline, the size high, lowered by the descent."""
    a, b, c, d, _, _ = shared.matrix
    # The advance along the baseline: PDFium's loose box is as wide as the glyph's advance.
    advance = abs(loose.right - loose.left) if abs(a) >= abs(b) else abs(loose.top - loose.bottom)
    length = (a * a + b * b) ** 0.5 or 1.0
    ux, uy = a / length * advance, b / length * advance  # along the baseline
    low, high = shared.descent * shared.size, (shared.descent + 1) * shared.size
    x0, top, x1, bottom = frame.box((ox + c * low, oy + d * low), (ox + ux + c * high, oy + uy + d * high))
    return Char(text, x0, x1, top, bottom, bottom - top, shared.ink)
