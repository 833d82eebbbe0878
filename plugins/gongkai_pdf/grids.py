"""Ruled tables from ruling segments: a lattice per connected set of rules, merged cells from missing rules.

Horizontal and vertical segments that touch form one table. Its column
boundaries are the x positions of its vertical rules (and the ends of its
horizontal ones, for tables open at the sides); its row boundaries likewise.
Between two neighbouring lattice cells, a rule covering at least half of
their common edge separates them; where there is none they are one merged
cell. Each character goes to the cell holding its centre.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai_pdf.page import Char, Segment, least_confidence
from gongkai_pdf.text import FIGURE, Box, box, group_lines, join_lines

# Positions closer than this (points) are one rule: double borders, rules drawn per cell.
SNAP = 2.5
# A number is wrapped in its cell when its first line ends within this many character widths of the cell's edge.
WRAP_EDGE = 1.6
# A rule separates two cells when it covers this share of their common edge.
COVER = 0.5


@dataclass
class RawCell:
    """A merged cell: lattice rows r0..r1 and columns c0..c1 (inclusive), its characters."""

    r0: int
    r1: int
    c0: int
    c1: int
    chars: list[Char] = field(default_factory=list)
    box: Box | None = None  # set by freeze()
    confidence: float = 1.0  # the least of its characters' (OCR), set by freeze()
    _text: str | None = field(default=None, repr=False)

    def text(self) -> str:
        if self._text is None:
            return join_lines([line.text() for line in group_lines(self.chars)])
        return self._text

    def freeze(self, rect: Box) -> None:
        """Keep the text and the box of the characters (else the cell's rectangle), let the characters go."""
        self.box = box(self.chars) if self.chars else rect
        self.confidence = least_confidence(self.chars)
        self._text, self.chars = self.text(), []


@dataclass
class RawTable:
    """A ruled table of one page, in lattice coordinates (xs, ys are its boundaries)."""

    page: int
    xs: list[float]
    ys: list[float]
    cells: list[RawCell]
    owner: dict[tuple[int, int], RawCell] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for cell in self.cells:
            for r in range(cell.r0, cell.r1 + 1):
                for c in range(cell.c0, cell.c1 + 1):
                    self.owner[(r, c)] = cell

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def x1(self) -> float:
        return self.xs[-1]

    def rect(self, cell: RawCell) -> Box:
        """A cell's rectangle between its rules (page coordinates as the page reads, after `orient.upright`)."""
        return (self.xs[cell.c0], self.ys[cell.r0], self.xs[cell.c1 + 1], self.ys[cell.r1 + 1])

    def one_column(self) -> bool:
        """Every cell spans the whole width: a boxed paragraph, not a table."""
        return all(c.c0 == 0 and c.c1 == len(self.xs) - 2 for c in self.cells)

    def contains(self, char: Char) -> bool:
        return self.xs[0] <= char.cx <= self.xs[-1] and self.ys[0] <= char.cy <= self.ys[-1]


def find_tables(page: int, segments: list[Segment], chars: list[Char]) -> tuple[list[RawTable], list[Char]]:
    """The ruled tables of a page, top to bottom, with their characters; and the characters outside them."""
    hs = _merge([s for s in segments if s.horizontal], horizontal=True)
    vs = _merge([s for s in segments if not s.horizontal], horizontal=False)
    found = [(t, group) for group in _components(hs, vs) if (t := _lattice(page, *group)) is not None]
    found.sort(key=lambda tg: (tg[0].x1 - tg[0].x0) * (tg[0].bottom - tg[0].top))  # a table in a frame: its own
    rest = chars
    tables: list[RawTable] = []
    for table, (t_hs, t_vs) in found:
        mine: list[Char] = []
        others: list[Char] = []
        for c in rest:
            (mine if table.contains(c) else others).append(c)
        rest = others
        extra = _unruled_rows(table, mine)
        if extra:  # figures stacked in cells: the rules between the rows are missing
            rebuilt = _lattice(page, t_hs + extra, t_vs)
            if rebuilt is not None:
                table = rebuilt
                _fill(table, mine)
        tables.append(table)
    tables.sort(key=lambda t: (t.top, t.x0))
    return tables, rest


def _fill(table: RawTable, chars: list[Char]) -> None:
    for cell in table.cells:
        cell.chars = []
    for char in chars:
        _place(table, char)


def _unruled_rows(table: RawTable, chars: list[Char]) -> list[Segment]:
    """Rules to add where a table printed several rows of figures in one ruled row.

    Two or more cells of one lattice row each holding two or more lines of
    bare figures mean the rules between rows are missing (one number wrapped
    in a narrow cell stays whole). The row is cut between its lines of text.
    """
    _fill(table, chars)
    out: list[Segment] = []
    rows: dict[int, list[RawCell]] = defaultdict(list)  # the cells of one lattice row each
    for cell in table.cells:
        if cell.r0 == cell.r1:
            rows[cell.r0].append(cell)
    for r in range(len(table.ys) - 1):
        row = rows.get(r, [])
        stacked = [c for c in row if len(c.chars) >= 2 and _figure_lines(c) >= 2]
        if len(stacked) < 2 or any(_wrapped(table, c) for c in stacked):
            continue
        bands = group_lines([ch for c in row for ch in c.chars])
        for a, b in zip(bands, bands[1:], strict=False):
            if b.top > a.bottom:
                y = (a.bottom + b.top) / 2
                out.append(Segment(table.x0, y, table.x1, y))
    return out


def _figure_lines(cell: RawCell) -> int:
    """How many of a cell's lines are bare figures."""
    return sum(bool(FIGURE.fullmatch(ln.text())) for ln in group_lines(cell.chars))


def _wrapped(table: RawTable, cell: RawCell) -> bool:
    """A number too wide for its narrow cell, broken onto a second line ("20" over "0" is 200): its first
    line runs to the cell's right edge, where a figure of a row of its own would leave room."""
    first = group_lines(cell.chars)[0]
    width = max(c.x1 - c.x0 for c in first.chars)
    return len(first.chars) >= 2 and first.x1 >= table.xs[cell.c1 + 1] - WRAP_EDGE * width


def _merge(segments: list[Segment], horizontal: bool) -> list[Segment]:
    """Collinear segments (same position within SNAP) that touch or overlap become one."""
    if not segments:
        return []

    def pos(s: Segment) -> float:
        return s.top if horizontal else s.x0

    def span(s: Segment) -> tuple[float, float]:
        return (s.x0, s.x1) if horizontal else (s.top, s.bottom)

    out: list[Segment] = []
    for group in _clusters(sorted(segments, key=pos), pos):
        at = sum(pos(s) for s in group) / len(group)
        runs: list[list[float]] = []
        for a, b in sorted(span(s) for s in group):
            if runs and a <= runs[-1][1] + SNAP:
                runs[-1][1] = max(runs[-1][1], b)
            else:
                runs.append([a, b])
        for a, b in runs:
            out.append(Segment(a, at, b, at) if horizontal else Segment(at, a, at, b))
    return out


def _clusters(items: list[Segment], key: Callable[[Segment], float]) -> list[list[Segment]]:
    """Sorted items split where the key jumps by more than SNAP."""
    groups: list[list[Segment]] = []
    last = None
    for item in items:
        k = key(item)
        if last is None or k - last > SNAP:
            groups.append([])
        groups[-1].append(item)
        last = k
    return groups


def _components(hs: list[Segment], vs: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Sets of rules that touch one another: each is one table (or a box)."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.x0 - SNAP <= v.x0 <= h.x1 + SNAP and v.top - SNAP <= h.top <= v.bottom + SNAP:
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[Segment], list[Segment]]] = defaultdict(lambda: ([], []))
    for i, h in enumerate(hs):
        groups[find(i)][0].append(h)
    for j, v in enumerate(vs):
        groups[find(len(hs) + j)][1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _boundaries(values: list[float]) -> list[float]:
    out: list[float] = []
    group: list[float] = []
    for v in sorted(values):
        if group and v - group[-1] > SNAP:
            out.append(sum(group) / len(group))
            group = []
        group.append(v)
    if group:
        out.append(sum(group) / len(group))
    return out


def _covered(runs: list[tuple[float, float]], a: float, b: float) -> bool:
    """Whether rules along one boundary cover at least COVER of the stretch a..b."""
    total = sum(max(0.0, min(b, y) - max(a, x)) for x, y in runs)
    return total >= COVER * (b - a)


def _lattice(page: int, hs: list[Segment], vs: list[Segment]) -> RawTable | None:
    xs = _boundaries([v.x0 for v in vs] + [min(h.x0 for h in hs), max(h.x1 for h in hs)])
    ys = _boundaries([h.top for h in hs] + [min(v.top for v in vs), max(v.bottom for v in vs)])
    if len(xs) < 2 or len(ys) < 2:
        return None
    v_runs: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for v in vs:
        v_runs[_nearest(xs, v.x0)].append((v.top, v.bottom))
    h_runs: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for h in hs:
        h_runs[_nearest(ys, h.top)].append((h.x0, h.x1))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and not _covered(v_runs[c + 1], ys[r], ys[r + 1]):
                parent[find(here)] = find(here + 1)
            if r + 1 < n_rows and not _covered(h_runs[r + 1], xs[c], xs[c + 1]):
                parent[find(here)] = find(here + n_cols)
    spans: dict[int, list[int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            box = spans.setdefault(find(r * n_cols + c), [r, r, c, c])
            box[0], box[1] = min(box[0], r), max(box[1], r)
            box[2], box[3] = min(box[2], c), max(box[3], c)
    cells = [RawCell(r0, r1, c0, c1) for r0, r1, c0, c1 in spans.values()]
    cells.sort(key=lambda cell: (cell.r0, cell.c0))
    return RawTable(page=page, xs=xs, ys=ys, cells=cells)


def _nearest(bounds: list[float], value: float) -> int:
    i = bisect.bisect_left(bounds, value)
    if i == len(bounds) or i > 0 and value - bounds[i - 1] < bounds[i] - value:
        i -= 1
    return i


def _place(table: RawTable, char: Char) -> None:
    r = min(max(bisect.bisect_right(table.ys, char.cy) - 1, 0), len(table.ys) - 2)
    c = min(max(bisect.bisect_right(table.xs, char.cx) - 1, 0), len(table.xs) - 2)
    table.owner[(r, c)].chars.append(char)
