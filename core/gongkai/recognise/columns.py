"""Where each of a table's columns is printed: the grid column of a real table, the band of a text layer's column.

Both are learnt from the rows that are placed plainly (as many cells as
the template row has): in a grid, the grid columns their cells stand in;
on a page, the horizontal centres of their figures. A row that printed
fewer figures then has each figure placed in the column it stands in or
under, never by counting.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from gongkai.labels import bounded_similarity, normalise
from gongkai.layout import Piece
from gongkai.recognise.align import Match
from gongkai.recognise.rows import DocRow, Slot
from gongkai.template import Template

# A figure belongs to a column band when its centre is this close to the band's centre,
# as a share of the distance to the neighbouring band: farther, and it stands between two columns.
BAND_REACH = 0.4

Signature = tuple[str, ...]  # the columns of a printed row, in print order: rows alike share their columns
# Column headings are looked for in this many rows above a table's first row of figures.
HEADING_REACH = 8
# A heading reads as a column's label at least this well (the column labels are short and distinct).
HEADING_MATCH = 0.75
# The next line of a heading broken in its cell starts within this share of a line's height below it.
STACK_GAP = 0.8


Block = tuple[str, object]  # a grid (by its index) or a table's tab-separated text lines


@dataclass
class Columns:
    grid: dict[tuple[Block, Signature], dict[int, int]] = field(default_factory=dict)
    bands: dict[tuple[str, Signature], list[float]] = field(default_factory=dict)
    widths: dict[tuple[Block, Signature], int] = field(default_factory=dict)  # tab fields of a whole text row

    def grid_place(self, match: Match) -> list[Slot | None] | None:
        """The row's slots by the column each stands in (a grid's, a tab stop's); None unless known for every figure."""
        slots = match.row.slots
        block = _block(match)
        if block is None:
            return None
        key = (block, signature(match))
        by_col = self.grid.get(key)
        if by_col is None or (key in self.widths and len(match.row.cells) != self.widths[key]):
            return None  # a text row with fewer tab fields lost cells, and the tabs that went with them
        out: list[Slot | None] = [None] * len(match.printed.cells)
        for slot in slots:
            index = by_col.get(slot.where.col) if slot.where.col is not None else None
            if index is None:
                if slot.blank:
                    continue
                return None
            if out[index] is not None:
                return None  # two figures in one column's cell: which is its, no column can say
            out[index] = slot
        return out

    def band_place(self, match: Match) -> list[Slot | None] | None:
        """The row's figures by the column band each stands under; None when any is not clearly under one."""
        centres = self.bands.get((match.table, signature(match)))
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


def signature(match: Match) -> Signature:
    return tuple(c for _, c in match.printed.cells)


def _centre(slot: Slot) -> float:
    box = slot.where.box
    assert box is not None
    return (box[0] + box[2]) / 2


def learn(matches: list[Match], rows: list[DocRow] | None = None, template: Template | None = None) -> Columns:
    """Columns of every table, from the rows printed with one cell per template cell, else from its headings."""
    columns = _from_rows(matches)
    if rows is not None and template is not None:
        for key, bands in _from_headings(matches, rows, template).items():
            columns.bands.setdefault(key, bands)
    return columns


def _block(match: Match) -> Block | None:
    """Where a row's column numbers count: its grid, or the tab-separated lines of its table."""
    slots = match.row.slots
    if not slots or any(s.where.col is None for s in slots):
        return None
    if match.row.grid:
        return ("grid", slots[0].where.table) if slots[0].where.table is not None else None
    if match.row.glued or any(s.where.box is not None for s in slots):
        return None  # cut out of one cell, or placed by its page position instead
    return ("tabs", match.table)


def _from_rows(matches: list[Match]) -> Columns:
    """Column numbers from rows printing a figure in every cell, where all such rows of a block agree.

    Text whose merged label cells ate tab stops (a Word table saved as text)
    puts one column at different tab stops in different rows: no agreement,
    no column numbers, and its rows are read by their own cells instead.
    """
    grid: dict[tuple[Block, Signature], dict[int, int]] = {}
    widths: dict[tuple[Block, Signature], int] = {}
    seen: Counter[tuple[Block, Signature]] = Counter()
    conflicts: set[tuple[Block, Signature]] = set()
    xs: dict[tuple[str, Signature], list[list[float]]] = defaultdict(list)
    for m in matches:
        n = len(m.printed.cells)
        slots = m.row.slots
        filled = [s for s in slots if not s.blank]
        block = _block(m)
        whole = filled if len(filled) == n else slots if (m.row.grid and len(slots) == n) else None
        if block is not None and whole is not None:
            key = (block, signature(m))
            cols = {s.where.col: i for i, s in enumerate(whole) if s.where.col is not None}
            seen[key] += 1
            if len(cols) == n and grid.setdefault(key, cols) != cols:
                conflicts.add(key)
            if block[0] == "tabs" and widths.setdefault(key, len(m.row.cells)) != len(m.row.cells):
                conflicts.add(key)
        if not m.row.grid and len(filled) == n and all(s.where.box is not None for s in filled):
            xs[(m.table, signature(m))].append([_centre(s) for s in filled])
    for key in conflicts | {k for k in grid if k[0][0] == "tabs" and seen[k] < 2}:
        grid.pop(key, None)
    bands: dict[tuple[str, Signature], list[float]] = {}
    for band, rows in xs.items():
        centres = [statistics.median(col) for col in zip(*rows, strict=True)]
        if all(a < b for a, b in zip(centres, centres[1:], strict=False)):
            bands[band] = centres
    return Columns(grid=grid, bands=bands, widths={k: w for k, w in widths.items() if k in grid})


def _from_headings(
    matches: list[Match], rows: list[DocRow], template: Template
) -> dict[tuple[str, Signature], list[float]]:
    """Column bands from the headings printed above a table, for tables whose rows all lost figures."""
    out: dict[tuple[str, Signature], list[float]] = {}
    first: dict[tuple[str, Signature], int] = {}
    for m in matches:
        if not m.row.grid:
            first.setdefault((m.table, signature(m)), m.row.index)
    for (table_id, cells), start in first.items():
        table = template.table(table_id)
        labels = [(table.columns[c].label, *table.columns[c].variants) for c in cells]
        above = [
            w
            for r in rows[max(0, start - HEADING_REACH) : start]
            for p in r.cells
            for w in (p.words or (p,))
            if w.where.box and w.text.strip()
        ]
        centres = _read_headings(_candidates(above), labels)
        if centres is not None:
            out[(table_id, cells)] = centres
    return out


def _candidates(words: list[Piece]) -> list[tuple[float, str]]:
    """Possible headings as (centre, text): each word, and each word with the one right under it.

    A heading in a narrow cell is broken over lines ("结果" over "维持"); which
    words belong together is left to the matching against the column labels.
    """
    boxed = [(w.where.box, w.text.strip()) for w in words if w.where.box]
    out = [((b[0] + b[2]) / 2, text) for b, text in boxed]
    for (a, upper), (b, lower) in itertools.permutations(boxed, 2):
        height = a[3] - a[1]
        below = 0 <= b[1] - a[3] <= STACK_GAP * height or 0 < b[1] - a[1] <= (1 + STACK_GAP) * height
        if below and a[0] < (b[0] + b[2]) / 2 < a[2]:
            out.append(((min(a[0], b[0]) + max(a[2], b[2])) / 2, upper + lower))
    return sorted(out)


def _read_headings(headings: list[tuple[float, str]], labels: list[tuple[str, ...]]) -> list[float] | None:
    """The centre of each column's heading, left to right in the columns' order; None unless all are found."""
    centres: list[float] = []
    k = 0
    for wanted in labels:
        while k < len(headings) and (
            (centres and headings[k][0] <= centres[-1])
            or max(bounded_similarity(normalise(w), normalise(headings[k][1]), HEADING_MATCH) for w in wanted)
            < HEADING_MATCH
        ):
            k += 1
        if k == len(headings):
            return None
        centres.append(headings[k][0])
        k += 1
    return centres


def printed_order(
    matches: list[Match], rows: list[DocRow], template: Template
) -> dict[tuple[str, Signature], list[int]]:
    """Tables whose column headings stand in another order than the template's: the template column of each.

    Each column's label must be found once, in the headings above the
    table's first row (cells of the same grid, tab stops, or positions on
    the page): a swapped heading moves its whole column, which no rule
    could tell, since the rules treat those columns alike.
    """
    out: dict[tuple[str, Signature], list[int]] = {}
    first: dict[tuple[str, Signature], Match] = {}
    for m in matches:
        first.setdefault((m.table, signature(m)), m)
    for (table_id, cols), m in first.items():
        if len(set(cols)) != len(cols) or len(cols) < 2:
            continue  # table 四 in one row repeats its five headings: not decided here
        table = template.table(table_id)
        places = _heading_places(m, rows, [(table.columns[c].label, *table.columns[c].variants) for c in cols])
        if places is not None and places != sorted(places):
            out[(table_id, cols)] = sorted(range(len(cols)), key=lambda k: places[k])
    return out


def _heading_places(match: Match, rows: list[DocRow], labels: list[tuple[str, ...]]) -> list[float] | None:
    """Where each label's heading stands (a grid column, a tab stop, a centre on the page), if each is found once."""
    found = _all_places(match, rows, labels)
    if any(len(f) != 1 for f in found) or len(set().union(*found)) != len(found):
        return None
    return [next(iter(f)) for f in found]


def _all_places(match: Match, rows: list[DocRow], labels: list[tuple[str, ...]]) -> list[set[float]]:
    """Every place where each label's heading stands above the row."""
    found: list[set[float]] = [set() for _ in labels]
    slot = match.row.slots[0].where if match.row.slots else None
    if slot is None:
        return found
    above: dict[float, str] = {}  # the heading text so far at each place: a heading broken over two rows
    for row in rows[max(0, match.row.index - HEADING_REACH) : match.row.index]:
        for piece in row.cells:
            w = piece.where
            if match.row.grid != row.grid or (row.grid and w.table != slot.table):
                continue
            boxed = not row.grid and w.x0 is not None and w.x1 is not None
            place = (w.x0 + w.x1) / 2 if boxed else w.col  # type: ignore[operator]
            if place is None or not piece.text.strip():
                continue
            texts = [piece.text, above.get(float(place), "") + piece.text]
            above[float(place)] = piece.text
            for k, wanted in enumerate(labels):
                best = max(bounded_similarity(normalise(t), normalise(x), HEADING_MATCH) for t in wanted for x in texts)
                if best >= HEADING_MATCH:
                    found[k].add(float(place))  # a merged heading repeated by a converter: one place still
    return found


def reorder(matches: list[Match], orders: dict[tuple[str, Signature], list[int]]) -> list[Match]:
    """Matches whose printed cells follow the document's order of columns, where that differs."""
    out = []
    for m in matches:
        order = orders.get((m.table, signature(m)))
        if order is not None:
            cells = tuple(m.printed.cells[k] for k in order)
            m = replace(m, printed=replace(m.printed, cells=cells))
        out.append(m)
    return out


def misordered(match: Match, rows: list[DocRow], template: Template) -> bool:
    """Whether the headings above a row that joins several template rows (table 四 in one row) stand in
    another order than the template's: its rows' labels, or the columns under each of them.

    Such a row repeats its column headings, so its columns cannot be put in
    order by their labels; a row whose headings disagree is not placed.
    """
    table = template.table(match.table)
    joined = list(dict.fromkeys(r for r, _ in match.printed.cells))
    if len(joined) < 2:
        return False
    row_places = _heading_places(match, rows, [(table.row(r).label, *table.row(r).variants) for r in joined])
    if row_places is not None and row_places != sorted(row_places):
        return True
    cols = [c for r, c in match.printed.cells if r == joined[0]]
    seen = _all_places(match, rows, [(table.columns[c].label, *table.columns[c].variants) for c in cols])
    order = [k for _, k in sorted((place, k) for k, places in enumerate(seen) for place in places)]
    return len(order) == len(match.printed.cells) and order != list(range(len(cols))) * len(joined)
