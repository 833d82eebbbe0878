"""Whole-process CPU time of short gongkai commands: what starting up costs beside the work.

    .venv/bin/python benchmarks/startup.py [--runs N]

Prints the median user+sys CPU seconds, over N runs (default 9), of
`python -c pass`, `python -c "import gongkai"` and `gongkai convert` of the
first txt, docx, html and pdf file of fixtures/generated/ to a temporary
JSON file. Two columns: `process` is what `/usr/bin/time` reports for the
command (the process and the children it waited for), `all` adds the
worker and fork server that `convert` starts (adopted as a Linux child
subreaper, so their time is counted too). The `gongkai` command is the one
beside the python running this. Where the time goes:
`python -X importtime -m gongkai.cli convert FILE -o /tmp/x.json -j 1`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "fixtures" / "generated"
PR_SET_CHILD_SUBREAPER = 36  # prctl(2)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds(command: list[str]) -> tuple[float, float]:
    """User+sys CPU of one run of `command`: of the process, and of every process it started."""
    start = children_cpu()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    process = children_cpu() - start
    with contextlib.suppress(ChildProcessError):
        while True:
            os.wait()  # the pool's worker and fork server, orphaned by the command's exit and adopted here
    return process, children_cpu() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with contextlib.suppress(OSError, AttributeError):  # elsewhere than Linux, `all` is `process`
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)
    gongkai = str(Path(sys.executable).with_name("gongkai"))
    out = os.path.join(tempfile.mkdtemp(), "out.json")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import gongkai": [sys.executable, "-c", "import gongkai"],
    }
    for fmt in ("txt", "docx", "html", "pdf"):
        commands[f"convert {fmt}"] = [gongkai, "convert", str(min((GENERATED / fmt).glob(f"*.{fmt}"))), "-o", out]
    print(f"{'median CPU (s)':16} {'process':>8} {'all':>8}")
    for label, command in commands.items():
        cpu_seconds(command)  # warm the page cache and the bytecode caches
        runs = [cpu_seconds(command) for _ in range(args.runs)]
        process, everything = (statistics.median(r[i] for r in runs) for i in (0, 1))
        print(f"{label:16} {process:8.3f} {everything:8.3f}")


if __name__ == "__main__":
    main()
