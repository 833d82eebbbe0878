"""Time and memory of writing a data set of many reports, per writer shape.

    python benchmarks/write_datasets.py [--reports 1000,10000] [--shapes csv,csv-wide,xlsx,jsonl] [--no-compare]

The reports are made, not converted: each is a copy of one of the seed
reports with its figures, names, paths and hashes varied, produced lazily
one at a time (as `gongkai convert FOLDER -o data.xlsx` hands them to a
writer). Each measurement runs in a subprocess of its own:

- time: wall time of `writer.write(reports, file, {})`, less the time of
  producing the reports alone (measured in the same process first);
- rss: the growth of the process's peak resident memory (ru_maxrss) while
  writing, over its peak after producing the same reports without writing;
- traced: the peak of Python allocations (tracemalloc) while writing, in a
  second run (tracing slows the run, so it is not timed).

A writer that keeps memory flat shows the same rss and traced peaks for
1,000 and 10,000 reports. With --compare (the default) it also writes the
data-set table sheets (one row per report, one number per cell) with
xlsxwriter (normal and constant_memory) and openpyxl (normal and write_only):
the measurement behind the xlsx writer's choice of library.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ("csv", "csv-wide", "xlsx", "jsonl")
LIBRARIES = ("xlsxwriter", "xlsxwriter-constant-memory", "openpyxl", "openpyxl-write-only")


# --- the reports ----------------------------------------------------------------


@cache
def seed_reports() -> list[Any]:
    """The seed reports, converted once with only the txt reader loaded (the others' libraries are slow to import)."""
    import gongkai
    import gongkai_txt
    from gongkai import builtin_templates
    from gongkai.plugins import Registry

    registry = Registry()
    registry.add_plugin(gongkai_txt, "gongkai.txt")
    registry.add_plugin(builtin_templates, "gongkai.templates")
    return [gongkai.convert(p, registry=registry) for p in sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))]


def vary(value: Any, i: int) -> Any:
    if value is None or i == 0:
        return value
    if isinstance(value, Decimal):
        return value + Decimal(i % 1000) / 10
    return value + i % 37


def make_reports(n: int) -> Iterator[Any]:
    """n reports, one at a time: seed copies with new figures, names and sources; nothing kept."""
    from gongkai.model import Cell, Finding, Meta, Report, Source

    seeds = seed_reports()
    for i in range(n):
        seed = seeds[i % len(seeds)]
        tables = {
            t: {
                r: {
                    c: Cell(vary(cell.value, i), cell.raw, cell.where, cell.derived, cell.unit, cell.note)
                    for c, cell in cols.items()
                }
                for r, cols in rows.items()
            }
            for t, rows in seed.tables.items()
        }
        yield Report(
            template=seed.template,
            template_reason=seed.template_reason,
            meta=Meta(
                title=f"{seed.meta.title}（{i}）",
                agency=f"{seed.meta.agency}{i}",
                signed_by=seed.meta.signed_by,
                year=seed.meta.year,
                published=seed.meta.published,
            ),
            source=Source(
                path=f"synthetic/{i:06d}.txt",
                format="txt",
                sha256=hashlib.sha256(str(i).encode()).hexdigest(),
                size=seed.source.size,
                encoding="utf-8",
            ),
            tables=tables,
            layouts=dict(seed.layouts),
            findings=[Finding(f.code, f.message, f.severity, f.rule, f.table, f.row, f.column) for f in seed.findings],
            checks=dict(seed.checks),
            status=seed.status,
        )


# --- writers --------------------------------------------------------------------


def writers() -> dict[str, Any]:
    """The writers, loaded through the plugin door (whether or not their entry points are installed)."""
    import gongkai_csv
    import gongkai_json
    import gongkai_xlsx
    from gongkai.plugins import Registry

    registry = Registry()
    for module, name in ((gongkai_json, "gongkai.json"), (gongkai_csv, "gongkai.csv"), (gongkai_xlsx, "gongkai.xlsx")):
        registry.add_plugin(module, name)
    return dict(registry.writers)


def table_rows(n: int) -> Iterator[dict[str, list[Any]]]:
    """For the library comparison: per report, one row of numbers per table (the data-set table sheets)."""
    for report in make_reports(n):
        yield {
            t: [
                report.source.path,
                *(float(c.value) if c.value is not None else None for cols in rows.values() for c in cols.values()),
            ]
            for t, rows in report.tables.items()
        }


def write_with(library: str, n: int, path: Path) -> None:
    tables = ("active_disclosure", "applications", "review_litigation")
    if library.startswith("xlsxwriter"):
        import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

        wb = xlsxwriter.Workbook(str(path), {"constant_memory": library.endswith("constant-memory")})
        sheets = {t: wb.add_worksheet(t) for t in tables}
        for r, rows in enumerate(table_rows(n)):
            for t, values in rows.items():
                sheets[t].write_row(r, 0, values)
        wb.close()
    else:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]

        write_only = library.endswith("write-only")
        wb = openpyxl.Workbook(write_only=write_only)
        if not write_only:
            wb.remove(wb.active)
        sheets = {t: wb.create_sheet(t) for t in tables}
        for rows in table_rows(n):
            for t, values in rows.items():
                sheets[t].append(values)
        wb.save(str(path))


# --- one measurement in a child process -----------------------------------------


def child(what: str, n: int, traced: bool) -> dict[str, Any]:
    compare = what in LIBRARIES
    producer = table_rows if compare else make_reports
    seed_reports()  # converted before anything is measured
    all_writers = {} if compare else writers()
    start = time.perf_counter()
    for _ in producer(n):  # producing alone: the baseline of time and memory
        pass
    produce = time.perf_counter() - start
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out.{what}"
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        if compare:
            write_with(what, n, path)
        else:
            with path.open("wb") as out:
                all_writers[what].write(make_reports(n), out, {})
        took = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        size = path.stat().st_size
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return {"what": what, "n": n, "seconds": took - produce, "rss_kib": rss, "traced": peak, "bytes": size}


def run_child(what: str, n: int, traced: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", what, str(n)] + (["--traced"] if traced else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"what": what, "n": n, "error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", default="1000,10000", help="comma-separated counts of reports")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--no-compare", action="store_true", help="skip the openpyxl/xlsxwriter comparison")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.traced)))
        return
    counts = [int(c) for c in args.reports.split(",")]
    jobs = [(s, n) for s in args.shapes.split(",") for n in counts]
    if not args.no_compare:
        jobs += [(lib, n) for lib in LIBRARIES for n in counts]
    header = (
        f"{'writer':<28} {'reports':>8} {'seconds':>8} {'ms/report':>10} "
        f"{'rss MiB':>8} {'traced MiB':>11} {'out MiB':>8}"
    )
    print(header)
    for what, n in jobs:
        timed = run_child(what, n, traced=False)
        if "error" in timed:
            line = f"{what:<28} {n:>8} failed: {timed['error']}"
        else:
            traced = run_child(what, n, traced=True)
            line = (
                f"{what:<28} {n:>8} {timed['seconds']:>8.2f} {timed['seconds'] / n * 1000:>10.3f} "
                f"{timed['rss_kib'] / 1024:>8.1f} {traced.get('traced', 0) / 2**20:>11.1f} "
                f"{timed['bytes'] / 2**20:>8.1f}"
            )
        print(line, flush=True)


if __name__ == "__main__":
    main()
