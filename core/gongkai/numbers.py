"""Reading one table cell's text as a number, a blank, a placeholder or plain text (spec §5)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

Kind = Literal["number", "blank", "placeholder", "text"]

# Printed in a value cell to mean "nothing here": kept as raw text, value null.
PLACEHOLDERS = frozenset(
    {
        "无",
        "-",
        "--",
        "---",
        "—",
        "——",
        "/",
        "//",
        "\\",
        "空",
        "暂无",
        "－",
        "–",
        "×",
        "x",
        "X",
        "*",
        "/ ",
        "~",
    }
)
# Longest first, so that 万元 wins over 元.
UNITS = ("万元", "元", "件", "项", "个", "条", "次", "宗", "家", "起", "人次", "份")
_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u3000]+")


@dataclass(frozen=True)
class Parsed:
    kind: Kind
    raw: str
    value: int | Decimal | None = None
    unit: str | None = None

    def _replace_raw(self, raw: str) -> Parsed:
        return Parsed(self.kind, raw, self.value, self.unit)


def clean(text: str) -> str:
    """Full-width to half-width (NFKC), the minus sign to '-', no spaces (but see `_RUN_TOGETHER`)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    return _SPACES.sub("", text)


# Digits on both sides of a space are two figures ("0 0" from a PDF line), never one.
_RUN_TOGETHER = re.compile(r"\d[\s\u00a0\u3000]+[\d+-]")


# A footnote mark after a figure ("3¹", "1186①", a superscript from <sup>): a mark, never more digits.
_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079\u2460-\u249b\u24ea-\u24ff\u2776-\u2793*※△▲#]+\s*$")
# Thousands apart by a (thin, no-break) space, as some offices print them: "14 952".
_SPACED_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:[ \u00a0\u2009\u202f]\d{3})+")


# More digits than this in one cell are no figure and no row of figures run together either (table 四's
# fifteen cells of four digits are 60): read as text, never turned into a number.
MAX_DIGITS = 100


@lru_cache(maxsize=65536)  # cells repeat ("0", "无", labels), and a Parsed is never changed
def parse_cell(raw: str) -> Parsed:
    """Classify one cell: "3,119" → 3119, "3.2万元" → Decimal("3.2") in 万元, "无" → placeholder."""
    if _SPACED_THOUSANDS.fullmatch(raw.strip()):
        return parse_cell(re.sub(r"[ \u00a0\u2009\u202f]", "", raw))._replace_raw(raw)
    marked = _MARKS.search(raw)
    if marked and _MARKS.sub("", raw).strip():
        bare = parse_cell(_MARKS.sub("", raw))
        return Parsed(bare.kind, raw, bare.value, bare.unit)  # the mark stays in the raw text
    text = clean(raw)
    if _RUN_TOGETHER.search(unicodedata.normalize("NFKC", raw).strip()):
        return Parsed("text", raw)
    if not text:
        return Parsed("blank", raw)
    if text in PLACEHOLDERS or set(text) <= set("-—－–_"):
        return Parsed("placeholder", raw)
    unit = next((u for u in UNITS if text.endswith(u) and len(text) > len(u)), None)
    body = text[: -len(unit)] if unit else text
    match = _NUMBER.fullmatch(body)
    if not match:
        return Parsed("text", raw)
    sign, digits, fraction = match.groups()
    digits = digits.replace(",", "")
    if len(digits) + len(fraction or "") > MAX_DIGITS:
        return Parsed("text", raw)
    value = Decimal(f"{sign}{digits}{fraction}") if fraction else int(f"{sign}{digits}")
    return Parsed("number", raw, value, unit)


@lru_cache(maxsize=65536)
def figure_text(raw: str) -> str:
    """A figure's characters as the splitter reads them: cleaned, without a footnote mark."""
    return clean(_MARKS.sub("", raw))


def split_numbers(raw: str) -> list[Parsed] | None:
    """A cell holding several numbers apart by spaces ("0 0 0", a PDF line) as one cell each; else None.

    Groups of three digits after a first of one to three ("24 174", "1 234 567") are one number whose
    thousands are apart by spaces: two figures of a row are never that close together in one cell.
    """
    if _SPACED_THOUSANDS.fullmatch(raw.strip()):
        return None
    parts = raw.split()
    if len(parts) < 2:
        return None
    parsed = [parse_cell(p) for p in parts]
    if all(p.kind in ("number", "placeholder") for p in parsed):
        return parsed
    return None
