"""Readings that need the rules: which of them the tables' rules confirm, searched over each table at once.

Each doubtful row brings its readings (`recognise.place`): the splits of
its digit runs that keep its own sums, its figures aligned right, or its
figures in template order. Over one table, every combination of readings
under which the rules still hold is found (a bounded search: interval
bounds prune it, `rules.derive` judges each complete one). A row that
takes the same reading in every such combination is placed; so is a row
whose split is the only one under its own sums. A reading aligned right or
placed by order must moreover be vouched for: each of its figures sits in
a rule that is checkable and holds without having forced anything. Every
row left unplaced gets a finding with its candidates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai.model import Finding, Number, Report
from gongkai.recognise.place import Proposal, Reading, write
from gongkai.rules import Instance, Key, Readings, Values, count_cells, derive, holds, instances, report_values
from gongkai.template import Template

# Combinations of readings looked at for one table; past this the search stops and says so.
MAX_NODES = 20_000
# Complete combinations kept; more mean the rows that differ between them are not decided anyway.
MAX_SOLUTIONS = 64
# Candidates listed in a finding.
MAX_LISTED = 5

INF = math.inf


@dataclass(eq=False)  # told apart by identity: comparing every field is slow, and no two rows are alike
class _Row:
    """A doubtful row in the search: its proposal, the cells it prints, its readings as values."""

    proposal: Proposal
    keys: tuple[Key, ...]
    options: list[tuple[Number | None, ...]]
    readings: list[Reading]
    chosen: set[int] = field(default_factory=set)


def recover(template: Template, report: Report, proposals: list[Proposal]) -> Readings:
    """Place what the rules confirm of the doubtful proposals; a finding for each row left out.

    Returns the rows left out with their readings: whatever the rules force
    into them later must agree with one of those (`rules.settle`).
    """
    rules = list(instances(template, report))
    is_count = count_cells(template)
    base = report_values(report)
    for key in report.doubtful_cells():  # a figure OCR is unsure of confirms no placement
        base[key] = None
    unplaced: list[tuple[tuple[Key, ...], list[tuple[Number | None, ...]]]] = []
    for table in dict.fromkeys(p.match.table for p in proposals):
        mine = [p for p in proposals if p.match.table == table]
        mine_rules = [r for r in rules if r.rule.table == table]
        unplaced += _recover_table(template, report, mine, base, mine_rules, is_count)
    return unplaced


def _recover_table(
    template: Template,
    report: Report,
    proposals: list[Proposal],
    base: Values,
    rules: list[Instance],
    is_count: Callable[[Key], bool],
) -> Readings:
    rows = [_row(p, base, rules, is_count) for p in proposals]
    live = [r for r in rows if r.options]
    search = _Search(base, rules, live, is_count)
    search.run()
    decided: list[_Row] = []
    for n, row in enumerate(live):
        used = {s[n] for s in search.solutions}
        # one reading: placed if some combination holds (under none, the rules are broken);
        # several: placed if every combination there is takes the same one
        placed = bool(search.solutions) if len(row.options) == 1 else search.complete and len(used) == 1
        if placed:
            row.chosen = used if len(used) == 1 else {0}
            decided.append(row)
    vouched = _vouch(base, rules, decided, is_count)
    table = template.table(proposals[0].match.table)
    unplaced: list[tuple[tuple[Key, ...], list[tuple[Number | None, ...]]]] = []
    for row in rows:
        if row in decided and row.proposal.match.row.index in vouched:
            index = next(iter(row.chosen))
            reading = row.readings[index]
            confirmed = vouched[row.proposal.match.row.index]
            write(report, table, row.proposal.match, reading, confirmed, _note(row, reading, confirmed))
        else:
            report.findings.append(_unplaced(row, search))
            unplaced.append((row.keys, row.options))
    return unplaced


def _row(proposal: Proposal, base: Values, rules: list[Instance], is_count: Callable[[Key], bool]) -> _Row:
    """The proposal's readings that keep the rules of its own row (and the rest of the table) possible."""
    table = proposal.match.table
    keys = tuple((table, r, c) for r, c in proposal.match.printed.cells)
    mine = set(keys)
    own = [i for i in rules if i.key_set <= mine]
    row = _Row(proposal, keys, [], [])
    for reading in proposal.readings:
        values = tuple(s.parsed.value if s is not None and s.parsed.kind == "number" else None for s in reading.slots)
        trial = dict(base)
        trial.update(zip(keys, values, strict=True))
        derivation = derive(trial, own, is_count)
        if not derivation.contradictions and all(holds(trial, i) is not False for i in own):
            row.options.append(values)
            row.readings.append(reading)
    return row


class _Search:
    """Every combination of the rows' readings under which the table's rules hold (up to the limits)."""

    def __init__(self, base: Values, rules: list[Instance], rows: list[_Row], is_count: Callable[[Key], bool]):
        self.base, self.rules, self.is_count = base, rules, is_count
        self.rows = rows
        self.order = sorted(range(len(rows)), key=lambda i: len(rows[i].options))
        mine = {k for r in rows for k in r.keys}
        self.touched = [i for i in rules if mine & i.key_set]
        self.by_row = [[i for i in self.touched if not i.key_set.isdisjoint(r.keys)] for r in rows]
        self.solutions: list[tuple[int, ...]] = []
        self.nodes = 0
        self.complete = True
        # Every cell of the rules searched: a doubtful row's cells span its readings until one is tried,
        # then its figures; the other cells stay as the document has them all through the search.
        self.bounds = {k: self._value_bounds(k, base) for i in self.touched for k in i.keys if k not in mine}
        self.base_failures = self._failures(base)  # the document's own errors are not the readings' fault

    def run(self) -> None:
        if not self.rows:
            return
        values = dict(self.base)
        for row in self.rows:
            for n, key in enumerate(row.keys):
                self.bounds[key] = _range([o[n] for o in row.options], self.is_count(key))
        self.tried = [  # each row's readings as bounds: a figure bounds itself, a blank as any unknown
            [tuple(self._value_bounds(k, dict(zip(row.keys, o, strict=True))) for k in row.keys) for o in row.options]
            for row in self.rows
        ]
        self._walk(0, values, [0] * len(self.rows))

    def _walk(self, depth: int, values: Values, picks: list[int]) -> None:
        if len(self.solutions) >= MAX_SOLUTIONS or self.nodes >= MAX_NODES:
            self.complete = False
            return
        self.nodes += 1
        if depth == len(self.order):
            if self._holds(values):
                self.solutions.append(tuple(picks))
            return
        index = self.order[depth]
        row = self.rows[index]
        saved = {k: self.bounds[k] for k in row.keys}
        for n, option in enumerate(row.options):
            trial = dict(values)
            trial.update(zip(row.keys, option, strict=True))
            self.bounds.update(zip(row.keys, self.tried[index][n], strict=True))
            if self._feasible(self.by_row[index]):
                picks[index] = n
                self._walk(depth + 1, trial, picks)
            self.bounds.update(saved)

    def _feasible(self, rules: list[Instance]) -> bool:
        """Whether these rule instances can still hold, by the bounds of the cells not yet read."""
        bounds = self.bounds
        for inst in rules:
            lo = hi = 0.0
            for key in inst.left:
                a, b = bounds[key]
                lo, hi = lo + a, hi + b
            for key in inst.right:
                a, b = bounds[key]
                lo, hi = lo - b, hi - a
            if lo > 0 or hi < 0:
                return False
        return True

    def _value_bounds(self, key: Key, values: Values) -> tuple[float, float]:
        v = values.get(key)
        if v is not None:
            return _bound(v), _bound(v)
        return (0.0, INF) if self.is_count(key) else (-INF, INF)

    def _failures(self, values: Values) -> set[int]:
        """The rule instances that contradict or do not hold once the rules forced what they can."""
        trial = dict(values)
        derivation = derive(trial, self.rules, self.is_count)
        broken = {n for n, _, _ in derivation.contradictions}
        return broken | {n for n, inst in enumerate(self.rules) if holds(trial, inst) is False}

    def _holds(self, values: Values) -> bool:
        """Whether the readings break no rule that the document's certain figures alone do not break already."""
        return not self._failures(values) - self.base_failures


def _range(options: list[Number | None], count: bool) -> tuple[float, float]:
    if any(v is None for v in options):
        return (0.0, INF) if count else (-INF, INF)
    values = [_bound(v) for v in options if v is not None]
    return min(values), max(values)


def _bound(value: Number) -> float:
    """A value as a bound for pruning: one too large for a float bounds nothing (the exact check decides)."""
    try:
        return float(value)
    except OverflowError:
        return INF if value > 0 else -INF


def _vouch(
    base: Values, rules: list[Instance], rows: list[_Row], is_count: Callable[[Key], bool]
) -> dict[int, tuple[str, ...]]:
    """The decided rows whose readings the rules confirm, with the rules that do (row index → rule ids).

    Splits are confirmed by the sums that chose them. A reading aligned right
    or placed by order is confirmed only when each of its figures sits in a
    checkable rule instance that holds and forced nothing (an instance that
    forced a cell holds by construction). Dropping one such reading can take
    the confirmation of another, so this repeats until nothing changes.
    """
    keep = list(rows)
    while True:
        values = dict(base)
        for row in keep:
            values.update(zip(row.keys, row.options[next(iter(row.chosen))], strict=True))
        derivation = derive(values, rules, is_count)
        forcing = derivation.forcing
        sound = [i for n, i in enumerate(rules) if n not in forcing and holds(values, i)]
        out: dict[int, tuple[str, ...]] = {}
        dropped = False
        for row in keep:
            index = row.proposal.match.row.index
            reading = row.readings[next(iter(row.chosen))]
            if reading.how == "split" or reading.how is None:
                out[index] = _split_rules(row, rules)
                continue
            option = row.options[next(iter(row.chosen))]
            figures = [k for k, v in zip(row.keys, option, strict=True) if v is not None]
            own = set(row.keys) if reading.how == "by_order" else set()  # a row's own sum says nothing of its place
            used: dict[str, None] = {}
            for key in figures:
                witness = next((i for i in sound if key in i.key_set and not i.key_set <= own), None)
                if witness is None:
                    break
                used[witness.rule.id] = None
            else:
                out[index] = tuple(used)
                continue
            keep.remove(row)
            dropped = True
        if not dropped:
            return out


def _split_rules(row: _Row, rules: list[Instance]) -> tuple[str, ...]:
    """The rules that decided a split: its row's own sums, and the table's rules over it when it had a choice."""
    keys = set(row.keys)
    own = {i.rule.id for i in rules if i.key_set <= keys}
    if len(row.options) > 1:
        own |= {i.rule.id for i in rules if not i.key_set.isdisjoint(keys)}
    return tuple(sorted(own))


def _note(row: _Row, reading: Reading, confirmed: tuple[str, ...]) -> str | None:
    rules = ", ".join(confirmed) or "no rule (the only possible split)"
    printed = row.proposal.printed
    if reading.how == "split":
        return f"split from {printed!r} by the rules: {rules}"
    if reading.how == "aligned_right":
        return f"aligned right in a row that lost cells at its left ({printed!r}); confirmed by {rules}"
    if reading.how == "by_order":
        return f"a row without its label, placed in template order ({printed!r}); confirmed by {rules}"
    return None


def _unplaced(row: _Row, search: _Search) -> Finding:
    match = row.proposal.match
    hows = {r.how for r in row.proposal.readings}
    candidates = [list(o) for o in row.options]
    if not row.options:
        why = "no reading of its figures keeps the row's own rules"
        code = "split_refused" if "split" in hows else "placement_refused"
    elif len(row.options) > 1:
        why = f"{len(row.options)} readings keep the rules and the table does not decide between them"
        code = "split_ambiguous"
    elif not search.complete:
        why = "the search over the table's rules stopped at its limit before deciding"
        code = "placement_unconfirmed"
    elif not search.solutions:
        why = "under no reading of the table's doubtful rows do its rules hold (the document may break them)"
        code = "placement_unconfirmed"
    else:
        why = "no rule checks where its figures belong"
        code = "placement_unconfirmed"
    if "aligned_right" in hows:
        what = "aligned right (the row lost cells at its left)"
    elif "by_order" in hows:
        what = "placed by order (the row has no label)"
    else:
        what = "split"
    return Finding(
        code=code,
        message=f"row {match.printed.row} prints {row.proposal.printed!r}: it could be {what}, but {why}; "
        "none of it was placed",
        table=match.table,
        row=match.printed.row,
        figures={"printed": row.proposal.printed, "candidates": candidates[:MAX_LISTED], "readings": len(candidates)},
        where=next((s.where for s in match.row.slots if not s.blank), None),
    )
