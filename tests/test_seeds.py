"""The five real seeds convert exactly: every cell, the template, the year and the issuing body."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import gongkai
from conftest import SEEDS, assert_inferences_are_sound, expected_for


def test_tables_equal_expected_cell_for_cell(seed: Path) -> None:
    report = gongkai.convert(seed)
    expected = expected_for(seed)
    assert report.template == expected["template"]
    assert report.values() == expected["tables"]
    assert report.status == "ok"


def test_year_agency_and_date(seed: Path) -> None:
    report = gongkai.convert(seed)
    meta = expected_for(seed)["meta"]
    assert report.meta.year == meta["year"]
    assert report.meta.agency == meta["agency"]
    assert report.meta.published == meta.get("published")  # null in the truth: the report prints no date


def test_every_value_is_printed_or_marked_derived(seed: Path) -> None:
    """Traceability: a value either has the raw text and place it was read from, or names its rule."""
    report = gongkai.convert(seed)
    for table, rows in report.tables.items():
        for row, cols in rows.items():
            for col, cell in cols.items():
                if cell.value is None:
                    continue
                if cell.derived:
                    assert cell.derived.split(".")[0] in ("applications", "review_litigation")
                else:
                    assert cell.raw and cell.raw.strip(), (table, row, col)
                    assert cell.where is not None and cell.where.line, (table, row, col)
                    number = Decimal(cell.raw.strip().replace(",", ""))
                    assert number == cell.value, (table, row, col)


def _derived(path: Path) -> set[tuple[str, str]]:
    report = gongkai.convert(path)
    return {(r, c) for t, r, c, _ in report.derived_cells() if t == "applications"}


def test_row_printing_only_its_total_has_derived_applicant_cells() -> None:
    """Seed 001: （一）予以公开 prints only 总计 0; the six blank applicant cells are forced to 0."""
    derived = _derived(SEEDS[1])
    report = gongkai.convert(SEEDS[1])
    granted = report.tables["applications"]["granted"]
    assert granted["total"].derived is None and granted["total"].value == 0
    applicants = [c for c in granted if c != "total"]
    assert all(("granted", c) in derived for c in applicants)
    assert all(granted[c].derived == "applications.row_total" for c in applicants)


def test_pdf_row_that_lost_a_zero_is_filled_by_the_rules() -> None:
    """Seed 002: other_unpaid_fee and total_handled print 6 of 7 zeros."""
    report = gongkai.convert(SEEDS[2])
    apps = report.tables["applications"]
    lost = [(r, c) for r in ("other_unpaid_fee", "total_handled") for c, cell in apps[r].items() if cell.derived]
    assert lost and all(apps[r][c].value == 0 for r, c in lost)
    assert all(apps["new_received"][c].derived is None for c in apps["new_received"])


def test_table_lost_but_for_its_totals_is_derived_from_them() -> None:
    """Seed 003: only （七）总计 and 结转 totals survive; everything else is forced to 0 and marked."""
    report = gongkai.convert(SEEDS[3])
    apps = report.tables["applications"]
    printed = {
        (r, c) for r, cols in apps.items() for c, cell in cols.items() if cell.value is not None and not cell.derived
    }
    assert printed == {("total_handled", "total"), ("carried_forward", "total")}
    assert report.layouts["applications"] == "other_handling_one_row"
    assert all(cell.value is None for cell in apps["other_other"].values())


@pytest.mark.parametrize("index,layout", [(0, "other_handling_three_rows"), (4, "other_handling_one_row")])
def test_printed_layout_is_recorded(index: int, layout: str) -> None:
    report = gongkai.convert(SEEDS[index])
    assert report.layouts["applications"] == layout
    assert report.layouts["review_litigation"] == "one_row"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_reencoded_seed_gives_identical_tables(seed: Path, encoding: str) -> None:
    text = seed.read_text("utf-8")
    original = gongkai.convert(seed)
    again = gongkai.convert(text.encode(encoding), name=seed.name)
    assert again.values() == original.values()
    assert again.template == original.template
    assert again.meta == original.meta


def test_inferred_cells_are_marked_and_confirmed(seed: Path) -> None:
    """No seed value is placed by inference without saying how and which rule confirmed it."""
    assert_inferences_are_sound(gongkai.convert(seed))
