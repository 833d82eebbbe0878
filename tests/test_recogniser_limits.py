"""The recogniser's own limits: a document far larger than any report is refused with one line, quickly."""

from __future__ import annotations

import pytest

import gongkai
import gongkai.recognise
from conftest import SEEDS
from gongkai.errors import ReadError


def padded(copies: int) -> bytes:
    """Seed 002 with one of its table rows printed `copies` more times (a converter's runaway repeat)."""
    lines = SEEDS[2].read_text("utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if "属于国家秘密" in line)
    return "\n".join(lines[:at] + [lines[at]] * copies + lines[at:]).encode()


def test_more_rows_of_figures_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gongkai.recognise, "MAX_DATA_ROWS", 200)
    assert gongkai.convert(padded(100), name="r.txt").status in ("ok", "partial")
    with pytest.raises(ReadError) as caught:
        gongkai.convert(padded(300), name="r.txt")
    assert str(caught.value).startswith("too many rows of figures for a report: ")
    assert str(caught.value).endswith(", the limit is 200")


def test_more_rows_than_the_limit_are_refused_before_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gongkai.recognise, "MAX_ROWS", 500)
    rows = len(padded(300).decode().split("\n"))
    with pytest.raises(ReadError) as caught:
        gongkai.convert(padded(600), name="r.txt")
    assert str(caught.value) == f"too many rows for a report: {rows + 300:,} lines and table rows, the limit is 500"
