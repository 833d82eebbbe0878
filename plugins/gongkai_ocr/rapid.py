"""RapidOCR on ONNX Runtime, with the PP-OCRv4 Chinese models its wheel carries (nothing is downloaded).

The models load once per process, at the first page. Each character comes
with its own box and confidence (RapidOCR's word boxes: one per Chinese
character, one per run of Latin letters or digits, split here evenly).
"""

from __future__ import annotations

import functools
from typing import Any

import cv2
import numpy as np

from gongkai.ocr import OcrText

# RapidOCR drops what it reads below this confidence (its own default, 0.5, would drop many an isolated
# `0`, read at 0.5–0.9): kept, the rules judge them (`gongkai.checks`).
KEEP_SCORE = 0.3
# RapidOCR keeps a detected box of text scoring this much (its default, 0.5, loses a lone thin `1` in a
# table cell of a JPEG scan; at 0.3 it is read, at 0.83, and the rules judge it).
BOX_SCORE = 0.3
# The longest side RapidOCR reads a page at (its own default): a 200 dpi A4 page shrinks to 2000 pixels,
# and reads as well as at full size in 40% of the time and memory (4000: 16 s and 1.1 GB a page).
MAX_SIDE = 2000


@functools.cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(text_score=KEEP_SCORE, max_side_len=MAX_SIDE)


def recognise(grey: np.ndarray, dpi: float) -> list[OcrText]:
    """What RapidOCR reads on an upright grey page: runs of text, each character's box and confidence (the
    resolution does not matter to it: it scales the page to `MAX_SIDE`)."""
    # No angle classifier: the page is upright already, and it turns some figures over (`90` read as `06`).
    picture = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    try:
        result, _ = _engine()(picture, use_cls=False, return_word_box=True, text_score=KEEP_SCORE, box_thresh=BOX_SCORE)
    except Exception as exc:  # ONNX Runtime's C++ bad_alloc comes as its own exception: a memory limit reached
        if "bad_alloc" in str(exc):
            raise MemoryError("ONNX Runtime could not allocate memory") from None
        raise
    return [_text(row) for row in result or () if str(row[1]).strip()]


def _text(row: list[Any]) -> OcrText:
    corners, text, score = row[0], str(row[1]), float(row[2])
    xs, ys = [float(p[0]) for p in corners], [float(p[1]) for p in corners]
    box = (min(xs), min(ys), max(xs), max(ys))
    spans: list[tuple[float, float]] = []
    confidences: list[float] = []
    if len(row) >= 6:
        for word_box, word, conf in zip(row[3], row[4], row[5], strict=False):
            left = min(float(p[0]) for p in word_box)
            right = max(float(p[0]) for p in word_box)
            step = (right - left) / max(len(word), 1)
            for n in range(len(word)):
                spans.append((left + n * step, left + (n + 1) * step))
                confidences.append(float(conf))
    if len(spans) != sum(1 for ch in text if not ch.isspace()):  # a tall box read across: none placed
        spans, confidences = [], []
    return OcrText(text, box, score, tuple(spans), tuple(confidences))
