"""Where each of a table's columns is printed: the grid column of a real table, the band of a text layer's column.

Both are learnt from the rows that are placed plainly (as many cells as
the template row has): in a grid, the grid columns their cells stand in;
on a page, the horizontal centres of their figures. A row that printed
fewer figures then has each figure placed in the column it stands in or
under, never by counting.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from gongkai.recognise.align import Match
from gongkai.recognise.rows import Slot

# A figure belongs to a column band when its centre is this close to the band's centre,
# as a share of the distance to the neighbouring band: farther, and it stands between two columns.
BAND_REACH = 0.4

Signature = tuple[tuple[str, str], ...]  # the printed cells (row, column) of a template row


@dataclass
class Columns:
    grid: dict[tuple[int, Signature], dict[int, int]] = field(default_factory=dict)
    bands: dict[tuple[str, Signature], list[float]] = field(default_factory=dict)

    def grid_place(self, match: Match) -> list[Slot | None] | None:
        """The row's slots by the grid column each stands in; None when that is not known for every figure."""
        slots = match.row.slots
        table = slots[0].where.table if slots else None
        by_col = self.grid.get((table, match.printed.cells)) if table is not None else None
        if by_col is None:
            return None
        out: list[Slot | None] = [None] * len(match.printed.cells)
        for slot in slots:
            index = by_col.get(slot.where.col) if slot.where.col is not None else None
            if index is None:
                if slot.blank:
                    continue
                return None
            out[index] = slot
        return out

    def band_place(self, match: Match) -> list[Slot | None] | None:
        """The row's figures by the column band each stands under; None when any is not clearly under one."""
        centres = self.bands.get((match.table, match.printed.cells))
        filled = [s for s in match.row.slots if not s.blank]
        if not centres or not filled or any(s.where.box is None for s in filled):
            return None
        out: list[Slot | None] = [None] * len(centres)
        last = -1
        for slot in filled:
            x = _centre(slot)
            j = min(range(len(centres)), key=lambda k: abs(centres[k] - x))
            gaps = [abs(centres[k] - centres[j]) for k in (j - 1, j + 1) if 0 <= k < len(centres)]
            if j <= last or (gaps and abs(x - centres[j]) > BAND_REACH * min(gaps)):
                return None
            out[j], last = slot, j
        return out


def _centre(slot: Slot) -> float:
    box = slot.where.box
    assert box is not None
    return (box[0] + box[2]) / 2


def learn(matches: list[Match]) -> Columns:
    """Columns of every table, from the rows printed with exactly one cell per template cell."""
    grid: dict[tuple[int, Signature], dict[int, int]] = {}
    conflicts: set[tuple[int, Signature]] = set()
    xs: dict[tuple[str, Signature], list[list[float]]] = defaultdict(list)
    for m in matches:
        n = len(m.printed.cells)
        slots = m.row.slots
        if m.row.grid and len(slots) == n and slots[0].where.table is not None:
            key = (slots[0].where.table, m.printed.cells)
            cols = {s.where.col: i for i, s in enumerate(slots) if s.where.col is not None}
            if len(cols) == n and grid.setdefault(key, cols) != cols:
                conflicts.add(key)
        filled = [s for s in slots if not s.blank]
        if not m.row.grid and len(filled) == n and all(s.where.box is not None for s in filled):
            xs[(m.table, m.printed.cells)].append([_centre(s) for s in filled])
    for key in conflicts:
        del grid[key]
    bands: dict[tuple[str, Signature], list[float]] = {}
    for band, rows in xs.items():
        centres = [statistics.median(col) for col in zip(*rows, strict=True)]
        if all(a < b for a, b in zip(centres, centres[1:], strict=False)):
            bands[band] = centres
    return Columns(grid=grid, bands=bands)
