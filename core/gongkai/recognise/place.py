"""Putting a matched row's value slots into the template's cells, or saying why not.

Placement is certain when the row holds exactly as many figures as the
template row has cells, or as many cells once trailing blanks are dropped.
A row that lost cells at its left (a merged label cell swallowed them in
the extraction) is aligned right and says so; a row with fewer figures and
no blank cells to show where the gaps are is not guessed at all: its
figures go into a finding and the rules may still determine the cells.
"""

from __future__ import annotations

from decimal import Decimal

from gongkai.model import Cell, Finding, Report
from gongkai.recognise.align import Match
from gongkai.recognise.rows import Slot
from gongkai.template import ColumnDef, TableDef


def place(match: Match, table: TableDef, report: Report) -> None:
    n = len(match.printed.cells)
    chosen, note = _choose_slots(match.row.slots, n, match.row.grid)
    first = match.row.slots[0].where if match.row.slots else None
    if chosen is None:
        figures = [s.parsed.raw.strip() for s in match.row.slots if not s.blank]
        code = "too_many_values" if len(figures) > n else "cells_ambiguous"
        report.findings.append(
            Finding(
                code=code,
                message=f"row {match.printed.row} prints {len(figures)} figures for {n} cells; "
                "their positions are not certain, so none was placed",
                table=match.table,
                row=match.printed.row,
                figures={"printed": figures},
                where=first,
            )
        )
        return
    if note:
        report.findings.append(
            Finding(
                code="aligned_right",
                message=f"row {match.printed.row}: {note}",
                severity="info",
                table=match.table,
                row=match.printed.row,
                where=first,
            )
        )
    for (row_id, col_id), slot in zip(match.printed.cells, chosen, strict=True):
        if slot is not None:
            report.tables[match.table][row_id][col_id] = _cell(
                slot, table.columns[col_id], note, report, match.table, row_id, col_id
            )


def _choose_slots(slots: list[Slot], n: int, grid: bool) -> tuple[list[Slot | None] | None, str | None]:
    filled = [s for s in slots if not s.blank]
    if len(filled) == n:
        return list(filled), None
    if grid and len(slots) == n:  # a real table's cells, blank ones included, are where they were printed
        return list(slots), None
    if len(filled) > n:
        return None, None
    trimmed = list(slots)
    while trimmed and trimmed[-1].blank:
        trimmed.pop()
    while len(trimmed) > n and trimmed[0].blank:
        trimmed.pop(0)
    if len(trimmed) == n:
        return list(trimmed), None
    if len(trimmed) < n and any(s.blank for s in trimmed):
        missing = n - len(trimmed)
        note = f"{len(trimmed)} cells for {n} columns; aligned right (the {missing} leftmost taken as lost)"
        return [None] * missing + list(trimmed), note
    if not filled:
        return [None] * n, None
    return None, None


def _cell(slot: Slot, column: ColumnDef, note: str | None, report: Report, table: str, row: str, col: str) -> Cell:
    p = slot.parsed
    cell = Cell(raw=p.raw, where=slot.where, unit=p.unit or (column.unit if p.kind == "number" else None), note=note)
    if p.kind == "placeholder":
        report.findings.append(
            Finding(
                code="not_a_number",
                message=f"{row}.{col} prints {p.raw.strip()!r}, read as no value",
                severity="info",
                table=table,
                row=row,
                column=col,
                where=slot.where,
            )
        )
    if p.kind != "number" or p.value is None:
        return cell
    value = p.value
    if column.type == "amount":
        value = Decimal(value)
    elif isinstance(value, Decimal) or (column.type == "count" and value < 0):
        report.findings.append(
            Finding(
                code="bad_count",
                message=f"{row}.{col} prints {p.raw.strip()!r}, not a count",
                table=table,
                row=row,
                column=col,
                figures={"printed": p.raw.strip()},
                where=slot.where,
            )
        )
    cell.value = value
    return cell
