"""The workbook of a data set: one row per report on each sheet, written as the reports stream by.

Sheets, in order:

- ``sources`` — per report: source file, sha256, title, issuing body, year,
  template, status, counts of findings, derived cells and failed rule
  instances, the printed layouts, and `extra` (cells outside the columns of
  the table sheets, as ``table.row.column=value``; empty for the built-in
  templates).
- one sheet per table, named by its id (``active_disclosure``,
  ``applications``, ``review_litigation``): the report's id columns, then one
  column per ``row.column`` in wide order (the cells of gov-2021, then those
  only gov-2019 has — the same columns whatever the mix of reports; then any
  cell of the first report outside them), then `notes` (the derived cells by
  rule, the cells placed by inference with the rules that confirmed them,
  and the exact value of a number with more than 15 significant digits).
  Derived values are shaded amber.
- ``findings`` — one row per finding.

Every sheet has two header rows, both frozen: ids (row 1) and Chinese
labels (row 2); data start on row 3. pandas: ``pd.read_excel(path,
sheet_name="applications", skiprows=[1])``.

The workbook is made in xlsxwriter's constant_memory mode: each sheet keeps
one row in memory and spools the rows before it to its own temporary file,
and rows are written in order on every sheet; the sheets are filled side by
side, one report at a time, so memory stays flat however many reports come.
"""

from __future__ import annotations

from typing import Any

from gongkai.forms import UNION_CELLS, UNION_LABELS, table_form
from gongkai.model import Report
from gongkai_xlsx.report_book import CellProblem
from gongkai_xlsx.sheets import SheetNames
from gongkai_xlsx.styles import Styles
from gongkai_xlsx.values import MAX_ROWS, clip, figures_text, n_derived, plain_number, sheet_number, where_text

HEADER_ROWS = 2
ID_COLUMNS = (("report", "序号", 7), ("source", "来源文件", 36), ("agency", "发布机关", 22), ("year", "年度", 7))
ID_COLUMNS_TABLE = (*ID_COLUMNS, ("template", "模板", 10))
SOURCE_COLUMNS = (
    *ID_COLUMNS,
    ("title", "标题", 40),
    ("signed_by", "落款", 18),
    ("published", "发布日期", 11),
    ("template", "模板", 10),
    ("template_reason", "模板依据", 30),
    ("status", "状态", 9),
    ("n_findings", "发现问题数", 9),
    ("n_derived", "推导值数", 9),
    ("n_failed", "未通过的勾稽关系", 9),
    ("format", "格式", 7),
    ("sha256", "SHA-256", 20),
    ("size", "字节数", 10),
    ("encoding", "编码", 9),
    ("pages", "页数", 6),
    ("layouts", "印制版式", 40),
    ("extra", "其他单元格", 20),
)
FINDING_COLUMNS = (
    ("report", "序号", 7),
    ("source", "来源文件", 36),
    ("severity", "级别", 8),
    ("code", "代码", 18),
    ("message", "说明", 60),
    ("rule", "规则", 28),
    ("table", "表", 18),
    ("row", "行", 22),
    ("column", "列", 18),
    ("figures", "数字", 40),
    ("where", "位置", 14),
)
NOTES = ("notes", "说明", 40)


def table_columns(first: Report | None) -> dict[str, list[tuple[str, str]]]:
    """Per table, the (row, column) of its sheet: the built-in union, then the first report's other cells."""
    tables = {t: list(cells) for t, cells in UNION_CELLS.items()}
    if first is not None:
        for t, rows in first.tables.items():
            known = set(tables.get(t, ()))
            for r, columns in rows.items():
                for c in columns:
                    if (r, c) not in known:
                        tables.setdefault(t, []).append((r, c))
    return tables


def _labels(first: Report | None, table: str, row: str, column: str) -> str:
    if (table, row, column) in UNION_LABELS:
        row_label, column_label = UNION_LABELS[(table, row, column)]
        return f"{row_label}｜{column_label}"
    form = table_form(first.template if first else None, table)
    if form is not None:
        row_label = next((r[1] for r in form[3] if r[0] == row), row)
        return f"{row_label}｜{dict(form[2]).get(column, column)}"
    return f"{row}.{column}"


class DatasetBook:
    """Writes a data set into a constant_memory xlsxwriter workbook, one report at a time."""

    def __init__(self, workbook: Any, first: Report | None) -> None:
        self.workbook = workbook
        self.st = Styles(workbook)
        self.widths: dict[str, int] = {}
        self.columns = table_columns(first)
        self.keys = {(t, r, c) for t, cells in self.columns.items() for r, c in cells}
        names = SheetNames()
        self.sources = self._sheet(names.take("sources"), SOURCE_COLUMNS)
        self.tables: dict[str, Any] = {}
        for t, cells in self.columns.items():
            heads = [
                *ID_COLUMNS_TABLE,
                *((f"{r}.{c}", _labels(first, t, r, c), max(10, min(len(r) + len(c), 24))) for r, c in cells),
                NOTES,
            ]
            self.tables[t] = self._sheet(names.take(t), heads)
        self.findings = self._sheet(names.take("findings"), FINDING_COLUMNS)
        self.n = 0
        self.finding_row = HEADER_ROWS

    def _sheet(self, name: str, columns: Any) -> Any:
        ws = self.workbook.add_worksheet(name)
        self.widths[name] = len(columns)
        # constant_memory: a row is final once a later row is written, so each row goes whole, in order.
        for k, (key, _, width) in enumerate(columns):
            ws.write_string(0, k, key, self.st.header)
            ws.set_column(k, k, width)
        for k, (_, label, _) in enumerate(columns):
            ws.write_string(1, k, label, self.st.header)
        ws.set_row(1, 48)
        ws.freeze_panes(HEADER_ROWS, 2)
        return ws

    def add(self, report: Report) -> None:
        self.n += 1
        r = HEADER_ROWS + self.n - 1
        if r >= MAX_ROWS:
            raise CellProblem(f"more than {MAX_ROWS - HEADER_ROWS} reports do not fit in a sheet; use csv")
        meta, source = report.meta, report.source
        ids: list[object] = [self.n, source.path, meta.agency, meta.year]
        extra = [
            f"{t}.{row}.{c}={_value_text(t, row, c, cell.value)}"
            for t, rows in report.tables.items()
            for row, cols in rows.items()
            for c, cell in cols.items()
            if (t, row, c) not in self.keys
        ]
        self._row(
            self.sources,
            r,
            [
                *ids,
                meta.title,
                meta.signed_by,
                meta.published,
                report.template,
                report.template_reason,
                report.status,
                len(report.findings),
                n_derived(report),
                sum(check.failed for check in report.checks.values()),
                source.format,
                source.sha256,
                source.size,
                source.encoding,
                source.pages,
                "; ".join(f"{t}={layout}" for t, layout in report.layouts.items()),
                "; ".join(extra),
            ],
        )
        for t, ws in self.tables.items():
            self._table_row(ws, r, report, t, [*ids, report.template])
        for f in report.findings:
            if self.finding_row >= MAX_ROWS:
                raise CellProblem(f"more than {MAX_ROWS - HEADER_ROWS} findings do not fit in a sheet; use csv")
            self._row(
                self.findings,
                self.finding_row,
                [
                    self.n,
                    source.path,
                    f.severity,
                    f.code,
                    f.message,
                    f.rule,
                    f.table,
                    f.row,
                    f.column,
                    figures_text(f.figures),
                    where_text(f.where),
                ],
            )
            self.finding_row += 1

    def _row(self, ws: Any, r: int, values: list[object]) -> None:
        for k, value in enumerate(values):
            if isinstance(value, int) and not isinstance(value, bool):
                ws.write_number(r, k, value)
            elif value is not None and value != "":
                ws.write_string(r, k, clip(str(value)))

    def _table_row(self, ws: Any, r: int, report: Report, table: str, ids: list[object]) -> None:
        self._row(ws, r, ids)
        rows = report.tables.get(table, {})
        derived: dict[str, list[str]] = {}
        placed: dict[str, list[str]] = {}
        inexact: list[str] = []
        at = len(ids)
        for k, (row, column) in enumerate(self.columns[table]):
            cell = rows.get(row, {}).get(column)
            if cell is None:
                continue
            try:
                number, exact = sheet_number(cell.value)
            except ValueError as exc:
                raise CellProblem(f"cell {table}.{row}.{column}: {exc}") from exc
            if number is not None:
                ws.write_number(r, at + k, number, self.st.plain_derived if cell.derived else None)
            if cell.derived:
                derived.setdefault(cell.derived, []).append(f"{row}.{column}")
            if cell.placed:
                how = cell.placed + (f" confirmed by {' '.join(cell.confirmed_by)}" if cell.confirmed_by else "")
                placed.setdefault(how, []).append(f"{row}.{column}")
            if exact is not None:
                inexact.append(f"{row}.{column}={exact}")
        notes = [f"derived {rule}: {', '.join(cells)}" for rule, cells in derived.items()]
        notes += [f"placed {how}: {', '.join(cells)}" for how, cells in placed.items()]
        if inexact:
            notes.append(f"exact: {', '.join(inexact)}")
        if notes:
            ws.write_string(r, at + len(self.columns[table]), clip("; ".join(notes)))

    def close(self) -> None:
        """Filters on the label row over the data of each sheet."""
        last = HEADER_ROWS + max(self.n, 1) - 1
        for ws in (self.sources, *self.tables.values()):
            ws.autofilter(1, 0, last, self.widths[ws.name] - 1)
        self.findings.autofilter(1, 0, max(self.finding_row - 1, HEADER_ROWS), len(FINDING_COLUMNS) - 1)


def _value_text(table: str, row: str, column: str, value: object) -> str:
    try:
        return plain_number(value)
    except ValueError as exc:
        raise CellProblem(f"cell {table}.{row}.{column}: {exc}") from exc
