"""The Python API: one document to a Report, many documents to results, reports to bytes.

>>> import gongkai
>>> report = gongkai.convert("report.txt")  # a path, bytes or a binary file object
>>> report.values()["applications"]["new_received"]["total"]
>>> for result in gongkai.convert_many(paths):  # never raises for one bad input
...     print(result.name, result.status, result.error)
>>> data = gongkai.dumps(report, "json")  # through the writer plugin
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from gongkai.errors import GongkaiError, NoReaderError, NotAReportError, ReadError, WriteError
from gongkai.hookspecs import Document, Reader, Writer
from gongkai.model import Report, Source
from gongkai.names import escaped
from gongkai.ocr import OcrEngine
from gongkai.plugins import BLOCK_ENV, Registry, get_registry

# Larger inputs are refused: no real report is this big (the largest seen are scans of some 60 MB).
# GONGKAI_MAX_BYTES lowers it (for tests, or a machine with little memory).
MAX_BYTES = int(os.environ.get("GONGKAI_MAX_BYTES") or 512 * 1024 * 1024)
SNIFF_BYTES = 64 * 1024
Input = str | os.PathLike[str] | bytes | BinaryIO


def load_input(source: Input, name: str | None = None, max_bytes: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """The bytes of a path, bytes or file object, refusing what is too large to be a report."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = name or str(path)
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                raise ReadError("is a folder, not a file")
            if not stat.S_ISREG(info.st_mode):  # /dev/zero says it is empty and never ends; a FIFO may never start
                raise ReadError("not a regular file (a device, a pipe or a socket): not read")
            if info.st_size > max_bytes:
                raise ReadError(f"too large ({info.st_size} bytes; the limit is {max_bytes})")
            with path.open("rb") as f:
                data = read_bounded(f, max_bytes)  # a file still growing is read no further than that
        except OSError as exc:
            raise ReadError(exc.strerror or str(exc)) from None
    else:
        data = read_bounded(source, max_bytes)
        name = name or getattr(source, "name", None)
    if len(data) > max_bytes:
        raise ReadError(f"too large (more than {max_bytes} bytes)")
    return data, (escaped(name) if name else name)


READ_BLOCK = 1 << 20


def read_bounded(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` + 1 bytes (one more tells it is too large), a block at a time: asking for the whole
    limit at once would reserve it all, which a worker under a memory cap cannot."""
    blocks: list[bytes] = []
    size = 0
    while size <= limit:
        block = stream.read(min(READ_BLOCK, limit + 1 - size))
        if not block:
            break
        blocks.append(block)
        size += len(block)
    return b"".join(blocks)


def pick_reader(data: bytes, name: str | None, registry: Registry, wanted: str | None = None) -> Reader:
    """Content first, extension second; `wanted` (--from) overrides both."""
    if wanted:
        try:
            return registry.readers[wanted]
        except KeyError:
            raise NoReaderError(f"no reader named {wanted!r} (installed: {', '.join(registry.readers)})") from None
    head = data[:SNIFF_BYTES]
    scored = sorted(((_sniff(r, head, name), r.name) for r in registry.readers.values()), reverse=True)
    if scored and scored[0][0] > 0:
        return registry.readers[scored[0][1]]
    suffix = Path(name).suffix.lower() if name else ""
    for reader in registry.readers.values():
        if suffix and suffix in reader.extensions:
            return reader
    what = f"'{suffix}' files" if suffix else "this content"
    raise NoReaderError(f"no installed reader recognises {what}")


def _sniff(reader: Reader, head: bytes, name: str | None) -> float:
    try:
        return float(reader.sniff(head, name))
    except Exception:  # one reader's bug must not stop the others from claiming the file
        return 0.0


def convert(
    source: Input,
    *,
    name: str | None = None,
    reader: str | None = None,
    encoding: str | None = None,
    options: Mapping[str, str] | None = None,
    registry: Registry | None = None,
    max_bytes: int = MAX_BYTES,
) -> Report:
    """Read one document and recognise it. Raises a `GongkaiError` with a one-line cause.

    `options` go to the reader as they are (e.g. {"doc_convert": "1"} for the DOCX reader).
    """
    registry = registry or get_registry()
    data, name = load_input(source, name, max_bytes)
    if not data:
        raise ReadError("empty file")
    chosen = pick_reader(data, name, registry, reader)
    reader_options = {**(options or {}), **({"encoding": encoding} if encoding else {})}
    document = Document(data=data, name=name, options=reader_options, ocr=ocr_engine(registry, reader_options))
    try:
        result = chosen.read(document)
    except GongkaiError:
        raise
    except Exception as exc:  # a reader's bug or a library's surprise: still one line, never a traceback
        raise ReadError(f"{chosen.name} reader failed: {exc.__class__.__name__}: {_cause(exc)}") from exc
    source_info = Source(path=name, format=chosen.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    if isinstance(result, Report):
        result.source = source_info
        return result
    source_info.encoding, source_info.pages = result.encoding, result.pages
    from gongkai.recognise import recognise  # here, not at the top: a process that only lists or writes never needs it

    return recognise(result, registry.templates, source_info)


def _cause(exc: BaseException) -> str:
    """An exception's message as one line: the last line of one that carries a traceback (ONNX Runtime's do)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def ocr_engine(registry: Registry, options: Mapping[str, str]) -> OcrEngine | None:
    """The OCR engine `-R ocr=NAME` names ("none": no OCR), else the first registered, else None."""
    wanted = options.get("ocr")
    if wanted is None:
        return next(iter(registry.ocr_engines.values()), None)
    if wanted == "none":
        return None
    if wanted not in registry.ocr_engines:
        installed = ", ".join(registry.ocr_engines) or "none; pip install 'gongkai[ocr]'"
        raise ReadError(f"no OCR engine named {wanted!r} (installed: {installed})")
    return registry.ocr_engines[wanted]


@dataclass
class Result:
    """The outcome for one input of a batch: status ok, partial, no_tables, failed or no_reader."""

    name: str
    status: str
    report: Report | None = None
    error: str | None = None


def convert_many(sources: Iterable[Input], **options: object) -> Iterator[Result]:
    """Convert each input in turn, yielding its result; a bad input never stops the others."""
    for n, source in enumerate(sources):
        label = source if isinstance(source, str) else os.fspath(source) if isinstance(source, os.PathLike) else None
        name = str(label) if label is not None else getattr(source, "name", None) or f"<input {n + 1}>"
        try:
            report = convert(source, name=name, **options)  # type: ignore[arg-type]
        except NoReaderError as exc:
            yield Result(name, "no_reader", error=str(exc))
        except GongkaiError as exc:
            yield Result(name, "failed", error=str(exc))
        else:
            yield Result(name, report.status, report=report)


def require_report(report: Report) -> Report:
    """Raise NotAReportError when none of the tables was found."""
    from gongkai.recognise.choose import NO_TEMPLATE

    if report.status == "needs_ocr":
        pages = next((f.figures.get("pages") for f in report.findings if f.code == "ocr_needed"), None) or []
        raise NotAReportError(
            f"no usable text layer (a scan?) on pages {', '.join(map(str, pages))}: OCR is needed "
            "(pip install 'gongkai[ocr]' where it is not installed; -R ocr=none turns it off)"
        )
    if report.status == "no_tables" and report.template_reason == NO_TEMPLATE:
        raise NotAReportError(f"{NO_TEMPLATE} (is gongkai.templates blocked in {BLOCK_ENV}?)")
    if report.status == "no_tables":
        raise NotAReportError("no report tables found: not an annual report on information disclosure?")
    return report


def writer_for(target: str | None = None, to: str | None = None, registry: Registry | None = None) -> Writer:
    """The writer named by `to`, else the one claiming the target's extension."""
    registry = registry or get_registry()
    if to:
        if to not in registry.writers:
            raise WriteError(f"no writer named {to!r} (installed: {', '.join(registry.writers)})")
        return registry.writers[to]
    name = Path(target).name.lower() if target else ""
    claims = [(len(ext), w) for w in registry.writers.values() for ext in w.extensions if ext and name.endswith(ext)]
    if claims:  # the longest claim wins: "x.wide.csv" is csv-wide's, "x.csv" csv's
        return max(claims, key=lambda c: c[0])[1]
    raise WriteError(f"no writer for {target!r}: give --to (installed: {', '.join(registry.writers)})")


def dumps(report: Report | Iterable[Report], to: str = "json", options: Mapping[str, str] | None = None) -> bytes:
    """Reports as the bytes a writer plugin makes of them."""
    writer = writer_for(to=to)
    buf = io.BytesIO()
    writer.write([report] if isinstance(report, Report) else report, buf, options or {})
    return buf.getvalue()
