"""Pages that are pictures, read by the OCR engine the core hands the reader (`Document.ocr`).

A PDF page without a usable text layer is drawn by PDFium as grey pixels
(`RENDER_DPI`) and given to the engine; an image file is given as it is.
What the engine reads comes back as page data like a text layer's:
characters with their boxes (in points) and OCR confidence, and the rules
it saw as ruling segments, so the grids are built the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gongkai.errors import ReadError
from gongkai.ocr import MAX_OCR_PAGES, OcrEngine, OcrPage, OcrText, PageImage, estimated_spans
from gongkai_pdf.page import Char, PageData, add_rule, one_line

# Scanned pages are drawn at this resolution for OCR. Measured (benchmarks/ocr_speed.py, 4 scans): RapidOCR
# read every cell at 150, 200 and 300 dpi, in 4.1, 4.3 and 4.5 s a page (it scales a page to 2000 pixels at
# most, 171 dpi on A4); 200 keeps that detail for small print, for 5% more time than 150.
RENDER_DPI = 200.0
# No page is drawn larger than this (pixels): a page of 200 × 200 inches would take gigabytes. Such a page
# is drawn at a lower resolution, down to `MIN_DPI`, below which it is not read.
MAX_RENDER_PIXELS = 40_000_000
MIN_DPI = 100.0
# The reading option that sets the resolution (-R ocr_dpi=300).
DPI_OPTION = "ocr_dpi"
# The pictures a page draws are decoded by PDFium to draw it, a size no limit of the text layer looked at:
# pictures of more pixels than this in all (an A4 page at 600 dpi is 35 million) are not drawn.
MAX_PICTURE_PIXELS = 150_000_000

Ocr = Callable[[int], PageData | str]  # a page number to its page data, or why it could not be read


@contextmanager
def pdf_ocr(data: bytes, engine: OcrEngine, dpi: float) -> Iterator[Ocr]:
    """OCR of the PDF's pages, one at a time (each picture let go before the next): PDFium opened at the first."""
    opened: list[Any] = []
    read = 0

    def ocr(number: int) -> PageData | str:
        import pypdfium2 as pdfium

        nonlocal read
        if read >= MAX_OCR_PAGES:
            return f"the document has more than {MAX_OCR_PAGES} pages to read by OCR (the limit)"
        read += 1
        if not opened:
            try:
                opened.append(pdfium.PdfDocument(data))
            except pdfium.PdfiumError as exc:
                return f"PDFium cannot open the file to draw it ({one_line(str(exc)).rstrip('.')})"
        try:
            image = _render(opened[0], number, dpi)
        except pdfium.PdfiumError as exc:
            return f"PDFium cannot draw it ({one_line(str(exc)).rstrip('.')})"
        if isinstance(image, str):
            return image
        try:
            pages = engine.read(image)
        except ReadError as exc:  # this page lost (a tesseract timeout, say), not the document
            return str(exc)
        if len(pages) != 1:
            return f"the OCR engine gave {len(pages)} pages for one"
        return page_data(number, pages[0], engine.name)

    try:
        yield ocr
    finally:
        for pdf in opened:
            pdf.close()


def _render(pdf: Any, number: int, dpi: float) -> PageImage | str:
    page = pdf[number - 1]
    try:
        drawn = _picture_pixels(page)
        if drawn > MAX_PICTURE_PIXELS:
            return f"its pictures have {drawn:,} pixels, over the limit of {MAX_PICTURE_PIXELS:,}"
        width, height = page.get_size()
        inches = max(width, 1.0) * max(height, 1.0) / 72 / 72
        dpi = min(dpi, math.sqrt(MAX_RENDER_PIXELS / inches))
        if dpi < MIN_DPI:
            return f"the page is too large to draw for OCR ({width:.0f} × {height:.0f} points)"
        bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False)
        try:
            pixels, w, h = _grey(bitmap)
        finally:
            bitmap.close()
        return PageImage(pixels, w, h, dpi)
    finally:
        page.close()


def _picture_pixels(page: Any) -> int:
    """The pixels of the pictures the page draws, forms within included, from their dictionaries."""
    import pypdfium2.raw as fpdf

    total = 0
    for obj in page.get_objects(filter=[fpdf.FPDF_PAGEOBJ_IMAGE], max_depth=8):
        width, height = obj.get_px_size()
        total += max(width, 0) * max(height, 0)
    return total


def _grey(bitmap: Any) -> tuple[bytes, int, int]:
    """The bitmap's grey bytes, row by row (PDFium pads each row to its stride)."""
    w, h, stride = bitmap.width, bitmap.height, bitmap.stride
    raw = bytes(bitmap.buffer)
    if stride == w:
        return raw, w, h
    return b"".join(raw[r * stride : r * stride + w] for r in range(h)), w, h


def page_data(number: int, page: OcrPage, engine: str) -> PageData:
    """What the engine read, as the page data a text layer gives: points from the top left."""
    k = 72 / page.dpi
    out = PageData(number=number, width=page.width * k, height=page.height * k)
    for text in page.texts:
        out.chars.extend(_chars(text, k))
    for x0, top, x1, bottom in page.rules:
        add_rule(out.segments, x0 * k, top * k, x1 * k, bottom * k)
    out.paths = len(page.rules)
    turned = f", turned {page.turned}°" if page.turned else ""
    straightened = f", straightened {page.skew:+.2f}°" if page.skew else ""
    out.ocr = f"read by OCR ({engine}, {page.dpi:.0f} dpi{turned}{straightened})"
    return out


def _chars(text: OcrText, k: float) -> list[Char]:
    """A run's characters, each with its own box: the engine's, else a share of the run's width
    (`gongkai.ocr.estimated_spans`)."""
    x0, top, x1, bottom = text.box
    shown = [ch for ch in text.text if not ch.isspace()]
    spans, confidences = list(text.spans), list(text.confidences)
    if len(spans) != len(shown):
        every = estimated_spans(text.text, x0, x1)
        spans = [span for ch, span in zip(text.text, every, strict=True) if not ch.isspace()]
    if len(confidences) != len(shown):
        confidences = [text.confidence] * len(shown)
    size = (bottom - top) * k
    return [
        Char(ch, a * k, b * k, top * k, bottom * k, size, "seen", min(conf, 1.0))
        for ch, (a, b), conf in zip(shown, spans, confidences, strict=True)
    ]


def image_pages(doc_data: bytes, engine: OcrEngine) -> list[PageData]:
    """Every page of an image file, read by the engine."""
    pages = engine.read(PageImage(doc_data))
    if not pages:
        raise ReadError("the picture has no page")
    return [page_data(n, page, engine.name) for n, page in enumerate(pages, start=1)]
