"""The image reader: a picture of a report's pages (PNG, JPEG, TIFF), read by the OCR engine.

It lives beside the PDF reader because what OCR reads becomes the same
page data as a PDF page, and the grids are built by the same code. Each
frame of a TIFF is a page; a long PNG or JPEG is one page, however tall.
"""

from __future__ import annotations

from gongkai.errors import ReadError
from gongkai.hookspecs import Document
from gongkai.layout import Layout

# The first bytes of the picture files read here.
MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
INSTALL = "pip install 'gongkai[ocr]'"


class ImageReader:
    name: str = "image"
    extensions: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

    def sniff(self, head: bytes, name: str | None) -> float:
        return 0.9 if head.startswith(MAGICS) else 0.0

    def read(self, doc: Document) -> Layout:
        if not doc.data.startswith(MAGICS):
            raise ReadError("not a PNG, JPEG or TIFF picture")
        if doc.ocr is None:  # the page is listed for OCR: the recogniser says it is needed, and how to get it
            return Layout(format="image", pages=1, image_pages=[1])
        from gongkai_pdf.build import build_layout
        from gongkai_pdf.scans import image_pages

        pages = image_pages(doc.data, doc.ocr)
        return build_layout(iter(pages), len(pages), format="image")
