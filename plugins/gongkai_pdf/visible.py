"""The characters a reader of the page sees, on plain page data.

A PDF's text layer holds more than the page shows, and reading it whole
gives wrong figures, worse than missing ones:

- hidden ink (`Char.ink`, from `gongkai_pdf.extract`): white text on white
  paper and diagonal watermarks go. Invisible text (render mode 3) stays
  only where it is what the page shows as a picture: a scan's OCR layer
  over its image, or a page with no other text (text drawn as outlines
  with its invisible copy for searching). Anywhere else (a stale figure
  left invisible under the new one) it goes, and always where visible text
  lies over it;
- fake bold: writers embolden by drawing a glyph two or three times a
  fraction of a point apart ("11" read for "1"): copies are one character;
- footnote marks: a small digit raised after a figure ("18" and a small
  "1") becomes a superscript digit ("18¹"), a mark the core strips, not a
  digit of the figure ("181").
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace

from gongkai_pdf.page import Box, Char, PageData

# Copies of a glyph (the same text and size, to a tenth of a point) lie apart by less than this share of
# its size, across and down: a fake bold's offset is a few hundredths of it, two real digits side by
# side stand half an em apart.
COPY_OFFSET = 0.15
# Invisible text lies under visible text when this share of its box is covered by a visible glyph.
UNDER_SHARE = 0.25
# Of a page's pictures, the largest this many are looked at for an OCR layer over them: a scan is the
# page's largest picture, the rest are seals, logos and icons.
OCR_PICTURES = 16
# A footnote mark: at most this share of the size of the last character of the figure before it,
# its baseline raised by at least this share of that size, its middle above that character's by this,
# and no further from it than this share.
MARK_SIZE = 0.7
MARK_RISE = 0.2
MARK_MIDDLE_RISE = 0.15
MARK_GAP = 0.3
# Sizes this close (a share of the size) are one size: the digits of one mark.
SAME_SIZE = 0.05
# Glyphs looked at, at most, for the one an invisible glyph lies under, or the one a small digit is
# raised after: a real page has a few in reach; more are a page built to be slow, and the glyph is left
# as it is (not a limit on the input: nothing is refused).
NEAR_LOOKS = 64

_FIGURE_ENDS = frozenset("%％")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_Square = tuple[int, int]  # a square of the grid copies are looked for in
_SQUARE = 36.0  # points: glyphs are looked up by the square (or band) of the page their middle is in


def seen(page: PageData) -> tuple[PageData, int]:
    """The page with only the glyphs it shows (see the module), and how many hidden ones with text went.

    Watermarks are not counted: like page numbers, they are the page's, not the report's.
    """
    shown = [c for c in page.chars if c.ink == "seen"]
    if len(shown) == len(page.chars):
        return page, 0
    hidden = [c for c in page.chars if c.ink == "invisible"]
    keep = {id(c) for c in _ocr_layer(hidden, shown, page.pictures)}
    chars = [c for c in page.chars if c.ink == "seen" or id(c) in keep]
    dropped = sum(1 for c in page.chars if c.ink in ("invisible", "white") and id(c) not in keep and c.text.strip())
    return replace(page, chars=chars), dropped


def _ocr_layer(hidden: list[Char], shown: list[Char], pictures: Sequence[Box]) -> list[Char]:
    """The invisible glyphs a reader sees as a picture: over an image or on a page without other text,
    and under no visible glyph."""
    if not hidden or not shown:
        return hidden
    largest = sorted(pictures, key=lambda p: (p[2] - p[0]) * (p[3] - p[1]), reverse=True)[:OCR_PICTURES]
    hidden = [c for c in hidden if any(x0 <= c.cx <= x1 and top <= c.cy <= bottom for x0, top, x1, bottom in largest)]
    if not hidden:
        return hidden
    squares: dict[tuple[int, int], list[Char]] = defaultdict(list)
    for s in shown:
        if math.isfinite(s.cx) and math.isfinite(s.cy):
            squares[(int(s.cx // _SQUARE), int(s.cy // _SQUARE))].append(s)
    # A visible glyph over an invisible one has its middle within its own half size of the invisible box.
    grow = min(_SQUARE, max(max(s.x1 - s.x0, s.bottom - s.top) for s in shown) / 2)
    return [c for c in hidden if not _under(c, squares, grow)]


def _under(c: Char, squares: dict[tuple[int, int], list[Char]], grow: float) -> bool:
    """Whether a visible glyph covers `UNDER_SHARE` of the invisible glyph `c`."""
    if not (math.isfinite(c.cx) and math.isfinite(c.cy)):
        return False
    half_w, half_h = min((c.x1 - c.x0) / 2, _SQUARE) + grow, min((c.bottom - c.top) / 2, _SQUARE) + grow
    need = UNDER_SHARE * _area(c)
    middle = (int(c.cx // _SQUARE), int(c.cy // _SQUARE))
    around = [
        (i, j)
        for i in range(int((c.cx - half_w) // _SQUARE), int((c.cx + half_w) // _SQUARE) + 1)
        for j in range(int((c.cy - half_h) // _SQUARE), int((c.cy + half_h) // _SQUARE) + 1)
        if (i, j) != middle
    ]
    looks = 0
    for key in (middle, *around):  # the square of its own middle first: the likeliest
        for s in squares.get(key, ()):
            looks += 1
            if _overlap(c, s) >= need > 0:
                return True
            if looks >= NEAR_LOOKS:
                return False
    return False


def merge_copies(chars: Sequence[Char]) -> list[Char]:
    """The characters without the copies that fake bold type, the first drawn kept (see `COPY_OFFSET`).

    Copies are looked for in a grid of squares two offsets wide: a copy is in
    the character's square or the next ones on the side of the half of the
    square it is in, four squares; a square keeps no more than four
    characters that are no copies of each other (one in each quarter).
    """
    groups: dict[tuple[str, float], dict[_Square, list[Char]]] = {}  # by text and size, then by square
    tenths: dict[float, float] = {}  # a size, to a tenth of a point (a page has few sizes, and many glyphs)
    out: list[Char] = []
    for c in chars:
        if c.size > 0:
            size = tenths.get(c.size)
            if size is None:
                size = tenths[c.size] = round(c.size, 1)
        else:
            size = round(c.bottom - c.top, 1)
        reach = COPY_OFFSET * size
        x0, top = c.x0, c.top
        if not (reach > 0 and math.isfinite(x0) and math.isfinite(top)):
            out.append(c)
            continue
        u, v = x0 / (2 * reach), top / (2 * reach)
        i, j = math.floor(u), math.floor(v)
        squares = groups.get((c.text, size))
        if squares is None:  # the first of its text and size: no copy of anything
            groups[(c.text, size)] = {(i, j): [c]}
            out.append(c)
            continue
        ni, nj = (i + 1 if u - i >= 0.5 else i - 1), (j + 1 if v - j >= 0.5 else j - 1)
        copy = False
        for key in ((i, j), (ni, j), (i, nj), (ni, nj)):
            for o in squares.get(key, ()):
                if abs(o.x0 - x0) < reach and abs(o.top - top) < reach:
                    copy = True
                    break
            if copy:
                break
        if not copy:
            squares.setdefault((i, j), []).append(c)
            out.append(c)
    return out


def superscripts(chars: Sequence[Char]) -> list[Char]:
    """Small digits raised after a figure, as superscript digits on the figure's line (see `MARK_SIZE`)."""
    largest = max((c.size for c in chars), default=0.0)
    candidates = [c for c in chars if c.text.isascii() and c.text.isdigit() and 0 < c.size <= MARK_SIZE * largest]
    if not candidates:
        return list(chars)
    bands = _Bands(chars)
    marks: dict[int, tuple[Char, Char]] = {}  # a mark's id: the mark as read, and the character it is raised over
    for c in sorted(candidates, key=lambda c: c.x0):
        base = _base(c, bands, marks)
        if base is not None:
            marks[id(c)] = (replace(c, text=c.text.translate(_SUPERSCRIPTS), top=base.top, bottom=base.bottom), base)
    return [marks[id(c)][0] if id(c) in marks else c for c in chars]


def _base(mark: Char, bands: _Bands, marks: dict[int, tuple[Char, Char]]) -> Char | None:
    """The character `mark` is a footnote mark of (the figure before a mark of one digit or more), if any."""
    best: Char | None = None
    for n in bands.ending_near(mark):
        if n is mark or n.x0 >= mark.x0 or n.bottom <= mark.top or n.top >= mark.bottom:
            continue
        if best is None or n.x1 > best.x1:
            best = n
    if best is None:
        return None
    if id(best) in marks:  # the second digit of a mark: raised over the same figure, the same size
        earlier, base = marks[id(best)]
        return base if abs(earlier.size - mark.size) <= SAME_SIZE * mark.size else None
    size = best.size
    if (
        (best.text.isdigit() or best.text in _FIGURE_ENDS)  # after a label it may be a figure in a small font
        and mark.size <= MARK_SIZE * size
        and best.bottom - mark.bottom >= MARK_RISE * size
        and best.cy - mark.cy >= MARK_MIDDLE_RISE * size
        and mark.x0 - best.x1 <= MARK_GAP * size
    ):
        return best
    return None


class _Bands:
    """Characters by the band of the page their middle is in, each band in the order of their right ends."""

    def __init__(self, chars: Sequence[Char]) -> None:
        bands: dict[int, list[Char]] = defaultdict(list)
        for c in chars:
            if math.isfinite(c.cy) and math.isfinite(c.x1):
                bands[int(c.cy // _SQUARE)].append(c)
        self._bands = {k: sorted(v, key=lambda c: c.x1) for k, v in bands.items()}
        self._ends = {k: [c.x1 for c in v] for k, v in self._bands.items()}
        self._keys = sorted(self._bands)

    def ending_near(self, mark: Char) -> Iterator[Char]:
        """The characters (up to `NEAR_LOOKS`, nearest first) ending where one `mark` is raised after would."""
        smallest = mark.size / MARK_SIZE  # the smallest such character; up to twice that is looked for
        lo_x, hi_x = mark.x0 - 2 * MARK_GAP * smallest, mark.x0 + 0.2 * mark.size
        reach = min(smallest, 2 * _SQUARE)  # how far from the mark such a character's middle may be
        looks = 0
        first, last = (mark.top - reach) // _SQUARE, (mark.bottom + reach) // _SQUARE
        if not (math.isfinite(first) and math.isfinite(last)):
            return
        # the bands there are between the two (a glyph 10²¹ points high spans more bands than a page has)
        keys = self._keys[bisect.bisect_left(self._keys, first) : bisect.bisect_right(self._keys, last)]
        for k in keys:
            band, ends = self._bands.get(k), self._ends.get(k)
            if not band or not ends:
                continue
            lo, hi = bisect.bisect_left(ends, lo_x), bisect.bisect_right(ends, hi_x)
            for index in range(hi - 1, lo - 1, -1):
                looks += 1
                if looks > NEAR_LOOKS:
                    return
                yield band[index]


def _overlap(a: Char, b: Char) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    return width * height if width > 0 and height > 0 else 0.0


def _area(c: Char) -> float:
    return max(c.x1 - c.x0, 0.0) * max(c.bottom - c.top, 0.0)
