"""The built-in templates' tables, rows, columns and Chinese labels, as plain data for writers.

Writers know only the model, never a Template; but a spreadsheet laid out
like the official form, or a panel with Chinese headers, needs the labels.
This module derives them from the same template data the recogniser uses,
so they cannot drift.

Wide order (csv-wide, the xlsx data set): table by table in the order of
gov-2021 (then any table only gov-2019 has); within a table the cells of
gov-2021 in template order, then the cells only gov-2019 has, in its order.
"""

from __future__ import annotations

from gongkai.builtin_templates import TEMPLATE_DIR
from gongkai.template import load_template

ColumnForm = tuple[str, str]  # column id, label
RowForm = tuple[str, str, str | None, tuple[str, ...]]  # row id, label, group, column ids (() = all the table's)
TableForm = tuple[str, str, tuple[ColumnForm, ...], tuple[RowForm, ...]]  # table id, heading, columns, rows

BUILTIN_ORDER = ("gov-2021", "gov-2019")


def _forms() -> dict[str, tuple[TableForm, ...]]:
    forms: dict[str, tuple[TableForm, ...]] = {}
    for tid in BUILTIN_ORDER:
        template = load_template(TEMPLATE_DIR / f"{tid}.toml")
        headings = {s.id: s.heading for s in template.sections}
        forms[tid] = tuple(
            (
                t.id,
                headings.get(t.section, t.title),
                tuple((c.id, c.label) for c in t.columns.values()),
                tuple((r.id, r.label, r.group, r.columns) for r in t.rows),
            )
            for t in template.tables
        )
    return forms


FORMS = _forms()


def row_columns(table: TableForm, row: RowForm) -> tuple[str, ...]:
    """The column ids of a row, in template order."""
    return row[3] or tuple(c for c, _ in table[2])


def table_form(template: str | None, table: str) -> TableForm | None:
    """The form of a built-in template's table, or None for another template or table."""
    for form in FORMS.get(template or "", ()):
        if form[0] == table:
            return form
    return None


def _union() -> tuple[dict[str, list[tuple[str, str]]], dict[tuple[str, str, str], tuple[str, str]], dict[str, str]]:
    cells: dict[str, list[tuple[str, str]]] = {}
    labels: dict[tuple[str, str, str], tuple[str, str]] = {}
    headings: dict[str, str] = {}
    for template in BUILTIN_ORDER:
        for table in FORMS[template]:
            tid = table[0]
            headings.setdefault(tid, table[1])
            column_labels = dict(table[2])
            for row in table[3]:
                for column in row_columns(table, row):
                    if (tid, row[0], column) not in labels:
                        cells.setdefault(tid, []).append((row[0], column))
                        labels[(tid, row[0], column)] = (row[1], column_labels[column])
    return cells, labels, headings


# Every cell of the built-in templates in wide order, their labels (the first
# template's where both have the cell) and each table's heading.
UNION_CELLS, UNION_LABELS, UNION_HEADINGS = _union()
