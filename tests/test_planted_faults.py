"""Faults planted in a real report, and the findings they must give: known independently, not snapshots.

The golden files catch any change of output; these say what the output
must be. Each test changes one thing in seed 004 (every cell of it is
printed, none derived, no rule broken) and states the findings that
change implies, with their figures.
"""

from __future__ import annotations

import gongkai
from conftest import SEEDS
from gongkai.model import Finding, Report

SEED = SEEDS[4]  # Word's text export: each cell on a line of its own after a tab


def lines() -> list[str]:
    return SEED.read_text("utf-8").split("\n")


def figures_of(text: list[str], label: str) -> list[int]:
    """Indexes of the lines printing the seven figures of a table 三 row (the cell lines after its label)."""
    at = next(i for i, line in enumerate(text) if line.strip() == label)
    return [i for i in range(at + 1, at + 12) if text[i].startswith("\t") and text[i].strip().isdigit()][:7]


def convert(text: list[str]) -> Report:
    return gongkai.convert("\n".join(text).encode("utf-8"), name=SEED.name)


def errors(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.severity == "error"]


def test_the_seed_itself_breaks_no_rule() -> None:
    report = gongkai.convert(SEED)
    assert errors(report) == [] and report.derived_cells() == []
    assert all(check.failed == 0 for check in report.checks.values())


def test_one_figure_changed_breaks_its_row_and_its_column() -> None:
    text = lines()
    at = figures_of(text, "6.属于四类过程性信息")[0]  # 自然人
    was = int(text[at])
    text[at] = f"\t{was + 7}"
    report = convert(text)
    assert report.tables["applications"]["denied_process_info"]["natural_person"].value == was + 7
    found = {(f.code, f.rule): f for f in errors(report)}
    assert set(found) == {
        ("rule_violated", "applications.row_total"),
        ("rule_violated", "applications.outcomes_sum"),
    }
    row = found[("rule_violated", "applications.row_total")].figures
    assert row["right_sum"] - row["left_sum"] == 7
    column = found[("rule_violated", "applications.outcomes_sum")].figures
    assert column["right_sum"] - column["left_sum"] == 7
    assert "denied_process_info.natural_person" in column["right"]
    assert report.checks["applications.row_total"].failed == 1
    assert report.checks["applications.outcomes_sum"].failed == 1
    assert report.checks["applications.balance"].failed == 0


def test_a_negative_count_is_reported_and_kept() -> None:
    text = lines()
    text[figures_of(text, "2.重复申请")[0]] = "\t-2"
    report = convert(text)
    bad = [(f.row, f.column, f.figures) for f in report.findings if f.code == "bad_count"]
    assert bad == [("not_processed_duplicate", "natural_person", {"printed": "-2"})]


def test_a_word_in_a_figure_cell_is_no_value() -> None:
    text = lines()
    at = figures_of(text, "3.要求提供公开出版物")[5]  # 其他
    was = int(text[at])
    text[at] = "\t无"
    report = convert(text)
    cell = report.tables["applications"]["not_processed_publication"]["other_org"]
    assert (cell.raw, cell.value, cell.derived) == ("无", was, "applications.row_total")  # its row's sum gives it back
    info = [(f.row, f.column, f.severity) for f in report.findings if f.code == "not_a_number"]
    assert info == [("not_processed_publication", "other_org", "info")]


def test_a_row_lost_is_named() -> None:
    text = lines()
    at = next(i for i, line in enumerate(text) if line.strip() == "8.属于行政查询事项")
    figures = figures_of(text, "8.属于行政查询事项")
    truth = gongkai.convert(SEED).values()["applications"]["denied_administrative_query"]
    del text[at : figures[-1] + 1]
    report = convert(text)
    lost = [(f.table, f.figures["rows"]) for f in report.findings if f.code == "rows_not_found"]
    assert lost == [("applications", ["denied_administrative_query"])]
    cells = report.tables["applications"]["denied_administrative_query"]
    assert {c: cell.value for c, cell in cells.items()} == truth  # the one unknown row of every column sum
    assert all(cell.derived == "applications.outcomes_sum" for cell in cells.values())


def test_a_total_smaller_than_its_parts_is_a_contradiction() -> None:
    text = lines()
    at = figures_of(text, "（七）总计")
    parts = [int(text[i]) for i in at[:6]]
    text[at[5]] = "\t"  # 其他 blank,
    text[at[6]] = f"\t{sum(parts[:5]) - 1}"  # 总计 one less than the other five: 其他 would be -1
    report = convert(text)
    contradiction = [f for f in report.findings if f.code == "contradiction" and f.rule == "applications.row_total"]
    assert [c.figures["unknown_sum"] for c in contradiction] == [-1]
    cell = report.tables["applications"]["total_handled"]["other_org"]  # its column still determines it
    assert (cell.value, cell.derived) == (parts[5], "applications.outcomes_sum")


def test_table_four_lost_is_named() -> None:
    text = "\n".join(lines())
    start = text.index("四、政府信息公开行政复议")
    end = text.index("五、", start)
    report = gongkai.convert((text[:start] + text[end:]).encode("utf-8"), name=SEED.name)
    assert report.status == "partial"
    assert [f.table for f in report.findings if f.code == "table_not_found"] == ["review_litigation"]
