"""A matched row's figures as readings of the template row's cells: certain, to be confirmed, or none at all.

A reading is certain when the row has exactly as many figures as the
template row has cells (or as many cells once trailing blanks are
dropped), when a grid's cells stand in known columns, or when a text
layer's figures stand under known column bands. Otherwise the document
leaves room for doubt, and a reading stands only where the rules confirm it
(`recognise.recover`): a text line that visibly lost cells at its left is
read aligned right; runs of digits are read by every split that keeps the
row's own sums; a row without a label is read in template order. A row
with none of these goes into a finding, and the rules may still determine
its cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.model import Cell, Finding, Placement, Report, Severity
from gongkai.numbers import Parsed, figure_text
from gongkai.recognise.align import Match
from gongkai.recognise.columns import Columns
from gongkai.recognise.rows import Slot
from gongkai.recognise.split import Sum, TooMany, splits
from gongkai.template import ColumnDef, TableDef, Template

NEEDS_RULES: frozenset[Placement] = frozenset({"aligned_right", "split", "by_order"})


@dataclass(frozen=True)
class Reading:
    """One way to read a row's figures: a slot (or nothing) per printed cell, and how it was arrived at."""

    slots: tuple[Slot | None, ...]
    how: Placement | None = None


@dataclass
class Proposal:
    match: Match
    readings: list[Reading] = field(default_factory=list)
    printed: str = ""  # the row's figures as printed, for findings

    @property
    def certain(self) -> bool:
        return len(self.readings) == 1 and self.readings[0].how not in NEEDS_RULES


def propose(match: Match, template: Template, columns: Columns) -> Proposal | Finding:
    """The readings of a matched row, or the finding that says why there is none."""
    row, n = match.row, len(match.printed.cells)
    slots = row.slots
    filled = [s for s in slots if not s.blank]
    printed = " ".join(s.parsed.raw.strip() for s in filled)
    proposal = Proposal(match, printed=printed)
    if match.by_order:
        if len(filled) == n or (row.grid and len(slots) == n):
            proposal.readings = [Reading(tuple(filled if len(filled) == n else slots), "by_order")]
            return proposal
        return _finding(match, filled, n)
    if row.grid:
        chosen = list(slots) if len(slots) == n else columns.grid_place(match) or _grid_slots(slots, n)
        if chosen is None:
            return _finding(match, filled, n)
        proposal.readings = [Reading(tuple(chosen))]
        return proposal
    runs = row.glued or any(_is_run(s.parsed) for s in filled)
    if len(filled) == n and not runs:
        proposal.readings = [Reading(tuple(filled))]
        return proposal
    by_tab = columns.grid_place(match) if not runs else None  # tab stops that every whole row agrees on
    if by_tab is not None:
        proposal.readings = [Reading(tuple(by_tab))]
        return proposal
    trimmed, lead = _trimmed(slots, n)
    if len(trimmed) == n and not runs:
        # Blank cells after the last figure are no evidence of anything (a trailing tab). With a blank first
        # cell left, the last figure may as well be in the last column as in the one before: the rules decide.
        shifted = trimmed[0].blank and lead == 0 and len(trimmed) < len(slots)
        proposal.readings = [Reading(tuple(trimmed), "aligned_right" if shifted else None)]
        return proposal
    by_band = columns.band_place(match) if not runs else None
    if by_band is not None:
        proposal.readings = [Reading(tuple(by_band), "by_position")]
        return proposal
    if len(trimmed) < n and any(s.blank for s in trimmed) and not runs:
        missing = n - len(trimmed)
        proposal.readings = [Reading((None,) * missing + tuple(trimmed), "aligned_right")]
        return proposal
    if not filled:
        return proposal  # nothing printed: a blank row, nothing to place
    try:
        readings = _split_readings(match, template, filled)
    except TooMany as exc:
        return _finding(match, filled, n, f"its figures split in too many ways ({exc}); none was placed")
    if readings is None:
        return _finding(match, filled, n)
    proposal.readings = readings
    return proposal


def _grid_slots(slots: list[Slot], n: int) -> list[Slot] | None:
    """A grid row whose cells are the template row's cells, once blank columns at either end are dropped."""
    if len(slots) == n:
        return list(slots)
    first = next((i for i, s in enumerate(slots) if not s.blank), None)
    if first is None:
        return None
    last = max(i for i, s in enumerate(slots) if not s.blank)
    if last - first + 1 == n:  # the figures fill exactly n columns: the blank columns around them are extra
        return list(slots[first : last + 1])
    if len(slots) > n and first == 0 and all(s.blank for s in slots[n:]):
        return list(slots[:n])  # blank columns after the last one
    return None


def _trimmed(slots: list[Slot], n: int) -> tuple[list[Slot], int]:
    """The slots without trailing blanks, then without leading blanks while more than n; and how many led."""
    trimmed = list(slots)
    while trimmed and trimmed[-1].blank:
        trimmed.pop()
    lead = 0
    while len(trimmed) > n and trimmed[0].blank:
        trimmed.pop(0)
        lead += 1
    return trimmed, lead


def _is_run(p: Parsed) -> bool:
    """A figure that cannot be one cell's as printed: a number of two or more digits with a leading zero."""
    text = figure_text(p.raw).lstrip("+-")
    return p.kind == "number" and len(text) > 1 and text[0] == "0" and text[1] != "."


def _split_readings(match: Match, template: Template, filled: list[Slot]) -> list[Reading] | None:
    if any(s.parsed.kind != "number" or "," in s.parsed.raw for s in filled):
        return None  # a placeholder or a grouped number is a cell of its own: nothing to split
    table = template.table(match.table)
    kinds = [table.columns[c].type for _, c in match.printed.cells]
    tokens = [figure_text(s.parsed.raw) for s in filled]
    found = splits(tokens, kinds, row_sums(template, match))
    if not found:
        return None
    if len(tokens) == len(kinds):  # one figure per cell after all: nothing was cut
        return [Reading(tuple(filled))]
    readings = []
    for parts in found:
        queue = iter(zip(parts, _owners(tokens, parts), strict=True))
        readings.append(Reading(tuple(_part_slot(p, filled[i]) for p, i in queue), "split"))
    return readings


def _owners(tokens: list[str], parts: tuple[str, ...]) -> list[int]:
    """The token each part was cut from."""
    out, token, used = [], 0, 0
    for part in parts:
        if used == len(tokens[token]):
            token, used = token + 1, 0
        out.append(token)
        used += len(part)
    return out


def _part_slot(part: str, slot: Slot) -> Slot:
    value = Decimal(part) if "." in part else int(part)
    return Slot(Parsed("number", part, value), slot.where)


def row_sums(template: Template, match: Match) -> list[Sum]:
    """The row rules (总计 = the sum of its parts) over the printed cells of this row, as indexes."""
    index = {cell: i for i, cell in enumerate(match.printed.cells)}
    out = []
    for rule in template.rules:
        if rule.table != match.table or rule.each != "row" or len(rule.left) != 1:
            continue
        for row in dict.fromkeys(r for r, _ in match.printed.cells):
            total = index.get((row, rule.left[0]))
            parts = [index.get((row, c)) for c in rule.right]
            if total is not None and None not in parts:
                out.append(Sum(total, tuple(p for p in parts if p is not None)))
    return out


def _finding(match: Match, filled: list[Slot], n: int, why: str | None = None) -> Finding:
    figures = [s.parsed.raw.strip() for s in filled]
    code = "too_many_values" if len(figures) > n and why is None else "cells_ambiguous"
    reason = why or "their positions are not certain, so none was placed"
    return Finding(
        code=code,
        message=f"row {match.printed.row} prints {len(figures)} figures for {n} cells; {reason}",
        table=match.table,
        row=match.printed.row,
        figures={"printed": figures},
        where=filled[0].where if filled else None,
    )


def write(
    report: Report,
    table: TableDef,
    match: Match,
    reading: Reading,
    confirmed_by: tuple[str, ...] = (),
    note: str | None = None,
) -> None:
    """Put a reading's slots into the report's cells."""
    for (row_id, col_id), slot in zip(match.printed.cells, reading.slots, strict=True):
        if slot is not None:
            cell = make_cell(slot, table.columns[col_id], report, match.table, row_id, col_id)
            cell.placed, cell.confirmed_by, cell.note = reading.how, confirmed_by, note
            report.tables[match.table][row_id][col_id] = cell


def make_cell(slot: Slot, column: ColumnDef, report: Report, table: str, row: str, col: str) -> Cell:
    p = slot.parsed
    cell = Cell(raw=p.raw, where=slot.where, unit=p.unit or (column.unit if p.kind == "number" else None))
    printed = p.raw.strip()

    def finding(code: str, why: str, severity: Severity = "warning", **figures: object) -> None:
        report.findings.append(
            Finding(
                code=code,
                message=f"{row}.{col} prints {printed!r}, {why}",
                severity=severity,
                table=table,
                row=row,
                column=col,
                figures=figures,
                where=slot.where,
            )
        )

    if p.kind == "placeholder":
        finding("not_a_number", "read as no value", severity="info")
    if p.kind == "text" and printed:
        finding("not_a_figure", "which is not one figure: read as no value", printed=printed)
    if p.kind != "number" or p.value is None:
        return cell
    value = p.value
    if column.type == "amount":
        value = Decimal(value)
    elif isinstance(value, Decimal) or (column.type == "count" and value < 0):
        finding("bad_count", "not a count", printed=printed)
    cell.value = value
    return cell
