"""The PDF reader: sniffing, an engine's extraction handed to layout building (`gongkai_pdf.build`).

Two engines give the same page data: PDFium (`gongkai_pdf.pdfium_engine`,
the default, about ten times faster) and pdfplumber (`gongkai_pdf.extract`),
chosen with the reading option `engine` (`-R engine=pdfplumber`). An engine's
libraries are imported when a PDF is first read, not when the plugin loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from gongkai.errors import ReadError
from gongkai.hookspecs import Document
from gongkai.layout import Layout
from gongkai_pdf.page import PageData

MAGIC = b"%PDF-"
SNIFF_WINDOW = 1024  # the header may follow some junk, within the first KiB
ENGINE_OPTION = "engine"
ENGINES = ("pdfium", "pdfplumber")
MAX_OCR_DPI = 600.0  # drawn finer, a page takes longer to read for no figure more


class Pages(Protocol):
    count: int

    def __iter__(self) -> Iterator[PageData]: ...


def engine(name: str) -> Callable[[bytes], AbstractContextManager[Pages]]:
    """An engine's `open_pdf`, imported now: ReadError for a name that is none."""
    if name == "pdfium":
        from gongkai_pdf.pdfium_engine import open_pdf
    elif name == "pdfplumber":
        from gongkai_pdf.extract import open_pdf  # type: ignore[assignment]
    else:
        raise ReadError(f"no PDF engine {name!r}: {ENGINE_OPTION}= takes {' or '.join(ENGINES)}")
    return open_pdf


class PdfReader:
    name: str = "pdf"
    extensions: tuple[str, ...] = (".pdf",)

    def sniff(self, head: bytes, name: str | None) -> float:
        return 0.95 if MAGIC in head[:SNIFF_WINDOW] else 0.0

    def read(self, doc: Document) -> Layout:
        from gongkai_pdf.build import build_layout

        open_pdf = engine(doc.options.get(ENGINE_OPTION, ENGINES[0]).strip().lower())
        with open_pdf(doc.data) as pages:
            if doc.ocr is None:
                return build_layout(pages, pages.count)
            from gongkai_pdf.scans import pdf_ocr

            with pdf_ocr(doc.data, doc.ocr, ocr_dpi(doc)) as ocr:
                return build_layout(pages, pages.count, ocr)


def ocr_dpi(doc: Document) -> float:
    """The resolution scanned pages are drawn at for OCR: `-R ocr_dpi=N`, else `RENDER_DPI`."""
    from gongkai_pdf.scans import DPI_OPTION, MIN_DPI, RENDER_DPI

    given = doc.options.get(DPI_OPTION)
    if given is None:
        return RENDER_DPI
    try:
        dpi = float(given)
    except ValueError:
        dpi = 0.0
    if not MIN_DPI <= dpi <= MAX_OCR_DPI:
        raise ReadError(f"{DPI_OPTION}= takes a resolution from {MIN_DPI:.0f} to {MAX_OCR_DPI:.0f}, not {given!r}")
    return dpi
