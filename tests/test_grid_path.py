"""The grid path: real tables (as DOCX, HTML and ruled PDF readers give them) with merged cells.

The grids here are built the way the official Word form is built: table 二's
four sub-tables in one table with heading rows inside it, table 三 with
group labels spanning rows, table 四 under a two-level header. A known model
rendered as such grids must read back equal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from conftest import SEEDS, expected_for
from gongkai import Grid, GridCell, Layout, Line, Piece, Where
from gongkai.plugins import get_registry
from gongkai.recognise import recognise

GROUPS_3 = {  # table 三's group cells: (first row, label, rows spanned)
    "granted": ("三、本年度办理结果", 22),
    "denied_state_secret": ("（三）不予公开", 8),
    "cannot_provide_not_held": ("（四）无法提供", 3),
    "not_processed_petition": ("（五）不予处理", 5),
    "other_no_correction": ("（六）其他处理", 3),
}


def text(value: Any) -> str:
    return "" if value is None else str(value)


def grid(rows: list[list[tuple[str, int, int]]], index: int) -> Grid:
    """Rows of (text, rowspan, colspan) laid out left to right, skipping columns taken by cells above."""
    cells: list[GridCell] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for content, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            cells.append(GridCell(content, r, c, rowspan, colspan, Where(table=index, row=r, col=c)))
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            c += colspan
    return Grid(cells=cells, index=index)


def table_two(values: dict[str, dict[str, Any]]) -> Grid:
    heads = [
        (
            "第二十条第（一）项",
            ["regulations", "normative_documents"],
            ["本年制发件数", "本年废止件数", "现行有效件数"],
        ),
        ("第二十条第（五）项", ["licensing"], ["本年处理决定数量"]),
        ("第二十条第（六）项", ["penalty", "coercion"], ["本年处理决定数量"]),
        ("第二十条第（八）项", ["fees"], ["本年收费金额（单位：万元）"]),
    ]
    labels = {
        "regulations": "规章",
        "normative_documents": "行政规范性文件",
        "licensing": "行政许可",
        "penalty": "行政处罚",
        "coercion": "行政强制",
        "fees": "行政事业性收费",
    }
    rows: list[list[tuple[str, int, int]]] = []
    for head, row_ids, columns in heads:
        rows.append([(head, 1, 4)])
        span = 3 // len(columns)
        rows.append([("信息内容", 1, 1)] + [(c, 1, span) for c in columns])
        for row_id in row_ids:
            cells = list(values[row_id].values())
            rows.append([(labels[row_id], 1, 1)] + [(text(v), 1, span) for v in cells])
    return grid(rows, 0)


def table_three(values: dict[str, dict[str, Any]], labels: dict[str, str]) -> Grid:
    rows: list[list[tuple[str, int, int]]] = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(t, 1, 1) for t in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]],
    ]
    for row_id, cols in values.items():
        if row_id == "other_handling":
            continue  # the three-row layout prints its sub-rows only
        figures = [(text(v), 1, 1) for v in cols.values()]
        if row_id in ("new_received", "carried_over", "carried_forward"):
            rows.append([(labels[row_id], 1, 3), *figures])
        elif row_id in ("granted", "partially_granted", "total_handled"):
            group = [(GROUPS_3[row_id][0], GROUPS_3[row_id][1], 1)] if row_id in GROUPS_3 else []
            rows.append([*group, (labels[row_id], 1, 2), *figures])
        else:
            group = [(GROUPS_3[row_id][0], GROUPS_3[row_id][1], 1)] if row_id in GROUPS_3 else []
            rows.append([*group, (labels[row_id], 1, 1), *figures])
    return grid(rows, 1)


def table_four(values: dict[str, dict[str, Any]]) -> Grid:
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows: list[list[tuple[str, int, int]]] = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [*[(h, 2, 1) for h in heads], ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(h, 1, 1) for h in heads * 2],
        [(text(v), 1, 1) for row in values.values() for v in row.values()],
    ]
    return grid(rows, 2)


def render(expected: dict[str, Any]) -> Layout:
    template = get_registry().templates[expected["template"]]
    labels = {r.id: r.label for r in template.table("applications").rows}
    tables = expected["tables"]
    lines = [
        "成武县工业和信息化局2021年度政府信息公开工作年度报告",
        "一、总体情况",
        "本年度我局认真贯彻条例。",
        "二、主动公开政府信息情况",
    ]
    blocks: list[Line | Grid] = [Line([Piece(t, Where(line=n + 1))]) for n, t in enumerate(lines)]
    blocks.append(table_two(tables["active_disclosure"]))
    blocks.append(Line([Piece("三、收到和处理政府信息公开申请情况")]))
    blocks.append(table_three(tables["applications"], labels))
    blocks.append(Line([Piece("四、政府信息公开行政复议、行政诉讼情况")]))
    blocks.append(table_four(tables["review_litigation"]))
    blocks.append(Line([Piece("五、存在的主要问题及改进情况")]))
    return Layout(blocks=blocks, format="test")


def varied(expected: dict[str, Any]) -> dict[str, Any]:
    """Seed 000's figures made less trivial, every rule still holding."""
    tables = expected["tables"]
    apps = tables["applications"]
    for row, figures in [
        ("new_received", [5, 2, 0, 1, 0, 3, 11]),
        ("granted", [3, 2, 0, 1, 0, 0, 6]),
        ("denied_third_party", [1, 0, 0, 0, 0, 2, 3]),
        ("other_other", [1, 0, 0, 0, 0, 1, 2]),
        ("other_handling", [1, 0, 0, 0, 0, 1, 2]),
        ("total_handled", [5, 2, 0, 1, 0, 3, 11]),
        ("carried_over", [0] * 7),
        ("carried_forward", [0] * 7),
    ]:
        apps[row] = dict(zip(apps[row], figures, strict=True))
    tables["active_disclosure"]["fees"]["amount"] = Decimal("96171.6")
    tables["active_disclosure"]["regulations"] = {"issued": 2, "repealed": 1, "in_force": 37}
    tables["review_litigation"]["review"] = {"upheld": 1, "corrected": 0, "other": 0, "pending": 2, "total": 3}
    return expected


def test_official_grid_reads_back_equal() -> None:
    expected = varied(expected_for(SEEDS[0]))
    report = recognise(render(expected), get_registry().templates)
    assert report.template == "gov-2021"
    assert report.values() == expected["tables"]
    assert report.layouts["applications"] == "other_handling_three_rows"
    assert not [f for f in report.findings if f.severity == "error"]
    cell = report.tables["applications"]["granted"]["natural_person"]
    assert cell.raw == "3" and cell.where == Where(table=1, row=5, col=3)
    assert report.tables["applications"]["other_handling"]["total"].derived == "applications.other_handling_sum"


def test_blank_official_grid_gives_all_null() -> None:
    expected = expected_for(SEEDS[0])
    for rows in expected["tables"].values():
        for cols in rows.values():
            for col in cols:
                cols[col] = None
    report = recognise(render(expected), get_registry().templates)
    assert report.template == "gov-2021"
    assert report.status == "ok"
    assert all(v is None for rows in report.values().values() for cols in rows.values() for v in cols.values())
    assert not report.derived_cells()
    assert report.checks["applications.balance"].not_checkable == 7
    assert not [f for f in report.findings if f.code == "rows_not_found"]
