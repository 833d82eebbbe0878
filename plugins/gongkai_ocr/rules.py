"""Ruling lines of a page picture: long thin runs of ink, found by morphology (OpenCV comes with RapidOCR).

What the PDF reader gets from a text layer's drawn lines, it gets from a
scan through here: horizontal and vertical rules as thin boxes, which its
grid building turns into tables.
"""

from __future__ import annotations

import cv2
import numpy as np

from gongkai.ocr import Box

# A rule is at least this long (points): longer than any stroke of a character of body text (an em dash
# pair, 二十 side by side, stays shorter), shorter than the narrowest table cell.
MIN_RULE = 18.0
# And at most this thick (points), straightening's leftover slant included.
MAX_THICKNESS = 4.0
# Gaps a JPEG or a worn toner leaves in a line (points) are bridged.
BRIDGE = 1.5


def ink(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: dark against the local paper, so grey paper and uneven light do not count."""
    block = max(15, (min(grey.shape) // 60) | 1)
    mask: np.ndarray = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    return mask


def find_rules(grey: np.ndarray, dpi: float) -> list[Box]:
    """The horizontal and vertical rules drawn on the page, as boxes in pixels."""
    mask = ink(grey)
    per_point = dpi / 72
    length, bridge = max(8, round(MIN_RULE * per_point)), max(1, round(BRIDGE * per_point))
    thick = MAX_THICKNESS * per_point
    out: list[Box] = []
    for horizontal in (True, False):
        along = (lambda n: (n, 1)) if horizontal else (lambda n: (1, n))
        bridged = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, along(bridge)))
        lines = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along(length)))
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            long, across = (w, h) if horizontal else (h, w)
            if long >= length and across <= thick + 0.02 * long:  # a slight slant thickens a long rule's box
                out.append((float(x), float(y), float(x + w), float(y + h)))
    return out
