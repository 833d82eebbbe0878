"""Model values as spreadsheet values: real numbers, short texts, and what Excel cannot hold exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from gongkai.model import BOX_DIGITS, CONFIDENCE_DIGITS, Report, Where

# Excel holds a number as a binary double and shows 15 significant digits; a
# value with more is written as the nearest number and its exact text is
# kept beside it (a cell comment, the `value_exact` column, the notes column).
EXCEL_DIGITS = 15
MAX_TEXT = 32_767  # characters in one cell
MAX_ROWS = 1_048_576  # rows in one sheet
TRUNCATED = "…[truncated]"


class ValueProblem(ValueError):
    """A cell value no spreadsheet can hold (NaN, infinity, not a number)."""


def sheet_number(value: object) -> tuple[int | float | None, str | None]:
    """The number to write, and the exact text when the number cannot hold the value exactly.

    Whole numbers are written as ints, other Decimals as the float Excel will
    hold: with up to 15 significant digits (every real figure: counts,
    96171.6) it reads back as the same decimal. Otherwise the exact text is
    returned beside the nearest number.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise ValueProblem(f"not a number: {value!r}")
    if isinstance(value, int) and abs(value) < 10**EXCEL_DIGITS:
        return value, None
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueProblem(f"not a finite number: {value}")
        if value == value.to_integral_value() and abs(value) < 10**EXCEL_DIGITS:
            return int(value), None
        number = float(value)
        if number in (float("inf"), float("-inf")):
            raise ValueProblem(f"too large for a spreadsheet: {value}")
        digits = len(value.normalize().as_tuple().digits)
        exact = digits <= EXCEL_DIGITS and Decimal(repr(number)) == value
        return number, (None if exact else format(value, "f"))
    raise ValueProblem(f"not a number: {value!r}")


def plain_number(value: object) -> str:
    """A value as a plain numeral (a Decimal as printed, never in exponent form); None as ""."""
    if value is None:
        return ""
    sheet_number(value)  # the same values are refused
    if isinstance(value, float):
        value = Decimal(repr(value))
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def where_text(where: Where | None) -> str:
    """Where as compact text: "p3 l7 t1 r5 c3" (page, line, table, row, column; the parts that are known),
    and "OCR置信度0.873" after them for a figure read from a picture."""
    if where is None:
        return ""
    parts = (("p", where.page), ("l", where.line), ("t", where.table), ("r", where.row), ("c", where.col))
    text = " ".join(f"{k}{v}" for k, v in parts if v is not None)
    if where.confidence is not None:
        text += f" OCR置信度{round(where.confidence, CONFIDENCE_DIGITS)}"
    return text.strip()


def box_text(where: Where | None) -> str:
    """The box on the page as "x0,top,x1,bottom" (points, 2 decimals); "" when there is none."""
    box = where.box if where is not None else None
    return ",".join(plain_number(round(v, BOX_DIGITS)) for v in box) if box else ""


def clip(text: str) -> str:
    """A text that fits in one cell; a longer one is cut and says so."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - len(TRUNCATED)] + TRUNCATED


def figures_text(figures: dict[str, Any]) -> str:
    """A finding's figures as compact JSON text, decimals as printed."""
    if not figures:
        return ""
    return clip(json.dumps(figures, ensure_ascii=False, default=_plain, separators=(", ", ": ")))


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def report_name(n: int, report: Report) -> str:
    """How an error names a report: its position and its source."""
    return f"report {n} ({report.source.path or report.source.sha256 or 'no source'})"


def n_derived(report: Report) -> int:
    return sum(1 for rows in report.tables.values() for cols in rows.values() for c in cols.values() if c.derived)
