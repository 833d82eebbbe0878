"""The XLSX writer: one report as a form-like workbook, many as a data set; read back with openpyxl and LibreOffice."""

from __future__ import annotations

import csv
import gc
import io
import shutil
import subprocess
import tempfile
import warnings
import weakref
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import gongkai_xlsx
from conftest import SEEDS
from gongkai.errors import WriteError
from gongkai.hookspecs import Writer
from gongkai.model import Cell, Report, Source, Where
from gongkai.plugins import Registry
from gongkai_xlsx import UNION_CELLS, XlsxWriter
from gongkai_xlsx import dataset_book as dataset_module
from test_csv_writer import (
    CORPUS,
    all_cells,
    comparable,
    corpus_id,
    corpus_reports,
    placed_cell,
    plugin_report,
    report_of,
    same_cells,
)
from test_json_writer import make_report

openpyxl = pytest.importorskip("openpyxl", reason="openpyxl reads the workbooks back (pip install openpyxl)")

DERIVED_RGB = "FFFFE699"
HEADINGS = {
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}
TABLE_IDS = ["report", "source", "agency", "year", "template"]


def write(reports: list[Report] | Iterator[Report], **options: str) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # xlsxwriter warns where it silently drops or truncates something
        XlsxWriter().write(reports, out, options)
    return out.getvalue()


def load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def model_value(value: object, exact: object = None) -> int | Decimal | None:
    """A spreadsheet number as a model value: floats through their shortest repr, never their binary expansion."""
    if exact not in (None, ""):
        text = str(exact)
        return Decimal(text) if "." in text else int(text)
    if value is None:
        return None
    assert isinstance(value, int | float) and not isinstance(value, bool), f"not a number: {value!r}"
    return value if isinstance(value, int) else Decimal(repr(value))


def filled(cell: Any) -> bool:
    return bool(cell.fill is not None and cell.fill.fgColor is not None and cell.fill.fgColor.rgb == DERIVED_RGB)


# --- the plugin -----------------------------------------------------------------


def test_plugin_registers_the_writer() -> None:
    registry = Registry()
    info = registry.add_plugin(gongkai_xlsx, "gongkai.xlsx")
    assert info.status == "ok", info.error
    assert info.provides == {"writers": ["xlsx"]}
    writer = registry.writers["xlsx"]
    assert isinstance(writer, Writer)
    assert (writer.extensions, writer.many) == ((".xlsx",), True)


# --- one report -----------------------------------------------------------------


def read_cells_sheet(ws: Any) -> dict[str, dict[str, dict[str, Cell]]]:
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    next(rows)  # the Chinese labels
    out: dict[str, dict[str, dict[str, Cell]]] = {}
    for values in rows:
        row = dict(zip(header, values, strict=True))
        parts = [row[f"where_{k}"] for k in ("page", "line", "table", "row", "col")]
        parts += [float(v) for v in row["where_box"].split(",")] if row["where_box"] else [None] * 4
        cell = Cell(
            value=model_value(row["value"], row["value_exact"]),
            raw=row["raw"],
            where=Where(*parts) if any(p is not None for p in parts) else None,
            derived=row["derived"],
            unit=row["unit"],
            note=row["note"],
            placed=row["placed"],
            confirmed_by=tuple((row["confirmed_by"] or "").split()),
        )
        out.setdefault(row["table"], {}).setdefault(row["row"], {})[row["column"]] = cell
    return out


def numbers_in_order(ws: Any) -> list[tuple[int | Decimal | None, bool, str]]:
    """Every number of a sheet, row by row: its value, whether it is shaded, its comment."""
    return [
        (model_value(c.value), filled(c), c.comment.text if c.comment else "")
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, int | float) and not isinstance(c.value, bool)
    ]


def check_report_book(report: Report, data: bytes) -> None:
    wb = load(data)
    headings = [HEADINGS.get(t, t) for t in report.tables]
    assert wb.sheetnames == ["报告", *headings, "findings", "cells"]
    # every cell with its provenance
    same_cells(read_cells_sheet(wb["cells"]), comparable(report))
    # the form sheets: the numbers in reading order are the table's values in template order
    for table, heading in zip(report.tables, headings, strict=True):
        ws = wb[heading]
        want = [
            (cell.value, bool(cell.derived), cell.derived)
            for _, rows in [(table, report.tables[table])]
            for cols in rows.values()
            for cell in cols.values()
            if cell.value is not None
        ]
        got = numbers_in_order(ws)
        assert [(v, f) for v, f, _ in got] == [(v, f) for v, f, _ in want], heading
        for (_, _, comment), (_, _, rule) in zip(got, want, strict=True):
            assert (rule or "") in comment
        assert ws.freeze_panes is not None
    summary = {row[0]: row[2] for row in wb["报告"].iter_rows(values_only=True) if row and row[0]}
    assert summary["agency"] == report.meta.agency and summary["year"] == report.meta.year
    assert summary["sha256"] == report.source.sha256 and summary["status"] == report.status
    findings = list(wb["findings"].iter_rows(values_only=True))[1:]
    assert [(f[0], f[1], f[2]) for f in findings] == [(f.severity, f.code, f.message) for f in report.findings]


@pytest.mark.parametrize("path", CORPUS, ids=corpus_id)
def test_report_workbook_round_trip(path: Path) -> None:
    report = report_of(path)
    check_report_book(report, write([report]))


@pytest.mark.parametrize("tid", ["gov-2021", "gov-2019"])
def test_report_workbook_of_a_full_report(tid: str) -> None:
    check_report_book(make_report(tid), write([make_report(tid)]))


def test_the_form_layout_of_table_three_and_four() -> None:
    report = report_of(SEEDS[1])  # a gov-2021 report with many derived cells
    wb = load(write([report]))
    ws = wb[HEADINGS["applications"]]
    merged = {str(r): ws.cell(r.min_row, r.min_col).value for r in ws.merged_cells.ranges}
    # 申请人情况 over the 7 applicant columns, 法人或其他组织 over 5, the row groups down the left
    spans = {v: k for k, v in merged.items()}
    assert spans["申请人情况"] == "D2:J2"
    assert spans["法人或其他组织"] == "E3:I3"
    assert spans["三、本年度办理结果"] == "A7:A29"  # granted … total_handled
    assert spans["（三）不予公开"] == "B9:B16"
    assert ws["C9"].value == "1.属于国家秘密" and ws["E4"].value == "商业企业"
    assert spans["自然人"] == "D3:D4" and spans["总计"] == "J3:J4"
    assert ws.freeze_panes == "D5"
    granted = report.tables["applications"]["granted"]
    assert ws["D7"].value == granted["natural_person"].value and filled(ws["D7"])
    assert "applications.row_total" in ws["D7"].comment.text
    assert "aligned right" in ws["J7"].comment.text  # the note of a placed value
    ws = wb[HEADINGS["review_litigation"]]
    assert ws["A2"].value == "行政复议" and ws["F2"].value == "行政诉讼" and ws["F3"].value == "未经复议直接起诉"
    assert [ws.cell(5, c).value for c in range(1, 16)] == [
        cell.value for cols in report.tables["review_litigation"].values() for cell in cols.values()
    ]
    ws = wb[HEADINGS["active_disclosure"]]
    assert [ws.cell(r, 1).value for r in range(2, 5)] == ["第二十条第（一）项", "信息内容", "规章"]


def test_placement_and_box_in_the_cells_sheet_the_comment_and_the_data_set() -> None:
    report = make_report("gov-2021")
    report.tables["applications"]["new_received"]["total"] = placed_cell()
    wb = load(write([report]))
    ws = wb["cells"]
    ids, labels = [c.value for c in ws[1]], [c.value for c in ws[2]]
    chinese = dict(zip(ids, labels, strict=True))
    assert (chinese["placed"], chinese["confirmed_by"], chinese["where_box"]) == (
        "推断方式",
        "确认规则",
        "页面位置 x0,top,x1,bottom",
    )
    assert ws.freeze_panes == "D3"
    rows = {r[:3]: dict(zip(ids, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)}
    row = rows[("applications", "new_received", "total")]
    assert (row["placed"], row["confirmed_by"], row["where_box"]) == (
        "by_position",
        "applications.row_total",
        "506.0,587.6,519.5,596.6",
    )
    same_cells(read_cells_sheet(ws), comparable(report))
    form = wb[HEADINGS["applications"]]
    comment = next(c.comment.text for r in form.iter_rows() for c in r if c.value == 515)
    assert "推断 placed: by_position" in comment and "确认 confirmed by: applications.row_total" in comment
    _, _, (first, _) = read_sheet(load(write([report, make_report("gov-2019")]))["applications"])
    notes = first["notes"].value
    assert "placed by_position confirmed by applications.row_total: new_received.total" in notes
    assert "placed aligned_right confirmed by applications.row_total applications.balance: granted.total" in notes


def test_exactly_one_report_gives_the_report_workbook_else_a_data_set() -> None:
    report = make_report("gov-2021")
    assert load(write([report])).sheetnames[0] == "报告"
    assert load(write([report, report])).sheetnames[0] == "sources"
    assert load(write([])).sheetnames[0] == "sources"
    assert load(write([report], shape="dataset")).sheetnames[0] == "sources"
    with pytest.raises(WriteError, match="exactly one report, got several"):
        write([report, report], shape="report")
    with pytest.raises(WriteError, match="unknown option"):
        write([report], colour="red")
    with pytest.raises(WriteError, match="shape"):
        write([report], shape="wide")


def test_the_writer_takes_two_reports_to_decide() -> None:
    taken: list[int] = []

    def reports() -> Iterator[Report]:
        for i in range(5):
            taken.append(i)
            yield make_report("gov-2021")

    with pytest.raises(WriteError):
        XlsxWriter().write(reports(), io.BytesIO(), {"shape": "report"})
    assert taken == [0, 1]


# --- numbers --------------------------------------------------------------------


def test_numbers_are_numbers_and_decimals_exact() -> None:
    report = make_report("gov-2021", amount=Decimal("96171.6"))
    long = Decimal("123456789012345678.9")
    report.tables["active_disclosure"]["regulations"]["issued"] = Cell(value=long, raw=str(long))
    report.tables["active_disclosure"]["regulations"]["repealed"] = Cell(value=Decimal("0.0001"))
    wb = load(write([report]))
    for ws in [wb[h] for h in HEADINGS.values()]:  # the forms: numbers are numbers, labels texts
        for row in ws.iter_rows():
            for c in row:
                numeric_text = isinstance(c.value, str) and c.value.strip().lstrip("-").replace(".", "").isdigit()
                assert not numeric_text, (ws.title, c.coordinate)
    values = [row[5] for row in wb["cells"].iter_rows(min_row=3, values_only=True)]
    assert all(v is None or isinstance(v, int | float) for v in values)
    same_cells(read_cells_sheet(wb["cells"]), comparable(report))
    ws = wb[HEADINGS["active_disclosure"]]
    # the nearest number a spreadsheet holds, and the exact value in the comment
    assert ws["B4"].value == pytest.approx(float(long), rel=1e-15) and "123456789012345678.9" in ws["B4"].comment.text
    fees = next(c for row in ws.iter_rows() for c in row if c.value == 96171.6)
    assert model_value(fees.value) == Decimal("96171.6")
    data = load(write([report, make_report("gov-2019")]))
    sheet = data["active_disclosure"]
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[3], strict=True)}
    assert row["regulations.issued"] == pytest.approx(float(long), rel=1e-15)
    assert "exact: regulations.issued=123456789012345678.9" in row["notes"]
    assert model_value(row["fees.amount"]) == Decimal("96171.6")
    assert model_value(row["regulations.repealed"]) == Decimal("0.0001")


def test_unwritable_values_name_the_report_and_cell() -> None:
    bad = make_report("gov-2021", amount=Decimal("NaN"))
    bad.source = Source(path="bad.txt")
    with pytest.raises(WriteError, match=r"report 1 \(bad.txt\).*fees.amount.*NaN"):
        write([bad])
    with pytest.raises(WriteError, match=r"report 2 \(bad.txt\).*fees.amount.*NaN"):
        write([make_report("gov-2021"), bad])


def test_texts_stay_texts() -> None:
    report = make_report("gov-2021")
    odd = ["=SUM(A1:A3)", "http://example.org/a", "+5174", "  12 ", "第一行\n第二行"]
    for column, text in zip(["issued", "repealed", "in_force"], odd, strict=False):
        report.tables["active_disclosure"]["regulations"][column] = Cell(value=None, raw=text)
    report.meta.agency = odd[0]
    report.tables["applications"]["granted"]["total"].note = odd[4]
    wb = load(write([report]))
    back = read_cells_sheet(wb["cells"])["active_disclosure"]["regulations"]
    assert [back[c].raw for c in ("issued", "repealed", "in_force")] == odd[:3]
    assert read_cells_sheet(wb["cells"])["applications"]["granted"]["total"].note == odd[4]
    data = load(write([report, report]))
    assert data["sources"]["C3"].value == odd[0] and data["sources"]["C3"].data_type == "s"


# --- a data set -----------------------------------------------------------------


def read_sheet(ws: Any) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    rows = list(ws.iter_rows())
    ids = [c.value for c in rows[0]]
    labels = [c.value for c in rows[1]]
    return ids, labels, [dict(zip(ids, r, strict=True)) for r in rows[2:]]


def check_dataset(reports: list[Report], data: bytes) -> None:
    wb = load(data)
    assert wb.sheetnames == ["sources", "active_disclosure", "applications", "review_litigation", "findings"]
    for table, cells in UNION_CELLS.items():
        ws = wb[table]
        assert ws.freeze_panes == "C3"
        ids, labels, rows = read_sheet(ws)
        assert ids == [*TABLE_IDS, *(f"{r}.{c}" for r, c in cells), "notes"]
        assert len(rows) == len(reports)
        for n, (row, report) in enumerate(zip(rows, reports, strict=True), 1):
            assert (row["report"].value, row["source"].value, row["template"].value) == (
                n,
                report.source.path,
                report.template,
            )
            own = report.tables.get(table, {})
            derived: dict[str, list[str]] = {}
            for r, c in cells:
                cell = own.get(r, {}).get(c)
                got = row[f"{r}.{c}"]
                assert model_value(got.value) == (cell.value if cell else None), f"{n} {table}.{r}.{c}"
                assert filled(got) == bool(cell and cell.derived)
                if cell and cell.derived:
                    derived.setdefault(cell.derived, []).append(f"{r}.{c}")
            notes = row["notes"].value or ""
            for rule, where in derived.items():
                assert f"derived {rule}: {', '.join(where)}" in notes
            for r, c in cells:
                cell = own.get(r, {}).get(c)
                if cell and cell.placed:
                    assert f"placed {cell.placed}" in notes and f"{r}.{c}" in notes
    if "applications" in UNION_CELLS:
        _, labels, _ = read_sheet(wb["applications"])
        assert labels[5] == "一、本年新收政府信息公开申请数量｜自然人"
    _, _, sources = read_sheet(wb["sources"])
    assert [
        (s["source"].value, s["sha256"].value, s["status"].value, s["n_findings"].value, s["n_derived"].value)
        for s in sources
    ] == [(r.source.path, r.source.sha256, r.status, len(r.findings), len(r.derived_cells())) for r in reports]
    _, _, findings = read_sheet(wb["findings"])
    assert [(f["report"].value, f["code"].value, f["message"].value) for f in findings] == [
        (n, f.code, f.message) for n, r in enumerate(reports, 1) for f in r.findings
    ]


def test_data_set_of_the_whole_corpus() -> None:
    reports = corpus_reports()
    assert len(reports) == len(CORPUS)
    check_dataset(reports, write(iter(reports)))


def test_data_set_of_full_reports_of_both_templates() -> None:
    reports = [make_report("gov-2021"), make_report("gov-2019"), Report(source=Source(path="empty.txt"))]
    check_dataset(reports, write(reports))


def test_data_set_with_a_template_the_writer_does_not_know() -> None:
    first, gov, second = plugin_report("a", 3), make_report("gov-2021"), plugin_report("b", 4)
    second.tables["statistics"]["late"] = {"n": Cell(value=Decimal("2.5"))}
    wb = load(write([first, gov, second]))
    assert wb.sheetnames[-2:] == ["statistics", "findings"]
    ids, _, rows = read_sheet(wb["statistics"])
    assert ids == [*TABLE_IDS, "requests.received", "requests.answered", "notes"]
    assert [r["requests.received"].value for r in rows] == [3, None, 4]
    _, _, sources = read_sheet(wb["sources"])
    assert [s["extra"].value for s in sources] == [None, None, "statistics.late.n=2.5"]
    # and one report of it alone: a plain grid with ids as labels
    one = load(write([first]))
    assert one.sheetnames == ["报告", "statistics", "findings", "cells"]
    assert numbers_in_order(one["statistics"]) == [(3, False, "")]


def test_too_many_rows_for_a_sheet_is_a_write_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataset_module, "MAX_ROWS", 4)
    with pytest.raises(WriteError, match="do not fit in a sheet; use csv"):
        write([make_report("gov-2021")] * 3)


def test_data_set_reports_are_written_as_they_come_and_not_kept() -> None:
    refs: list[weakref.ref[Report]] = []

    def reports() -> Iterator[Report]:
        for i in range(6):
            report = make_report("gov-2021" if i % 2 else "gov-2019")
            refs.append(weakref.ref(report))
            yield report
            del report
            gc.collect()
            if i >= 2:
                assert refs[i - 2]() is None, f"report {i - 2} is still held after {i}"

    wb = load(write(reports()))
    assert len(read_sheet(wb["applications"])[2]) == 6


# --- LibreOffice ----------------------------------------------------------------


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def run_soffice(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A profile of its own: another soffice running on the machine must not get in the way.
    command = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


@cache
def calc_missing() -> str | None:
    """Why LibreOffice cannot open spreadsheets here (Calc not installed), tried on a tiny CSV; None if it can."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        probe = folder / "probe.csv"
        probe.write_text("a,b\n1,2\n", "utf-8")
        done = run_soffice(folder / "profile", "--convert-to", "xlsx", "--outdir", str(folder), str(probe))
        if (folder / "probe.xlsx").is_file():
            return None
    return f"LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui): {done.stderr.strip()}"


def soffice_csv(workbook: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as LibreOffice reads it, through its CSV export (one file per sheet)."""
    reason = calc_missing()
    if reason:
        pytest.skip(reason)
    # separator, quote, UTF-8, …, sheet -1: every sheet to its own file (LibreOffice 7.2 and later)
    export = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = run_soffice(out / "profile", "--convert-to", export, "--outdir", str(out), str(workbook))
    sheets = {
        p.stem.removeprefix(workbook.stem + "-"): list(csv.reader(p.open(encoding="utf-8", newline="")))
        for p in out.glob(f"{workbook.stem}-*.csv")
    }
    assert sheets, f"LibreOffice read nothing of {workbook.name}: {done.stdout} {done.stderr}"
    return sheets


def lo_number(text: str) -> int | Decimal | None:
    return None if text == "" else Decimal(text) if "." in text else int(text)


def test_data_set_opens_in_libreoffice(tmp_path: Path) -> None:
    reports = corpus_reports()
    path = tmp_path / "dataset.xlsx"
    path.write_bytes(write(iter(reports)))
    sheets = soffice_csv(path, tmp_path)
    assert set(sheets) == {"sources", "active_disclosure", "applications", "review_litigation", "findings"}
    for table in UNION_CELLS:
        header, labels, *rows = sheets[table]
        assert header[: len(TABLE_IDS)] == TABLE_IDS and labels[0] == "序号"
        assert len(rows) == len(reports)
        for row, report in zip(rows, reports, strict=True):
            values = dict(zip(header, row, strict=True))
            assert values["source"] == report.source.path
            for t, r, c, cell in all_cells(report):
                if t == table:
                    assert lo_number(values[f"{r}.{c}"]) == cell.value, f"{report.source.path} {t}.{r}.{c}"
    assert [row[1] for row in sheets["sources"][2:]] == [r.source.path for r in reports]


def test_report_workbook_opens_in_libreoffice(tmp_path: Path) -> None:
    report = make_report("gov-2019", amount=Decimal("96171.6"))
    path = tmp_path / "report.xlsx"
    path.write_bytes(write([report]))
    sheets = soffice_csv(path, tmp_path)
    assert "报告" in sheets and "cells" in sheets
    header, labels, *rows = sheets["cells"]  # ids, then their Chinese labels
    assert labels[header.index("value")] == "数值"
    got = {(row[0], row[1], row[2]): lo_number(row[header.index("value")]) for row in rows}
    assert got == {(t, r, c): cell.value for t, r, c, cell in all_cells(report)}
    flat = [v for row in sheets[HEADINGS["active_disclosure"]] for v in row]
    assert "96171.6" in flat and "政府集中采购" in flat
