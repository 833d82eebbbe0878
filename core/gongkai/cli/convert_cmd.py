"""`gongkai convert INPUT... -o OUT`: documents in, JSON (or any writer's format) out."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from gongkai.api import convert, require_report, writer_for
from gongkai.batch import Executor, InlineExecutor, Outcome, Task, TaskOptions, file_sha256
from gongkai.cli import EXIT_FAILED, EXIT_NO_READER, EXIT_NOTHING, EXIT_OK, EXIT_USAGE
from gongkai.cli.inputs import InputFile, collect, read_stdin
from gongkai.cli.output import write_atomic
from gongkai.dask_executor import SCHEDULER_ENV, SchedulerUnreachable
from gongkai.errors import GongkaiError, NoReaderError, WriteError
from gongkai.hookspecs import Writer
from gongkai.manifest import MANIFEST_NAME, Manifest, fingerprint, manifest_line
from gongkai.model import Report
from gongkai.pool import LocalPool, cpu_count

DEFAULT_TIMEOUT, DEFAULT_MEMORY_MB, DEFAULT_RECYCLE = 120.0, 2048, 200
CONNECT_ENV = "GONGKAI_DASK_CONNECT_TIMEOUT"  # seconds to wait for the scheduler (default 10)
WINDOW = 256  # how far ahead of the oldest unfinished input work may start (the reorder buffer's bound)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "convert",
        help="convert reports to JSON, or whatever format a writer plugin offers",
        description="Convert reports. A folder in gives a folder out, same names; '-' is stdin/stdout.",
    )
    p.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="files, folders (searched recursively), globs, or '-' for stdin"
    )
    p.add_argument("-o", "--output", default="-", help="output file, folder, or '-' for stdout (default)")
    p.add_argument("--to", help="writer to use (default: from the output's extension, else json)")
    p.add_argument("--from", dest="reader", help="reader to use instead of guessing from the content")
    p.add_argument("--encoding", help="text encoding of the inputs, instead of detecting it")
    add_reader_options(p)
    p.add_argument(
        "-O",
        "--writer-option",
        dest="writer_options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an option for the writer, e.g. bom=0 or labels=1 (csv), shape=dataset (xlsx); repeatable",
    )
    add_batch_options(p)
    p.set_defaults(run=run)


def add_reader_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-R",
        "--reader-option",
        dest="reader_options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an option for the reader, e.g. doc_convert=1 (old .doc files through LibreOffice); repeatable",
    )


def key_values(items: list[str]) -> dict[str, str]:
    """KEY=VALUE pairs; a bare KEY means KEY=1. Raises WriteError on an empty key."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not key.strip():
            raise WriteError(f"an option wants KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip() if sep else "1"
    return out


def reader_options(args: argparse.Namespace) -> dict[str, str]:
    return key_values(args.reader_options)


class Tally:
    """Counts outcomes and prints one line per failure, naming the file and the cause."""

    def __init__(self) -> None:
        self.ok = self.failed = self.no_reader = 0

    def fail(self, name: str, cause: str, no_reader: bool = False) -> None:
        print(f"gongkai: {name}: {cause}", file=sys.stderr)
        if no_reader:
            self.no_reader += 1
        else:
            self.failed += 1

    def exit_code(self) -> int:
        if self.failed:
            return EXIT_FAILED
        return EXIT_NO_READER if self.no_reader else EXIT_OK


def read_report(inp: InputFile, args: argparse.Namespace, tally: Tally) -> Report | None:
    try:
        source = read_stdin() if inp.path is None else inp.path
        report = require_report(
            convert(source, name=inp.name, reader=args.reader, encoding=args.encoding, options=reader_options(args))
        )
    except NoReaderError as exc:
        tally.fail(inp.name, str(exc), no_reader=True)
        return None
    except GongkaiError as exc:
        tally.fail(inp.name, str(exc))
        return None
    return report


def add_batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--list",
        dest="lists",
        action="append",
        default=[],
        metavar="FILE",
        help="a file naming one input per line ('-' for stdin); repeatable",
    )
    p.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: all cores); 1 converts in this process"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per file (default {DEFAULT_TIMEOUT:g}; 0 for none)",
    )
    p.add_argument(
        "--max-memory",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"memory cap per worker process (default {DEFAULT_MEMORY_MB}; 0 for none)",
    )
    p.add_argument(
        "--recycle",
        type=int,
        default=DEFAULT_RECYCLE,
        metavar="N",
        help=f"replace each worker after N files (default {DEFAULT_RECYCLE})",
    )
    p.add_argument(
        "--manifest",
        help="the run manifest (JSON Lines; default OUT/.gongkai-manifest.jsonl "
        "for a folder, OUT_FILE.manifest.jsonl beside a file)",
    )
    p.add_argument("--force", action="store_true", help="convert everything again, even what the manifest has done")
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help=f"run on a Dask cluster, e.g. tcp://host:8786 (or set {SCHEDULER_ENV})",
    )
    p.add_argument(
        "--send-bytes",
        action="store_true",
        help="with --dask: send the files' bytes to the workers instead of their paths",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    out = args.output
    if not args.inputs and not args.lists:
        print("gongkai: no input: give files, folders, globs or --list FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        writer, to_dir = _plan_output(args)
        args.options = _writer_options(writer, key_values(args.writer_options))
        read_opts = reader_options(args)
    except WriteError as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1 or args.recycle < 1 or args.timeout < 0 or args.max_memory < 0:
        print("gongkai: --jobs and --recycle want 1 or more, --timeout and --max-memory 0 or more", file=sys.stderr)
        return EXIT_USAGE
    inputs, problems = collect(args.inputs, args.lists)
    if not to_dir and len(inputs) + len(problems) > 1 and not writer.many:
        print(
            f"gongkai: {len(inputs) + len(problems)} inputs need -o FOLDER/ or a data-set format "
            f"(the {writer.name} writer holds one report)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    batch = Batch(total=len(inputs) + len(problems))
    for name, cause in problems:
        batch.problem(name, cause)
    if not inputs:
        batch.summary()
        print("gongkai: nothing to convert", file=sys.stderr)
        return EXIT_NOTHING
    options = TaskOptions(args.reader, args.encoding, read_opts, args.max_memory or None)
    fp = fingerprint(args.reader, args.encoding, read_opts, writer.name, args.options)
    manifest = Manifest(Path(args.manifest)) if args.manifest else None
    if manifest is None and len(inputs) > 1:  # one file in, one file out: no manifest unless asked for
        manifest = _default_manifest(out, to_dir)
    address = args.dask or os.environ.get(SCHEDULER_ENV) or None
    stdin = any(inp.path is None for inp in inputs)
    try:
        executor = _executor(args, options, address, stdin, len(inputs))
    except SchedulerUnreachable as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    previous_sigterm = signal.signal(signal.SIGTERM, _interrupt) if _main_thread() else None
    bar = tqdm(total=len(inputs), unit="file", file=sys.stderr, disable=args.quiet or not sys.stderr.isatty())
    try:
        if to_dir:
            _to_folder(inputs, Path(out), writer, args, executor, manifest, fp, batch, bar)
        else:
            _to_one(inputs, out, writer, args, executor, manifest, fp, batch, bar)
    finally:
        bar.close()
        executor.close()
        if manifest is not None:
            manifest.close()
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
    if batch.total > 1 or batch.failures:
        batch.summary()
    return batch.exit_code()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _executor(args: argparse.Namespace, options: TaskOptions, address: str | None, stdin: bool, count: int) -> Executor:
    if address and not stdin:
        from gongkai.dask_executor import DaskExecutor

        connect = float(os.environ.get(CONNECT_ENV) or 10)
        return DaskExecutor(
            options, address, timeout=args.timeout or None, send_bytes=args.send_bytes, connect_timeout=connect
        )
    jobs = min(args.jobs or cpu_count(), count)
    if jobs == 1 or stdin:  # --jobs 1, stdin, or a single input: in this process, no time or memory limit
        return InlineExecutor(options)
    return LocalPool(options, jobs, timeout=args.timeout or None, recycle=args.recycle)


def _default_manifest(out: str, to_dir: bool) -> Manifest | None:
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
            print(f"gongkai: {name}: {cause}", file=sys.stderr)
        if self.total <= 1:
            return
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.counts.items()) if n)
        print(f"gongkai: {self.total} inputs: {parts}", file=sys.stderr)
        slowest = sorted(self.times, reverse=True)[:5]
        if len(self.times) > 5:
            print("gongkai: slowest: " + ", ".join(f"{n} {t:.2f} s" for t, n in slowest), file=sys.stderr)

    def exit_code(self) -> int:
        done = self.counts.get("ok", 0) + self.counts.get("partial", 0) + self.counts.get("skipped", 0)
        failed = len(self.failures)
        if failed and failed == self.no_reader:
            return EXIT_NO_READER
        if failed and not done and self.total > 1:
            return EXIT_NOTHING
        return EXIT_FAILED if failed else EXIT_OK


def _tasks(inputs: list[InputFile], skip: set[int]) -> Iterator[Task]:
    for i, inp in enumerate(inputs):
        if i not in skip:
            yield Task(i, inp.name, read_stdin() if inp.path is None else str(inp.path))


def _to_folder(
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
    skip = _resumable(inputs, targets, out, manifest, fp, args.force)
    for _ in skip:
        batch.skipped()
    bar.update(len(skip))
    for index, outcome in executor.run(_tasks(inputs, skip), window=WINDOW):
        inp = inputs[index]
        batch.record(index, inp.name, outcome)
        target: Path | None = None
        if outcome.report is not None:
            target = out / targets[inp]
            report = outcome.load_report()
            try:
                write_atomic(target, lambda f, r=report: writer.write([r], f, args.options))  # type: ignore[misc]
            except (OSError, GongkaiError) as exc:
                batch.write_failed(index, inp.name, f"cannot write {target}: {exc}")
                outcome.status, outcome.kind, outcome.error = "failed", "write_error", f"cannot write: {exc}"
                target = None
        if manifest is not None:
            manifest.append(manifest_line(inp.name, outcome, str(target) if target else None, fp))
        bar.update(1)


def _resumable(
    inputs: list[InputFile],
    targets: dict[InputFile, Path],
    out: Path,
    manifest: Manifest | None,
    fp: str,
    force: bool,
) -> set[int]:
    """Indexes of inputs the manifest has done with this content and these options, their output still there."""
    if manifest is None or force:
        return set()
    done = manifest.done()
    if not done:
        return set()
    skip = set()
    for i, inp in enumerate(inputs):
        if inp.path is None:
            continue
        target = out / targets[inp]
        recorded = done.get((inp.name, file_sha256(inp.path) or "", fp))
        if recorded == str(target) and target.exists():
            skip.add(i)
    return skip


def _to_one(
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
                    manifest.append(manifest_line(inp.name, ready, where if ready.report else None, fp))
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


def _writer_options(writer: Writer, options: dict[str, str]) -> dict[str, str]:
    """Options a writer declares it knows (`option_values`) are checked here, before any input is read."""
    known = getattr(writer, "option_values", None)
    for key, value in options.items():
        if known is not None and (key not in known or value not in known[key]):
            raise WriteError(f"the {writer.name} writer has no option {key}={value}")
    return options


def _plan_output(args: argparse.Namespace) -> tuple[Writer, bool]:
    """The writer, and whether each input gets its own file in a folder.

    `-o FOLDER/` (or an existing folder, or a folder in with a name without a
    suffix) is a folder out; `-o name.ext` is one file, a data set when many
    reports go into it; `-` is stdout.
    """
    out = args.output
    if out == "-":
        return writer_for(to=args.to or "json"), False
    if Path(out).is_dir() or out.endswith(("/", os.sep)):
        return writer_for(to=args.to or "json"), True
    if args.to or Path(out).suffix:
        return writer_for(out, args.to), False
    if args.lists or any(Path(a).is_dir() or any(c in a for c in "*?[") for a in args.inputs):
        return writer_for(to="json"), True
    return writer_for(out), False


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
