"""The PDF reader, a built-in plugin (entry point "gongkai.pdf").

Ruled tables come out as Grids (merged cells as spans, a table running over
a page break stitched into one), the rest as Lines split into cells at wide
gaps; page numbers and running headers are dropped, and so is text the
page does not show (`gongkai_pdf.visible`: invisible, white or whited-out
text, diagonal watermarks, the copies that fake bold type). A page with no
text layer is listed in `Layout.image_pages` (OCR is needed); a garbled
text layer is noted in `Layout.problems`.
"""

from __future__ import annotations

from collections.abc import Callable

from gongkai.hookspecs import Reader, hookimpl
from gongkai_pdf.reader import PdfReader

__all__ = ["PdfReader", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    register(PdfReader())
