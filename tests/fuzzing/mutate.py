"""Mutations of the committed fixtures, each reproducible from (source, seed).

A mutator takes the bytes and a `random.Random` and returns the new bytes and
a short description of what it did, or raises `Skip` when it does not apply
(no stream in the file, a part that does not parse). `build_case` picks one to
three mutators for the file's format, applies them in turn and says which.
"""

from __future__ import annotations

import copy
import io
import random
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from fuzzing import corpus
from fuzzing.choose import RandomChooser
from fuzzing.generate import CONTROLS, ENTITIES, FIGURES, SEPARATORS, SPANS, html_page, labels, text_report

# No mutation makes an input larger than this: the point is malformed input, not large input
# (the decompression bombs below are small on disk and large only when inflated).
MAX_OUTPUT = 8 * 1024 * 1024
READERS = ("txt", "html", "docx", "pdf")


class Skip(Exception):
    """The mutator does not apply to this input."""


Mutator = Callable[[bytes, random.Random], tuple[bytes, str]]


@dataclass(frozen=True)
class Case:
    source: str  # a fixture's path relative to the repository, or gen:txt / gen:html
    seed: int
    data: bytes
    name: str | None
    reader: str | None  # None: the reader is chosen by sniffing, as for a user
    mutations: tuple[str, ...]

    @property
    def format(self) -> str:
        return corpus.format_of(self.source)

    def describe(self) -> str:
        forced = f", reader={self.reader}" if self.reader else ""
        return f"{self.source} seed={self.seed} name={self.name!r}{forced}: {' + '.join(self.mutations) or 'none'}"


# ---------------------------------------------------------------- bytes: every format

INTERESTING = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\n", b"\t", b"|", b"<", b">", b"&", b"%",
    b"0", b"9" * 24, b"\x80", b"\xa1\xa1", b"\xe3\x80\x80", b"<table>", b"</td>", b"<td colspan=99999>",
    b"PK\x03\x04", b"%PDF-1.4", b"endobj", b"stream", b" R ", b"]]>", b"<!--", b"\xed\xa0\x80", b"\x1b[2J",
)  # fmt: skip


def _point(rng: random.Random, n: int) -> int:
    """A position in [0, n]: anywhere, or near either end (headers and trailers are where parsers look first)."""
    where = rng.random()
    if where < 0.2:
        return rng.randint(0, min(n, 64))
    if where < 0.4:
        return max(0, n - rng.randint(0, min(n, 256)))
    return rng.randint(0, n)


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = _point(rng, len(data) - 1) if len(data) > 1 else 0
    return data[:at], f"truncate@{at}"


def flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if not data:
        raise Skip
    out = bytearray(data)
    places = []
    for _ in range(rng.choice((1, 1, 2, 4, 16))):
        at = _point(rng, len(out) - 1)
        out[at] = rng.randrange(256) if rng.random() < 0.5 else out[at] ^ (1 << rng.randrange(8))
        places.append(at)
    return bytes(out), f"flip@{','.join(map(str, places))}"


def insert(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = _point(rng, len(data))
    chunk = rng.choice(INTERESTING) if rng.random() < 0.6 else rng.randbytes(rng.randint(1, 64))
    return data[:at] + chunk + data[at:], f"insert{len(chunk)}@{at}"


def delete(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if not data:
        raise Skip
    at = _point(rng, len(data) - 1)
    n = rng.choice((1, 2, 8, 64, 512, 4096))
    return data[:at] + data[at + n :], f"delete{n}@{at}"


def duplicate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if not data:
        raise Skip
    start = rng.randrange(len(data))
    n = rng.choice((1, 16, 256, 4096, 65536))
    chunk = data[start : start + n]
    times = rng.choice((1, 1, 2, 10))
    at = _point(rng, len(data))
    out = data[:at] + chunk * times + data[at:]
    return out[:MAX_OUTPUT], f"duplicate{len(chunk)}x{times}@{start}->{at}"


def splice(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The head of this file and the tail of another fixture (two downloads mixed up)."""
    fmt = rng.choice(corpus.FORMATS)
    donor_name = rng.choice(corpus.files()[fmt])
    donor = corpus.read(donor_name)
    at, other = _point(rng, len(data)), rng.randrange(len(donor))
    return data[:at] + donor[other:], f"splice@{at}+{donor_name}@{other}"


BYTE_MUTATORS: tuple[Mutator, ...] = (truncate, flip, flip, insert, delete, duplicate, splice)

# ---------------------------------------------------------------- text: txt, md (and HTML source as text)

_TEXT_CODECS = ("utf-8-sig", "utf-16", "gb18030", "big5")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codecs_: tuple[str, ...] = ("utf-16",)
    else:
        codecs_ = ("utf-8-sig", "gb18030", "big5")
    for codec in codecs_:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise Skip


def _text_op(op: Callable[[list[str], random.Random], str]) -> Mutator:
    def mutator(data: bytes, rng: random.Random) -> tuple[bytes, str]:
        text, codec = _decode(data)
        lines = text.split("\n")
        what = op(lines, rng)
        out = "\n".join(lines).encode(codec, "surrogatepass" if codec.startswith("utf") else "replace")
        return out[:MAX_OUTPUT], what

    mutator.__name__ = op.__name__
    return mutator


def _line(lines: list[str], rng: random.Random, digits: bool = False) -> int:
    pool = [i for i, line in enumerate(lines) if re.search(r"\d", line)] if digits else []
    return rng.choice(pool) if pool else rng.randrange(len(lines))


def line_delete(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng)
    n = rng.choice((1, 1, 3, 20))
    del lines[i : i + n]
    return f"line_delete{n}@{i}"


def line_duplicate(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng, digits=True)
    n, times = rng.choice((1, 1, 5, 30)), rng.choice((1, 1, 2, 3, 20, 100))
    lines[i:i] = lines[i : i + n] * times
    return f"line_duplicate{n}x{times}@{i}"


def line_move(lines: list[str], rng: random.Random) -> str:
    i, j = _line(lines, rng, digits=True), rng.randrange(len(lines))
    lines.insert(j, lines.pop(i))
    return f"line_move@{i}->{j}"


def line_split(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng, digits=True)
    at = rng.randint(0, len(lines[i]))
    lines[i : i + 1] = [lines[i][:at], lines[i][at:]]
    return f"line_split@{i}:{at}"


def line_join(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng, digits=True)
    n = rng.choice((2, 2, 5, 40))
    lines[i : i + n] = [rng.choice(("", " ", "\t")).join(lines[i : i + n])]
    return f"line_join{n}@{i}"


def separators(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng, digits=True)
    new = rng.choice(SEPARATORS)
    lines[i] = re.sub(r"[\t|　 ]+", lambda _: new, lines[i])
    return f"separators@{i}={new!r}"


def glue(lines: list[str], rng: random.Random) -> str:
    """Figures run together (规章000行政规范性文件000): the separators between digits, or after the label, removed."""
    first = _line(lines, rng, digits=True)
    n = rng.choice((1, 1, 3, 12))
    for i in range(first, min(first + n, len(lines))):
        lines[i] = re.sub(r"(?<=\S)[\t|　 ]+(?=[\d\-—])", "", lines[i])
    return f"glue{n}@{first}"


def figure_edit(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng, digits=True)
    spots = list(re.finditer(r"\d+", lines[i]))
    if not spots:
        raise Skip
    m = rng.choice(spots)
    new = (
        rng.choice(FIGURES)
        if rng.random() < 0.7
        else "".join(rng.choice("0123456789") for _ in range(rng.randint(8, 64)))
    )
    lines[i] = lines[i][: m.start()] + new + lines[i][m.end() :]
    return f"figure@{i}:{m.start()}={new[:12]!r}"


def insert_label(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng)
    words = labels()
    label = rng.choice(words[rng.choice(("row", "row", "column", "heading", "group"))])
    at = rng.randint(0, len(lines[i]))
    lines[i] = lines[i][:at] + label + rng.choice(SEPARATORS) + lines[i][at:]
    return f"label@{i}:{at}"


def insert_control(lines: list[str], rng: random.Random) -> str:
    i = _line(lines, rng)
    ch = rng.choice(CONTROLS)
    n = rng.choice((1, 1, 2, 10))
    at = rng.randint(0, len(lines[i]))
    lines[i] = lines[i][:at] + ch * n + lines[i][at:]
    return f"control{n}x{ch!r}@{i}"


def pipes(lines: list[str], rng: random.Random) -> str:
    """Markdown tables damaged: the rule row dropped or doubled, pipes added or removed, cells escaped."""
    rows = [i for i, line in enumerate(lines) if "|" in line] or [_line(lines, rng)]
    i = rng.choice(rows)
    how = rng.choice(("drop-rule", "extra-pipe", "no-edge", "escaped", "rule-everywhere", "ragged"))
    if how == "drop-rule":
        lines[:] = [line for line in lines if not re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line) or "-" not in line]
    elif how == "extra-pipe":
        at = rng.randint(0, len(lines[i]))
        lines[i] = lines[i][:at] + "|" * rng.choice((1, 2, 50)) + lines[i][at:]
    elif how == "no-edge":
        lines[i] = lines[i].strip().strip("|")
    elif how == "escaped":
        lines[i] = lines[i].replace("|", "\\|", 1)
    elif how == "rule-everywhere":
        lines.insert(i, "|" + "---|" * rng.choice((1, 5, 200)))
    else:
        lines[i] = lines[i] + " | 1" * rng.choice((1, 10, 300))
    return f"pipes-{how}@{i}"


TEXT_OPS = (
    line_delete, line_duplicate, line_move, line_split, line_join, separators, glue, glue, figure_edit, figure_edit,
    insert_label, insert_control,
)  # fmt: skip
TEXT_MUTATORS: tuple[Mutator, ...] = tuple(_text_op(op) for op in TEXT_OPS)
MD_MUTATORS: tuple[Mutator, ...] = (*TEXT_MUTATORS, _text_op(pipes), _text_op(pipes))


def reencode(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The same text in another encoding, or part of it: a file pasted together from two sources."""
    text, _codec = _decode(data)
    target = rng.choice(("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-be", "utf-32", "latin-1"))
    if rng.random() < 0.5:
        return text.encode(target, "replace"), f"reencode={target}"
    at = rng.randint(0, len(text))
    head = text[:at].encode("utf-8", "surrogatepass")
    return head + text[at:].encode(target, "replace"), f"reencode@{at}=utf-8+{target}"


def blow_up(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One stretch of the document repeated many times (a template pasted over and over)."""
    text, codec = _decode(data)
    start = rng.randrange(max(1, len(text)))
    n = rng.choice((200, 2000, 20000))
    times = rng.choice((10, 100, 1000))
    block = text[start : start + n]
    out = (text[:start] + block * times + text[start:]).encode(
        codec, "surrogatepass" if codec.startswith("utf") else "replace"
    )
    return out[:MAX_OUTPUT], f"blow_up{len(block)}x{times}@{start}"


# ---------------------------------------------------------------- HTML trees

_HTML_ATTRS = (
    "rowspan",
    "colspan",
    "rowspan",
    "colspan",
    "style",
    "hidden",
    "class",
    "align",
    "width",
    "id",
    "charset",
)
_STYLES = ("display:none", "visibility:hidden", "display: NONE !important", "font-size:0", "", "display:")


def _html_elements(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and el is not root]


def _tree_op(op: Callable[[etree._Element, random.Random], str]) -> Mutator:
    def mutator(data: bytes, rng: random.Random) -> tuple[bytes, str]:
        text, codec = _decode(data)
        try:
            root = lxml_html.document_fromstring(text)
        except (etree.ParserError, ValueError) as exc:
            raise Skip from exc
        what = op(root, rng)
        out = lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
        return out.encode(codec, "xmlcharrefreplace" if not codec.startswith("utf") else "surrogatepass")[
            :MAX_OUTPUT
        ], what

    mutator.__name__ = op.__name__
    return mutator


def _pick(root: etree._Element, rng: random.Random, tags: tuple[str, ...] = ()) -> etree._Element:
    elements = _html_elements(root)
    preferred = [el for el in elements if el.tag in tags] if tags and rng.random() < 0.7 else []
    if not (preferred or elements):
        raise Skip
    return rng.choice(preferred or elements)


def _where(el: etree._Element) -> str:
    return f"{el.tag}#{sum(1 for _ in el.itersiblings(preceding=True))}"


_TABLE_TAGS = ("tr", "td", "th", "table", "tbody", "p")


def el_delete(root: etree._Element, rng: random.Random) -> str:
    el = _pick(root, rng, _TABLE_TAGS)
    parent = el.getparent()
    if parent is None:
        raise Skip
    where = _where(el)
    if rng.random() < 0.5:
        parent.remove(el)  # with its tail
    else:
        el.drop_tag() if hasattr(el, "drop_tag") else parent.remove(el)  # the tag only, its content kept
    return f"delete<{where}>"


def _copies(el: etree._Element, parent: etree._Element, rng: random.Random) -> int:
    """Insert a few (or a hundred) copies of `el` right after it; how many."""
    times = rng.choice((1, 1, 2, 3, 20, 100))
    at = parent.index(el)
    for _ in range(times):
        parent.insert(at + 1, copy.deepcopy(el))
    return times


def el_duplicate(root: etree._Element, rng: random.Random) -> str:
    el = _pick(root, rng, _TABLE_TAGS)
    parent = el.getparent()
    if parent is None:
        raise Skip
    return f"duplicate<{_where(el)}>x{_copies(el, parent, rng)}"


def el_move(root: etree._Element, rng: random.Random) -> str:
    el = _pick(root, rng, _TABLE_TAGS)
    target = _pick(root, rng, _TABLE_TAGS)
    if el.getparent() is None or el is target or any(a is el for a in target.iterancestors()):
        raise Skip
    where = _where(el)
    target.insert(rng.randint(0, len(target)), el)
    return f"move<{where}>-><{_where(target)}>"


def el_attr(root: etree._Element, rng: random.Random) -> str:
    el = _pick(root, rng, ("td", "th", "td", "th", "table", "tr"))
    name = rng.choice(_HTML_ATTRS)
    value = rng.choice(SPANS) if name in ("rowspan", "colspan", "width") else rng.choice((*_STYLES, *SPANS[:4]))
    el.set(name, value)
    return f"attr<{_where(el)}>{name}={value!r}"


def el_nest(root: etree._Element, rng: random.Random) -> str:
    el = _pick(root, rng, ("table", "td", "p"))
    parent = el.getparent()
    if parent is None:
        raise Skip
    depth = rng.choice((2, 10, 100, 1000, 5000))
    tag = rng.choice(("div", "span", "table", "font", "td"))
    outer = inner = etree.Element(tag)
    for _ in range(depth - 1):
        inner = etree.SubElement(inner, tag)
    parent.replace(el, outer)
    inner.append(el)
    return f"nest<{_where(el)}>in{depth}x{tag}"


def el_text(root: etree._Element, rng: random.Random) -> str:
    el = _pick(root, rng, ("td", "th", "p", "span"))
    words = labels()
    new = rng.choice((rng.choice(FIGURES), rng.choice(words["row"]), rng.choice(words["column"]), "", "\u3000" * 3))
    el.text = new
    return f"text<{_where(el)}>={new[:12]!r}"


TREE_MUTATORS: tuple[Mutator, ...] = tuple(
    _tree_op(op) for op in (el_delete, el_duplicate, el_move, el_attr, el_attr, el_attr, el_nest, el_text)
)


def entities(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Character references, good and bad, dropped between tags."""
    spots = [m.end() for m in re.finditer(rb">", data)] or [0]
    out, places = data, []
    for _ in range(rng.choice((1, 3, 20))):
        at = rng.choice(spots)
        ent = rng.choice(ENTITIES).encode("ascii")
        out = out[:at] + ent + out[at:]
        spots = [s + len(ent) if s > at else s for s in spots]
        places.append(at)
    return out, f"entities@{','.join(map(str, places[:5]))}"


def charset(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The declared charset changed, added or doubled (declarations that lie about the bytes)."""
    label = rng.choice(("utf-8", "gbk", "gb2312", "big5", "utf-16", "iso-8859-1", "x-bogus", "", "utf-7", "hz-gb-2312"))
    meta = f'<meta charset="{label}">'.encode("ascii")
    found = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9._:\-]*)", data[:4096], re.I)
    if found and rng.random() < 0.7:
        return data[: found.start(1)] + label.encode() + data[found.end(1) :], f"charset={label!r}"
    return meta + data, f"charset+{label!r}"


HTML_MUTATORS: tuple[Mutator, ...] = (*TREE_MUTATORS, *TREE_MUTATORS, entities, charset, *TEXT_MUTATORS[:6])

# ---------------------------------------------------------------- DOCX: a zip of XML parts

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT = "word/document.xml"


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info, archive.read(info)) for info in archive.infolist()]
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        NotImplementedError,
        EOFError,
        KeyError,
        RuntimeError,
    ) as exc:
        raise Skip from exc


def _pack(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": wanted
        with zipfile.ZipFile(buf, "w") as archive:
            for info, body in members:
                new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                new.compress_type = info.compress_type
                archive.writestr(new, body)
    return buf.getvalue()


def _member_op(op: Callable[[list[tuple[zipfile.ZipInfo, bytes]], random.Random], str]) -> Mutator:
    def mutator(data: bytes, rng: random.Random) -> tuple[bytes, str]:
        members = _members(data)
        if not members:
            raise Skip
        what = op(members, rng)
        return _pack(members), what

    mutator.__name__ = op.__name__
    return mutator


def _member(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> int:
    main = [i for i, (info, _) in enumerate(members) if info.filename == _DOCUMENT]
    if main and rng.random() < 0.6:
        return main[0]
    return rng.randrange(len(members))


def member_truncate(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
    i = _member(members, rng)
    info, body = members[i]
    at = _point(rng, len(body))
    members[i] = (info, body[:at])
    return f"member_truncate<{info.filename}>@{at}"


def member_corrupt(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
    i = _member(members, rng)
    info, body = members[i]
    new, what = rng.choice((flip, insert, delete))(body, rng)
    members[i] = (info, new)
    return f"member_corrupt<{info.filename}>:{what}"


def member_duplicate(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
    i = _member(members, rng)
    info, body = members[i]
    other = body if rng.random() < 0.5 else rng.choice(members)[1]
    at = rng.choice((i, i + 1, len(members)))
    members.insert(at, (info, other))
    return f"member_duplicate<{info.filename}>@{at}"


def member_delete(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
    i = _member(members, rng) if rng.random() < 0.5 else rng.randrange(len(members))
    info, _ = members.pop(i)
    return f"member_delete<{info.filename}>"


def member_rename(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
    i = _member(members, rng)
    info, body = members[i]
    name = rng.choice(
        ("WORD/document.xml", "word/Document.xml", "./word/document.xml", "/word/document.xml", "word\\document.xml",
         "word/document2.xml", "xl/workbook.xml", "word/document.xml/", "", "../document.xml", "word//document.xml")
    )  # fmt: skip
    new = zipfile.ZipInfo(name or "x", date_time=info.date_time)
    new.compress_type = info.compress_type
    members[i] = (new, body)
    return f"member_rename<{info.filename}>={name!r}"


def rels_edit(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
    rels = [i for i, (info, _) in enumerate(members) if info.filename == "_rels/.rels"]
    if not rels:
        raise Skip
    info, body = members[rels[0]]
    target = rng.choice(
        ("word/missing.xml", "/word/document.xml", "../../../etc/passwd", "_rels/.rels", "docProps/app.xml",
         "word/styles.xml", "xl/workbook.xml", "", "word/./document.xml", "word/../word/document.xml", "http://x/y")
    )  # fmt: skip
    new = re.sub(rb'Target="[^"]*document[^"]*"', b'Target="' + target.encode() + b'"', body)
    if rng.random() < 0.3:
        new = new.replace(b"officeDocument", b'officeDocument" TargetMode="External', 1)
    members[rels[0]] = (info, new)
    return f"rels_target={target!r}"


def bomb(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
    """The document part replaced by one that inflates far beyond its size on disk."""
    i = _member(members, rng)
    info, _ = members[i]
    megabytes = rng.choice((1, 4, 16, 64, 200))
    kind = rng.choice(("paragraphs", "cells", "spaces", "text", "nesting"))
    unit = {
        "paragraphs": b"<w:p><w:r><w:t>1</w:t></w:r></w:p>",
        "cells": b'<w:tc><w:tcPr><w:gridSpan w:val="9"/></w:tcPr><w:p><w:r><w:t>7</w:t></w:r></w:p></w:tc>',
        "spaces": b" ",
        "text": "规章".encode(),
        "nesting": b"<w:tbl><w:tr><w:tc>",
    }[kind]
    times = megabytes * 1024 * 1024 // len(unit)
    inner = unit * times
    if kind == "cells":
        inner = b"<w:tbl><w:tr>" + inner + b"</w:tr></w:tbl>"
    elif kind in ("spaces", "text"):
        inner = b"<w:p><w:r><w:t>" + inner + b"</w:t></w:r></w:p>"
    body = (
        b'<?xml version="1.0"?><w:document xmlns:w="' + _W.encode() + b'"><w:body>' + inner + b"</w:body></w:document>"
    )
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    members[i] = (new, body)
    return f"bomb<{info.filename}>{kind}{megabytes}MB"


def _word_op(
    op: Callable[[etree._Element, random.Random], str],
) -> Callable[[list[tuple[zipfile.ZipInfo, bytes]], random.Random], str]:
    def member_op(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> str:
        main = [i for i, (info, _) in enumerate(members) if info.filename == _DOCUMENT]
        if not main:
            raise Skip
        info, body = members[main[0]]
        try:
            root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise Skip from exc
        what = op(root, rng)
        members[main[0]] = (info, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
        return what

    member_op.__name__ = op.__name__
    return member_op


_WORD_TAGS = tuple(f"{{{_W}}}{t}" for t in ("tr", "tc", "p", "tbl", "r", "t", "tcPr", "gridSpan", "vMerge", "gridCol"))


def _word_pick(root: etree._Element, rng: random.Random, tags: tuple[str, ...] = _WORD_TAGS) -> etree._Element:
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
    preferred = [el for el in elements if el.tag in tags] if rng.random() < 0.8 else []
    if not (preferred or elements):
        raise Skip
    return rng.choice(preferred or elements)


def _short(el: etree._Element) -> str:
    return str(el.tag).rsplit("}", 1)[-1]


def w_delete(root: etree._Element, rng: random.Random) -> str:
    el = _word_pick(root, rng)
    parent = el.getparent()
    if parent is None:
        raise Skip
    parent.remove(el)
    return f"w_delete<{_short(el)}>"


def w_duplicate(root: etree._Element, rng: random.Random) -> str:
    el = _word_pick(root, rng)
    parent = el.getparent()
    if parent is None:
        raise Skip
    return f"w_duplicate<{_short(el)}>x{_copies(el, parent, rng)}"


def w_move(root: etree._Element, rng: random.Random) -> str:
    el, target = _word_pick(root, rng), _word_pick(root, rng)
    if el.getparent() is None or el is target or any(a is el for a in target.iterancestors()):
        raise Skip
    target.insert(rng.randint(0, len(target)), el)
    return f"w_move<{_short(el)}>-><{_short(target)}>"


def w_attr(root: etree._Element, rng: random.Random) -> str:
    """A merge or a width made absurd: gridSpan, vMerge and gridCol values, set or added."""
    cells = [el for el in root.iter(f"{{{_W}}}tc")]
    if not cells:
        raise Skip
    cell = rng.choice(cells)
    props = cell.find(f"{{{_W}}}tcPr")
    if props is None:
        props = etree.Element(f"{{{_W}}}tcPr")
        cell.insert(0, props)
    kind = rng.choice(("gridSpan", "vMerge", "gridSpan", "vMerge", "hMerge"))
    el = props.find(f"{{{_W}}}{kind}")
    if el is None:
        el = etree.SubElement(props, f"{{{_W}}}{kind}")
    value = rng.choice((*SPANS, "restart", "continue", "RESTART", None)) if kind != "gridSpan" else rng.choice(SPANS)
    if value is None:
        el.attrib.pop(f"{{{_W}}}val", None)
    else:
        el.set(f"{{{_W}}}val", value)
    return f"w_attr<tc>{kind}={value!r}"


def w_nest(root: etree._Element, rng: random.Random) -> str:
    el = _word_pick(root, rng, tuple(f"{{{_W}}}{t}" for t in ("tbl", "p")))
    parent = el.getparent()
    if parent is None:
        raise Skip
    depth = rng.choice((2, 10, 100, 1000, 5000))
    outer = etree.Element(f"{{{_W}}}tbl")
    inner = outer
    for n in range(depth):
        tc = etree.SubElement(etree.SubElement(inner, f"{{{_W}}}tr"), f"{{{_W}}}tc")
        inner = etree.SubElement(tc, f"{{{_W}}}tbl") if n < depth - 1 else tc
    parent.replace(el, outer)
    inner.append(el)
    return f"w_nest<{_short(el)}>in{depth}"


def w_text(root: etree._Element, rng: random.Random) -> str:
    texts = [el for el in root.iter(f"{{{_W}}}t")]
    if not texts:
        raise Skip
    el = rng.choice(texts)
    words = labels()
    new = rng.choice((rng.choice(FIGURES), rng.choice(words["row"]), "", "\t", "１２３", "9" * 30))
    el.text = new
    return f"w_text={new[:12]!r}"


DOCX_MEMBER_MUTATORS: tuple[Mutator, ...] = tuple(
    _member_op(op)
    for op in (
        member_truncate, member_corrupt, member_corrupt, member_duplicate, member_delete, member_rename, rels_edit,
        _word_op(w_delete), _word_op(w_delete), _word_op(w_duplicate), _word_op(w_move), _word_op(w_attr),
        _word_op(w_attr), _word_op(w_attr), _word_op(w_nest), _word_op(w_text),
    )
)  # fmt: skip
BOMB_MUTATOR: Mutator = _member_op(bomb)


def _zip_records(data: bytes) -> list[tuple[int, int]]:
    """(central directory entry offset, local header offset) of each member, from the end of central directory."""
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        raise Skip
    count, _size, start = struct.unpack_from("<HII", data, end + 10)
    records, at = [], start
    for _ in range(count):
        if data[at : at + 4] != b"PK\x01\x02" or at + 46 > len(data):
            break
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, at + 28)
        (local,) = struct.unpack_from("<I", data, at + 42)
        records.append((at, local))
        at += 46 + name_len + extra_len + comment_len
    if not records:
        raise Skip
    return records


def declared_size(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A member's compressed or uncompressed size changed, in the central directory, its local header or both."""
    records = _zip_records(data)
    central, local = rng.choice(records)
    field = rng.choice(("compressed", "uncompressed"))
    value = rng.choice((0, 1, 100, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 200 * 1024 * 1024))
    where = rng.choice(("central", "local", "both"))
    out = bytearray(data)
    if where in ("central", "both"):
        struct.pack_into("<I", out, central + (20 if field == "compressed" else 24), value)
    if where in ("local", "both") and local + 30 <= len(out) and out[local : local + 4] == b"PK\x03\x04":
        struct.pack_into("<I", out, local + (18 if field == "compressed" else 22), value)
    return bytes(out), f"declared_{field}={value}@{where}{central}"


def compression(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A member said to be compressed another way (stored, deflate64, bzip2, lzma, zstd, AES, nonsense)."""
    records = _zip_records(data)
    central, local = rng.choice(records)
    method = rng.choice((0, 8, 9, 12, 14, 93, 95, 98, 99, 0xFFFF))
    where = rng.choice(("central", "local", "both"))
    out = bytearray(data)
    if where in ("central", "both"):
        struct.pack_into("<H", out, central + 10, method)
    if where in ("local", "both") and local + 30 <= len(out):
        struct.pack_into("<H", out, local + 8, method)
    return bytes(out), f"compression={method}@{where}{central}"


def flag_bits(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    records = _zip_records(data)
    central, local = rng.choice(records)
    bit = rng.choice((0x1, 0x8, 0x40, 0x800, 0x2000))
    out = bytearray(data)
    for at, offset in ((central, 8), (local, 6)):
        if at + offset + 2 <= len(out):
            (flags,) = struct.unpack_from("<H", out, at + offset)
            struct.pack_into("<H", out, at + offset, flags ^ bit)
    return bytes(out), f"flag^{bit:#x}@{central}"


def zip_wrap(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Junk before or after the archive, or a comment that is no comment."""
    how = rng.choice(("prefix", "suffix", "comment", "eocd-count"))
    if how == "prefix":
        return rng.randbytes(rng.choice((1, 100, 5000))) + data, "zip_prefix"
    if how == "suffix":
        return data + rng.randbytes(rng.choice((1, 100, 70000))), "zip_suffix"
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        raise Skip
    out = bytearray(data)
    if how == "comment":
        struct.pack_into("<H", out, end + 20, rng.choice((1, 100, 0xFFFF)))
        return bytes(out), "zip_comment_length"
    struct.pack_into("<HH", out, end + 8, *(rng.choice((0, 1, 0xFFFF)),) * 2)
    return bytes(out), "zip_eocd_count"


DOCX_MUTATORS: tuple[Mutator, ...] = (
    *DOCX_MEMBER_MUTATORS, *DOCX_MEMBER_MUTATORS, declared_size, declared_size, compression, compression, flag_bits,
    zip_wrap,
)  # fmt: skip

# ---------------------------------------------------------------- PDF

_STREAM = re.compile(rb"stream\r?\n")
_OBJECT = re.compile(rb"(?<![0-9])(\d+) (\d+) obj\b.*?endobj", re.S)


def _streams(data: bytes) -> list[tuple[int, int]]:
    spans = []
    for m in _STREAM.finditer(data):
        if data[max(0, m.start() - 3) : m.start()] == b"end":
            continue
        end = data.find(b"endstream", m.end())
        if end > m.end():
            spans.append((m.end(), end))
    if not spans:
        raise Skip
    return spans


def stream_flip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    start, end = rng.choice(_streams(data))
    out = bytearray(data)
    n = rng.choice((1, 1, 4, 32))
    for _ in range(n):
        at = rng.randrange(start, end)
        out[at] = rng.randrange(256)
    return bytes(out), f"stream_flip{n}@{start}"


def stream_cut(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    start, end = rng.choice(_streams(data))
    at = rng.randint(start, end)
    return data[:at] + data[end:], f"stream_cut@{at}..{end}"


_NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
_WEIRD_NUMBERS = (
    b"0",
    b"-1",
    b"1e308",
    b"99999999999999999999",
    b"-2147483648",
    b"3.4e38",
    b"0.0000001",
    b"NaN",
    b"-0",
)


_OPERATORS = (
    b"BT", b"ET", b"q", b"Q", b"/F1 1e30 Tf", b"1 0 0 1 1e9 -1e9 Tm", b"(\xff\xfe) Tj", b"[(1) -1e30 (2)] TJ",
    b"0 0 1e9 1e9 re f", b"/Im0 Do", b"9999 Tz", b"0 Tz", b"T*", b"/Nope gs",
)  # fmt: skip


def stream_content(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A content stream inflated, edited (operators dropped or repeated, numbers made absurd) and deflated again."""
    spans = _streams(data)
    rng.shuffle(spans)
    for start, end in spans[:8]:
        raw = data[start:end].rstrip(b"\r\n")
        try:
            content = zlib.decompressobj().decompress(raw, 32 * 1024 * 1024)
        except zlib.error:
            continue
        if b"BT" not in content and b" re" not in content and b" l" not in content:
            continue
        lines = content.split(b"\n")
        how = rng.choice(("numbers", "numbers", "drop", "repeat", "text-ops", "swap"))
        if how == "numbers":
            spots = [i for i, line in enumerate(lines) if _NUMBER.search(line)]
            for _ in range(rng.choice((1, 5, 50))):
                if spots:
                    i = rng.choice(spots)
                    lines[i] = _NUMBER.sub(
                        lambda m: rng.choice(_WEIRD_NUMBERS) if rng.random() < 0.3 else m.group(), lines[i]
                    )
        elif how == "drop":
            for _ in range(rng.choice((1, 10, 100))):
                if lines:
                    del lines[rng.randrange(len(lines))]
        elif how == "repeat":
            i = rng.randrange(len(lines))
            lines[i:i] = lines[i : i + rng.choice((1, 20, 200))] * rng.choice((2, 10, 100))
        elif how == "text-ops":
            op = rng.choice(_OPERATORS)
            for _ in range(rng.choice((1, 10))):
                lines.insert(rng.randint(0, len(lines)), op)
        else:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        new = zlib.compress(b"\n".join(lines)[: MAX_OUTPUT * 4])
        out = data[:start] + new + b"\n" + data[end:]
        return out, f"stream_content-{how}@{start}"
    raise Skip


def xref_break(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    how = rng.choice(("startxref", "startxref", "no-table", "entry", "keyword", "no-trailer", "root", "size", "prev"))
    if how == "startxref":
        m = re.search(rb"startxref\s+(\d+)", data[-2048:])
        if not m:
            raise Skip
        at = len(data) - len(data[-2048:]) + m.start(1)
        value = str(
            rng.choice((0, 1, -1, 10**12, int(m.group(1)) + rng.randint(-40, 40), rng.randrange(len(data))))
        ).encode()
        return data[:at] + value + data[at + len(m.group(1)) :], f"startxref={value.decode()}"
    if how == "no-table":
        m = re.search(rb"\nxref\r?\n.*?(?=trailer)", data, re.S)
        if not m:
            raise Skip
        return data[: m.start()] + b"\n" + data[m.end() :], "xref_removed"
    if how == "entry":
        entries = list(re.finditer(rb"(\d{10}) (\d{5}) ([nf])", data))
        if not entries:
            raise Skip
        out = bytearray(data)
        for _ in range(rng.choice((1, 3, 30))):
            m = rng.choice(entries)
            new = rng.choice((b"%010d" % rng.randrange(len(data)), b"9999999999", b"0000000000", b"abcdefghij"))
            out[m.start(1) : m.end(1)] = new
            if rng.random() < 0.2:
                out[m.start(3)] = rng.choice(b"fnx")
        return bytes(out), "xref_entries"
    if how == "keyword":
        return data.replace(b"\nxref", rng.choice((b"\nxreg", b"\n xref", b"\nXREF")), 1), "xref_keyword"
    if how == "no-trailer":
        at = data.rfind(b"trailer")
        if at < 0:
            raise Skip
        return data[:at] + data[at + 7 :], "trailer_removed"
    if how == "root":
        ref = rng.choice((b"/Root 9999 0 R", b"/Root 1 0 R", b"/Root 0 0 R", b"/Root null", b"/Root [1 0 R]"))
        return re.sub(rb"/Root \d+ \d+ R", ref, data), f"root={ref.decode()}"
    if how == "size":
        value = rng.choice((b"0", b"1", b"-5", b"99999999999"))
        return re.sub(rb"/Size \d+", b"/Size " + value, data), f"size={value.decode()}"
    m = re.search(rb"startxref\s+(\d+)", data[-2048:])
    if not m:
        raise Skip
    return re.sub(rb"trailer\s*<<", b"trailer\n<</Prev " + m.group(1) + b" ", data), "prev_loop"


def _objects(data: bytes) -> list[re.Match[bytes]]:
    found = list(_OBJECT.finditer(data))
    if not found:
        raise Skip
    return found


def obj_duplicate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """An object written again: at the end (an incremental update without its xref), or right after itself."""
    objs = _objects(data)
    m = rng.choice(objs)
    body = m.group()
    if rng.random() < 0.5:
        body = _NUMBER.sub(lambda n: rng.choice(_WEIRD_NUMBERS) if rng.random() < 0.1 else n.group(), body)
    times = rng.choice((1, 1, 2, 50))
    at = rng.choice((m.end(), len(data), data.rfind(b"xref") if b"xref" in data else m.end()))
    return data[:at] + (b"\n" + body) * times + data[at:], f"obj_duplicate<{m.group(1).decode()}>x{times}@{at}"


def obj_delete(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    m = rng.choice(_objects(data))
    return data[: m.start()] + data[m.end() :], f"obj_delete<{m.group(1).decode()}>"


_KEYS = (b"Length", b"Count", b"N", b"First", b"Columns", b"Predictor", b"BitsPerComponent", b"Width", b"Height",
         b"Rotate", b"FontSize", b"Ascent", b"Descent", b"FirstChar", b"LastChar", b"UserUnit", b"Size")  # fmt: skip


def dict_edit(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    key = rng.choice(_KEYS)
    spots = list(re.finditer(rb"/" + key + rb"\s+(-?[\d.]+)(?!\s+\d+\s+R)", data))
    if not spots:
        raise Skip
    m = rng.choice(spots)
    value = rng.choice(_WEIRD_NUMBERS)
    return data[: m.start(1)] + value + data[m.end(1) :], f"dict/{key.decode()}={value.decode()}@{m.start()}"


def ref_edit(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A reference made to point at itself, its parent, nothing or the wrong kind of object (loops in the page tree)."""
    key = rng.choice(
        (b"Parent", b"Kids", b"Contents", b"Resources", b"Font", b"Pages", b"Length", b"XObject", b"ToUnicode")
    )
    spots = list(re.finditer(rb"/" + key + rb"\s*(\[?\s*\d+ \d+ R[^/>]*)", data))
    if not spots:
        raise Skip
    m = rng.choice(spots)
    objs = _objects(data)
    own = next((o.group(1) for o in objs if o.start() <= m.start() < o.end()), b"1")
    other = rng.choice(objs).group(1)
    new = rng.choice(
        (
            own + b" 0 R",
            b"[" + own + b" 0 R]",
            other + b" 0 R",
            b"9999 0 R",
            b"null",
            b"[]",
            b"[" + own + b" 0 R " + own + b" 0 R]",
        )
    )
    return data[: m.start(1)] + new + b" " + data[m.end(1) :], f"ref/{key.decode()}={new.decode()}@{m.start()}"


_FILTERS = (
    b"/LZWDecode", b"/ASCIIHexDecode", b"/ASCII85Decode", b"/RunLengthDecode", b"/DCTDecode", b"/JBIG2Decode",
    b"/Crypt", b"/Nope", b"[/FlateDecode /FlateDecode]", b"/FlateDecode/DecodeParms<</Predictor 15/Columns 0>>",
    b"/FlateDecode/DecodeParms<</Predictor 12/Columns 99999999>>",
)  # fmt: skip


def filter_swap(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    spots = list(re.finditer(rb"/FlateDecode", data))
    if not spots:
        raise Skip
    m = rng.choice(spots)
    new = rng.choice(_FILTERS)
    return data[: m.start()] + new + data[m.end() :], f"filter={new.decode()}@{m.start()}"


def pdf_eof(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    how = rng.choice(("no-eof", "after", "twice", "nul-tail"))
    if how == "no-eof":
        return data.replace(b"%%EOF", b"", 1), "eof_removed"
    if how == "after":
        return data + rng.randbytes(rng.choice((1, 1000, 100000))), "eof_junk_after"
    if how == "twice":
        return data + data[-rng.randint(1, 5000) :], "eof_tail_twice"
    return data + b"\x00" * rng.choice((10, 10000)), "eof_nul_tail"


def stream_bomb(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A page's content stream replaced by one that inflates to many megabytes of drawing or text operators."""
    spans = _streams(data)
    start, end = rng.choice(spans)
    megabytes = rng.choice((1, 8, 32, 128))
    unit = rng.choice(
        (b"0 0 m 1 1 l S\n", b"BT /F1 12 Tf 10 10 Td (1) Tj ET\n", b"q 1 0 0 1 0 0 cm\n", b"10 10 5 5 re f\n")
    )
    body = zlib.compress(unit * (megabytes * 1024 * 1024 // len(unit)), 9)
    return data[:start] + body + b"\n" + data[end:], f"stream_bomb{megabytes}MB{unit.split()[-1].decode()}@{start}"


PDF_MUTATORS: tuple[Mutator, ...] = (
    stream_flip, stream_flip, stream_cut, stream_content, stream_content, stream_content, xref_break, xref_break,
    obj_duplicate, obj_delete, dict_edit, dict_edit, ref_edit, ref_edit, filter_swap, pdf_eof,
)  # fmt: skip

# ---------------------------------------------------------------- cases

MUTATORS: dict[str, tuple[tuple[float, tuple[Mutator, ...]], ...]] = {
    "txt": ((0.25, BYTE_MUTATORS), (0.67, TEXT_MUTATORS), (0.075, (reencode,)), (0.005, (blow_up,))),
    "md": ((0.2, BYTE_MUTATORS), (0.72, MD_MUTATORS), (0.075, (reencode,)), (0.005, (blow_up,))),
    "html": ((0.2, BYTE_MUTATORS), (0.75, HTML_MUTATORS), (0.045, (reencode,)), (0.005, (blow_up,))),
    "docx": ((0.15, BYTE_MUTATORS), (0.845, DOCX_MUTATORS), (0.005, (BOMB_MUTATOR,))),
    "pdf": ((0.25, (*BYTE_MUTATORS, truncate, truncate)), (0.745, PDF_MUTATORS), (0.005, (stream_bomb,))),
}


# Without `large`, a mutation may make the input at most this much larger than the fixture (the tests' budget).
SMALL_GROWTH = 256 * 1024
_LARGE_ONLY = (BOMB_MUTATOR, stream_bomb, blow_up)


def mutate(fmt: str, data: bytes, rng: random.Random, large: bool = True) -> tuple[bytes, list[str]]:
    """One to three mutations for the format, applied in turn.

    `large=False` leaves out the decompression bombs and the blown-up copies, and any mutation that grows the
    input by more than SMALL_GROWTH: those are about size, and cost seconds each.
    """
    done: list[str] = []
    groups = [(w, g) for w, g in MUTATORS[fmt] if large or not set(g) <= set(_LARGE_ONLY)]
    limit = len(data) + SMALL_GROWTH
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        for _attempt in range(8):
            group = rng.choices([g for _, g in groups], weights=[w for w, _ in groups])[0]
            mutator = rng.choice(group)
            if not large and mutator in _LARGE_ONLY:
                continue
            try:
                new, what = mutator(data, rng)
            except Skip:
                continue
            if not large and len(new) > limit:
                continue
            data = new
            done.append(f"{mutator.__name__}:{what}" if not what.startswith(mutator.__name__) else what)
            break
    return data, done


def _name(rng: random.Random, source: str) -> str | None:
    base = source.rsplit("/", 1)[-1]
    roll = rng.random()
    if roll < 0.8:
        return base
    if roll < 0.9:
        return None
    return base.rsplit(".", 1)[0] + rng.choice((".txt", ".html", ".pdf", ".docx", ".md", "", ".doc", ".xhtml"))


def build_case(source: str, seed: int, large: bool = True) -> Case:
    """The input of case (source, seed): a mutated fixture, or a generated text or page (source gen:txt, gen:html).

    `large=False`: no decompression bombs, no blown-up copies (see `mutate`); the same (source, seed, large)
    always gives the same case.
    """
    rng = random.Random(f"{source}#{seed}")
    if source.startswith("gen:"):
        make = {"gen:txt": text_report, "gen:html": html_page}[source]
        data, name, reader = make(RandomChooser(rng))
        return Case(source, seed, data, name, reader, ("generated",))
    fmt = corpus.format_of(source)
    data, done = mutate(fmt, corpus.read(source), rng, large)
    name = _name(rng, source)
    reader = rng.choice(READERS) if rng.random() < 0.05 else None  # now and then a reader forced on foreign bytes
    return Case(source, seed, data, name, reader, tuple(done))
