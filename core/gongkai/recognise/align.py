"""Aligning the document's data rows with the template's printed rows, in order.

A weighted longest-common-subsequence: both sequences keep their order,
either side may skip (a lost row, a junk row), and a pair scores by how well
the row's label reads as the template label, plus a little when the number
of value cells fits. Order carries a garbled label: between two sure
matches, a row whose label is half lost still finds its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gongkai.labels import best_similarity, best_suffix_similarity
from gongkai.recognise.rows import DocRow
from gongkai.template import PrintedRow

THRESHOLD = 0.42  # below this a pair is not a match, whatever the order says
FIT_BONUS = 0.12  # the row has exactly as many value cells as the template row
NO_FIGURES = 0.5  # a row with blank value cells only (a header row, or a blank form) counts for less
MAX_LABEL_CELLS = 5
POSITIONED_FIT = 0.6  # fewer figures than cells, but each with its place on the page
RUN_FIT = 0.9  # a row without a label whose runs of digits could make its cells: less sure than a count that fits


@dataclass(frozen=True)
class Match:
    row: DocRow
    printed: PrintedRow
    table: str
    score: float
    by_order: bool = False  # a row without a label, matched by its place between labelled neighbours


def label_score(row: DocRow, printed: PrintedRow) -> float:
    """How well the row's label (a run of its label cells, or with the line before) reads as the label."""
    n_cells = len(printed.cells)
    filled = len(row.filled())
    fits = n_cells in (filled, len(row.trimmed_slots()), len(row.slots))
    weight = 1.0 if filled else NO_FIGURES
    if not printed.labels:  # a row printed without a label: known by its count of numbers alone
        if not fits and row.could_split_into(n_cells):
            return RUN_FIT * weight * (1.0 if not row.labels else 0.8)  # its digits glued into runs
        if not fits and not row.labels and 0 < filled < n_cells and all(s.where.box for s in row.filled()):
            return POSITIONED_FIT  # blank cells on a page: its figures' positions may still say where they go
        if not fits:
            return 0.0
        return weight * (1.0 if not row.labels else 0.8)
    texts = [p.text for p in row.labels[-MAX_LABEL_CELLS:]]
    # The row's own label is the text nearest its figures; cells before it may be group labels
    # ("（六）其他处理" beside its first sub-row), which never stand for the row on their own.
    candidates = {"".join(texts[i:]) for i in range(len(texts))}
    if row.grouped and texts and best_similarity(printed.labels, texts[-1]) == 0:
        return 0.0  # "其他处理-逾期不补正" is a row of the group, never the group's own row
    if row.prefix:
        candidates.add(row.prefix + "".join(texts))
    best = max((best_similarity(printed.labels, c) for c in candidates), default=0.0)
    if row.glued and texts:  # header text glued before the label: its end is what counts
        best = max(best, best_suffix_similarity(printed.labels, texts[-1]))
    if best < THRESHOLD:
        return 0.0  # the right count of figures never makes a label that does not read as this one
    return weight * (best + FIT_BONUS if fits else best)


def align(
    rows: Sequence[DocRow],
    printed: Sequence[tuple[str, PrintedRow]],
    cache: dict[tuple[tuple[str, ...], int, int], float] | None = None,
) -> tuple[float, list[Match]]:
    """The best order-keeping assignment of data rows to (table id, printed row); returns (score, matches)."""
    data = [r for r in rows if r.is_data]
    n, m = len(data), len(printed)
    cache = {} if cache is None else cache  # the same pairs recur in every layout tried
    pair = [[_cached(cache, d, p) for _, p in printed] for d in data]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            s = pair[i][j]
            if s >= THRESHOLD:
                best = max(best, s + score[i + 1][j + 1])
            score[i][j] = best
    matches: list[Match] = []
    i = j = 0
    while i < n and j < m:
        s = pair[i][j]
        if s >= THRESHOLD and abs(score[i][j] - (s + score[i + 1][j + 1])) < 1e-9:
            matches.append(Match(data[i], printed[j][1], printed[j][0], s))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return score[0][0], matches


def _cached(cache: dict[tuple[tuple[str, ...], int, int], float], row: DocRow, printed: PrintedRow) -> float:
    key = (printed.labels, len(printed.cells), row.index)  # all a score depends on: shared by every layout
    if key not in cache:
        cache[key] = label_score(row, printed)
    return cache[key]
