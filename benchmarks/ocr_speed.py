"""OCR of scanned reports: seconds per page, peak memory and cells right, per engine and resolution.

    .venv/bin/python benchmarks/ocr_speed.py [--cases N] [--dpi 150,200,300] [--long PAGES]

Each engine installed ("rapidocr", the default; "tesseract" where Debian's
tesseract-ocr and tesseract-ocr-chi-sim are) converts the first `--cases`
generated scans (``fixtures/generator/scans.py``, PDFs of pictures) at each
resolution the pages are drawn at for OCR (``-R ocr_dpi``), each run in a
fresh process: wall and CPU seconds per page (the process's and its
children's, tesseract's included), its peak resident memory, and the share
of table cells exactly right against the expected files. `--long` makes a
scan of that many pages (the cases' pages over and over) and prints the
peak memory of converting it beside that of its first five pages: flat
memory means the two are close.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "fixtures" / "generator" / "scans.py"

_RUN = """
import json, resource, sys, time
from decimal import Decimal
import gongkai
path, engine, dpi, expected = sys.argv[1:5]
wall, cpu = time.perf_counter(), time.process_time()
report = gongkai.convert(path, options={"ocr": engine, "ocr_dpi": dpi})
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
right = total = 0
if expected:
    for table, rows in json.load(open(expected))["tables"].items():
        for row, cols in rows.items():
            for col, value in cols.items():
                total += 1
                cell = report.tables.get(table, {}).get(row, {}).get(col)
                got = None if cell is None else cell.value
                right += (got is None and value is None) or (
                    got is not None and value is not None and Decimal(str(got)) == Decimal(str(value)))
children, me = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"pages": report.source.pages, "wall": wall, "cpu": cpu + children.ru_utime + children.ru_stime,
                  "right": right, "total": total, "peak_mb": max(me.ru_maxrss, children.ru_maxrss) / 1024}))
"""


def scans_module() -> Any:
    spec = importlib.util.spec_from_file_location("gongkai_fixture_scans", SCANS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def engines() -> list[str]:
    from gongkai.plugins import get_registry

    return list(get_registry().ocr_engines)


def convert(path: Path, engine: str, dpi: float, expected: Path | None) -> dict[str, float]:
    """One conversion in a fresh process: its figures and its peak resident memory (MB, its own or the
    largest of the processes it started)."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(path), engine, str(dpi), str(expected or "")],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4, help="how many generated scans (PDFs of pictures)")
    parser.add_argument("--dpi", default="150,200,300", help="resolutions pages are drawn at for OCR")
    parser.add_argument("--long", type=int, default=0, help="also a scan of this many pages, for memory")
    args = parser.parse_args()
    scans = scans_module()
    cases = [c for c in scans.CASES if c.kind == "pdf" and not c.name.startswith("blank")][: args.cases]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = [(scans.make(c, work), c.expected) for c in cases]
        print(f"{len(files)} scans (PDFs of pictures), {', '.join(c.name for c in cases)}")
        for engine in engines():
            for dpi in (float(d) for d in args.dpi.split(",")):
                runs = [convert(path, engine, dpi, expected) for path, expected in files]
                pages = sum(r["pages"] for r in runs)
                wall, cpu = sum(r["wall"] for r in runs) / pages, sum(r["cpu"] for r in runs) / pages
                right, total = sum(r["right"] for r in runs), sum(r["total"] for r in runs)
                peak = max(r["peak_mb"] for r in runs)
                print(
                    f"  {engine:10} {dpi:4.0f} dpi: {wall:5.2f} s/page wall, {cpu:5.2f} s/page CPU, "
                    f"peak {peak:5.0f} MB, cells right {right}/{total} ({100 * right / total:.2f}%)"
                )
        if args.long:
            long_scan(scans, cases, work, args.long)


def long_scan(scans: Any, cases: list[Any], work: Path, pages: int) -> None:
    """Peak memory of a `pages`-page scan beside its first five pages."""
    import pypdfium2 as pdfium

    parts = [pdfium.PdfDocument(scans.make(c, work)) for c in cases]
    for size in (5, pages):
        out = pdfium.PdfDocument.new()
        while len(out) < size:
            part = parts[len(out) % len(parts)]
            out.import_pages(part, pages=[len(out) % len(part)])
        path = work / f"long-{size}.pdf"
        out.save(path)
        start = time.perf_counter()
        for engine in engines()[:1]:
            result = convert(path, engine, 200.0, None)
            print(
                f"  a {size}-page scan, {engine}: peak {result['peak_mb']:.0f} MB, "
                f"{(time.perf_counter() - start) / size:.2f} s/page wall"
            )


if __name__ == "__main__":
    main()
