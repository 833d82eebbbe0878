"""The PDF reader: sniffing, and extraction (`gongkai_pdf.extract`) handed to layout building (`gongkai_pdf.build`)."""

from __future__ import annotations

from gongkai.hookspecs import Document
from gongkai.layout import Layout
from gongkai_pdf.build import build_layout
from gongkai_pdf.extract import open_pdf

MAGIC = b"%PDF-"
SNIFF_WINDOW = 1024  # the header may follow some junk, within the first KiB


class PdfReader:
    name: str = "pdf"
    extensions: tuple[str, ...] = (".pdf",)

    def sniff(self, head: bytes, name: str | None) -> float:
        return 0.95 if MAGIC in head[:SNIFF_WINDOW] else 0.0

    def read(self, doc: Document) -> Layout:
        with open_pdf(doc.data) as pages:
            return build_layout(pages, pages.count)
