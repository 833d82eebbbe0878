"""An HTML table's rows of cells, placed on a grid the way a browser places them.

Each cell goes to the first column of its row not yet taken by a cell
spanning down from a row above; it then takes `rowspan` × `colspan` slots.
Every merged cell appears once, at its top-left slot, with its spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gongkai.layout import Grid, GridCell
from gongkai.model import Where

# The limits browsers apply (HTML §4.9.11): larger values are clamped.
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534
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
    n = int(m.group(1))
    if row:
        return min(n, MAX_ROWSPAN)
    return min(max(n, 1), MAX_COLSPAN)


def build_grid(rows: Sequence[Sequence[SourceCell]], index: int) -> Grid:
    """The rows of one table as a Grid (numbered `index`), spans honoured, each cell once.

    A rowspan reaching past the last row is cut at the last row; rowspan 0 reaches to it.
    """
    n_rows = len(rows)
    taken: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    for r, row in enumerate(rows):
        c = 0
        for source in row:
            while (r, c) in taken:
                c += 1
            rowspan = n_rows - r if source.rowspan == 0 else min(source.rowspan, n_rows - r)
            colspan = source.colspan
            cells.append(GridCell(source.text, r, c, rowspan, colspan, Where(table=index, row=r, col=c)))
            if rowspan > 1 or colspan > 1:
                taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            c += colspan
    return Grid(cells=cells, index=index)
