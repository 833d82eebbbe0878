"""Reports per second of bulk conversion: 1 and 2 local workers, and a Dask LocalCluster of 2 workers.

    .venv/bin/python benchmarks/bulk_speed.py [--count 2000] [--keep DIR] [--no-dask]

Generates at least `--count` reports of mixed formats into a temporary
folder — DOCX and HTML rendered by the fixture generator's model and
renderers under many seeds, plus copies (new names, same bytes) of the
committed PDFs in fixtures/generated/pdf and of the real seeds — then
converts them all twice:

- the data-set path: through each executor, the parent unpickling every
  report as it does for a `.jsonl`, `.csv` or `.xlsx` output;
- the folder path the CLI really uses for `-o OUT/` (`cli.bulk.to_folder`):
  every output written, the manifest, the summary counts — in this process
  (`--jobs 1`) and through 1 and 2 local workers.

Prints reports per second, the parent's CPU time per report (its own
getrusage, not the workers': what limits a batch at 8 or more workers) and
the peak resident memory of each worker (its ru_maxrss). Dask is skipped
when it is not installed (or with --no-dask).
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

from gongkai.api import writer_for
from gongkai.batch import Executor, InlineExecutor, Task, TaskOptions
from gongkai.cli.bulk import Batch, to_folder
from gongkai.cli.inputs import collect
from gongkai.dask_executor import DaskExecutor
from gongkai.manifest import MANIFEST_NAME, Manifest, fingerprint
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


def parent_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def show(label: str, count: int, seconds: float, cpu: float, statuses: dict[str, int]) -> None:
    print(
        f"{label:<34} {count / seconds:8.1f} reports/s  parent CPU {cpu * 1000 / count:6.2f} ms/report"
        f"  ({seconds:.1f} s; {statuses})",
        flush=True,
    )


def measure(label: str, executor: Executor, files: list[Path]) -> tuple[float, Counter[str]]:
    tasks = [Task(i, str(p), str(p)) for i, p in enumerate(files)]
    statuses: Counter[str] = Counter()
    cpu, started = parent_cpu(), time.perf_counter()
    for _, outcome in executor.run(tasks, window=256):
        statuses[outcome.status] += 1
        if outcome.report is not None:
            outcome.load_report()  # the parent's share of the work
    seconds = time.perf_counter() - started
    show(label, len(files), seconds, parent_cpu() - cpu, dict(statuses))
    return seconds, statuses


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


def measure_folder(label: str, executor: Executor, folder: Path) -> None:
    """`gongkai convert FOLDER -o OUT/ --force` as the CLI runs it (outputs, manifest, counts), into a fresh OUT."""
    inputs, _ = collect([str(folder)])
    writer = writer_for(to="json")
    args = argparse.Namespace(options={}, force=True, retry_failed=False)
    out = Path(tempfile.mkdtemp(prefix="gongkai-bulk-out-"))
    manifest = Manifest(out / MANIFEST_NAME)
    batch = Batch(total=len(inputs))
    try:
        cpu, started = parent_cpu(), time.perf_counter()
        try:
            to_folder(
                inputs, out, writer, args, executor, manifest, fingerprint(None, None, {}, "json", {}), batch, _NoBar()
            )
        finally:
            manifest.close()
        seconds = time.perf_counter() - started
        show(label, len(inputs), seconds, parent_cpu() - cpu, batch.counts)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--no-dask", action="store_true", help="leave the Dask LocalCluster out")
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
        measure_folder("folder output, in process (-j 1)", InlineExecutor(options), folder)
        for jobs in (1, 2):
            pool = LocalPool(options, jobs=jobs, timeout=120, recycle=200)
            try:
                measure_folder(f"folder output, {jobs} worker(s)", pool, folder)
            finally:
                pool.close()
        if args.no_dask:
            return
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
                measure_folder("folder output, dask, 2 workers", dask, folder)
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
