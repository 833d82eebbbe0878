"""A page picture made upright and straight: a quarter turn for a page scanned sideways, and a small skew.

Both are found from the ink's profile across the rows: text lines (and
rules) make it swing between full and empty when the rows run along them,
and the swing is sharpest at the angle that straightens them.
"""

from __future__ import annotations

import cv2
import numpy as np

from gongkai_ocr.rules import ink

# Scans are fed a little crooked; more than this (degrees) is not straightened (it is a photograph).
MAX_SKEW = 3.0
# The profile is measured on the page scaled to this width (pixels): enough for tenths of a degree.
PROFILE_WIDTH = 700
# A page is taken to be sideways when its columns swing this much more than its rows.
SIDEWAYS = 1.5


def turn(grey: np.ndarray, quarter_turns: int) -> np.ndarray:
    """The page turned clockwise by `quarter_turns` quarters."""
    return np.ascontiguousarray(np.rot90(grey, -quarter_turns % 4))


def sideways(grey: np.ndarray) -> bool:
    """Whether the text runs down the page (its columns swing more than its rows)."""
    small = _small(grey)
    return _swing(small.T) > SIDEWAYS * _swing(small)


def skew(grey: np.ndarray) -> float:
    """The turn (degrees, anticlockwise) that makes the page's lines level, to a twentieth of a degree."""
    small = _small(grey)
    # Level first, then ever further: on a tie (a page without ink) the smallest turn wins.
    coarse = sorted((float(a) for a in np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25)), key=abs)
    best: float = max(coarse, key=lambda a: _swing(_rotated(small, a)))
    fine = sorted(
        (float(a) for a in np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05) if abs(a) <= MAX_SKEW + 1e-9), key=abs
    )
    level: float = max(fine, key=lambda a: _swing(_rotated(small, a)))
    return round(level, 2)


def straightened(grey: np.ndarray, angle: float) -> np.ndarray:
    """The page turned anticlockwise by `angle` about its middle, the corners filled with paper."""
    if abs(angle) < 0.05:
        return grey
    height, width = grey.shape
    paper = int(np.percentile(grey, 90))
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    out: np.ndarray = cv2.warpAffine(
        grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=paper
    )
    return out


def _small(grey: np.ndarray) -> np.ndarray:
    scale = min(1.0, PROFILE_WIDTH / max(grey.shape))
    small: np.ndarray = cv2.resize(ink(grey), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return small


def _rotated(small: np.ndarray, angle: float) -> np.ndarray:
    height, width = small.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    out: np.ndarray = cv2.warpAffine(small, matrix, (width, height), flags=cv2.INTER_NEAREST)
    return out


def _swing(mask: np.ndarray) -> float:
    rows = mask.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())
