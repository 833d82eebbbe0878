"""Reading a picture: what every engine shares, around the engine proper (`Recognise`).

Decoding the picture, the quarter turn of a page scanned sideways,
straightening, and the rules are done here; the engine only reads text off
an upright grey page.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gongkai.ocr import OcrPage, OcrText, PageImage, reading_page
from gongkai_ocr.picture import grey_pages
from gongkai_ocr.rules import find_rules
from gongkai_ocr.straighten import sideways, skew, straightened, turn

Recognise = Callable[[np.ndarray, float], list[OcrText]]  # an upright grey page and its resolution


def read(image: PageImage, recognise: Recognise) -> list[OcrPage]:
    """Every page of the picture, upright and straight, read by `recognise`."""
    return [_page(grey, dpi, recognise) for grey, dpi in grey_pages(image)]


def _page(grey: np.ndarray, dpi: float, recognise: Recognise) -> OcrPage:
    reading_page()
    quarters = 1 if sideways(grey) else 0
    upright = turn(grey, quarters)
    angle = skew(upright)
    page = straightened(upright, angle)
    texts = recognise(page, dpi)
    if quarters:  # sideways, but which way? the way that reads better
        other = turn(page, 2)
        again = recognise(other, dpi)
        if _score(again) > _score(texts):
            page, texts, quarters = other, again, 3
    height, width = page.shape
    return OcrPage(width, height, dpi, texts, find_rules(page, dpi), turned=90 * quarters, skew=angle)


def _score(texts: list[OcrText]) -> float:
    return sum(t.confidence * len(t.text) for t in texts)
