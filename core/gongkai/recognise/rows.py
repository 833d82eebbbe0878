"""From a Layout to rows: each row split into the label part and the value slots after it.

Both recognition paths meet here: a text line split at tab stops or gaps
(the token path) and a row of a real table grid (the grid path) both become
a `DocRow`, the grid row keeping its column numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.layout import Grid, Layout, Line, Piece
from gongkai.model import Where
from gongkai.numbers import Parsed, figure_text, parse_cell, split_numbers
from gongkai.recognise.unglue import unglue

# The text of a preceding label-only row is read as the start of a wrapped label only when short.
MAX_WRAP_PREFIX = 40
# A label-only row this short may take the figures printed on the lines after it.
MAX_LABEL_ROW = 60


@dataclass
class Slot:
    """One value cell of a row: what it says and where it is."""

    parsed: Parsed
    where: Where

    @property
    def blank(self) -> bool:
        return self.parsed.kind == "blank"


@dataclass
class DocRow:
    index: int
    cells: list[Piece]
    labels: list[Piece] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    prefix: str = ""
    grid: bool = False  # a row of a real table: its cells are where the document put them
    glued: bool = False  # cut out of a line whose cells lost their separators: the label may carry a header
    grouped: bool = False  # its label named its group first ("不予公开-国家秘密"): the row's own name must match

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.cells)

    @property
    def is_data(self) -> bool:
        return bool(self.slots)

    def trimmed_slots(self) -> list[Slot]:
        slots = list(self.slots)
        while slots and slots[-1].blank:
            slots.pop()
        return slots

    def filled(self) -> list[Slot]:
        return [s for s in self.slots if not s.blank]

    def could_split_into(self, n: int) -> bool:
        """Whether runs of digits in this row could be read as n cells (see `recognise.split`)."""
        filled = self.filled()
        if not filled or len(filled) >= n or any(s.parsed.kind != "number" for s in filled):
            return False
        digits = sum(len(figure_text(s.parsed.raw).lstrip("+-").replace(".", "")) for s in filled)
        return digits >= n and (self.glued or digits > len(filled))


def layout_rows(layout: Layout) -> list[DocRow]:
    """Every line and every grid row of the layout, in reading order."""
    rows: list[DocRow] = []
    for block_no, block in enumerate(layout.blocks):
        if isinstance(block, Line):
            rows.extend(_line_rows(len(rows), block))
        elif isinstance(block, Grid):
            table_no = block.index if block.index is not None else block_no
            for grid_row in block.rows():
                pieces = [Piece(c.text, _in_grid(c.where, block.page, table_no, c.row, c.col)) for c in grid_row]
                rows.append(_split(len(rows), pieces, grid=True))
    rows = _gather_figures(rows)
    _attach_prefixes(rows)
    return rows


def _in_grid(w: Where, page: int | None, table: int, row: int, col: int) -> Where:
    """`dataclasses.replace(w, page=w.page or page, table=…, row=…, col=…)`, at a fraction of its cost."""
    return Where(
        page=w.page or page,
        line=w.line,
        table=table,
        row=row,
        col=col,
        x0=w.x0,
        top=w.top,
        x1=w.x1,
        bottom=w.bottom,
        confidence=w.confidence,
    )


def _line_rows(index: int, line: Line) -> list[DocRow]:
    """A text line as one row, or as the rows a line of glued cells holds."""
    texts = [p for p in line.cells if p.text.strip()]
    glued = unglue(texts[0].text) if len(texts) == 1 else None
    if not glued:
        return [_split(index, line.cells)]
    where = texts[0].where
    out = []
    for n, (label, runs) in enumerate(glued):
        row = _split(index + n, [Piece(label, where), *(Piece(run, where) for run in runs)])
        row.glued = True
        out.append(row)
    return out


# "不予公开-国家秘密", "其他处理—逾期不补正": a group's name and the row's own, joined by a dash or a dot.
_GROUP_JOIN = re.compile(r"(?<=[\u3400-\u9fff）)])\s*[-－—–·•:：]\s*(?=[\u3400-\u9fff（(])")


def _unjoin(cells: list[Piece]) -> tuple[list[Piece], bool]:
    """A label cell naming its group before the row ("不予公开-国家秘密") as two label cells."""
    out: list[Piece] = []
    joined = False
    for piece in cells:
        parts = _GROUP_JOIN.split(piece.text)
        if len(parts) == 2 and all(p.strip() for p in parts) and parse_cell(piece.text).kind == "text":
            out += [Piece(parts[0], piece.where), Piece(parts[1], piece.where)]
            joined = True
        else:
            out.append(piece)
    return out, joined


def _split(index: int, cells: list[Piece], grid: bool = False) -> DocRow:
    """Label cells are the text cells up to the last one; every cell after it is a value slot.

    On a text line, a cell of figures apart by spaces ("0 0 0") is several
    slots; in a grid a cell is one column, so "14 952" is one number (its
    thousands apart by a space) and "4 2" no number at all.
    """
    cells = _peel_figures(cells)
    parsed = [parse_cell(p.text) for p in cells]
    last_text = max((i for i, p in enumerate(parsed) if p.kind == "text" and split_numbers(p.raw) is None), default=-1)
    row = DocRow(index=index, cells=cells, labels=[c for c in cells[: last_text + 1] if c.text.strip()], grid=grid)
    lone_text = len(cells) == 1 and parsed[0].kind != "number" and split_numbers(parsed[0].raw) is None
    if last_text == len(cells) - 1 or (last_text == -1 and lone_text):
        return row  # prose, a heading or a header row: no value cells
    for piece, p in zip(cells[last_text + 1 :], parsed[last_text + 1 :], strict=True):
        many = split_numbers(piece.text) if p.kind == "text" and not grid else None
        for part in many or [p]:
            row.slots.append(Slot(part, piece.where))
    row.labels, row.grouped = _unjoin(row.labels)  # a row of figures: its label may name its group first
    return row


def _peel_figures(cells: list[Piece]) -> list[Piece]:
    """Figures in the label's own cell ("规章 0 0 0", a text layer with no tab stops) become cells."""
    for i in range(len(cells) - 1, -1, -1):
        if parse_cell(cells[i].text).kind == "blank":
            continue
        tokens = cells[i].text.split()
        n = len(tokens)
        while n > 1 and parse_cell(tokens[n - 1]).kind in ("number", "placeholder"):
            n -= 1
        figures = [parse_cell(t) for t in tokens[n:]]
        if n == len(tokens) or not any(f.kind == "number" for f in figures):
            return cells
        if parse_cell(tokens[n - 1]).kind in ("number", "placeholder"):
            return cells  # figures only ("119 118", "0 0 0"): a cell of figures, not a label with figures in it
        head = Piece(" ".join(tokens[:n]), cells[i].where)
        return [*cells[:i], head, *(Piece(t, cells[i].where) for t in tokens[n:]), *cells[i + 1 :]]
    return cells


def _gather_figures(rows: list[DocRow]) -> list[DocRow]:
    """Figures printed after their label instead of beside it become one row with it.

    A run of lines holding one figure each (blank lines between them allowed)
    is one row; a short label-only row just before the run takes it as its
    cells. So does a line of several bare figures right after such a label.
    A lone figure after a blank line is left alone: it is most likely a page number.
    """
    out: list[DocRow] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if not _bare(row):
            out.append(row)
            i += 1
            continue
        run, i, crossed_blank = _run(rows, i)
        host = next((k for k in range(len(out) - 1, -1, -1) if out[k].cells), None)
        blank_before = host is not None and host < len(out) - 1
        takes = (
            host is not None
            and bool(out[host].labels)
            and not out[host].slots
            and not out[host].grid
            and _short_label(out[host])
            and _left_of(out[host], run)
        )
        if len(run) == 1 and blank_before and len(run[0].slots) == 1:
            takes = False
        cells = [c for r in run for c in r.cells if c.text.strip()] if len(run) > 1 else run[0].cells
        if takes and host is not None:
            del out[host + 1 :]
            out[host] = _split(out[host].index, out[host].cells + cells)
        elif len(run) > 1 or crossed_blank:
            out.append(_split(run[0].index, cells))
        else:
            out.append(row)
    for index, row in enumerate(out):
        row.index = index
    return out


def _bare(row: DocRow) -> bool:
    """Figures without a label, on a text line (a grid row's cells are where the table put them: never moved)."""
    return row.is_data and not row.labels and bool(row.filled()) and not row.grid


def _single(row: DocRow) -> bool:
    return _bare(row) and len(row.filled()) == 1 and len(row.slots) <= 2


def _run(rows: list[DocRow], i: int) -> tuple[list[DocRow], int, bool]:
    """The bare row at i and, if it holds one figure, the one-figure rows after it; blank lines skipped."""
    run = [rows[i]]
    j = i + 1
    crossed = False
    if not _single(rows[i]):
        return run, j, crossed
    while j < len(rows):
        k = j
        while k < len(rows) and not rows[k].cells:
            k += 1
        if k < len(rows) and _single(rows[k]):
            crossed = crossed or k > j
            run.append(rows[k])
            j = k + 1
        else:
            break
    return run, j, crossed


def _left_of(host: DocRow, run: list[DocRow]) -> bool:
    """On a page, a label stands left of its figures: text above them (a table's headings) is no label."""
    labels = [p.where.box for p in host.labels]
    figures = [s.where.box for r in run for s in r.filled()]
    if not all(labels) or not figures or not all(figures):
        return True  # no positions: only the order of lines to go by
    return max(b[2] for b in labels if b) <= min(b[0] for b in figures if b)


def _short_label(row: DocRow) -> bool:
    return len("".join(p.text for p in row.labels)) <= MAX_LABEL_ROW


def _attach_prefixes(rows: list[DocRow]) -> None:
    """A label broken over lines: the short label-only line just before a data row may be its start."""
    for prev, row in zip(rows, rows[1:], strict=False):
        if row.is_data and not prev.is_data and prev.labels:
            text = "".join(p.text for p in prev.labels)
            if len(text.strip()) <= MAX_WRAP_PREFIX:
                row.prefix = text
