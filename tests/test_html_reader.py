"""The HTML reader on real-looking pages: a CMS page, Word's "save as web page", a GB2312-declared
page holding 喆, a Traditional-Chinese Big5 page and table 三 drawn with paragraphs; bad inputs.

Each handmade page in tests/data/html/ prints a full report whose figures (tests/data/html/
expected.json) satisfy every rule; converting it must give them back cell for cell.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import gongkai
import gongkai_html
from conftest import ROOT, SEEDS, expected_for, traced_peak
from gongkai.api import require_report
from gongkai.hookspecs import Document, Reader
from gongkai.layout import Grid, GridCell, Layout, Line
from gongkai.model import Where
from gongkai.plugins import get_registry
from gongkai_html import HtmlReader, build_grid
from gongkai_html.decoding import candidates, declared_charset, decode_html
from gongkai_html.grid import SourceCell
from gongkai_txt import TxtReader

DATA = Path(__file__).parent / "data" / "html"
EXPECTED: dict[str, dict[str, Any]] = json.loads((DATA / "expected.json").read_text("utf-8"), parse_float=Decimal)
READER = HtmlReader()


def read(data: bytes | str, name: str | None = "page.html", **options: str) -> Layout:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return READER.read(Document(data=raw, name=name, options=options))


def page(key: str) -> Path:
    return DATA / str(EXPECTED[key]["file"])


def lines(layout: Layout) -> list[list[str]]:
    return [[p.text for p in b.cells] for b in layout.blocks if isinstance(b, Line) and b.cells]


def grids(layout: Layout) -> list[Grid]:
    return [b for b in layout.blocks if isinstance(b, Grid)]


def rows(grid: Grid) -> list[list[str]]:
    return [[c.text for c in row] for row in grid.rows()]


def grid_with(layout: Layout, text: str) -> Grid:
    return next(g for g in grids(layout) if any(c.text == text for c in g.cells))


def all_text(layout: Layout) -> str:
    return "\n".join(c.text for b in layout.blocks for c in b.cells)


# -- the plugin -----------------------------------------------------------------------------


def test_plugin_registers_the_reader() -> None:
    registered: list[Reader] = []
    gongkai_html.gongkai_readers(register=registered.append)
    assert [r.name for r in registered] == ["html"]
    assert isinstance(registered[0], Reader)
    assert registered[0].extensions == (".html", ".htm", ".shtml", ".xhtml")
    assert "html" in get_registry().readers


# -- round trips: every handmade page gives back its report ---------------------------------


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_page_reads_back_its_report(key: str) -> None:
    expected = EXPECTED[key]
    report = gongkai.convert(page(key))
    assert report.source.format == "html"
    assert report.status == "ok"
    assert report.template == expected["template"]
    assert report.values() == expected["tables"]
    assert {k: getattr(report.meta, k) for k in expected["meta"]} == expected["meta"]
    assert not [f for f in report.findings if f.severity == "error" or f.code == "reader"]
    assert all(not c.failed for c in report.checks.values())


def test_round_trip_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    done = cli("convert", str(page("word")), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text("utf-8"), parse_float=Decimal)["tables"] == EXPECTED["word"]["tables"]


# -- what the pages prove about the reader ---------------------------------------------------


def test_nbsp_cell_is_blank_not_zero() -> None:
    """The CMS page prints 行政强制's figure as &nbsp;: no figure, so null (table 二 has no rule to derive it)."""
    layout = read(page("cms").read_bytes())
    row = next(r for r in rows(grid_with(layout, "行政强制")) if r[0] == "行政强制")
    assert row == ["行政强制", ""]
    cell = gongkai.convert(page("cms")).tables["active_disclosure"]["coercion"]["decisions"]
    assert cell.value is None and cell.derived is None


def test_br_in_header_cells_joins_chinese_without_a_space() -> None:
    cms = read(page("cms").read_bytes())
    assert rows(grid_with(cms, "信息内容"))[1] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert "本年收费金额（单位：万元）" in [c.text for c in grid_with(cms, "信息内容").cells]
    trad = read(page("trad").read_bytes())  # gov-2019's marker words, printed 本年新<br>製作數量
    assert rows(grid_with(trad, "信息內容"))[1] == ["信息內容", "本年新製作數量", "本年新公開數量", "對外公開總數量"]
    assert gongkai.convert(page("trad")).template_reason.startswith("gov-2019: the document shows 本年新制作数量")


def test_official_table_three_grid_positions() -> None:
    """Rowspans and colspans of the official form: every cell once, at the slot a browser gives it."""
    grid = grid_with(read(page("cms").read_bytes()), "申请人情况")
    assert (grid.n_rows, grid.n_cols) == (28, 10)
    spans = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in grid.cells if c.rowspan > 1 or c.colspan > 1}
    assert spans["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] == (0, 0, 3, 3)
    assert spans["申请人情况"] == (0, 3, 1, 7)
    assert spans["自然人"] == (1, 3, 2, 1) and spans["法人或其他组织"] == (1, 4, 1, 5) and spans["总计"] == (1, 9, 2, 1)
    assert spans["三、本年度办理结果"] == (5, 0, 22, 1)
    assert spans["（三）不予公开"] == (7, 1, 8, 1) and spans["（六）其他处理"] == (23, 1, 3, 1)
    assert [(c.text, c.col) for c in next(r for r in grid.rows() if r[0].text == "商业企业")][:2] == [
        ("商业企业", 4),
        ("科研机构", 5),
    ]
    second_denied = next(r for r in grid.rows() if r[0].text == "2.其他法律行政法规禁止公开")
    assert [c.col for c in second_denied] == list(range(2, 10))  # columns 0-1 are taken by the two groups
    assert all(c.where == Where(table=grid.index, row=c.row, col=c.col) for c in grid.cells)
    cell = gongkai.convert(page("cms")).tables["applications"]["denied_third_party"]["natural_person"]
    assert cell.raw == "1" and cell.where == Where(table=grid.index, row=10, col=3)


def test_thead_rows_come_first() -> None:
    grid = grid_with(read(page("cms").read_bytes()), "申请人情况")  # table 三 of the CMS page has a thead
    assert rows(grid)[0] == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
    layout = read(
        "<table><tfoot><tr><td>foot</td></tr></tfoot><tbody><tr><td>b</td></tr></tbody>"
        "<thead><tr><th>head</th></tr></thead></table>"
    )
    assert rows(grids(layout)[0]) == [["head"], ["b"], ["foot"]]


def test_gb2312_declared_page_keeps_every_character_and_cell() -> None:
    data = page("gb").read_bytes()
    assert declared_charset(data) == "gb2312"
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # the trap: 喆 is not in GB2312
    layout = read(data)
    assert layout.encoding == "gb18030" and not layout.problems
    assert lines(layout)[0] == ["喆山镇人民政府2021年度政府信息公开工作年度报告"]
    assert "联系人：王喆" in all_text(layout)
    report = gongkai.convert(data, name="gb.html")
    assert report.meta.agency == "喆山镇人民政府"
    values = report.values()
    assert all(v is not None for t in values.values() for r in t.values() for v in r.values())
    assert sum(len(g.cells) for g in grids(layout)) == data.count(b"<td") == 279  # every cell of the page


def test_traditional_page_keeps_its_characters() -> None:
    layout = read(page("trad").read_bytes())
    assert layout.encoding == "big5"
    assert ["綠園區工信局2020年政府信息公開工作年度報告"] in lines(layout)
    assert any(c.text == "規章" for c in grid_with(layout, "規章").cells)
    cell = gongkai.convert(page("trad")).tables["active_disclosure"]["licensing"]["change"]
    assert cell.value == -3 and cell.raw == "-3"


def test_big5_declared_page_falls_back_to_hkscs() -> None:
    text = "<html><head><meta charset=big5></head><body><p>啓動</p></body></html>"  # 啓 is only in Big5-HKSCS
    layout = read(text.encode("big5hkscs"))
    assert layout.encoding == "big5hkscs" and lines(layout) == [["啓動"]]


def test_word_export_reads_cleanly() -> None:
    layout = read(page("word").read_bytes())
    assert layout.encoding == "gb18030"
    text = all_text(layout)
    for debris in ("mso-", "Administrator", "DocumentProperties", "o:p", "supportLists", "font-family", "WordSection"):
        assert debris not in text
    assert lines(layout)[0] == ["沂源县行政审批服务局2021年度政府信息公开工作年度报告"]
    # a paragraph Word broke over two source lines joins without a space between Chinese characters
    joined = "2021年，我局认真贯彻落实《条例》，坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。"
    assert [joined] in lines(layout)
    # Word's own list numbering (in <![if !supportLists]>) stays: the label is whole
    grid = grid_with(layout, "申请人情况")
    assert any(c.text.replace("\u00a0", " ").split() == ["1.", "属于国家秘密"] for c in grid.cells)
    # <o:p>&nbsp;</o:p> paragraphs are blank lines, not text
    assert sum(1 for b in layout.blocks if isinstance(b, Line) and not b.cells) >= 2


def test_table_three_drawn_with_paragraphs_and_div_rows() -> None:
    layout = read(page("plines").read_bytes(), name="p_lines.shtml")
    found = lines(layout)
    assert ["1.属于国家秘密    0    0    0    0    0    0    0"] in found  # &nbsp; runs keep figures apart
    assert ["4.保护第三方合法权益", "1", "0", "0", "0", "0", "0", "1"] in found  # <div class="tr"><div class="td">
    assert ["3.补正后申请内容仍不明确", "0", "0", "0", "0", "0", "0", "0"] in found  # <span class="cell">
    at = found.index(["3.其他"])  # a label, then one figure per paragraph: left for the recogniser to gather
    assert found[at + 1 : at + 8] == [["0"]] * 5 + [["1"], ["1"]]
    assert len(grids(layout)) == 2  # tables 二 and 四 only


def test_cms_page_chrome_is_harmless_and_hidden_content_dropped() -> None:
    layout = read(page("cms").read_bytes())
    text = all_text(layout)
    assert "999" not in text  # a display:none table with other figures
    assert "document.write" not in text and "_hmt" not in text and "font-size" not in text
    assert ["首页", "政务公开", "政府信息公开", "互动交流"] in lines(layout)  # a menu is one line
    assert ["当前位置：首页 > 政府信息公开 > 政府信息公开年报"] in lines(layout)
    # the layout table is walked, not read as a grid: the report's text is in Lines, its tables are grids
    assert ["一、总体情况"] in lines(layout)
    assert not any(len(c.text) > 100 for g in grids(layout) for c in g.cells)
    assert len(grids(layout)) == 5  # the menu, the information box, tables 二, 三 and 四


def test_a_long_menu_does_not_push_the_title_out_of_sight() -> None:
    """The recogniser looks for the title in the first lines: a site's menus must not fill them."""
    menu = '<ul class="menu">' + "".join(f'<li><a href="/c{i}">栏目{i}</a></li>' for i in range(40)) + "</ul>"
    data = page("cms").read_bytes().replace(b'<div class="top">', menu.encode() + b'<div class="top">')
    layout = read(data)
    assert [f"栏目{i}" for i in range(40)] in lines(layout)
    report = gongkai.convert(data, name="menu.html")
    assert report.meta.title == "成武县工业和信息化局2021年度政府信息公开工作年度报告"
    assert report.values() == EXPECTED["cms"]["tables"]


def test_lines_point_at_their_source_lines() -> None:
    data = page("cms").read_bytes()
    source = data.decode("utf-8").split("\n")
    checked = 0
    for block in read(data).blocks:
        for piece in block.cells if isinstance(block, Line) else []:
            assert piece.where.line is not None
            head = piece.text[:4].replace(">", "&gt;")
            assert head in source[piece.where.line - 1], (piece.where.line, head)
            checked += 1
    assert checked >= 24


# -- the grid builder ----------------------------------------------------------------------


def test_grid_builder_places_rowspans_and_colspans() -> None:
    # A | B B | C       B spans two columns, C two rows
    # A | D | E | C     A spans two rows
    # F | G | H | I
    grid = build_grid(
        [
            [SourceCell("A", rowspan=2), SourceCell("B", colspan=2), SourceCell("C", rowspan=2)],
            [SourceCell("D"), SourceCell("E")],
            [SourceCell("F"), SourceCell("G"), SourceCell("H"), SourceCell("I")],
        ],
        index=3,
    )
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in grid.cells] == [
        ("A", 0, 0, 2, 1),
        ("B", 0, 1, 1, 2),
        ("C", 0, 3, 2, 1),
        ("D", 1, 1, 1, 1),
        ("E", 1, 2, 1, 1),
        ("F", 2, 0, 1, 1),
        ("G", 2, 1, 1, 1),
        ("H", 2, 2, 1, 1),
        ("I", 2, 3, 1, 1),
    ]
    assert grid.index == 3 and grid.cells[3].where == Where(table=3, row=1, col=1)
    assert (grid.n_rows, grid.n_cols) == (3, 4)


def test_grid_builder_clamps_spans_to_the_table() -> None:
    grid = build_grid([[SourceCell("a", rowspan=9), SourceCell("b", rowspan=0)], [SourceCell("c")]], index=0)
    assert [(c.text, c.row, c.col, c.rowspan) for c in grid.cells] == [("a", 0, 0, 2), ("b", 0, 1, 2), ("c", 1, 2, 1)]


def test_reader_honours_spans_and_odd_attributes() -> None:
    layout = read(
        """<table border=1>
        <tr><th rowspan="2">A</th><th colspan=" 2 ">B</th><td rowspan=2px>C</td></tr>
        <tr><td>D</td><td colspan="0">E</td></tr>
        <tr><td>F</td><td>&nbsp;</td><td>H</td><td>I</td></tr>
        </table>"""
    )
    (grid,) = grids(layout)
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in grid.cells] == [
        ("A", 0, 0, 2, 1),
        ("B", 0, 1, 1, 2),
        ("C", 0, 3, 2, 1),
        ("D", 1, 1, 1, 1),
        ("E", 1, 2, 1, 1),
        ("F", 2, 0, 1, 1),
        ("", 2, 1, 1, 1),
        ("H", 2, 2, 1, 1),
        ("I", 2, 3, 1, 1),
    ]


# -- layout tables, nesting, text -------------------------------------------------------------


def test_nested_data_table_is_the_grid_and_its_frame_is_walked() -> None:
    layout = read(
        """<table><tr><td>行政许可</td><td>
             <table><tr><td>规章</td><td>1</td></tr><tr><td>行政规范性文件</td><td>2</td></tr></table>
           </td></tr>
           <tr><td>备注</td><td>无</td></tr></table>"""
    )
    assert [rows(g) for g in grids(layout)] == [[["规章", "1"], ["行政规范性文件", "2"]]]
    assert lines(layout) == [["行政许可"], ["备注", "无"]]


def test_a_frame_around_prose_is_not_a_grid() -> None:
    prose = "本年度我局认真贯彻落实政府信息公开条例，" * 8
    layout = read(f"<table><tr><td><p>一、总体情况</p><p>{prose}</p><p>二、主动公开政府信息情况</p></td></tr></table>")
    assert not grids(layout)
    assert lines(layout) == [["一、总体情况"], [prose], ["二、主动公开政府信息情况"]]


def test_text_whitespace_and_breaks() -> None:
    layout = read(
        "<body><p>规章&nbsp;&nbsp;1&nbsp;0&nbsp;5</p><p>本年度我局\n   认真贯彻</p><p>Open   data\n portal</p>"
        "<div>甲<br>乙<br/>丙</div><p>a<!-- note -->b<span style='display:none'>secret</span>c</p>"
        "<p><b>粗</b><i>斜</i></p><pre>规章\t1\t0\t5\n\n行政许可\t3</pre><p hidden>x</p>"
        "<script>var x = '<p>no</p>';</script><style>p {color: red}</style><noscript>开启脚本</noscript></body>"
    )
    assert lines(layout) == [
        ["规章  1 0 5"],
        ["本年度我局认真贯彻"],
        ["Open data portal"],
        ["甲"],
        ["乙"],
        ["丙"],
        ["abc"],
        ["粗斜"],
        ["规章", "1", "0", "5"],
        ["行政许可", "3"],
    ]


def test_text_the_page_hides_is_not_read() -> None:
    """Hidden by the page's style sheet (a class, tag.class, #id, a tag, comma lists, in Word's <!-- -->)
    or inline (visibility:hidden, font-size:0 in any unit): a stale row, a stale table, a digit in a cell.
    A hidden cell's text goes and the cell stays, as on the screen; what a child shows again stays; a
    rule for print, or one with a combinator (which may not match), hides nothing."""
    layout = read(
        "<html><head><style><!--\n.old, tr.stale {display:none} #t2 {display: none !important}"
        " b {font-size:0} .faint{visibility:hidden} @media print {.screen{display:none}}"
        " .frame .screen {display:none} ul{font-size:0} ul li{font-size:14px}\n--></style></head><body>"
        "<table><tr><td>规章</td><td>1<span class='old'>9</span></td><td>0<b>7</b></td></tr>"
        "<tr class='stale'><td>规章</td><td>8</td><td>8</td></tr>"
        "<tr><td>行政许可</td><td class='faint'>6</td><td>2</td></tr>"
        "<tr><td>行政处罚</td><td style='font-size:0pt'>5<span style='font-size:12px'>3</span></td>"
        "<td><span style='font-size:0em'>4</span>4<span style='FONT-SIZE: 0.0PX'>1</span></td></tr></table>"
        "<table id='t2'><tr><td>规章</td><td>99</td></tr></table>"
        "<div class='frame'><p class='screen'>屏幕</p></div><ul><li>菜单</li></ul>"
        "<p>甲<span style='visibility:hidden'>乙<i style='visibility:visible'>丙</i></span>丁</p>"
        "</body></html>"
    )
    assert [rows(g) for g in grids(layout)] == [[["规章", "1", "0"], ["行政许可", "", "2"], ["行政处罚", "3", "4"]]]
    assert lines(layout) == [["屏幕"], ["菜单"], ["甲丙丁"]]
    assert layout.problems == []


def test_struck_corrections_are_not_read_and_insertions_are() -> None:
    """Struck text goes, the text after it stays; a struck cell stays, empty, so that the cells after it
    keep their columns."""
    layout = read(
        "<style>.fix{text-decoration: underline line-through}</style>"
        "<table><tr><td>规章</td><td><del>13</del><ins>12</ins></td><td><s>5</s> 4</td><td><strike>9</strike>8</td>"
        "<td><span style='text-decoration-line:line-through'>26</span>25</td><td><span class=fix>3</span>2</td>"
        "<td class=fix>7</td><td>1</td></tr>"
        "</table><p>共<del>三</del>两项</p>"
    )
    assert rows(grids(layout)[0]) == [["规章", "12", "4", "8", "25", "2", "", "1"]]
    assert lines(layout) == [["共两项"]]


def test_superscript_digits_are_marks_not_digits_of_the_figure() -> None:
    layout = read(
        "<table><tr><td>行政处罚</td><td>37<sup>1</sup></td><td>5<sup>①</sup></td><td>8<sup>注</sup></td>"
        "<td>6<span style='vertical-align: super'>2<b>3</b></span></td><td>m<sup>２</sup></td></tr></table>"
    )
    assert rows(grids(layout)[0]) == [["行政处罚", "37¹", "5①", "8注", "6²³", "m²"]]


def test_a_report_with_hidden_struck_and_marked_figures_reads_as_it_is_shown() -> None:
    """The CMS page with a stale row hidden by a class, corrections struck, a digit in a zero-size span
    and footnote marks after figures (before: 191 for 19 with the mark 1, 76 for 6 corrected from 7)."""
    text = page("cms").read_text("utf-8")
    first_row = "<td>3</td><td>1</td><td>0</td><td>2</td><td>1</td><td>19<sup>1</sup></td></tr>"
    stale = "<tr class='old'><td colspan='3'>二、上年结转政府信息公开申请数量</td>" + "<td>5</td>" * 7 + "</tr>"
    edits = [
        ("td { border: 1px solid #000; }", "td { border: 1px solid #000; } .old, .was { display: none }"),
        ("<td>3</td><td>1</td><td>0</td><td>2</td><td>1</td><td>19</td></tr>", f"{first_row}{stale}"),
        ("（一）予以公开</td><td>6</td>", "（一）予以公开</td><td><del>7</del><ins>6</ins></td>"),
        ("（七）总计</td><td>13</td>", "（七）总计</td><td><s>14</s>13</td>"),
        ('<td colspan="3">152</td>', '<td colspan="3">1<span style="font-size:0px">0</span>52</td>'),
        ('<td colspan="3">37</td>', '<td colspan="3">37<sup>2</sup></td>'),
        ("四、结转下年度继续办理</td><td>1</td>", "四、结转下年度继续办理</td><td>1<span class='was'>0</span></td>"),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    report = gongkai.convert(text.encode("utf-8"), name="marked.html")
    assert report.values() == EXPECTED["cms"]["tables"]
    assert report.tables["applications"]["new_received"]["total"].raw == "19¹"
    assert report.tables["active_disclosure"]["penalty"]["decisions"].raw == "37²"


def test_cell_text_joins_lines_by_script() -> None:
    layout = read(
        "<table><tr><td>本年新<br>制作数量</td><td><p>Total</p><p>count</p></td><td>12<br>3</td>"
        "<td><p class=MsoNormal><span>3</span><o:p></o:p></p></td><td>&nbsp;</td><td> \n </td></tr></table>"
    )
    assert rows(grids(layout)[0]) == [["本年新制作数量", "Total count", "12 3", "3", "", ""]]


def test_rows_of_inline_children_are_lines_of_cells_only_when_they_read_as_figures() -> None:
    layout = read(
        '<div class="row"><span class="c">规章</span> <span class="c">1</span> <span class="c">0</span></div>'
        '<p><span lang="EN-US">2021</span><span>年度报告</span></p>'  # Word's font runs: one line
        "<p><span>行政许可</span><span>3</span></p>"  # unstyled inline runs read as one line
        "<div><div>首页</div><div>2</div><div>下一页</div></div>"  # figures are not the tail: lines
    )
    assert lines(layout) == [["规章", "1", "0"], ["2021年度报告"], ["行政许可3"], ["首页"], ["2"], ["下一页"]]


# -- decoding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "label"),
    [
        (b'<meta charset="GBK">', "gbk"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=x-gbk'>", "x-gbk"),
        (b'<?xml version="1.0" encoding="cp936"?><html>', "cp936"),
        (b"<meta name=x content=y><meta charset=utf-8>", "utf-8"),
        (b"<html><body>no declaration</body></html>", None),
    ],
)
def test_declared_charset(head: bytes, label: str | None) -> None:
    assert declared_charset(head) == label


@pytest.mark.parametrize("label", ["gb2312", "GB2312".lower(), "gbk", "x-gbk", "cp936", "gb18030", "euc-cn", "chinese"])
def test_every_gb_label_is_read_as_gb18030(label: str) -> None:
    assert candidates(label, b"\xb0\xa1") == ["gb18030"]


def test_a_declaration_that_does_not_fit_gives_way_to_detection() -> None:
    data = "<html><head><meta charset=utf-8></head><body><p>成武县工业和信息化局</p></body></html>".encode("gb18030")
    text, used, notes = decode_html(data)
    assert used == "gb18030" and "成武县工业和信息化局" in text
    assert notes == ["the page declares charset utf-8, but its bytes are gb18030"]
    latin = "<meta charset=iso-8859-1><p>政府信息公开</p>".encode()  # a template's default, not the truth
    assert decode_html(latin) == (
        latin.decode(),
        "utf-8",
        ["the page declares charset iso-8859-1, but its bytes are utf-8"],
    )
    unknown = "<meta charset=x-no-such><p>政府信息公开</p>".encode("gb18030")
    assert decode_html(unknown)[1:] == ("gb18030", ["the page declares charset x-no-such, but its bytes are gb18030"])


def test_bom_forced_encoding_and_no_declaration() -> None:
    page_text = "<html><body><p>政府信息公开工作年度报告</p></body></html>"
    for data, used in [
        (page_text.encode("utf-16"), "utf-16"),
        (b"\xef\xbb\xbf" + page_text.encode("utf-8"), "utf-8-sig"),
        (page_text.encode("gb18030"), "gb18030"),
    ]:
        layout = read(data)
        assert (layout.encoding, lines(layout)) == (used, [["政府信息公开工作年度报告"]])
    assert read(page_text.encode("gb18030"), encoding="gbk").encoding == "gbk"
    with pytest.raises(gongkai.ReadError):
        read(page_text.encode("gb18030"), encoding="utf-8")


def test_a_few_stray_bytes_in_a_declared_page_are_replaced() -> None:
    data = "<meta charset=gbk><p>规章</p><p>".encode("gbk") + b"\xff" + "行政许可</p>".encode("gbk") + b"x" * 3000
    layout = read(data)
    assert layout.problems == ["1 byte that is not gb18030 replaced by U+FFFD"]
    assert lines(layout)[0] == ["规章"] and lines(layout)[1][0].endswith("行政许可")


# -- sniffing ------------------------------------------------------------------------------


def test_sniff() -> None:
    txt = TxtReader()
    for path in [page(k) for k in EXPECTED]:
        head = path.read_bytes()[:65536]
        assert READER.sniff(head, None) >= 0.8
        assert READER.sniff(head, path.name) > max(READER.sniff(head, None), txt.sniff(head, path.name))
        assert READER.sniff(head, "x.txt") > txt.sniff(head, "x.txt")  # a web page saved as .txt is still HTML
    assert READER.sniff(b"\xef\xbb\xbf  <!-- saved -->\n<HTML>", None) == 0.9
    assert READER.sniff("<html>".encode("utf-16"), None) == 0.9
    assert READER.sniff(b"<p>x</p>" * 10 + b"<table>", None) == 0.85
    assert READER.sniff(SEEDS[0].read_bytes(), None) == 0.0
    assert READER.sniff(SEEDS[0].read_bytes(), "report.html") == 0.3  # named so, not HTML: txt's 0.5 wins
    assert gongkai.convert(SEEDS[0].read_bytes(), name="report.html").source.format == "txt"


def test_text_that_is_not_html_is_read_as_lines() -> None:
    layout = read("关于放假的通知\n\n规章\t0\t0\t0\n", name="notice.html")
    assert [[p.text for p in b.cells] for b in layout.blocks] == [["关于放假的通知"], [], ["规章", "0", "0", "0"]]
    report = gongkai.convert(SEEDS[2].read_bytes(), name="x.html", reader="html")
    assert report.values() == expected_for(SEEDS[2])["tables"]  # a tab-row text report, through this reader


# -- bad inputs ----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
BAD_INPUTS = {
    "empty.html": (b"", "empty file"),
    "blank.html": (b" \r\n\t \n", "empty file"),
    "junk.html": (bytes(range(256)) * 16, "binary data"),
    "noise.html": (bytes(range(0x80, 0x100)) * 16, "not text in a known encoding"),
    "image.html": (PNG, "not a picture that can be read"),  # PNG bytes: the image reader's, whatever the name
    "comment.html": (b"<!-- nothing here -->", "not readable as HTML: no content"),
    "script.html": (b"<html><body><script>render('#app')</script></body></html>", "filled in by JavaScript"),
    "frames.html": (b"<html><frameset><frame src=main.html></frameset></html>", "a frameset"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_read_error(name: str) -> None:
    data, cause = BAD_INPUTS[name]
    with pytest.raises(gongkai.ReadError, match=cause) as caught:
        gongkai.convert(data, name=name)
    assert "\n" not in str(caught.value)


def test_truncated_page_reads_what_is_there() -> None:
    data = page("cms").read_bytes()
    cut = data.index("（四）无法提供".encode()) + 4  # mid-table, mid-character
    report = gongkai.convert(data[:cut], name="cut.html")
    assert report.status == "partial"
    assert [f.message for f in report.findings if f.code == "reader"] == [
        "the page ends inside a character: it was cut short",
        "the page ends without </body> or </html>: it may be cut short",
    ]
    expected = EXPECTED["cms"]["tables"]
    values = report.values()
    assert values["active_disclosure"] == expected["active_disclosure"]
    for row in ("new_received", "carried_over", "granted", "partially_granted", "denied_administrative_query"):
        assert values["applications"][row] == expected["applications"][row]
    assert {f.code for f in report.findings} >= {"rows_not_found", "table_not_found"}


def test_a_page_that_is_no_report() -> None:
    report = gongkai.convert(DATA / "notice.htm")
    assert report.status == "no_tables"
    with pytest.raises(gongkai.NotAReportError):
        require_report(report)


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai", *args], capture_output=True, cwd=ROOT, env=dict(os.environ), timeout=120
    )


def test_bad_inputs_through_the_cli(tmp_path: Path) -> None:
    cases = {name: cause for name, (_, cause) in BAD_INPUTS.items()}
    for name, (data, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "notice.htm").write_bytes((DATA / "notice.htm").read_bytes())
    cases["notice.htm"] = "no report tables found"
    for name, cause in cases.items():
        out = tmp_path / f"{name}.json"
        done = cli("convert", str(tmp_path / name), "-o", str(out))
        stderr = done.stderr.decode()
        assert done.returncode == 1, (name, stderr)
        assert stderr.startswith(f"gongkai: {tmp_path / name}: ") and cause in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
        assert not out.exists()


def test_read_error_never_leaks_a_library_exception() -> None:
    """Whatever lxml makes of odd input, the reader answers with a Layout or a ReadError."""
    odd = [b"<", b"<html", b"</table></td></tr>", b"<table><tr><td>" * 300, b"<div>" * 5000 + b"x", b"<![CDATA[x]]>"]
    for data in [*odd, b"<?xml?>", b"<table><tr><td rowspan=99999999 colspan=99999999>x</td></tr></table>"]:
        try:
            read(data)
        except gongkai.ReadError as exc:
            assert "\n" not in str(exc)


def test_grid_cell_type() -> None:
    cell = grids(read("<table><tr><td>x</td><td>1</td></tr></table>"))[0].cells[1]
    assert cell == GridCell("1", 0, 1, where=Where(table=0, row=0, col=1))


# -- hostile pages: what the reader builds is bounded, and it says why it refuses -------------------


def test_a_table_of_millions_of_slots_is_refused_before_it_is_placed() -> None:
    """One cell spanning 65,534 rows and 1,000 columns over 2,000 rows: two million slots (before: a set
    of every slot, 10 GB for the review's 65,000-row page)."""
    rows = "<tr><td>1</td></tr>" * 2000
    data = f"<html><body><p>报告</p><table><tr><td rowspan=65534 colspan=1000>x</td></tr>{rows}</table></body></html>"
    result, peak = traced_peak(lambda: read(data))
    assert isinstance(result, gongkai.ReadError)
    assert (
        str(result)
        == "table too large: 2,003,000 cells (its merged cells counted in full), the limit is 1,000,000 cells"
    )
    assert peak < 200 * 2**20


def test_spans_are_cut_to_what_the_table_holds() -> None:
    layout = read(
        "<table><tr><td colspan=1000>表头</td></tr><tr><td>规章</td><td>1</td><td>2</td></tr>"
        "<tr><td rowspan=65534>a</td><td colspan=5>b</td></tr><tr><td>c</td><td>d</td><td>e</td></tr></table>"
    )
    (grid,) = grids(layout)
    assert (grid.n_rows, grid.n_cols) == (4, 4)
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in grid.cells] == [
        ("表头", 0, 0, 1, 4),
        ("规章", 1, 0, 1, 1),
        ("1", 1, 1, 1, 1),
        ("2", 1, 2, 1, 1),
        ("a", 2, 0, 2, 1),
        ("b", 2, 1, 1, 3),
        ("c", 3, 1, 1, 1),
        ("d", 3, 2, 1, 1),
        ("e", 3, 3, 1, 1),
    ]


def test_few_cells_pushed_far_apart_are_refused() -> None:
    """Under a row of 999 cells each 1,000 columns wide, two more rows make a grid of three million slots."""
    wide = "<td colspan=1000>x</td>" * 999
    result, _ = traced_peak(
        lambda: read(f"<table><tr>{wide}<td>y</td></tr><tr><td>1</td></tr><tr><td>2</td></tr></table>")
    )
    assert str(result) == "table too large: 3 rows of 999,001 columns, the limit is 1,000,000 cells"


@pytest.mark.parametrize("tag", ["embed", "source", "track", "wbr", "keygen", "img", "input"])
def test_what_follows_a_void_element_is_read(tag: str) -> None:
    layout = read(f"<html><body><p>前言</p><{tag} src='banner.swf'><p>正文</p><div>一、总体情况</div></body></html>")
    assert lines(layout) == [["前言"], ["正文"], ["一、总体情况"]]


def test_the_report_after_a_flash_banner_is_read() -> None:
    """A CMS page with a Flash banner above the report: libxml2 makes the <embed> the parent of the rest."""
    data = (
        page("cms")
        .read_bytes()
        .replace(
            b"<body>",
            b'<body>\n<embed src="/images/banner.swf" width="960" height="120" type="application/x-shockwave-flash">',
            1,
        )
    )
    report = gongkai.convert(data, name="banner.html")
    assert report.status == "ok"
    assert report.values() == EXPECTED["cms"]["tables"]


def test_a_report_after_hundreds_of_unclosed_tags_is_read_whole() -> None:
    """Every paragraph opening a <font> it never closes: libxml2 stopped at 256 levels, losing the rest."""
    data = page("plines").read_bytes()
    body = data.index(b"<body>") + len(b"<body>")
    data = data[:body] + b"<p><font size=3>\xe5\x89\x8d\xe8\xa8\x80" * 200 + data[body:]  # 前言
    report = gongkai.convert(data, name="fonts.shtml")
    assert report.status == "ok"
    assert report.values() == EXPECTED["plines"]["tables"]
    assert not [f for f in report.findings if f.code == "reader"]


def test_nesting_deeper_than_the_parser_reads_is_said() -> None:
    deep = "<div>" * 3000
    with pytest.raises(gongkai.ReadError) as caught:
        read(f"<html><body>{deep}<p>本年度报告</p></body></html>")
    assert str(caught.value) == (
        "the page nests elements deeper than the parser reads (2,048 levels): everything after line 1 is lost"
    )
    layout = read(f"<html><body><p>前言</p>\n{deep}<p>本年度报告</p></body></html>")
    assert lines(layout) == [["前言"]]
    assert layout.problems == [
        "the page nests elements deeper than the parser reads (2,048 levels): everything after line 2 is lost"
    ]


def test_tables_nested_hundreds_deep_are_refused_with_their_depth() -> None:
    nested = "<table><tr><td>x" * 300 + "<p>本年度报告</p>" + "</td></tr></table>" * 300
    with pytest.raises(gongkai.ReadError, match=r"^not readable as HTML: tables nested 300 deep$"):
        read(f"<html><body>{nested}</body></html>")


@pytest.mark.parametrize(
    "label", ["rot13", "base64", "zlib_codec", "hex", "uu", "unicode_escape", "punycode", "x-bogus"]
)
def test_a_declared_charset_that_is_no_text_encoding_gives_way_to_detection(label: str) -> None:
    """The CMS page with its Chinese as character references (all ASCII, so that a declared charset is
    believed) declaring a codec that is no text encoding (before: "LookupError ... use codecs.decode()")."""
    text = page("cms").read_text("utf-8").replace('<meta charset="utf-8">', f'<meta charset="{label}">', 1)
    data = text.encode("ascii", errors="xmlcharrefreplace")
    assert declared_charset(data) == label.lower()
    report = gongkai.convert(data, name="odd.html")
    assert report.source.encoding == "utf-8"
    assert report.values() == EXPECTED["cms"]["tables"]


@pytest.mark.parametrize(
    ("forced", "cause"),
    [
        ("rot13", "not a text encoding: 'rot13'"),
        ("base64", "not a text encoding: 'base64'"),
        ("bogus", "unknown text encoding 'bogus'"),
    ],
)
def test_a_forced_encoding_that_is_no_text_encoding_is_refused(forced: str, cause: str) -> None:
    with pytest.raises(gongkai.ReadError) as caught:
        gongkai.convert(page("cms"), encoding=forced)
    assert str(caught.value) == cause


def test_a_line_of_a_hundred_thousand_characters_is_refused() -> None:
    with pytest.raises(gongkai.ReadError) as caught:
        read("<html><body><p>前言</p>\n<p>" + "规章0" * 40_000 + "</p></body></html>")
    assert (
        str(caught.value)
        == "line too long: 120,000 characters in one line of text (at line 2 of the page), the limit is 100,000"
    )
    with pytest.raises(gongkai.ReadError, match=r"^line too long: 150,000 characters"):
        read("<pre>" + "12 " * 50_000 + "</pre>")


def test_a_page_of_more_than_a_million_tags_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(gongkai.ReadError) as caught:
        read("<html><body>" + "<p>x" * 1_000_000 + "</body></html>")
    assert str(caught.value) == "page too large: 1,000,004 tags, the limit is 1,000,000"
