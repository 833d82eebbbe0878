"""One conversion through the public API, run in this process and judged.

The contract: `gongkai.convert` returns a `gongkai.Report` or raises a
`gongkai.GongkaiError` whose `str()` is one line (no line break, at most
`MAX_MESSAGE` characters, no traceback) — never another exception — and
its memory stays under `MEMORY_LIMIT_MB`. Time is measured and kept, never
judged here: the long run (benchmarks/fuzz.py) judges time against its own
limit in a worker process.

Memory is the growth of the resident set during the call (the peak, reset
before it through /proc/self/clear_refs, less the size before it), so that
what C libraries (lxml, zlib, pdfminer's helpers) allocate counts too; where
the peak cannot be reset, tracemalloc's peak of Python allocations stands in.
"""

from __future__ import annotations

import ctypes
import re
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gongkai

MAX_MESSAGE = 300
MEMORY_LIMIT_MB = 500
# str.splitlines() breaks at all of these: any of them makes a message two lines on some terminal or log.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# convert() turns a reader's unexpected exception into "<reader> reader failed: <Class>: ...": within the
# contract, but it is a bug in the reader caught by the safety net, and worth counting apart.
_CAUGHT = re.compile(r"^(\w+) reader failed: (\w+)")
FAILING = ("bad-error", "exception", "memory", "timeout", "died")


@dataclass
class Verdict:
    """outcome: report, error, bad-error (a GongkaiError that is not one line), exception, memory
    (and, from the long run's workers, timeout and died)."""

    outcome: str
    detail: str  # the report's status, the error's message, or the exception as "Class: message"
    seconds: float
    peak_mb: float
    where: str = ""  # an exception's innermost frame in gongkai's code (file:line), for telling failures apart
    trace: str = ""  # an exception's traceback
    caught: str = ""  # for an error that is a reader's exception caught by convert(): "reader:ExceptionClass"

    @property
    def failed(self) -> bool:
        return self.outcome in FAILING

    def explain(self) -> str:
        extra = f" at {self.where}" if self.where else ""
        return f"{self.outcome}{extra}: {self.detail[:600]!r} ({self.seconds:.2f} s, {self.peak_mb:.0f} MB)" + (
            f"\n{self.trace}" if self.trace else ""
        )

    def signature(self) -> str:
        """What tells one failure from another: the outcome and the place, or the shape of the message."""
        if self.outcome == "exception":
            return f"exception {self.detail.split(':', 1)[0]} at {self.where}"
        if self.outcome == "bad-error":
            return f"bad-error {message_problem(self.detail)}: {_shape(self.detail)}"
        return f"{self.outcome} {self.where}".strip()


def _shape(message: str) -> str:
    return re.sub(r"\d+", "N", message.splitlines()[0] if message.strip() else "")[:80]


def message_problem(message: str) -> str | None:
    """Why a GongkaiError's message is not a one-line cause, or None when it is one."""
    if not message.strip():
        return "empty"
    if _LINE_BREAKS.search(message):
        return "multi-line"
    if "Traceback" in message:
        return "traceback"
    if len(message) > MAX_MESSAGE:
        return f"too long ({len(message)} characters)"
    return None


def _innermost(exc: BaseException) -> str:
    """The last frame of the traceback inside gongkai's own code (core or plugins), else the last frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/core/gongkai" in f.filename or "/plugins/gongkai_" in f.filename]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    parts = Path(frame.filename).parts
    return f"{'/'.join(parts[-2:])}:{frame.lineno}"


def _status_file() -> dict[str, int]:
    fields: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields


def _peak_resettable() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return "VmHWM" in _status_file()
    except OSError:
        return False


def _trimmer() -> Callable[[], object]:
    """glibc's malloc_trim: memory freed by earlier cases goes back to the system, so it is not counted as free
    room for the next one (a case reusing it would not raise the resident peak)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)


class PeakMemory:
    """The peak memory of a block in MB: resident-set growth where measurable, else traced Python memory."""

    resident = _peak_resettable()
    trim = staticmethod(_trimmer())

    def __init__(self) -> None:
        self.mb = 0.0
        self._base = 0

    def __enter__(self) -> PeakMemory:
        if self.resident:
            self.trim()
            with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
                f.write("5")
            self._base = _status_file()["VmRSS"]
        else:
            tracemalloc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.resident:
            self.mb = max(0, _status_file()["VmHWM"] - self._base) / 1024
        else:
            self.mb = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
            tracemalloc.stop()


def run(data: bytes, name: str | None = None, reader: str | None = None) -> Verdict:
    """Convert the bytes as a user of the API would, and judge the result."""
    result: object = None
    error: BaseException | None = None
    with PeakMemory() as peak:
        started = time.perf_counter()
        try:
            # No OCR: a mutation that loses a page's text would have it read by OCR, seconds and hundreds of
            # megabytes a page; the readers are fuzzed here, and tests/test_ocr.py gives the OCR bad pictures.
            result = gongkai.convert(data, name=name, reader=reader, options={"ocr": "none"})
        except Exception as exc:  # judged below; RecursionError and MemoryError are Exceptions too
            error = exc
        seconds = time.perf_counter() - started
    return judge(result, error, seconds, peak.mb)


def judge(result: object, error: BaseException | None, seconds: float, peak_mb: float) -> Verdict:
    if error is None:
        if not isinstance(result, gongkai.Report):
            return Verdict("exception", f"returned {type(result).__name__}, not a Report", seconds, peak_mb, "convert")
        outcome = "memory" if peak_mb > MEMORY_LIMIT_MB else "report"
        return Verdict(outcome, result.status, seconds, peak_mb)
    memory = isinstance(error, MemoryError) or isinstance(error.__cause__ or error.__context__, MemoryError)
    if memory or peak_mb > MEMORY_LIMIT_MB:
        return Verdict("memory", f"{type(error).__name__}: {error}", seconds, peak_mb, _innermost(error))
    if isinstance(error, gongkai.GongkaiError):
        message = str(error)
        caught = _CAUGHT.match(message)
        if message_problem(message):
            return Verdict("bad-error", message, seconds, peak_mb, caught.group(0) if caught else "")
        return Verdict("error", message, seconds, peak_mb, caught=f"{caught[1]}:{caught[2]}" if caught else "")
    trace = "".join(traceback.format_exception(error)[-12:])
    return Verdict("exception", f"{type(error).__name__}: {error}", seconds, peak_mb, _innermost(error), trace)
