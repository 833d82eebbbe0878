"""Pages printed sideways (a wide table turned on a portrait page) turned upright, on plain page data."""

from __future__ import annotations

from gongkai_pdf.page import Box, Char, PageData, Segment

# Turned when at least this share of a page's characters runs down or up the page.
SIDEWAYS_SHARE = 0.6


def upright(page: PageData) -> PageData:
    """The page as it reads: text running down the page is turned a quarter left, running up a quarter right."""
    down = up = across = 0
    for a, b in zip(page.chars, page.chars[1:], strict=False):
        dx, dy = (b.x0 + b.x1 - a.x0 - a.x1) / 2, (b.top + b.bottom - a.top - a.bottom) / 2
        if abs(dx) < 0.1 and 0 < abs(dy) <= 2 * max(a.size, 1.0):
            down, up = down + (dy > 0), up + (dy < 0)
        elif abs(dy) < 0.1 and 0 < abs(dx) <= 2 * max(a.size, 1.0):
            across += 1
    if max(down, up) < SIDEWAYS_SHARE * max(down + up + across, 1):
        return page
    w, h = page.width, page.height
    if down > up:  # a quarter turn left: (x, y) -> (y, w - x)

        def char(c: Char) -> Char:
            return Char(c.text, c.top, c.bottom, w - c.x1, w - c.x0, c.size, c.ink)

        def segment(s: Segment) -> Segment:
            return Segment(s.top, w - s.x1, s.bottom, w - s.x0)

        def box(x0: float, top: float, x1: float, bottom: float) -> Box:
            return (top, w - x1, bottom, w - x0)

    else:  # a quarter turn right: (x, y) -> (h - y, x)

        def char(c: Char) -> Char:
            return Char(c.text, h - c.bottom, h - c.top, c.x0, c.x1, c.size, c.ink)

        def segment(s: Segment) -> Segment:
            return Segment(h - s.bottom, s.x0, h - s.top, s.x1)

        def box(x0: float, top: float, x1: float, bottom: float) -> Box:
            return (h - bottom, x0, h - top, x1)

    return PageData(
        number=page.number,
        width=h,
        height=w,
        chars=[char(c) for c in page.chars],
        segments=[segment(s) for s in page.segments],
        images=page.images,
        image_cover=page.image_cover,
        paths=page.paths,
        pictures=[box(*p) for p in page.pictures],
        painted_over=page.painted_over,
        warnings=page.warnings,
    )
