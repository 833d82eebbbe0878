"""The workbook of one report: the tables laid out like the official form, the findings, every cell.

Sheets, in order:

- ``报告`` — title, issuing body, year, template, status, source; the
  printed layout of each table; each rule's passed / failed / not checkable.
- one sheet per table, named by its part's heading (``二、主动公开政府信息情况``,
  ``三、收到和处理政府信息公开申请情况``, ``四、政府信息公开行政复议、行政诉讼情况``),
  laid out like the form: table 二 as blocks per 第二十条 item with their own
  column headings; table 三 as a grid under the merged headings 申请人情况 /
  法人或其他组织, its row groups (三、本年度办理结果, （三）不予公开, …) merged
  down the left; table 四, when printed as one row, as one row of 15 under
  行政复议 / 行政诉讼 · 未经复议直接起诉 / 复议后起诉. Values are real numbers; a
  derived value is shaded amber with its rule in a cell comment; a comment
  also carries an inferred placement and its rules, a note, the printed text
  of an unreadable cell, and the exact value of a number with more than 15
  significant digits.
- ``findings`` — every finding.
- ``cells`` — every cell with its provenance (how an inferred value was
  placed and the rules that confirmed it, where it was printed, its box on
  the page), one row each under two header rows: ids, then Chinese labels.

Tables of a plugin's template are laid out from the report alone: ids as
labels, a plain grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gongkai.forms import TableForm, table_form
from gongkai.model import Cell, Report, Where
from gongkai_xlsx.sheets import SheetNames, merge, text_width
from gongkai_xlsx.styles import Styles
from gongkai_xlsx.values import box_text, clip, figures_text, n_derived, sheet_number, where_text

SUMMARY_SHEET = "报告"
FINDINGS_SHEET = "findings"
CELLS_SHEET = "cells"
LEGEND = ("推导值 derived", "文件未印出、由勾稽关系确定，规则见批注 · not printed, forced by the rule in the comment")

# Column headings above the column labels that the templates do not carry:
# the form's 申请人情况 over all of table 三 and 法人或其他组织 over five of them.
# Used only where the table has these columns side by side.
HEADER_BANDS: dict[str, tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]] = {
    "applications": (
        (
            (
                "申请人情况",
                (
                    "natural_person",
                    "commercial_enterprise",
                    "research_institution",
                    "social_welfare_org",
                    "legal_service_org",
                    "other_org",
                    "total",
                ),
            ),
        ),
        (
            (
                "法人或其他组织",
                (
                    "commercial_enterprise",
                    "research_institution",
                    "social_welfare_org",
                    "legal_service_org",
                    "other_org",
                ),
            ),
        ),
    ),
}
CORNER_TEXT = {"active_disclosure": "信息内容"}
BLOCK_WIDTH = 16
LINE_HEIGHT = 15

# Two header rows, as in the data-set workbook: ids, then Chinese labels.
CELL_COLUMNS = (
    ("table", "表", 18),
    ("row", "行", 26),
    ("column", "列", 20),
    ("row_label", "行名称", 30),
    ("column_label", "列名称", 18),
    ("value", "数值", 12),
    ("value_exact", "精确值", 14),
    ("derived", "推导规则", 28),
    ("placed", "推断方式", 14),
    ("confirmed_by", "确认规则", 28),
    ("raw", "原文", 12),
    ("unit", "单位", 6),
    ("note", "说明", 30),
    ("where_page", "页", 6),
    ("where_line", "行号", 6),
    ("where_table", "表序号", 6),
    ("where_row", "表内行", 6),
    ("where_col", "表内列", 6),
    ("where_box", "页面位置 x0,top,x1,bottom", 26),
)
CELL_HEADER_ROWS = 2
FINDING_COLUMNS = (
    ("severity", 8),
    ("code", 18),
    ("message", 60),
    ("rule", 28),
    ("table", 18),
    ("row", 22),
    ("column", 18),
    ("figures", 40),
    ("where", 14),
)


class CellProblem(ValueError):
    """A cell value that cannot be written, with the cell named."""


@dataclass
class RowView:
    id: str
    label: str
    group: str | None
    cells: dict[str, Cell]


@dataclass
class TableView:
    id: str
    heading: str
    rows: list[RowView]
    column_labels: dict[str, str] = field(default_factory=dict)

    def column_label(self, column: str) -> str:
        return self.column_labels.get(column, column)


def table_view(report: Report, table: str) -> TableView:
    """A table of the report with the labels of its template's form (ids where there are none)."""
    form: TableForm | None = table_form(report.template, table)
    rows_form = {r[0]: r for r in form[3]} if form else {}
    rows = [
        RowView(
            id=rid,
            label=rows_form[rid][1] if rid in rows_form else rid,
            group=rows_form[rid][2] if rid in rows_form else None,
            cells=cells,
        )
        for rid, cells in report.tables[table].items()
    ]
    return TableView(table, form[1] if form else table, rows, dict(form[2]) if form else {})


def cell_comment(cell: Cell, exact: str | None, column_label: str) -> str:
    lines = []
    if cell.derived:
        lines.append(f"推导 derived: {cell.derived}")
    if cell.placed:
        lines.append(f"推断 placed: {cell.placed}")
    if cell.confirmed_by:
        lines.append(f"确认 confirmed by: {' '.join(cell.confirmed_by)}")
    if exact is not None:
        lines.append(f"精确值 exact value: {exact}")
    if cell.value is None and cell.raw and cell.raw.strip():
        lines.append(f"原文 printed: {cell.raw}")
    if cell.unit and cell.unit not in column_label:
        lines.append(f"单位 unit: {cell.unit}")
    if cell.note:
        lines.append(f"说明 note: {cell.note}")
    return clip("\n".join(lines))


class FormSheet:
    """Writes one table in the layout of the official form."""

    def __init__(self, ws: Any, st: Styles, report: Report, view: TableView) -> None:
        self.ws, self.st, self.report, self.view = ws, st, report, view

    def put(self, r: int, c: int, row: RowView, column: str) -> None:
        cell = row.cells.get(column)
        if cell is None:
            self.ws.write_blank(r, c, None, self.st.number)
            return
        try:
            number, exact = sheet_number(cell.value)
        except ValueError as exc:
            raise CellProblem(f"cell {self.view.id}.{row.id}.{column}: {exc}") from exc
        fmt = self.st.derived if cell.derived else self.st.number
        if number is None:
            self.ws.write_blank(r, c, None, fmt)
        else:
            self.ws.write_number(r, c, number, fmt)
        comment = cell_comment(cell, exact, self.view.column_label(column))
        if comment:
            self.ws.write_comment(r, c, comment, {"x_scale": 2.2, "y_scale": 1.2})

    def write(self) -> None:
        view = self.view
        columns = [list(row.cells) for row in view.rows]
        same = all(c == columns[0] for c in columns)
        if not view.rows or not columns[0]:
            self.ws.write_string(0, 0, view.heading, self.st.title)
            last = 0
        elif same and self.report.layouts.get(view.id) == "one_row":
            last = self.one_row(columns[0])
        elif same:
            last = self.grid(columns[0])
        else:
            last = self.blocks()
        self.ws.write_string(last + 2, 0, LEGEND[0], self.st.legend)
        self.ws.write_string(last + 2, 1, LEGEND[1], self.st.note)
        self.ws.set_paper(9)  # A4, one page wide: printable like the form
        self.ws.fit_to_pages(1, 0)

    # --- a grid: rows down, the same columns across ----------------------------

    def grid(self, columns: list[str]) -> int:
        ws, st, view = self.ws, self.st, self.view
        levels, chains = nesting([row.group for row in view.rows])
        n_label = levels + 1
        bands = header_bands(view.id, columns)
        n_header = len(bands) + 1
        first_data = 1 + n_header
        width = n_label + len(columns)
        merge(ws, 0, 0, 0, width - 1, view.heading, st.title)
        merge(ws, 1, 0, n_header, n_label - 1, CORNER_TEXT.get(view.id, ""), st.header)
        covered_down_to = dict.fromkeys(range(len(columns)), -1)
        for level, band_row in enumerate(bands):
            for text, first, last in band_row:
                merge(ws, 1 + level, n_label + first, 1 + level, n_label + last, text, st.header)
                for j in range(first, last + 1):
                    covered_down_to[j] = level
        for j, column in enumerate(columns):
            merge(ws, 2 + covered_down_to[j], n_label + j, n_header, n_label + j, view.column_label(column), st.header)
        for level in range(levels):
            for text, first, last in runs([chain[level] if len(chain) > level else None for chain in chains]):
                merge(ws, first_data + first, level, first_data + last, level, text, st.group)
        for i, row in enumerate(view.rows):
            r = first_data + i
            merge(ws, r, len(chains[i]), r, n_label - 1, row.label, st.label)
            for j, column in enumerate(columns):
                self.put(r, n_label + j, row, column)
        for level in range(levels):
            ws.set_column(level, level, 12)
        label_width = min(max(max(text_width(row.label) for row in view.rows) * 0.9 + 2, 14), 48)
        ws.set_column(n_label - 1, n_label - 1, label_width)
        ws.set_column(n_label, width - 1, 12)
        for i, row in enumerate(view.rows):
            span = label_width + 12 * (n_label - 1 - len(chains[i]))
            fit_height(ws, first_data + i, [(row.label, span)])
        fit_height(ws, n_header, [(view.column_label(c), 12) for c in columns])
        ws.freeze_panes(first_data, n_label)
        return first_data + len(view.rows) - 1

    # --- blocks: a heading and its own columns per group of rows (table 二) ------

    def blocks(self) -> int:
        ws, st, view = self.ws, self.st, self.view
        width = 1 + max(len(row.cells) for row in view.rows)
        merge(ws, 0, 0, 0, width - 1, view.heading, st.title)
        r = 1
        i = 0
        while i < len(view.rows):
            group, columns = view.rows[i].group, list(view.rows[i].cells)
            j = i
            while j < len(view.rows) and (view.rows[j].group, list(view.rows[j].cells)) == (group, columns):
                j += 1
            if group:
                merge(ws, r, 0, r, width - 1, group, st.header_left)
                r += 1
            ws.write_string(r, 0, CORNER_TEXT.get(view.id, ""), st.header)
            for k, column in enumerate(columns):
                ws.write_string(r, 1 + k, view.column_label(column), st.header)
            fit_height(ws, r, [(view.column_label(c), BLOCK_WIDTH) for c in columns])
            r += 1
            for row in view.rows[i:j]:
                ws.write_string(r, 0, row.label, st.label)
                for k, column in enumerate(columns):
                    self.put(r, 1 + k, row, column)
                r += 1
            i = j
        label_width = max(text_width(row.label) for row in view.rows)
        ws.set_column(0, 0, min(max(label_width + 2, 16), 48))
        ws.set_column(1, width - 1, BLOCK_WIDTH)
        ws.freeze_panes(1, 1)
        return r - 1

    # --- one row: the rows side by side under their labels (table 四) -----------

    def one_row(self, columns: list[str]) -> int:
        ws, st, view = self.ws, self.st, self.view
        n = len(columns)
        width = n * len(view.rows)
        merge(ws, 0, 0, 0, width - 1, view.heading, st.title)
        grouped = any(row.group for row in view.rows)
        label_row = 2 if grouped else 1
        if grouped:
            for text, first, last in runs([row.group for row in view.rows]):
                merge(ws, 1, first * n, 1, (last + 1) * n - 1, text, st.header)
        for i, row in enumerate(view.rows):
            top = label_row if row.group or not grouped else 1
            merge(ws, top, i * n, label_row, (i + 1) * n - 1, row.label, st.header)
            for k, column in enumerate(columns):
                ws.write_string(label_row + 1, i * n + k, view.column_label(column), st.header)
                self.put(label_row + 2, i * n + k, row, column)
        ws.set_column(0, width - 1, 11)
        fit_height(ws, label_row + 1, [(view.column_label(c), 11) for c in columns])
        ws.freeze_panes(label_row + 2, 0)
        return label_row + 2


def fit_height(ws: Any, r: int, texts: Sequence[tuple[str, float]]) -> None:
    """Make a row tall enough for its wrapped texts (spreadsheets do not grow rows of a written file)."""
    lines = max((math.ceil(text_width(text) / max(width, 1)) for text, width in texts), default=1)
    if lines > 1:
        ws.set_row(r, LINE_HEIGHT * lines + 2)


def header_bands(table: str, columns: Sequence[str]) -> list[list[tuple[str, int, int]]]:
    """The header bands of a table that apply to these columns: (text, first, last) per level."""
    levels: list[list[tuple[str, int, int]]] = []
    for level in HEADER_BANDS.get(table, ()):
        found = []
        for text, ids in level:
            at = [columns.index(c) for c in ids if c in columns]
            if len(at) == len(ids) and at == list(range(at[0], at[0] + len(at))):
                found.append((text, at[0], at[-1]))
        if found:
            levels.append(found)
    return levels


def runs(items: Sequence[str | None]) -> list[tuple[str, int, int]]:
    """Consecutive equal non-empty items as (item, first index, last index)."""
    out: list[tuple[str, int, int]] = []
    for i, item in enumerate(items):
        if item is None:
            continue
        if out and out[-1][0] == item and out[-1][2] == i - 1:
            out[-1] = (item, out[-1][1], i)
        else:
            out.append((item, i, i))
    return out


def nesting(groups: Sequence[str | None]) -> tuple[int, list[list[str]]]:
    """How row groups nest, from where they start and end, and each row's chain of groups, outermost first.

    A group whose rows lie between the first and last row of another group is
    inside it: in table 三, （三）不予公开 … （六）其他处理 lie inside
    三、本年度办理结果. Groups that overlap without nesting are taken flat.
    """
    spans: dict[str, tuple[int, int]] = {}
    for i, g in enumerate(groups):
        if g is not None:
            spans[g] = (spans[g][0], i) if g in spans else (i, i)

    def inside(a: str, b: str) -> bool:
        return a != b and spans[b][0] <= spans[a][0] and spans[a][1] <= spans[b][1]

    names = list(spans)
    laminar = all(
        spans[a][1] < spans[b][0] or spans[b][1] < spans[a][0] or inside(a, b) or inside(b, a)
        for k, a in enumerate(names)
        for b in names[k + 1 :]
    )
    chains: list[list[str]] = []
    for g in groups:
        if g is None:
            chains.append([])
        elif laminar:
            outer = sorted((h for h in names if inside(g, h)), key=lambda h: spans[h][1] - spans[h][0], reverse=True)
            chains.append([*outer, g])
        else:
            chains.append([g])
    return max((len(c) for c in chains), default=0), chains


# --- the other sheets -------------------------------------------------------------


def summary_sheet(ws: Any, st: Styles, report: Report) -> None:
    meta, source = report.meta, report.source
    items: list[tuple[str, str, object]] = [
        ("title", "标题", meta.title),
        ("agency", "发布机关", meta.agency),
        ("signed_by", "落款", meta.signed_by),
        ("year", "年度", meta.year),
        ("published", "发布日期", meta.published),
        ("template", "模板", report.template),
        ("template_reason", "模板依据", report.template_reason),
        ("status", "状态", report.status),
        ("n_findings", "发现问题数", len(report.findings)),
        ("n_derived", "推导值数", n_derived(report)),
        ("source", "来源文件", source.path),
        ("format", "格式", source.format),
        ("sha256", "SHA-256", source.sha256),
        ("size", "字节数", source.size),
        ("encoding", "编码", source.encoding),
        ("pages", "页数", source.pages),
    ]
    ws.write_string(0, 0, meta.title or "政府信息公开工作年度报告", st.title)
    r = 2
    for key, label, value in items:
        ws.write_string(r, 0, key, st.key)
        ws.write_string(r, 1, label, st.key)
        if isinstance(value, int):
            ws.write_number(r, 2, value)
        elif value is not None:
            ws.write_string(r, 2, clip(str(value)), st.text)
        r += 1
    r += 1
    ws.write_string(r, 0, "layouts", st.key)
    ws.write_string(r, 1, "印制版式", st.key)
    for table, layout in report.layouts.items():
        ws.write_string(r, 2, table)
        ws.write_string(r, 3, layout)
        r += 1
    r += 1
    ws.write_string(r, 0, "checks", st.key)
    ws.write_string(r, 1, "勾稽关系", st.key)
    for k, head in enumerate(("rule", "passed", "failed", "not_checkable")):
        ws.write_string(r, 2 + k, head, st.header)
    for rule, check in report.checks.items():
        r += 1
        ws.write_string(r, 2, rule)
        for k, number in enumerate((check.passed, check.failed, check.not_checkable)):
            ws.write_number(r, 3 + k, number)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 60)
    ws.set_column(3, 5, 14)


def findings_sheet(ws: Any, st: Styles, report: Report) -> None:
    for k, (head, width) in enumerate(FINDING_COLUMNS):
        ws.write_string(0, k, head, st.header)
        ws.set_column(k, k, width)
    for r, f in enumerate(report.findings, 1):
        values = (f.severity, f.code, f.message, f.rule, f.table, f.row, f.column, figures_text(f.figures))
        for k, value in enumerate(values):
            if value:
                ws.write_string(r, k, clip(value))
        if f.where is not None and where_text(f.where):
            ws.write_string(r, len(values), where_text(f.where))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(report.findings), 1), len(FINDING_COLUMNS) - 1)


def cells_sheet(ws: Any, st: Styles, report: Report) -> None:
    at = {key: k for k, (key, _, _) in enumerate(CELL_COLUMNS)}
    for k, (key, label, width) in enumerate(CELL_COLUMNS):
        ws.write_string(0, k, key, st.header)
        ws.write_string(1, k, label, st.header)
        ws.set_column(k, k, width)
    r = CELL_HEADER_ROWS - 1
    for table in report.tables:
        view = table_view(report, table)
        for row in view.rows:
            for column, cell in row.cells.items():
                r += 1
                try:
                    number, exact = sheet_number(cell.value)
                except ValueError as exc:
                    raise CellProblem(f"cell {table}.{row.id}.{column}: {exc}") from exc
                where = cell.where or Where()
                texts = {
                    "table": table,
                    "row": row.id,
                    "column": column,
                    "row_label": row.label if row.label != row.id else None,
                    "column_label": view.column_labels.get(column),
                    "value_exact": exact,
                    "derived": cell.derived,
                    "placed": cell.placed,
                    "confirmed_by": " ".join(cell.confirmed_by),
                    "raw": cell.raw,
                    "unit": cell.unit,
                    "note": cell.note,
                    "where_box": box_text(where),
                }
                for key, text in texts.items():
                    if text:
                        ws.write_string(r, at[key], clip(text))
                if number is not None:
                    ws.write_number(r, at["value"], number, st.plain_derived if cell.derived else None)
                for key in ("page", "line", "table", "row", "col"):
                    part = getattr(where, key)
                    if part is not None:
                        ws.write_number(r, at[f"where_{key}"], part)
    ws.freeze_panes(CELL_HEADER_ROWS, 3)
    ws.autofilter(1, 0, max(r, CELL_HEADER_ROWS), len(CELL_COLUMNS) - 1)


def write_report_book(workbook: Any, report: Report) -> None:
    """Fill a (normal mode) xlsxwriter workbook with one report."""
    st = Styles(workbook)
    names = SheetNames()
    summary_sheet(workbook.add_worksheet(names.take(SUMMARY_SHEET)), st, report)
    for table in report.tables:
        view = table_view(report, table)
        FormSheet(workbook.add_worksheet(names.take(view.heading)), st, report, view).write()
    findings_sheet(workbook.add_worksheet(names.take(FINDINGS_SHEET)), st, report)
    cells_sheet(workbook.add_worksheet(names.take(CELLS_SHEET)), st, report)
