"""Time of recognition alone (Layout → Report, checks included), per format, reader time left out.

    python benchmarks/recognise_speed.py [--repeat N] [--formats txt,docx,html,pdf] [--no-cold]

Reads each committed fixture's Layout once (fixtures/generated/<fmt>/, and
fixtures/seeds for txt), then times `recognise` on it. Prints, as the median
over the reports: first sight (its first recognition in a process that has
recognised the reports before it, of every format in turn, as in a bulk
run: what the caches know of labels comes from other documents), warm (the
median of N more times), uncached (the same with the recogniser's caches of
texts emptied before each time, as for the first document a process sees;
what is loaded once stays), and cold (its first recognition in a fresh
process: lazy loading and empty caches).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gongkai.api import load_input, pick_reader
from gongkai.hookspecs import Document
from gongkai.layout import Layout
from gongkai.plugins import get_registry
from gongkai.recognise import recognise

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def read_layout(path: Path) -> Layout | None:
    data, name = load_input(path)
    result = pick_reader(data, name, get_registry()).read(Document(data=data, name=name, options={}))
    return result if isinstance(result, Layout) else None


def clear_caches() -> None:
    """Empty the bounded caches of the core's functions (texts seen before), keeping what is loaded once."""
    for name, module in list(sys.modules.items()):
        if name.startswith("gongkai") and module is not None:
            for f in vars(module).values():
                if hasattr(f, "cache_clear") and f.cache_parameters()["maxsize"] is not None:
                    f.cache_clear()


def time_once(layout: Layout, uncached: bool = False) -> float:
    templates = get_registry().templates
    if uncached:
        clear_caches()
    start = time.perf_counter()
    recognise(layout, templates)
    return time.perf_counter() - start


def cold(path: Path) -> float:
    """The first recognition in a fresh process (plugins and templates loaded, the layout read, before timing)."""
    out = subprocess.run([sys.executable, __file__, "--cold-one", str(path)], capture_output=True, text=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--formats", default="txt,docx,html,pdf")
    parser.add_argument("--no-cold", action="store_true")
    parser.add_argument("--cold-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_one:
        layout = read_layout(args.cold_one)
        print(time_once(layout) if layout else "nan")
        return
    formats = args.formats.split(",")
    layouts: dict[str, list[tuple[Path, Layout]]] = {}
    for fmt in formats:
        files = sorted((FIXTURES / "generated" / fmt).glob(f"*.{fmt}"))
        files += sorted((FIXTURES / "seeds").glob("*.txt")) if fmt == "txt" else []
        layouts[fmt] = [(path, layout) for path in files if (layout := read_layout(path)) is not None]
    sight: dict[str, list[float]] = {fmt: [] for fmt in formats}
    for n in range(max(len(v) for v in layouts.values())):  # the formats interleaved, each report once
        for fmt in formats:
            if n < len(layouts[fmt]):
                sight[fmt].append(time_once(layouts[fmt][n][1]))
    print(f"{'format':<8} {'docs':>5} {'first sight':>12} {'warm ms':>8} {'uncached ms':>12} {'cold ms':>8}")
    for fmt in formats:
        warm, uncached, first = [], [], []
        for path, layout in layouts[fmt]:
            warm.append(statistics.median(time_once(layout) for _ in range(args.repeat)))
            uncached.append(statistics.median(time_once(layout, uncached=True) for _ in range(args.repeat)))
            if not args.no_cold:
                first.append(cold(path))
        cold_ms = f"{statistics.median(first) * 1000:>8.1f}" if first else f"{'-':>8}"
        print(
            f"{fmt:<8} {len(warm):>5} {statistics.median(sight[fmt]) * 1000:>12.1f} "
            f"{statistics.median(warm) * 1000:>8.1f} {statistics.median(uncached) * 1000:>12.1f} {cold_ms}"
        )


if __name__ == "__main__":
    main()
