"""Reports per second of bulk conversion: 1 and 2 local workers, and a Dask LocalCluster of 2 workers.

    .venv/bin/python benchmarks/bulk_speed.py [--count 2000] [--keep DIR]

Generates at least `--count` reports of mixed formats into a temporary
folder — DOCX and HTML rendered by the fixture generator's model and
renderers under many seeds, plus copies (new names, same bytes) of the
committed PDFs in fixtures/generated/pdf and of the real seeds — then
converts them all through each executor, the parent unpickling every report
as the CLI does. Prints reports per second and the peak resident memory of
each worker (its ru_maxrss). Dask is skipped when it is not installed.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from gongkai.batch import Executor, Task, TaskOptions
from gongkai.dask_executor import DaskExecutor
from gongkai.pool import LocalPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures" / "generator"))


def generate(folder: Path, count: int) -> list[Path]:
    import docx_render  # type: ignore[import-not-found]
    import html_render  # type: ignore[import-not-found]
    import model  # type: ignore[import-not-found]

    pdfs = sorted((ROOT / "fixtures" / "generated" / "pdf").glob("*.pdf"))
    seeds = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
    copies = count // 10  # a tenth PDFs, a twentieth real text seeds, the rest DOCX and HTML
    for n, src in zip(range(copies), itertools.cycle(pdfs), strict=False):
        shutil.copyfile(src, folder / f"copy{n:05d}-{src.name}")
    for n, src in zip(range(copies // 2), itertools.cycle(seeds), strict=False):
        shutil.copyfile(src, folder / f"copy{n:05d}-{src.name}")
    made = len(list(folder.iterdir()))
    for seed in itertools.count(1):
        for doc in model.build(seed):
            if made >= count:
                return sorted(folder.iterdir())
            if doc.fmt == "docx":
                docx_render.render(doc, folder / f"s{seed}-{doc.name}.docx")
            elif doc.fmt == "html":
                html_render.render(doc, folder / f"s{seed}-{doc.name}.html")
            else:
                continue
            made += 1
    raise AssertionError("unreachable")


def measure(label: str, executor: Executor, files: list[Path]) -> tuple[float, Counter[str]]:
    tasks = [Task(i, str(p), str(p)) for i, p in enumerate(files)]
    statuses: Counter[str] = Counter()
    started = time.perf_counter()
    for _, outcome in executor.run(tasks, window=256):
        statuses[outcome.status] += 1
        if outcome.report is not None:
            outcome.load_report()  # the parent's share of the work
    seconds = time.perf_counter() - started
    print(f"{label:<28} {len(files) / seconds:8.1f} reports/s  ({seconds:.1f} s; {dict(statuses)})", flush=True)
    return seconds, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gongkai-bulk-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        files = generate(folder, args.count) if not any(folder.iterdir()) else sorted(folder.iterdir())
        kinds = Counter(p.suffix for p in files)
        print(f"{len(files)} reports {dict(kinds)} in {folder} ({time.perf_counter() - started:.1f} s to make)")
        options = TaskOptions(memory_mb=2048)
        for jobs in (1, 2):
            pool = LocalPool(options, jobs=jobs, timeout=120, recycle=200)
            try:
                measure(f"local pool, {jobs} worker(s)", pool, files)
                peaks = sorted(pool.peak_rss_kb.values())
            finally:
                pool.close()
            print(f"  peak RSS per worker process (MiB): {', '.join(f'{kb / 1024:.0f}' for kb in peaks)}")
        try:
            distributed: Any = importlib.import_module("distributed")
        except ImportError:
            print("dask: not installed (pip install 'gongkai[dask]'), skipped")
            return
        cluster = distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
        )
        try:
            dask = DaskExecutor(options, cluster.scheduler_address, timeout=120)
            try:
                measure("dask LocalCluster, 2 workers", dask, files)
                peaks_kb = dask.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            finally:
                dask.close()
            print(f"  peak RSS per Dask worker (MiB): {', '.join(f'{kb / 1024:.0f}' for kb in peaks_kb.values())}")
        finally:
            cluster.close()
        print(f"parent peak RSS (MiB): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
