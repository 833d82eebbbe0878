"""Only what a conversion uses is imported: plugins load their libraries at the first read or write.

Each case runs the real CLI in a fresh interpreter (`--jobs 1`: the
conversion runs in that process, where a library hidden as missing stays
missing) and looks at `sys.modules` at the end. A missing library still
breaks its plugin when the registry lists it, as when plugins imported their
libraries at the top.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from gongkai.cli import EXIT_NO_READER, EXIT_OK, EXIT_USAGE

GENERATED = FIXTURES / "generated"
PDF_LIBRARIES = {"pdfminer", "pdfplumber", "pypdfium2"}
# The libraries of the other formats, the test-only python-docx, the CLI's optional progress bar, Dask, and
# the OCR extra's (numpy, OpenCV, Pillow, ONNX Runtime: a document with a text layer never needs them).
LIBRARIES = {
    "lxml",
    "xlsxwriter",
    "simplejson",
    "chardet",
    "docx",
    "openpyxl",
    "tqdm",
    "distributed",
    "numpy",
    "cv2",
    "PIL",
    "onnxruntime",
    "rapidocr_onnxruntime",
}

_RUN = """
import json, sys
for name in json.loads(sys.argv[1]):
    sys.modules[name] = None  # as if it were not installed
from gongkai.cli import main
code = main(sys.argv[2:])
print(json.dumps([code, sorted({m.split(".")[0] for m, v in sys.modules.items() if v is not None})]))
"""


def run(*args: str, hide: tuple[str, ...] = ()) -> tuple[int, set[str], str, str]:
    """`gongkai ARGS` in a fresh interpreter: exit code, top-level modules imported, what it printed, stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(hide), *args], capture_output=True, text=True, timeout=120
    )
    *printed, last = done.stdout.splitlines()
    code, modules = json.loads(last)
    return code, set(modules), "\n".join(printed), done.stderr


def first(fmt: str) -> Path:
    return min((GENERATED / fmt).glob(f"*.{fmt}"))


@pytest.mark.parametrize(
    ("fmt", "to", "used"),
    [
        ("txt", "json", {"simplejson"}),
        ("txt", "csv", set()),
        ("docx", "json", {"lxml", "simplejson"}),
        ("html", "json", {"lxml", "simplejson"}),
        ("txt", "xlsx", {"xlsxwriter"}),
        ("pdf", "json", {"simplejson"}),
    ],
)
def test_a_conversion_imports_only_its_reader_and_writer(fmt: str, to: str, used: set[str], tmp_path: Path) -> None:
    out = tmp_path / f"out.{to}"
    code, modules, _, _ = run("convert", str(first(fmt)), "-o", str(out), "-j", "1")
    assert code == EXIT_OK and out.stat().st_size > 0
    assert modules & LIBRARIES == used
    assert {m for m in modules if m.startswith("gongkai_")} >= {f"gongkai_{fmt}", f"gongkai_{to}"}


def test_a_conversion_imports_no_pdf_library(tmp_path: Path) -> None:
    code, modules, _, _ = run("convert", str(first("txt")), "-o", str(tmp_path / "out.json"), "-j", "1")
    assert code == EXIT_OK
    assert not modules & PDF_LIBRARIES


@pytest.mark.parametrize(
    ("engine", "used"), [("pdfium", {"pypdfium2", "pdfminer"}), ("pdfplumber", PDF_LIBRARIES - {"pypdfium2"})]
)
def test_a_pdf_imports_only_its_engine(engine: str, used: set[str], tmp_path: Path) -> None:
    """PDFium draws the pages, pdfminer's parser measures them: pdfplumber loads only when asked for."""
    out = tmp_path / "out.json"
    code, modules, _, _ = run("convert", str(first("pdf")), "-R", f"engine={engine}", "-o", str(out), "-j", "1")
    assert code == EXIT_OK and out.stat().st_size > 0
    assert modules & PDF_LIBRARIES == used


def test_listing_the_plugins_imports_no_format_library() -> None:
    code, modules, listing, _ = run("plugins")
    assert code == EXIT_OK and listing.count(" ok ") == 9
    assert not modules & LIBRARIES


def test_without_the_ocr_extra_the_plugin_says_what_to_install() -> None:
    code, _, listing, _ = run("plugins", hide=("rapidocr_onnxruntime",))
    status = {line.split()[0]: line for line in listing.splitlines()}
    assert code == EXIT_OK
    assert (
        "broken (ModuleNotFoundError: No module named 'rapidocr_onnxruntime' (pip install 'gongkai[ocr]'))"
        in (status["gongkai.ocr"])
    )
    assert " ok " in status["gongkai.pdf"]


def test_a_missing_library_breaks_its_plugins_when_listed(tmp_path: Path) -> None:
    code, _, listing, _ = run("plugins", hide=("lxml", "xlsxwriter"))
    assert code == EXIT_OK
    status = {line.split()[0]: line for line in listing.splitlines()}
    for plugin, library in (("gongkai.docx", "lxml"), ("gongkai.html", "lxml"), ("gongkai.xlsx", "xlsxwriter")):
        assert f"broken (ModuleNotFoundError: No module named '{library}')" in status[plugin]
    assert " ok " in status["gongkai.txt"] and " ok " in status["gongkai.json"]

    # A clear refusal, as before, never a traceback at the first read or write; the rest still convert.
    docx = first("docx")
    code, _, _, stderr = run("convert", str(docx), "-o", str(tmp_path / "a.json"), "-j", "1", hide=("lxml",))
    assert (code, stderr) == (EXIT_NO_READER, f"gongkai: {docx}: no installed reader recognises '.docx' files\n")
    code, _, _, stderr = run(
        "convert", str(first("txt")), "-o", str(tmp_path / "a.xlsx"), "-j", "1", hide=("xlsxwriter",)
    )
    assert code == EXIT_USAGE and stderr.startswith("gongkai: no writer for") and "Traceback" not in stderr
    code, _, _, _ = run(
        "convert", str(first("txt")), "-o", str(tmp_path / "a.json"), "-j", "1", hide=("lxml", "xlsxwriter")
    )
    assert code == EXIT_OK
