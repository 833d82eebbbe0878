"""The container: a .docx is a zip holding word/document.xml; everything else gets a one-line cause.

The main document part is read, and its styles part for what its styles
hide, strike out or raise (`styles`). Headers, footers, footnotes and
comments live in parts of their own and are never opened.

The main part is decompressed twice, a chunk at a time: first only to
count its bytes against `MAX_XML_BYTES` and its tags against
`MAX_XML_TAGS`, keeping nothing, then to parse it as it comes. A 167 KB zip
whose part inflates to 127 MB of `<w:p/>` (21 million elements, 2.5 GB as a
tree) is refused without a tree being built. A member never yields more
than its declared size (zipfile stops there and checks the CRC), so a
member larger than it says it is reads as a damaged zip.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from gongkai.errors import ReadError
from gongkai_docx.xmlparse import Node, XmlError, attr, parse, parse_chunks

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
# Decompressed XML beyond this is refused: a zip bomb, not a report. The main part of a 200-page report
# with its tables is 10-20 MB (the national form, a few pages, is 250 KB).
MAX_XML_BYTES = 128 * 1024 * 1024
# Tags (each "<") beyond this are refused: the tree lxml builds costs about 120 bytes an element, so four
# million tags (two to four million elements) are at most half a gigabyte. The national form has 10,000
# tags; a 200-page report with its tables some 500,000, even split into a run per few characters.
MAX_XML_TAGS = 4_000_000
# A styles part (or relationships part) larger than this is not read, which is said in the Layout's
# problems: the national form's styles are 26 KB, with every latent style Word knows some 300 KB; 4 MiB is at
# most a million elements (120 MB as a tree). Text its styles would hide is then read as shown.
MAX_STYLES_BYTES = 4 * 1024 * 1024
_STYLES = "/styles"
# What a style must set to matter here (w:dstrike included). Most styles parts set none of it and are not
# parsed: Word's and python-docx's carry every built-in style (350 KB, five times the national form's
# document part).
_STYLE_PROPERTIES = (b"vanish", b"strike", b"vertAlign")
# Bytes decompressed at a time.
CHUNK = 1024 * 1024
_TABLE_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?tbl(?=[\s/>])([^>]*?)(/?)>")
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


@dataclass
class Parts:
    """The parts of a .docx that are read: the main document, its styles if it has readable ones."""

    document: Node
    styles: Node | None = None
    problems: list[str] = field(default_factory=list)


def main_document(data: bytes) -> Parts:
    """The parsed main document part of a .docx and its styles, or a ReadError saying why there is none."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise ReadError(DAMAGED) from None
    except NotImplementedError:  # a damaged directory claims a zip version that does not exist
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
            raise ReadError(_too_large(main, f"{info.file_size:,} bytes decompressed"))
        _count_tags(archive, main)
        try:
            parts = Parts(parse_chunks(_chunks(archive, main)))
        except XmlError as exc:
            if exc.depth is not None:
                raise ReadError(_too_deep(archive, main, exc.depth)) from None
            raise ReadError(
                f"not a valid .docx: the document part is damaged (XML error on line {exc.line or '?'})"
            ) from None
        _read_styles(archive, names, main, parts)
        return parts


def _read_styles(archive: zipfile.ZipFile, names: set[str], main: str, parts: Parts) -> None:
    """The styles part named by the main part's relationships (else word/styles.xml), if it is readable."""
    name = _related(archive, names, main, _STYLES) or "word/styles.xml"
    if name not in names:
        return
    size = archive.getinfo(name).file_size
    if size > MAX_STYLES_BYTES:
        parts.problems.append(
            f"{name} is too large to read ({size:,} bytes, the limit is {MAX_STYLES_BYTES:,}): "
            "text its styles hide or strike out is read as shown"
        )
        return
    try:
        data = _read_member(archive, name)
        if any(word in data for word in _STYLE_PROPERTIES):
            parts.styles = parse(data)
    except (ReadError, XmlError):
        parts.problems.append(f"{name} is damaged: text its styles hide or strike out is read as shown")


def _related(archive: zipfile.ZipFile, names: set[str], part: str, kind: str) -> str | None:
    """The part a relationship of `part` of this kind names, if it is in the package."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in names or archive.getinfo(rels_name).file_size > MAX_STYLES_BYTES:
        return None
    try:
        rels = parse(_read_member(archive, rels_name))
    except (ReadError, XmlError):
        return None
    for rel in rels:
        if attr(rel, "Type", "").endswith(kind) and rel.get("TargetMode") != "External":
            target = attr(rel, "Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            return posixpath.normpath(path)
    return None


def _count_tags(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a part with more than `MAX_XML_TAGS` tags, before anything of it is parsed."""
    tags = 0
    for chunk in _chunks(archive, name, count_tags=False):
        tags += chunk.count(b"<")
    if tags > MAX_XML_TAGS:
        raise ReadError(
            f"{name} has too many XML elements: {tags:,} tags, the limit is {MAX_XML_TAGS:,} (not a report)"
        )


def _too_large(name: str, size: str) -> str:
    return f"{name} is too large: {size}, the limit is {MAX_XML_BYTES:,} bytes (not a report)"


def _too_deep(archive: zipfile.ZipFile, name: str, limit: int) -> str:
    """Why the parser gave up at `limit` levels: tables nested in tables, as deep as they go, or else elements."""
    depth = deepest = 0
    carry = b""
    for chunk in _chunks(archive, name):
        data = carry + chunk
        end = data.rfind(b"<")  # a tag cut by the end of the chunk is looked at with the next one
        end = len(data) if end < 0 or data.find(b">", end) >= 0 else end
        for m in _TABLE_TAG.finditer(data, 0, end):
            if m.group(1):
                depth = max(depth - 1, 0)
            elif not m.group(3):
                depth += 1
                deepest = max(deepest, depth)
        carry = data[end:]
    if deepest > 1:
        return f"not a valid .docx: tables nested {deepest} deep, deeper than the XML parser reads ({limit} levels)"
    return f"not a valid .docx: elements nested more than {limit} deep, deeper than the XML parser reads"


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
    return b"".join(_chunks(archive, name))


def _chunks(archive: zipfile.ZipFile, name: str, count_tags: bool = True) -> Iterator[bytes]:
    """The member decompressed a chunk at a time, refused past `MAX_XML_BYTES` (or `MAX_XML_TAGS`)."""
    size = tags = 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > MAX_XML_BYTES:
                    raise ReadError(_too_large(name, f"more than {MAX_XML_BYTES:,} bytes decompressed"))
                if count_tags:
                    tags += chunk.count(b"<")
                    if tags > MAX_XML_TAGS:
                        raise ReadError(
                            f"{name} has too many XML elements: more than {MAX_XML_TAGS:,} tags, "
                            f"the limit is {MAX_XML_TAGS:,} (not a report)"
                        )
                yield chunk
    except NotImplementedError:
        raise ReadError("not a valid .docx: the zip uses a compression method that is not supported") from None
    except RuntimeError:  # an encrypted member
        raise ReadError("the zip is password-protected: remove the password and save again") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError):
        raise ReadError(DAMAGED) from None
