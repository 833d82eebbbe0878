"""Recovery by the rules: runs of digits split, rows aligned right, rows without labels placed by order.

Each case is a report as text or as a layout whose true figures are known;
what the rules determine must come out exact and marked, and what they do
not must come out as no value and a finding naming the row.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

import gongkai
from gongkai.layout import Layout, Line, Piece
from gongkai.model import Report, Where
from gongkai.plugins import get_registry
from gongkai.recognise import recognise
from gongkai.recognise.split import Sum, TooMany, number, splits, valid
from gongkai.recognise.unglue import unglue

ROW_SUM = [Sum(6, (0, 1, 2, 3, 4, 5))]
FOUR_SUMS = [Sum(4, (0, 1, 2, 3)), Sum(9, (5, 6, 7, 8)), Sum(14, (10, 11, 12, 13))]
APPLICATIONS = get_registry().templates["gov-2021"].table("applications")
OUTCOMES = [r.id for r in APPLICATIONS.rows[2:20]]
SUBS = ["other_no_correction", "other_unpaid_fee", "other_other"]


# ---------------------------------------------------------------- splitting a run


def brute_force(tokens: list[str], kinds: list[str], sums: list[Sum]) -> list[tuple[str, ...]]:
    """Every cut, tried one by one: the second opinion on `splits`."""
    found = []

    def cuts(token: str) -> list[list[str]]:
        out = []
        for k in range(1, len(token) + 1):
            for inner in itertools.combinations(range(1, len(token)), k - 1):
                bounds = (0, *inner, len(token))
                out.append([token[a:b] for a, b in itertools.pairwise(bounds)])
        return out

    for combo in itertools.product(*(cuts(t) for t in tokens)):
        parts = [p for cut in combo for p in cut]
        if len(parts) != len(kinds) or not all(valid(p, k) for p, k in zip(parts, kinds, strict=True)):  # type: ignore[arg-type]
            continue
        values = [number(p) for p in parts]
        if all(values[s.total] == sum(values[i] for i in s.parts) for s in sums):
            found.append(tuple(parts))
    return sorted(found)


def test_the_example_of_the_issue_has_two_readings() -> None:
    assert splits(["125001018"], ["count"] * 7, ROW_SUM) == [
        ("12", "5", "0", "0", "1", "0", "18"),
        ("1", "2", "5", "0", "0", "10", "18"),
    ]


def test_split_rules_of_numbers() -> None:
    assert splits(["000"], ["count"] * 3) == [("0", "0", "0")]
    assert sorted(splits(["1020"], ["count"] * 3)) == [("1", "0", "20"), ("10", "2", "0")]  # 1|02|0: no leading 0
    assert splits(["12", "-183"], ["count", "signed", "count"]) == [("12", "-18", "3"), ("12", "-1", "83")]
    assert ("12", "0.5") in splits(["120.5"], ["count", "amount"]) and ("1", "20.5") in splits(
        ["120.5"], ["count", "amount"]
    )
    assert splits(["1.5"], ["count"]) == []  # a decimal point only in an amount
    assert splits(["0", "0"], ["count"] * 3) == []  # not enough digits


def test_split_agrees_with_brute_force() -> None:
    rng = random.Random(20240601)
    for _ in range(300):
        n, sums = rng.choice([(3, []), (7, ROW_SUM), (15, FOUR_SUMS)])
        values = [rng.choice([0, 0, 0, 1, 2, 5, 12, 30, 101]) for _ in range(n)]
        for s in sums:
            values[s.total] = sum(values[i] for i in s.parts)
        text = "".join(map(str, values))
        if n == 15 and len(text) > 17:
            continue  # brute force is too slow beyond this
        tokens = [text] if rng.random() < 0.6 else text_broken(rng, [str(v) for v in values])
        got = sorted(splits(tokens, ["count"] * n, sums))
        assert got == brute_force(tokens, ["count"] * n, sums), tokens
        assert tuple(map(str, values)) in got


def text_broken(rng: random.Random, figures: list[str]) -> list[str]:
    """The figures glued into a few runs, broken where a separator survived."""
    out, current = [], ""
    for f in figures:
        current += f
        if rng.random() < 0.3:
            out.append(current)
            current = ""
    return [*out, current] if current else out


def test_a_run_with_too_many_readings_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gongkai.recognise.split.MAX_READINGS", 3)
    with pytest.raises(TooMany, match="more than 3 readings"):
        splits(["1234567890"], ["count"] * 4)


# ---------------------------------------------------------------- lines glued together


def test_unglue() -> None:
    assert unglue("规章000行政规范性文件000") == [("规章", ["000"]), ("行政规范性文件", ["000"])]
    assert unglue("一、本年新收政府信息公开申请数量 125001018") == [("一、本年新收政府信息公开申请数量", ["125001018"])]
    # the numbering of the next label is not a figure of the row before it
    assert unglue("（三）不予公开1.属于国家秘密00000008.属于行政查询事项0000000") == [
        ("（三）不予公开1.属于国家秘密", ["0000000"]),
        ("8.属于行政查询事项", ["0000000"]),
    ]
    assert unglue("信息内容本年收费金额（单位：万元，保留4位小数）行政事业性收费96171.6") == [
        ("信息内容本年收费金额（单位：万元，保留4位小数）行政事业性收费", ["96171.6"])
    ]
    assert unglue("行政许可12-183456") == [("行政许可", ["12", "-183456"])]
    for prose in ("2022年1月26日", "全年共受理申请749件。", "政府信息公开发布总数量（非新闻类、消息类）：1", "0 0 0"):
        assert unglue(prose) is None, prose


# ---------------------------------------------------------------- a whole report glued


def draw_table(rng: random.Random, high: int = 40) -> dict[str, list[int]]:
    """A rule-consistent table 三 (three-row （六）): row → six applicant figures and 总计."""
    table: dict[str, list[int]] = {r.id: [] for r in APPLICATIONS.rows if r.id != "other_handling"}
    for _ in range(6):
        column = {r: (0 if rng.random() < 0.5 else rng.randint(1, high)) for r in OUTCOMES + SUBS}
        handled = sum(column.values())
        forward, over = rng.randint(0, 9), rng.randint(0, 9)
        over = min(over, handled + forward)
        column |= {"total_handled": handled, "carried_forward": forward, "carried_over": over}
        column["new_received"] = handled + forward - over
        for row, value in column.items():
            table[row].append(value)
    return {row: [*figures, sum(figures)] for row, figures in table.items()}


def crawler_dump(table: dict[str, list[int]], rows: list[str] | None = None, space: bool = False) -> bytes:
    """The report as a crawler keeps it: labels, then each row's figures glued into one run."""
    lines = [
        "某某市某某局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本机关认真贯彻落实政府信息公开条例。",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况",
        "自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他",
    ]
    for row in APPLICATIONS.rows:
        if row.id in table and (rows is None or row.id in rows):
            lines.append(row.label + (" " if space else "") + "".join(str(v) for v in table[row.id]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"]
    lines += ["五、存在的主要问题及改进情况", "无。", "某某市某某局", "2024年1月20日"]
    return ("\n".join(lines) + "\n").encode()


def figures(report: Report, row: str) -> list[object]:
    return [c.value for c in report.tables["applications"][row].values()]


@pytest.mark.parametrize("seed", range(6))
def test_a_glued_table_three_reads_back_exactly(seed: int) -> None:
    table = draw_table(random.Random(seed))
    report = gongkai.convert(crawler_dump(table, space=seed % 2 == 1), name="dump.txt")
    for row, truth in table.items():
        got = figures(report, row)
        assert all(g is None or g == t for g, t in zip(got, truth, strict=True)), (row, got, truth)  # never wrong
        if got == truth and truth != [0] * 7:
            cell = report.tables["applications"][row]["total"]
            assert cell.placed == "split" and "applications.row_total" in cell.confirmed_by
            assert cell.note and str(truth[-1]) in cell.note
    exact = sum(figures(report, row) == truth for row, truth in table.items())
    assert exact >= len(table) - 2
    assert report.values()["review_litigation"]["review"]["total"] == 0


def test_the_issues_example_is_ambiguous_without_the_column_rules() -> None:
    """`125001018` in a row whose column sums are lost: two readings, no value, a finding with both."""
    table = draw_table(random.Random(1))
    table["granted"] = [12, 5, 0, 0, 1, 0, 18]
    report = gongkai.convert(crawler_dump(table, rows=["new_received", "granted"]), name="dump.txt")
    assert figures(report, "granted") == [None] * 7
    finding = next(f for f in report.findings if f.row == "granted")
    assert finding.code == "split_ambiguous" and finding.severity == "warning"
    assert finding.figures["candidates"] == [[12, 5, 0, 0, 1, 0, 18], [1, 2, 5, 0, 0, 10, 18]]


def test_the_column_rules_choose_between_readings() -> None:
    rng = random.Random(3)
    for _ in range(50):  # find a table where a row has two readings under its own sum
        table = draw_table(rng)
        ambiguous = [r for r, v in table.items() if len(splits(["".join(map(str, v))], ["count"] * 7, ROW_SUM)) > 1]
        if ambiguous:
            break
    else:
        pytest.fail("no ambiguous row drawn")
    report = gongkai.convert(crawler_dump(table), name="dump.txt")
    row = ambiguous[0]
    if figures(report, row) == table[row]:
        cell = report.tables["applications"][row]["natural_person"]
        assert set(cell.confirmed_by) - {"applications.row_total"}  # a column rule decided it
    else:
        assert figures(report, row) == [None] * 7
        assert any(f.row == row and f.code == "split_ambiguous" for f in report.findings)


# ---------------------------------------------------------------- lines that lost cells


def lines_report(rows: dict[str, list[str]]) -> Layout:
    """A text layer of table 三 as tab rows: label, then cells, blank cells as ''."""
    blocks = [
        Line([Piece("某某县某某局2021年政府信息公开工作年度报告")]),
        Line([Piece("三、收到和处理政府信息公开申请情况")]),
        Line(
            [Piece(t) for t in ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
        ),
    ]
    for row in APPLICATIONS.rows:
        if row.id in rows:
            blocks.append(Line([Piece(row.label), *(Piece(c) for c in rows[row.id])]))
    return Layout(blocks=blocks, format="txt")


def convert_layout(layout: Layout) -> Report:
    return recognise(layout, get_registry().templates)


def test_a_row_that_lost_cells_is_aligned_right_where_the_rules_confirm_it() -> None:
    rows = {r.id: ["0"] * 7 for r in APPLICATIONS.rows if r.id != "other_handling"}
    rows["granted"] = ["", "", "", "", "", "0", ""]  # six cells for seven: the first was lost
    report = convert_layout(lines_report(rows))
    cell = report.tables["applications"]["granted"]["total"]
    assert cell.value == 0 and cell.placed == "aligned_right"
    assert cell.confirmed_by == ("applications.outcomes_sum",)


def test_a_row_that_lost_cells_is_not_aligned_where_nothing_checks_it() -> None:
    lost = ("other_handling", "total_handled", "new_received")
    rows = {r.id: ["0"] * 7 for r in APPLICATIONS.rows if r.id not in lost}
    rows["granted"] = ["", "", "", "", "", "5", ""]  # 总计 5? nothing can tell: 七、总计 and 一 are lost
    report = convert_layout(lines_report(rows))
    assert figures(report, "granted") == [None] * 7
    finding = next(f for f in report.findings if f.row == "granted")
    assert finding.code == "placement_unconfirmed" and "aligned right" in finding.message


# ---------------------------------------------------------------- figures under their column on a page


def boxed_report(rows: dict[str, list[str | None]]) -> Layout:
    """A borderless table 三 on a page: each figure a piece under its column (x = 200 + 50 × column)."""
    top = 100.0
    blocks = [
        Line([Piece("某某县某某局2021年政府信息公开工作年度报告", Where(page=1, x0=100, top=50, x1=400, bottom=60))])
    ]
    for row in APPLICATIONS.rows:
        if row.id not in rows:
            continue
        top += 20
        pieces = [Piece(row.label, Where(page=1, x0=40, top=top, x1=190, bottom=top + 10))]
        for col, text in enumerate(rows[row.id]):
            if text is not None:
                x = 200 + 50 * col - 3 * len(text)  # figures centred in their column
                pieces.append(Piece(text, Where(page=1, x0=x, top=top, x1=x + 6 * len(text), bottom=top + 10)))
        blocks.append(Line(pieces))
    return Layout(blocks=blocks, format="pdf")


def test_figures_are_placed_under_their_column() -> None:
    rows: dict[str, list[str | None]] = {r.id: ["0"] * 7 for r in APPLICATIONS.rows if r.id != "other_handling"}
    rows["new_received"] = ["3", None, "12", None, None, None, "15"]  # blank cells: nothing printed there
    rows["granted"] = ["3", None, "12", None, None, None, "15"]
    rows["total_handled"] = ["3", "0", "12", "0", "0", "0", "15"]
    report = convert_layout(boxed_report(rows))
    assert figures(report, "granted") == [3, 0, 12, 0, 0, 0, 15]
    assert report.tables["applications"]["granted"]["research_institution"].placed == "by_position"
    assert report.tables["applications"]["granted"]["commercial_enterprise"].derived == "applications.row_total"
    assert report.tables["applications"]["granted"]["commercial_enterprise"].placed is None


def test_a_figure_between_two_columns_is_not_placed() -> None:
    rows: dict[str, list[str | None]] = {r.id: ["0"] * 7 for r in APPLICATIONS.rows if r.id != "other_handling"}
    layout = boxed_report(rows)
    granted = next(b for b in layout.blocks if isinstance(b, Line) and b.cells[0].text == "（一）予以公开")
    granted.cells[1:] = [Piece("7", Where(page=1, x0=222, top=0, x1=228, bottom=10))]  # halfway between two bands
    report = convert_layout(layout)
    assert figures(report, "granted")[:6] == [0] * 6 or figures(report, "granted") == [None] * 7
    assert 7 not in figures(report, "granted")


# ---------------------------------------------------------------- shapes an adversarial review found


def tab_report(rows: list[str], four: list[str] | None = None) -> bytes:
    """A report as a tab-separated text export: the given table 三 lines, table 四's figures."""
    lines = [
        "某某县某某局2022年政府信息公开工作年度报告",
        "一、总体情况",
        "本机关认真贯彻落实政府信息公开条例。",
        "三、收到和处理政府信息公开申请情况",
        "\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
        *rows,
        "四、政府信息公开行政复议、行政诉讼情况",
        *(four or ["0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"]),
        "五、存在的主要问题及改进情况",
        "无。",
        "某某县某某局",
        "2023年1月20日",
    ]
    return ("\n".join(lines) + "\n").encode()


def table_lines(table: dict[str, list[int]], sep: str = "\t", blank: dict[str, set[int]] | None = None) -> list[str]:
    out = []
    for row in APPLICATIONS.rows:
        if row.id in table:
            cells = [("" if k in (blank or {}).get(row.id, set()) else str(v)) for k, v in enumerate(table[row.id])]
            out.append(sep.join([row.label, *cells]))
    return out


def test_an_empty_label_column_and_a_blank_total_keep_their_tab_stops() -> None:
    """An Excel-style export: every row has the same tab stops; a blank 总计 is blank, not a shift."""
    table = draw_table(random.Random(11))
    lines = [line.replace("\t", "\t\t", 1) for line in table_lines(table, blank={"granted": {6}})]
    report = gongkai.convert(tab_report(lines), name="export.txt")
    assert figures(report, "granted") == table["granted"]  # the blank 总计 forced back by the row's own sum
    assert report.tables["applications"]["granted"]["total"].derived == "applications.row_total"


def test_a_typo_in_a_glued_row_is_not_split_to_fit() -> None:
    """A row whose printed 总计 breaks its own sum: the one split that keeps it is not what was printed."""
    table = draw_table(random.Random(5))
    table["denied_third_party"] = [5, 20, 12, 5, 0, 25, 76]  # the figures add up to 67
    report = gongkai.convert(crawler_dump(table), name="dump.txt")
    printed = zip(figures(report, "denied_third_party"), table["denied_third_party"], strict=True)
    assert all(v is None or v == t for v, t in printed)
    assert any(f.row == "denied_third_party" and f.severity == "warning" for f in report.findings)


def test_two_rules_that_disagree_force_nothing() -> None:
    """A blank cell that the row's sum makes 1 and the column's sum makes 0 is left empty, with a finding."""
    zeros = {r.id: [0] * 7 for r in APPLICATIONS.rows if r.id != "other_handling"}
    zeros["granted"] = [0, 23, 22, 15, 0, 0, 61]
    for row in ("new_received", "total_handled"):
        zeros[row] = [0, 23, 22, 15, 0, 0, 60]
    report = gongkai.convert(tab_report(table_lines(zeros, blank={"granted": {0}})), name="r.txt")
    cell = report.tables["applications"]["granted"]["natural_person"]
    assert cell.value is None
    assert any(f.code == "derivation_refused" and f.row == "granted" for f in report.findings)


def test_table_four_that_lost_its_blanks_is_not_two_tables() -> None:
    """Ten figures of a one-row table 四 whose five blanks were lost are not 行政诉讼 of two tables."""
    table = draw_table(random.Random(2))
    header = "行政复议\t\t\t\t\t行政诉讼"
    report = gongkai.convert(tab_report(table_lines(table), [header, "2 2 1 1 6 3 1 3 2 9"]), name="r.txt")
    assert report.layouts.get("review_litigation") != "two_tables"
    four = report.values()["review_litigation"]
    assert four["litigation_direct"] != {"upheld": 2, "corrected": 2, "other": 1, "pending": 1, "total": 6}


def test_a_group_label_beside_its_first_sub_row_does_not_make_the_group_row() -> None:
    """pdftotext -layout: "（六）其  1.申请人  5 0 4 0 0 0 9" is sub-row 1, its label going on below."""
    table = draw_table(random.Random(8))
    lines = []
    for row in APPLICATIONS.rows:
        if row.id not in table:
            continue
        figures_text = "   ".join(str(v) for v in table[row.id])
        if row.id == "other_no_correction":
            lines += [f"（六）其    1.申请人    {figures_text}", "他处理     无正当理", "           由逾期不补正"]
        else:
            lines.append(f"{row.label}    {figures_text}")
    report = gongkai.convert(tab_report(lines), name="layout.txt")
    assert report.layouts["applications"] == "other_handling_three_rows"
    handling = figures(report, "other_handling")
    assert handling != table["other_no_correction"]
    assert all(v is None or v == sum(table[s][k] for s in SUBS) for k, v in enumerate(handling))


def test_columns_follow_their_headings_when_the_order_is_swapped() -> None:
    """A converter (or an office) printed 科研机构 before 商业企业: the figures under each heading are its."""
    table = draw_table(random.Random(9))
    md = ["# 某某县某某局2022年政府信息公开工作年度报告", "", "## 三、收到和处理政府信息公开申请情况", ""]
    md += ["| | 自然人 | 科研机构 | 商业企业 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |", "|---" * 8 + "|"]
    for row in APPLICATIONS.rows:
        if row.id in table:
            v = table[row.id]
            md.append("| " + " | ".join([row.label, *map(str, [v[0], v[2], v[1], *v[3:]])]) + " |")
    md += ["", "某某县某某局", "", "2023年1月20日", ""]
    report = gongkai.convert("\n".join(md).encode(), name="swapped.md")
    for row, truth in table.items():
        assert figures(report, row) == truth, row


def test_a_second_report_in_the_same_file_does_not_fill_in_the_first() -> None:
    first, second = draw_table(random.Random(21)), draw_table(random.Random(22))
    missing = ["other_no_correction", "other_unpaid_fee", "other_other"]
    text = tab_report(
        [line for line in table_lines(first) if not any(line.startswith(r) for r in ("1.申请人", "2.申请人", "3.其他"))]
    )
    text += tab_report(table_lines(second))
    report = gongkai.convert(text, name="two.txt")
    assert any(f.code == "another_report" for f in report.findings)
    for row in missing:
        assert all(v is None or v == t for v, t in zip(figures(report, row), first[row], strict=True)), row
    assert figures(report, "new_received") == first["new_received"]


def test_numbers_wrapped_in_narrow_ruled_cells_are_read_whole() -> None:
    """A ruled PDF whose four-digit figures wrap inside their cells ("145" over "9"): one row, whole numbers."""
    report = gongkai.convert(Path(__file__).parent / "data" / "pdf" / "ruled_wrapped_numbers.pdf")
    assert figures(report, "new_received") == [242, 268, 265, 204, 245, 235, 1459]
    assert figures(report, "total_handled") == [242, 267, 266, 202, 247, 235, 1459]
