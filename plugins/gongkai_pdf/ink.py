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

from typing import Any

from pdfminer.layout import LTChar, LTContainer, LTPage, LTRect
from pdfminer.pdfcolor import PDFColorSpace

from gongkai_pdf.covered import covered_glyphs
from gongkai_pdf.interpreter import BoundedInterpreter, CountingDevice
from gongkai_pdf.page import FILLED_MODES, STROKED_MODES, white
from gongkai_pdf.structure import translucent

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
        """Take out of the layout the glyphs `covered_glyphs` finds under a white rectangle drawn after them."""
        boxes = [glyph.bbox for glyph, _ in self._glyphs]
        gone = covered_glyphs(boxes, self._white_fills, page, self.budget.page)
        by_container: dict[int, tuple[LTContainer[Any], set[int]]] = {}
        for index in gone:
            glyph, container = self._glyphs[index]
            by_container.setdefault(id(container), (container, set()))[1].add(id(glyph))
        for container, ids in by_container.values():
            container._objs = [obj for obj in container._objs if id(obj) not in ids]
        self.covered = len(gone)


class InkInterpreter(BoundedInterpreter):
    """The bounded interpreter, telling the `InkDevice` when the resources it meets allow see-through fills."""

    def init_resources(self, resources: dict[object, object]) -> None:
        super().init_resources(resources)
        if isinstance(self.device, InkDevice) and resources and translucent(resources):
            self.device.translucent = True
