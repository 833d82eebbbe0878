"""Glyphs painted over: covered by an opaque white rectangle drawn after them (an "edited" figure).

On plain boxes, for both engines: the old figure whited out, the new one
written over it, only the new one is read.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from gongkai.errors import ReadError

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in one frame (which way y runs does not matter)

# A glyph is painted over when this share of its box lies under the rectangle.
COVERED_SHARE = 0.5
# Glyphs are looked up by squares of this many points.
_BUCKET = 36.0
# Looks (a square of a white rectangle, a glyph in it drawn before it) for glyphs under the white
# rectangles of one page: a real page takes a few thousand (the white cell backgrounds of a table, each
# over the text drawn before it in its square); 2 million take about a second.
MAX_PAGE_COVER_CHECKS = 2_000_000


def covered_glyphs(glyphs: Sequence[Box], fills: Sequence[tuple[Box, int]], page: Box, number: int) -> set[int]:
    """The indices of `glyphs` (in drawing order) `COVERED_SHARE` under a white fill drawn after them.

    `fills` are each white rectangle and how many glyphs were drawn before
    it. A glyph so covered has its middle under the rectangle: glyphs are
    found by the square their middle is in, the squares of a rectangle
    clipped to the page.
    """
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)  # glyph indices, in drawing order
    for index, (x0, y0, x1, y1) in enumerate(glyphs):
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        if math.isfinite(x) and math.isfinite(y):
            buckets[(int(x // _BUCKET), int(y // _BUCKET))].append(index)
    gone: set[int] = set()
    checks = 0
    for rect, drawn_before in fills:
        xs, ys = _squares(rect, page)
        checks += len(xs) * len(ys)
        for key in ((i, j) for i in xs for j in ys):
            if checks > MAX_PAGE_COVER_CHECKS:
                raise ReadError(
                    f"page {number} too large: more than {MAX_PAGE_COVER_CHECKS:,} looks for text "
                    "under white areas drawn over it (the limit per page)"
                )
            for index in buckets.get(key, ()):
                if index >= drawn_before:
                    break  # drawn after the rectangle: on top of it
                checks += 1
                if index not in gone and _covered(glyphs[index], rect):
                    gone.add(index)
    return gone


def _squares(rect: Box, page: Box) -> tuple[range, range]:
    """The columns and rows of squares a rectangle covers on the page (none off it, or not finite)."""
    x0, y0, x1, y1 = max(rect[0], page[0]), max(rect[1], page[1]), min(rect[2], page[2]), min(rect[3], page[3])
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 < x0 or y1 < y0:
        return range(0), range(0)
    return range(int(x0 // _BUCKET), int(x1 // _BUCKET) + 1), range(int(y0 // _BUCKET), int(y1 // _BUCKET) + 1)


def _covered(glyph: Box, rect: Box) -> bool:
    """Whether `COVERED_SHARE` of the glyph's box lies under the rectangle."""
    width = min(glyph[2], rect[2]) - max(glyph[0], rect[0])
    height = min(glyph[3], rect[3]) - max(glyph[1], rect[1])
    area = (glyph[2] - glyph[0]) * (glyph[3] - glyph[1])
    return width > 0 and height > 0 and width * height >= COVERED_SHARE * area > 0
