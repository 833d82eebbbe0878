"""The PDF reader, a built-in plugin (entry point "gongkai.pdf").

Ruled tables come out as Grids (merged cells as spans, a table running over
a page break stitched into one), the rest as Lines split into cells at wide
gaps; page numbers and running headers are dropped, and so is text the
page does not show (`gongkai_pdf.visible`: invisible, white or whited-out
text, diagonal watermarks, the copies that fake bold type). A page with no
text layer is listed in `Layout.image_pages` (OCR is needed); a garbled
text layer is noted in `Layout.problems`.

Two engines draw the pages (`gongkai_pdf.reader`): PDFium, the default,
and pdfplumber; their libraries load at the first PDF read.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from gongkai.hookspecs import Reader, hookimpl
from gongkai_pdf.reader import PdfReader

__all__ = ["PdfReader", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    for library in ("pypdfium2", "pdfminer", "pdfplumber"):  # loaded at the first read: if missing, listed broken
        if find_spec(library) is None:
            raise ModuleNotFoundError(f"No module named {library!r}")
    register(PdfReader())
