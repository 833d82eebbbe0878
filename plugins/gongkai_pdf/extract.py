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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pdfplumber

from gongkai.errors import ReadError
from gongkai_pdf.ink import InkDevice, InkInterpreter
from gongkai_pdf.interpreter import interpret
from gongkai_pdf.limits import (
    Budget,
    ReferenceCycle,
    guard_references,
    measure_object_streams,
    scan_file,
)
from gongkai_pdf.page import (
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
    slanted,
    white,
    white_on_ground,
)
from gongkai_pdf.structure import DamageLog, cause, lost_streams, open_error, page_objects, page_tree_error

__all__ = ["Char", "PageData", "Segment", "open_pdf"]


class PdfPages:
    """An open PDF: its page count and its pages, extracted one at a time under the `Budget`."""

    def __init__(self, pdf: Any, damage: DamageLog, budget: Budget | None = None) -> None:
        self._pdf = pdf
        self._damage = damage
        self._budget = budget or Budget()
        page_objects(pdf.doc)  # counted before pdfplumber makes each
        try:
            self.count: int = len(pdf.pages)
        except Exception as exc:
            raise page_tree_error(pdf.doc, exc) from None

    def __iter__(self) -> Iterator[PageData]:
        return self.pages_from(1)

    def pages_from(self, first: int) -> Iterator[PageData]:
        """The pages from page `first` on (those before it are not drawn)."""
        for number, page in enumerate(self._pdf.pages, start=1):
            if number < first:
                continue
            self._damage.messages.clear()
            try:
                device = interpret(page, self._budget, InkDevice, InkInterpreter)
                data = _page_data(number, page)
                if isinstance(device, InkDevice):
                    data.painted_over = device.covered
                if lost_streams(page.page_obj):
                    self._damage.messages.append("a content stream cannot be decompressed")
            except ReadError:
                raise
            except ReferenceCycle as exc:
                raise ReadError(f"corrupt PDF: {exc}") from None
            except Exception as exc:  # pdfminer's many ways of meeting a broken content stream
                raise ReadError(f"corrupt PDF: page {number} cannot be read ({cause(exc)})") from None
            finally:
                page.close()
            data.warnings = list(self._damage.messages)
            yield data


@contextmanager
def open_pdf(data: bytes) -> Iterator[PdfPages]:
    """Open a PDF held in memory; ReadError with a one-line cause when it cannot be."""
    cut_short = check_head(data)
    damage = DamageLog()
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
            raise open_error(exc, cut_short) from None
        try:
            try:
                guard_references(pdf.doc)
                measure_object_streams(pdf.doc, budget)
                pages = PdfPages(pdf, damage, budget)
            except ReadError:
                raise
            except Exception as exc:
                raise open_error(exc, cut_short) from None
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
        out.chars = white_on_ground(out.chars, _grounds(objects, out.pictures))
    out.images = len(images)
    area = out.width * out.height or 1.0
    out.image_cover = max((cover(p, out.width, out.height) / area for p in out.pictures), default=0.0)
    segments: list[Segment] = []
    for line in objects.get("line", ()):
        add_path(segments, line.get("pts") or [])
    for rect in objects.get("rect", ()):
        add_rect(segments, _box(rect), bool(rect.get("stroke")))
    for curve in objects.get("curve", ()):
        add_path(segments, curve.get("pts") or [])
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


def _grounds(objects: dict[str, Any], pictures: list[Box]) -> list[Box]:
    """The boxes of the coloured fills and the pictures of a page (white text on them shows)."""
    fills = [
        _box(shape)
        for kind in ("rect", "curve")
        for shape in objects.get(kind, ())
        if shape.get("fill") and not white(shape.get("non_stroking_color"), None)
    ]
    return fills + pictures


def _slanted(matrix: object) -> bool:
    """Whether a glyph's matrix turns its baseline more than `SLANT_LIMIT` from both axes."""
    if not isinstance(matrix, tuple | list) or len(matrix) < 2:
        return False
    a, b = matrix[0], matrix[1]
    return isinstance(a, int | float) and isinstance(b, int | float) and slanted(a, b)
