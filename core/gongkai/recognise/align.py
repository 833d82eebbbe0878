"""Aligning the document's data rows with the template's printed rows, in order.

A weighted longest-common-subsequence: both sequences keep their order,
either side may skip (a lost row, a junk row), and a pair scores by how well
the row's label reads as the template label, plus a little when the number
of value cells fits. Order carries a garbled label: between two sure
matches, a row whose label is half lost still finds its place.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from gongkai.labels import best_similarity, best_suffix_similarity, runs
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


def label_score(row: DocRow, printed: PrintedRow, known: LabelTexts | None = None) -> float:
    """How well the row's label (a run of its label cells, or with the line before) reads as the label.

    `known` is the row's `label_texts`, when already made."""
    n_cells = len(printed.cells)
    if not printed.labels:
        return _count_score(row, n_cells)
    texts, candidates = known or label_texts(row)
    if row.grouped and texts and best_similarity(printed.labels, texts[-1]) == 0:
        return 0.0  # "其他处理-逾期不补正" is a row of the group, never the group's own row
    # below THRESHOLD a score counts for nothing: pairs that cannot reach it are not compared
    best = max((best_similarity(printed.labels, c, THRESHOLD) for c in candidates), default=0.0)
    if row.glued and texts:  # header text glued before the label: its end is what counts
        best = max(best, best_suffix_similarity(printed.labels, texts[-1], THRESHOLD))
    if best < THRESHOLD:
        return 0.0  # the right count of figures never makes a label that does not read as this one
    weight = 1.0 if row.filled() else NO_FIGURES
    return weight * (best + FIT_BONUS if _fits(row, n_cells) else best)


def _count_score(row: DocRow, n_cells: int) -> float:
    """A row printed without a label: known by its count of numbers alone."""
    filled = len(row.filled())
    fits = _fits(row, n_cells)
    weight = 1.0 if filled else NO_FIGURES
    if not fits and row.could_split_into(n_cells):
        return RUN_FIT * weight * (1.0 if not row.labels else 0.8)  # its digits glued into runs
    if not fits and not row.labels and 0 < filled < n_cells and all(s.where.box for s in row.filled()):
        return POSITIONED_FIT  # blank cells on a page: its figures' positions may still say where they go
    if not fits:
        return 0.0
    return weight * (1.0 if not row.labels else 0.8)


def _fits(row: DocRow, n_cells: int) -> bool:
    return n_cells in (len(row.filled()), len(row.trimmed_slots()), len(row.slots))


LabelTexts = tuple[list[str], set[str]]


def label_texts(row: DocRow) -> LabelTexts:
    """The row's last label cells, and every text its label may be read as."""
    texts = [p.text for p in row.labels[-MAX_LABEL_CELLS:]]
    # The row's own label is the text nearest its figures; cells before it may be group labels
    # ("（六）其他处理" beside its first sub-row), which never stand for the row on their own.
    candidates = {"".join(texts[i:]) for i in range(len(texts))}
    if row.prefix:
        candidates.add(row.prefix + "".join(texts))
    return texts, candidates


class Scores:
    """The label scores of a document's data rows against printed rows, shared by every layout tried.

    A pair is scored once, and only when the row's label texts share a run of two characters with the
    printed labels (`labels.runs`): without one, every similarity `label_score` takes is 0, so is the score.
    A printed row without a label is scored against every row (by its count of figures).
    """

    def __init__(self, rows: Sequence[DocRow]) -> None:
        self.data = [r for r in rows if r.is_data]
        self._texts = [label_texts(r) for r in self.data]
        self._by_run: dict[str, list[int]] = {}
        for i, (_, candidates) in enumerate(self._texts):
            for run in set().union(*map(runs, candidates)):
                self._by_run.setdefault(run, []).append(i)
        self._columns: dict[tuple[tuple[str, ...], int], dict[int, float]] = {}

    def column(self, printed: PrintedRow) -> dict[int, float]:
        """Data row position → score, last row first, for the rows scoring at least THRESHOLD against it."""
        key = (printed.labels, len(printed.cells))  # all a score depends on besides the row
        if key not in self._columns:
            if printed.labels:
                near: Iterable[int] = sorted(
                    {i for r in _printed_runs(printed.labels) for i in self._by_run.get(r, ())}, reverse=True
                )
            else:
                near = range(len(self.data) - 1, -1, -1)
            scored = ((i, label_score(self.data[i], printed, self._texts[i])) for i in near)
            self._columns[key] = {i: s for i, s in scored if s >= THRESHOLD}
        return self._columns[key]


@lru_cache(maxsize=4096)  # a template's labels: few, and asked for by every document
def _printed_runs(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*map(runs, labels))


def align(scores: Scores, printed: Sequence[tuple[str, PrintedRow]]) -> tuple[float, list[Match]]:
    """The best order-keeping assignment of data rows to (table id, printed row); returns (score, matches).

    score[j][i] is the best over printed rows j… and data rows i…; each column of it is the next one
    with the printed row's own pairs (those reaching THRESHOLD, few) raised in: score[j][i] =
    max(score[j + 1][i], pair[k][j] + score[j + 1][k + 1] for k ≥ i), the figures the plain recurrence
    max(score[j + 1][i], score[j][i + 1], pair + score[j + 1][i + 1]) gives.
    """
    data = scores.data
    n, m = len(data), len(printed)
    pairs = [scores.column(p) for _, p in printed]
    score = [[0.0] * (n + 1)] * (m + 1)  # columns are replaced, never changed in place
    for j in range(m - 1, -1, -1):
        after = score[j + 1]
        if not pairs[j]:
            score[j] = after
            continue
        own = list(pairs[j].items())  # by data row, last first
        column = list(after)
        best = 0.0
        for k, (i, paired) in enumerate(own):
            best = max(best, paired + after[i + 1])
            low = own[k + 1][0] + 1 if k + 1 < len(own) else 0
            # after[i] only grows as i falls, so best stands over a run of rows ending at i: found by
            # bisection, not walked (a document of thousands of rows of figures)
            start = bisect_right(after, -best, low, i + 1, key=_negative)
            column[start : i + 1] = [best] * (i + 1 - start)
        score[j] = column
    matches: list[Match] = []
    i = j = 0
    while i < n and j < m:
        s = pairs[j].get(i)
        if s is not None and abs(score[j][i] - (s + score[j + 1][i + 1])) < 1e-9:
            matches.append(Match(data[i], printed[j][1], printed[j][0], s))
            i, j = i + 1, j + 1
        elif score[j][i] == score[j][i + 1]:
            i += 1
        else:
            j += 1
    return score[0][0], matches


def _negative(x: float) -> float:
    return -x
