"""Plain text: one Line per text line, its cells split at tabs; Markdown pipe tables as grids.

Text extractions of the reports come in three table shapes:

- tab rows: a table row per line, cells between tabs, blank cells kept;
- docx-style: each table cell on its own line after a single tab, a line
  break inside a cell continuing on the next line without a tab, rows
  separated by blank lines. Such a run of cell lines is gathered into one
  Line, a cell per Piece;
- pipe tables (Markdown, from OCR engines and converters, saved as .md or
  .txt): each run of `| … |` lines is a Grid (`gongkai_txt.pipes`), and the
  prose around it loses its `#` and `**` marks.

Blank lines are kept as empty Lines: the recogniser reads them as row breaks.

A line longer than `MAX_LINE_CHARS`, or a text of more than `MAX_LINES`
lines, is refused before any Line is made.
"""

from __future__ import annotations

import re

from gongkai.errors import ReadError
from gongkai.hookspecs import Document
from gongkai.layout import Block, Layout, Line, Piece
from gongkai.model import Where
from gongkai.textcodec import decode_text
from gongkai_txt import pipes

# Word-to-text export debris.
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
# A new outline item ("四、", "（二）", "3.") starts prose, never continues a cell.
_OUTLINE = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
# A cell's own line breaks give short pieces; longer runs are prose that follows a table.
_MAX_CONTINUATION_LINES, _MAX_CONTINUATION_CHARS = 3, 40
# A line longer than this is refused. A report's longest lines (a paragraph, a crawler's dump of a whole
# table row glued together) have a few thousand characters, under 10,000; the recogniser's work on a
# line grows faster than its length (one 50 MB line ran for more than five minutes).
MAX_LINE_CHARS = 100_000
# A text of more lines than this is refused: a 200-page report has some 10,000 lines, and each line
# becomes objects of a few hundred bytes (a file of nothing but newlines would be gigabytes of them).
MAX_LINES = 1_000_000


class TxtReader:
    name: str = "txt"
    extensions: tuple[str, ...] = (".txt", ".text", ".md", ".markdown")

    def sniff(self, head: bytes, name: str | None) -> float:
        try:
            decode_text(head, partial=True)  # the head may end inside a multibyte character
        except ReadError:
            return 0.0
        claimed = name is not None and name.lower().endswith(self.extensions)
        return 0.8 if claimed else 0.5

    def read(self, doc: Document) -> Layout:
        text, encoding = decode_text(doc.data, doc.options.get("encoding") or None)
        return Layout(blocks=list(parse_lines(text)), format="txt", encoding=encoding)


def parse_lines(text: str) -> list[Block]:
    """The Lines (and pipe-table Grids) of a decoded text ("\\n" newlines)."""
    lines = _clean_lines(text)
    markdown = pipes.has_tables([line for _, line in lines])
    out: list[Block] = []
    tables = 0
    i = 0
    while i < len(lines):
        number, line = lines[i]
        if markdown and pipes.is_pipe_row(line):
            end = i
            while end < len(lines) and pipes.is_pipe_row(lines[end][1]):
                end += 1
            out.append(pipes.grid(lines[i:end], tables))
            tables += 1
            i = end
            continue
        kind = _kind(line)
        if kind == "cell":
            row, i = _gather_row(lines, i)
            out.append(row)
            continue
        if kind == "blank":
            out.append(Line(cells=[]))
        else:  # prose is a tab row of one cell
            if markdown:
                line = pipes.prose(line)
            out.append(Line(cells=[Piece(c, Where(line=number, col=j)) for j, c in enumerate(line.split("\t"))]))
        i += 1
    return out


def _clean_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, text) without bookmark debris; a line of nothing but debris goes.

    Raises ReadError for a line longer than `MAX_LINE_CHARS` or more than `MAX_LINES` lines.
    """
    count = text.count("\n") + (not text.endswith("\n"))
    if count > MAX_LINES:
        raise ReadError(f"too many lines: {count:,}, the limit is {MAX_LINES:,}")
    lines = text.split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    length = len(lines[longest])
    if length > MAX_LINE_CHARS:
        raise ReadError(
            f"line too long: line {longest + 1:,} has {length:,} characters, the limit is {MAX_LINE_CHARS:,}"
        )
    if lines[-1] == "":  # the newline ending the last line does not start another
        lines.pop()
    out = []
    for number, raw in enumerate(lines, start=1):
        raw = raw.rstrip("\r")
        line = _BOOKMARK.sub("", raw)
        if line != raw and not line.strip() and "\t" not in line:
            continue
        out.append((number, line))
    return out


def _kind(line: str) -> str:
    tabs = line.count("\t")
    if tabs == 1 and line.startswith("\t"):
        return "cell"
    if tabs:
        return "tabs"
    return "prose" if line.strip() else "blank"


def _gather_row(lines: list[tuple[int, str]], i: int) -> tuple[Line, int]:
    """Gather the docx-style cell lines from `i` into one Line; return it and the next index."""
    cells: list[Piece] = []
    while i < len(lines) and _kind(lines[i][1]) == "cell":
        number, line = lines[i]
        end = _continuation_end(lines, i + 1)
        text = line[1:] + "".join(t for _, t in lines[i + 1 : end])  # Chinese joins without a space
        cells.append(Piece(text, Where(line=number, col=len(cells))))
        i = end
    return Line(cells=cells), i


def _continuation_end(lines: list[tuple[int, str]], start: int) -> int:
    """End of the tab-less lines from `start` that continue the cell before them (`start` if none).

    They continue it only if a cell line, a blank line or the end follows them.
    """
    end = start
    while (
        end < len(lines)
        and end - start < _MAX_CONTINUATION_LINES
        and _kind(lines[end][1]) == "prose"
        and len(lines[end][1]) <= _MAX_CONTINUATION_CHARS
        and not _OUTLINE.match(lines[end][1])
    ):
        end += 1
    if end == len(lines) or _kind(lines[end][1]) in ("cell", "blank"):
        return end
    return start
