"""One Grid from a table's parts, one part per page, as if no page break had cut it.

- the parts' column boundaries are unified (a part may show fewer columns:
  merged cells hide boundaries);
- header rows repeated at the top of a later part (the same texts in the same
  columns as the table's first rows) are dropped;
- a merged cell cut by the page break (a group label spanning rows) is one
  cell again;
- a row cut by the page break (its label's last line on the next page, no
  figures there) is one row again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.layout import Grid, GridCell
from gongkai.model import CONFIDENCE_DIGITS, Where
from gongkai_pdf.grids import RawTable
from gongkai_pdf.text import FIGURE, Box, join_lines

# Column boundaries of two parts of one table agree within this (points).
TOLERANCE = 4.0
_SPACES = re.compile(r"\s+")


@dataclass
class _Cell:
    text: str
    row: int  # first lattice row, over the whole table
    end: int  # lattice row after the last
    col: int  # first unified column
    col_end: int  # unified column after the last
    page: int
    box: Box | None  # on its page; a cell joined over a page break keeps its first part's page and box
    confidence: float = 1.0  # the OCR engine's, for a cell read from a picture

    @property
    def columns(self) -> tuple[int, int]:
        return (self.col, self.col_end)


def continues(prev: RawTable, nxt: RawTable) -> bool:
    """Whether a table at the top of a page carries on the one that ended the page before.

    The outer edges must agree, and the inner column boundaries of one part
    must all be boundaries of the other: compare boundaries, not counts.
    """
    if abs(prev.x0 - nxt.x0) > TOLERANCE or abs(prev.x1 - nxt.x1) > TOLERANCE:
        return False
    a, b = prev.xs[1:-1], nxt.xs[1:-1]
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return all(any(abs(x - y) <= TOLERANCE for y in large) for x in small)


def stitch(parts: list[RawTable], index: int) -> tuple[Grid, int]:
    """The Grid of a table's parts, and how many repeated header rows were dropped."""
    bounds: list[float] = []
    for x in sorted(x for part in parts for x in part.xs):
        if not bounds or x - bounds[-1] > TOLERANCE:
            bounds.append(x)

    def at(x: float) -> int:
        return min(range(len(bounds)), key=lambda i: abs(bounds[i] - x))

    pieces = [
        [
            _Cell(
                cell.text(),
                cell.r0,
                cell.r1 + 1,
                at(part.xs[cell.c0]),
                at(part.xs[cell.c1 + 1]),
                part.page,
                cell.box,
                cell.confidence,
            )
            for cell in part.cells
        ]
        for part in parts
    ]
    dropped = 0
    prev = pieces[0]
    for piece in pieces[1:]:
        dropped += _drop_repeated_header(pieces[0], piece)
        if not piece:
            continue
        shift = max(c.end for c in prev) - min(c.row for c in piece)
        for cell in piece:
            cell.row, cell.end = cell.row + shift, cell.end + shift
        _mend_joint(prev, piece)
        prev = piece
    cells = [c for piece in pieces for c in piece]
    rows = {r: i for i, r in enumerate(sorted({c.row for c in cells} | {c.end for c in cells}))}
    cols = {b: i for i, b in enumerate(sorted({c.col for c in cells} | {c.col_end for c in cells}))}
    grid_cells = [
        GridCell(
            text=c.text,
            row=rows[c.row],
            col=cols[c.col],
            rowspan=rows[c.end] - rows[c.row],
            colspan=cols[c.col_end] - cols[c.col],
            where=_where(c, index, rows[c.row], cols[c.col]),
        )
        for c in cells
    ]
    grid_cells.sort(key=lambda c: (c.row, c.col))
    return Grid(cells=grid_cells, page=parts[0].page, index=index), dropped


def _where(cell: _Cell, table: int, row: int, col: int) -> Where:
    x0, top, x1, bottom = cell.box or (None, None, None, None)
    confidence = round(cell.confidence, CONFIDENCE_DIGITS) if cell.confidence < 1 else None
    return Where(
        page=cell.page, table=table, row=row, col=col, x0=x0, top=top, x1=x1, bottom=bottom, confidence=confidence
    )


def _rows(cells: list[_Cell]) -> list[int]:
    return sorted({c.row for c in cells})


def _signature(cells: list[_Cell], row: int) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (c.col, c.col_end, _SPACES.sub("", c.text)) for c in sorted(cells, key=lambda c: c.col) if c.row == row
    )


def _drop_repeated_header(first: list[_Cell], part: list[_Cell]) -> int:
    """Drop the rows at the top of `part` that repeat the table's first rows; how many went."""
    mine, theirs = _rows(part), _rows(first)
    m = 0
    while m < min(len(mine), len(theirs)):
        sig = _signature(part, mine[m])
        if not any(t for _, _, t in sig) or sig != _signature(first, theirs[m]):
            break
        m += 1
    while m and m < len(mine) and any(c.row < mine[m] < c.end for c in part):
        m -= 1  # never cut a merged cell in two
    if m:
        cut = mine[m] if m < len(mine) else max(c.end for c in part)
        part[:] = [c for c in part if c.row >= cut]
    return m


def _mend_joint(prev: list[_Cell], part: list[_Cell]) -> None:
    """Join what the page break cut: merged cells running on, and a row whose last lines went over."""
    if not part or not prev:
        return
    top = min(c.row for c in part)
    bottom = max(c.end for c in prev)
    ending = {c.columns: c for c in prev if c.end == bottom}
    for cell in [c for c in part if c.row == top]:
        above = ending.get(cell.columns)
        tall = above is not None and (above.end - above.row > 1 or cell.end - cell.row > 1)
        if above is not None and tall and (not cell.text or cell.text == above.text):
            above.end = cell.end  # one merged cell, cut by the page
            part.remove(cell)
            del ending[cell.columns]
    first_row = [c for c in part if c.row == top]
    last_row = [c for c in ending.values() if c.end - c.row == 1]
    if not first_row or {c.columns for c in first_row} != {c.columns for c in last_row}:
        return
    if any(c.end - c.row != 1 for c in first_row):
        return
    by_columns = {c.columns: c for c in last_row}
    figures = [c for c in last_row if FIGURE.fullmatch(_SPACES.sub("", c.text))]
    if not figures or any(c.text.strip() for c in first_row if by_columns[c.columns] in figures):
        return  # a row of its own: it has figures, or the row above has none to tell
    for cell in first_row:
        above = by_columns[cell.columns]
        above.text = join_lines([above.text, cell.text])
        above.end = cell.end
        above.confidence = min(above.confidence, cell.confidence)
        part.remove(cell)
