"""The docx reader on real Word files: the official blank form, the form filled with a known model, and damage.

The filled documents are the official form (../shared/forms) with figures
written into its empty value cells by python-docx, then given what real
reports carry: a header and a footer with a page field, a text box, formula
fields, tracked changes, content controls, a table broken across a page.
Each must read back equal to the model it was made from.
"""

from __future__ import annotations

import copy
import io
import os
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import _Cell

import gongkai
import gongkai_docx
from conftest import ROOT, SEEDS, expected_for, traced_peak
from gongkai.cli import EXIT_FAILED, EXIT_NOTHING, main
from gongkai.errors import ReadError
from gongkai.hookspecs import Document, Reader
from gongkai.layout import Grid, GridCell, Layout, Line
from gongkai.plugins import get_registry
from gongkai.recognise import recognise
from gongkai_docx import DocxReader
from test_grid_path import varied

FORM_NAME = "blank-form-gov-2021.docx"
FORMS = [ROOT / "fixtures" / "forms" / FORM_NAME, ROOT.parent / "shared" / "forms" / FORM_NAME]
FORM = next((p for p in FORMS if p.is_file()), None)
needs_form = pytest.mark.skipif(FORM is None, reason=f"the official blank form {FORM_NAME} is not available")
READER = DocxReader()
OFFICE = shutil.which("soffice")
GROUPS = {"三、本年度办理结果": 22, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
SHAPES = {  # the namespaces of a text box, declared as Word declares them
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
TEXT_BOX = "附件2：本机关2021年政府信息公开目录"


def read(data: bytes, name: str | None = "report.docx", **options: str) -> Layout:
    return READER.read(Document(data=data, name=name, options=options))


def grids(layout: Layout) -> list[Grid]:
    return [b for b in layout.blocks if isinstance(b, Grid)]


def lines(layout: Layout) -> list[str]:
    return [b.text for b in layout.blocks if isinstance(b, Line) and b.cells]


def cell_with(grid: Grid, text: str) -> GridCell:
    found = [c for c in grid.cells if c.text == text]
    assert len(found) == 1, f"{text!r} is in {len(found)} cells"
    return found[0]


def blank_model() -> dict[str, Any]:
    model = expected_for(SEEDS[0])
    for rows in model["tables"].values():
        for cols in rows.values():
            for col in cols:
                cols[col] = None
    return model


def model() -> dict[str, Any]:
    """Seed 000's figures made less trivial (from the grid path test), every rule holding."""
    return varied(expected_for(SEEDS[0]))


# Building documents ----------------------------------------------------------------------------------


def form() -> WordDocument:
    assert FORM is not None
    return docx.Document(str(FORM))


def fill(doc: WordDocument, tables: dict[str, dict[str, dict[str, Any]]]) -> WordDocument:
    """Write the model's figures into the form's empty value cells, as an office filling it in would."""
    two, three, four = doc.tables
    labels_2 = {"规章": "regulations", "行政规范性文件": "normative_documents", "行政许可": "licensing"}
    labels_2 |= {"行政处罚": "penalty", "行政强制": "coercion", "行政事业性收费": "fees"}
    for tr in two._tbl.tr_lst:
        row = labels_2.get(_Cell(tr.tc_lst[0], two).text.strip())
        if row:
            _write(two, tr.tc_lst[1:], tables["active_disclosure"][row].values())
    rows_3 = [r for r in tables["applications"] if r != "other_handling"]  # printed as its three sub-rows
    trs = three._tbl.tr_lst[3:]
    assert len(trs) == len(rows_3) == 25
    for tr, row in zip(trs, rows_3, strict=True):
        _write(three, tr.tc_lst[-7:], tables["applications"][row].values())
    figures_4 = [v for row in tables["review_litigation"].values() for v in row.values()]
    _write(four, four._tbl.tr_lst[3].tc_lst, figures_4)
    return doc


def _write(table: Any, tcs: list[Any], values: Any) -> None:
    values = list(values)
    assert len(tcs) == len(values)
    for tc, value in zip(tcs, values, strict=True):
        _Cell(tc, table).text = "" if value is None else str(value)


def to_bytes(doc: WordDocument) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def filled() -> bytes:
    return to_bytes(fill(form(), model()["tables"]))


def split_table(doc: WordDocument, table: int, at: int, repeat_header: int, page_break: bool = True) -> None:
    """Break a table in two before row `at`, as Word's "split table" leaves it; a page break between if asked."""
    tbl = doc.tables[table]._tbl
    second = copy.deepcopy(tbl)
    for tr in second.tr_lst:
        second.remove(tr)
    for tr in tbl.tr_lst[:repeat_header]:
        second.append(copy.deepcopy(tr))
    moved = tbl.tr_lst[at:]
    for tr in moved:
        second.append(tr)  # moves the row
    for tc in moved[0].tc_lst:  # a merge running through the split starts again in the second part
        merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        if merge is not None:
            merge.set(qn("w:val"), "restart")
    empty = parse_xml(f"<w:p {nsdecls('w')}/>")
    tbl.addnext(empty)
    empty.addnext(second)
    if page_break:
        empty.addprevious(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:br w:type="page"/></w:r></w:p>'))


def text_box_run(text: str) -> Any:
    """A run holding a text box as Word writes it: a DrawingML shape, and a VML copy as its fallback."""
    declarations = " ".join(f'xmlns:{k}="{v}"' for k, v in SHAPES.items())
    return parse_xml(
        f"""<w:r {declarations}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
        <wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0"
            locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
          <wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
          <wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
          <wp:extent cx="3600000" cy="400000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
          <wp:docPr id="901" name="Text Box 901"/><wp:cNvGraphicFramePr/>
          <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
            <wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3600000" cy="400000"/>
              </a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
              <wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>
              <wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
        <mc:Fallback><w:pict><v:shape type="#_x0000_t202" style="width:283pt;height:31pt"><v:textbox>
          <w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>
        </mc:Fallback></mc:AlternateContent></w:r>"""
    )


def field(instruction: str, result: str) -> str:
    """A complex field's runs: its instruction (never printed) and its result (printed)."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{result}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def append_xml(p: Any, content: str) -> None:
    """Append raw WordprocessingML (runs and inline wrappers) to a w:p."""
    for el in list(parse_xml(f"<w:p {nsdecls('w')}>{content}</w:p>")):
        p.append(el)


def set_cell_xml(table: Any, row: int, col: int, content: str) -> None:
    """Replace the runs of a cell's first paragraph with raw WordprocessingML."""
    tc = table._tbl.tr_lst[row].tc_lst[col]
    p = tc.p_lst[0]
    for r in list(p):
        if r.tag != qn("w:pPr"):
            p.remove(r)
    append_xml(p, content)


def busy_document() -> bytes:
    """The filled form with what real reports carry around and inside their tables."""
    doc = fill(form(), model()["tables"])
    section = doc.sections[0]
    section.header.paragraphs[0].text = "成武县人民政府办公室 2022"
    footer = section.footer.paragraphs[0]
    footer.add_run("- ")
    append_xml(footer._p, field("PAGE", "1"))
    footer.add_run(" -")
    body = doc.paragraphs
    title = next(p for p in body if p.text.startswith("政府信息公开工作年度报告"))
    title.insert_paragraph_before("").add_run("")._r.addnext(text_box_run(TEXT_BOX))
    link = next(p for p in body if p.text == "（文字描述）")
    link.text = "详见"
    append_xml(link._p, field('HYPERLINK "http://www.example.gov.cn/2021/7"', "门户网站"))
    fees = next(p for p in body if p.text.startswith("（文字描述，收取信息处理费"))
    fees.text = ""
    prompt = "<w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>单击或点击此处输入文字。</w:t></w:r>"
    append_xml(fees._p, f"<w:sdt>{prompt}</w:sdtContent></w:sdt>")
    three = doc.tables[1]
    # new_received total (row 3, last cell) as a formula field, natural_person with a tracked change,
    # a hidden run, a content control, and a label wrapped by a line break inside its cell.
    total = model()["tables"]["applications"]["new_received"]["total"]
    set_cell_xml(three, 3, 7, field("=SUM(LEFT)", str(total)))
    person = model()["tables"]["applications"]["new_received"]["natural_person"]
    set_cell_xml(
        three,
        3,
        1,
        '<w:del w:id="1" w:author="a" w:date="2022-01-10T00:00:00Z"><w:r><w:delText>9</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="a" w:date="2022-01-10T00:00:00Z"><w:r><w:t>{person}</w:t></w:r></w:ins>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>7</w:t></w:r><w:bookmarkStart w:id="3" w:name="x"/>'
        '<w:bookmarkEnd w:id="3"/>',
    )
    carried = model()["tables"]["applications"]["carried_over"]["natural_person"]
    set_cell_xml(three, 4, 1, f"<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>{carried}</w:t></w:r></w:sdtContent></w:sdt>")
    wrapped = "<w:t>（本列数据的勾稽关系为：第一项加第二项之和，</w:t><w:br/><w:t>等于第三项加第四项之和）</w:t>"
    set_cell_xml(three, 0, 0, f"<w:r>{wrapped}</w:r>")
    return to_bytes(doc)


def not_a_report() -> bytes:
    doc = docx.Document()
    doc.add_paragraph("关于2022年国庆节放假安排的通知")
    doc.add_paragraph("各科室：国庆节放假七天。")
    table = doc.add_table(rows=2, cols=3)
    texts = ["日期", "值班", "电话", "10月1日", "张三", "1234"]
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells, texts, strict=True):
        cell.text = text
    return to_bytes(doc)


# The plugin ------------------------------------------------------------------------------------------


def test_plugin_registers_the_reader() -> None:
    registered: list[Reader] = []
    gongkai_docx.gongkai_readers(register=registered.append)
    assert [r.name for r in registered] == ["docx"]
    assert isinstance(registered[0], Reader)
    assert registered[0].extensions == (".docx",)
    assert get_registry().readers["docx"].name == "docx"


@needs_form
def test_sniff() -> None:
    data = FORM.read_bytes() if FORM else b""
    assert READER.sniff(data[:65536], None) >= 0.9  # "word/" in the zip's head
    assert READER.sniff(data[:65536], "report.docx") >= 0.9
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert 0 < READER.sniff(ole, "report.doc") < 0.9
    assert READER.sniff(ole, "table.xls") == 0
    assert READER.sniff(_ole("EncryptedPackage"), None) > 0  # stdin: by the stream names
    assert READER.sniff(_ole("EncryptedPackage"), "book.xlsx") == 0  # an encrypted workbook is not ours
    assert READER.sniff(b"\x89PNG\r\n\x1a\n" + bytes(100), "report.docx") == 0
    assert READER.sniff("一、总体情况".encode(), "report.txt") == 0
    assert READER.sniff(b"PK\x03\x04" + bytes(100), "data.zip") == 0


# The official form -----------------------------------------------------------------------------------


@needs_form
def test_blank_form_gives_every_value_null() -> None:
    assert FORM is not None
    report = gongkai.convert(FORM)
    assert report.template == "gov-2021"
    assert report.status == "ok"
    assert report.values() == blank_model()["tables"]
    assert not report.derived_cells()
    assert report.source.format == "docx"


@needs_form
def test_blank_form_tables_are_grids_with_merged_cells_once() -> None:
    assert FORM is not None
    layout = read(FORM.read_bytes())
    assert (layout.format, layout.pages, layout.problems) == ("docx", None, [])
    two, three, four = grids(layout)
    assert [(g.index, g.n_rows, g.n_cols) for g in (two, three, four)] == [(0, 14, 4), (1, 28, 10), (2, 4, 15)]
    for grid in (two, three, four):  # every slot covered by exactly one cell
        slots = [(c.row + dr, c.col + dc) for c in grid.cells for dr in range(c.rowspan) for dc in range(c.colspan)]
        assert sorted(slots) == [(r, c) for r in range(grid.n_rows) for c in range(grid.n_cols)]
    for label, rowspan in GROUPS.items():
        cell = cell_with(three, label)
        assert (cell.rowspan, cell.colspan) == (rowspan, 1)
    assert cell_with(three, "三、本年度办理结果").col == 0 and cell_with(three, "（三）不予公开").col == 1
    assert (cell_with(three, "申请人情况").colspan, cell_with(three, "自然人").rowspan) == (7, 2)
    corner = three.cells[0]
    assert (corner.row, corner.col, corner.rowspan, corner.colspan) == (0, 0, 3, 3)
    assert corner.text.startswith("（本列数据的勾稽关系为：") and "\n" not in corner.text
    assert cell_with(two, "第二十条第（一）项").colspan == 4
    regulations = next(r for r in two.rows() if r[0].text == "规章")
    assert [c.text for c in regulations] == ["规章", "\u3000\u3000", "\u3000", ""]  # blank cells, as printed
    assert cell_with(four, "行政诉讼").colspan == 10
    assert cell_with(three, "（一）予以公开").where == gongkai.Where(table=1, row=5, col=1)
    assert "二、主动公开政府信息情况" in lines(layout)


# The round trip ----------------------------------------------------------------------------------------


@needs_form
def test_filled_form_reads_back_equal() -> None:
    expected = model()
    report = gongkai.convert(filled(), name="filled.docx")
    assert report.template == "gov-2021"
    assert report.status == "ok"
    assert report.values() == expected["tables"]
    assert report.layouts["applications"] == "other_handling_three_rows"
    assert not [f for f in report.findings if f.severity == "error"]
    assert not [name for name, c in report.checks.items() if c.failed]
    cell = report.tables["applications"]["granted"]["natural_person"]
    assert (cell.raw, cell.where) == ("3", gongkai.Where(table=1, row=5, col=3))
    fees = report.tables["active_disclosure"]["fees"]["amount"]
    assert (fees.value, fees.where) == (Decimal("96171.6"), gongkai.Where(table=0, row=13, col=1))
    assert report.tables["review_litigation"]["review"]["total"].where == gongkai.Where(table=2, row=3, col=4)
    assert report.tables["applications"]["other_handling"]["total"].derived == "applications.other_handling_sum"


@needs_form
@pytest.mark.parametrize("repeat_header", [3, 0], ids=["header-repeated", "no-header"])
def test_table_broken_across_a_page_reads_as_one(repeat_header: int) -> None:
    doc = fill(form(), model()["tables"])
    split_table(doc, 1, 12, repeat_header)  # inside both groups 三、本年度办理结果 and （三）不予公开
    assert len(doc.tables) == 4
    data = to_bytes(doc)
    layout = read(data)
    two, three, four = grids(layout)
    assert (three.index, three.n_rows, three.n_cols, four.index) == (1, 28, 10, 2)
    for label, rowspan in GROUPS.items():
        assert cell_with(three, label).rowspan == rowspan
    assert cell_with(three, "申请人情况").row == 0  # the repeated header is gone
    assert [c.where.row for c in three.cells if c.text == "6.属于四类过程性信息"] == [12]
    assert layout.problems == [
        "table 2 continues after a page break: read as one"
        + (", its 3 repeated header rows dropped" * bool(repeat_header))
    ]
    report = gongkai.convert(data, name="split.docx")
    assert report.values() == model()["tables"]
    assert report.tables["applications"]["denied_process_info"]["total"].where == gongkai.Where(table=1, row=12, col=9)


@needs_form
def test_tables_apart_by_a_blank_paragraph_stay_two() -> None:
    """第二十条's sub-tables as tables of their own: a blank paragraph between them, no page break."""
    doc = fill(form(), model()["tables"])
    split_table(doc, 0, 4, 0, page_break=False)
    layout = read(to_bytes(doc))
    assert [(g.index, g.n_rows, g.n_cols) for g in grids(layout)] == [(0, 4, 4), (1, 10, 4), (2, 28, 10), (3, 4, 15)]
    assert layout.problems == []
    assert cell_with(grids(layout)[1], "第二十条第（五）项").where == gongkai.Where(table=1, row=0, col=0)
    assert gongkai.convert(to_bytes(doc), name="parts.docx").values() == model()["tables"]


def test_grid_before_after_and_legacy_horizontal_merge() -> None:
    """Rows that start late (w:gridBefore) or end early (w:gridAfter), and an old-style w:hMerge."""
    doc = docx.Document()
    doc.add_paragraph("表一")
    rows = [
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr>",
        '<w:tr><w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>丙</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>"
        "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr>",
        '<w:tr><w:trPr><w:gridAfter w:val="3"/></w:trPr><w:tc><w:p><w:r><w:t>丁</w:t></w:r></w:p></w:tc></w:tr>',
    ]
    grid_cols = '<w:gridCol w:w="1000"/>' * 4
    table = parse_xml(f"<w:tbl {nsdecls('w')}><w:tblPr/><w:tblGrid>{grid_cols}</w:tblGrid>{''.join(rows)}</w:tbl>")
    doc.paragraphs[0]._p.addnext(table)
    (grid,) = grids(read(to_bytes(doc)))
    assert [(c.text, c.row, c.col, c.colspan) for c in grid.cells] == [
        ("甲", 0, 1, 2),
        ("乙", 0, 3, 1),
        ("丙", 1, 0, 2),
        ("1 2", 1, 2, 1),  # two figures in two paragraphs of one cell stay two figures
        ("3", 1, 3, 1),
        ("丁", 2, 0, 1),
    ]
    assert (grid.n_rows, grid.n_cols) == (3, 4)


@needs_form
def test_header_footer_text_box_fields_and_tracked_changes_do_not_leak() -> None:
    data = busy_document()
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the test document does carry them
        parts = {n: z.read(n).decode() for n in z.namelist() if n.startswith("word/")}
    assert any("- " in v and "PAGE" in v for n, v in parts.items() if "footer" in n)
    assert any("成武县人民政府办公室" in v for n, v in parts.items() if "header" in n)
    assert parts["word/document.xml"].count(TEXT_BOX) == 2  # the drawing and its VML fallback
    layout = read(data)
    texts = lines(layout)
    every = texts + [c.text for g in grids(layout) for c in g.cells]
    assert texts.count(TEXT_BOX) == 1  # its own Line, once
    assert not [t for t in every if "- 1 -" in t or "成武县人民政府办公室" in t]
    assert not [t for t in every if "SUM" in t or "HYPERLINK" in t or "PAGE" in t or "example.gov" in t]
    assert "详见门户网站" in texts
    assert not [t for t in every if "单击或点击此处输入文字" in t]  # an empty content control's prompt
    three = grids(layout)[1]
    first = next(r for r in three.rows() if r[0].text.startswith("一、本年新收"))
    assert [c.text for c in first][1:] == [str(v) for v in model()["tables"]["applications"]["new_received"].values()]
    assert three.cells[0].text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    report = gongkai.convert(data, name="busy.docx")
    assert report.values() == model()["tables"]
    assert report.status == "ok"


@needs_form
def test_struck_hidden_and_superscript_runs_read_as_the_page_shows_them() -> None:
    """Corrections struck out (directly or by a character style), hidden runs and footnote marks after
    figures (superscript directly or by a style, a footnote's own mark): every figure reads as printed
    (before: 83 for 3 corrected from a struck 8, 111 for 11 with the mark 1)."""
    figures = model()["tables"]
    applications = figures["applications"]
    doc = fill(form(), figures)
    struck = doc.styles.add_style("改正前", WD_STYLE_TYPE.CHARACTER)
    struck.font.strike = True
    mark = doc.styles.add_style("注号", WD_STYLE_TYPE.CHARACTER)
    mark.font.superscript = True
    three = doc.tables[1]
    rows_3 = [r for r in applications if r != "other_handling"]

    def cell(row: str, col: int) -> Any:
        """The value cell's paragraph, emptied."""
        tc = three._tbl.tr_lst[3 + rows_3.index(row)].tc_lst[-7 + col]
        paragraph = _Cell(tc, three).paragraphs[0]
        paragraph.clear()
        return paragraph

    def value(row: str, col: int) -> int:
        return int(list(applications[row].values())[col])

    p = cell("granted", 0)
    p.add_run(str(value("granted", 0) + 5)).font.strike = True
    p.add_run(str(value("granted", 0)))
    p = cell("new_received", 6)
    p.add_run(str(value("new_received", 6)))
    p.add_run("1").font.superscript = True
    p = cell("carried_over", 0)
    p.add_run(str(value("carried_over", 0)))
    p.add_run("2", style=mark)
    p = cell("total_handled", 6)
    p.add_run(str(value("total_handled", 6) + 1), style=struck)
    p.add_run(str(value("total_handled", 6)))
    p = cell("carried_forward", 0)
    p.add_run(str(value("carried_forward", 0)))
    p.add_run("4").font.hidden = True
    p = cell("partially_granted", 6)
    p.add_run(str(value("partially_granted", 6)))
    append_xml(p._p, '<w:r><w:footnoteReference w:customMarkFollows="1" w:id="1"/><w:t>3</w:t></w:r>')
    append_xml(p._p, '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="2"/></w:r>')
    report = gongkai.convert(to_bytes(doc), name="marked.docx")
    assert report.values() == figures
    assert report.tables["applications"]["new_received"]["total"].raw == f"{value('new_received', 6)}¹"
    assert report.tables["applications"]["carried_over"]["natural_person"].raw == f"{value('carried_over', 0)}²"
    assert report.tables["applications"]["partially_granted"]["total"].raw == f"{value('partially_granted', 6)}³"


W_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b'<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>'
    b'<w:style w:type="paragraph" w:styleId="Hidden"><w:rPr><w:vanish/></w:rPr></w:style>'
    b'<w:style w:type="paragraph" w:styleId="HiddenToo"><w:basedOn w:val="Hidden"/></w:style>'
    b'<w:style w:type="character" w:styleId="Struck"><w:rPr><w:strike/></w:rPr></w:style>'
    b'<w:style w:type="character" w:styleId="Mark"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
    b'<w:style w:type="character" w:styleId="MarkToo"><w:basedOn w:val="Mark"/></w:style>'
    b'<w:style w:type="character" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>'
    b"</w:styles>"
)


def run_xml(text: str, properties: str = "") -> str:
    return f"<w:r><w:rPr>{properties}</w:rPr><w:t>{text}</w:t></w:r>" if properties else f"<w:r><w:t>{text}</w:t></w:r>"


def test_run_properties_direct_and_by_style_decide_what_is_read() -> None:
    """Direct formatting over the character style over the paragraph style (with the styles they are
    based on); strike, dstrike and vanish switched off by val=0/off; a footnote's own mark in the run
    after its reference; a numbered reference gives no digits; a style based on itself is harmless."""
    cells = [
        run_xml("25", "<w:strike/>") + run_xml("20"),
        run_xml("9", '<w:dstrike w:val="true"/>') + run_xml("8", '<w:strike w:val="0"/>'),
        run_xml("37") + run_xml("1", '<w:vertAlign w:val="superscript"/>'),
        run_xml("12") + run_xml("23", '<w:rStyle w:val="MarkToo"/>'),
        run_xml("6", '<w:rStyle w:val="Struck"/>') + run_xml("5", '<w:rStyle w:val="Struck"/><w:strike w:val="off"/>'),
        run_xml("4") + '<w:r><w:footnoteReference w:customMarkFollows="1" w:id="1"/></w:r>' + run_xml("3"),
        run_xml("7") + '<w:r><w:rPr><w:rStyle w:val="Mark"/></w:rPr><w:footnoteReference w:id="2"/></w:r>',
        run_xml("2", '<w:rStyle w:val="Loop"/>'),
        run_xml("11", '<w:vertAlign w:val="baseline"/><w:rStyle w:val="Mark"/>'),
    ]
    row = "".join(f"<w:tc><w:p>{c}</w:p></w:tc>" for c in cells)
    shown = run_xml("正文", '<w:vanish w:val="0"/>')  # in a paragraph whose style hides its runs
    body = (
        '<w:p><w:pPr><w:pStyle w:val="HiddenToo"/></w:pPr><w:r><w:t>旧表</w:t></w:r></w:p>'
        f'<w:p><w:pPr><w:pStyle w:val="Hidden"/></w:pPr>{shown}</w:p>'
        f"<w:tbl><w:tr>{row}</w:tr></w:tbl>"
    )
    layout = read(docx_of(body.encode(), styles=W_STYLES))
    assert lines(layout) == ["正文"]
    assert [c.text for c in grids(layout)[0].cells] == ["20", "8", "37¹", "12²³", "5", "4³", "7", "2", "11"]
    assert layout.problems == []
    damaged = read(docx_of(body.encode(), styles=W_STYLES[:-20]))
    assert [c.text for c in grids(damaged)[0].cells][:3] == ["20", "8", "37¹"]  # direct formatting still read
    assert damaged.problems == ["word/styles.xml is damaged: text its styles hide or strike out is read as shown"]


@needs_form
def test_layout_frame_around_a_table_gives_the_table() -> None:
    """A one-cell frame around heading and table 三: the frame is no table, what it holds is."""
    doc = fill(form(), model()["tables"])
    three = doc.tables[1]._tbl
    heading = next(p for p in doc.paragraphs if p.text.startswith("三、收到和处理"))._p
    frame = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr/><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid>'
        "<w:tr><w:tc><w:tcPr/></w:tc></w:tr></w:tbl>"
    )
    three.addprevious(frame)
    tc = frame.tr_lst[0].tc_lst[0]
    tc.append(heading)
    tc.append(three)
    tc.append(parse_xml(f"<w:p {nsdecls('w')}/>"))  # a cell ends with a paragraph
    layout = read(to_bytes(doc))
    assert [(g.index, g.n_rows, g.n_cols) for g in grids(layout)] == [(0, 14, 4), (1, 28, 10), (2, 4, 15)]
    assert "三、收到和处理政府信息公开申请情况" in lines(layout)
    assert gongkai.convert(to_bytes(doc), name="frame.docx").values() == model()["tables"]


# Bad inputs --------------------------------------------------------------------------------------------


def _ole(*streams: str) -> bytes:
    """An OLE compound file's header and a directory naming the streams (UTF-16LE), as Office writes them."""
    directory = b"".join(s.encode("utf-16-le").ljust(64, b"\0") + bytes(64) for s in ("Root Entry", *streams))
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory + bytes(4096)


def _corrupt(data: bytes) -> bytes:
    """Damage the compressed bytes of word/document.xml, leaving the zip's directory intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 64]) + data[middle + 64 :]


def _zip_of_something_else() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photos/readme.txt", "2021年照片")
    return buf.getvalue()


def _bad_inputs() -> list[tuple[str, bytes, str]]:
    good = filled() if FORM is not None else to_bytes(docx.Document())
    return [
        ("empty.docx", b"", "empty file"),
        ("truncated.docx", good[: len(good) // 2], "not a valid .docx: the zip is damaged or truncated"),
        ("corrupt.docx", _corrupt(good), "not a valid .docx: the zip is damaged or truncated"),
        ("photos.docx", _zip_of_something_else(), "a zip file, not a Word document"),
        ("locked.docx", _ole("EncryptionInfo", "EncryptedPackage"), "encrypted Word document: remove the password"),
        ("old.doc", _ole("WordDocument", "1Table"), "old binary Word .doc: open it in Word or LibreOffice and save"),
        # PNG bytes whatever the name: the image reader's (content is sniffed first), and it is a broken PNG
        ("picture.docx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200), "not a picture that can be read"),
        ("letter.docx", b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl}\\par 2021}", "an RTF document, not a .docx"),
    ]


BAD = _bad_inputs()


@pytest.mark.parametrize(("name", "data", "cause"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_error(name: str, data: bytes, cause: str) -> None:
    with pytest.raises(ReadError) as caught:
        gongkai.convert(data, name=name)
    message = str(caught.value)
    assert message.startswith(cause), message
    assert "\n" not in message and "Traceback" not in message
    if data:
        with pytest.raises(ReadError):
            read(data, name)


def gongkai_cli(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("gongkai")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "gongkai"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


def _cli_cases() -> list[tuple[str, bytes, str]]:
    return [*BAD, ("notice.docx", not_a_report(), "no report tables found")]


@pytest.mark.parametrize(("name", "data", "cause"), _cli_cases(), ids=[c[0] for c in _cli_cases()])
def test_bad_input_on_the_command_line(
    name: str, data: bytes, cause: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out.json"
    assert main(["convert", str(path), "-o", str(out)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith(f"gongkai: {path}: {cause}"), err
    assert err.count("\n") == 1
    assert not out.exists()


def test_bad_inputs_through_the_installed_command(tmp_path: Path) -> None:
    """The real `gongkai` script: one line per bad file, no traceback, no output, exit 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data, _ in _cli_cases():
        (folder / name).write_bytes(data)
    done = gongkai_cli("convert", str(folder), "-o", str(tmp_path / "out"))
    assert done.returncode == EXIT_NOTHING, done.stderr  # every input of the batch failed
    assert "Traceback" not in done.stderr
    errors = done.stderr.strip().splitlines()
    for name, _, cause in _cli_cases():
        assert [e for e in errors if e.startswith(f"gongkai: {folder / name}: {cause}")], (name, errors)
    assert len(errors) == len(_cli_cases()) + 1  # and the summary
    assert [p.name for p in tmp_path.glob("out/*")] == [".gongkai-manifest.jsonl"]  # no output, only the manifest


def test_not_a_report_is_no_tables() -> None:
    report = gongkai.convert(not_a_report(), name="notice.docx")
    assert report.status == "no_tables"
    assert report.template is None


# Old binary .doc through LibreOffice -------------------------------------------------------------------


@needs_form
@pytest.mark.skipif(OFFICE is None, reason="LibreOffice (soffice) is not installed: .doc conversion is not tested")
def test_old_doc_converted_with_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "filled.docx"
    source.write_bytes(filled())
    assert OFFICE is not None
    subprocess.run(
        [
            OFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    data = (tmp_path / "filled.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0") and "WordDocument".encode("utf-16-le") in data
    with pytest.raises(ReadError, match=r"^old binary Word \.doc: open it in Word or LibreOffice and save as \.docx"):
        gongkai.convert(data, name="filled.doc")
    layout = read(data, "filled.doc", doc_convert="1")
    assert layout.problems[0] == "converted from an old binary .doc by LibreOffice"
    assert [(g.n_rows, g.n_cols) for g in grids(layout)] == [(14, 4), (28, 10), (4, 15)]
    report = recognise(layout, get_registry().templates)
    assert report.values() == model()["tables"]


# Hostile documents: what the reader builds is bounded, and it says why it refuses -----------------------

W_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
W_TAIL = b"</w:body></w:document>"


def docx_of(*body: bytes, repeat: int = 1, styles: bytes | None = None) -> bytes:
    """A .docx whose document.xml is W_HEAD, the `body` pieces (the last one `repeat` times), W_TAIL,
    written into the zip a piece at a time (a zip bomb is built without holding its content); with a
    word/styles.xml if `styles` are given."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="urn:x"/>')
        if styles is not None:
            z.writestr("word/styles.xml", styles)
        with z.open("word/document.xml", "w") as part:
            part.write(W_HEAD)
            for piece in body[:-1]:
                part.write(piece)
            for _ in range(repeat):
                part.write(body[-1])
            part.write(W_TAIL)
    return buf.getvalue()


def test_a_part_of_millions_of_elements_is_refused_before_it_is_parsed() -> None:
    """The review's bomb: 127 MB of <w:p/> in a zip of 170 KB (before: a tree of 2.5 GB). The count says
    the whole part was counted, before any of it was parsed."""
    block = b"<w:p/>" * 100_000
    data = docx_of(block, repeat=212)
    assert len(data) < 300_000
    tags = W_HEAD.count(b"<") + 212 * 100_000 + W_TAIL.count(b"<")
    result, peak = traced_peak(lambda: read(data))
    assert isinstance(result, ReadError)
    assert str(result) == (
        f"word/document.xml has too many XML elements: {tags:,} tags, the limit is 4,000,000 (not a report)"
    )
    assert peak < 200 * 2**20


def test_a_part_inflating_past_the_limit_is_refused_before_it_is_read() -> None:
    """129 MiB of text in a zip of 130 KB: refused by the size the zip declares, before reading any of it."""
    run = b"<w:p><w:r><w:t>" + b" " * (1 << 20) + b"</w:t></w:r></w:p>"
    data = docx_of(run, repeat=129)
    result, peak = traced_peak(lambda: read(data))
    size = len(W_HEAD) + 129 * len(run) + len(W_TAIL)
    assert str(result) == (
        f"word/document.xml is too large: {size:,} bytes decompressed, the limit is 134,217,728 bytes (not a report)"
    )
    assert peak < 200 * 2**20


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size written as `size` in its local header and its directory entry."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    out = bytearray(data)
    out[info.header_offset + 22 : info.header_offset + 26] = size.to_bytes(4, "little")
    entry = out.find(b"PK\x01\x02")
    while entry >= 0:
        length = int.from_bytes(out[entry + 28 : entry + 30], "little")
        if out[entry + 46 : entry + 46 + length] == name.encode():
            out[entry + 24 : entry + 28] = size.to_bytes(4, "little")
        entry = out.find(b"PK\x01\x02", entry + 4)
    return bytes(out)


def test_a_member_larger_than_it_declares_is_damage_not_a_bomb() -> None:
    """zipfile stops reading a member at its declared size and then checks the CRC (this held before too)."""
    data = docx_of(b"<w:p><w:r><w:t>" + b"1" * 1000 + b"</w:t></w:r></w:p>", repeat=200)
    lying = _declare_size(data, "word/document.xml", 5000)
    with pytest.raises(ReadError, match=r"^not a valid \.docx: the zip is damaged or truncated$"):
        read(lying)
    boasting = _declare_size(data, "word/document.xml", 200 * 2**20)
    with pytest.raises(ReadError) as caught:
        read(boasting)
    assert str(caught.value) == (
        "word/document.xml is too large: 209,715,200 bytes decompressed, the limit is 134,217,728 bytes (not a report)"
    )


def test_tables_nested_past_the_parser_say_how_deep() -> None:
    nested = b"<w:tbl><w:tr><w:tc>" * 90 + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * 90
    with pytest.raises(ReadError) as caught:
        read(docx_of(nested))
    assert (
        str(caught.value) == "not a valid .docx: tables nested 90 deep, deeper than the XML parser reads (256 levels)"
    )
    other = b"<w:sdt><w:sdtContent>" * 200 + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * 200
    with pytest.raises(ReadError) as caught:
        read(docx_of(other))
    assert (
        str(caught.value) == "not a valid .docx: elements nested more than 256 deep, deeper than the XML parser reads"
    )


def test_a_paragraph_of_more_than_a_hundred_thousand_characters_is_refused() -> None:
    long = b"<w:p><w:r><w:t>" + "规章0".encode() * 40_000 + b"</w:t></w:r></w:p>"
    with pytest.raises(ReadError) as caught:
        read(docx_of(b"<w:p><w:r><w:t>\xe5\x89\x8d\xe8\xa8\x80</w:t></w:r></w:p>", long))
    assert str(caught.value) == "line too long: 120,000 characters in paragraph 2, the limit is 100,000"


def test_a_table_wider_than_a_million_slots_is_refused() -> None:
    cell = b'<w:tc><w:tcPr><w:gridSpan w:val="63"/></w:tcPr><w:p/></w:tc>'
    with pytest.raises(ReadError) as caught:
        read(docx_of(b"<w:tbl><w:tr>", cell * 16_000 + b"</w:tr><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"))
    assert str(caught.value) == "table too large: 2 rows of 1,008,000 columns, the limit is 1,000,000 cells"


def test_a_table_in_thousands_of_parts_costs_each_part_its_own_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 two-row tables one after the other are one table. Putting each part to the grid so far once
    looked at all of that grid (a 100 KB file of 100,000 parts took hours); now at its own cells only.
    Counted: the cells Grid.n_rows and Grid.rows go through."""
    visited = 0
    n_rows, rows = Grid.n_rows.fget, Grid.rows

    def counting_n_rows(grid: Grid) -> int:
        nonlocal visited
        visited += len(grid.cells)
        return n_rows(grid)

    def counting_rows(grid: Grid) -> Any:
        nonlocal visited
        visited += len(grid.cells)
        return rows(grid)

    monkeypatch.setattr(Grid, "n_rows", property(counting_n_rows))
    monkeypatch.setattr(Grid, "rows", counting_rows)
    row = b"<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr>"
    layout = read(docx_of(b"<w:tbl>" + row * 2 + b"</w:tbl>", repeat=2000))
    (grid,) = grids(layout)
    assert len(grid.cells) == 2 + 2000 * 2  # each part repeats the first row of the first: a header, dropped
    assert visited < 20 * len(grid.cells)


def test_a_zip_claiming_a_version_that_does_not_exist_is_damaged() -> None:
    """A flipped byte in the central directory ("zip file version 14.8"): damaged, said by the reader itself."""
    data = bytearray(docx_of(b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"))
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 6 : at + 8] = (148).to_bytes(2, "little")  # version needed to extract: 14.8
        at = data.find(b"PK\x01\x02", at + 4)
    with pytest.raises(ReadError) as caught:
        gongkai.convert(bytes(data), name="r.docx")
    assert str(caught.value) == "not a valid .docx: the zip is damaged or truncated"
