"""A PDF's structure through pdfminer's parser (no content interpreted): what is damaged, and why it cannot open.

Both engines open a PDF here first: its cross-reference, page tree and
streams are what pdfminer reads well and says most about when they are
damaged (its warnings are kept as the pages' damage notes, never printed);
the content of the pages is then drawn by the engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, dict_value, resolve1
from pdfminer.psparser import LIT, PSLiteral

from gongkai.errors import ReadError
from gongkai_pdf import limits
from gongkai_pdf.limits import ReferenceCycle
from gongkai_pdf.page import MAX_WARNING, TRUNCATED, one_line


class DamageLog(logging.Handler):
    """pdfminer's warnings (each one a sign of a damaged file), kept instead of printed on stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not stop the reading
            message = str(record.msg)
        message = " ".join(message.split())[:MAX_WARNING]
        if message not in self.messages:
            self.messages.append(message)


@contextmanager
def damage_log() -> Iterator[DamageLog]:
    """pdfminer's warnings, kept in a `DamageLog` while the block runs."""
    damage = DamageLog()
    logger = logging.getLogger("pdfminer")
    logger.addHandler(damage)
    try:
        yield damage
    finally:
        logger.removeHandler(damage)


def page_objects(doc: Any) -> list[PDFPage]:
    """The pages of a pdfminer document, refused past `MAX_PAGES` before more are made."""
    pages = []
    try:
        for count, page in enumerate(PDFPage.create_pages(doc), start=1):
            if count > limits.MAX_PAGES:
                raise ReadError(f"the PDF too large: more than {limits.MAX_PAGES:,} pages (the limit)")
            pages.append(page)
    except ReadError:
        raise
    except Exception as exc:
        raise page_tree_error(doc, exc) from None
    return pages


def page_tree_error(doc: Any, exc: BaseException) -> ReadError:
    """Why pdfplumber could not make the pages: a page without a usable box, else the cause it met."""
    inner = unwrapped(exc)
    if isinstance(inner, ReferenceCycle):
        return ReadError(f"corrupt PDF: {inner}")
    return box_error(doc) or ReadError(f"corrupt PDF: its pages cannot be read ({cause(inner)})")


def box_error(doc: Any, pages: list[PDFPage] | None = None) -> ReadError | None:
    """The first page without a usable box (pdfplumber needs them all), as an error; None when all have one.

    The pages are those of the page tree, or `pages` (as pdfminer found
    them: it looks for pages outside a tree that leads nowhere).
    """
    found = ({**page.attrs} for page in pages) if pages is not None else _page_dicts(doc)
    try:
        for number, attrs in enumerate(found, start=1):
            for key in _BOXES:
                if (key == "MediaBox" or key in attrs) and not _is_box(attrs.get(key)):
                    return ReadError(f"corrupt PDF: page {number} has no valid {key} (the size of the page)")
    except ReferenceCycle as cycle:
        return ReadError(f"corrupt PDF: {cycle}")
    except Exception:  # the page tree itself is damaged: the cause met first says so
        pass
    return None


# The boxes pdfplumber reads of every page; the first two are inherited from the page tree above a page.
_BOXES = ("MediaBox", "CropBox", "TrimBox", "BleedBox", "ArtBox")


def _page_dicts(doc: Any) -> Iterator[dict[str, object]]:
    """Each page's dictionary, its inherited boxes filled in, in order (a node met twice is skipped)."""
    todo: list[tuple[object, dict[str, object]]] = [(doc.catalog.get("Pages"), {})]
    seen: set[int] = set()
    count = 0
    while todo and count < limits.MAX_PAGES:
        ref, inherited = todo.pop()
        node = resolve1(ref)
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        attrs = {**inherited, **{k: v for k, v in node.items() if k in _BOXES[:2]}}
        kids = resolve1(node.get("Kids"))
        if isinstance(kids, list) and node.get("Type") is not _PAGE:
            todo.extend((kid, attrs) for kid in reversed(kids))
        else:
            count += 1
            yield {**node, **attrs}


_PAGE = LIT("Page")


def _is_box(value: object) -> bool:
    """Four numbers (each resolved once, so that an array holding itself is no box)."""
    box = resolve1(value)
    return isinstance(box, list) and len(box) == 4 and all(isinstance(resolve1(v), int | float) for v in box)


def lost_streams(page: PDFPage) -> bool:
    """Whether a content stream of the page decoded to nothing though it holds data (pdfminer says nothing)."""
    try:
        streams = [resolve1(s) for s in page.contents or ()]
        return any(
            isinstance(s, PDFStream)
            and s.data is not None
            and not s.data
            and (resolve1(s.attrs.get("Length")) or 0) > 0
            for s in streams
        )
    except Exception:  # best effort: an odd page tree is not itself damage
        return False


def unwrapped(exc: BaseException) -> BaseException:
    """The exception a library wrapped in its own (pdfplumber's PdfminerException), or the exception itself."""
    inner = exc.args[0] if exc.args else exc
    return inner if isinstance(inner, BaseException) else exc


def open_error(exc: BaseException, cut_short: bool) -> ReadError:
    inner = unwrapped(exc)
    if isinstance(inner, ReferenceCycle):
        return ReadError(f"corrupt PDF: {inner}")
    name = type(inner).__name__
    if name == "PDFPasswordIncorrect" or "password" in str(inner).lower():
        return ReadError("encrypted PDF: it needs a password")
    if name.startswith("PDFEncryption"):  # an encryption pdfminer cannot undo
        return ReadError(f"encrypted PDF: {cause(inner)}")
    if cut_short:
        return ReadError(TRUNCATED)
    return ReadError(f"corrupt PDF: {cause(inner)}")


def cause(exc: BaseException) -> str:
    exc = unwrapped(exc)
    if isinstance(exc, RecursionError):
        return "its objects nest too deeply, or refer to each other in a cycle"
    text = re.sub(r"^PdfminerException\((.*)\)$", r"\1", " ".join(str(exc).split()))
    return one_line(text) or type(exc).__name__


# Blend modes that paint as if there were none: a fill in them hides what is under it.
_OPAQUE_BLENDS = frozenset({"Normal", "Compatible"})


def translucent(resources: dict[object, object]) -> bool:
    """Whether a graphics state of `resources` sets a fill alpha below 1, a blend mode or a soft mask."""
    try:
        states = dict_value(resources.get("ExtGState"))
    except Exception:  # a malformed resource: pdfminer ignores graphics states anyway
        return False
    for spec in states.values():
        try:
            state = dict_value(spec)
            alpha = resolve1(state.get("ca", 1))
            blend = resolve1(state.get("BM"))
            blend = resolve1(blend[0]) if isinstance(blend, list) and blend else blend
            mask = resolve1(state.get("SMask"))
        except Exception:  # unreadable: assume the worst
            return True
        if isinstance(alpha, int | float) and alpha < 1:
            return True
        if blend is not None and not (isinstance(blend, PSLiteral) and blend.name in _OPAQUE_BLENDS):
            return True
        if mask is not None and not (isinstance(mask, PSLiteral) and mask.name == "None"):
            return True
    return False
