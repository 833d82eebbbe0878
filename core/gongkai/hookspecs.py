"""The whole plugin contract of gongkai, in one module.

A plugin is a module (or object) with functions marked `@hookimpl`, made
known through an entry point in the group ``gongkai``::

    [project.entry-points.gongkai]
    "myorg.ofd" = "gongkai_ofd"

Each hook hands the plugin a `register` callback; the plugin calls it once
per thing it contributes. Names must be unique across all plugins: the core
rejects a duplicate and reports the plugin that tried it. Built-in readers,
writers and templates come through this same door, so any of them can be
blocked with ``GONGKAI_BLOCK_PLUGINS=gongkai.txt`` (comma-separated).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol, runtime_checkable

import pluggy

from gongkai.layout import Layout
from gongkai.model import Report
from gongkai.ocr import OcrEngine
from gongkai.template import Template

PROJECT = "gongkai"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass
class Document:
    """An input handed to a reader: its bytes, its name and the user's reading options.

    `ocr` is the OCR engine the core chose for pages that are pictures (a
    scan), or None when none is installed (or the user said ``-R ocr=none``).
    """

    data: bytes
    name: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    ocr: OcrEngine | None = None


@runtime_checkable
class Reader(Protocol):
    """Turns one source format into a Layout (or, for already structured sources, a Report).

    `name` is how users pick it (``--from txt``); `extensions` are the file
    suffixes it claims ("" excluded), used when no reader recognises the
    content. A reader never sees templates.
    """

    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    def sniff(self, head: bytes, name: str | None) -> float:
        """How sure the reader is, from the first bytes (up to 64 KiB), that it can read this: 0 to 1."""
        ...

    def read(self, doc: Document) -> Layout | Report:
        """Read the document; raise `gongkai.errors.ReadError` with a one-line cause when it cannot."""
        ...


@runtime_checkable
class Writer(Protocol):
    """Writes reports as bytes. A writer knows only the model.

    `many` says whether one output can hold several reports (a data set).
    """

    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    @property
    def many(self) -> bool: ...

    def write(self, reports: Iterable[Report], out: BinaryIO, options: Mapping[str, str]) -> None:
        """Write the reports, consuming the iterable once, to a binary stream."""
        ...


@hookspec
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    """Contribute readers: call ``register(reader)`` for each `Reader` the plugin provides."""


@hookspec
def gongkai_writers(register: Callable[[Writer], None]) -> None:
    """Contribute writers: call ``register(writer)`` for each `Writer` the plugin provides."""


@hookspec
def gongkai_ocr_engines(register: Callable[[OcrEngine], None]) -> None:
    """Contribute OCR engines: call ``register(engine)`` for each `gongkai.ocr.OcrEngine`.

    Readers hand them the pages that have no usable text layer; the first
    registered is the default, ``-R ocr=NAME`` picks another.
    """


@hookspec
def gongkai_templates(register: Callable[[Template], None]) -> None:
    """Contribute report templates: call ``register(template)``, usually with `load_template(path)`."""
