"""Scanned reports: generated scans read back through OCR (RapidOCR), and the rules checking what OCR read.

The scans are made from the committed fixture PDFs by
``fixtures/generator/scans.py`` (rendered, skewed, blurred, noised,
JPEG-compressed; one page turned a quarter; PDFs of pictures, mixed PDFs,
PNG, JPEG and TIFF files) into a temporary folder; their expected values
are their sources'. A wrong cell is allowed only inside a finding, and only
one in 200. The rule checks of low-confidence figures are tested with an
engine that reads a page's own text layer with confidences the test sets.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import gongkai
from conftest import ROOT, generator_module
from gongkai import hookimpl
from gongkai.api import require_report
from gongkai.checks import OCR_CONFIDENT
from gongkai.model import Report
from gongkai.ocr import OcrPage, OcrText, PageImage
from gongkai.plugins import Registry, load_registry

pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed (pip install 'gongkai[ocr]')")

SCANS = ROOT / "fixtures" / "generator" / "scans.py"
# At least this share of all cells exactly right over the generated scans (the floor).
CELLS_RIGHT = 0.995


SCAN = generator_module("scans.py")
# The cases read here: all but six that repeat a kind and resolution of their source (benchmarks/ocr_speed.py
# reads them all): 20 reports and the blank form twice, about three minutes of OCR on two cores.
REPEATS = {
    "scan-10-official-gov2021-thousands-pdf300",
    "scan-13-official-gov2021-zeros-pdf200",
    "scan-07-subtables-gov2019-borderless-tiff200",
    "scan-03-official-hybrid-jpeg150",
    "scan-06-official-gov2021-borderless-png150",
    "scan-14-official-gov2021-borderless-holes-mixed200",
}
CASES = [case for case in SCAN.CASES if case.name not in REPEATS]


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(str(a)) == Decimal(str(b))


def flagged(report: Report) -> tuple[set[tuple[str, str, str | None]], set[str], set[str]]:
    """The cells (or rows: column None) findings name, the rules they name, the tables a finding names whole."""
    cells = {(f.table, f.row, f.column) for f in report.findings if f.table and f.row}
    cells |= {(f.table, r, None) for f in report.findings if f.table for r in f.figures.get("rows", ())}
    rules = {f.rule for f in report.findings if f.rule}
    tables = {f.table for f in report.findings if f.table and not f.row and not f.rule and "rows" not in f.figures}
    return cells, rules, tables  # type: ignore[return-value]


def wrong_cells(report: Report, expected: dict[str, Any]) -> tuple[int, list[tuple[str, str, str, Any, Any]]]:
    total, wrong = 0, []
    for table, rows in expected["tables"].items():
        for row, cols in rows.items():
            for col, value in cols.items():
                total += 1
                cell = report.tables.get(table, {}).get(row, {}).get(col)
                got = cell.value if cell is not None else None
                if not same(got, value):
                    wrong.append((table, row, col, value, got))
    return total, wrong


def in_a_finding(report: Report, table: str, row: str, col: str) -> bool:
    """Whether a finding points at the cell: by name, or a rule over it that failed or was not settled."""
    from gongkai.checks import instances
    from gongkai.plugins import get_registry

    cells, rules, tables = flagged(report)
    if (table, row, col) in cells or (table, row, None) in cells or table in tables:
        return True
    template = get_registry().templates[report.template or ""]
    return any(inst.rule.id in rules and (table, row, col) in inst.keys for inst in instances(template, report))


@pytest.fixture(scope="module")
def scan_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Report]]:
    """Every generated scan, made and converted once for the module (the OCR is the slow part)."""
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for case in CASES:
        path = SCAN.make(case, folder)
        out[case.name] = (case, gongkai.convert(path))
    return out


def test_generated_scans_read_back_nearly_exactly_and_every_wrong_cell_is_in_a_finding(
    scan_reports: dict[str, tuple[Any, Report]],
) -> None:
    reports = {name: v for name, v in scan_reports.items() if not name.startswith("blank-form")}
    assert len(reports) >= 20
    total = 0
    wrong: list[str] = []
    unflagged: list[str] = []
    for name, (case, report) in reports.items():
        expected = json.loads(case.expected.read_text("utf-8"))
        assert report.template == expected["template"], name
        assert report.status == "ok", (name, report.status)
        n, bad = wrong_cells(report, expected)
        total += n
        for table, row, col, value, got in bad:
            wrong.append(f"{name}: {table}.{row}.{col} is {got}, not {value}")
            if not in_a_finding(report, table, row, col):
                unflagged.append(wrong[-1])
    assert not unflagged, "wrong cells no finding points at:\n" + "\n".join(unflagged)
    assert len(wrong) <= (1 - CELLS_RIGHT) * total, f"{len(wrong)} of {total} cells wrong:\n" + "\n".join(wrong)


def test_every_ocr_page_says_how_it_was_read(scan_reports: dict[str, tuple[Any, Report]]) -> None:
    for name, (case, report) in scan_reports.items():
        notes = [f.message for f in report.findings if "read by OCR (rapidocr" in f.message]
        pages = report.source.pages or 0
        text_pages = set(case.text_pages)
        assert len(notes) == pages - len(text_pages), (name, notes)
        for number in text_pages:  # a mixed PDF's pages with a text layer are read from it, not by OCR
            assert not any(m.startswith(f"page {number}: read by OCR") for m in notes), name


def test_a_page_fed_sideways_is_turned(scan_reports: dict[str, tuple[Any, Report]]) -> None:
    turned = [(case, report) for case, report in scan_reports.values() if case.turned_pages]
    assert turned
    for case, report in turned:
        for number in case.turned_pages:
            assert any(
                f.message.startswith(f"page {number}: read by OCR") and "turned" in f.message for f in report.findings
            ), case.name


def test_the_blank_form_scanned_gives_all_nulls(scan_reports: dict[str, tuple[Any, Report]]) -> None:
    blanks = [(case, report) for name, (case, report) in scan_reports.items() if name.startswith("blank-form")]
    assert len(blanks) >= 2
    for case, report in blanks:
        assert report.template == "gov-2021", case.name
        printed = [(t, r, c, cell.value) for t, r, c, cell in _cells(report) if cell.value is not None]
        assert printed == [], (case.name, printed[:10])


def _cells(report: Report) -> Iterator[tuple[str, str, str, Any]]:
    for t, rows in report.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                yield t, r, c, cell


def test_figures_read_by_ocr_keep_their_confidence_and_box(scan_reports: dict[str, tuple[Any, Report]]) -> None:
    case, report = scan_reports[next(n for n in scan_reports if n.startswith("scan-02"))]
    printed = [cell for _, _, _, cell in _cells(report) if cell.value is not None and not cell.derived]
    assert printed
    for cell in printed:
        assert cell.where is not None and cell.where.box is not None
        assert cell.where.confidence is not None and 0 < cell.where.confidence <= 1
    cells = report.to_dict()["cells"]  # provenance beside the plain tables
    first = next(c for rows in cells.values() for cols in rows.values() for c in cols.values() if "where" in c)
    assert 0 < first["where"]["confidence"] <= 1


# ---------------------------------------------------------------- the rules judge what OCR is unsure of


class TextLayerEngine:
    """Reads a page "by OCR" as its source PDF's text layer says, with confidences the test chooses.

    `doubt` maps a figure's text, at its n-th appearance on the page, to
    (what it is read as, the confidence): the way to plant a low-confidence
    (mis)reading at a known place.
    """

    name = "text-layer"

    def __init__(self, source: Path, doubt: dict[tuple[int, str, int], tuple[str, float]]) -> None:
        from gongkai_pdf.pdfium_engine import open_pdf

        with open_pdf(source.read_bytes()) as pages:
            self.pages = list(pages)
        self.doubt = doubt
        self.calls = 0

    def read(self, image: PageImage) -> list[OcrPage]:
        page = self.pages[self.calls]
        self.calls += 1
        k = image.dpi / 72
        texts, seen = [], {}
        for run in _runs(page.chars):
            text, (x0, top, x1, bottom) = run
            n = seen[text] = seen.get(text, 0) + 1
            read_as, confidence = self.doubt.get((page.number, text, n), (text, 0.99))
            texts.append(OcrText(read_as, (x0 * k, top * k, x1 * k, bottom * k), confidence))
        rules = [(s.x0 * k, s.top * k - 1, s.x1 * k, s.bottom * k + 1) for s in page.segments]
        return [OcrPage(round(page.width * k), round(page.height * k), image.dpi, texts, rules)]


def _runs(chars: list[Any]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The page's characters as runs of one line with no gap wider than half a character."""
    out: list[tuple[str, list[Any]]] = []
    for c in sorted((c for c in chars if c.text.strip()), key=lambda c: (round(c.top), c.x0)):
        if out:
            text, run = out[-1]
            last = run[-1]
            if abs(c.top - last.top) < 2 and 0 <= c.x0 - last.x1 < 0.5 * c.size:
                out[-1] = (text + c.text, [*run, c])
                continue
        out.append((c.text, [c]))
    return [(t, (run[0].x0, min(c.top for c in run), run[-1].x1, max(c.bottom for c in run))) for t, run in out]


def registry_with(engine: Any) -> Registry:
    registry = load_registry()

    def gongkai_ocr_engines(register: Any) -> None:
        register(engine)

    registry.add_plugin(SimpleNamespace(gongkai_ocr_engines=hookimpl(gongkai_ocr_engines)), "test.text-layer")
    return registry


SOURCE = ROOT / "fixtures" / "generated" / "pdf" / "pdf-02-official-gov2019.pdf"


@pytest.fixture(scope="module")
def scanned_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pdf-02 as a PDF of pictures at 72 dpi (only the page count and sizes matter to the engine above)."""
    case = replace(next(c for c in SCAN.CASES if c.source == SOURCE and c.kind == "pdf"), dpi=72)
    return Path(SCAN.make(case, tmp_path_factory.mktemp("scan")))


def convert_with(scanned: Path, doubt: dict[tuple[int, str, int], tuple[str, float]]) -> Report:
    engine = TextLayerEngine(SOURCE, doubt)
    return gongkai.convert(scanned, registry=registry_with(engine), options={"ocr": engine.name})


def expected_source() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "fixtures/generated/expected/pdf-02-official-gov2019.json").read_text())
    return data


def test_the_text_layer_engine_reads_the_scan_exactly(scanned_source: Path) -> None:
    report = convert_with(scanned_source, {})
    assert wrong_cells(report, expected_source())[1] == []
    assert not [f for f in report.findings if f.code.startswith("ocr_")]


def _a_forced_figure(report: Report) -> tuple[str, str, str, int]:
    """The total of table 三's new applications: its row's rule forces it from the others."""
    cell = report.tables["applications"]["new_received"]["total"]
    assert isinstance(cell.value, int) and cell.value > 0
    return "applications", "new_received", "total", cell.value


def test_a_doubtful_figure_a_rule_forces_is_confirmed_or_corrected(scanned_source: Path) -> None:
    clean = convert_with(scanned_source, {})
    table, row, col, value = _a_forced_figure(clean)
    where = clean.tables[table][row][col].where
    assert where is not None and where.page is not None
    text = str(value)
    nth = _appearance(clean, where.page, text, where)
    # Read right but unsure: the rule confirms it.
    confirmed = convert_with(scanned_source, {(where.page, text, nth): (text, 0.6)})
    cell = confirmed.tables[table][row][col]
    assert cell.value == value and cell.confirmed_by and not cell.derived
    assert cell.note is not None and "0.60" in cell.note and cell.confirmed_by[0] in cell.note
    # Read wrong and unsure: the rule's value is taken, and said.
    misread = str(value + 10)
    corrected = convert_with(scanned_source, {(where.page, text, nth): (misread, 0.6)})
    cell = corrected.tables[table][row][col]
    assert cell.value == value and cell.derived and cell.raw == misread
    finding = next(f for f in corrected.findings if f.code == "ocr_corrected")
    assert (finding.table, finding.row, finding.column) == (table, row, col)
    assert finding.figures["read"] == int(misread) and finding.figures["forced"] == value
    # Read wrong and sure: the rule that breaks says so.
    sure = convert_with(scanned_source, {(where.page, text, nth): (misread, 0.99)})
    assert sure.tables[table][row][col].value == int(misread)
    assert any(f.code == "rule_violated" for f in sure.findings)


def test_a_doubtful_figure_no_rule_settles_is_left_empty_with_its_reading_and_a_warning(scanned_source: Path) -> None:
    clean = convert_with(scanned_source, {})
    cell = clean.tables["active_disclosure"]["licensing"]["decisions"]  # in no rule of table 二
    assert isinstance(cell.value, int) and cell.where is not None and cell.where.page is not None
    text = str(cell.value)
    report = convert_with(
        scanned_source, {(cell.where.page, text, _appearance(clean, cell.where.page, text, cell.where)): (text, 0.5)}
    )
    kept = report.tables["active_disclosure"]["licensing"]["decisions"]
    assert kept.value is None and kept.raw == text and not kept.derived
    assert kept.where is not None and kept.where.box == cell.where.box and kept.where.confidence == 0.5
    warning = next(f for f in report.findings if f.code == "ocr_unconfirmed")
    assert (warning.table, warning.row, warning.column, warning.severity) == (
        "active_disclosure",
        "licensing",
        "decisions",
        "warning",
    )
    assert warning.figures == {"read": cell.value, "confidence": 0.5} and OCR_CONFIDENT > 0.5


def _appearance(report: Report, page: int, text: str, where: Any) -> int:
    """Which appearance of `text` on the page (in the engine's order) the cell at `where` is."""
    engine = TextLayerEngine(SOURCE, {})
    runs = _runs(engine.pages[page - 1].chars)
    matches = [box for t, box in runs if t == text]
    best = min(range(len(matches)), key=lambda i: abs(matches[i][0] - where.x0) + abs(matches[i][1] - where.top))
    return best + 1


# ---------------------------------------------------------------- without an engine, and bad pictures


def test_without_an_engine_a_scan_says_ocr_is_needed_and_how_to_get_it(scanned_source: Path) -> None:
    report = gongkai.convert(scanned_source, options={"ocr": "none"})
    assert report.status == "needs_ocr"
    with pytest.raises(gongkai.NotAReportError, match=r"OCR is needed.*pip install 'gongkai\[ocr\]'"):
        require_report(report)


def test_an_unknown_engine_is_a_one_line_error(scanned_source: Path) -> None:
    with pytest.raises(gongkai.ReadError, match="no OCR engine named 'nope' \\(installed: rapidocr"):
        gongkai.convert(scanned_source, options={"ocr": "nope"})


def _thin_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (2000, 1), 255).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "cause"),
    [
        ("cut.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "not a picture that can be read"),
        ("junk.jpg", b"\xff\xd8\xff" + b"\x00" * 300, "not a picture that can be read"),
        ("notapicture.png", bytes(range(256)) * 4, "not a PNG, JPEG or TIFF picture|no installed reader"),
        ("thin.png", _thin_png(), "too small to hold a line of text"),
    ],
)
def test_bad_pictures_are_one_line_errors(tmp_path: Path, name: str, data: bytes, cause: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(gongkai.GongkaiError, match=cause) as caught:
        gongkai.convert(path)
    assert "\n" not in str(caught.value)


def test_a_picture_too_large_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)  # 1.6 billion grey pixels, a few bytes
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / "huge.png"
    path.write_bytes(data)
    with pytest.raises(gongkai.ReadError, match="over the limit|not a picture"):
        gongkai.convert(path)


def test_a_registered_object_that_is_no_ocr_engine_is_refused() -> None:
    registry = load_registry()

    def gongkai_ocr_engines(register: Any) -> None:
        register(object())

    info = registry.add_plugin(SimpleNamespace(gongkai_ocr_engines=hookimpl(gongkai_ocr_engines)), "test.bad")
    assert info.status == "broken" and info.error is not None and "is not a OcrEngine" in info.error
    assert list(registry.ocr_engines)[0] == "rapidocr" and all(
        isinstance(e.name, str) for e in registry.ocr_engines.values()
    )


def test_blocking_the_ocr_plugin_leaves_scans_unread(scanned_source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_BLOCK_PLUGINS", "gongkai.ocr")
    registry = load_registry()
    assert registry.ocr_engines == {}
    assert gongkai.convert(scanned_source, registry=registry).status == "needs_ocr"


def test_a_batch_gives_each_page_read_by_ocr_more_time(tmp_path: Path) -> None:
    """A 3-second limit would stop a scan early; each page read by OCR adds a minute. The longest scan of
    pictures is read (three pages, some 12 s here), so that the limit is short on a machine several times
    faster; the limit itself is long enough for the imports before the first page is announced."""
    import subprocess

    case = max((c for c in SCAN.CASES if c.kind == "pdf"), key=lambda c: (SCAN.page_count(c.source), c.dpi))
    path = SCAN.make(case, tmp_path)
    out = tmp_path / "out.json"
    gongkai_cli = Path(sys.executable).with_name("gongkai")
    done = subprocess.run(
        [str(gongkai_cli), "convert", str(path), "-o", str(out), "--timeout", "3"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text("utf-8"))["status"] == "ok"


# ---------------------------------------------------------------- turning, straightening, rules


def _rendered(name: str, dpi: int, page: int = 0) -> Any:
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(ROOT / "fixtures" / "generated" / "pdf" / name)
    try:
        return np.asarray(pdf[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    finally:
        pdf.close()


@pytest.mark.parametrize("angle", [-1.7, -0.6, 0.0, 0.9, 2.0])
def test_a_crooked_page_is_straightened_to_a_tenth_of_a_degree(angle: float) -> None:
    import numpy as np
    from PIL import Image

    from gongkai_ocr.straighten import skew

    page = _rendered("pdf-01-official-gov2021-blanks.pdf", 100)
    crooked = np.asarray(Image.fromarray(page).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
    assert skew(crooked) == pytest.approx(-angle, abs=0.1)


def test_a_page_scanned_sideways_is_found() -> None:
    import numpy as np

    from gongkai_ocr.straighten import sideways

    for name in ("pdf-02-official-gov2019.pdf", "pdf-06-official-gov2021-borderless.pdf"):
        page = _rendered(name, 100)
        assert not sideways(page) and sideways(np.rot90(page)) and sideways(np.rot90(page, 3)), name


def test_the_rules_of_a_ruled_table_are_found_in_its_picture() -> None:
    """Every ruling line the PDF draws (longer than a rule's minimum) is found in its picture, within a point."""
    from gongkai_ocr.rules import MIN_RULE, find_rules
    from gongkai_pdf.pdfium_engine import open_pdf

    name = "pdf-02-official-gov2019.pdf"
    dpi = 150
    k = 72 / dpi
    found = [(x0 * k, top * k, x1 * k, bottom * k) for x0, top, x1, bottom in find_rules(_rendered(name, dpi), dpi)]
    with open_pdf((ROOT / "fixtures" / "generated" / "pdf" / name).read_bytes()) as pages:
        drawn = next(iter(pages)).segments
    long = [s for s in drawn if max(s.x1 - s.x0, s.bottom - s.top) >= MIN_RULE + 2]
    assert len(long) > 20
    for s in long:
        covered = any(
            x0 - 1 <= s.x0 + 1 and s.x1 - 1 <= x1 + 1 and top - 1 <= s.top and s.bottom <= bottom + 1
            for x0, top, x1, bottom in found
        )
        assert covered, f"the rule {s} is not found"
    assert len(found) <= 2 * len(long)  # and not many besides: no character's stroke is a rule


def test_a_scan_report_is_valid_json_of_the_schema_and_its_confidences_survive_writers(
    scan_reports: dict[str, tuple[Any, Report]],
) -> None:
    import jsonschema

    from gongkai_json import dumps_report, load_schema

    _, report = scan_reports[next(n for n in scan_reports if n.startswith("scan-02"))]
    data = json.loads(dumps_report(report))
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    back = Report.from_dict(data)
    confident = [(t, r, c, cell.where.confidence) for t, r, c, cell in _cells(report) if cell.where is not None]
    assert confident and all(
        back.tables[t][r][c].where.confidence == conf
        for t, r, c, conf in confident  # type: ignore[union-attr]
    )


# ---------------------------------------------------------------- the alternative engine, tesseract


def test_tesseract_words_become_runs_of_text_split_at_wide_gaps_and_rules() -> None:
    from gongkai_ocr.tesseract import pieces

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "4\t1\t1\t1\t1\t0\t100\t50\t900\t40\t-1\t",
        "5\t1\t1\t1\t1\t1\t100\t50\t120\t40\t96\t行政许可",  # a label
        "5\t1\t1\t1\t1\t2\t225\t50\t60\t40\t91\t事项",  # close after it: the same run
        "5\t1\t1\t1\t1\t3\t600\t52\t30\t36\t88\t475",  # far to the right: a cell of its own
        "5\t1\t1\t1\t1\t4\t700\t52\t60\t36\t80\t12|7",  # a rule read as "|": two cells
    ]
    texts = pieces("\n".join([header, *rows]))
    assert [t.text for t in texts] == ["行政许可事项", "475", "12", "7"]
    assert texts[0].confidence == pytest.approx(0.91) and texts[1].confidence == pytest.approx(0.88)
    assert all(len(t.spans) == len(t.text) == len(t.confidences) for t in texts)
    assert texts[1].box == (600, 52, 630, 88)


@pytest.mark.skipif(not shutil.which("tesseract"), reason="Debian's tesseract-ocr is not installed")
def test_tesseract_reads_a_scan_through_the_same_pipeline(scanned_source: Path, tmp_path: Path) -> None:
    from gongkai_ocr.tesseract import available

    if available() is not None:
        pytest.skip(available() or "")
    case = next(c for c in SCAN.CASES if c.name.startswith("scan-02") and c.kind == "pdf")
    report = gongkai.convert(SCAN.make(case, tmp_path), options={"ocr": "tesseract"})
    total, wrong = wrong_cells(report, expected_source())
    assert report.template == "gov-2019" and len(wrong) < total / 2  # fewer right than RapidOCR, far from none
    assert any("read by OCR (tesseract" in f.message for f in report.findings)


def test_a_page_whose_picture_declares_a_billion_pixels_is_not_drawn() -> None:
    """The picture's stream is a few bytes; drawing it would take gigabytes. The limit says so, in one line."""
    import zlib

    from test_pdf_reader import pdf_file

    picture = zlib.compress(b"\x00" * 1000)
    content = b"q 500 0 0 700 50 50 cm /Im1 Do Q"
    data = pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /XObject /Subtype /Image /Width 40000 /Height 30000 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(picture), picture),
        ]
    )
    report = gongkai.convert(data, name="bomb.pdf")
    notes = [f.message for f in report.findings if "OCR could not read it" in f.message]
    assert notes == [
        "page 1: OCR could not read it: its pictures have 1,200,000,000 pixels, over the limit of 150,000,000"
    ]


def test_a_16_bit_scan_is_read_as_grey_not_white() -> None:
    import io

    import numpy as np
    from PIL import Image

    from gongkai_ocr.picture import grey_pages

    pixels = np.full((64, 64), 60000, dtype=np.uint16)
    pixels[20:40, 10:50] = 1000  # dark ink on light paper, in 16 bits
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    (grey, _), *rest = list(grey_pages(PageImage(out.getvalue())))
    assert not rest and grey.dtype == np.uint8
    assert grey[30, 30] < 10 and grey[5, 5] > 220


def test_a_photo_is_turned_as_its_exif_orientation_says() -> None:
    import io

    from PIL import Image

    from gongkai_ocr.picture import grey_pages

    stored = Image.new("L", (300, 200), 255)  # stored landscape; EXIF orientation 6: shown turned, portrait
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, "JPEG", exif=exif.tobytes())
    (grey, _), *rest = list(grey_pages(PageImage(out.getvalue())))
    assert not rest and grey.shape == (300, 200)
