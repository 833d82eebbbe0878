"""The Word (.docx) reader: the body of word/document.xml as Lines and Grids.

Old binary .doc files and RTF are refused with a cause saying what to do;
with the reader option ``doc_convert=1`` and LibreOffice on PATH they are
converted to .docx first (see `gongkai_docx.legacy`).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from gongkai.errors import ReadError
from gongkai.hookspecs import Document
from gongkai.layout import Layout
from gongkai_docx.package import (
    ENCRYPTED,
    OLD_DOC,
    OLE,
    RTF,
    RTF_DOC,
    ZIP,
    kind_of_ole,
    main_document,
    not_a_zip,
)

WORD_NAMES = (".docx", ".docm", ".dotx", ".dotm")
OLE_NAMES = (".doc", ".dot", ".docx", ".wps")
CONVERT_OPTION = "doc_convert"


class DocxReader:
    name: str = "docx"
    extensions: tuple[str, ...] = (".docx",)

    def sniff(self, head: bytes, name: str | None) -> float:
        lower = (name or "").lower()
        if head.startswith(ZIP):
            return 0.9 if b"word/" in head or lower.endswith(WORD_NAMES) else 0.0
        if head.startswith(OLE):
            # Claimed so that read() can say what to do with it. Unnamed (stdin), by the stream names
            # in the head, though in a large file they may lie past it.
            if lower.endswith(OLE_NAMES):
                return 0.6
            unnamed = not PurePosixPath(lower.replace("\\", "/")).suffix
            return 0.6 if unnamed and kind_of_ole(head) in ("doc", "encrypted") else 0.0
        if head.startswith(RTF):
            return 0.6  # above the text reader's guess: RTF markup is not the report's text
        return 0.0

    def read(self, doc: Document) -> Layout:
        data = doc.data
        if not data:
            raise ReadError("empty file")
        convert = doc.options.get(CONVERT_OPTION, "").strip().lower() in ("1", "true", "yes", "on")
        if data.startswith(OLE):
            kind = kind_of_ole(data)
            if kind == "encrypted":
                raise ReadError(ENCRYPTED)
            if kind == "doc":
                return self._converted(data, ".doc", OLD_DOC, convert)
            if kind == "xls":
                raise ReadError("an old binary Excel file, not a Word document")
            raise ReadError("an old Office (OLE) file, not a Word document")
        if data.startswith(RTF):
            return self._converted(data, ".rtf", RTF_DOC, convert)
        if not data.startswith(b"PK"):
            raise not_a_zip(data)
        return read_docx(data)

    def _converted(self, data: bytes, suffix: str, cause: str, convert: bool) -> Layout:
        if not convert:
            raise ReadError(cause)
        from gongkai_docx import legacy  # subprocess and friends, for the rare old file

        layout = read_docx(legacy.to_docx(data, suffix, cause.split(":")[0]))
        what = "RTF" if suffix == ".rtf" else "an old binary .doc"
        layout.problems.insert(0, f"converted from {what} by LibreOffice")
        return layout


def read_docx(data: bytes) -> Layout:
    """The Layout of the bytes of a .docx."""
    from gongkai_docx.body import BodyWalker, Tags, word_namespace  # the walk loads when a document is read

    parts = main_document(data)
    root = parts.document
    ns = word_namespace(root)
    if ns is None:
        raise ReadError("a zip file, not a Word document (its main part is no w:document)")
    tags = Tags(ns)
    body = root.find(tags.body)
    walker = BodyWalker(tags, parts.styles)
    walker.problems.extend(parts.problems)
    if body is not None:
        try:
            walker.walk(body)
        except RecursionError:
            raise ReadError("not a valid .docx: tables or text boxes nested too deeply to read") from None
    return Layout(blocks=walker.blocks, format="docx", pages=None, problems=walker.problems)
