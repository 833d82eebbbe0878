"""What ink pdfminer's drawing of a page leaves: which glyphs are painted, and which are painted over.

pdfminer keeps a glyph's text and box but not its text render mode (`Tr`):
the device here marks each glyph drawn in another mode than 0 (filled) with
`fill` and `stroke`, as pdfplumber marks rectangles, and pdfplumber passes
both on in its char dicts (mode 3, neither, is an OCR layer or text hidden
on purpose).

A glyph covered by an opaque white rectangle drawn after it (an "edited"
figure: the old one whited out, the new one written over it) is taken out
of the layout at the end of the page. pdfminer ignores transparency
(`gs`), so a page whose graphics states could make a fill see-through
(alpha below 1, a blend mode, a soft mask) keeps all its glyphs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from pdfminer.layout import LTChar, LTContainer, LTPage, LTRect
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdftypes import dict_value, resolve1
from pdfminer.psparser import PSLiteral

from gongkai.errors import ReadError
from gongkai_pdf.interpreter import BoundedInterpreter, CountingDevice
from gongkai_pdf.page import white

# Text render modes (PDF 32000 §9.3.6): 0 fill, 1 stroke, 2 both, 3 neither, 4-7 the same and clip.
FILLED_MODES = frozenset({0, 2, 4, 6})
STROKED_MODES = frozenset({1, 2, 5, 6})
# A glyph is painted over when this share of its box lies under the rectangle.
COVERED_SHARE = 0.5
# Glyphs are looked up by squares of this many points.
_BUCKET = 36.0
# Looks (a square of a white rectangle, a glyph in it drawn before it) for glyphs under the white
# rectangles of one page: a real page takes a few thousand (the white cell backgrounds of a table, each
# over the text drawn before it in its square); 2 million take about a second.
MAX_PAGE_COVER_CHECKS = 2_000_000

_OPAQUE_BLENDS = frozenset({"Normal", "Compatible"})

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pdfminer's page space


def _space_name(space: PDFColorSpace | None) -> str | None:
    return space.name if space is not None else None


class InkDevice(CountingDevice):
    """pdfplumber's device (counting, as `CountingDevice`), marking glyphs painted and painted over."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mode = 0  # the text render mode of the string being drawn
        self.translucent = False  # set by `InkInterpreter` when some fill may be see-through
        self.covered = 0  # glyphs taken out, painted over
        self._glyphs: list[tuple[LTChar, LTContainer[Any]]] = []  # in the order drawn
        self._white_fills: list[tuple[Box, int]] = []  # a white rectangle, and how many glyphs came before it
        self._painting = 0

    def render_string(self, textstate: Any, *args: Any, **kwargs: Any) -> None:
        mode = getattr(textstate, "render", 0)
        self.mode = mode if isinstance(mode, int) and 0 <= mode <= 7 else 0
        super().render_string(textstate, *args, **kwargs)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        advance = super().render_char(*args, **kwargs)
        glyph = self.cur_item._objs[-1] if self.cur_item._objs else None
        if isinstance(glyph, LTChar):  # pdfminer makes one per call, added last (pdfplumber's mcid relies on it)
            if self.mode:  # mode 0, filled, is nearly all text: left unmarked, pdfplumber has less to copy
                glyph.fill = self.mode in FILLED_MODES  # type: ignore[attr-defined]
                glyph.stroke = self.mode in STROKED_MODES  # type: ignore[attr-defined]
            self._glyphs.append((glyph, self.cur_item))
        return advance

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        before = len(self.cur_item._objs)
        self._painting += 1
        try:
            super().paint_path(gstate, stroke, fill, evenodd, path)
        finally:
            self._painting -= 1
        if self._painting or not fill or not white(gstate.ncolor, _space_name(gstate.ncs)):
            return  # a path of several parts comes back here for each: the outermost call looks once
        for item in self.cur_item._objs[before:]:
            if isinstance(item, LTRect) and item.fill:
                self._white_fills.append((item.bbox, len(self._glyphs)))

    def receive_layout(self, ltpage: LTPage) -> None:
        if self._white_fills and not self.translucent:
            self._take_out_covered(ltpage.bbox)
        super().receive_layout(ltpage)

    def _take_out_covered(self, page: Box) -> None:
        """Take out of the layout the glyphs `COVERED_SHARE` under a white rectangle drawn after them.

        A glyph so covered has its middle under the rectangle: glyphs are
        found by the square their middle is in, the squares of a rectangle
        clipped to the page.
        """
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)  # glyph indices, in drawing order
        for index, (glyph, _) in enumerate(self._glyphs):
            x, y = (glyph.x0 + glyph.x1) / 2, (glyph.y0 + glyph.y1) / 2
            if math.isfinite(x) and math.isfinite(y):
                buckets[(int(x // _BUCKET), int(y // _BUCKET))].append(index)
        gone: set[int] = set()
        checks = 0
        for rect, drawn_before in self._white_fills:
            xs, ys = _squares(rect, page)
            checks += len(xs) * len(ys)
            for key in ((i, j) for i in xs for j in ys):
                if checks > MAX_PAGE_COVER_CHECKS:
                    raise ReadError(
                        f"page {self.budget.page} too large: more than {MAX_PAGE_COVER_CHECKS:,} looks for text "
                        "under white areas drawn over it (the limit per page)"
                    )
                for index in buckets.get(key, ()):
                    if index >= drawn_before:
                        break  # drawn after the rectangle: on top of it
                    checks += 1
                    if index not in gone and _covered(self._glyphs[index][0].bbox, rect):
                        gone.add(index)
        by_container: dict[int, tuple[LTContainer[Any], set[int]]] = {}
        for index in gone:
            glyph, container = self._glyphs[index]
            by_container.setdefault(id(container), (container, set()))[1].add(id(glyph))
        for container, ids in by_container.values():
            container._objs = [obj for obj in container._objs if id(obj) not in ids]
        self.covered = len(gone)


def _squares(rect: Box, page: Box) -> tuple[range, range]:
    """The columns and rows of squares a rectangle covers on the page (none off it, or not finite)."""
    x0, y0, x1, y1 = max(rect[0], page[0]), max(rect[1], page[1]), min(rect[2], page[2]), min(rect[3], page[3])
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 < x0 or y1 < y0:
        return range(0), range(0)
    return range(int(x0 // _BUCKET), int(x1 // _BUCKET) + 1), range(int(y0 // _BUCKET), int(y1 // _BUCKET) + 1)


def _covered(glyph: Box, rect: Box) -> bool:
    """Whether `COVERED_SHARE` of the glyph's box lies under the rectangle."""
    width = min(glyph[2], rect[2]) - max(glyph[0], rect[0])
    height = min(glyph[3], rect[3]) - max(glyph[1], rect[1])
    area = (glyph[2] - glyph[0]) * (glyph[3] - glyph[1])
    return width > 0 and height > 0 and width * height >= COVERED_SHARE * area > 0


class InkInterpreter(BoundedInterpreter):
    """The bounded interpreter, telling the `InkDevice` when the resources it meets allow see-through fills."""

    def init_resources(self, resources: dict[object, object]) -> None:
        super().init_resources(resources)
        if isinstance(self.device, InkDevice) and resources and _translucent(resources):
            self.device.translucent = True


def _translucent(resources: dict[object, object]) -> bool:
    """Whether a graphics state of `resources` sets a fill alpha below 1, a blend mode or a soft mask."""
    try:
        states = dict_value(resources.get("ExtGState"))
    except Exception:  # a malformed resource: pdfminer ignores graphics states anyway
        return False
    for spec in states.values():
        try:
            state = dict_value(spec)
            alpha = resolve1(state.get("ca", 1))
            blend = resolve1(state.get("BM"))
            blend = resolve1(blend[0]) if isinstance(blend, list) and blend else blend
            mask = resolve1(state.get("SMask"))
        except Exception:  # unreadable: assume the worst
            return True
        if isinstance(alpha, int | float) and alpha < 1:
            return True
        if blend is not None and not (isinstance(blend, PSLiteral) and blend.name in _OPAQUE_BLENDS):
            return True
        if mask is not None and not (isinstance(mask, PSLiteral) and mask.name == "None"):
            return True
    return False
