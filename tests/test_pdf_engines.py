"""The two PDF engines against each other: PDFium (the default) and pdfplumber give the same everything.

Every committed PDF (the fixtures, the real-looking test PDFs: ruled,
unruled, sideways, garbled, encrypted, a scan) is read through both: the
page data (each glyph's text, box, size and ink; the ruling segments;
pictures, paths, painting over, damage), the layout and the report with
its findings must be the same. A drift of either engine, or of the
geometry that makes PDFium's page data pdfminer's, fails here.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

import gongkai
from conftest import ROOT
from fuzzing import mutate
from gongkai.errors import ReadError
from gongkai.hookspecs import Document
from gongkai.layout import Layout, Line
from gongkai_pdf import PdfReader, extract, pdfium_engine
from gongkai_pdf.page import PageData
from test_pdf_reader import FONT, HELLO, pdf_file, stream

PDFS = sorted([*(ROOT / "fixtures").rglob("*.pdf"), *(ROOT / "tests" / "data" / "pdf").glob("*.pdf")])
# How far apart the engines may place an edge: PDFium takes a glyph's advance from the font program,
# pdfminer from the PDF's /Widths ("/" of DejaVu Sans at 9 points: 2.502 and 2.493 points wide), and
# PDFium keeps single-precision numbers. Both are far below anything the layout building looks at.
CLOSE = 0.011


def page_data(module: object, data: bytes) -> list[PageData] | str:
    try:
        with module.open_pdf(data) as pages:  # type: ignore[attr-defined]
            return list(pages)
    except ReadError as exc:
        return str(exc)


def near(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=CLOSE)


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_both_engines_give_the_same_page_data(path: Path) -> None:
    data = path.read_bytes()
    ours, theirs = page_data(pdfium_engine, data), page_data(extract, data)
    if isinstance(ours, str) or isinstance(theirs, str):
        assert ours == theirs  # the same one-line cause
        return
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert (a.number, a.images, a.paths, a.painted_over, a.warnings) == (
            b.number,
            b.images,
            b.paths,
            b.painted_over,
            b.warnings,
        )
        assert near(a.width, b.width) and near(a.height, b.height)
        # Spaces print nothing and PDFium drops some of them: every other glyph is the same, in order.
        glyphs_a, glyphs_b = [c for c in a.chars if c.text.strip()], [c for c in b.chars if c.text.strip()]
        assert [(c.text, c.ink) for c in glyphs_a] == [(c.text, c.ink) for c in glyphs_b]
        for x, y in zip(glyphs_a, glyphs_b, strict=True):
            assert all(
                near(u, v)
                for u, v in zip(
                    (x.x0, x.x1, x.top, x.bottom, x.size), (y.x0, y.x1, y.top, y.bottom, y.size), strict=True
                )
            ), (x, y)

        def rules(page: PageData) -> list[tuple[float, ...]]:
            return sorted(tuple(round(v, 2) for v in (s.x0, s.top, s.x1, s.bottom)) for s in page.segments)

        assert rules(a) == rules(b)
        assert len(a.pictures) == len(b.pictures)
        for p, q in zip(a.pictures, b.pictures, strict=True):
            assert all(near(u, v) for u, v in zip(p, q, strict=True))


def layout(path: Path, engine: str) -> Layout | str:
    try:
        return PdfReader().read(Document(data=path.read_bytes(), name=path.name, options={"engine": engine}))
    except ReadError as exc:
        return str(exc)


def alike(a: object, b: object, close: float = CLOSE) -> bool:
    """The same structure and text, every fractional number within `close`."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and math.isclose(a, b, abs_tol=close)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(alike(a[k], b[k], close) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(alike(x, y, close) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_both_engines_give_the_same_layout_and_report(path: Path) -> None:
    ours, theirs = layout(path, "pdfium"), layout(path, "pdfplumber")
    if isinstance(ours, str) or isinstance(theirs, str):
        assert ours == theirs
    else:
        assert alike(dataclasses.asdict(ours), dataclasses.asdict(theirs))
    mine, other = report(path, "pdfium"), report(path, "pdfplumber")
    assert mine.keys() == other.keys()
    for key in mine:  # every figure, finding, the template, the body and date the same; boxes close
        assert alike(mine[key], other[key], 2 * CLOSE), key  # (printed to a hundredth: one more step)


def report(path: Path, engine: str) -> dict[str, Any]:
    """The report as its JSON reads back, or the one-line cause it cannot be read."""
    try:
        data: dict[str, Any] = json.loads(gongkai.dumps(gongkai.convert(path, options={"engine": engine})))
        return data
    except gongkai.GongkaiError as exc:
        return {"error": str(exc)}


def test_an_unknown_engine_is_a_one_line_error() -> None:
    with pytest.raises(ReadError, match=r"^no PDF engine 'pdfminer': engine= takes pdfium or pdfplumber$"):
        gongkai.convert(PDFS[0], options={"engine": "pdfminer"})


# --- where PDFium stops and pdfminer gets over the damage: pdfplumber reads on -----------------------------


def damaged(source: str, seed: int) -> bytes:
    """A committed PDF damaged by the fuzzer's mutation `seed` (the same bytes every time)."""
    return mutate.build_case(source, seed, large=False).data


def pages_of(module: object, data: bytes) -> list[PageData]:
    found = page_data(module, data)
    assert not isinstance(found, str), found
    return found


def test_a_pdf_pdfium_cannot_open_is_read_through_pdfplumber() -> None:
    """A catalog pointing at a page tree that is not there: pdfminer finds the page, PDFium gives up."""
    page = b"<< /Type /Page /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"
    catalog, tree = b"<< /Type /Catalog /Pages 9 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"
    data = pdf_file([catalog, tree, FONT, page, stream(HELLO)])
    layout = PdfReader().read(Document(data=data, name="lost-tree.pdf"))
    assert [b.text for b in layout.blocks if isinstance(b, Line)] == ["Annual report"]
    assert layout.problems[0].startswith("page 1: the PDF is damaged here (PDFium cannot open it (")
    assert layout.problems[0].endswith("): read through pdfplumber); some of its content may be missing")


def test_a_page_pdfium_cannot_load_is_read_through_pdfplumber_with_those_after_it() -> None:
    data = damaged("tests/data/pdf/gov2021_unruled.pdf", 1002)  # the page tree's kids edited
    ours, theirs = pages_of(pdfium_engine, data), pages_of(extract, data)
    why = "PDFium cannot draw page 1 (Failed to load page): it and the pages after it read through pdfplumber"
    assert ours[0].warnings[-1] == why
    assert [[c.text for c in p.chars] for p in ours] == [[c.text for c in p.chars] for p in theirs]


def test_text_pdfium_draws_no_glyph_of_is_read_through_pdfplumber() -> None:
    """A font program damaged (its bytes edited as if they were content): PDFium drew no glyph of a whole column
    of figures; pdfminer needs no font program and reads them."""
    data = damaged("tests/data/pdf/gov2021_unruled.pdf", 1009)
    ours, theirs = pages_of(pdfium_engine, data), pages_of(extract, data)
    handed_off = r"PDFium cannot read \d+ pieces of text \(a damaged font\?\): read through pdfplumber"
    assert re.fullmatch(handed_off, ours[1].warnings[-1])
    assert [c.text for c in ours[1].chars] == [c.text for c in theirs[1].chars]
    assert sum(c.text.isdigit() for c in ours[1].chars) == sum(c.text.isdigit() for c in theirs[1].chars) > 100
