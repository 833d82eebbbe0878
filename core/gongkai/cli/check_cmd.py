"""`gongkai check INPUT...`: what was recognised and what does not add up, for a person to read."""

from __future__ import annotations

import argparse
import sys

from gongkai.batch import Outcome, Task, TaskOptions
from gongkai.cli import EXIT_FAILED, EXIT_NO_READER, EXIT_OK, EXIT_USAGE, say
from gongkai.cli.bulk import WINDOW, make_executor
from gongkai.cli.convert_cmd import (
    DEFAULT_MEMORY_MB,
    DEFAULT_RECYCLE,
    DEFAULT_TIMEOUT,
    add_reader_options,
    check_encoding,
    reader_options,
)
from gongkai.cli.inputs import InputFile, collect, read_stdin
from gongkai.model import Finding, Report
from gongkai.plugins import get_registry


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="show what was recognised in reports and which rules they break",
        description="Show the template, the tables found, derived cells and every finding.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--from", dest="reader", help="reader to use instead of guessing from the content")
    p.add_argument("--encoding", help="text encoding of the inputs")
    add_reader_options(p)
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes; 1 reads in this process, no limits")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="time limit per file")
    p.add_argument("--max-memory", type=int, default=DEFAULT_MEMORY_MB, metavar="MB", help="memory cap per worker")
    p.set_defaults(run=run, recycle=DEFAULT_RECYCLE)


class Tally:
    """Counts outcomes and prints one line per failure, naming the file and the cause."""

    def __init__(self) -> None:
        self.ok = self.failed = self.no_reader = 0

    def fail(self, name: str, cause: str, no_reader: bool = False) -> None:
        say(f"gongkai: {name}: {cause}")
        if no_reader:
            self.no_reader += 1
        else:
            self.failed += 1

    def exit_code(self) -> int:
        if self.failed:
            return EXIT_FAILED
        return EXIT_NO_READER if self.no_reader else EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Each input read in a worker under the same limits as a batch (one small file can take a machine)."""
    bad_encoding = check_encoding(args.encoding)
    if bad_encoding:
        say(f"gongkai: --encoding {args.encoding}: {bad_encoding}")
        return EXIT_USAGE
    inputs, problems = collect(args.inputs)
    tally = Tally()
    for problem in problems:
        tally.fail(*problem)
    if not inputs:
        return tally.exit_code()
    options = TaskOptions(args.reader, args.encoding, reader_options(args), args.max_memory or None)
    stdin = any(inp.path is None for inp in inputs)
    executor = make_executor(args, options, None, stdin, len(inputs))
    tasks = (Task(i, inp.name, read_stdin() if inp.path is None else str(inp.path)) for i, inp in enumerate(inputs))
    done: dict[int, Outcome] = {}
    following = 0
    try:
        for index, outcome in executor.run(tasks, window=WINDOW):
            done[index] = outcome
            while following in done:  # in input order, whatever order the workers finish in
                _show(inputs[following], done.pop(following), tally)
                following += 1
    finally:
        executor.close()
    return tally.exit_code()


def _show(inp: InputFile, outcome: Outcome, tally: Tally) -> None:
    if outcome.report is None:
        tally.fail(inp.name, outcome.error or outcome.kind or "failed", no_reader=outcome.kind == "no_reader")
        return
    tally.ok += 1
    for line in describe(outcome.load_report(), inp.name).split("\n"):
        say(line, sys.stdout)


def describe(report: Report, name: str) -> str:
    meta = report.meta
    cells = [c for rows in report.tables.values() for cols in rows.values() for c in cols.values()]
    derived = sum(1 for c in cells if c.derived)
    read = sum(1 for c in cells if c.value is not None and not c.derived)
    lines = [
        name,
        f"  title      {meta.title or '-'}",
        f"  agency     {meta.agency or '-'}   year {meta.year or '-'}   published {meta.published or '-'}",
        f"  template   {report.template_reason}",
        f"  status     {report.status}; layouts: " + ", ".join(f"{t} {lay}" for t, lay in report.layouts.items()),
        f"  cells      {read} read, {derived} derived, {len(cells) - read - derived} without a value",
    ]
    for rule, tally in report.checks.items():
        lines.append(
            f"  rule       {rule}: {tally.passed} passed, {tally.failed} failed, {tally.not_checkable} not checkable"
        )
    if report.findings:
        lines.append("  findings")
        lines.extend(f"    [{f.severity}] {_label(report, f)}{f.message}" for f in report.findings)
    lines.extend(_inferred(report))
    return "\n".join(lines)


def _inferred(report: Report) -> list[str]:
    """The cells placed by inference, a line per row: how, the values, the rules that confirmed them."""
    rows: dict[tuple[str, str, str], list[str]] = {}
    confirmed: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for table, row, col, cell in report.inferred_cells():
        key = (table, row, cell.placed or "")
        rows.setdefault(key, []).append(f"{col}={cell.value}")
        confirmed[key] = cell.confirmed_by
    if not rows:
        return []
    lines = ["  inferred"]
    for (table, row, how), cells in rows.items():
        label = _label(report, Finding(code="", message="", table=table, row=row))
        rules = ", ".join(confirmed[(table, row, how)]) or "-"
        lines.append(f"    [{how}] {label}{table}.{row}: {' '.join(cells)}; confirmed by {rules}")
    return lines


def _label(report: Report, finding: Finding) -> str:
    """The Chinese label of the row a finding is about, so a person can find it in the document."""
    template = get_registry().templates.get(report.template or "")
    if template is None or not finding.table or not finding.row:
        return ""
    try:
        return f"「{template.table(finding.table).row(finding.row).label}」 "
    except StopIteration:
        return ""
