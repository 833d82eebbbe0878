"""Time and memory of converting the fixtures, per format.

    python benchmarks/convert_speed.py [--repeat N] [FOLDER ...]

Prints, for each reader format, the median time per document and per page
(documents without pages count as one page), and the peak traced memory of
one conversion. Defaults to every file under fixtures/ that some reader takes.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import gongkai

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[ROOT / "fixtures"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    found = (p for folder in args.folders for p in folder.rglob("*") if p.is_file())
    files = sorted(p for p in found if p.suffix != ".json")
    per_doc: dict[str, list[float]] = defaultdict(list)
    per_page: dict[str, list[float]] = defaultdict(list)
    peak: dict[str, int] = defaultdict(int)
    for path in files:
        try:
            report = gongkai.convert(path)  # warm-up, and the format
        except gongkai.GongkaiError:
            continue
        if report.status == "no_tables":  # not a report (a script, an expected-values file)
            continue
        fmt = report.source.format or "?"
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            gongkai.convert(path)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        gongkai.convert(path)
        peak[fmt] = max(peak[fmt], tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        best = statistics.median(times)
        per_doc[fmt].append(best)
        per_page[fmt].append(best / (report.source.pages or 1))
    print(f"{'format':<8} {'docs':>5} {'median ms/doc':>14} {'median ms/page':>15} {'peak traced MiB':>16}")
    for fmt in sorted(per_doc):
        print(
            f"{fmt:<8} {len(per_doc[fmt]):>5} {statistics.median(per_doc[fmt]) * 1000:>14.2f} "
            f"{statistics.median(per_page[fmt]) * 1000:>15.2f} {peak[fmt] / 2**20:>16.2f}"
        )


if __name__ == "__main__":
    main()
