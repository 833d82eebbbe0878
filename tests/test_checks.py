"""The consistency rules: violations, derivation, contradictions, and what cannot be checked."""

from __future__ import annotations

from decimal import Decimal

from gongkai.builtin_templates import TEMPLATE_DIR
from gongkai.checks import check
from gongkai.model import Cell, Report
from gongkai.recognise import fill
from gongkai.template import load_template

GOV_2021 = load_template(TEMPLATE_DIR / "gov-2021.toml")
APPLICANTS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
]
OUTCOMES = GOV_2021.table("applications").row_columns("granted")


def empty(layout: str = "other_handling_three_rows") -> Report:
    report = Report(template="gov-2021")
    layouts = {"active_disclosure": "standard", "applications": layout, "review_litigation": "one_row"}
    fill(report, GOV_2021, layouts, [], [])
    report.layouts = layouts
    return report


def put(report: Report, row: str, values: list[int | None], table: str = "applications") -> None:
    cols = list(report.tables[table][row])
    for col, value in zip(cols, values, strict=True):
        report.tables[table][row][col] = Cell(value=value, raw=None if value is None else str(value))


def consistent() -> Report:
    """A small table three that satisfies every rule, with 2 applications from people, 1 from a firm."""
    report = empty()
    zero = [0] * 7
    for row in report.tables["applications"]:
        put(report, row, zero)
    put(report, "new_received", [2, 1, 0, 0, 0, 0, 3])
    put(report, "granted", [1, 1, 0, 0, 0, 0, 2])
    put(report, "other_other", [1, 0, 0, 0, 0, 0, 1])
    put(report, "other_handling", [1, 0, 0, 0, 0, 0, 1])
    put(report, "total_handled", [2, 1, 0, 0, 0, 0, 3])
    for row in report.tables["review_litigation"]:
        put(report, row, [0] * 5, table="review_litigation")
    put(report, "review", [1, 0, 0, 1, 2], table="review_litigation")
    return report


def test_consistent_report_passes_every_rule() -> None:
    report = consistent()
    check(GOV_2021, report)
    assert not [f for f in report.findings if f.severity == "error"]
    assert report.checks["applications.balance"].passed == 7
    assert report.checks["applications.outcomes_sum"].passed == 7
    assert report.checks["applications.other_handling_sum"].passed == 7
    assert report.checks["applications.row_total"].passed == 26
    assert report.checks["review_litigation.row_total"].passed == 3


def test_balance_violation_names_its_figures() -> None:
    rule = "applications.balance"
    report = consistent()
    put(report, "carried_over", [1, 0, 0, 0, 0, 0, 1])  # 2 + 1 received, but only 2 handled and none carried
    check(GOV_2021, report)
    failed = [f for f in report.findings if f.rule == rule]
    assert len(failed) == 2  # natural_person and total columns
    figures = failed[0].figures
    assert figures["left"] == {"new_received.natural_person": 2, "carried_over.natural_person": 1}
    assert figures["left_sum"] == 3 and figures["right_sum"] == 2
    assert report.checks[rule].failed == 2 and report.checks[rule].passed == 5


def test_outcomes_sum_violation() -> None:
    report = consistent()
    put(report, "denied_state_secret", [0, 1, 0, 0, 0, 0, 1])
    check(GOV_2021, report)
    rules = {f.rule for f in report.findings if f.code == "rule_violated"}
    assert rules == {"applications.outcomes_sum"}
    assert report.checks["applications.outcomes_sum"].failed == 2


def test_other_handling_sum_violation() -> None:
    report = consistent()
    put(report, "other_handling", [2, 0, 0, 0, 0, 0, 2])
    check(GOV_2021, report)
    assert "applications.other_handling_sum" in {f.rule for f in report.findings}


def test_row_total_violation() -> None:
    report = consistent()
    put(report, "granted", [1, 1, 0, 0, 0, 0, 3])
    check(GOV_2021, report)
    failed = [f for f in report.findings if f.rule == "applications.row_total"]
    assert len(failed) == 1
    assert failed[0].figures["left"] == {"granted.total": 3}


def test_review_litigation_row_total_violation() -> None:
    report = consistent()
    put(report, "litigation_direct", [1, 1, 0, 0, 3], table="review_litigation")
    check(GOV_2021, report)
    assert [f.rule for f in report.findings if f.code == "rule_violated"] == ["review_litigation.row_total"]


def test_one_unknown_is_derived_and_marked() -> None:
    report = consistent()
    put(report, "granted", [None, 1, 0, 0, 0, 0, 2])
    check(GOV_2021, report)
    cell = report.tables["applications"]["granted"]["natural_person"]
    assert cell.value == 1 and cell.derived
    assert not [f for f in report.findings if f.severity == "error"]


def test_printed_total_zero_forces_blank_cells_to_zero() -> None:
    report = consistent()
    put(report, "partially_granted", [None] * 6 + [0])
    check(GOV_2021, report)
    row = report.tables["applications"]["partially_granted"]
    assert all(row[c].value == 0 and row[c].derived == "applications.row_total" for c in APPLICANTS)
    assert row["total"].derived is None


def test_group_total_of_three_row_layout_is_derived_from_its_sub_rows() -> None:
    report = consistent()
    put(report, "other_handling", [None] * 7)
    check(GOV_2021, report)
    row = report.tables["applications"]["other_handling"]
    assert [row[c].value for c in row] == [1, 0, 0, 0, 0, 0, 1]
    assert {row[c].derived for c in row} == {"applications.other_handling_sum"}


def test_negative_derivation_is_a_contradiction_not_a_value() -> None:
    report = empty()
    put(report, "granted", [None, 1, 0, 0, 0, 0, 0])  # total 0 but a firm's application granted
    check(GOV_2021, report)
    assert report.tables["applications"]["granted"]["natural_person"].value is None
    contradictions = [f for f in report.findings if f.code == "contradiction"]
    assert contradictions and contradictions[0].figures["unknown_sum"] == -1


def test_fractional_derivation_is_a_contradiction() -> None:
    report = empty()
    put(report, "granted", [None, 1, 0, 0, 0, 0, 2])
    report.tables["applications"]["granted"]["total"] = Cell(value=Decimal("2.5"), raw="2.5")
    check(GOV_2021, report)
    assert report.tables["applications"]["granted"]["natural_person"].value is None
    assert any(f.code == "contradiction" for f in report.findings)


def test_two_unknowns_with_nonzero_rest_stay_unknown_and_not_checkable() -> None:
    report = consistent()
    put(report, "new_received", [None, None, 0, 0, 0, 0, 3])
    put(report, "total_handled", [None, None, 0, 0, 0, 0, 3])
    put(report, "granted", [None, None, 0, 0, 0, 0, 2])
    put(report, "other_other", [None, None, 0, 0, 0, 0, 1])
    put(report, "other_handling", [None, None, 0, 0, 0, 0, 1])
    check(GOV_2021, report)
    assert report.tables["applications"]["new_received"]["natural_person"].value is None
    assert report.checks["applications.row_total"].not_checkable >= 5
    assert report.checks["applications.balance"].not_checkable == 2


def test_rule_over_nulls_is_not_checkable_not_passed() -> None:
    report = empty()
    check(GOV_2021, report)
    tally = report.checks["applications.balance"]
    assert (tally.passed, tally.failed, tally.not_checkable) == (0, 0, 7)


def test_one_row_layout_skips_sub_rows() -> None:
    report = consistent()
    report.layouts["applications"] = "other_handling_one_row"
    for sub in ("other_no_correction", "other_unpaid_fee", "other_other"):
        put(report, sub, [None] * 7)
    check(GOV_2021, report)
    assert "applications.other_handling_sum" not in report.checks  # not a rule of this layout
    assert report.checks["applications.row_total"].passed == 23
    assert report.checks["applications.row_total"].not_checkable == 0
