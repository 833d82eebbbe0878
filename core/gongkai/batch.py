"""Bulk conversion: one task per input, run in-process, in a local worker pool or on a Dask cluster.

The unit of work is `convert_task(source, name, options, output)`: it reads
and recognises one document and returns an `Outcome` — compact, picklable
data. For a folder output (`-o OUT/`) the task carries its `Output` and the
worker writes the file itself, to a temporary part beside it: only the
status, the counts and the part's name come back, and the parent moves the
part into place once the task is known to have finished (so a worker killed
mid-write leaves a stale part, never a half-written output). Otherwise (a
data set, stdout, Dask) the Report travels back as pickle bytes (measured
about half the size and time of its JSON form), or as itself in-process.

Three executors share one interface, `run(tasks, window)`, yielding
`(index, Outcome)` as tasks finish, never starting a task more than `window`
places after the oldest unfinished one (so a reorder buffer stays small):

- `InlineExecutor`: in this process, one after another (`--jobs 1`, stdin);
- `LocalPool` (gongkai.pool): worker processes with a time limit, a memory
  cap and recycling, a hung or dead worker replaced;
- `DaskExecutor` (gongkai.dask_executor): a Dask distributed cluster.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import resource
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gongkai.api import convert, require_report, writer_for
from gongkai.errors import GongkaiError, NoReaderError, NotAReportError, WriteError
from gongkai.model import Report
from gongkai.names import escaped
from gongkai.outputs import inside, write_part


@dataclass(frozen=True)
class TaskOptions:
    """What a worker needs to convert: the reader choice and its options (not the writer's)."""

    reader: str | None = None
    encoding: str | None = None
    reader_options: Mapping[str, str] = field(default_factory=dict)
    memory_mb: int | None = None  # only for the message: the cap itself is set on the worker process


@dataclass(frozen=True)
class Output:
    """A report's own file in an output folder, which the worker converting it may write itself."""

    path: str
    folder: str  # the output folder: the file must resolve inside it
    writer: str  # the writer plugin's name
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    index: int
    name: str
    source: str | bytes  # a path, or the bytes themselves (stdin, or shipped to a cluster)
    output: Output | None = None  # where the report goes, if the executor lets its workers write it


@dataclass
class Outcome:
    """The result of one task: status ok, partial, failed (with a `kind`) or no_reader."""

    status: str
    kind: str | None = None  # for failed: read_error, no_tables, needs_ocr, no_reader, timeout, memory, died
    error: str | None = None
    reader: str | None = None
    template: str | None = None
    sha256: str | None = None
    size: int | None = None
    findings: int = 0
    derived: int = 0
    seconds: float = 0.0
    report: bytes | Report | None = None  # pickle of the Report (the Report itself in-process); None once written
    part: str | None = None  # the output, written whole beside its place, waiting to be moved there
    write_error: str | None = None  # why the output could not be written
    maxrss_kb: int = 0  # the worker's peak resident memory so far

    def load_report(self) -> Report:
        if isinstance(self.report, Report):
            return self.report
        assert self.report is not None
        loaded: Report = pickle.loads(self.report)
        return loaded


def failed(kind: str, error: str, seconds: float = 0.0) -> Outcome:
    return Outcome(status="failed", kind=kind, error=error, seconds=seconds)


def convert_task(
    source: str | bytes, name: str, options: TaskOptions, output: Output | None = None, pickled: bool = True
) -> Outcome:
    """Convert one input, and write its output part if given one; never raises for a bad document (a worker's
    death is the pool's business). Without an output the Report comes back, pickled unless `pickled` is false."""
    started = time.perf_counter()
    kind = "no_tables"
    to_write: Report | None = None
    try:
        report = convert(
            source if isinstance(source, bytes) else Path(source),
            name=name,
            reader=options.reader,
            encoding=options.encoding,
            options=dict(options.reader_options),
        )
        if report.status in ("no_tables", "needs_ocr"):
            kind = report.status
            require_report(report)  # raises with the cause
            raise NotAReportError(kind)
    except NoReaderError as exc:
        out = Outcome(status="failed", kind="no_reader", error=str(exc))
    except NotAReportError as exc:
        out = Outcome(status="failed", kind=kind, error=str(exc))
    except MemoryError:
        out = failed("memory", memory_message(options))
    except GongkaiError as exc:
        if _out_of_memory(exc, options):
            out = failed("memory", memory_message(options))
        else:
            out = Outcome(status="failed", kind="read_error", error=str(exc))
    else:
        source_info = report.source
        out = Outcome(
            status=report.status,
            reader=source_info.format,
            template=report.template,
            sha256=source_info.sha256,
            size=source_info.size,
            findings=len(report.findings),
            derived=len(report.derived_cells()),
        )
        if output is not None:
            to_write = report
        else:
            out.report = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL) if pickled else report
    if out.sha256 is None and out.kind not in ("memory",):
        out.sha256, out.size = _hash(source)  # a failed input is still known by its content, for resuming
    out.seconds = round(time.perf_counter() - started, 4)
    if to_write is not None and output is not None:  # after the clock: `seconds` is the conversion's alone
        out.part, out.write_error = write_output(to_write, output)
    out.maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return out


# What C libraries say when an allocation fails under the cap (libxml2: "Memory allocation failed", or an
# "unknown error" with no line; zlib and the OS: "cannot allocate memory").
_NO_MEMORY = re.compile(r"memory allocation failed|cannot allocate memory|out of memory|unknown error", re.I)


def _out_of_memory(exc: BaseException, options: TaskOptions) -> bool:
    """Whether a reader's failure was the memory cap speaking through a library (not the document's fault)."""
    if isinstance(exc.__cause__, MemoryError) or isinstance(exc.__context__, MemoryError):
        return True
    return bool(options.memory_mb) and bool(_NO_MEMORY.search(str(exc)))


def write_output(report: Report, output: Output) -> tuple[str | None, str | None]:
    """The report written whole to a temporary part beside `output.path` (`commit` moves it into place): the
    part's name and None, or None and why it could not be written."""
    target = Path(output.path)
    try:
        if not inside(target, Path(output.folder)):  # a name that climbs out of the folder (.., a link) is refused
            raise WriteError(f"{escaped(output.path)} would be outside the output folder")
        writer = writer_for(to=output.writer)
        part = write_part(target, lambda f: writer.write([report], f, output.options))
    except (OSError, GongkaiError) as exc:
        return None, str(exc)
    return str(part), None


def commit(part: str, target: Path) -> str | None:
    """A written part moved into its place; why not, if it could not be."""
    try:
        os.replace(part, target)
    except OSError as exc:
        Path(part).unlink(missing_ok=True)
        return str(exc)
    return None


def memory_message(options: TaskOptions) -> str:
    return f"memory limit ({options.memory_mb} MB)" if options.memory_mb else "memory limit"


def _hash(source: str | bytes) -> tuple[str | None, int | None]:
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest(), len(source)
    path = Path(source)
    digest = file_sha256(path)
    try:
        return digest, path.stat().st_size if digest else None
    except OSError:
        return None, None


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file, read a block at a time (a huge file never sits in memory);
    None for anything else: a FIFO would wait forever, a device never end."""
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


class Executor(Protocol):
    def run(self, tasks: Iterable[Task], window: int) -> Iterator[tuple[int, Outcome]]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """In this process, one task after another: no time limit, no memory cap (for debugging, and stdin); a Report
    is never pickled here."""

    def __init__(self, options: TaskOptions) -> None:
        self.options = options

    def run(self, tasks: Iterable[Task], window: int) -> Iterator[tuple[int, Outcome]]:
        for task in tasks:
            yield task.index, convert_task(task.source, task.name, self.options, task.output, pickled=False)

    def close(self) -> None:
        pass
