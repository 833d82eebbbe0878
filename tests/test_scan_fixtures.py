"""The scanned fixtures (fixtures/generator/scans.py): the cases are sound and `make` writes what they say.

No OCR here: only the files themselves. The generator is imported by path,
as tests/test_round_trips.py does with model.py; only a few small cases are
made (150 dpi where there is a choice), so the whole file runs in seconds.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageSequence

from conftest import generator_module


def scans() -> ModuleType:
    """fixtures/generator/scans.py."""
    return generator_module("scans.py")


def case(kind: str, *, dpi: int | None = None, turned: bool = False) -> Any:
    """The first case of that kind (and dpi), turned or not."""
    for c in scans().CASES:
        if c.kind == kind and (dpi is None or c.dpi == dpi) and bool(c.turned_pages) == turned:
            return c
    raise AssertionError(f"no {kind} case at {dpi} dpi (turned: {turned})")


def pdf_pages(path: Path) -> list[tuple[int, tuple[float, float]]]:
    """Per page: characters in its text layer, size in points."""
    pdf = pdfium.PdfDocument(path)
    try:
        return [(page.get_textpage().count_chars(), page.get_size()) for page in pdf]
    finally:
        pdf.close()


def pixels(path: Path, dpi: int) -> list[np.ndarray]:
    """The file's pages as arrays: a PDF rendered by PDFium at `dpi`, a picture decoded by Pillow."""
    if path.suffix == ".pdf":
        return [np.asarray(im) for im in scans().render(path, dpi)]
    with Image.open(path) as im:
        return [np.asarray(frame.convert("L")) for frame in ImageSequence.Iterator(im)]


def test_cases_are_many_and_named_once() -> None:
    cases = scans().CASES
    assert len(cases) >= 24
    names = [c.name for c in cases]
    assert len(set(names)) == len(names)
    assert {c.kind for c in cases} == set(scans().KINDS)
    assert any(c.name.startswith("blank-form") for c in cases)
    assert len({c.source for c in cases}) >= 18
    assert 1 <= sum(c.dpi == 300 for c in cases) <= 3
    assert {150, 200} <= {c.dpi for c in cases}


def test_every_case_has_its_source_and_expected_file() -> None:
    for c in scans().CASES:
        assert c.source.exists(), c.name
        assert c.expected.exists(), c.name
        assert c.expected.name in (f"{c.source.stem}.json", f"{c.source.name}.expected.json"), c.name


def test_page_numbers_are_the_sources() -> None:
    """Turned and text pages are pages of the source; a mixed case keeps some pages and scans others."""
    for c in scans().CASES:
        total = scans().page_count(c.source)
        assert set(c.turned_pages) | set(c.text_pages) <= set(range(1, total + 1)), c.name
        if c.kind == "mixed":
            assert 0 < len(c.text_pages) < total, c.name
        else:
            assert not c.text_pages, c.name


def test_image_files_hold_every_page() -> None:
    """A PNG or JPEG of a multi-page source stacks all its pages (so the expected file applies whole), a TIFF has one
    frame per page; only a TIFF can turn one of its pages."""
    for c in scans().CASES:
        if c.kind in ("png", "jpeg"):
            assert not c.turned_pages, c.name
        if c.kind == "jpeg":
            assert 60 <= c.quality <= 85, c.name
        elif c.kind in ("png", "tiff"):
            assert c.quality == 0, c.name


def test_png_is_the_stack_and_the_same_pixels_twice(tmp_path: Path) -> None:
    c = case("png", dpi=150)
    first = scans().make(c, tmp_path / "a")
    second = scans().make(c, tmp_path / "b")
    assert first.name == f"{c.name}.png"
    (a,), (b,) = pixels(first, c.dpi), pixels(second, c.dpi)
    assert np.array_equal(a, b)
    assert first.read_bytes() == second.read_bytes()
    pages = scans().render(c.source, c.dpi)
    assert a.shape == (sum(p.height for p in pages), pages[0].width)
    with Image.open(first) as im:
        assert round(im.info["dpi"][0]) == c.dpi


def test_jpeg_pdf_has_no_text_the_page_sizes_and_the_same_pixels_twice(tmp_path: Path) -> None:
    c = case("pdf", dpi=150)
    first = scans().make(c, tmp_path / "a")
    second = scans().make(c, tmp_path / "b")
    assert first.suffix == ".pdf"
    for x, y in zip(pixels(first, c.dpi), pixels(second, c.dpi), strict=True):
        assert np.array_equal(x, y)
    assert first.read_bytes() == second.read_bytes()
    got, want = pdf_pages(first), pdf_pages(c.source)
    assert len(got) == len(want)
    for (chars, (w, h)), (_, (ow, oh)) in zip(got, want, strict=True):
        assert chars == 0
        assert abs(w - ow) <= 1 and abs(h - oh) <= 1, ((w, h), (ow, oh))


def test_scanned_pages_are_jpeg_pictures(tmp_path: Path) -> None:
    """Each page of a 'pdf' case is one image object, stored as JPEG (DCTDecode)."""
    c = case("pdf", dpi=150)
    data = scans().make(c, tmp_path).read_bytes()
    assert data.count(b"/DCTDecode") == scans().page_count(c.source)


@pytest.mark.parametrize("index", [0, 1])
def test_mixed_keeps_text_on_its_text_pages_only(tmp_path: Path, index: int) -> None:
    mixed = [c for c in scans().CASES if c.kind == "mixed"]
    assert len(mixed) > index
    c = mixed[index]
    path = scans().make(c, tmp_path)
    got, want = pdf_pages(path), pdf_pages(c.source)
    assert len(got) == len(want)
    for number, ((chars, (w, h)), (own, (ow, oh))) in enumerate(zip(got, want, strict=True), start=1):
        if number in c.text_pages:
            assert chars == own > 0, number
        else:
            assert chars == 0, number
        assert abs(w - ow) <= 1 and abs(h - oh) <= 1, number
    assert path.read_bytes() == scans().make(c, tmp_path / "again").read_bytes()


def test_turned_page_is_landscape(tmp_path: Path) -> None:
    c = case("tiff", turned=True)
    assert c.turned_pages == (1,)
    path = scans().make(c, tmp_path)
    assert path.suffix == ".tif"
    pages = scans().render(c.source, c.dpi)
    with Image.open(path) as im:
        assert getattr(im, "n_frames", 1) == len(pages)
        assert round(im.info["dpi"][0]) == c.dpi
        for number, frame in enumerate(ImageSequence.Iterator(im), start=1):
            source = pages[number - 1]
            assert source.height > source.width  # the committed pages are portrait
            assert frame.mode == "L"
            want = (source.height, source.width) if number in c.turned_pages else source.size
            assert frame.size == want, number


def test_scan_page_keeps_the_size_and_greys_the_paper() -> None:
    page = Image.new("L", (400, 300), 255)
    page.paste(0, (100, 100, 300, 120))
    out = scans().scan_page(page, angle=1.5, noise=8, blur=0.6, seed=7)
    assert out.size == page.size and out.mode == "L"
    arr = np.asarray(out, dtype=np.float64)
    assert 230 <= np.median(arr) <= 246  # grey paper, not white
    assert arr[105:115, 150:250].mean() < 80  # the bar is still dark
    assert np.array_equal(arr, np.asarray(scans().scan_page(page, angle=1.5, noise=8, blur=0.6, seed=7)))
    assert not np.array_equal(arr, np.asarray(scans().scan_page(page, angle=1.5, noise=8, blur=0.6, seed=8)))
