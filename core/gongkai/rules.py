"""The consistency rules (勾稽关系) as linear equations over cells: instances, what they force, how they fare.

Every rule instance is sum(left) = sum(right) over cells. Counts are never
negative, so an instance whose unknown cells all sit on one side is solved
when one cell is unknown, or when the unknowns must sum to 0. A solution
that would be negative or fractional is a contradiction, never a value.

This works on a plain map of cell values so that the checks of one report
and the recogniser's search over possible readings share one solver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from gongkai.model import Number, Report
from gongkai.template import RuleDef, Template

Key = tuple[str, str, str]  # table, row, column
Values = dict[Key, Number | None]


@dataclass(frozen=True)
class Instance:
    rule: RuleDef
    left: tuple[Key, ...]
    right: tuple[Key, ...]

    @cached_property  # asked for in every step of the searches over readings: made once
    def keys(self) -> tuple[Key, ...]:
        return self.left + self.right

    @cached_property
    def key_set(self) -> frozenset[Key]:
        return frozenset(self.left + self.right)


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
            continue
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


def report_values(report: Report) -> Values:
    return {
        (t, r, c): cell.value
        for t, rows in report.tables.items()
        for r, cols in rows.items()
        for c, cell in cols.items()
    }


def count_cells(template: Template) -> Callable[[Key], bool]:
    """Whether a cell holds a count: only counts are derived (amounts and signed changes are not summed)."""
    kinds = {t.id: {c.id: c.type for c in t.columns.values()} for t in template.tables}
    return lambda key: kinds.get(key[0], {}).get(key[2]) == "count"


@dataclass
class Derivation:
    """What the rules forced: each cell with its value and the instance that forced it; and the contradictions."""

    forced: dict[Key, tuple[Number, int]] = field(default_factory=dict)
    contradictions: list[tuple[int, list[Key], Number]] = field(default_factory=list)

    @property
    def forcing(self) -> set[int]:
        """The instances that forced a value: they hold by construction, so they vouch for nothing."""
        return {n for _, n in self.forced.values()}


def derive(
    values: Values, rules: Sequence[Instance], is_count: Callable[[Key], bool], blocked: frozenset[Key] = frozenset()
) -> Derivation:
    """Fill `values` in place with what the rules force (never a `blocked` cell); say what contradicts."""
    out = Derivation()
    contradicted: set[int] = set()
    changed = True
    while changed:
        changed = False
        for n, inst in enumerate(rules):
            if n in contradicted:
                continue
            unknown = [k for k in inst.keys if values.get(k) is None]
            if not unknown or not all(is_count(k) and k not in blocked for k in unknown):
                continue
            on_left = [k in inst.left for k in unknown]
            if any(on_left) and not all(on_left):
                continue
            side, other = (inst.left, inst.right) if on_left[0] else (inst.right, inst.left)
            known: Number = sum((v for k in side if (v := values.get(k)) is not None), 0)
            rest: Number = sum((v for k in other if (v := values.get(k)) is not None), 0)
            need = rest - known
            several = len(unknown) > 1
            fractional = not several and isinstance(need, Decimal) and need != need.to_integral_value()
            if need < 0 or fractional:
                contradicted.add(n)
                out.contradictions.append((n, unknown, need))
                continue
            if several and need != 0:
                continue
            for k in unknown:
                values[k] = int(need) if len(unknown) == 1 else 0
                out.forced[k] = (values[k], n)  # type: ignore[assignment]
            changed = True
    return out


def holds(values: Values, inst: Instance) -> bool | None:
    """Whether the instance holds; None when one of its cells is unknown (not checkable)."""
    left = [values.get(k) for k in inst.left]
    right = [values.get(k) for k in inst.right]
    if None in left or None in right:
        return None
    return sum(left) == sum(right)  # type: ignore[arg-type]


def _would_force(values: Values, inst: Instance, key: Key) -> Number | None:
    """The count the instance would give `key` were it unknown (None when no count would do)."""
    left = sum((v for k in inst.left if k != key and (v := values.get(k)) is not None), 0)
    right = sum((v for k in inst.right if k != key and (v := values.get(k)) is not None), 0)
    need = (right - left) if key in inst.left else (left - right)
    if need < 0 or (isinstance(need, Decimal) and need != need.to_integral_value()):
        return None
    return need


Readings = Sequence[tuple[tuple[Key, ...], list[tuple[Number | None, ...]]]]  # a row's cells, its possible figures


def settle(
    values: Values, rules: Sequence[Instance], is_count: Callable[[Key], bool], unplaced: Readings = ()
) -> tuple[Derivation, dict[Key, str]]:
    """Derive, then take back what the rules do not agree on; fill `values` in place.

    A forced cell that another rule would force to another count is what
    one rule says and another denies (a rule that fails whatever the cell
    holds blames the printed figures, not it); a forced cell of a row whose printed figures were
    not placed must agree with one of the ways of reading them. Cells that
    fail either test stay empty (with the reason), and the rest is derived
    again without them.
    """
    blocked: dict[Key, str] = {}
    start = dict(values)
    while True:
        values.clear()
        values.update(start)
        derivation = derive(values, rules, is_count, frozenset(blocked))
        refused: dict[Key, str] = {}
        for inst in rules:
            if holds(values, inst) is not False:
                continue
            for key in inst.keys:
                wanted = _would_force(values, inst, key)
                if key in derivation.forced and wanted is not None and wanted != values[key]:
                    rule = rules[derivation.forced[key][1]].rule.id
                    refused[key] = f"{rule} forces {values[key]}, but {inst.rule.id} would force {wanted}"
        for keys, options in unplaced:
            forced = [(i, k) for i, k in enumerate(keys) if k in derivation.forced]
            if forced and not any(all(o[i] is None or o[i] == values[k] for i, k in forced) for o in options):
                for _, key in forced:
                    refused[key] = f"the rules force {values[key]}, which no reading of the row's printed figures gives"
        if not refused:
            return derivation, blocked
        blocked.update(refused)
