"""The checks of one report: the values the rules force go into cells, then every rule is tallied.

The solving itself is `gongkai.rules`; this writes its results into the
report: forced cells marked `derived` with their rule, contradictions and
broken rules as findings, and per rule how many instances passed, failed
or could not be checked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gongkai.model import OCR_CONFIDENT, Cell, Finding, Number, Report, RuleCheck
from gongkai.rules import Instance, Key, Readings, count_cells, holds, instances, report_values, settle
from gongkai.template import Template

__all__ = ["OCR_CONFIDENT", "check", "instances"]


def check(template: Template, report: Report, unplaced: Readings = ()) -> None:
    """Fill in what the rules force, then record how every rule fared.

    `unplaced` are rows whose printed figures were not placed, with the ways
    of reading them: a value forced into such a row must agree with one.
    Figures OCR read with a confidence under `OCR_CONFIDENT` are set aside
    while the rules are solved: one a rule forces takes the forced value (or
    is confirmed by it); the others are left empty, the reading kept as the
    cell's raw text and in a warning (a wrong figure is worse than none).
    """
    rules = list(instances(template, report))
    values = report_values(report)
    doubtful = report.doubtful_cells()
    for key in doubtful:
        values[key] = None
    derivation, refused = settle(values, rules, count_cells(template), unplaced)
    for (t, r, c), (value, n) in derivation.forced.items():
        old = report.tables[t][r][c]
        if (t, r, c) in doubtful:
            report.tables[t][r][c], finding = _reread(old, value, rules[n].rule.id, (t, r, c))
            if finding is not None:
                report.findings.append(finding)
            continue
        report.tables[t][r][c] = Cell(value=value, raw=old.raw, where=old.where, derived=rules[n].rule.id)
    for (t, r, c), cell in doubtful.items():
        if (t, r, c) not in derivation.forced:  # no rule says: the reading is kept as raw text, the value left out
            report.tables[t][r][c] = replace(cell, value=None, note=f"{_read_as(cell)}, which no rule confirms")
            report.findings.append(_unconfirmed(cell, (t, r, c), refused.pop((t, r, c), None)))
    for (t, r, c), why in refused.items():
        report.findings.append(
            Finding(
                code="derivation_refused",
                message=f"{r}.{c} is left empty: {why}",
                table=t,
                row=r,
                column=c,
            )
        )
    for n, unknown, need in derivation.contradictions:
        report.findings.append(_contradiction(report, rules[n], unknown, need))
    report.checks = {}  # only rules that apply to what was printed (not （六）'s sub-rows in a one-row table)
    for inst in rules:
        tally = report.checks.setdefault(inst.rule.id, RuleCheck())
        result = holds(values, inst)
        if result is None:
            tally.not_checkable += 1
        elif result:
            tally.passed += 1
        else:
            tally.failed += 1
            report.findings.append(_violation(report, inst))


def _side(report: Report, keys: tuple[Key, ...]) -> dict[str, Number | None]:
    return {f"{r}.{c}": report.tables[t][r][c].value for t, r, c in keys}


def _violation(report: Report, inst: Instance) -> Finding:
    left, right = _side(report, inst.left), _side(report, inst.right)
    left_sum: Number = sum((v for v in left.values() if v is not None), 0)
    right_sum: Number = sum((v for v in right.values() if v is not None), 0)
    names = " + ".join(left) + " = " + " + ".join(right)
    message = f"{inst.rule.id}: {names} does not hold ({left_sum} ≠ {right_sum})"
    figures = {"left": left, "right": right, "left_sum": left_sum, "right_sum": right_sum}
    return _finding("rule_violated", inst, message, figures)


def _contradiction(report: Report, inst: Instance, unknown: list[Key], need: Number) -> Finding:
    cells = ", ".join(f"{r}.{c}" for _, r, c in unknown)
    message = f"{inst.rule.id}: the printed figures would force {cells} to sum to {need}, which no count can be"
    figures = {"left": _side(report, inst.left), "right": _side(report, inst.right), "unknown_sum": need}
    return _finding("contradiction", inst, message, figures)


def _finding(code: str, inst: Instance, message: str, figures: dict[str, Any]) -> Finding:
    return Finding(
        code=code, severity="error", rule=inst.rule.id, table=inst.rule.table, message=message, figures=figures
    )


def _read_as(cell: Cell) -> str:
    confidence = cell.where.confidence if cell.where is not None else None
    return f"OCR read {cell.raw!r} with confidence {confidence:.2f}"


def _reread(cell: Cell, value: Number, rule: str, key: Key) -> tuple[Cell, Finding | None]:
    """A doubtful figure a rule forces: confirmed when it is what OCR read, else the forced value, marked."""
    t, r, c = key
    if value == cell.value:
        note = f"{_read_as(cell)}; {rule} confirms it"
        return replace(cell, note=note, confirmed_by=(*cell.confirmed_by, rule)), None
    note = f"{_read_as(cell)}; {rule} forces {value}"
    forced = replace(cell, value=value, derived=rule, note=note, placed=None, confirmed_by=())
    finding = Finding(
        code="ocr_corrected",
        message=f"{r}.{c}: {note}, which is taken",
        rule=rule,
        table=t,
        row=r,
        column=c,
        figures={"read": cell.value, "forced": value, "confidence": cell.where.confidence if cell.where else None},
        where=cell.where,
    )
    return forced, finding


def _unconfirmed(cell: Cell, key: Key, refused: str | None) -> Finding:
    t, r, c = key
    why = f" ({refused})" if refused else ""
    return Finding(
        code="ocr_unconfirmed",
        message=f"{r}.{c} is left empty: {_read_as(cell)}, and no rule confirms it{why}; check it against the page",
        table=t,
        row=r,
        column=c,
        figures={"read": cell.value, "confidence": cell.where.confidence if cell.where else None},
        where=cell.where,
    )
