"""Markdown pipe tables, as OCR engines and document converters write them, read as grids.

`| 一、本年新收政府信息公开申请数量 | 412 | 6 | 0 | 1 | 2 | 0 | 421 |`: a run
of lines starting with a pipe is one table, a cell between each pair of
pipes (`\\|` is a pipe inside a cell), the `|---|:--:|` line under a header
dropped wherever it stands. Each cell keeps its column, blank or not: a
converter's damage (generic headers, a table cut in several, a footer row,
a row whose label went astray) is for the recogniser to see through, not
for the reader to guess at.
"""

from __future__ import annotations

import re

from gongkai.layout import Grid, GridCell
from gongkai.model import Where

_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r"\s*:?-{1,}:?\s*")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Markdown around prose: "## 三、…", "**二、…**".
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*|__")
# A block quote's marks before a line ("> | 规章 | 0 |"): converters quote tables that came from a text box.
_QUOTE = re.compile(r"^\s{0,3}(?:>[ \t]?)+")


def unquoted(line: str) -> str:
    return _QUOTE.sub("", line)


def is_pipe_row(line: str) -> bool:
    stripped = unquoted(line).strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def cells(line: str) -> list[str]:
    """The cells of a pipe row: the text between its pipes, `\\|` a literal pipe, `<br>` joined away."""
    inner = unquoted(line).strip()[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [_BREAK.sub("", c).replace("\\|", "|").strip() for c in _PIPE.split(inner)]


def is_separator(line: str) -> bool:
    return is_pipe_row(line) and all(_SEPARATOR_CELL.fullmatch(c) for c in cells(line))


def has_tables(lines: list[str]) -> bool:
    """Whether the text holds a pipe table: a header row with its separator line under it."""
    return any(is_separator(b) and is_pipe_row(a) for a, b in zip(lines, lines[1:], strict=False))


def grid(rows: list[tuple[int, str]], index: int) -> Grid:
    """A run of pipe rows ((line number, text)) as a grid, separator lines left out."""
    out: list[GridCell] = []
    r = 0
    for number, line in rows:
        if is_separator(line):
            continue
        for c, text in enumerate(cells(line)):
            out.append(GridCell(text, r, c, where=Where(line=number, table=index, row=r, col=c)))
        r += 1
    return Grid(cells=out, index=index)


def prose(line: str) -> str:
    """A prose line of a Markdown text without its heading marks and emphasis."""
    return _EMPHASIS.sub("", _HEADING.sub("", unquoted(line)))
