"""How offices print the form's cells in ways the national form does not: each read as what it says.

A known model is rendered as the official grid (see test_grid_path) with one
thing printed differently, and must read back equal — or, where the print
cannot say which figure is which, leave the cells null with a finding.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from typing import Any

import gongkai
from conftest import SEEDS, expected_for
from gongkai import Grid, Layout
from gongkai.model import Report
from gongkai.plugins import get_registry
from gongkai.recognise import recognise
from test_grid_path import grid, render, text, varied
from test_recovery import APPLICATIONS, draw_table, figures, tab_report, table_lines

COLUMNS_3 = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def read(layout: Layout) -> Report:
    return recognise(layout, get_registry().templates)


def reprinted(layout: Layout, table: int, old: str, new: str) -> Layout:
    """The layout with one cell of grid `table` printing `new` where it printed `old`."""
    blocks = list(layout.blocks)
    at = [i for i, b in enumerate(blocks) if isinstance(b, Grid)][table]
    g = blocks[at]
    assert isinstance(g, Grid)
    hits = [k for k, c in enumerate(g.cells) if c.text == old]
    assert hits, old
    cells = list(g.cells)
    cells[hits[0]] = replace(cells[hits[0]], text=new)
    blocks[at] = replace(g, cells=cells)
    return replace(layout, blocks=blocks)


def test_labels_that_name_their_group_first_read_as_their_own_rows() -> None:
    expected = varied(expected_for(SEEDS[0]))
    template = get_registry().templates[expected["template"]]
    labels: dict[str, str] = {}
    for row in template.table("applications").rows:
        own = re.sub(r"^\d\.", "", row.label)
        if row.id.startswith("denied_"):
            labels[row.id] = f"不予公开-{own}"
        elif row.id.startswith("other_") and row.id != "other_handling":
            labels[row.id] = f"其他处理—{own}"  # "其他处理—其他" is 3.其他, never （六）其他处理
        else:
            labels[row.id] = row.label
    layout = render(expected)
    blocks = list(layout.blocks)
    at = [i for i, b in enumerate(blocks) if isinstance(b, Grid)][1]
    head = [[("", 1, 1), ("申请人情况", 1, 7)], [("", 1, 1)] + [(c, 1, 1) for c in COLUMNS_3]]
    flat = [  # one label column, no group cells: the group is only in each row's own label
        [(labels[r], 1, 1), *((text(v), 1, 1) for v in cols.values())]
        for r, cols in expected["tables"]["applications"].items()
        if r != "other_handling"
    ]
    blocks[at] = grid(head + flat, 1)
    report = read(replace(layout, blocks=blocks))
    assert report.values() == expected["tables"]
    assert not [f for f in report.findings if f.severity == "error"]


def test_thousands_apart_by_a_space_are_one_figure() -> None:
    expected = varied(expected_for(SEEDS[0]))
    expected["tables"]["active_disclosure"]["licensing"]["decisions"] = 14952
    report = read(reprinted(render(expected), 0, "14952", "14 952"))
    cell = report.tables["active_disclosure"]["licensing"]["decisions"]
    assert cell.value == 14952 and cell.raw == "14 952"
    assert report.values() == expected["tables"]


def test_a_cell_printing_two_figures_is_no_value_and_says_so() -> None:
    expected = varied(expected_for(SEEDS[0]))
    expected["tables"]["active_disclosure"]["licensing"]["decisions"] = 42
    report = read(reprinted(render(expected), 0, "42", "4 2"))
    assert report.tables["active_disclosure"]["licensing"]["decisions"].value is None
    found = [f for f in report.findings if f.code == "not_a_figure"]
    assert [(f.table, f.row, f.column, f.figures) for f in found] == [
        ("active_disclosure", "licensing", "decisions", {"printed": "4 2"})
    ]


def test_a_footnote_mark_after_a_figure_is_not_a_digit() -> None:
    expected = varied(expected_for(SEEDS[0]))
    report = read(reprinted(render(expected), 0, "37", "37①"))
    cell = report.tables["active_disclosure"]["regulations"]["in_force"]
    assert cell.value == 37 and cell.raw == "37①"


def four_in_one_row(heads: list[str], values: dict[str, dict[str, Any]]) -> Grid:
    """Table 四 in one row under its headings, the two groups printed in the order given."""
    columns = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows: list[list[tuple[str, int, int]]] = [
        [(h, 1, 5 if h == "行政复议" else 10) for h in heads],
        [],
        [(h, 1, 1) for h in columns * 3],
        [(text(v), 1, 1) for row in values.values() for v in row.values()],
    ]
    for h in heads:
        if h == "行政复议":
            rows[1] += [(c, 1, 1) for c in columns]
        else:
            rows[1] += [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]
    rows[2] = rows[2][5:]
    return grid(rows, 2)


def with_table_four(expected: dict[str, Any], four: Grid) -> Layout:
    layout = render(expected)
    blocks = list(layout.blocks)
    blocks[[i for i, b in enumerate(blocks) if isinstance(b, Grid)][2]] = four
    return replace(layout, blocks=blocks)


def test_table_four_under_its_headings_in_the_forms_order_reads_back() -> None:
    expected = varied(expected_for(SEEDS[0]))
    four = expected["tables"]["review_litigation"]
    report = read(with_table_four(expected, four_in_one_row(["行政复议", "行政诉讼"], four)))
    assert report.values()["review_litigation"] == four


def test_table_four_under_headings_in_another_order_is_not_placed() -> None:
    expected = varied(expected_for(SEEDS[0]))
    four = expected["tables"]["review_litigation"]
    report = read(with_table_four(expected, four_in_one_row(["行政诉讼", "行政复议"], four)))
    assert all(v is None for cols in report.values()["review_litigation"].values() for v in cols.values())
    assert [f.code for f in report.findings if f.table == "review_litigation"][:1] == ["headings_misordered"]


OTHER = ("other_no_correction", "other_unpaid_fee", "other_other")

# How an office's own export names table 三's sub-rows: the group, a dash, a short name.
SHORT = {
    "denied_state_secret": "不予公开-国家秘密",
    "denied_prohibited_by_law": "不予公开-法律法规禁止",
    "denied_security_stability": "不予公开-危及三安全一稳定",
    "cannot_provide_not_held": "无法提供-本机关不掌握",
    "cannot_provide_needs_creation": "无法提供-需另行制作",
    "not_processed_petition": "不予处理-信访举报投诉",
    "not_processed_duplicate": "不予处理-重复申请",
    "other_no_correction": "其他处理-逾期不补正",
    "other_unpaid_fee": "其他处理—逾期未缴费",
    "other_other": "其他处理-其他",
}


def relabelled(table: dict[str, list[int]], labels: dict[str, str]) -> list[str]:
    """Table 三's tab-separated lines with some rows printed under other labels (row id -> label)."""
    out = []
    for line in table_lines(table):
        label, rest = line.split("\t", 1)
        row = next(r.id for r in APPLICATIONS.rows if r.label == label)
        out.append(f"{labels.get(row, label)}\t{rest}")
    return out


def test_sub_rows_named_by_group_and_a_short_name_are_their_own_rows_not_the_groups() -> None:
    """ "其他处理-逾期不补正" reads as 其他处理 better than as its own long label: it is still never
    the group's row (its figures put there were twelve wrong cells, and a rule then forced more)."""
    assert set(SHORT) <= {r.id for r in APPLICATIONS.rows}
    table = draw_table(random.Random(5))
    report = gongkai.convert(tab_report(relabelled(table, SHORT)), name="export.txt")
    assert {row: figures(report, row) for row in table} == table
    assert not [f for f in report.findings if f.severity == "error"]


def test_a_sub_row_under_a_short_name_nobody_knows_is_missing_never_the_groups_row() -> None:
    table = draw_table(random.Random(6))
    unknown = {"other_no_correction": "其他处理-不补正", "other_unpaid_fee": "其他处理—未交费"}
    report = gongkai.convert(tab_report(relabelled(table, unknown)), name="export.txt")
    truth = {**table, "other_handling": [a + b + c for a, b, c in zip(*(table[r] for r in OTHER), strict=True)]}
    wrong = [
        (row, k, v, truth[row][k])
        for row in truth
        for k, v in enumerate(figures(report, row))
        if v is not None and v != truth[row][k]
    ]
    assert wrong == []
    assert figures(report, "other_other") == table["other_other"]
