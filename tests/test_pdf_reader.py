"""The PDF reader on real PDFs (tests/data/pdf, made by make_pdfs.py there) and on extracted page data.

Real PDFs: the national gov-2021 Word form filled in and a gov-2019 report
(ruled tables, merged cells, tables running over page breaks with repeated
headers), the same figures printed without rules, a scan, encrypted files, a
text layer without ToUnicode maps, and broken files. Extracted page data
(the plain dataclasses the layout building works from): page numbers glued
to a line, garbled glyphs, a table continued with fewer visible columns, a
row cut by a page break.
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import re
import subprocess
import sys
import tracemalloc
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import LIT
from PIL import Image

import gongkai
import gongkai_pdf
import gongkai_pdf.covered
import gongkai_pdf.extract
import gongkai_pdf.ink
import gongkai_pdf.limits
import gongkai_pdf.preflight
import gongkai_pdf.visible
from conftest import ROOT
from gongkai.errors import ReadError
from gongkai.hookspecs import Document, Reader
from gongkai.layout import Grid, GridCell, Layout, Line, Piece
from gongkai_pdf import PdfReader
from gongkai_pdf.build import build_layout
from gongkai_pdf.extract import Char, PageData, Segment, open_pdf
from gongkai_pdf.reader import ENGINES

DATA = Path(__file__).parent / "data" / "pdf"
READER = PdfReader()
A4 = (595.0, 842.0)
# The engine the helpers read with; the `engine` fixture runs a test through each in turn.
ENGINE = ENGINES[0]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys.modules[__name__], "ENGINE", request.param)
    return str(request.param)


def options() -> dict[str, str]:
    return {"engine": ENGINE}


def read(name: str) -> Layout:
    return READER.read(Document(data=(DATA / name).read_bytes(), name=name, options=options()))


def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.expected.json").read_text("utf-8"), parse_float=Decimal)
    return data


def lines(layout: Layout) -> list[str]:
    return [b.text for b in layout.blocks if isinstance(b, Line)]


def grids(layout: Layout) -> list[Grid]:
    return [b for b in layout.blocks if isinstance(b, Grid)]


def grid_with(layout: Layout, text: str) -> Grid:
    return next(g for g in grids(layout) if any(c.text == text for c in g.cells))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )


# --- the plugin ----------------------------------------------------------------------------------


def test_plugin_registers_the_reader() -> None:
    registered: list[Reader] = []
    gongkai_pdf.gongkai_readers(register=registered.append)
    assert [r.name for r in registered] == ["pdf", "image"]
    assert isinstance(registered[0], Reader)
    assert registered[0].extensions == (".pdf",)


def test_sniff() -> None:
    assert READER.sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None) == 0.95
    assert READER.sniff(b"\r\n" * 100 + b"%PDF-1.4", "x.bin") == 0.95  # junk before the header, within 1 KiB
    assert READER.sniff(b" " * 1024 + b"%PDF-1.4", "x.pdf") == 0.0
    assert READER.sniff(b"\x89PNG\r\n\x1a\n", "x.pdf") == 0.0


# --- ruled reports: the grid path ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "template"), [("gov2021_ruled", "gov-2021"), ("gov2019_ruled", "gov-2019")])
def test_ruled_report_reads_cell_for_cell(name: str, template: str) -> None:
    report = gongkai.convert(DATA / f"{name}.pdf", options=options())
    assert (report.template, report.status) == (template, "ok")
    assert report.values() == expected(name)["tables"]
    assert not [f for f in report.findings if f.severity == "error"]
    assert report.source.format == "pdf" and report.source.pages == (4 if template == "gov-2021" else 3)
    assert report.meta.year == (2021 if template == "gov-2021" else 2020)


def test_ruled_tables_are_grids_with_merged_cells(engine: str) -> None:
    layout = read("gov2021_ruled.pdf")
    assert (layout.format, layout.pages) == ("pdf", 4)
    two, three, four = grids(layout)
    assert (two.n_rows, two.n_cols, three.n_rows, three.n_cols, four.n_rows, four.n_cols) == (14, 4, 28, 10, 4, 15)
    spans = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in three.cells if c.text}
    assert spans["申请人情况"] == (0, 3, 1, 7)
    assert spans["三、本年度办理结果"] == (5, 0, 22, 1)
    assert spans["（四）无法提供"] == (15, 1, 3, 1)  # "（四）无" / "法提供" in the cell: one label
    assert spans["（七）总计"] == (26, 1, 1, 2)
    fee = next(c for c in two.cells if c.text == "96171.6")
    assert (fee.colspan, fee.where.table, fee.where.row, fee.where.col) == (3, 0, 13, 1)
    for grid in (two, three, four):
        assert all(c.where.page and c.where.table == grid.index for c in grid.cells)
    assert [g.index for g in (two, three, four)] == [0, 1, 2]


def test_table_three_over_a_page_break_is_one_grid_without_its_repeated_header(engine: str) -> None:
    layout = read("gov2021_ruled.pdf")
    three = grid_with(layout, "申请人情况")
    assert {c.where.page for c in three.cells} == {2, 3}
    assert three.n_rows == 28  # as the form prints it: the header once, 25 rows of figures
    assert sum(c.text == "申请人情况" for c in three.cells) == 1
    assert sum(c.text == "三、本年度办理结果" for c in three.cells) == 1  # the group cell cut by the page is whole
    assert any("repeated header rows dropped" in p for p in layout.problems)
    carried = next(c for c in three.cells if c.text == "四、结转下年度继续办理")
    assert (carried.row, carried.where.page) == (27, 3)


def test_table_two_continued_with_fewer_visible_columns_is_stitched() -> None:
    """Page 2 shows table 二's last sub-tables, whose merged cells hide one column boundary."""
    layout = read("gov2019_ruled.pdf")
    two = grid_with(layout, "第二十条第（一）项")
    assert {c.where.page for c in two.cells} == {1, 2}
    assert (two.n_rows, two.n_cols) == (18, 4)
    amount = next(c for c in two.cells if c.text == "356.82")
    assert (amount.row, amount.col, amount.colspan, amount.where.page) == (17, 2, 2, 2)


def test_boxed_paragraph_is_text_not_a_table() -> None:
    layout = read("gov2019_ruled.pdf")
    assert any(t.startswith("说明：本报告中所列数据的统计期限") for t in lines(layout))
    assert not any("说明" in c.text for g in grids(layout) for c in g.cells)


def test_lines_say_where_they_are() -> None:
    layout = read("gov2021_ruled.pdf")
    found = [b for b in layout.blocks if isinstance(b, Line)]
    assert all(p.where.page and p.where.line for b in found for p in b.cells)
    title = found[0]
    assert title.text == "成武县工业和信息化局2021年政府信息公开工作年度报告"  # two printed lines, one paragraph
    assert (title.where.page, title.where.line) == (1, 1)
    date = next(b for b in found if b.text == "2022年1月26日")
    assert date.where.page == 4


# --- page furniture ------------------------------------------------------------------------------


def test_page_numbers_and_running_headers_do_not_leak() -> None:
    numbered = {
        "gov2021_ruled.pdf": re.compile(r"-\s*\d+\s*-"),  # "- 1 -"
        "gov2019_ruled.pdf": re.compile(r"第\s*\d+\s*页"),  # "第 1 页"
        "gov2021_unruled.pdf": re.compile(r"\d+"),  # a bare "1" under the text
    }
    for name, pattern in numbered.items():
        layout = read(name)
        texts = lines(layout) + [c.text for g in grids(layout) for c in g.cells]
        assert not [t for t in texts if pattern.fullmatch(t.strip())], name
    assert "沂源县工业和信息化局政府信息公开" not in lines(read("gov2019_ruled.pdf"))  # the running header


def test_page_number_glued_to_the_last_line_is_cut_off() -> None:
    page = PageData(1, *A4, chars=[*text_at("规章 0 0 0 0 0 0 0- 4 -", 72, 700), *text_at("一、总体情况", 72, 90)])
    layout = build_layout([page], 1)
    assert lines(layout) == ["一、总体情况", "规章 0 0 0 0 0 0 0"]


@pytest.mark.parametrize("footer", ["- 4 -", "— 4 —", "第 4 页", "第4页 共12页", "4/12", "4"])
def test_page_number_footers(footer: str) -> None:
    page = PageData(4, *A4, chars=[*text_at("本年度主动公开信息。", 72, 90), *text_at(footer, 290, 800)])
    assert lines(build_layout([page], 1)) == ["本年度主动公开信息。"]


def test_figures_in_a_row_are_not_a_page_number() -> None:
    chars = [*text_at("本年度主动公开信息。", 72, 90), *text_at("行政许可          12", 72, 300)]
    layout = build_layout([PageData(1, *A4, chars=chars)], 1)
    assert lines(layout) == ["本年度主动公开信息。", "行政许可 12"]
    row = layout.blocks[1]
    assert isinstance(row, Line) and [p.text for p in row.cells] == ["行政许可", "12"]  # cells at the wide gap
    assert (row.cells[1].where.page, row.cells[1].where.line, row.cells[1].where.col) == (1, 2, 1)


# --- boxes on the page ---------------------------------------------------------------------------

BORDERLESS = ROOT / "fixtures" / "generated" / "pdf" / "pdf-06-official-gov2021-borderless.pdf"
NEW_RECEIVED, CARRIED_OVER = "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"


def read_path(path: Path) -> Layout:
    return READER.read(Document(data=path.read_bytes(), name=path.name))


def page_sizes(path: Path) -> dict[int, tuple[float, float]]:
    with open_pdf(path.read_bytes()) as pages:
        return {p.number: (p.width, p.height) for p in pages}


def row_of(layout: Layout, label: str) -> list[Piece] | list[GridCell]:
    """The pieces of the line, or the cells of the grid row, that start with this label."""
    for block in layout.blocks:
        if isinstance(block, Line) and block.cells[0].text == label:
            return block.cells
        if isinstance(block, Grid):
            for row in block.rows():
                if row and row[0].text == label:
                    return row
    raise AssertionError(f"no row {label}")


def box_of(piece: Piece | GridCell) -> tuple[float, float, float, float]:
    box = piece.where.box
    assert box is not None, piece
    return box


def inside(piece: Piece | GridCell, size: tuple[float, float]) -> bool:
    x0, top, x1, bottom = box_of(piece)
    return 0 <= x0 < x1 <= size[0] and 0 <= top < bottom <= size[1]


@pytest.mark.parametrize(("path", "total"), [(DATA / "gov2021_ruled.pdf", "11"), (BORDERLESS, "515")])
def test_a_figure_carries_its_box_on_the_page(path: Path, total: str) -> None:
    """Table 三's new_received 总计, in a grid cell (ruled) and in a piece of a line (borderless)."""
    cell = row_of(read_path(path), NEW_RECEIVED)[-1]
    assert cell.text == total
    assert cell.where.page is not None and inside(cell, page_sizes(path)[cell.where.page])
    assert cell.where.to_dict()["x0"] == round(box_of(cell)[0], 2)


def test_figures_of_a_borderless_row_are_left_to_right_under_their_columns() -> None:
    layout = read_path(BORDERLESS)
    rows = [[box_of(p) for p in row_of(layout, label)[1:]] for label in (NEW_RECEIVED, CARRIED_OVER)]
    assert [len(r) for r in rows] == [7, 7]
    for boxes in rows:
        assert all(a[2] < b[0] for a, b in zip(boxes, boxes[1:], strict=False)), "left to right, apart"
    for a, b in zip(*rows, strict=True):
        assert a[0] < b[2] and b[0] < a[2], "one column: the figures overlap horizontally"
        assert a[3] <= b[1], "the second row below the first"


def test_every_grid_cell_has_a_box_on_its_own_page() -> None:
    path = DATA / "gov2021_ruled.pdf"
    layout = read_path(path)
    sizes = page_sizes(path)
    cells = [c for g in grids(layout) for c in g.cells]
    assert all(c.where.page is not None and inside(c, sizes[c.where.page]) for c in cells)
    three = grid_with(layout, "申请人情况")
    first, carried = row_of(layout, NEW_RECEIVED)[0], row_of(layout, "四、结转下年度继续办理")[0]
    assert (first.where.page, carried.where.page) == (2, 3)  # the table runs over a page break
    assert box_of(carried)[1] < box_of(first)[1]  # near the top of its own page
    assert first in three.cells and carried in three.cells


def test_a_blank_grid_cell_has_its_rectangle_for_a_box() -> None:
    xs = [72.0, 200.0, 260.0, 320.0]
    page = PageData(
        1, *A4, *ruled_rows([[("信息内容", 1), ("甲", 1), ("乙", 1)], [("规章", 1), ("", 1), ("2", 1)]], 600, xs)
    )
    (grid,) = grids(build_layout([page], 1))
    boxes = {(c.row, c.col): c.where.box for c in grid.cells}
    assert boxes[(1, 1)] == (200, 620, 260, 640)  # between its rules
    assert boxes[(1, 2)] == (262, 625, 266.5, 634)  # the characters of "2"


def test_boxes_of_a_sideways_page_are_upright() -> None:
    path = DATA / "sideways.pdf"
    ((width, height),) = page_sizes(path).values()
    (grid,) = grids(read_path(path))
    assert all(inside(cell, (height, width)) for cell in grid.cells)  # the page turned a quarter
    x0, top, x1, bottom = box_of(next(c for c in grid.cells if c.text == "本年制发件数"))
    assert x1 - x0 > 4 * (bottom - top)  # the text runs across the box, as it reads


def test_a_figure_close_to_its_label_is_a_piece_of_its_own() -> None:
    """ "规章 0" in one cell (a row printed without rules): the 0 gets its own piece and box."""
    chars = [*text_at("规章 0", 72, 300), *text_at("1", 200, 300), *text_at("36", 260, 300)]
    (row,) = build_layout([PageData(1, *A4, chars=chars)], 1).blocks
    assert isinstance(row, Line)
    assert [(p.text, p.where.col) for p in row.cells] == [("规章", 0), ("0", 0), ("1", 1), ("36", 2)]
    assert [p.where.box for p in row.cells] == [
        (72, 300, 92, 310),
        (97, 300, 102, 310),
        (200, 300, 205, 310),
        (260, 300, 270, 310),
    ]
    words = [*text_at("规章 — 3", 72, 300), *text_at("本年度 无", 72, 330), *text_at("共计 12 件", 72, 360)]
    assert [[p.text for p in b.cells] for b in build_layout([PageData(1, *A4, chars=words)], 1).blocks] == [
        ["规章", "—", "3"],
        ["本年度 无"],  # no digit: prose
        ["共计 12 件"],  # only trailing figures
    ]


def test_a_page_number_cut_off_takes_its_characters_with_it() -> None:
    page = PageData(1, *A4, chars=[*text_at("一、总体情况", 72, 90), *text_at("规章 0 0- 4 -", 72, 700)])
    row = build_layout([page], 1).blocks[1]
    assert isinstance(row, Line)
    assert [(p.text, p.where.box) for p in row.cells] == [
        ("规章", (72, 700, 92, 710)),
        ("0", (97, 700, 102, 710)),
        ("0", (107, 700, 112, 710)),
    ]


# --- unruled tables: the token path ---------------------------------------------------------------


def test_unruled_report_reads_through_lines(engine: str) -> None:
    layout = read("gov2021_unruled.pdf")
    assert not grids(layout)
    rows = [[p.text for p in b.cells] for b in layout.blocks if isinstance(b, Line)]
    assert ["规章", "2", "1", "37"] in rows  # split into cells at the wide gaps
    assert ["行政事业性收费", "96171.6"] in rows
    report = gongkai.convert(DATA / "gov2021_unruled.pdf", options=options())
    assert (report.template, report.status) == ("gov-2021", "ok")
    assert report.values() == expected("gov2021_unruled")["tables"]


# --- pages turned sideways -------------------------------------------------------------------------


def test_sideways_page_is_read_upright(engine: str) -> None:
    layout = read("sideways.pdf")
    assert lines(layout)[0] == "某县某局2021年政府信息公开工作年度报告"
    (grid,) = grids(layout)
    assert [[c.text for c in row] for row in grid.rows()] == [["信息内容", "本年制发件数"], ["规章", "3"]]


@pytest.mark.parametrize("down", [True, False])
def test_text_running_down_or_up_the_page_is_turned(down: bool) -> None:
    title = "一、总体情况"
    tops = [100.0 + 10 * i for i in range(len(title))]
    chars = [Char(ch, 500, 510, top, top + 10, 10) for ch, top in zip(title, tops if down else tops[::-1], strict=True)]
    assert lines(build_layout([PageData(1, *A4, chars=chars)], 1)) == [title]


# --- pages without usable text --------------------------------------------------------------------


def test_scan_needs_ocr(tmp_path: Path, engine: str) -> None:
    layout = read("scan.pdf")
    assert (layout.image_pages, layout.blocks) == ([1], [])
    report = gongkai.convert(DATA / "scan.pdf", options={**options(), "ocr": "none"})  # no OCR engine asked for
    assert report.status == "needs_ocr"
    out = tmp_path / "scan.json"
    done = cli("convert", "-R", f"engine={ENGINE}", "-R", "ocr=none", str(DATA / "scan.pdf"), "-o", str(out))
    assert done.returncode == 1
    assert "OCR is needed" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_garbled_text_layer_is_reported_and_left_out(engine: str) -> None:
    """A PDF whose fonts lost their ToUnicode maps: pdfminer gives "(cid:N)" for every glyph."""
    layout = read("garbled.pdf")
    assert layout.problems == ["page 1: the text layer is garbled (unmapped glyphs); OCR is needed"]
    assert layout.blocks == [] and layout.image_pages == [1]
    report = gongkai.convert(DATA / "garbled.pdf", options={**options(), "ocr": "none"})
    assert report.status == "needs_ocr"
    assert any(f.code == "reader" and "garbled" in f.message for f in report.findings)


def test_garbled_page_among_good_ones() -> None:
    good = PageData(1, *A4, chars=text_at("一、总体情况", 72, 90))
    bad = PageData(2, *A4, chars=[Char(f"(cid:{n})", 72 + 10 * n, 82 + 10 * n, 100, 110, 10) for n in range(30)])
    mixed = PageData(
        3, *A4, chars=[*text_at("二、主动公开政府信息情况", 72, 90), Char("\ue012", 300, 310, 90, 100, 10)]
    )
    layout = build_layout([good, bad, mixed], 3)
    assert lines(layout) == ["一、总体情况", "二、主动公开政府信息情况"]
    assert layout.problems == [
        "page 2: the text layer is garbled (unmapped glyphs); OCR is needed",
        "page 3: 1 characters of the text layer are unmapped glyphs, left out",
    ]
    assert layout.image_pages == [2]


def test_page_without_text_but_with_a_picture_needs_ocr() -> None:
    blank = PageData(1, *A4)
    picture = PageData(2, *A4, images=1, image_cover=0.95)
    stamped = PageData(3, *A4, chars=text_at("- 3 -", 290, 800), images=1, image_cover=0.95)
    assert build_layout([blank, picture, stamped], 3).image_pages == [2, 3]


# --- encryption -----------------------------------------------------------------------------------


def test_encrypted_with_an_empty_password_opens(engine: str) -> None:
    report = gongkai.convert(DATA / "encrypted_empty.pdf", options=options())
    assert report.template == "gov-2021"
    assert report.values() == expected("gov2021_ruled")["tables"]


def test_encrypted_with_a_password_is_a_clear_error(tmp_path: Path, engine: str) -> None:
    with pytest.raises(ReadError, match=r"^encrypted PDF: it needs a password$"):
        gongkai.convert(DATA / "encrypted_password.pdf", options=options())
    out = tmp_path / "out.json"
    done = cli("convert", "-R", f"engine={ENGINE}", str(DATA / "encrypted_password.pdf"), "-o", str(out))
    assert done.returncode == 1
    assert done.stderr == f"gongkai: {DATA / 'encrypted_password.pdf'}: encrypted PDF: it needs a password\n"
    assert not out.exists()


# --- broken files ---------------------------------------------------------------------------------


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


BAD: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "empty file"),
    "truncated": (
        lambda: (DATA / "gov2021_ruled.pdf").read_bytes()[:60000],
        "truncated PDF: the file ends before its end-of-file marker",
    ),
    "corrupt": (
        lambda: b"%PDF-1.7\n" + random.Random(7).randbytes(20000) + b"\n%%EOF\n",
        "corrupt PDF: No /Root object! - Is this really a PDF?",
    ),
    "png": (png, "not a PDF (no %PDF- header)"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_one_line_error(case: str, tmp_path: Path, engine: str) -> None:
    make, cause = BAD[case]
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(make())
    with pytest.raises(ReadError) as caught:  # the PDF reader asked for: a PNG's bytes would go to the image reader
        gongkai.convert(path, options=options(), reader="pdf")
    assert str(caught.value) == cause
    out = tmp_path / "out.json"
    done = cli("convert", "--from", "pdf", "-R", f"engine={ENGINE}", str(path), "-o", str(out))
    assert done.returncode == 1
    assert done.stderr == f"gongkai: {path}: {cause}\n"
    assert not out.exists()


def test_damaged_page_is_noted_not_printed(tmp_path: Path, engine: str) -> None:
    """Page 1's content stream zeroed in the middle: pdfminer decodes it to nothing, silently."""
    data = (DATA / "gov2021_ruled.pdf").read_bytes()
    at = data.index(b"stream") + 60
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data[:at] + b"\0" * 300 + data[at + 300 :])
    layout = READER.read(Document(data=path.read_bytes(), name=path.name))
    assert layout.problems[0] == (
        "page 1: the PDF is damaged here (a content stream cannot be decompressed); some of its content may be missing"
    )
    done = cli("convert", "-R", f"engine={ENGINE}", str(path), "-o", str(tmp_path / "out.json"))
    assert (done.returncode, done.stderr) == (0, "")  # no library warning on stderr
    findings = json.loads((tmp_path / "out.json").read_text("utf-8"))["findings"]
    assert any(f["code"] == "reader" and "damaged" in f["message"] for f in findings)


def test_damaged_streams_never_escape_as_anything_but_a_read_error(engine: str) -> None:
    data = (DATA / "gov2021_ruled.pdf").read_bytes()
    rng = random.Random(3)
    for _ in range(5):
        at = rng.randrange(1000, len(data) - 1000)
        damaged = data[:at] + rng.randbytes(300) + data[at + 300 :]
        try:
            READER.read(Document(data=damaged, name="damaged.pdf"))
        except ReadError as exc:
            assert "\n" not in str(exc)


# --- stitching on page data -----------------------------------------------------------------------


def ruled_rows(rows: list[list[tuple[str, int]]], top: float, xs: list[float], height: float = 20) -> list[Any]:
    """Characters and rules of a ruled table: rows of (text, columns spanned), one lattice row each."""
    chars: list[Char] = []
    segments: list[Segment] = []
    y = top
    for row in rows:
        c = 0
        for text, span in row:
            chars += text_at(text, xs[c] + 2, y + 5, size=9)
            segments.append(Segment(xs[c], y, xs[c], y + height))
            c += span
        segments.append(Segment(xs[-1], y, xs[-1], y + height))
        segments.append(Segment(xs[0], y, xs[-1], y))
        y += height
    segments.append(Segment(xs[0], y, xs[-1], y))
    return [chars, segments]


def test_row_cut_by_the_page_break_is_one_row_again() -> None:
    xs = [72.0, 200.0, 260.0, 320.0]
    head = [[("信息内容", 1), ("甲", 1), ("乙", 1)]]
    first = ruled_rows([*head, [("规章", 1), ("1", 1), ("2", 1)], [("5.属于三类内部", 1), ("3", 1), ("4", 1)]], 600, xs)
    second = ruled_rows([*head, [("事务信息", 1), ("", 1), ("", 1)], [("行政许可", 1), ("5", 1), ("6", 1)]], 72, xs)
    layout = build_layout([PageData(1, *A4, *first), PageData(2, *A4, *second)], 2)
    (grid,) = grids(layout)
    rows = [[c.text for c in row] for row in grid.rows()]
    assert rows == [
        ["信息内容", "甲", "乙"],
        ["规章", "1", "2"],
        ["5.属于三类内部事务信息", "3", "4"],
        ["行政许可", "5", "6"],
    ]
    assert layout.problems == ["table 1 runs over pages 1, 2: stitched into one table, 1 repeated header rows dropped"]


def test_continued_table_under_its_caption_is_stitched() -> None:
    xs = [72.0, 200.0, 260.0]
    first = ruled_rows([[("信息内容", 1), ("本年制发件数", 1)], [("规章", 1), ("1", 1)]], 700, xs)
    second = ruled_rows([[("行政规范性文件", 1), ("2", 1)]], 90, xs)
    caption = text_at("续表", 72, 72)
    layout = build_layout([PageData(1, *A4, *first), PageData(2, *A4, [*caption, *second[0]], second[1])], 2)
    (grid,) = grids(layout)
    assert [[c.text for c in row] for row in grid.rows()][1:] == [["规章", "1"], ["行政规范性文件", "2"]]
    assert lines(layout) == []


def test_table_without_rules_between_its_rows_is_cut_into_rows() -> None:
    """Column rules and a frame, no rules between rows: stacked figures are rows, not one number "012"."""
    xs = [72.0, 200.0, 260.0, 320.0]
    rows = [("规章", "0", "1"), ("行政规范性文件", "1", "2"), ("行政许可", "2", "3")]
    chars = [
        ch
        for n, row in enumerate(rows)
        for x, t in zip(xs, row, strict=False)
        for ch in text_at(t, x + 2, 105 + 15 * n)
    ]
    segments = [Segment(x, 100, x, 150) for x in xs] + [Segment(xs[0], y, xs[-1], y) for y in (100, 150)]
    (grid,) = grids(build_layout([PageData(1, *A4, chars=chars, segments=segments)], 1))
    assert [[c.text for c in row] for row in grid.rows()] == [list(row) for row in rows]


def test_table_inside_a_page_frame_keeps_its_text() -> None:
    xs = [100.0, 200.0, 300.0]
    table = ruled_rows([[("信息内容", 1), ("本年制发件数", 1)], [("规章", 1), ("3", 1)]], 300, xs)
    frame = [Segment(40, 40, 555, 40), Segment(40, 800, 555, 800), Segment(40, 40, 40, 800), Segment(555, 40, 555, 800)]
    chars = [*text_at("一、总体情况", 72, 100), *table[0]]
    layout = build_layout([PageData(1, *A4, chars=chars, segments=[*frame, *table[1]])], 1)
    assert lines(layout) == ["一、总体情况"]
    (grid,) = grids(layout)
    assert [[c.text for c in row] for row in grid.rows()] == [["信息内容", "本年制发件数"], ["规章", "3"]]


def text_at(text: str, x: float, top: float, size: float = 10) -> list[Char]:
    """Characters of a line of text: Chinese a full em wide, ASCII half; a space advances half an em."""
    out = []
    for ch in text:
        width = size if ord(ch) > 0x2E80 else size / 2
        if not ch.isspace():
            out.append(Char(ch, x, x + width, top, top + size, size))
        x += width
    return out


# --- hostile PDFs: what the reader builds is bounded, and it says why it refuses --------------------------
#
# Each is written here, object by object (a few hundred bytes; a bomb's content is compressed as it is
# made, never held whole).

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
HELLO = b"BT /F1 12 Tf 72 720 Td (Annual report) Tj ET"


def pdf_file(objects: list[bytes], trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A PDF of `objects` (objects[i] is the body of object i + 1) with its cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, start))
    return out.getvalue()


def stream(data: bytes, attrs: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), attrs, data)


def flate(data: bytes) -> bytes:
    return stream(zlib.compress(data), b"/Filter /FlateDecode")


@functools.cache
def spaces_deflated(mib: int = 256) -> bytes:
    """`mib` MiB of spaces deflated (about 1,000 times smaller), made a MiB at a time."""
    deflater = zlib.compressobj(6)
    block = b" " * 2**20
    return b"".join(deflater.compress(block) for _ in range(mib)) + deflater.flush()


def pages_pdf(
    *contents: bytes, resources: bytes = b"<< /Font << /F1 3 0 R >> >>", more: list[bytes] | None = None
) -> bytes:
    """A PDF of one page per content stream (objects 4, 5, ... are the pages, the streams follow them);
    `more` are objects after those, numbered from 4 + 2 × the number of pages."""
    n = len(contents)
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    page_objects = [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
        % (resources, 4 + n + i)
        for i in range(n)
    ]
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
            FONT,
            *page_objects,
            *(c if c.startswith(b"<<") else stream(c) for c in contents),
            *(more or []),
        ]
    )


def read_bytes(data: bytes) -> Layout:
    return READER.read(Document(data=data, name="hostile.pdf", options=options()))


def refused(data: bytes) -> tuple[str, int]:
    """The cause the reader refuses `data` with, and the peak of Python memory allocated meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(ReadError) as caught:
            read_bytes(data)
        return str(caught.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


STREAM_LIMIT = "decompresses to more than 67,108,864 bytes (the limit per stream)"


def test_a_flate_bomb_is_refused_before_it_is_inflated(engine: str) -> None:
    """1.5 MB of PDF inflating to 1.5 GB took 3.1 GB; 256 MiB here, measured a chunk at a time."""
    bomb = (
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(spaces_deflated()) + spaces_deflated() + b"\nendstream"
    )
    cause, peak = refused(pages_pdf(bomb))
    assert cause == f"page 1 too large: a content stream {STREAM_LIMIT}"
    assert peak < 200 * 2**20


def test_a_bomb_behind_two_filters_is_refused(engine: str) -> None:
    twice = zlib.compress(spaces_deflated())
    bomb = stream(twice, b"/Filter [/FlateDecode /FlateDecode]")
    cause, peak = refused(pages_pdf(bomb))
    assert cause == f"page 1 too large: a content stream {STREAM_LIMIT}"
    assert peak < 200 * 2**20


def test_a_run_length_bomb_is_refused(engine: str) -> None:
    runs = bytes([129, 0x20]) * 600_000  # 1.2 MB of runs of 128 spaces: 77 MB
    cause, _ = refused(pages_pdf(stream(runs, b"/Filter /RunLengthDecode")))
    assert cause == f"page 1 too large: a content stream {STREAM_LIMIT}"


def test_a_million_characters_in_one_run_are_refused_at_the_limit(engine: str) -> None:
    """One text run of a million characters took 128 s and 2 GB: now a page is refused after 50,000 (here
    forty runs of 25,000: PDFium keeps at most 32,767 glyphs of one string)."""
    content = b"BT /F1 1 Tf 10 400 Td " + (b"(" + b"A" * 25_000 + b") Tj ") * 40 + b"ET"
    cause, peak = refused(pages_pdf(flate(content)))
    assert cause == "page 1 too large: more than 50,000 characters (the limit per page)"
    assert peak < 200 * 2**20


def forms_pdf(levels: int, fan: int) -> bytes:
    """A page drawing form 1, each form drawing the next `fan` times, the last one a character."""
    first = 6  # catalog, pages, font, page, content, then the forms
    forms = []
    for k in range(levels):
        if k < levels - 1:
            body, res = b" ".join([b"/X Do"] * fan), b"<< /XObject << /X %d 0 R >> >>" % (first + k + 1)
        else:
            body, res = b"BT /F1 10 Tf 100 100 Td (x) Tj ET", b"<< /Font << /F1 3 0 R >> >>"
        forms.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + res))
    return pages_pdf(b"/X Do", resources=b"<< /XObject << /X 6 0 R >> >>", more=forms)


def test_shared_forms_drawing_each_other_are_refused_at_the_limit(engine: str) -> None:
    """A billion drawings from 2 KB (the review's 8 KB ran past 300 s): refused after 10,000."""
    data = forms_pdf(levels=9, fan=10)
    assert len(data) < 8192
    cause, _ = refused(data)
    assert cause == "page 1 too large: more than 10,000 XObjects drawn (the limit per page)"


def test_forms_nested_past_the_limit_are_refused(engine: str) -> None:
    cause, _ = refused(forms_pdf(levels=40, fan=1))
    assert cause == "corrupt PDF: page 1 draws XObjects inside XObjects more than 32 deep (the limit)"
    assert lines(read_bytes(forms_pdf(levels=30, fan=1))) == ["x"]


def test_graphics_states_saved_past_the_limit_are_refused(engine: str) -> None:
    cause, _ = refused(pages_pdf(b"q " * 1001 + HELLO))
    assert cause == "page 1 too large: more than 1,000 graphics states saved and not restored (the limit)"
    assert lines(read_bytes(pages_pdf(b"q " * 1000 + HELLO))) == ["Annual report"]


def test_megabytes_of_saved_states_are_refused_quickly(engine: str) -> None:
    """32 MB of `q … cm` (fuzzing found it): PDFium took 1.4 s and 600 MB drawing it, counting its tokens
    with a regular expression 7 s and 2.7 GB; now both engines refuse it at the 1,001st state saved."""
    cause, peak = refused(pages_pdf(flate(b"q 1 0 0 1 0 0 cm\n" * 2_000_000)))
    assert cause == "page 1 too large: more than 1,000 graphics states saved and not restored (the limit)"
    assert peak < 200 * 2**20


def test_a_damaged_deflated_stream_is_decoded_as_pdfminer_decodes_it() -> None:
    """The preflight decodes content without pdfminer's byte-at-a-time road (8 MB took 6 s, fuzzing found
    it): what it gives, damage and all, is what pdfminer gives."""
    good = zlib.compress(b"BT /F1 12 Tf 72 700 Td (hello) Tj ET\n" * 500)
    rng = random.Random(5)
    for trial in range(200):
        raw = bytearray(good)
        if trial % 4 == 0:
            raw[rng.randrange(len(raw))] ^= 0xFF  # anywhere, the checksum too
        elif trial % 4 == 1:
            raw = raw[: rng.randrange(len(raw))]  # cut short
        elif trial % 4 == 2:
            raw[-rng.randrange(1, 5)] ^= 0x55  # in the checksum
        else:
            raw += bytes(rng.randrange(1, 9))  # bytes after its end
        ours, theirs = (PDFStream({"Filter": LIT("FlateDecode")}, bytes(raw)) for _ in range(2))
        assert gongkai_pdf.preflight._decoded(ours) == (theirs.get_data() or b""), trial


def test_a_font_map_bomb_is_refused(engine: str) -> None:
    bomb = (
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(spaces_deflated()) + spaces_deflated() + b"\nendstream"
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>"
    cause, peak = refused(pages_pdf(HELLO, resources=b"<< /Font << /F1 6 0 R >> >>", more=[font, bomb]))
    assert cause == f"page 1 too large: a font's ToUnicode map {STREAM_LIMIT}"
    assert peak < 200 * 2**20


@pytest.mark.parametrize(
    ("limit", "value", "content", "cause"),
    [
        ("MAX_PAGE_OPERATIONS", 1_000, b"1 " * 1_001, "page 1 too large: more than 1,000 content operations"),
        ("MAX_PAGE_PATHS", 100, b"0 0 5 5 re f " * 101, "page 1 too large: more than 100 lines and shapes"),
        ("MAX_PAGE_XOBJECTS", 3, b"/X Do " * 4, "page 1 too large: more than 3 XObjects drawn"),
        (
            "MAX_PAGE_CONTENT_BYTES",
            1_500,
            b"/X Do /X Do",
            "page 1 too large: its content decompresses to more than 1,500",
        ),
    ],
)
def test_each_page_limit_says_which_it_is(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: int, content: bytes, cause: str, engine: str
) -> None:
    """Each limit (made small here, so that reaching it is quick) refuses with a cause naming it."""
    monkeypatch.setattr(gongkai_pdf.limits, limit, value)
    form = stream(b" " * 1_000, b"/Type /XObject /Subtype /Form /BBox [0 0 10 10]")
    data = pages_pdf(content, resources=b"<< /XObject << /X 6 0 R >> >>", more=[form])
    message, _ = refused(data)
    assert message.startswith(cause), message


@pytest.mark.parametrize(
    ("limit", "value", "cause"),
    [
        (
            "MAX_DOCUMENT_CHARS",
            20,
            "the PDF too large: more than 20 characters (the limit per document, reached on page 2)",
        ),
        (
            "MAX_DOCUMENT_OPERATIONS",
            15,
            "the PDF too large: more than 15 content operations (the limit per document, reached on page 2)",
        ),
        ("MAX_DOCUMENT_BYTES", 60, "the PDF too large: its streams decompress to more than 60 bytes"),
    ],
)
def test_each_document_limit_says_which_it_is(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: int, cause: str, engine: str
) -> None:
    monkeypatch.setattr(gongkai_pdf.limits, limit, value)
    message, _ = refused(pages_pdf(HELLO, HELLO))
    assert message.startswith(cause), message


def test_more_pages_than_the_limit_are_refused_before_they_are_made(
    monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    monkeypatch.setattr(gongkai_pdf.limits, "MAX_PAGES", 2)
    message, _ = refused(pages_pdf(HELLO, HELLO, HELLO))
    assert message == "the PDF too large: more than 2 pages (the limit)"
    assert read_bytes(pages_pdf(HELLO, HELLO)).pages == 2


def object_stream_pdf(packed: dict[int, bytes], regular: list[bytes], padding: bytes = b"") -> bytes:
    """A PDF whose objects `packed` (number -> body) are in an object stream, the `regular` ones (objects
    1, 2, ...) not, with a cross-reference stream; `padding` (already deflated) follows the packed
    objects inside the object stream, which is deflated."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in enumerate(regular, start=1):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    numbers = sorted(packed)
    bodies = [packed[n] + b"\n" for n in numbers]
    header, at = b"", 0
    for n, body in zip(numbers, bodies, strict=True):
        header += b"%d %d " % (n, at)
        at += len(body)
    content = header + b"".join(bodies)
    deflater = zlib.compressobj(6)
    data = deflater.compress(content) + (deflater.flush() if not padding else deflater.flush(zlib.Z_SYNC_FLUSH))
    if padding:  # a deflate stream continued by more blocks of spaces: the object stream is the bomb
        data += padding[2:]  # the spaces' own blocks, without their zlib header
    objstm = max([*numbers, len(regular)]) + 1
    offsets[objstm] = out.tell()
    attrs = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(numbers), len(header))
    out.write(b"%d 0 obj\n%s\nendobj\n" % (objstm, stream(data, attrs)))
    xref = objstm + 1
    offsets[xref] = out.tell()
    rows = [b"\x00" + bytes(4) + b"\xff\xff"]
    for n in range(1, xref + 1):
        if n in offsets:
            rows.append(b"\x01" + offsets[n].to_bytes(4, "big") + bytes(2))
        elif n in packed:
            rows.append(b"\x02" + objstm.to_bytes(4, "big") + numbers.index(n).to_bytes(2, "big"))
        else:
            rows.append(b"\x00" + bytes(6))
    entries = b"".join(rows)
    xattrs = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref + 1)
    out.write(b"%d 0 obj\n%s\nendobj\n" % (xref, stream(entries, xattrs)))
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[xref])
    return out.getvalue()


def page_object(font: int, contents: int) -> bytes:
    resources = b"/Resources << /Font << /F1 %d 0 R >> >>" % font
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s /Contents %d 0 R >>" % (resources, contents)


def test_an_object_stream_bomb_is_refused_before_any_object_is_read(engine: str) -> None:
    page = page_object(font=6, contents=4)
    regular = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, stream(HELLO)]
    assert lines(read_bytes(object_stream_pdf({6: FONT}, [*regular, b"null"]))) == ["Annual report"]
    cause, peak = refused(object_stream_pdf({6: FONT}, [*regular, b"null"], padding=spaces_deflated()))
    assert cause == f"the PDF too large: an object stream {STREAM_LIMIT}"
    assert peak < 200 * 2**20


@pytest.mark.parametrize(
    ("case", "objects", "cause"),
    [
        ("itself", [b"6 0 R"], "corrupt PDF: object 6 refers to itself"),
        ("round", [b"7 0 R", b"6 0 R"], "corrupt PDF: objects refer to each other in a cycle (6 → 7 → 6)"),
    ],
)
def test_references_going_round_in_a_circle_are_an_error_not_a_hang(
    case: str, objects: list[bytes], cause: str, engine: str
) -> None:
    """`6 0 obj 6 0 R endobj` as a page's content: pdfminer asked for object 6 for ever."""
    page = page_object(font=5, contents=6)
    regular = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, b"null", FONT]
    message, _ = refused(pdf_file([*regular, *objects]))
    assert message == cause
    commented = [body.replace(b" R", b" R % a comment hides it from a scan of the file") for body in objects]
    message, _ = refused(pdf_file([*regular, *commented]))
    assert message == cause


def corrupt_page(entries: bytes, *more: bytes) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R %s /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>" % entries
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            FONT,
            stream(HELLO),
            *more,
        ]
    )


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        (corrupt_page(b""), "corrupt PDF: page 1 has no valid MediaBox (the size of the page)"),
        (
            corrupt_page(b"/MediaBox 6 0 R", b"[0 0 595 6 0 R]"),
            "corrupt PDF: page 1 has no valid MediaBox (the size of the page)",
        ),
        (
            corrupt_page(b"/MediaBox [0 0 595 842] /CropBox 6 0 R", b"[6 0 R 0 0 0]"),
            "corrupt PDF: page 1 has no valid CropBox (the size of the page)",
        ),
        (corrupt_page(b"/MediaBox [0 0 595 842] /Rotate 6 0 R", b"6 0 R"), "corrupt PDF: object 6 refers to itself"),
        (
            pages_pdf(
                b"q 10 0 0 10 0 0 cm /I Do Q",
                resources=b"<< /XObject << /I 6 0 R >> >>",
                more=[
                    stream(b"\x00", b"/Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace 7 0 R"),
                    b"[/Indexed 7 0 R 0 <00>]",
                ],
            ),
            "corrupt PDF: page 1 cannot be read (its objects nest too deeply, or refer to each other in a cycle)",
        ),
    ],
    ids=[
        "no-mediabox",
        "mediabox-holding-itself",
        "cropbox-holding-itself",
        "rotate-itself",
        "colorspace-holding-itself",
    ],
)
def test_a_damaged_page_tree_is_one_line_naming_the_damage(data: bytes, cause: str, engine: str) -> None:
    """Before: "pdf reader failed: TypeError: 'NoneType' object is not iterable", "maximum recursion depth
    exceeded", or no answer at all. (PDFium reads the page whose picture's colour space holds itself: it
    never looks into the picture, and the page has nothing else.)"""
    if engine == "pdfium" and "cannot be read" in cause:
        layout = read_bytes(data)
        assert (layout.pages, lines(layout)) == (1, [])
        return
    message, _ = refused(data)
    assert message == cause


WIDE_ROWS = b"/DecodeParms << /Predictor 12 /Columns 99999999 >>"
WIDE_CAUSE = "corrupt PDF: a stream's predictor rows are 99,999,999 bytes wide, the limit is 1,048,576"


def test_a_predictor_asking_for_rows_of_a_hundred_megabytes_is_refused(engine: str) -> None:
    """pdfminer allocates a predictor's row before it reads a byte: 50 bytes asked for 800 MB (fuzzing found it)."""
    page = page_object(font=4, contents=5)
    regular = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, FONT]
    content = stream(zlib.compress(b"\x00" + HELLO), b"/Filter /FlateDecode " + WIDE_ROWS)
    message, peak = refused(pdf_file([*regular, content]))
    assert message == WIDE_CAUSE and peak < 100 * 2**20
    narrow = stream(
        zlib.compress(b"\x00" + HELLO),
        b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns %d >>" % len(HELLO),
    )
    assert lines(read_bytes(pdf_file([*regular, narrow]))) == ["Annual report"]


def test_a_cross_reference_stream_with_such_a_predictor_is_refused_while_opening(engine: str) -> None:
    page = page_object(font=6, contents=4)
    regular = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, stream(HELLO)]
    data = object_stream_pdf({6: FONT}, [*regular, b"null"])
    wide = data.replace(b"/Type /XRef", b"/Type /XRef /Filter /FlateDecode " + WIDE_ROWS)
    message, peak = refused(wide)
    assert message == WIDE_CAUSE and peak < 100 * 2**20


def test_a_stream_with_a_byte_after_its_end_is_measured_not_looped_on(engine: str) -> None:
    """zlib leaves bytes after the end of a stream in its tail when output was cut at the chunk size: the
    measuring looped on them for ever, for a content stream over a megabyte that counts its end of line
    in its /Length (writers do; fuzzing found it)."""
    page = page_object(font=4, contents=5)
    regular = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, FONT]
    content = zlib.compress(HELLO + b" " * (3 * 2**20)) + b"\r\n"
    assert lines(read_bytes(pdf_file([*regular, stream(content, b"/Filter /FlateDecode")]))) == ["Annual report"]


# --- what the page shows: the text a reader of the page sees, not all the text layer holds ----------------


def text(x: float, y: float, words: bytes, size: float = 10, more: bytes = b"") -> bytes:
    """A text object of Helvetica at (x, y) in PDF space (from the bottom left corner)."""
    return b"BT /F1 %g Tf %s %g %g Td (%s) Tj ET" % (size, more, x, y, words)


def shown(*operations: bytes, resources: bytes = b"<< /Font << /F1 3 0 R >> >>", **more: Any) -> Layout:
    return read_bytes(pages_pdf(b"\n".join(operations), resources=resources, **more))


def test_a_glyph_drawn_twice_to_fake_bold_type_is_read_once(engine: str) -> None:
    """Writers embolden by drawing a line again a fraction of a point to the right: "1188" was read for "18"."""
    label = text(72, 700, b"Granted")
    figures = [text(150.3 + dx, 700 + dy, b"18  20") for dx, dy in ((0, 0), (0.35, 0), (0.7, 0.2))]
    assert lines(shown(label, *figures)) == ["Granted 18 20"]
    # Real repeated digits stay, even in 3-point type: they stand half an em apart.
    assert lines(shown(label, text(150, 700, b"11", size=3), text(150.35, 700, b"11", size=3))) == ["Granted 11"]


def test_invisible_text_is_read_only_where_the_page_shows_it_as_a_picture(engine: str) -> None:
    """Text render mode 3 paints nothing: a stale figure left invisible under the new one read as "2118".
    A scan's OCR layer is invisible too, over the picture of the page: that is what the page shows."""
    label = text(72, 700, b"Granted")
    stale = b"q %s Q" % text(150, 700, b"21", more=b"3 Tr")  # the render mode is of the graphics state
    assert lines(shown(label, stale, text(150, 700, b"18"))) == ["Granted 18"]
    beside = b"q %s Q" % text(300, 700, b"7", more=b"7 Tr")  # 7: neither painted, only clipping
    assert lines(shown(label, beside, text(150, 700, b"18"))) == ["Granted 18"]
    assert "characters the page does not show are left out" in shown(label, stale).problems[0]
    picture = b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8"
    resources = b"<< /Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >> >>"
    scan = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    ocr = text(72, 700, b"Granted 18", more=b"3 Tr")
    layout = shown(scan, b"q %s Q" % ocr, text(290, 40, b"- 3 -"), resources=resources, more=[stream(b"\x80", picture)])
    assert lines(layout) == ["Granted 18"]  # (the page number dropped as such)
    assert lines(shown(ocr)) == ["Granted 18"]  # the only text of its page (glyphs drawn as outlines over it)


def test_white_text_is_not_read_unless_it_stands_on_a_coloured_ground(engine: str) -> None:
    label = text(72, 700, b"Granted")
    assert lines(shown(label, b"1 g", text(150, 700, b"21"), b"0 g", text(180, 700, b"18"))) == ["Granted 18"]
    assert lines(shown(label, b"1 1 1 rg", text(150, 700, b"21"), b"0 g", text(180, 700, b"18"))) == ["Granted 18"]
    assert lines(shown(label, b"0 0 0 0 k", text(150, 700, b"21"), b"0 g", text(180, 700, b"18"))) == ["Granted 18"]
    heading = [b"0 0 0.5 rg 140 690 100 25 re f", b"1 g", text(150, 700, b"Total")]  # white on dark blue
    assert lines(shown(label, *heading)) == ["Granted Total"]


def test_text_whited_out_by_a_rectangle_drawn_over_it_is_not_read(engine: str) -> None:
    """An edited figure: the old one covered by a white box, the new one written over it ("2118" was read)."""
    label = text(72, 700, b"Granted")
    old, white_box, new = text(150, 700, b"21"), b"1 g 145 695 40 20 re f 0 g", text(150, 700, b"18")
    assert lines(shown(label, old, white_box, new)) == ["Granted 18"]
    assert lines(shown(label, old, white_box, text(190, 700, b"18"))) == ["Granted 18"]  # written beside it
    assert lines(shown(label, white_box, old)) == ["Granted 21"]  # a white cell drawn first: the text is on it
    # A see-through white (alpha 0.5) leaves the text showing: pdfminer does not paint it, the page keeps all.
    see_through = b"<< /Font << /F1 3 0 R >> /ExtGState << /GS1 << /ca 0.5 >> >> >>"
    assert lines(shown(label, old, b"/GS1 gs", white_box, resources=see_through)) == ["Granted 21"]


PER_PAGE = "(the limit per page)"


def test_looking_for_text_under_white_areas_is_bounded(monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    """Looking under the white areas drawn over text is counted (each square of an area, each glyph drawn
    before it there): past the limit (made small here) the page is refused with a cause naming it."""
    monkeypatch.setattr(gongkai_pdf.covered, "MAX_PAGE_COVER_CHECKS", 50)
    figures = [text(72 + 30 * (n % 15), 700 - 15 * (n // 15), b"%d" % n) for n in range(60)]
    message, _ = refused(pages_pdf(b"\n".join([*figures, b"1 g 0 0 595 842 re f"])))
    assert message == f"page 1 too large: more than 50 looks for text under white areas drawn over it {PER_PAGE}"
    assert len(lines(shown(*figures[:2], b"1 g 0 0 10 10 re f"))) == 1  # a small one, far from the text


def test_a_diagonal_watermark_is_not_read(engine: str) -> None:
    """A watermark printed at 35 degrees over a table scattered its digits into the rows ("2023" into figures)."""
    turn = b"0.8192 0.5736 -0.5736 0.8192 100 520 Tm"
    watermark = b"BT 0.85 g /F1 40 Tf %s (INTERNAL 2023) Tj ET 0 g" % turn
    rows = [text(72, 700 - 15 * n, b"Row %d   %d" % (n, 10 + n)) for n in range(25)]
    assert lines(shown(*rows, watermark)) == [f"Row {n} {10 + n}" for n in range(25)]


def test_a_small_raised_digit_after_a_figure_is_a_footnote_mark(engine: str) -> None:
    """A small "1" raised after "18" read as 181: it is "18¹", a figure and its footnote mark."""
    assert lines(shown(text(72, 700, b"Granted 18"), text(117.3, 704, b"1", size=6))) == ["Granted 18\u00b9"]
    assert lines(shown(text(72, 700, b"Granted 18"), text(117.3, 704, b"12", size=6))) == ["Granted 18\u00b9\u00b2"]
    rise = b"BT /F1 10 Tf 72 700 Td (Granted 18) Tj /F1 6 Tf 4 Ts (2) Tj ET"  # a text rise, as Word writes it
    assert lines(shown(rise)) == ["Granted 18\u00b2"]
    # A small digit on the baseline is a digit, and so is one after a label (a figure in small type).
    assert lines(shown(text(72, 700, b"Granted 18"), text(117.3, 700, b"1", size=6))) == ["Granted 181"]
    assert lines(shown(text(72, 700, b"Granted"), text(113, 704, b"1", size=6))) == ["Granted 1"]


def test_a_glyph_of_a_size_no_page_has_does_not_stall_the_footnote_marks() -> None:
    """A glyph 10²¹ points high (a damaged size operand; fuzzing found it): looking for the figure a small digit
    is raised after went band by band through more bands than any page has, for ever."""
    giant = Char("3", 300.0, 303.0, -9e20, 702.0, 6.0)  # a small digit whose box reaches far up the page
    chars = [*text_at("Granted 18", 72, 700), Char("1", 117.3, 120.0, 696.0, 702.0, 6.0), giant]
    assert "".join(c.text for c in gongkai_pdf.visible.superscripts(chars)).startswith("Granted18\u00b9")


def test_a_tounicode_map_larger_than_any_font_needs_is_refused_before_it_is_parsed(engine: str) -> None:
    """pdfminer parses a ToUnicode map token by token: 8 MB of junk in one took minutes (fuzzing found it)."""
    page = page_object(font=4, contents=5)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    regular = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, font]
    junk = flate(b"1 0 0 1 0 0 cm\n" * (3 * 2**20 // 15))
    message, _ = refused(pdf_file([*regular, stream(HELLO), junk]))
    assert message.startswith("page 1 too large: a font's ToUnicode map of 3,14")
    assert message.endswith(" bytes, the limit is 2,097,152")
    small = flate(b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap endcmap end end")
    assert lines(read_bytes(pdf_file([*regular, stream(HELLO), small]))) == ["Annual report"]
