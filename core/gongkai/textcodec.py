"""Decoding text files: the encodings Chinese reports really come in, strictly and fast.

Order: a BOM, then strict UTF-8, GB18030 (covers GBK and GB2312) and Big5.
Strict decoding is an order of magnitude faster than statistical detection
and, for these encodings, almost always unambiguous. The one trap is Big5: nearly any Big5
bytes also decode as GB18030, into rare characters and symbols. So a
GB18030 result must look like Chinese text; when neither reading is clearly
right, chardet breaks the tie.

An encoding given by name (`--encoding`, a page's declared charset) must be
a codec that decodes bytes to text: `check_encoding` refuses an unknown
name and Python's bytes-to-bytes codecs (rot13, base64, zlib, hex...),
which `bytes.decode` cannot use at all.
"""

from __future__ import annotations

import codecs
import functools
import re
import warnings

from gongkai.errors import ReadError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# Control characters that never occur in text (tab, newlines, \v and \f do).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTE_SET = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_MAX_CONTROL_SHARE = 0.01

# GB2312 rows of punctuation, numerals and full-width ASCII, then the hanzi rows
# (B0-F7): what simplified Chinese text is made of. Big5 misread as GB18030
# lands in kana, Greek, box drawing, GBK-only and private-use characters instead.
_GB_TEXT_LEADS = bytes([0xA1, 0xA2, 0xA3, *range(0xB0, 0xF8)])
# Big5 symbols (A1-A3) and its frequent hanzi (A4-C6): what traditional text is made of.
_BIG5_TEXT_LEADS = bytes(range(0xA1, 0xC7))
_SURE, _UNSURE = 0.9, 0.5
_HIGH = re.compile("[^\x00-\u07ff]")


def decode_text(data: bytes, encoding: str | None = None, *, partial: bool = False) -> tuple[str, str]:
    """Decode `data` to text with "\\n" newlines; return (text, name of the encoding used).

    `encoding` forces that codec, strictly. `partial` is for a head cut from
    a longer file: a multibyte character cut off at the end is not an error.
    Raises `ReadError` with a one-line cause for empty, binary or undecodable data.
    """
    if encoding:
        name = check_encoding(encoding)
        text = _decode(data, name, partial)
    else:
        text, name = _detect(data, partial)
    _refuse_controls(text, name)  # again after decoding: UTF-16 and forced codecs skip the byte check
    if text.startswith("\ufeff"):  # a BOM kept by a forced codec, or GB18030's own
        text = text[1:]
    if not text.strip():
        raise ReadError("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n"), name


# Codecs that are text encodings to Python but decode nothing: "undefined" refuses every byte.
_DECODES_NOTHING = frozenset({"undefined"})


def check_encoding(name: str) -> str:
    """The codec's own name for a text encoding named `name` ("GBK" -> "gbk"); ReadError with one line if none.

    Refused: an unknown name ("unknown text encoding 'bogus'") and a codec
    that does not turn bytes into text ("not a text encoding: 'rot13'"; also
    base64, zlib, hex, bz2, uu, quopri and "undefined").
    """
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):  # ValueError: a name with a NUL character in it
        raise ReadError(f"unknown text encoding {_shown(name)}") from None
    if not getattr(info, "_is_text_encoding", True) or info.name in _DECODES_NOTHING:
        raise ReadError(f"not a text encoding: {_shown(name)}")
    return info.name


def _shown(name: str) -> str:
    """A name as a message quotes it: repr, cut short if it is long."""
    return repr(name) if len(name) <= 40 else repr(name[:40]) + "…"


def _try(data: bytes, name: str, partial: bool) -> str | int:
    """The text, or the offset of the first byte that does not decode."""
    try:
        if partial:
            return str(codecs.getincrementaldecoder(name)().decode(data, final=False))
        return data.decode(name)
    except UnicodeDecodeError as e:
        return e.start
    except UnicodeError:  # punycode and the like fail without saying where
        return 0


def _decode(data: bytes, name: str, partial: bool) -> str:
    text = _try(data, name, partial)
    if isinstance(text, int):
        raise ReadError(f"not valid {name} text: undecodable bytes at offset {text}")
    return text


def _detect(data: bytes, partial: bool) -> tuple[str, str]:
    if not data:
        raise ReadError("empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode(data, name, partial), name
    nul = data.find(b"\x00")
    if nul >= 0:  # only UTF-16 text holds NUL bytes, and it came with a BOM
        raise ReadError(f"binary data, not text (NUL bytes at offset {nul})")
    first = _CONTROL_BYTES.search(data)  # in UTF-8, GB18030 and Big5 a control byte is a control character
    if first is not None:
        _refuse_share(len(data) - len(data.translate(None, _CONTROL_BYTE_SET)), len(data), first.start())

    utf8 = _try(data, "utf-8", partial)
    if isinstance(utf8, str) and not _could_be_gb(utf8):
        return utf8, "utf-8"
    gb = _try(data, "gb18030", partial)
    gb_score = _score(gb, "gb2312", _GB_TEXT_LEADS) if isinstance(gb, str) else 0.0
    if isinstance(gb, str) and gb_score >= _SURE:
        return gb, "gb18030"
    if isinstance(utf8, str):
        return utf8, "utf-8"
    big5_name = "big5"
    big5 = _try(data, big5_name, partial)
    if isinstance(big5, int):  # cp950, Microsoft's Big5, has a few more characters
        big5_name = "cp950"
        big5 = _try(data, big5_name, partial)
    if isinstance(big5, int):
        if isinstance(gb, str):
            return gb, "gb18030"
        raise ReadError(
            f"not text in a known encoding: invalid as UTF-8 at byte {utf8}, as GB18030 at byte {gb}, "
            f"as Big5 at byte {big5} (give the encoding if you know it)"
        )
    if isinstance(gb, int):
        return big5, big5_name
    big5_score = _score(big5, big5_name, _BIG5_TEXT_LEADS)
    if gb_score < _UNSURE and big5_score >= _SURE:
        return big5, big5_name
    if _chardet_says_big5(data, default=big5_score > gb_score):
        return big5, big5_name
    return gb, "gb18030"


def _could_be_gb(utf8: str) -> bool:
    """Valid UTF-8 with no character beyond U+07FF: a few GBK characters can pass for Greek or
    Cyrillic in UTF-8, but Chinese text in UTF-8 has three-byte characters."""
    return not utf8.isascii() and _HIGH.search(utf8) is None


def _score(text: str, codec: str, text_leads: bytes) -> float:
    """Share of the non-ASCII characters that are ordinary Chinese text in a double-byte `codec`."""
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if not non_ascii:
        return 1.0
    return 1 - len(text.translate(_deleting_ordinary(codec, text_leads))) / non_ascii


@functools.cache
def _deleting_ordinary(codec: str, text_leads: bytes) -> dict[int, None]:
    """A str.translate table deleting ASCII and the characters of the `text_leads` rows of `codec`."""
    table: dict[int, None] = dict.fromkeys(range(128))
    for lead in text_leads:
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                table[ord(bytes((lead, trail)).decode(codec))] = None
            except UnicodeDecodeError:
                continue
    return table


def _chardet_says_big5(data: bytes, default: bool) -> bool:
    """chardet's verdict between the two, unless it is as unsure as we are (short texts)."""
    import chardet  # only for a tie, which few texts reach: not loaded with every reader

    with warnings.catch_warnings():  # chardet warns on stderr when neither fits: that is an answer, not news
        warnings.simplefilter("ignore")
        guesses = chardet.detect_all(data, include_encodings=["gb18030", "big5"], compat_names=False)
    confidences = [g.get("confidence") or 0.0 for g in guesses] + [0.0]
    if not guesses or confidences[0] < 2 * confidences[1]:
        return default
    return str(guesses[0].get("encoding") or "").lower().startswith(("big5", "cp950"))


def _refuse_controls(text: str, name: str) -> None:
    first = _CONTROL.search(text)
    if first is None:
        return
    offset = len(text[: first.start()].encode(name, errors="replace"))
    if first.group() == "\x00":
        raise ReadError(f"binary data, not text (NUL characters at offset {offset})")
    _refuse_share(len(_CONTROL.findall(text)), len(text), offset)


def _refuse_share(count: int, total: int, offset: int) -> None:
    if count > _MAX_CONTROL_SHARE * total:
        raise ReadError(f"binary data, not text ({count} control characters, the first at offset {offset})")
