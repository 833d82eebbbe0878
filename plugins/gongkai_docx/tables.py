"""Word table rows to a Grid: merged cells once, with their spans; a table split in two made whole again.

A Word table lists every grid slot of every row: a vertically merged cell
is a ``restart`` cell followed by ``continue`` cells in the rows below, a
horizontally merged one a cell with a ``gridSpan``. Here each such run
becomes one `GridCell` with its rowspan and colspan.

A table broken in many parts is put together part by part: what the next
part needs of the grid so far (its first rows, its height, the cells along
its bottom) is kept in a `Stitched`, so that each part costs its own size
and not the size of everything before it (ten thousand one-row tables in a
row, a 100 KB file, once took hours).
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.layout import Grid, GridCell
from gongkai.model import Where


@dataclass
class RawCell:
    """One w:tc as found: its text, first grid column, width in grid columns and vertical merge."""

    text: str
    col: int
    colspan: int = 1
    vmerge: str | None = None  # "restart", "continue" or None


def build_cells(rows: list[list[RawCell]], index: int) -> list[GridCell]:
    """The cells of a table, each merged run once; a "continue" with nothing to continue starts a cell."""
    cells: list[GridCell] = []
    reaching: dict[int, GridCell] = {}  # first column → the cell starting there that reaches the row above
    for r, row in enumerate(rows):
        for raw in row:
            if raw.vmerge == "continue":
                above = reaching.get(raw.col)
                if above is not None and above.row + above.rowspan == r:
                    above.rowspan += 1
                    continue
            cell = GridCell(raw.text, r, raw.col, 1, raw.colspan, Where(table=index, row=r, col=raw.col))
            cells.append(cell)
            reaching[raw.col] = cell
    return cells


def _signature(row: list[GridCell]) -> tuple[tuple[int, int, int, str], ...]:
    return tuple((c.col, c.colspan, c.rowspan, c.text.strip()) for c in row)


@dataclass
class Stitched:
    """A Grid that later parts of the table may continue, and what continuing it needs."""

    grid: Grid
    columns: int  # grid columns of the table, which a continuing part must have too
    head: list[list[GridCell]]  # the rows of the first part: a repeated header is compared with them
    n_rows: int
    bottom: dict[tuple[int, int], GridCell]  # (col, colspan) -> the cell reaching the bottom there

    @classmethod
    def start(cls, grid: Grid, columns: int) -> Stitched:
        n_rows = grid.n_rows
        bottom = {(c.col, c.colspan): c for c in grid.cells if c.row + c.rowspan == n_rows}
        return cls(grid, columns, list(grid.rows()), n_rows, bottom)


def repeated_header(first: Stitched, second: list[GridCell]) -> int:
    """How many leading rows of `second` repeat the first rows of `first` (a header repeated after a break)."""
    rows_1 = first.head
    rows_2 = list(Grid(second).rows())
    k = 0
    while (
        k < min(len(rows_1), len(rows_2) - 1)  # a table that is nothing but the header is kept as it is
        and rows_2[k]
        and any(c.text.strip() for c in rows_2[k])
        and _signature(rows_2[k]) == _signature(rows_1[k])
    ):
        k += 1
    while k and any(c.row + c.rowspan > k for row in rows_2[:k] for c in row):
        k -= 1  # a cell of the header reaching below it: the rows are not a header after all
    return k


def continue_grid(first: Stitched, second: list[GridCell], dropped: int) -> None:
    """Append the rows of `second` but its first `dropped` (a repeated header) to `first`: a table broken in two.

    A group cell broken by the split (a blank or same-text cell spanning rows
    at the top of the second part, under one reaching the bottom of the
    first) is continued, not started again.
    """
    grid, offset, bottom = first.grid, first.n_rows, first.bottom
    n_rows = offset + max((c.row + c.rowspan for c in second), default=dropped) - dropped
    new_bottom: dict[tuple[int, int], GridCell] = {}
    for cell in sorted(second, key=lambda c: (c.row, c.col)):
        if cell.row < dropped:
            continue
        row = offset + cell.row - dropped
        above = bottom.get((cell.col, cell.colspan)) if cell.row == dropped else None
        text = cell.text.strip()
        if above is not None and (above.rowspan > 1 or cell.rowspan > 1) and (not text or text == above.text.strip()):
            above.rowspan += cell.rowspan
            placed = above
        else:
            placed = GridCell(
                cell.text,
                row,
                cell.col,
                cell.rowspan,
                cell.colspan,
                Where(table=grid.index, row=row, col=cell.col),
            )
            grid.cells.append(placed)
        if placed.row + placed.rowspan == n_rows:
            new_bottom[(placed.col, placed.colspan)] = placed
    if n_rows > offset:
        first.n_rows, first.bottom = n_rows, new_bottom
