"""Make the PDF test data of tests/test_pdf_reader.py (the PDFs are committed; the tests never run this).

    python tests/data/pdf/make_pdfs.py

Needs python-docx, LibreOffice (`soffice`), poppler's `pdftoppm`, `qpdf`
and Pillow, and the blank national form at ../shared/forms/ (beside the
repository). Writes here:

- gov2021_ruled.pdf: the national gov-2021 Word form filled in; table 三
  runs over a page break with its three header rows repeated; "- N -" page
  footers.
- gov2019_ruled.pdf: a gov-2019 report built cell by cell; table 二 runs over
  a page break (the second part shows fewer columns); a running header, "第
  N 页" footers, a boxed paragraph (a one-cell table of prose).
- gov2021_unruled.pdf: gov-2021 tables without any rules (the token path);
  bare page numbers.
- scan.pdf: a page of gov2021_ruled.pdf as a picture only.
- encrypted_empty.pdf: gov2021_ruled.pdf encrypted with an empty user
  password (it opens without one).
- encrypted_password.pdf: a one-page fragment encrypted with the user
  password "secret".
- garbled.pdf: that fragment with its fonts' ToUnicode maps removed, so the
  text layer is glyph ids only ("(cid:N)").
- sideways.pdf: that fragment shown turned a quarter (/Rotate 90): its text
  runs down the page.
- *.expected.json: the values each report holds.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FORM = ROOT.parent / "shared" / "forms" / "blank-form-gov-2021.docx"
SEED_2021 = ROOT / "fixtures" / "expected" / "000_7f7eec68afa50aac.json"
SEED_2019 = ROOT / "fixtures" / "expected" / "003_9168cc52e7878a9c.json"

Spec = list[list[tuple[str, int, int]]]  # rows of (text, rowspan, colspan)

PROSE = (
    "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，"
    "进一步完善政府信息公开工作机制，加强主动公开，规范依申请公开办理，"
    "提升政府信息公开质量，保障人民群众的知情权、参与权和监督权。"
)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"), parse_float=Decimal)
    return data


def values_2021() -> dict[str, Any]:
    """Seed 000's figures made less trivial; every rule still holds."""
    tables: dict[str, Any] = load(SEED_2021)["tables"]
    apps = tables["applications"]
    for row, figures in [
        ("new_received", [5, 2, 0, 1, 0, 3, 11]),
        ("granted", [3, 2, 0, 1, 0, 0, 6]),
        ("denied_third_party", [1, 0, 0, 0, 0, 2, 3]),
        ("other_other", [1, 0, 0, 0, 0, 1, 2]),
        ("other_handling", [1, 0, 0, 0, 0, 1, 2]),
        ("total_handled", [5, 2, 0, 1, 0, 3, 11]),
    ]:
        apps[row] = dict(zip(apps[row], figures, strict=True))
    tables["active_disclosure"]["fees"]["amount"] = Decimal("96171.6")
    tables["active_disclosure"]["regulations"] = {"issued": 2, "repealed": 1, "in_force": 37}
    tables["active_disclosure"]["licensing"]["decisions"] = 1280
    tables["review_litigation"]["review"] = {"upheld": 1, "corrected": 0, "other": 0, "pending": 2, "total": 3}
    return tables


def values_2019() -> dict[str, Any]:
    tables: dict[str, Any] = load(SEED_2019)["tables"]
    active = tables["active_disclosure"]
    active["regulations"] = {"new_made": 1, "new_published": 1, "total_published": 12}
    active["licensing"] = {"previous_items": 45, "change": -3, "decisions": 2310}
    active["fees"] = {"previous_items": 2, "change": 0}
    active["procurement"] = {"items": 7, "amount": Decimal("356.82")}
    apps = tables["applications"]
    for row, figures in [
        ("new_received", [4, 1, 0, 0, 0, 0, 5]),
        ("carried_over", [1, 0, 0, 0, 0, 0, 1]),
        ("granted", [2, 1, 0, 0, 0, 0, 3]),
        ("cannot_provide_not_held", [1, 0, 0, 0, 0, 0, 1]),
        ("other_handling", [1, 0, 0, 0, 0, 0, 1]),
        ("total_handled", [4, 1, 0, 0, 0, 0, 5]),
        ("carried_forward", [1, 0, 0, 0, 0, 0, 1]),
    ]:
        apps[row] = dict(zip(apps[row], figures, strict=True))
    tables["review_litigation"]["litigation_direct"] = {
        "upheld": 1,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 2,
    }
    return tables


def text(value: Any) -> str:
    return "" if value is None else str(value)


# --- Word documents -------------------------------------------------------------------------------


def set_cell(cell: Any, value: str, size: float = 9) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(value)
    run.font.size = Pt(size)


def add_table(document: Any, spec: Spec, ruled: bool, widths: list[float], header_rows: int = 0) -> Table:
    """A table from rows of (text, rowspan, colspan), columns taken by cells above skipped; widths in cm."""
    n_cols = sum(colspan for _, _, colspan in spec[0])
    assert len(widths) == n_cols
    table: Table = document.add_table(rows=len(spec), cols=n_cols)
    table.autofit = False
    if ruled:
        table.style = "Table Grid"
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(spec):
        c = 0
        for content, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            cell = table.cell(r, c)
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            set_cell(cell, content)
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            c += colspan
    for r in range(header_rows):
        repeat_header(table.rows[r])
    return table


def repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def page_field(paragraph: Any) -> None:
    """A PAGE field in a paragraph (the page number, filled in by the word processor)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    field.append(run)
    paragraph._p.append(field)


def footer(document: Any, before: str, after: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(before)
    page_field(paragraph)
    paragraph.add_run(after)


def heading(document: Any, value: str, size: float = 12, bold: bool = True) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(value)
    run.font.size, run.font.bold = Pt(size), bold


def prose(document: Any, times: int = 1) -> None:
    for _ in range(times):
        document.add_paragraph().add_run(PROSE).font.size = Pt(11)


def to_pdf(document: Any, name: str, work: Path) -> Path:
    source = work / f"{name}.docx"
    document.save(source)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(source)],
        check=True,
        capture_output=True,
    )
    return work / f"{name}.pdf"


# --- the national gov-2021 form, filled in ---------------------------------------------------------


def fill_form(values: dict[str, Any], work: Path) -> Path:
    document = docx.Document(str(FORM))
    body = document.paragraphs
    title = next(p for p in body if "年度报告格式模板" in p.text)
    title.runs[0].text = "成武县工业和信息化局2021年政府信息公开工作年度报告"
    for run in title.runs[1:]:
        run.text = ""
    first = next(p for p in body if "文字描述" in p.text)
    first.runs[0].text = PROSE
    for run in first.runs[1:]:
        run.text = ""
    for _ in range(6):  # enough prose that table 三 starts low on page 2 and runs onto page 3
        first.insert_paragraph_before(PROSE)
    two, three, four = document.tables
    active = values["active_disclosure"]
    for r, row_id in ((2, "regulations"), (3, "normative_documents")):
        for c, v in enumerate(active[row_id].values(), start=1):
            set_cell(two.cell(r, c), text(v))
    for r, row_id, col in ((6, "licensing", "decisions"), (9, "penalty", "decisions")):
        set_cell(two.cell(r, 1), text(active[row_id][col]))
    set_cell(two.cell(10, 1), text(active["coercion"]["decisions"]))
    set_cell(two.cell(13, 1), text(active["fees"]["amount"]))
    apps = values["applications"]
    printed = [r for r in apps if r != "other_handling"]
    for offset, row_id in enumerate(printed):
        for c, v in enumerate(apps[row_id].values(), start=3):
            set_cell(three.cell(3 + offset, c), text(v))
    for r in range(3):
        repeat_header(three.rows[r])
    figures = [v for row in values["review_litigation"].values() for v in row.values()]
    for c, v in enumerate(figures):
        set_cell(four.cell(3, c), text(v))
    last = document.paragraphs[-1]
    last.insert_paragraph_before("成武县工业和信息化局")
    last.insert_paragraph_before("2022年1月26日")
    footer(document, "- ", " -")
    return to_pdf(document, "gov2021_ruled", work)


# --- gov-2019 built cell by cell; gov-2021 without rules ----------------------------------------


def table_two_2019(active: dict[str, Any]) -> Spec:
    def figures(row: str, width: int = 3) -> list[tuple[str, int, int]]:
        cells = [(text(v), 1, 1) for v in active[row].values()]
        if len(cells) < width:
            cells[-1] = (cells[-1][0], 1, 1 + width - len(cells))
        return cells

    three = ["上一年项目数量", "本年增/减", "处理决定数量"]
    spec: Spec = [
        [("第二十条第（一）项", 1, 4)],
        [("信息内容", 1, 1), ("本年新制作数量", 1, 1), ("本年新公开数量", 1, 1), ("对外公开总数量", 1, 1)],
        [("规章", 1, 1), *figures("regulations")],
        [("规范性文件", 1, 1), *figures("normative_documents")],
        [("第二十条第（五）项", 1, 4)],
        [("信息内容", 1, 1), *((h, 1, 1) for h in three)],
        [("行政许可", 1, 1), *figures("licensing")],
        [("其他对外管理服务事项", 1, 1), *figures("other_services")],
        [("第二十条第（六）项", 1, 4)],
        [("信息内容", 1, 1), *((h, 1, 1) for h in three)],
        [("行政处罚", 1, 1), *figures("penalty")],
        [("行政强制", 1, 1), *figures("coercion")],
        [("第二十条第（八）项", 1, 4)],
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 2)],
        [("行政事业性收费", 1, 1), *figures("fees")],
        [("第二十条第（九）项", 1, 4)],
        [("信息内容", 1, 1), ("采购项目数量", 1, 1), ("采购总金额", 1, 2)],
        [("政府集中采购", 1, 1), *figures("procurement")],
    ]
    return spec


GROUPS = {  # table 三's group cells: first row -> (label, rows spanned in the three-row / one-row layouts)
    "granted": ("三、本年度办理结果", 22, 20),
    "denied_state_secret": ("（三）不予公开", 8, 8),
    "cannot_provide_not_held": ("（四）无法提供", 3, 3),
    "not_processed_petition": ("（五）不予处理", 5, 5),
    "other_no_correction": ("（六）其他处理", 3, 3),
}
LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_administrative_query": "8.属于行政查询事项",
    "cannot_provide_not_held": "1.本机关不掌握相关政府信息",
    "cannot_provide_needs_creation": "2.没有现成信息需要另行制作",
    "cannot_provide_unclear": "3.补正后申请内容仍不明确",
    "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "total_handled": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


def table_three(apps: dict[str, Any], one_row: bool) -> Spec:
    spec: Spec = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(t, 1, 1) for t in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]],
    ]
    skip = {"other_no_correction", "other_unpaid_fee", "other_other"} if one_row else {"other_handling"}
    for row_id, cols in apps.items():
        if row_id in skip:
            continue
        figures = [(text(v), 1, 1) for v in cols.values()]
        group = []
        if row_id in GROUPS:
            label, three_rows, one = GROUPS[row_id]
            group = [(label, one if one_row else three_rows, 1)]
        if row_id in ("new_received", "carried_over", "carried_forward"):
            spec.append([(LABELS[row_id], 1, 3), *figures])
        elif row_id in ("granted", "partially_granted", "total_handled", "other_handling"):
            spec.append([*group, (LABELS[row_id], 1, 2), *figures])
        else:
            spec.append([*group, (LABELS[row_id], 1, 1), *figures])
    return spec


def table_four(review: dict[str, Any]) -> Spec:
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [*[(h, 2, 1) for h in heads], ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(h, 1, 1) for h in heads * 2],
        [(text(v), 1, 1) for row in review.values() for v in row.values()],
    ]


def table_two_2021(active: dict[str, Any]) -> Spec:
    rows: Spec = [
        [("第二十条第（一）项", 1, 4)],
        [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
    ]
    rows += [
        [(label, 1, 1), *((text(v), 1, 1) for v in active[r].values())]
        for r, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件"))
    ]
    for head, row_ids, column in (
        ("第二十条第（五）项", (("licensing", "行政许可"),), "本年处理决定数量"),
        ("第二十条第（六）项", (("penalty", "行政处罚"), ("coercion", "行政强制")), "本年处理决定数量"),
        ("第二十条第（八）项", (("fees", "行政事业性收费"),), "本年收费金额（单位：万元）"),
    ):
        rows.append([(head, 1, 4)])
        rows.append([("信息内容", 1, 1), (column, 1, 3)])
        rows += [[(label, 1, 1), (text(next(iter(active[r].values()))), 1, 3)] for r, label in row_ids]
    return rows


def report(title: str, values: dict[str, Any], two: Spec, one_row: bool, ruled: bool, work: Path, name: str) -> Path:
    document = docx.Document()
    heading(document, title, 16)
    heading(document, "一、总体情况")
    prose(document, 2)
    if name == "gov2019_ruled":
        document.sections[0].header.paragraphs[0].text = "沂源县工业和信息化局政府信息公开"
        box = document.add_table(rows=1, cols=1)
        box.style = "Table Grid"
        box.cell(0, 0).text = "说明：本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。"
        prose(document, 5)  # table 二 starts low on page 1 and runs onto page 2
    heading(document, "二、主动公开政府信息情况")
    add_table(document, two, ruled, [4.6, 3.8, 3.8, 3.8])
    heading(document, "三、收到和处理政府信息公开申请情况")
    add_table(document, table_three(values["applications"], one_row), ruled, [1.2, 1.8, 4.5] + [1.2] * 7, 3)
    heading(document, "四、政府信息公开行政复议、行政诉讼情况")
    add_table(document, table_four(values["review_litigation"]), ruled, [1.06] * 15)
    heading(document, "五、存在的主要问题及改进情况")
    prose(document)
    heading(document, "六、其他需要报告的事项")
    document.add_paragraph("无。")
    document.add_paragraph("沂源县工业和信息化局" if name == "gov2019_ruled" else "成武县工业和信息化局")
    document.add_paragraph("2021年1月20日" if name == "gov2019_ruled" else "2022年1月26日")
    if name == "gov2019_ruled":
        footer(document, "第 ", " 页")
    else:
        footer(document, "", "")
    return to_pdf(document, name, work)


# --- variants of a finished PDF ----------------------------------------------------------------------


def scan(pdf: Path, out: Path, work: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-png", "-f", "1", "-l", "1", str(pdf), str(work / "p")], check=True
    )
    png = next(work.glob("p-*.png"))
    with Image.open(png) as image:
        image.convert("L").save(out, "PDF", resolution=40.0)


def encrypt(pdf: Path, out: Path, user: str) -> None:
    subprocess.run(["qpdf", "--encrypt", user, "owner-secret", "256", "--", str(pdf), str(out)], check=True)


def garble(pdf: Path, out: Path, work: Path) -> None:
    """The same PDF with no ToUnicode maps: its text layer gives glyph ids, "(cid:N)"."""
    qdf = work / "qdf.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(qdf)], check=True)
    data = qdf.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX")  # same length: offsets stay right
    qdf.write_bytes(data)
    subprocess.run(["qpdf", str(qdf), str(out)], check=True)


def small_pdf(work: Path) -> Path:
    """A one-page report fragment: a title, a paragraph, a small ruled table."""
    document = docx.Document()
    heading(document, "某县某局2021年政府信息公开工作年度报告", 16)
    prose(document)
    add_table(document, [[("信息内容", 1, 1), ("本年制发件数", 1, 1)], [("规章", 1, 1), ("3", 1, 1)]], True, [4, 4])
    return to_pdf(document, "small", work)


def write_expected(name: str, template: str, tables: dict[str, Any]) -> None:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return float(value) if isinstance(value, Decimal) else value

    body = json.dumps({"template": template, "tables": plain(tables)}, ensure_ascii=False, indent=1)
    (HERE / f"{name}.expected.json").write_text(body + "\n", "utf-8")


def main() -> None:
    if not FORM.exists():
        sys.exit(f"the blank form is missing: {FORM}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        v21 = values_2021()
        ruled21 = fill_form(copy.deepcopy(v21), work)
        v19 = values_2019()
        ruled19 = report(
            "沂源县工业和信息化局2020年政府信息公开工作年度报告",
            v19,
            table_two_2019(v19["active_disclosure"]),
            True,
            True,
            work,
            "gov2019_ruled",
        )
        unruled = report(
            "成武县工业和信息化局2021年政府信息公开工作年度报告",
            v21,
            table_two_2021(v21["active_disclosure"]),
            False,
            False,
            work,
            "gov2021_unruled",
        )
        for path in (ruled21, ruled19, unruled):
            shutil.copy(path, HERE / path.name)
        scan(ruled21, HERE / "scan.pdf", work)
        encrypt(ruled21, HERE / "encrypted_empty.pdf", "")
        small = small_pdf(work)
        encrypt(small, HERE / "encrypted_password.pdf", "secret")
        garble(small, HERE / "garbled.pdf", work)
        subprocess.run(["qpdf", str(small), "--rotate=+90", str(HERE / "sideways.pdf")], check=True)
    write_expected("gov2021_ruled", "gov-2021", v21)
    write_expected("gov2021_unruled", "gov-2021", v21)
    write_expected("gov2019_ruled", "gov-2019", v19)


if __name__ == "__main__":
    main()
