"""Before PDFium draws a page: what its content would make it build, measured on the page's objects.

PDFium is fast, but it does what a page asks: it inflated a content stream
of 256 MiB of spaces (1.4 s, 570 MB) and did not finish, in a minute,
drawing nine levels of forms that draw each other ten times (a billion
drawings from 2 KB). pdfminer's parser reads the page's objects without
running them: every content stream, font and form the page uses is
measured against `gongkai_pdf.limits` (each form each time it is drawn),
and the forms drawn are found by the `Do` operators of their content, as
deep as they nest. What PDFium then builds of characters and paths is
counted by `gongkai_pdf.pdfium_engine`.

Operations are counted too, from the decoded content (operators and
operands: every run of characters between delimiters, a few too many
rather than too few), and the graphics states saved and not restored: a
page of 32 MB of `q` took PDFium 600 MB. The characters and paths PDFium
then builds are counted by `gongkai_pdf.pdfium_engine`.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import LIT

from gongkai_pdf import limits
from gongkai_pdf.limits import Budget, streams_of_font
from gongkai_pdf.structure import translucent

# Content bytes as token characters (x) and what separates tokens (space): a token, an operator or an
# operand, is a run of x (a string's words each count: too many, never too few). Counted in C, a copy of
# the content the only thing made.
_DELIMITERS = b"\0\t\n\f\r []()<>{}/%"
_TOKENS = bytes(32 if byte in _DELIMITERS else 120 for byte in range(256))
# `q` and `Q`, saving and restoring the graphics state, as tokens of their own.
_STATE = re.compile(rb"(?<![^\s\[\]()<>{}/%])[qQ](?![^\s\[\]()<>{}/%])")
# A name, then `Do`: an XObject drawn. Inside a string or an inline picture it counts too (too many, never
# too few).
_DRAWN = re.compile(rb"/((?:[^\s/\[\]()<>{}%#]|#[0-9A-Fa-f]{2})+)\s*Do(?![^\s/\[\]()<>{}%])")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_FORM = LIT("Form")


@dataclass
class PageFacts:
    """What the page's objects say that PDFium does not: as pdfminer reads them."""

    descents: dict[str, float] = field(default_factory=dict)  # by base font name: `descents_of_font`
    translucent: bool = False  # a graphics state may make a fill see-through (`structure.translucent`)


class Preflight:
    """The measuring of one document's pages, in turn, against its `Budget`.

    Each font is looked at once: pages and forms sharing it (a report's
    pages share their fonts) do not measure it again.
    """

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self._fonts: dict[int, dict[str, float]] = {}  # a font (its object number, or id): its descents
        self._see_through: dict[int, bool] = {}  # a resource dictionary's id: whether it allows see-through fills
        self._kept: list[object] = []  # what is keyed by its id, kept alive meanwhile

    def check_page(self, page: PDFPage, number: int) -> PageFacts:
        """Measure what page `number` asks PDFium to build; ReadError naming the limit it passes.

        The content streams are decoded here too (their size known), so that
        pdfminer says what of them is damaged, as when it draws them.
        """
        budget = self.budget
        budget.start_page(number)
        resources = _dict(page.resources)
        facts = PageFacts()
        self._resources(resources, facts)
        drawn: list[str] = []
        for obj in page.contents or ():
            stream = resolve1(obj)
            if isinstance(stream, PDFStream):
                budget.content(stream)
                drawn += self._run(stream)
        if _dict(resources.get("XObject")):
            self._draw(drawn, resources, 0, facts)
        return facts

    def _draw(self, names: Iterable[str], resources: dict[object, object], depth: int, facts: PageFacts) -> None:
        budget = self.budget
        xobjects = _dict(resources.get("XObject"))
        for name in names:
            budget.xobject()
            xobject = resolve1(xobjects.get(name))
            if not isinstance(xobject, PDFStream) or resolve1(xobject.get("Subtype")) is not _FORM:
                continue  # a picture (drawn once, never decoded for text), or a name the page does not have
            budget.nested(depth)
            inner = _dict(xobject.get("Resources")) or resources  # a form without its own uses the page's
            self._resources(inner, facts)
            budget.content(xobject)
            names = self._run(xobject)
            self._draw(names if _dict(inner.get("XObject")) else (), inner, depth + 1, facts)

    def _run(self, stream: PDFStream) -> list[str]:
        """Count the operations of a content stream about to be run (its size measured) and the graphics
        states it leaves saved; the names of the XObjects it draws."""
        try:
            data = _decoded(stream)
        except Exception:  # undecodable: PDFium finds nothing in it either
            return []
        if data.count(b"q") > limits.MAX_SAVED_STATES:  # else it cannot save that many
            depth = 0
            for n, m in enumerate(_STATE.finditer(data)):
                if n > limits.MAX_PAGE_OPERATIONS:
                    break  # the count of operations refuses the page
                depth = depth + 1 if m.group() == b"q" else max(depth - 1, 0)
                self.budget.saved_states(depth)
        marked = data.translate(_TOKENS)
        self.budget.operation(marked.count(b" x") + marked.startswith(b"x"))
        return [_name(m.group(1)) for m in _DRAWN.finditer(data)]

    def _resources(self, resources: dict[object, object], facts: PageFacts) -> None:
        """The fonts of a resource dictionary measured (each once), their descents and its graphics states noted."""
        for spec in _dict(resources.get("Font")).values():
            key = spec.objid if isinstance(spec, PDFObjRef) else id(spec)
            descents = self._fonts.get(key)
            if descents is None:
                for stream, what in streams_of_font(spec):
                    self.budget.font(stream, what)
                descents = self._fonts[key] = descents_of_font(spec)
                self._kept.append(spec)
            for name, descent in descents.items():
                facts.descents.setdefault(name, descent)
        seen = self._see_through.get(id(resources))
        if seen is None:
            seen = self._see_through[id(resources)] = translucent(resources)
            self._kept.append(resources)
        facts.translucent = facts.translucent or seen


def descents_of_font(spec: object) -> dict[str, float]:
    """A font's descent below the baseline, a share of the font size, by its base font name (and its
    descendant's), as pdfminer has it.

    pdfminer takes the /Descent of the font descriptor (a Type 0 font's:
    its descendant's; a standard font's: its metrics), forced negative, 0
    when there is none; PDFium works one out of the font program instead,
    which would move every glyph box of a font whose descriptor says 0.
    """
    font = _dict(spec)
    parts = [font, *(_dict(d) for d in _list(font.get("DescendantFonts"))[:1])]
    base = _text(parts[-1].get("BaseFont"))
    subtype = _text(font.get("Subtype"))
    if subtype in ("Type1", "MMType1", "TrueType", "") and base in FONT_METRICS:
        value = FONT_METRICS[base][0].get("Descent", 0)
    else:
        value = resolve1(_dict(parts[-1].get("FontDescriptor")).get("Descent", 0))
    descent = -abs(value) / 1000 if isinstance(value, int | float) else 0.0
    out: dict[str, float] = {}
    for part in parts:
        name = _text(part.get("BaseFont"))
        if name:
            out.setdefault(name, descent)
    return out


def _text(value: object) -> str:
    value = resolve1(value)
    name = getattr(value, "name", value)
    if isinstance(name, bytes):
        return name.decode("latin-1")
    return name if isinstance(name, str) else ""


def _list(value: object) -> list[object]:
    value = resolve1(value)
    return value if isinstance(value, list) else []


def _decoded(stream: PDFStream) -> bytes:
    """A content stream decoded as pdfminer decodes it, damage and all, without its slow road.

    pdfminer meets a damaged deflated stream by inflating it again a byte at
    a time, into a string it copies at each byte (8 MB took 6 s): all is lost
    when the damage lies before the last three bytes (the checksum), else
    all but those. The same here, in two calls.
    """
    if stream.data is None and not stream.decipher and _only_flate(stream):
        raw = stream.rawdata or b""
        try:
            data = zlib.decompress(raw)
        except zlib.error:
            data = _inflate_damaged(raw)
        stream.data, stream.rawdata = data, None
    return stream.get_data() or b""


def _only_flate(stream: PDFStream) -> bool:
    try:
        filters = stream.get_filters()
    except Exception:
        return False
    return len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE and not filters[0][1]


def _inflate_damaged(raw: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = [inflater.decompress(raw[:-3])]
    except zlib.error:
        return b""  # damaged before its checksum: pdfminer keeps nothing, and says nothing
    for i in range(max(len(raw) - 3, 0), len(raw)):
        try:
            out.append(inflater.decompress(raw[i : i + 1]))
        except zlib.error:
            logging.getLogger("pdfminer.pdftypes").warning("Data-loss while decompressing corrupted data")
            break
    return b"".join(out)


def _name(raw: bytes) -> str:
    """A name as pdfminer keys it: #xx escapes undone, UTF-8 text (Latin-1 where it is not)."""
    data = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _dict(value: object) -> dict[object, object]:
    value = resolve1(value)
    return value if isinstance(value, dict) else {}  # a malformed resource: PDFium ignores it too
