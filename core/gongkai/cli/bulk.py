"""The batch behind `gongkai convert`: executors, outputs, the manifest, the summary and the exit code.

Everything here runs in the main process. For a folder output, local
workers write each output to a temporary part and this process moves it
into place (or writes it, from the Report a Dask worker sends back); for a
data set or stdout the workers send their Reports back and this process
writes them, in input order. Outputs are whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gongkai.batch import (
    Executor,
    InlineExecutor,
    Outcome,
    Output,
    Task,
    TaskOptions,
    commit,
    file_sha256,
    write_output,
)
from gongkai.cli import EXIT_FAILED, EXIT_NO_READER, EXIT_NOTHING, EXIT_OK, say
from gongkai.cli.inputs import InputFile, read_stdin
from gongkai.errors import GongkaiError
from gongkai.hookspecs import Writer
from gongkai.manifest import MANIFEST_NAME, Manifest, manifest_line
from gongkai.model import Report
from gongkai.names import escaped
from gongkai.outputs import remove_stale_parts, write_atomic
from gongkai.pool import LocalPool, cpu_count

CONNECT_ENV = "GONGKAI_DASK_CONNECT_TIMEOUT"  # seconds to wait for the scheduler (default 10)
WINDOW = 256  # how far ahead of the oldest unfinished input work may start (the reorder buffer's bound)


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def make_executor(
    args: argparse.Namespace, options: TaskOptions, address: str | None, stdin: bool, count: int
) -> Executor:
    if address and not stdin:
        from gongkai.dask_executor import DaskExecutor

        connect = float(os.environ.get(CONNECT_ENV) or 10)
        return DaskExecutor(
            options, address, timeout=args.timeout or None, send_bytes=args.send_bytes, connect_timeout=connect
        )
    if args.jobs == 1:  # asked for: in this process, without a time or memory limit (for debugging)
        return InlineExecutor(options)
    jobs = max(1, min(args.jobs or cpu_count(), count))  # a single input too: one small file can take a machine
    return LocalPool(options, jobs, timeout=args.timeout or None, recycle=args.recycle)


def default_manifest(out: str, to_dir: bool) -> Manifest | None:
    if out == "-":
        return None
    return Manifest(Path(out) / MANIFEST_NAME if to_dir else Path(out + ".manifest.jsonl"))


class Batch:
    """Counts by status, the slowest files and the failures; the summary and the exit code."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.counts: dict[str, int] = {}
        self.failures: list[tuple[int, str, str]] = []  # (order, name, cause)
        self.no_reader = 0
        self.times: list[tuple[float, str]] = []

    def problem(self, name: str, cause: str, order: int = -1) -> None:
        self.failures.append((order, name, cause))
        self.counts["failed"] = self.counts.get("failed", 0) + 1

    def record(self, order: int, name: str, outcome: Outcome) -> None:
        status = "failed" if outcome.status in ("failed", "no_reader") else outcome.status
        self.counts[status] = self.counts.get(status, 0) + 1
        if status == "failed":
            self.failures.append((order, name, outcome.error or outcome.kind or "failed"))
            self.no_reader += outcome.kind == "no_reader"
        else:
            self.times.append((outcome.seconds, name))

    def skipped(self) -> None:
        self.counts["skipped"] = self.counts.get("skipped", 0) + 1

    def write_failed(self, order: int, name: str, cause: str) -> None:
        """An input converted but its output could not be written: it counts as failed after all."""
        for status in ("ok", "partial"):
            if self.counts.get(status):
                self.counts[status] -= 1
                break
        self.problem(name, cause, order)

    def summary(self) -> None:
        for _, name, cause in sorted(self.failures, key=lambda f: f[0]):
            say(f"gongkai: {name}: {cause}")
        if self.total <= 1:
            return
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.counts.items()) if n)
        say(f"gongkai: {self.total} inputs: {parts}")
        slowest = sorted(self.times, reverse=True)[:5]
        if len(self.times) > 5:
            say("gongkai: slowest: " + ", ".join(f"{n} {t:.2f} s" for t, n in slowest))

    def exit_code(self) -> int:
        done = self.counts.get("ok", 0) + self.counts.get("partial", 0) + self.counts.get("skipped", 0)
        failed = len(self.failures)
        if failed and failed == self.no_reader:
            return EXIT_NO_READER
        if failed and not done and self.total > 1:
            return EXIT_NOTHING
        return EXIT_FAILED if failed else EXIT_OK


def _tasks(
    inputs: list[InputFile], skip: set[int], output: Callable[[InputFile], Output] | None = None
) -> Iterator[Task]:
    for i, inp in enumerate(inputs):
        if i not in skip:
            source = read_stdin() if inp.path is None else str(inp.path)
            yield Task(i, inp.name, source, output(inp) if output else None)


def to_folder(
    inputs: list[InputFile],
    out: Path,
    writer: Writer,
    args: argparse.Namespace,
    executor: Executor,
    manifest: Manifest | None,
    fp: str,
    batch: Batch,
    bar: Any,
) -> None:
    targets = output_names(inputs, writer.extensions[0])
    remove_stale_parts(out)
    skip, failed_before = _resumable(inputs, targets, out, manifest, fp, args)
    for _ in skip:
        batch.skipped()
    for index, cause in failed_before.items():
        batch.problem(inputs[index].name, f"failed before: {cause} (--retry-failed tries it again)", index)
    bar.update(len(skip) + len(failed_before))

    def output(inp: InputFile) -> Output:
        return Output(str(out / targets[inp]), str(out), writer.name, args.options)

    for index, outcome in executor.run(_tasks(inputs, skip | set(failed_before), output), window=WINDOW):
        inp = inputs[index]
        batch.record(index, inp.name, outcome)
        target = out / targets[inp]
        if outcome.report is not None:  # the worker did not write it (Dask): written here
            outcome.part, outcome.write_error = write_output(outcome.load_report(), output(inp))
        problem = outcome.write_error if outcome.part is None else commit(outcome.part, target)
        if problem is not None:
            batch.write_failed(index, inp.name, f"cannot write {escaped(str(target))}: {problem}")
            outcome.status, outcome.kind, outcome.error = "failed", "write_error", f"cannot write: {problem}"
        written = escaped(str(target)) if outcome.part is not None and problem is None else None
        if manifest is not None:
            manifest.append(manifest_line(inp.name, outcome, written, fp))
        bar.update(1)


def _resumable(
    inputs: list[InputFile],
    targets: dict[InputFile, Path],
    out: Path,
    manifest: Manifest | None,
    fp: str,
    args: argparse.Namespace,
) -> tuple[set[int], dict[int, str]]:
    """Inputs the manifest has done with this content and these options (their output still there), and
    inputs that failed with them before (index → cause), unless --force or --retry-failed."""
    if manifest is None or args.force:
        return set(), {}
    done = manifest.done()
    failures = {} if getattr(args, "retry_failed", False) else manifest.failed()
    if not done and not failures:
        return set(), {}
    skip: set[int] = set()
    failed_before: dict[int, str] = {}
    for i, inp in enumerate(inputs):
        if inp.path is None:
            continue
        key = (inp.name, file_sha256(inp.path) or "", fp)
        target = out / targets[inp]
        if done.get(key) == escaped(str(target)) and target.exists():
            skip.add(i)
        elif key in failures:
            failed_before[i] = failures[key]
    return skip, failed_before


def to_one(
    inputs: list[InputFile],
    out: str,
    writer: Writer,
    args: argparse.Namespace,
    executor: Executor,
    manifest: Manifest | None,
    fp: str,
    batch: Batch,
    bar: Any,
) -> None:
    """Every report into one output, in input order, however the results arrive (a data set is not resumed)."""
    where = None if out == "-" else out

    def reports() -> Iterator[Report]:
        buffer: dict[int, Outcome] = {}  # the reorder buffer: compact outcomes, at most WINDOW of them
        following = 0
        for index, outcome in executor.run(_tasks(inputs, set()), window=WINDOW):
            buffer[index] = outcome
            bar.update(1)
            while following in buffer:
                ready = buffer.pop(following)
                inp = inputs[following]
                batch.record(following, inp.name, ready)
                if manifest is not None:
                    manifest.append(manifest_line(inp.name, ready, where if ready.report is not None else None, fp))
                if ready.report is not None:
                    yield ready.load_report()
                following += 1

    stream = reports()
    if out == "-" or len(inputs) == 1:
        first = next(stream, None)  # nothing at all is written when the only input fails
        if first is None:
            return
        items: Iterator[Report] = _chain(first, stream)
    else:
        items = stream
    try:
        if out == "-":
            writer.write(items, sys.stdout.buffer, args.options)
            sys.stdout.buffer.flush()
        else:
            write_atomic(Path(out), lambda f: writer.write(items, f, args.options))
    except (OSError, GongkaiError) as exc:
        for _ in stream:  # the rest still converts, and is counted
            pass
        batch.counts = {k: v for k, v in batch.counts.items() if k not in ("ok", "partial")}
        batch.problem(out, f"cannot write: {exc}", len(inputs))


def _chain(first: Report, rest: Iterator[Report]) -> Iterator[Report]:
    yield first
    yield from rest


def output_names(inputs: list[InputFile], suffix: str) -> dict[InputFile, Path]:
    """Same relative names, the writer's suffix; no two inputs ever get the same output.

    Inputs that would collide under one root (a.txt, a.pdf) keep their own
    suffix too; the same relative name under two roots (in1/r.txt, in2/r.txt)
    is put under the root's name (in1/r.json, in2/r.json); whatever still
    collides gets -2, -3, ….
    """
    plain = {inp: inp.relative.with_suffix(suffix) for inp in inputs}
    groups: dict[Path, list[InputFile]] = {}
    for inp, target in plain.items():
        groups.setdefault(target, []).append(inp)
    names: dict[InputFile, Path] = {}
    for target, group in groups.items():
        roots = [inp.root for inp in group]
        several_roots = len(set(roots)) > 1
        for inp in group:
            alone = roots.count(inp.root) == 1
            name = target if alone else inp.relative.with_name(inp.relative.name + suffix)
            names[inp] = Path(inp.root or "_") / name if several_roots else name
    taken: set[Path] = set()
    for inp in inputs:
        name, n = names[inp], 1
        while name in taken:
            n += 1
            name = names[inp].with_name(f"{names[inp].stem}-{n}{names[inp].suffix}")
        names[inp] = name
        taken.add(name)
    return names
