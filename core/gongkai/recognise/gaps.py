"""Rows that lost their label (a converter floated it out of the table), matched by their place in the table.

Between two matched rows of one table, the template rows that were not
found and the document's rows of figures without a label are paired in
order when there are as many of each and every pair has the right number
of figures. Such a match only proposes its figures: they stand where the
rules confirm them (`recognise.recover`).
"""

from __future__ import annotations

from gongkai.recognise.align import Match
from gongkai.recognise.rows import DocRow
from gongkai.template import PrintedRow


def by_order(rows: list[DocRow], printed: list[tuple[str, PrintedRow]], matches: list[Match]) -> list[Match]:
    """The matches with label-less rows paired in order in the gaps between matched neighbours."""
    data = [r for r in rows if r.is_data]
    position = {key: j for j, key in enumerate(printed)}
    out: list[Match] = []
    for before, after in zip(matches, matches[1:], strict=False):
        out.append(before)
        if before.table != after.table:
            continue
        lost = printed[position[(before.table, before.printed)] + 1 : position[(after.table, after.printed)]]
        bare = [r for r in data if before.row.index < r.index < after.row.index and not r.labels]
        if not lost or len(bare) != len(lost):
            continue
        if all(_fits(r, p) for r, (_, p) in zip(bare, lost, strict=True)):
            out.extend(Match(r, p, t, 0.0, by_order=True) for r, (t, p) in zip(bare, lost, strict=True))
    out.extend(matches[-1:])
    return out


def _fits(row: DocRow, printed: PrintedRow) -> bool:
    n = len(printed.cells)
    return len(row.filled()) == n or (row.grid and len(row.slots) == n)
