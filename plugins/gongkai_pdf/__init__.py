"""The PDF reader, a built-in plugin (entry point "gongkai.pdf").

Ruled tables come out as Grids (merged cells as spans, a table running over
a page break stitched into one), the rest as Lines split into cells at wide
gaps; page numbers and running headers are dropped, and so is text the
page does not show (`gongkai_pdf.visible`: invisible, white or whited-out
text, diagonal watermarks, the copies that fake bold type). A page with no
text layer (a scan), or a garbled one, is read by the OCR engine the core
hands the reader (`gongkai_pdf.scans`), else listed in `Layout.image_pages`
(OCR is needed). Pictures of pages (PNG, JPEG, TIFF) are read the same way
(`gongkai_pdf.images`).

Two engines draw the pages (`gongkai_pdf.reader`): PDFium, the default,
and pdfplumber; their libraries load at the first PDF read.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from gongkai.hookspecs import Reader, hookimpl
from gongkai_pdf.images import ImageReader
from gongkai_pdf.reader import PdfReader

__all__ = ["ImageReader", "PdfReader", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    for library in ("pypdfium2", "pdfminer", "pdfplumber"):  # loaded at the first read: if missing, listed broken
        if find_spec(library) is None:
            raise ModuleNotFoundError(f"No module named {library!r}")
    register(PdfReader())
    register(ImageReader())  # pictures of pages: read by the OCR engine, built into grids as PDF pages are
