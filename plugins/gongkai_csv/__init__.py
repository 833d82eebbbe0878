"""Built-in plugin "gongkai.csv": the CSV writers `csv` (long: one row per cell) and `csv-wide` (one row per report).

Both take any number of reports and write them in the order given, as they
come (a data set of any size in the memory of one report).

`csv` — long (tidy): one row per cell, tables / rows / columns in the
report's own order (template order). Columns: report (1, 2, … : position in
the file), source, sha256, agency, year, template, table, row, column,
[row_label, column_label with labels=1], value, derived (rule id), placed
(how an inferred value was put in its cell), confirmed_by (rule ids apart by
a space), raw (printed text), unit, note, where_page, where_line,
where_table, where_row, where_col, where_x0, where_top, where_x1,
where_bottom (the box on the page in points, from its top-left corner).

`csv-wide` — one row per report; ask for it with ``--to csv-wide`` (or a
name ending in ``.wide.csv`` where the CLI matches the longest extension).
Columns: report, source, sha256, title, agency, year, published, template,
status, n_findings, n_derived; then one column per ``table.row.column`` in
wide order: table by table (active_disclosure, applications,
review_litigation), the cells of gov-2021, then the cells only gov-2019 has
(226 columns, the same in every file whatever the mix of templates; a cell
the report's template lacks is empty); then the cells of the first report
that are not among them (a plugin's template); last `extra`: cells of later
reports outside these columns as ``table.row.column=value; …``.

Options (the writer's ``options`` mapping): ``bom`` = "1" (default) or "0":
the UTF-8 byte-order mark that Excel on Chinese Windows needs to read the
file as UTF-8; ``labels`` = "0" (default) or "1": the Chinese row and column
labels beside the ids (long shape; built-in templates only, else empty).

Reading it back: ``pandas.read_csv(path, dtype={"value": str})`` (the BOM is
dropped by pandas; read values as text, then ``decimal.Decimal``, to keep
96171.6 exact), R ``readr::read_csv(path)``, Python
``csv.DictReader(open(path, encoding="utf-8-sig", newline=""))``. Empty
means null; an empty printed text (raw "") also reads back as empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gongkai.hookspecs import Writer, hookimpl
from gongkai_csv.writer import LONG_HEADER, WIDE_LEADING, LongCsvWriter, WideCsvWriter, number_text, wide_columns

if TYPE_CHECKING:
    from gongkai.forms import FORMS, UNION_CELLS

__all__ = [
    "FORMS",
    "LONG_HEADER",
    "UNION_CELLS",
    "WIDE_LEADING",
    "LongCsvWriter",
    "WideCsvWriter",
    "gongkai_writers",
    "number_text",
    "wide_columns",
]


def __getattr__(name: str) -> object:
    # The forms load at first access (PEP 562), not when the registry lists the plugin.
    if name in ("FORMS", "UNION_CELLS"):
        from gongkai import forms

        return getattr(forms, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@hookimpl
def gongkai_writers(register: Callable[[Writer], None]) -> None:
    register(LongCsvWriter())
    register(WideCsvWriter())
