"""Small helpers for laying out sheets: unique sheet names, merges that may be one cell, column specs."""

from __future__ import annotations

import re
from typing import Any

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31


class SheetNames:
    """Sheet names Excel accepts: no []:*?/\\, at most 31 characters, unique regardless of case."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def take(self, wanted: str) -> str:
        base = _FORBIDDEN.sub("_", wanted).strip("'").strip() or "sheet"
        base = base[:MAX_SHEET_NAME]
        name, n = base, 1
        while name.casefold() in self.taken or name.casefold() == "history":
            n += 1
            suffix = f" ({n})"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        self.taken.add(name.casefold())
        return name


def merge(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int, text: str, fmt: Any) -> None:
    """Write `text` over a range of cells, merged when it is more than one cell."""
    if (first_row, first_col) == (last_row, last_col):
        ws.write_string(first_row, first_col, text, fmt)
    else:
        ws.merge_range(first_row, first_col, last_row, last_col, text, fmt)


def text_width(text: str) -> float:
    """Roughly how wide a text is in Excel's column units: a CJK character counts twice."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
