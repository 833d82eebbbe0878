"""The consistency rules (勾稽关系): values they force, and the findings when they break.

Every rule instance is a linear equation sum(left) = sum(right) over cells.
Counts are never negative, so an instance whose unknown cells all sit on one
side is solved when one cell is unknown, or when the unknowns must sum to 0.
A solution that would be negative or fractional is a contradiction: it is
reported, never written into a cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gongkai.model import Cell, Finding, Number, Report, RuleCheck
from gongkai.template import RuleDef, Template

Key = tuple[str, str, str]  # table, row, column


@dataclass(frozen=True)
class Instance:
    rule: RuleDef
    left: tuple[Key, ...]
    right: tuple[Key, ...]


def instances(template: Template, report: Report) -> Iterator[Instance]:
    """Every applicable instance of every rule, for the layouts the report printed."""
    for rule in template.rules:
        if rule.table not in report.tables:
            continue
        if rule.layouts and report.layouts.get(rule.table) not in rule.layouts:
            continue
        table = template.table(rule.table)
        if rule.each == "column":
            for col in table.columns:
                yield Instance(
                    rule,
                    tuple((rule.table, r, col) for r in rule.left),
                    tuple((rule.table, r, col) for r in rule.right),
                )
        else:
            printed = {c[0] for p in table.printed_rows(report.layouts.get(rule.table)) for c in p.cells}
            for row in table.rows:
                values = report.tables[rule.table][row.id].values()
                if row.id not in printed and all(cell.value is None for cell in values):
                    continue  # a row this layout does not print (e.g. sub-rows of a one-row （六）)
                cols = table.row_columns(row.id)
                if set(rule.left) | set(rule.right) <= set(cols):
                    yield Instance(
                        rule,
                        tuple((rule.table, row.id, c) for c in rule.left),
                        tuple((rule.table, row.id, c) for c in rule.right),
                    )


def check(template: Template, report: Report) -> None:
    """Fill in what the rules force, then record how every rule fared."""
    rules = list(instances(template, report))
    _derive(template, report, rules)
    report.checks = {}  # only rules that apply to what was printed (not （六）'s sub-rows in a one-row table)
    for inst in rules:
        left, right = _values(report, inst.left), _values(report, inst.right)
        tally = report.checks.setdefault(inst.rule.id, RuleCheck())
        if None in left or None in right:
            tally.not_checkable += 1
        elif sum(left) == sum(right):  # type: ignore[arg-type]
            tally.passed += 1
        else:
            tally.failed += 1
            report.findings.append(_violation(report, inst))


def _values(report: Report, keys: tuple[Key, ...]) -> list[Number | None]:
    return [report.tables[t][r][c].value for t, r, c in keys]


def _is_count(template: Template, key: Key) -> bool:
    return template.table(key[0]).columns[key[2]].type == "count"


def _derive(template: Template, report: Report, rules: list[Instance]) -> None:
    contradicted: set[int] = set()
    changed = True
    while changed:
        changed = False
        for n, inst in enumerate(rules):
            if n in contradicted:
                continue
            unknown = [k for k in inst.left + inst.right if report.tables[k[0]][k[1]][k[2]].value is None]
            if not unknown or not all(_is_count(template, k) for k in unknown):
                continue
            if any(k in inst.left for k in unknown) and any(k in inst.right for k in unknown):
                continue
            side, other = (inst.left, inst.right) if unknown[0] in inst.left else (inst.right, inst.left)
            known: Number = sum((v for v in _values(report, side) if v is not None), 0)
            rest: Number = sum(_values(report, other), 0)  # type: ignore[arg-type]
            need = rest - known
            if len(unknown) > 1 and need != 0:
                if need < 0:
                    contradicted.add(n)
                    report.findings.append(_contradiction(report, inst, unknown, need))
                continue
            if need < 0 or (isinstance(need, Decimal) and need != need.to_integral_value()):
                contradicted.add(n)
                report.findings.append(_contradiction(report, inst, unknown, need))
                continue
            for t, r, c in unknown:
                old = report.tables[t][r][c]
                report.tables[t][r][c] = Cell(
                    value=int(need) if len(unknown) == 1 else 0,
                    raw=old.raw,
                    where=old.where,
                    derived=inst.rule.id,
                )
            changed = True


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
