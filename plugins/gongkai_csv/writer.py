"""The CSV writers: long (one row per cell) and wide (one row per report).

Both stream: each report is turned into its rows and written before the
next one is taken, so a data set of any size needs the memory of one report.

Encoding: UTF-8 with a byte-order mark by default (option ``bom=0`` leaves
it out). Excel on Chinese Windows reads a CSV without a BOM as GBK and shows
the Chinese garbled; pandas and R's readr drop the BOM by themselves, and the
csv module reads it away with ``encoding="utf-8-sig"`` (which also reads a
file without one). Rows end in CRLF, the csv module's default and RFC 4180's
line ending; fields are quoted as the csv module's defaults quote them (only
where needed). Numbers are plain numerals: an int as it is, a Decimal as
printed, never in exponent form (`Decimal("1E+3")` → ``1000``) and never
through a float (``96171.6`` stays ``96171.6``); null is an empty field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import BinaryIO

from gongkai.errors import WriteError
from gongkai.model import BOX_DIGITS, CONFIDENCE_DIGITS, Cell, Report, Where

BOM = "\ufeff"

# The long shape: one row per cell. `report` is the report's position in the
# file (1, 2, ...), the key that ties the rows of one report together even
# where two inputs share a path or a sha256. `placed` is how an inferred
# value was put in its cell, `confirmed_by` the rules that confirmed it
# (ids apart by a space). `where_*` are the parts of Cell.where (page, line,
# table, row, column, then the box on the page: x0, top, x1, bottom in
# points, 2 decimals, and the OCR engine's confidence for a figure read from
# a picture), each in its own column so that they can be filtered and
# sorted as numbers.
LONG_HEADER = (
    "report",
    "source",
    "sha256",
    "agency",
    "year",
    "template",
    "table",
    "row",
    "column",
    "value",
    "derived",
    "placed",
    "confirmed_by",
    "raw",
    "unit",
    "note",
    "where_page",
    "where_line",
    "where_table",
    "where_row",
    "where_col",
    "where_x0",
    "where_top",
    "where_x1",
    "where_bottom",
    "where_confidence",
)
LABEL_COLUMNS = ("row_label", "column_label")  # after "column", with the option labels=1

# The wide shape: these leading columns, then one column per table.row.column
# (see `wide_columns`), then `extra`.
WIDE_LEADING = (
    "report",
    "source",
    "sha256",
    "title",
    "agency",
    "year",
    "published",
    "template",
    "status",
    "n_findings",
    "n_derived",
)
WIDE_EXTRA = "extra"

CellKey = tuple[str, str, str]


# --- plain text of values -------------------------------------------------------


def number_text(value: object) -> str:
    """A cell value as a plain numeral; None as the empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return format(value, "f")
    raise ValueError(f"not a number: {value!r}")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def report_name(n: int, report: Report) -> str:
    """How an error names a report: its position and its source."""
    return f"report {n} ({report.source.path or report.source.sha256 or 'no source'})"


def parse_options(options: Mapping[str, str], writer: str, known: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The options with defaults filled in (the first allowed value); an unknown key or value is a WriteError."""
    for key, value in options.items():
        if key not in known:
            raise WriteError(f"unknown option {key!r} for the {writer} writer (known: {', '.join(known)})")
        if value not in known[key]:
            allowed = ", ".join(known[key])
            raise WriteError(f"option {key} of the {writer} writer must be one of {allowed}, not {value!r}")
    return {key: options.get(key, allowed[0]) for key, allowed in known.items()}


# --- output ---------------------------------------------------------------------


class _CsvOut:
    """Rows of one report gathered as text, then written to the binary stream as one piece."""

    def __init__(self, out: BinaryIO, bom: bool) -> None:
        self.out = out
        self.buffer = io.StringIO()
        self.rows = csv.writer(self.buffer)  # QUOTE_MINIMAL, CRLF: the csv module's defaults
        if bom:
            self.buffer.write(BOM)

    def row(self, values: Iterable[str]) -> None:
        self.rows.writerow(values)

    def flush(self, what: str) -> None:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise WriteError(f"{what}: text that is not valid Unicode ({exc.reason})") from exc
        try:
            self.out.write(data)
        except OSError as exc:
            raise WriteError(f"cannot write CSV output: {exc.strerror or exc}") from exc


# --- the long shape -------------------------------------------------------------


def long_rows(n: int, report: Report, labels: bool) -> Iterator[list[str]]:
    """The rows of one report in the long shape: tables, rows and columns in the report's own order."""
    from gongkai.forms import table_form  # the forms load at the first write, not when the plugin is listed

    lead = [
        str(n),
        _text(report.source.path),
        _text(report.source.sha256),
        _text(report.meta.agency),
        _text(report.meta.year),
        _text(report.template),
    ]
    for table, rows in report.tables.items():
        form = table_form(report.template, table) if labels else None
        row_labels = {r[0]: r[1] for r in form[3]} if form else {}
        column_labels = dict(form[2]) if form else {}
        for row, columns in rows.items():
            for column, cell in columns.items():
                ids = [table, row, column]
                if labels:
                    ids += [row_labels.get(row, ""), column_labels.get(column, "")]
                yield lead + ids + _cell_fields(n, report, (table, row, column), cell)


def _cell_fields(n: int, report: Report, key: CellKey, cell: Cell) -> list[str]:
    try:
        value = number_text(cell.value)
    except ValueError as exc:
        raise WriteError(f"{report_name(n, report)}: cell {'.'.join(key)}: {exc}") from exc
    return [
        value,
        _text(cell.derived),
        _text(cell.placed),
        " ".join(cell.confirmed_by),
        _text(cell.raw),
        _text(cell.unit),
        _text(cell.note),
        *_where_fields(cell.where or Where()),
    ]


def _where_fields(where: Where) -> list[str]:
    ints = [_text(v) for v in (where.page, where.line, where.table, where.row, where.col)]
    box = [
        "" if v is None else number_text(round(v, BOX_DIGITS)) for v in (where.x0, where.top, where.x1, where.bottom)
    ]
    confidence = "" if where.confidence is None else number_text(round(where.confidence, CONFIDENCE_DIGITS))
    return [*ints, *box, confidence]


class LongCsvWriter:
    """`--to csv`: one row per cell, the reports in the order given (a data set, or one report)."""

    name = "csv"
    extensions: tuple[str, ...] = (".csv",)
    many = True
    option_values: Mapping[str, tuple[str, ...]] = {"bom": ("1", "0"), "labels": ("0", "1")}

    def write(self, reports: Iterable[Report], out: BinaryIO, options: Mapping[str, str]) -> None:
        opts = parse_options(options, self.name, self.option_values)
        labels = opts["labels"] == "1"
        sink = _CsvOut(out, bom=opts["bom"] == "1")
        header = list(LONG_HEADER)
        if labels:
            at = header.index("column") + 1
            header[at:at] = LABEL_COLUMNS
        sink.row(header)
        sink.flush("the header")
        for n, report in enumerate(reports, 1):
            for row in long_rows(n, report, labels):
                sink.row(row)
            sink.flush(report_name(n, report))


# --- the wide shape -------------------------------------------------------------


def wide_columns(first: Report | None) -> list[CellKey]:
    """The value columns of the wide shape, known before any row is written.

    Always the union of the built-in templates' cells in wide order (see
    `forms`), so every file has the same columns whatever mix of reports it
    holds; then the cells of the first report that are not among them (a
    plugin's template), in that report's order, after their table's cells.
    Cells of later reports outside these columns go into the `extra` column.
    """
    from gongkai.forms import UNION_CELLS  # at the first write, not when the plugin is listed

    tables: dict[str, list[tuple[str, str]]] = {t: list(cells) for t, cells in UNION_CELLS.items()}
    if first is not None:
        known = {(t, r, c) for t, cells in tables.items() for r, c in cells}
        for t, rows in first.tables.items():
            for r, columns in rows.items():
                for c in columns:
                    if (t, r, c) not in known:
                        tables.setdefault(t, []).append((r, c))
    return [(t, r, c) for t, cells in tables.items() for r, c in cells]


def wide_header(columns: Sequence[CellKey]) -> list[str]:
    return [*WIDE_LEADING, *(".".join(key) for key in columns), WIDE_EXTRA]


def wide_row(n: int, report: Report, columns: Sequence[CellKey], column_set: set[CellKey]) -> list[str]:
    lead = [
        str(n),
        _text(report.source.path),
        _text(report.source.sha256),
        _text(report.meta.title),
        _text(report.meta.agency),
        _text(report.meta.year),
        _text(report.meta.published),
        _text(report.template),
        report.status,
        str(len(report.findings)),
        str(sum(1 for rows in report.tables.values() for cols in rows.values() for c in cols.values() if c.derived)),
    ]
    try:
        values = []
        for t, r, c in columns:
            cell = report.tables.get(t, {}).get(r, {}).get(c)
            values.append(number_text(cell.value) if cell is not None else "")
        extra = [
            f"{t}.{r}.{c}={number_text(cell.value)}"
            for t, rows in report.tables.items()
            for r, cols in rows.items()
            for c, cell in cols.items()
            if (t, r, c) not in column_set
        ]
    except ValueError as exc:
        raise WriteError(f"{report_name(n, report)}: {exc}") from exc
    return [*lead, *values, "; ".join(extra)]


class WideCsvWriter:
    """`--to csv-wide`: one row per report, one column per table.row.column."""

    name = "csv-wide"
    extensions: tuple[str, ...] = (".wide.csv",)
    many = True
    option_values: Mapping[str, tuple[str, ...]] = {"bom": ("1", "0")}

    def write(self, reports: Iterable[Report], out: BinaryIO, options: Mapping[str, str]) -> None:
        opts = parse_options(options, self.name, self.option_values)
        sink = _CsvOut(out, bom=opts["bom"] == "1")
        items = iter(reports)
        taken = [r for r in (next(items, None),) if r is not None]
        columns = wide_columns(taken[0] if taken else None)
        column_set = set(columns)
        sink.row(wide_header(columns))
        sink.flush("the header")
        for n, report in enumerate(_chain(taken, items), 1):
            sink.row(wide_row(n, report, columns, column_set))
            sink.flush(report_name(n, report))


def _chain(taken: list[Report], rest: Iterator[Report]) -> Iterator[Report]:
    """The reports already taken, then the rest; holding none of them once it has handed it on."""
    while taken:
        yield taken.pop(0)
    yield from rest
