"""The container: a .docx is a zip holding word/document.xml; everything else gets a one-line cause.

Only the main document part is read. Headers, footers, footnotes and
comments live in parts of their own and are never opened.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from gongkai.errors import ReadError
from gongkai_docx.xmlparse import XmlError, attr, parse

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF = b"{\\rtf"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
WORD_STREAM = "WordDocument".encode("utf-16-le")
EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))

DAMAGED = "not a valid .docx: the zip is damaged or truncated"
NOT_WORD = "a zip file, not a Word document"
ENCRYPTED = "encrypted Word document: remove the password and save again"
OLD_DOC = "old binary Word .doc: open it in Word or LibreOffice and save as .docx"
RTF_DOC = "an RTF document, not a .docx: open it in Word or LibreOffice and save as .docx"

# The main part of a package is named by the officeDocument relationship of _rels/.rels.
_RELS = "_rels/.rels"
_DEFAULT_MAIN = "word/document.xml"
_OFFICE_DOCUMENT = "/officeDocument"
# Decompressed XML beyond this is refused: a zip bomb, not a report.
MAX_XML_BYTES = 128 * 1024 * 1024
# Other applications' zips, by where their main part lives.
_OTHER_APPS = {"xl/": "an Excel workbook", "ppt/": "a PowerPoint presentation"}
# What a file that is not a zip at all most likely is, by its first bytes.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF", "a PDF file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)


def kind_of_ole(data: bytes) -> str:
    """'encrypted', 'doc', 'xls' or 'other' for an OLE compound file, by the stream names it holds."""
    if ENCRYPTED_STREAM in data:
        return "encrypted"
    if WORD_STREAM in data:
        return "doc"
    if any(name in data for name in EXCEL_STREAMS):
        return "xls"
    return "other"


def not_a_zip(data: bytes) -> ReadError:
    """The error for bytes that are no zip: what they look like, when that is known."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return ReadError(f"not a Word document: the content is {what}")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return ReadError("not a Word document: the content is an HTML page")
    if head.startswith(b"mime-version:"):
        return ReadError("not a Word document: the content is a web archive (MHT)")
    if b"<w:worddocument" in head or b"<pkg:package" in head:
        return ReadError("a Word XML file (Word 2003 XML or flat XML), not a .docx: open it in Word and save as .docx")
    return ReadError(DAMAGED if data.startswith(ZIP[:2]) else "not a .docx: the content is not a zip file")


def main_part(data: bytes) -> bytes:
    """The XML of the main document part of a .docx, or a ReadError saying why there is none."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise ReadError(DAMAGED) from None
    with archive:
        names = set(archive.namelist())
        main = _main_name(archive, names)
        other = next((what for prefix, what in _OTHER_APPS.items() if main and main.startswith(prefix)), None)
        if main is None or other:
            raise ReadError(f"{NOT_WORD} ({other})" if other else NOT_WORD)
        info = archive.getinfo(main)
        if info.flag_bits & 0x1:
            raise ReadError("the zip is password-protected: remove the password and save again")
        if info.file_size > MAX_XML_BYTES:
            raise ReadError(f"{main} is too large ({info.file_size} bytes): not a report")
        return _read_member(archive, main)


def _main_name(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The officeDocument target named by _rels/.rels, else word/document.xml if present."""
    if _RELS in names:
        try:
            rels = parse(_read_member(archive, _RELS))
        except (ReadError, XmlError):
            rels = None
        for rel in rels if rels is not None else ():
            if attr(rel, "Type", "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                target = posixpath.normpath(attr(rel, "Target", "").lstrip("/"))
                if target in names:
                    return target
    return _DEFAULT_MAIN if _DEFAULT_MAIN in names else None


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as member:
            data = member.read(MAX_XML_BYTES + 1)
    except NotImplementedError:
        raise ReadError("not a valid .docx: the zip uses a compression method that is not supported") from None
    except RuntimeError:  # an encrypted member
        raise ReadError("the zip is password-protected: remove the password and save again") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError):
        raise ReadError(DAMAGED) from None
    if len(data) > MAX_XML_BYTES:
        raise ReadError(f"{name} is too large (more than {MAX_XML_BYTES} bytes): not a report")
    return data
