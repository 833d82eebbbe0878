"""A Markdown reader for gongkai: pipe tables become rows of cells, other lines one-cell rows."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from gongkai import Document, Layout, Line, Piece, ReadError, Where, hookimpl

try:  # gongkai's own decoder knows GB18030 and Big5; older versions may not ship it
    from gongkai.textcodec import decode_text
except ImportError:  # pragma: no cover - depends on the installed gongkai

    def decode_text(data: bytes, encoding: str | None = None, *, partial: bool = False) -> tuple[str, str]:
        try:
            text = codecs.getincrementaldecoder(encoding or "utf-8-sig")().decode(data, final=not partial)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ReadError(f"cannot decode as {encoding or 'UTF-8'}: {exc}") from None
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding or "utf-8"


_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR = re.compile(r"\s*:?-+:?\s*")


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table row, `\\|` kept as a literal pipe."""
    inner = line.strip()[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [c.strip().replace("\\|", "|") for c in _PIPE.split(inner)]


def _is_separator(line: str) -> bool:
    return line.lstrip().startswith("|") and all(_SEPARATOR.fullmatch(c) for c in _cells(line))


class Reader:
    name = "markdown"
    extensions = (".md", ".markdown")

    def sniff(self, head: bytes, name: str | None) -> float:
        try:
            text, _ = decode_text(head, partial=True)
        except ReadError:
            return 0.0
        if name and name.lower().endswith(self.extensions):
            return 0.9
        lines = text.split("\n")
        piped = sum(1 for line in lines if line.lstrip().startswith("|"))
        return 0.6 if piped >= 2 and any(_is_separator(line) for line in lines) else 0.0

    def read(self, doc: Document) -> Layout:
        text, encoding = decode_text(doc.data, doc.options.get("encoding") or None)
        layout = Layout(format="markdown", encoding=encoding)
        blocks = layout.blocks
        for number, line in enumerate(text.split("\n"), start=1):
            if line.lstrip().startswith("|"):
                if not _is_separator(line):
                    blocks.append(Line([Piece(c, Where(line=number, col=j)) for j, c in enumerate(_cells(line))]))
            elif line.strip():
                blocks.append(Line([Piece(line.strip().lstrip("#").strip(), Where(line=number, col=0))]))
            else:
                blocks.append(Line(cells=[]))
        return layout


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    register(Reader())
