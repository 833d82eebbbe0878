"""The Layout: all a reader has to produce, and all the recogniser gets to see.

A Layout is the document in reading order as blocks of two kinds:

- `Line`: a line of text, split into the cells it visibly has (tab stops in a
  text file, wide gaps in a PDF text layer, one docx-style cell per line
  gathered into a row). A paragraph is a Line with one cell.
- `Grid`: a real table (DOCX, HTML, a ruled PDF table) as cells with their
  row, column and spans.

Readers never learn the templates; they only say what text sits where.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from gongkai.model import Where


@dataclass
class Piece:
    """A piece of text and where it was found.

    `words` are its words with their own boxes, from readers that know
    positions (PDF, OCR) when the piece has several: a table's column
    headings printed close together come as one piece of several words.
    """

    text: str
    where: Where = field(default_factory=Where)
    words: tuple[Piece, ...] = ()


@dataclass
class Line:
    """A line of text split into its visible cells (one cell for plain prose)."""

    cells: list[Piece]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.cells if p.text.strip())

    @property
    def where(self) -> Where:
        return self.cells[0].where if self.cells else Where()


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    where: Where = field(default_factory=Where)


@dataclass
class Grid:
    """A table as a reader found it: each merged cell once, with its spans."""

    cells: list[GridCell]
    page: int | None = None
    index: int | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> Iterator[list[GridCell]]:
        """Each grid row with the cells that start in it, left to right."""
        by_row: dict[int, list[GridCell]] = {}
        for cell in self.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for r in range(self.n_rows):
            yield sorted(by_row.get(r, []), key=lambda c: c.col)


Block = Line | Grid


@dataclass
class Layout:
    """A document as a reader saw it.

    `problems` are one-line reader-level notes (a garbled text layer, a
    table stitched across pages); `image_pages` lists the pages that are
    pictures only (a scan): their text needs OCR, which no reader here does.
    `title` is the title the file itself declares (an HTML page's <title>,
    a document's properties), if any: the recogniser decides whether it is
    the report's.
    """

    blocks: list[Block] = field(default_factory=list)
    format: str | None = None
    encoding: str | None = None
    pages: int | None = None
    problems: list[str] = field(default_factory=list)
    image_pages: list[int] = field(default_factory=list)  # 1-based pages with no usable text layer: OCR needed
    title: str | None = None
