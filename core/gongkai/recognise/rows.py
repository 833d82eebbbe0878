"""From a Layout to rows: each row split into the label part and the value slots after it.

Both recognition paths meet here: a text line split at tab stops or gaps
(the token path) and a row of a real table grid (the grid path) both become
a `DocRow`, the grid row keeping its column numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.layout import Grid, Layout, Line, Piece
from gongkai.model import Where
from gongkai.numbers import Parsed, parse_cell, split_numbers

# The text of a preceding label-only row is read as the start of a wrapped label only when short.
MAX_WRAP_PREFIX = 40


@dataclass
class Slot:
    """One value cell of a row: what it says and where it is."""

    parsed: Parsed
    where: Where

    @property
    def blank(self) -> bool:
        return self.parsed.kind == "blank"


@dataclass
class DocRow:
    index: int
    cells: list[Piece]
    labels: list[Piece] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    prefix: str = ""

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.cells)

    @property
    def is_data(self) -> bool:
        return bool(self.slots)

    def trimmed_slots(self) -> list[Slot]:
        slots = list(self.slots)
        while slots and slots[-1].blank:
            slots.pop()
        return slots

    def filled(self) -> list[Slot]:
        return [s for s in self.slots if not s.blank]


def layout_rows(layout: Layout) -> list[DocRow]:
    """Every line and every grid row of the layout, in reading order."""
    rows: list[DocRow] = []
    for block_no, block in enumerate(layout.blocks):
        if isinstance(block, Line):
            rows.append(_split(len(rows), block.cells))
        elif isinstance(block, Grid):
            table_no = block.index if block.index is not None else block_no
            for grid_row in block.rows():
                pieces = [
                    Piece(
                        c.text, Where(page=c.where.page or block.page, table=table_no, row=c.row, col=c.col)
                    )
                    for c in grid_row
                ]
                rows.append(_split(len(rows), pieces))
    _attach_prefixes(rows)
    return rows


def _split(index: int, cells: list[Piece]) -> DocRow:
    """Label cells are the text cells up to the last one; every cell after it is a value slot."""
    parsed = [parse_cell(p.text) for p in cells]
    last_text = max(
        (i for i, p in enumerate(parsed) if p.kind == "text" and split_numbers(p.raw) is None), default=-1
    )
    row = DocRow(index=index, cells=cells, labels=[c for c in cells[: last_text + 1] if c.text.strip()])
    if last_text == len(cells) - 1 or (last_text == -1 and len(cells) == 1 and parsed[0].kind != "number"):
        return row  # prose, a heading or a header row: no value cells
    for piece, p in zip(cells[last_text + 1 :], parsed[last_text + 1 :], strict=True):
        many = split_numbers(piece.text) if p.kind == "text" else None
        for part in many or [p]:
            row.slots.append(Slot(part, piece.where))
    return row


def _attach_prefixes(rows: list[DocRow]) -> None:
    """A label broken over lines: the short label-only line just before a data row may be its start."""
    for prev, row in zip(rows, rows[1:], strict=False):
        if row.is_data and not prev.is_data and prev.labels:
            text = "".join(p.text for p in prev.labels)
            if len(text.strip()) <= MAX_WRAP_PREFIX:
                row.prefix = text
