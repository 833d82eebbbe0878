"""Reading a cell's text as a number (spec §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.numbers import parse_cell, split_numbers


@pytest.mark.parametrize(
    "raw,value,unit",
    [
        ("0", 0, None),
        (" 0", 0, None),
        ("0\u00a0", 0, None),
        ("０１２", 12, None),
        ("3,119", 3119, None),
        ("3，119", 3119, None),
        ("1 234", 1234, None),  # thousands apart by a space, as GB/T 15835 writes them
        ("119 118", 119118, None),
        ("12 34", None, None),  # two figures run together, or one with a stray space: not guessed
        ("4 2", None, None),
        ("3¹", 3, None),  # a footnote mark after the figure
        ("1186①", 1186, None),
        ("5件", 5, "件"),
        ("3.2万元", Decimal("3.2"), "万元"),
        ("96171.6", Decimal("96171.6"), None),
        ("0.0001", Decimal("0.0001"), None),
        ("-183", -183, None),
        ("+5174", 5174, None),
        ("−7", -7, None),  # U+2212 MINUS SIGN
        ("１２．５", Decimal("12.5"), None),
    ],
)
def test_numbers(raw: str, value: int | Decimal | None, unit: str | None) -> None:
    parsed = parse_cell(raw)
    if value is None:
        assert parsed.kind == "text"
        return
    assert parsed.kind == "number"
    assert parsed.value == value and type(parsed.value) is type(value)
    assert parsed.unit == unit
    assert parsed.raw == raw


def test_decimal_is_exact() -> None:
    value = parse_cell("96171.6").value
    assert isinstance(value, Decimal) and str(value) == "96171.6"


@pytest.mark.parametrize("raw", ["无", "—", "——", "/", "-", "－", "暂无"])
def test_placeholders_keep_raw_and_have_no_value(raw: str) -> None:
    parsed = parse_cell(raw)
    assert parsed.kind == "placeholder" and parsed.value is None and parsed.raw == raw


@pytest.mark.parametrize("raw", ["", " ", "\u3000", "\u00a0"])
def test_blank(raw: str) -> None:
    assert parse_cell(raw).kind == "blank"


@pytest.mark.parametrize("raw", ["1.属于国家秘密", "1241人", "2021年", "规章", "12 由语人逾期", "1" * 101, "9" * 5000])
def test_labels_are_text(raw: str) -> None:
    assert parse_cell(raw).kind == "text"


def test_space_separated_figures_split() -> None:
    parts = split_numbers("0 12 3,119 —")
    assert parts is not None
    assert [p.value for p in parts] == [0, 12, 3119, None]
    assert split_numbers("0") is None
    assert split_numbers("结果 维持") is None
