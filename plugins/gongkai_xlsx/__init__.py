"""Built-in plugin "gongkai.xlsx": the XLSX writer (`xlsx`).

Exactly one report gives a workbook laid out like the official form:
``报告`` (metadata, source, layouts, checks), one sheet per table (表二 in
blocks per 第二十条 item, 表三 under the merged headings 申请人情况 /
法人或其他组织 with its row groups merged down the left, 表四 as one row of
15 under 行政复议 / 行政诉讼), ``findings``, and ``cells`` (every cell with
value, derived rule, inferred placement and its confirming rules, raw text,
unit, note, where and its box on the page). Derived values are shaded
amber, their rule in a cell comment.

None or several reports give a data-set workbook, written as the reports
stream by: ``sources`` (one row per report), one sheet per table
(``active_disclosure``, ``applications``, ``review_litigation``: one row per
report, one column per ``row.column`` in the wide order of csv-wide, a
`notes` column with derived and inferred cells by rule), ``findings``. Two
frozen header rows: ids, then Chinese labels (pandas: ``skiprows=[1]``), on
the cells sheet of one report too.

Option ``shape`` = "auto" (default), "report" (exactly one report) or
"dataset" (a data set even of one report). Numbers are real numbers; a value
with more than 15 significant digits (more than a spreadsheet holds) is
written as the nearest number with its exact text beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING

from gongkai.hookspecs import Writer, hookimpl
from gongkai_xlsx.values import sheet_number
from gongkai_xlsx.writer import XlsxWriter

if TYPE_CHECKING:
    from gongkai.forms import FORMS, UNION_CELLS
    from gongkai_xlsx.dataset_book import DatasetBook, table_columns
    from gongkai_xlsx.report_book import LEGEND, write_report_book

__all__ = [
    "FORMS",
    "LEGEND",
    "UNION_CELLS",
    "DatasetBook",
    "XlsxWriter",
    "gongkai_writers",
    "sheet_number",
    "table_columns",
    "write_report_book",
]

# Imported at first access (PEP 562): listing the plugin loads neither the books nor the forms.
_LAZY = {
    "FORMS": "gongkai.forms",
    "UNION_CELLS": "gongkai.forms",
    "DatasetBook": "gongkai_xlsx.dataset_book",
    "table_columns": "gongkai_xlsx.dataset_book",
    "LEGEND": "gongkai_xlsx.report_book",
    "write_report_book": "gongkai_xlsx.report_book",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@hookimpl
def gongkai_writers(register: Callable[[Writer], None]) -> None:
    if find_spec("xlsxwriter") is None:  # loaded at the first write: if missing, still listed broken
        raise ModuleNotFoundError("No module named 'xlsxwriter'")
    register(XlsxWriter())
