"""Bytes of a web page to text: a BOM, else the charset the page declares, else detection.

The declaration is read from the first 4 KiB (`<meta charset>`, `<meta
http-equiv="Content-Type" content="...; charset=...">`, an XML
declaration). Pages that declare GB2312 or GBK routinely hold characters
outside it (喆, 堃, 珺 in names): every GB family label is decoded as
GB18030, its superset, as browsers do. Handing such bytes to libxml2 with
the declared charset instead loses the rest of the page at the first such
character, so the reader always decodes first and parses text. A
declaration that does not fit the bytes, or that names a Western
single-byte charset for a page with non-ASCII bytes (a CMS template's
default, never the truth for a Chinese report), gives way to detection;
so does a declaration naming no charset at all: an unknown label, one of
Python's bytes-to-bytes codecs (`<meta charset=rot13>`, base64, zlib) or
a Python codec no browser knows (unicode_escape, punycode, UTF-7).
"""

from __future__ import annotations

import codecs
import re

from gongkai.errors import ReadError
from gongkai.textcodec import check_encoding, decode_text

DECLARATION_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:\-]+)""", re.I)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# WHATWG Encoding labels of the GBK decoder (which is the GB18030 decoder), and Python's own names.
_GB_LABELS = frozenset(
    {
        "chinese",
        "csgb2312",
        "csiso58gb231280",
        "gb2312",
        "gb_2312",
        "gb_2312-80",
        "gbk",
        "iso-ir-58",
        "x-gbk",
        "gb18030",
        "cp936",
        "ms936",
        "windows-936",
        "euc-cn",
        "x-euc-cn",
        "hz-gb-2312",
    }
)
_GB_CODECS = frozenset({"gb2312", "gbk", "gb18030"})
_BIG5_CODECS = frozenset({"big5", "cp950", "big5hkscs"})
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")  # narrowest first: each is (nearly) a superset of the one before
# Text codecs of Python that are no charset of the web (WHATWG Encoding): a page naming one is ignored, as
# browsers ignore it; decoding with it would rewrite the page (unicode_escape) or fail (punycode).
_NOT_WEB_CHARSETS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7"})


def declared_charset(data: bytes) -> str | None:
    """The charset label the page declares near its top, lower-case, or None."""
    head = data[:DECLARATION_BYTES]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def candidates(label: str, data: bytes) -> list[str] | None:
    """The codecs to try, in order, for a declared label; None when detection should decide."""
    if label in _GB_LABELS:
        return ["gb18030"]
    try:
        name = check_encoding(label)
    except ReadError:  # an unknown label, or a codec that is no text encoding (rot13, base64, zlib)
        return None
    if name in _NOT_WEB_CHARSETS:
        return None
    if name in _GB_CODECS:
        return ["gb18030"]
    if name in _BIG5_CODECS:
        return list(_BIG5_FAMILY)
    if name.startswith(("utf-16", "utf-32")):  # declared inside an ASCII-compatible page: it is UTF-8 (WHATWG)
        return ["utf-8"]
    if name in ("utf-8", "utf-8-sig"):
        return ["utf-8"]
    return [name] if data.isascii() else None


def decode_html(data: bytes, forced: str | None = None) -> tuple[str, str, list[str]]:
    """(text, encoding used, notes for the reader's problems); ReadError with one line if it is not text.

    Order: a forced codec; a BOM; the declared charset; detection. A page cut
    off inside a multibyte character is decoded up to the cut; a page that
    declares its charset and has a few stray bytes in it is decoded with them
    replaced, as a browser shows it (before detection: the declaration and
    all but a few bytes agreeing say more than any statistics). Each with a note.
    """
    if forced:
        text, used = decode_text(data, forced)
        return text, used, []
    if data.startswith(_BOMS):
        text, used = decode_text(data)
        return text, used, []
    label = declared_charset(data)
    tried = (candidates(label, data) if label else None) or []
    for codec in tried:
        decoded = _strict(data, codec)
        if decoded is not None:
            return decoded
    repaired = _with_stray_bytes(data, tried)
    if repaired is not None:
        return repaired
    notes: list[str] = []
    try:
        text, used = decode_text(data)
    except ReadError as exc:
        cut = _strict(data, None, partial_only=True)
        if cut is None:
            raise exc from None  # detection's own words: empty, binary, not text in a known encoding
        text, used, notes = cut
    if label:
        notes.append(f"the page declares charset {label}, but its bytes are {used}")
    return text, used, notes


def _strict(data: bytes, codec: str | None, partial_only: bool = False) -> tuple[str, str, list[str]] | None:
    """Decoded strictly, or up to a character cut off at the end (a truncated download), or None."""
    for partial in (True,) if partial_only else (False, True):
        try:
            text, used = decode_text(data, codec, partial=partial)
        except ReadError:
            continue
        return text, used, ["the page ends inside a character: it was cut short"] if partial else []
    return None


# A declared page with this few undecodable bytes is text with a few stray bytes, not binary.
_MAX_STRAY_SHARE, _MIN_STRAY_ALLOWED = 0.001, 3


def _with_stray_bytes(data: bytes, tried: list[str]) -> tuple[str, str, list[str]] | None:
    if not tried or b"\x00" in data:
        return None
    codec = tried[-1]
    text = data.decode(codec, errors="replace")
    stray = text.count("\ufffd")
    if stray > max(_MIN_STRAY_ALLOWED, _MAX_STRAY_SHARE * len(data)):
        return None
    try:  # the control-character check of the strict path, on text that now decodes
        text, used = decode_text(text.encode(codec, errors="replace"), codec)
    except ReadError:
        return None
    what = "1 byte that is" if stray == 1 else f"{stray} bytes that are"
    return text, used, [f"{what} not {codec} replaced by U+FFFD"]
