"""gongkai against a pdfplumber-only pipeline on the same PDFs, side by side; and whole-process CPU time.

    .venv/bin/python benchmarks/pdf_speed.py [--rounds N] [--runs N]

In one process, interleaved (each round converts every PDF once through
each pipeline, in turn), CPU time per page over the committed fixture PDFs:

- gongkai: `gongkai.convert` with the default engine (PDFium), the whole
  conversion (reading, recognition, checks);
- gongkai, `-R engine=pdfplumber`: the same through pdfplumber;
- a bare pdfplumber pipeline: open, then `extract_text` and
  `extract_tables` of each page, nothing else.

Then the ratio; the same for one 6-page PDF (two 3-page fixtures joined by
PDFium, made here); and the CPU time (user + system, median of `--runs`,
the workers they start included, as in `benchmarks/startup.py`) of whole
processes converting one file: that 6-page PDF, a DOCX and an HTML report,
beside `python -c pass` and `python -c "import gongkai"`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

import gongkai

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import PR_SET_CHILD_SUBREAPER, cpu_seconds  # noqa: E402 (a script beside this one)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def bare_pdfplumber(path: Path) -> int:
    """The pipeline anyone would write with pdfplumber alone; its page count."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def pipelines() -> dict[str, object]:
    return {
        "gongkai (PDFium)": lambda p: gongkai.convert(p),
        "gongkai (pdfplumber engine)": lambda p: gongkai.convert(p, options={"engine": "pdfplumber"}),
        "bare pdfplumber": bare_pdfplumber,
    }


def side_by_side(files: list[Path], rounds: int) -> dict[str, float]:
    pages = sum(len(pdfium.PdfDocument(p)) for p in files)
    runs = pipelines()
    spent = dict.fromkeys(runs, 0.0)
    for path in files:  # warm-up: imports, caches, the registry
        for run in runs.values():
            run(path)  # type: ignore[operator]
    for _ in range(rounds):
        for path in files:
            for name, run in runs.items():
                gc.collect()
                start = time.process_time()
                run(path)  # type: ignore[operator]
                spent[name] += time.process_time() - start
    per_page = {name: 1000 * total / (pages * rounds) for name, total in spent.items()}
    print(f"{len(files)} PDF{'s' * (len(files) > 1)}, {pages} pages, {rounds} rounds, in-process CPU time:")
    for name, ms in per_page.items():
        print(f"  {name:30} {ms:7.1f} ms per page")
    ratio = per_page["bare pdfplumber"] / per_page["gongkai (PDFium)"]
    print(f"  bare pdfplumber / gongkai: {ratio:.1f}x (the goal: 10x)")
    return per_page


def six_pages(work: Path) -> Path:
    """A 6-page PDF: two 3-page fixtures, one after the other."""
    out = pdfium.PdfDocument.new()
    for name in ("pdf-05-official-gov2019-long-prose.pdf", "pdf-12-official-hybrid-long-prose.pdf"):
        out.import_pages(pdfium.PdfDocument(FIXTURES / "generated" / "pdf" / name))
    path = work / "six-pages.pdf"
    out.save(path)
    assert len(pdfium.PdfDocument(path)) == 6
    return path


def whole_processes(runs: int) -> None:
    with contextlib.suppress(OSError, AttributeError):  # count the workers a convert starts (Linux)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)
    gongkai_cli = [str(Path(sys.executable).with_name("gongkai")), "convert"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx = sorted((FIXTURES / "generated" / "docx").glob("*.docx"))[0]
        html = sorted((FIXTURES / "generated" / "html").glob("*.html"))[0]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import gongkai'": [sys.executable, "-c", "import gongkai"],
            "convert a 6-page PDF": [*gongkai_cli, str(six_pages(work)), "-o", str(work / "pdf.json")],
            f"convert {docx.name}": [*gongkai_cli, str(docx), "-o", str(work / "docx.json")],
            f"convert {html.name}": [*gongkai_cli, str(html), "-o", str(work / "html.json")],
        }
        print(f"whole processes, CPU time (user + system, the workers they start included), median of {runs}:")
        for name, command in commands.items():
            cpu_seconds(command)  # warm the page cache
            print(f"  {name:50} {statistics.median(cpu_seconds(command)[1] for _ in range(runs)):5.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for p in FIXTURES.rglob("*.pdf"))
    side_by_side(files, args.rounds)
    with tempfile.TemporaryDirectory() as tmp:  # a longer report: what each document costs once weighs less
        side_by_side([six_pages(Path(tmp))], 3 * args.rounds)
    whole_processes(args.runs)


if __name__ == "__main__":
    main()
