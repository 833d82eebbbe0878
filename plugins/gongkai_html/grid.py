"""An HTML table's rows of cells, placed on a grid the way a browser places them.

Each cell goes to the first column of its row not yet taken by a cell
spanning down from a row above; it then takes `rowspan` × `colspan` slots.
Every merged cell appears once, at its top-left slot, with its spans.

What is taken is kept per column (the first row each column is free again),
not per slot: a few cells spanning 65,534 rows and 1,000 columns cost a
thousand numbers, not 65 million. A table covering more slots than
`MAX_TABLE_CELLS` is refused before it is placed. Spans are cut to what the
table holds: a rowspan at the last row, a colspan at the last column any
cell starts in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gongkai.errors import ReadError
from gongkai.layout import Grid, GridCell
from gongkai.model import Where

# The limits browsers apply (HTML §4.9.11): larger values are clamped. A rowspan is then cut at the
# table's last row, so no cell spans more than the table holds, and a colspan at 1,000 columns: no table
# a person reads is wider.
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534
# The slots a table may cover, each merged cell counted as every slot it spans, and its rows × columns.
# The national forms' tables have fewer than 100 rows of 20 columns (2,000 slots); a million is 500 times
# that, and a million slots cost the recogniser seconds, while one `rowspan=65534 colspan=1000` cell in a
# page of a megabyte stands for 65 million of them (10 GB and minutes before this limit).
MAX_TABLE_CELLS = 1_000_000
_LEADING_DIGITS = re.compile(r"\s*\+?(\d+)")


@dataclass
class SourceCell:
    """A td or th as written: its text and its spans as given."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def span(value: str | None, *, row: bool) -> int:
    """A rowspan/colspan attribute as a browser reads it: leading digits, else 1.

    rowspan="0" means "to the end of the table" and is returned as 0; colspan="0" is 1.
    """
    m = _LEADING_DIGITS.match(value or "")
    if not m:
        return 1
    digits = m.group(1).lstrip("0")[:6] or "0"  # at most six digits matter: the limits have five and four
    n = int(digits)
    if row:
        return min(n, MAX_ROWSPAN)
    return min(max(n, 1), MAX_COLSPAN)


def build_grid(rows: Sequence[Sequence[SourceCell]], index: int) -> Grid:
    """The rows of one table as a Grid (numbered `index`), spans honoured, each cell once.

    A rowspan reaching past the last row is cut at the last row; rowspan 0 reaches to it.
    Raises ReadError for a table of more than `MAX_TABLE_CELLS` slots.
    """
    n_rows = len(rows)
    slots = sum(_rowspan(source, r, n_rows) * source.colspan for r, row in enumerate(rows) for source in row)
    if slots > MAX_TABLE_CELLS:
        raise ReadError(_too_large(f"{slots:,} cells (its merged cells counted in full)"))
    free_from: list[int] = []  # per column: the first row no cell from above reaches into
    cells: list[GridCell] = []
    for r, row in enumerate(rows):
        c = 0
        for source in row:
            while c < len(free_from) and free_from[c] > r:
                c += 1
            rowspan = _rowspan(source, r, n_rows)
            colspan = source.colspan
            cells.append(GridCell(source.text, r, c, rowspan, colspan, Where(table=index, row=r, col=c)))
            if len(free_from) < c + colspan:
                free_from.extend([0] * (c + colspan - len(free_from)))
            for k in range(c, c + colspan):
                free_from[k] = max(free_from[k], r + rowspan)
            c += colspan
    # Columns no cell starts in, past the last one a cell does, hold nothing (a browser gives them no
    # width): a `colspan=100` meaning "the whole row" ends at the table's last column.
    width = max((cell.col + 1 for cell in cells), default=0)
    for cell in cells:
        cell.colspan = min(cell.colspan, width - cell.col)
    if n_rows * width > MAX_TABLE_CELLS:  # few cells, but pushed far apart by the spans above them
        raise ReadError(_too_large(f"{n_rows:,} rows of {width:,} columns"))
    return Grid(cells=cells, index=index)


def _rowspan(source: SourceCell, r: int, n_rows: int) -> int:
    return n_rows - r if source.rowspan == 0 else min(source.rowspan, n_rows - r)


def _too_large(size: str) -> str:
    return f"table too large: {size}, the limit is {MAX_TABLE_CELLS:,} cells"
