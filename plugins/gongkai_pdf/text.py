"""Characters into text: lines by vertical position, words by gaps, cells by wide gaps; garbled glyphs."""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gongkai_pdf.page import Char

# A gap wider than this many character heights between two characters of a line is a space.
SPACE_GAP = 0.25
# A gap wider than this many character heights splits a line into cells (a table row without rules).
CELL_GAP = 1.5
# Two characters share a line when their vertical overlap is at least this share of the smaller height.
SAME_LINE = 0.5
# A page whose share of unmapped glyphs reaches this has a garbled text layer.
GARBLED_SHARE = 0.3
# A figure as a table cell prints it: "12", "-3", "1,280", "96171.6", "5%", "18¹" (a footnote mark), or a
# dash, slash or 无 for none.
FIGURE = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?%?[⁰¹²³⁴-⁹]*|[-—–/／]{1,2}|无")

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def box(chars: Sequence[Char]) -> Box:
    """The box around characters.

    In the coordinates of the page as it reads: points from its top-left
    corner, after `orient.upright` turned a sideways page.
    """
    return (min(c.x0 for c in chars), min(c.top for c in chars), max(c.x1 for c in chars), max(c.bottom for c in chars))


@dataclass
class Span:
    """A cell of a line of text: its text and the characters that print it."""

    text: str
    chars: list[Char]

    def cut(self, text: str) -> Span:
        """The span shortened to `text`, a start of its text: only the characters that print that."""
        need, kept = len(text.replace(" ", "")), list[Char]()
        for char in self.chars:
            if need <= 0:
                break
            kept.append(char)
            need -= len(char.text)
        return Span(text, kept)

    def pieces(self) -> list[Span]:
        """The cell with each trailing figure word as a piece of its own ("规章 0 0" → "规章", "0", "0").

        A table row printed without rules often sets its first figure close
        to the label; each figure needs its own position to find its column.
        Trailing words without a digit ("情况 无") are prose, left whole.
        """
        groups = word_groups(self.chars)
        k = 0
        while k < len(groups) and FIGURE.fullmatch(_chars_text(groups[-1 - k])):
            k += 1
        tokens = self.text.split()
        figures = [Span(_chars_text(g), g) for g in groups[len(groups) - k :]]
        if not any(ch.isdigit() for f in figures for ch in f.text):
            return [self]
        if tokens[len(tokens) - k :] != [f.text for f in figures]:
            return [self]  # the text no longer matches its characters: leave it whole
        if len(tokens) == k:
            return figures
        head = Span(" ".join(tokens[:-k]), [c for g in groups[: len(groups) - k] for c in g])
        return [head, *figures]


@dataclass
class TextLine:
    """One line of text: its characters left to right, and its vertical band."""

    chars: list[Char]
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def size(self) -> float:
        return statistics.median(c.size or (c.bottom - c.top) for c in self.chars)

    def text(self) -> str:
        return words(self.chars)

    def cells(self) -> list[Span]:
        """The line split at wide gaps: the cells of a table row printed without rules."""
        out: list[list[Char]] = [[self.chars[0]]]
        limit = CELL_GAP * self.size
        for prev, char in zip(self.chars, self.chars[1:], strict=False):
            if char.x0 - prev.x1 > limit:
                out.append([char])
            else:
                out[-1].append(char)
        return [Span(words(cs), cs) for cs in out]


# What an unmapped glyph's text holds somewhere (see `bad_glyph`).
_SUSPECT = re.compile("\\(cid:|[\ufffd\ue000-\uf8ff]")


def bad_glyph(text: str) -> bool:
    """An unmapped glyph: pdfminer's "(cid:N)", the replacement character, or a private-use code point."""
    if text.startswith("(cid:"):
        return True
    return any(ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" for ch in text)


def garbled(chars: list[Char]) -> tuple[bool, list[Char]]:
    """Whether unmapped glyphs dominate the page, and the characters that are not such glyphs."""
    if not _SUSPECT.search("".join(c.text for c in chars)):  # nearly every page: not a glyph to look at
        return False, list(chars)
    good = [c for c in chars if not bad_glyph(c.text)]
    visible = sum(1 for c in chars if c.text.strip())
    bad = len(chars) - len(good)
    return (visible > 0 and bad / visible >= GARBLED_SHARE), good


def clean_chars(chars: Iterable[Char]) -> list[Char]:
    """Characters with some text and a box (a space, or a glyph of no extent, prints nothing)."""
    return [c for c in chars if c.text.strip() and not (c.x1 <= c.x0 and c.bottom <= c.top)]


def group_lines(chars: Iterable[Char]) -> list[TextLine]:
    """Characters into lines, top to bottom; each line's characters left to right."""
    ordered = sorted(chars, key=lambda c: (c.top, c.x0))
    lines: list[TextLine] = []
    open_lines: list[TextLine] = []  # lines a later character may still join
    first_end = math.inf  # the highest bottom of an open line: none closes before a character passes it
    for char in ordered:
        top, bottom = char.top, char.bottom
        height = bottom - top
        best: TextLine | None = None
        best_overlap = 0.0
        for line in open_lines:  # (comparisons rather than min and max: this runs for every glyph and line)
            line_top, line_bottom = line.top, line.bottom  # min and max as they pick, NaN and all:
            overlap = (bottom if bottom < line_bottom else line_bottom) - (top if top > line_top else line_top)
            if overlap > best_overlap:
                line_height = line_bottom - line_top
                if overlap >= SAME_LINE * (line_height if line_height < height else height):
                    best, best_overlap = line, overlap
        if best is None:
            best = TextLine([char], top, bottom)
            lines.append(best)
            open_lines.append(best)
            first_end = min(first_end, bottom)
        else:
            best.chars.append(char)
        if first_end <= top - 0.5:
            open_lines = [ln for ln in open_lines if ln.bottom > top - 0.5]
            first_end = min((ln.bottom for ln in open_lines), default=math.inf)
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _largest(a: float, b: float) -> float:
    """max(a, b, 1.0), as max picks it, without the cost of a call to max in a loop over every glyph."""
    largest = a
    if b > largest:
        largest = b
    if largest < 1.0:
        largest = 1.0
    return largest


def word_groups(chars: list[Char]) -> list[list[Char]]:
    """Characters on one line split into words where the gap is wide (or a joined paragraph's next line starts)."""
    out: list[list[Char]] = []
    prev: Char | None = None
    for char in chars:
        if prev is None or char.x0 < prev.x0 or char.x0 - prev.x1 > SPACE_GAP * _largest(prev.size, char.size):
            out.append([])
        out[-1].append(char)
        prev = char
    return out


def words(chars: list[Char]) -> str:
    """The text of characters on one line, a space where the gap is wide."""
    return " ".join(_chars_text(g) for g in word_groups(chars))


def _chars_text(chars: list[Char]) -> str:
    return "".join(c.text for c in chars)


def join_lines(lines: list[str]) -> str:
    """The lines of one table cell as one text: Chinese joins without a space ("（四）无" + "法提供")."""
    out = ""
    for text in (t.strip() for t in lines):
        if not text:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and text[0].isascii() and text[0].isalpha():
            out += " "
        out += text
    return out
