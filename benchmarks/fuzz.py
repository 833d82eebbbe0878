"""The long fuzzing run: many mutated fixtures and generated inputs, each in a worker under a time and memory limit.

    python benchmarks/fuzz.py --cases 100000 [--formats txt,md,html,docx,pdf,gen:txt,gen:html] [--seed S]
                              [--jobs N] [--timeout SECONDS] [--memory-mb MB] [--save DIR] [--no-large]
    python benchmarks/fuzz.py --replay SOURCE:SEED     # one case in this process, with its traceback
    python benchmarks/fuzz.py --minimize SOURCE:SEED   # shrink a failing case, save it under SAVE/repro/

Each case is (source, seed): a fixture (a path relative to the repository)
mutated as `tests/fuzzing/mutate.py` says, or `gen:txt` / `gen:html`, a
generated report; the same pair always gives the same bytes. Within a format
the k-th case takes the format's fixtures in turn, with seed S + k // (number
of fixtures), so no two cases of a run are the same.

A case runs in a worker process through `gongkai.convert` and is judged by
`tests/fuzzing/verdict.py`: report, error (one line), bad-error (a
GongkaiError that is not one line), exception (anything else), memory (the
resident set grew past --memory-mb, or an allocation failed under the
worker's RLIMIT_AS cap, set to its size at start plus twice that), timeout
(past --timeout: the worker is asked for its stack, then killed and
replaced), died (the worker was killed by a signal or exited). Errors that
are a reader's own exception caught by convert()'s safety net are counted
apart. Every failing input is saved under --save with a JSON note saying how
to reproduce it. The summary prints counts per format and outcome, the
slowest cases, the largest memory peaks and every failure, grouped by kind.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import heapq
import json
import multiprocessing
import os
import re
import resource
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import corpus, minimize, mutate, verdict  # noqa: E402

FORMATS = (*corpus.FORMATS, "gen:txt", "gen:html")
RECYCLE = 300  # cases per worker before it is replaced (memory cannot creep)
STACK_WAIT = 2.0  # seconds given a timed-out worker to write its stack before it is killed


@dataclass
class Options:
    timeout: float
    memory_mb: int
    large: bool


# ---------------------------------------------------------------- worker


def _vm_size_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    return 0


def _worker(conn: Connection, options: Options, log_path: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    log = open(log_path, "a+b", buffering=0)  # noqa: SIM115 - the worker's stderr for its whole life
    os.dup2(log.fileno(), 2)
    faulthandler.register(signal.SIGUSR1, file=log, all_threads=True)
    verdict.MEMORY_LIMIT_MB = options.memory_mb
    cap = (_vm_size_kb() * 1024) + 2 * options.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, source, seed = task
        try:
            case = mutate.build_case(source, seed, large=options.large)
        except MemoryError:
            conn.send((index, None, "", "", 0))
            continue
        except Exception as exc:  # the fuzzer's own bug: counted apart, never taken for the reader's
            conn.send((index, asdict(verdict.Verdict("harness", repr(exc)[:300], 0.0, 0.0, "build")), "", "", 0))
            continue
        conn.send(("start", index))
        before = os.lseek(2, 0, os.SEEK_END)
        result = verdict.run(case.data, case.name, case.reader)
        after = os.lseek(2, 0, os.SEEK_END)
        noise = os.pread(2, min(after - before, 2000), before).decode("utf-8", "replace") if after > before else ""
        conn.send((index, asdict(result), case.describe(), noise, len(case.data)))


@dataclass
class _Slot:
    process: Any
    conn: Connection
    log: str
    task: tuple[int, str, int] | None = None
    deadline: float = 0.0
    count: int = 0


class Pool:
    def __init__(self, options: Options, jobs: int) -> None:
        self.options = options
        self.jobs = jobs
        self.context = multiprocessing.get_context("fork")
        self.folder = tempfile.mkdtemp(prefix="gongkai-fuzz-workers-")
        self.started = 0

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        self.started += 1
        log = os.path.join(self.folder, f"worker-{self.started}.log")
        process = self.context.Process(target=_worker, args=(child, self.options, log), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent, log)

    @staticmethod
    def _stop(slot: _Slot, kill: bool) -> None:
        if not kill:
            try:
                slot.conn.send(None)
            except OSError:
                kill = True
        if kill:
            slot.process.kill()
        slot.process.join(5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join()
        slot.conn.close()
        with contextlib.suppress(OSError):
            os.unlink(slot.log)

    def run(
        self, tasks: Iterator[tuple[int, str, int]]
    ) -> Iterator[tuple[tuple[int, str, int], dict[str, Any], str, str, int]]:
        """(task, verdict as a dict, description, what the case wrote on stderr, input size) per task."""
        slots = [self._start() for _ in range(self.jobs)]
        pending: tuple[int, str, int] | None = next(tasks, None)
        try:
            while True:
                for i, slot in enumerate(slots):
                    if slot.task is None and pending is not None:
                        if slot.count >= RECYCLE:
                            self._stop(slot, kill=False)
                            slot = slots[i] = self._start()
                        slot.conn.send(pending)
                        slot.task, slot.count = pending, slot.count + 1
                        slot.deadline = time.monotonic() + 600  # building the case; the limit starts with "start"
                        pending = next(tasks, None)
                busy = [s for s in slots if s.task is not None]
                if not busy:
                    return
                timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic())
                ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout)
                now = time.monotonic()
                for i, slot in enumerate(slots):
                    if slot.task is None:
                        continue
                    task = slot.task
                    if slot.conn in ready:
                        try:
                            message = slot.conn.recv()
                        except (EOFError, OSError):
                            message = None
                        if message is not None and message[0] == "start":
                            slot.deadline = now + self.options.timeout
                            continue
                        if message is not None:
                            _index, result, described, noise, size = message
                            slot.task = None
                            if result is None:  # the case could not even be built under the cap
                                result = asdict(verdict.Verdict("memory", "building the case", 0.0, 0.0, "build"))
                            yield task, result, described, noise, size
                            if result["outcome"] == "memory":  # a C library out of memory may leave a broken state
                                self._stop(slot, kill=True)
                                slots[i] = self._start()
                            continue
                    if slot.process.sentinel in ready or not slot.process.is_alive():
                        slot.process.join(1)
                        code = slot.process.exitcode
                        cause = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                        yield task, asdict(verdict.Verdict("died", cause, 0.0, 0.0)), "", _tail(slot.log), 0
                        self._stop(slot, kill=True)
                        slots[i] = self._start()
                    elif now >= slot.deadline:
                        os.kill(slot.process.pid, signal.SIGUSR1)
                        time.sleep(STACK_WAIT)
                        stack = _tail(slot.log, 6000)
                        where = _stack_place(stack)
                        result = asdict(
                            verdict.Verdict(
                                "timeout", f"over {self.options.timeout:g} s", self.options.timeout, 0.0, where
                            )
                        )
                        result["trace"] = stack
                        yield task, result, "", "", 0
                        self._stop(slot, kill=True)
                        slots[i] = self._start()
        finally:
            for slot in slots:
                self._stop(slot, kill=True)
            with contextlib.suppress(OSError):
                os.rmdir(self.folder)


def _tail(path: str, n: int = 2000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - n))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _stack_place(stack: str) -> str:
    """The innermost frame of gongkai's code in a faulthandler dump (most recent call first)."""
    for line in stack.splitlines():
        m = re.search(r'File "([^"]*(?:core/gongkai|plugins/gongkai_\w+)/[^"]*)", line (\d+)', line)
        if m:
            return f"{'/'.join(Path(m.group(1)).parts[-2:])}:{m.group(2)}"
    return "?"


# ---------------------------------------------------------------- the run


def tasks(formats: list[str], cases: int, seed: int) -> Iterator[tuple[int, str, int]]:
    per_format: Counter[str] = Counter()
    for index in range(cases):
        fmt = formats[index % len(formats)]
        k = per_format[fmt]
        per_format[fmt] += 1
        if fmt.startswith("gen:"):
            yield index, fmt, seed + k
        else:
            files = corpus.files()[fmt]
            yield index, files[k % len(files)], seed + k // len(files)


def _suffix(source: str) -> str:
    return {"gen:txt": ".txt", "gen:html": ".html"}.get(source, Path(source).suffix or ".bin")


def save_case(folder: Path, source: str, seed: int, result: dict[str, Any], large: bool) -> Path:
    case = mutate.build_case(source, seed, large=large)
    stem = Path(source).stem if not source.startswith("gen:") else source.replace(":", "-")
    where = folder / result["outcome"] / case.format
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{stem}-s{seed}{_suffix(source)}"
    path.write_bytes(case.data)
    note = {
        "source": source,
        "seed": seed,
        "name": case.name,
        "reader": case.reader,
        "mutations": case.mutations,
        "verdict": {k: v for k, v in result.items() if k != "trace"},
        "trace": result.get("trace", ""),
        "reproduce": f"python benchmarks/fuzz.py --replay {source}:{seed}" + ("" if large else " --no-large"),
        "convert": f"gongkai.convert(open({str(path)!r}, 'rb').read(), name={case.name!r}, reader={case.reader!r})",
    }
    path.with_name(path.name + ".json").write_text(json.dumps(note, ensure_ascii=False, indent=1), "utf-8")
    return path


@dataclass
class Tally:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    caught: Counter[str] = field(default_factory=Counter)
    caught_example: dict[str, str] = field(default_factory=dict)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    largest: list[tuple[float, str]] = field(default_factory=list)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    noisy: Counter[str] = field(default_factory=Counter)
    noise_example: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(
        self, fmt: str, source: str, seed: int, result: dict[str, Any], described: str, noise: str, size: int
    ) -> None:
        outcome = result["outcome"]
        self.counts[fmt][outcome] += 1
        self.seconds[fmt] += result["seconds"]
        label = described or f"{source} seed={seed}"
        heapq.heappush(self.slowest, (result["seconds"], label))
        if len(self.slowest) > 20:
            heapq.heappop(self.slowest)
        heapq.heappush(self.largest, (result["peak_mb"], label))
        if len(self.largest) > 10:
            heapq.heappop(self.largest)
        if result["caught"]:
            self.caught[f"{fmt} {result['caught']}"] += 1
            self.caught_example.setdefault(f"{fmt} {result['caught']}", f"{label} -> {result['detail'][:200]}")
        if noise.strip():
            key = re.sub(r"\d+", "N", noise.strip().splitlines()[-1])[:100]
            self.noisy[key] += 1
            self.noise_example.setdefault(key, f"{label}: {noise.strip()[:300]}")
        if outcome in verdict.FAILING:
            v = verdict.Verdict(**result)
            self.failures[f"{fmt} {v.signature()}"].append(
                {"source": source, "seed": seed, "described": label, "size": size, **result}
            )


def summary(tally: Tally, total: int, elapsed: float, saved: Path) -> str:
    out = [f"{total} cases in {elapsed:.0f} s ({total / max(elapsed, 1e-9):.1f} per second)", ""]
    outcomes = ["report", "error", "bad-error", "exception", "memory", "timeout", "died", "harness"]
    header = f"{'format':10}" + "".join(f"{o:>11}" for o in outcomes) + f"{'total':>9}{'s/case':>9}"
    out.append(header)
    for fmt in FORMATS:
        if fmt not in tally.counts:
            continue
        row = tally.counts[fmt]
        n = sum(row.values())
        out.append(
            f"{fmt:10}" + "".join(f"{row[o]:>11}" for o in outcomes) + f"{n:>9}{tally.seconds[fmt] / max(n, 1):>9.3f}"
        )
    all_rows = Counter[str]()
    for row in tally.counts.values():
        all_rows.update(row)
    out.append(f"{'all':10}" + "".join(f"{all_rows[o]:>11}" for o in outcomes) + f"{sum(all_rows.values()):>9}")
    out += [
        "",
        "errors that are a reader's own exception, caught by convert()'s safety net (one line: within the contract):",
    ]
    out += [f"  {n:6}  {key}   e.g. {tally.caught_example[key]}" for key, n in tally.caught.most_common()] or ["  none"]
    out += ["", "slowest cases (seconds):"]
    out += [f"  {s:8.2f}  {label}" for s, label in sorted(tally.slowest, reverse=True)]
    out += ["", "largest memory peaks (MB of resident-set growth):"]
    out += [f"  {mb:8.1f}  {label}" for mb, label in sorted(tally.largest, reverse=True)]
    out += ["", "cases that wrote to stderr:"]
    out += [f"  {n:6}  {key}   e.g. {tally.noise_example[key]}" for key, n in tally.noisy.most_common(10)] or ["  none"]
    n_fail = sum(len(v) for v in tally.failures.values())
    out += ["", f"failures: {n_fail} in {len(tally.failures)} kinds (inputs saved under {saved})"]
    for kind, cases in sorted(tally.failures.items(), key=lambda kv: -len(kv[1])):
        first = cases[0]
        out.append(f"- {kind}: {len(cases)} case(s); e.g. {first['detail'][:200]!r}")
        for case in cases[:5]:
            out.append(f"    {case['described']}  ({case['seconds']:.2f} s, {case['peak_mb']:.0f} MB)")
            out.append(f"      reproduce: python benchmarks/fuzz.py --replay {case['source']}:{case['seed']}")
        if len(cases) > 5:
            out.append(f"    ... and {len(cases) - 5} more (all saved)")
    return "\n".join(out)


def fuzz(args: argparse.Namespace) -> int:
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise SystemExit(f"unknown formats: {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    options = Options(timeout=args.timeout, memory_mb=args.memory_mb, large=not args.no_large)
    saved = Path(args.save)
    saved.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    started = time.monotonic()
    done = 0
    last = started
    pool = Pool(options, args.jobs)
    try:
        for (_index, source, seed), result, described, noise, size in pool.run(tasks(formats, args.cases, args.seed)):
            fmt = source if source.startswith("gen:") else corpus.format_of(source)
            tally.add(fmt, source, seed, result, described, noise, size)
            if result["outcome"] in verdict.FAILING:
                try:
                    path = save_case(saved, source, seed, result, options.large)
                except Exception as exc:  # rebuilding a case that was built once: should not fail, must not stop
                    path = Path(f"(not saved: {exc!r})")
                print(
                    f"FAIL {result['outcome']}: {described or source + ' seed=' + str(seed)} -> {path}", file=sys.stderr
                )
            done += 1
            if time.monotonic() - last > 30:
                last = time.monotonic()
                failing = sum(len(v) for v in tally.failures.values())
                rate = done / (last - started)
                print(f"{done}/{args.cases} cases, {rate:.1f}/s, {failing} failures", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print("interrupted: the summary of the cases done so far", file=sys.stderr)
    text = summary(tally, done, time.monotonic() - started, saved)
    print(text)
    (saved / "summary.txt").write_text(text + "\n", "utf-8")
    return 1 if tally.failures else 0


def _parse_case(spec: str) -> tuple[str, int]:
    source, _, seed = spec.rpartition(":")
    if not source or not seed.lstrip("-").isdigit():
        raise SystemExit(f"a case is SOURCE:SEED, e.g. fixtures/seeds/001_c52afda3ff9ba40a.txt:17 (got {spec!r})")
    return source, int(seed)


def replay(spec: str, large: bool) -> int:
    source, seed = _parse_case(spec)
    case = mutate.build_case(source, seed, large=large)
    print(case.describe())
    print(f"{len(case.data)} bytes")
    result = verdict.run(case.data, case.name, case.reader)
    print(result.explain())
    return 1 if result.failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 1)))
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a case may take (default 30)")
    parser.add_argument("--memory-mb", type=int, default=verdict.MEMORY_LIMIT_MB, help="default 500")
    parser.add_argument("--save", default="/tmp/gongkai-fuzz/")
    parser.add_argument("--no-large", action="store_true", help="leave out decompression bombs and blown-up copies")
    parser.add_argument("--replay", metavar="SOURCE:SEED", help="run one case here and print the verdict")
    parser.add_argument("--minimize", metavar="SOURCE:SEED", help="shrink a failing case into SAVE/repro/")
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay, not args.no_large)
    if args.minimize:
        source, seed = _parse_case(args.minimize)
        case = mutate.build_case(source, seed, large=not args.no_large)
        path = minimize.minimize_case(case, Path(args.save) / "repro", args.timeout, args.memory_mb)
        print(path)
        return 0
    return fuzz(args)


if __name__ == "__main__":
    sys.exit(main())
