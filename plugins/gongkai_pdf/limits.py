"""What one PDF may make the reader build, and the hooks into pdfminer that count it as it comes.

A small PDF can ask for a great deal: a content stream of 1.5 MB inflating
to 1.5 GB of nothing, a million characters in one text run, form XObjects
drawing each other ten times over nine levels (a billion drawings from
8 KB), a million `q` operators each saving the graphics state, objects
that are nothing but a reference to themselves (pdfminer follows them for
ever). Everything that grows with what the content asks for, not with the
size of the file, is counted here against a limit, and refused with a
`ReadError` naming the limit before the big thing is built:

- streams are measured before pdfminer decodes them, by inflating them a
  chunk at a time and keeping nothing (`stream_size`);
- a page is interpreted by `BoundedInterpreter`, a pdfminer interpreter
  that counts its operations, the XObjects it draws and how deep, the
  graphics states it saves and the content it runs, and by `CountingDevice`,
  pdfplumber's own device counting the characters and paths it makes;
- the document's object streams and cross-reference streams are measured
  before their objects are read, and a chain of references that loops is
  an error (`guard_references`).

Every limit is far above what a real report needs: reports have fewer than
200 pages, a page at most some 8,000 characters and a few thousand ruling
lines, content streams of kilobytes, fonts of a few megabytes.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFObjRef,
    PDFStream,
    dict_value,
    resolve1,
)
from pdfminer.runlength import rldecode

from gongkai.errors import ReadError

MiB = 1024 * 1024

# One stream decompressed: a page's content runs to kilobytes, a big embedded CJK font to 20 MB.
MAX_STREAM_BYTES = 64 * MiB
# Every stream the reading decompresses, each counted once: pdfminer keeps them until the end. A 200-page
# report needs some tens of megabytes (its content and its fonts; pictures are never decompressed).
MAX_DOCUMENT_BYTES = 256 * MiB
# Content one page runs, decompressed, a form XObject counted each time it is drawn.
MAX_PAGE_CONTENT_BYTES = 64 * MiB
# Operators and operands one page runs (forms each time drawn): a dense page of a report runs some
# 30,000; a million take pdfminer about five seconds.
MAX_PAGE_OPERATIONS = 1_000_000
# The same for the whole document: a 200-page report of dense tables runs some eight million.
MAX_DOCUMENT_OPERATIONS = 20_000_000
# Characters one page draws: the densest real page, a table in small print, has some 8,000; 50,000
# would be 3-point type over a whole A4 page. Each costs about 2 KB and 35 µs on the way through.
MAX_PAGE_CHARS = 50_000
# Characters of the whole document: 200 dense pages are 1.6 million. They are all kept to the end.
MAX_DOCUMENT_CHARS = 2_000_000
# Paths (lines, rectangles, curves) one page draws: a ruled table of 100 rows by 20 columns draws
# under 5,000; each costs about 100 µs.
MAX_PAGE_PATHS = 50_000
# XObjects (forms and pictures) one page draws, those inside forms included: a page draws a few.
MAX_PAGE_XOBJECTS = 10_000
# Forms drawn inside forms drawn inside forms: writers nest two or three.
MAX_XOBJECT_DEPTH = 32
# Graphics states saved (`q`) and not yet restored: Acrobat's own limit is 28.
MAX_SAVED_STATES = 1_000
# One row of a stream's predictor (Columns × Colors × BitsPerComponent / 8): pdfminer allocates a list of
# that many items before it reads a byte. Cross-reference streams have rows of a few bytes, a picture
# 40,000 (10,000 pixels of four colours); `/Columns 99999999` in 50 bytes asked for 800 MB.
MAX_PREDICTOR_ROW_BYTES = 1 * MiB
# A ToUnicode map or a Type 1 font program, which pdfminer parses token by token in Python (8 MB of junk
# took minutes): a full CJK map is under a megabyte, a subset's a few kilobytes.
MAX_PARSED_FONT_BYTES = 2 * MiB
PARSED = ("a font's ToUnicode map", "a Type 1 font program")
# Pages: a report has fewer than 200, an appendix of scans perhaps a few hundred more.
MAX_PAGES = 10_000

_CHUNK = 1 * MiB  # bytes inflated at a time
_FEED = 64 * 1024  # compressed bytes fed at a time (a chunk inflates to at most about 64 MB)


class Budget:
    """The counts of one document and of the page being read, against the limits."""

    def __init__(self) -> None:
        self.page = 0
        self.decoded = 0  # bytes of the streams measured, each once
        self.operations = 0
        self.chars = 0
        self._measured: set[int] = set()
        self.start_page(0)

    def start_page(self, number: int) -> None:
        self.page = number
        self.page_operations = 0
        self.page_chars = 0
        self.page_paths = 0
        self.page_content = 0
        self.page_xobjects = 0
        self.depth = 0

    def _refuse(self, what: str, limit: int, scope: str = "page") -> ReadError:
        if scope == "page":
            return ReadError(f"page {self.page} too large: more than {limit:,} {what} (the limit per page)")
        return ReadError(
            f"the PDF too large: more than {limit:,} {what} (the limit per document, reached on page {self.page})"
        )

    def operation(self, count: int = 1) -> None:
        self.page_operations += count
        self.operations += count
        if self.page_operations > MAX_PAGE_OPERATIONS:
            raise self._refuse("content operations", MAX_PAGE_OPERATIONS)
        if self.operations > MAX_DOCUMENT_OPERATIONS:
            raise self._refuse("content operations", MAX_DOCUMENT_OPERATIONS, "document")

    def char(self) -> None:
        self.page_chars += 1
        self.chars += 1
        if self.page_chars > MAX_PAGE_CHARS:
            raise self._refuse("characters", MAX_PAGE_CHARS)
        if self.chars > MAX_DOCUMENT_CHARS:
            raise self._refuse("characters", MAX_DOCUMENT_CHARS, "document")

    def path(self) -> None:
        self.page_paths += 1
        if self.page_paths > MAX_PAGE_PATHS:
            raise self._refuse("lines and shapes", MAX_PAGE_PATHS)

    def xobject(self) -> None:
        self.page_xobjects += 1
        if self.page_xobjects > MAX_PAGE_XOBJECTS:
            raise self._refuse("XObjects drawn", MAX_PAGE_XOBJECTS)

    def measure(self, stream: PDFStream, what: str) -> int:
        """The size `stream` decodes to, refused past `MAX_STREAM_BYTES` or the document's total."""
        try:
            size = stream_size(stream, MAX_STREAM_BYTES)
        except _TooLarge:
            scope = f"page {self.page}" if self.page else "the PDF"
            raise ReadError(
                f"{scope} too large: {what} decompresses to more than {MAX_STREAM_BYTES:,} bytes (the limit per stream)"
            ) from None
        key = stream.objid if stream.objid is not None else id(stream)
        if key not in self._measured:
            self._measured.add(key)
            self.decoded += size
            if self.decoded > MAX_DOCUMENT_BYTES:
                raise ReadError(
                    f"the PDF too large: its streams decompress to more than {MAX_DOCUMENT_BYTES:,} bytes "
                    "(the limit per document)"
                )
        return size

    def saved_states(self, depth: int) -> None:
        """Refuse a page leaving more than `MAX_SAVED_STATES` graphics states saved and not restored."""
        if depth > MAX_SAVED_STATES:
            raise ReadError(
                f"page {self.page} too large: more than {MAX_SAVED_STATES:,} graphics states saved "
                "and not restored (the limit)"
            )

    def nested(self, depth: int) -> None:
        """Refuse an XObject drawn inside `depth` others, past `MAX_XOBJECT_DEPTH`."""
        if depth >= MAX_XOBJECT_DEPTH:
            raise ReadError(
                f"corrupt PDF: page {self.page} draws XObjects inside XObjects more than "
                f"{MAX_XOBJECT_DEPTH} deep (the limit)"
            )

    def font(self, stream: PDFStream, what: str) -> None:
        """A font's stream measured; one pdfminer parses token by token (`PARSED`) refused past
        `MAX_PARSED_FONT_BYTES`."""
        size = self.measure(stream, what)
        if what in PARSED and size > MAX_PARSED_FONT_BYTES:
            raise ReadError(
                f"page {self.page} too large: {what} of {size:,} bytes, the limit is {MAX_PARSED_FONT_BYTES:,}"
            )

    def content(self, stream: PDFStream) -> None:
        self.page_content += self.measure(stream, "a content stream")
        if self.page_content > MAX_PAGE_CONTENT_BYTES:
            raise ReadError(
                f"page {self.page} too large: its content decompresses to more than {MAX_PAGE_CONTENT_BYTES:,} "
                "bytes, forms counted each time they are drawn (the limit per page)"
            )


# --- the size of a stream ---------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


def stream_size(stream: PDFStream, limit: int) -> int:
    """How many bytes pdfminer's decoding of `stream` gives, found without holding more than `limit` of them.

    Raises _TooLarge past `limit`. Filters that pdfminer leaves to the reader of
    the data (pictures: DCT, JPX, JBIG2, CCITT) end the measuring: pdfminer
    never decodes them for text. An encrypted stream is decrypted here once,
    and pdfminer finds it decrypted.
    """
    if stream.data is not None:
        return len(stream.data)
    data = stream.rawdata or b""
    if stream.decipher and stream.objid is not None and stream.genno is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        stream.rawdata, stream.decipher = data, None
    try:
        filters = stream.get_filters()
    except Exception:  # a malformed /Filter: pdfminer says so when it decodes
        return len(data)
    size = len(data)
    for n, (name, params) in enumerate(filters):
        _check_predictor(params)
        keep = n < len(filters) - 1  # the bytes are needed only to go through a filter after this one
        if name in LITERALS_FLATE_DECODE:
            size, kept = _inflate(data, limit, keep)
        elif name in LITERALS_LZW_DECODE:
            size, kept = _unlzw(data, limit, keep)
        elif name in LITERALS_RUNLENGTH_DECODE:
            size, kept = _run_length_size(data), None
            if size <= limit and keep:
                kept = rldecode(data)
        elif name in LITERALS_ASCII85_DECODE or name in LITERALS_ASCIIHEX_DECODE:
            kept = (ascii85decode if name in LITERALS_ASCII85_DECODE else asciihexdecode)(data)
            size = len(kept)
        else:
            return size
        if size > limit:
            raise _TooLarge
        data = kept if kept is not None else b""
    return size


def _check_predictor(params: object) -> None:
    """Refuse a predictor whose rows are wider than `MAX_PREDICTOR_ROW_BYTES`: pdfminer allocates a row first."""
    if not isinstance(params, dict):
        return
    try:
        predictor = int(resolve1(params.get("Predictor", 1)))
        if predictor < 2:
            return
        width = (
            int(resolve1(params.get("Colors", 1)))
            * int(resolve1(params.get("Columns", 1)))
            * int(resolve1(params.get("BitsPerComponent", 8)))
            // 8
        )
    except (TypeError, ValueError):
        return  # a malformed parameter: pdfminer says so when it decodes
    if width > MAX_PREDICTOR_ROW_BYTES:
        raise ReadError(
            f"corrupt PDF: a stream's predictor rows are {width:,} bytes wide, the limit is {MAX_PREDICTOR_ROW_BYTES:,}"
        )


def _inflate(data: bytes | memoryview, limit: int, keep: bool) -> tuple[int, bytes | None]:
    """(inflated size, the bytes if `keep`); stops past `limit`. Corrupt data counts up to where it breaks."""
    inflater = zlib.decompressobj()
    size = 0
    out: list[bytes] = []
    try:
        for start in range(0, len(data), _FEED):
            pending = data[start : start + _FEED]
            while pending:
                chunk = inflater.decompress(pending, _CHUNK)
                size += len(chunk)
                if size > limit:
                    return size, None
                if keep:
                    out.append(chunk)
                if inflater.eof or (not chunk and inflater.unconsumed_tail == pending):
                    break  # the end of the stream can leave a byte in the tail for ever (found by fuzzing)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        while not inflater.eof:
            chunk = inflater.decompress(b"", _CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                return size, None
            if keep:
                out.append(chunk)
    except zlib.error:
        pass  # pdfminer then decodes what it can up to the damage: no more than this
    return size, b"".join(out) if keep else None


def _unlzw(data: bytes, limit: int, keep: bool) -> tuple[int, bytes | None]:
    size = 0
    out: list[bytes] = []
    try:
        for chunk in LZWDecoder(BytesIO(data)).run():
            size += len(chunk)
            if size > limit:
                return size, None
            if keep:
                out.append(chunk)
    except Exception:  # damaged LZW data: pdfminer fails on it in its own way
        pass
    return size, b"".join(out) if keep else None


def _run_length_size(data: bytes) -> int:
    """The length RunLengthDecode gives, from the run headers alone."""
    size = i = 0
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            size += n + 1
            i += n + 2
        else:
            size += 257 - n
            i += 2
    return size


# --- interpreting a page ------------------------------------------------------------------------------


def font_streams(resources: dict[object, object]) -> Iterable[tuple[PDFStream, str]]:
    """The streams pdfminer decodes to load a resource dictionary's fonts: ToUnicode maps and font programs."""
    try:
        fonts = dict_value(resources.get("Font"))
    except Exception:
        return
    for spec in fonts.values():
        yield from streams_of_font(spec)


def streams_of_font(spec: object) -> Iterable[tuple[PDFStream, str]]:
    """The streams pdfminer decodes to load one font (see `font_streams`)."""
    try:
        font = dict_value(spec)
        parts = [font, *(dict_value(d) for d in _list(font.get("DescendantFonts")))]
        for part in parts:
            unicode_map = resolve1(part.get("ToUnicode"))
            if isinstance(unicode_map, PDFStream):
                yield unicode_map, "a font's ToUnicode map"
            descriptor = dict_value(part.get("FontDescriptor"))
            for key in ("FontFile", "FontFile2", "FontFile3"):
                program = resolve1(descriptor.get(key))
                if isinstance(program, PDFStream):
                    yield program, "a Type 1 font program" if key == "FontFile" else "an embedded font"
    except ReadError:
        raise
    except Exception:  # a malformed font: pdfminer copes with it or says so
        return


def _list(value: object) -> list[object]:
    value = resolve1(value)
    return value if isinstance(value, list) else []


# --- the document ------------------------------------------------------------------------------------


class ReferenceCycle(Exception):
    """Objects that are nothing but references to each other, round in a circle."""

    def __init__(self, chain: list[int]) -> None:
        self.chain = chain
        super().__init__(cycle_cause(chain))


def cycle_cause(chain: list[int]) -> str:
    if len(chain) <= 2:
        return f"object {chain[0]} refers to itself"
    return "objects refer to each other in a cycle (" + " → ".join(map(str, chain)) + ")"


def guard_references(doc: Any) -> None:
    """Make `doc.getobj` follow a chain of bare references itself, and refuse one that loops.

    pdfminer resolves `6 0 R` by asking for object 6 until it gets something
    that is no reference; an object that is only `6 0 R` keeps it asking for
    ever. Only this document's lookup is replaced.
    """
    lookup = doc.getobj

    def getobj(objid: int) -> object:
        obj = lookup(objid)
        if not isinstance(obj, PDFObjRef):
            return obj
        chain, seen = [objid], {objid}
        while isinstance(obj, PDFObjRef):
            chain.append(obj.objid)
            if obj.objid in seen:
                raise ReferenceCycle(chain[chain.index(obj.objid) :])
            seen.add(obj.objid)
            obj = lookup(obj.objid)
        return obj

    setattr(doc, "getobj", getobj)  # noqa: B010 (an instance attribute shadowing the method)


def measure_object_streams(doc: Any, budget: Budget) -> None:
    """Measure the object streams (which pdfminer decodes whole to read one object in them) before any is read."""
    streams: set[int] = set()
    for xref in getattr(doc, "xrefs", ()):
        try:
            for objid in xref.get_objids():
                strmid = xref.get_pos(objid)[0]
                if strmid is not None:
                    streams.add(strmid)
        except Exception:  # a damaged cross-reference section: pdfminer copes or says so
            continue
    for strmid in sorted(streams):
        try:
            stream = resolve1(doc.getobj(strmid))
        except ReferenceCycle:
            raise
        except Exception:
            continue
        if isinstance(stream, PDFStream):
            budget.measure(stream, f"object stream {strmid}")


# Scanning the file itself, before pdfminer reads it: what it decodes while opening it.
_BARE_REFERENCE = re.compile(rb"obj\s*(\d{1,10})\s+\d{1,5}\s+R\s*endobj")
_OBJECT_NUMBER = re.compile(rb"(\d{1,10})\s+\d{1,5}\s+$")
_STRUCTURE_STREAM = re.compile(rb"/Type\s*/(XRef|ObjStm)\b")
_STRUCTURES = {b"XRef": "a cross-reference stream", b"ObjStm": "an object stream"}
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_NUMERIC_PARAM = re.compile(rb"/(Predictor|Columns|Colors|BitsPerComponent)\s+(\d{1,12})\b")
_STREAM_KEYWORD = re.compile(rb"stream(?:\r\n|\n|\r)")


def scan_file(data: bytes) -> None:
    """Refuse, before pdfminer opens the file, a loop of bare references and a compressed
    cross-reference or object stream past `MAX_STREAM_BYTES` (both are read while opening)."""
    targets: dict[int, int] = {}
    for m in _BARE_REFERENCE.finditer(data):
        number = _OBJECT_NUMBER.search(data, max(0, m.start() - 32), m.start())
        if number is not None:
            targets[int(number.group(1))] = int(m.group(1))
    for start in targets:
        chain, seen = [start], {start}
        while chain[-1] in targets:
            chain.append(targets[chain[-1]])
            if chain[-1] in seen:
                raise ReferenceCycle(chain[chain.index(chain[-1]) :])
            seen.add(chain[-1])
    view = memoryview(data)
    for m in _STRUCTURE_STREAM.finditer(data):
        head_start = data.rfind(b"obj", max(0, m.start() - 4096), m.start())
        keyword = _STREAM_KEYWORD.search(data, m.end(), m.end() + 4096)
        if head_start < 0 or keyword is None or b"endobj" in data[head_start + 3 : keyword.start()]:
            continue
        head = bytes(data[head_start : keyword.start()])
        _check_predictor({k.decode(): int(v) for k, v in _NUMERIC_PARAM.findall(head)})
        layers = len(_FLATE.findall(data, head_start, keyword.start()))
        body: bytes | memoryview = view[keyword.end() : keyword.end() + 16 * MiB]
        for layer in range(layers):
            size, kept = _inflate(body, MAX_STREAM_BYTES, keep=layer < layers - 1)
            if size > MAX_STREAM_BYTES:
                raise ReadError(
                    f"the PDF too large: {_STRUCTURES[m.group(1)]} decompresses to more than "
                    f"{MAX_STREAM_BYTES:,} bytes (the limit per stream)"
                )
            body = kept or b""
