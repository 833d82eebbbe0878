"""Tolerant label matching: width, spaces, quotes, numbering and scattered PDF characters.

Labels are compared after `normalise`, by how much of the label the text
covers and how much of the text is the label (an F-measure over matching
runs of at least two characters, so that one stray shared character never
makes a match).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

import opencc

_DROP = re.compile(r"[\s\u00a0\u3000\"'“”‘’「」『』〝〞＂•·●▪■□◆◇★☆]+")
# "1、" "1." "1．" "1）" after a numbering digit, all as "1."
_NUMBERING = re.compile(r"(?<![\d.(（])(\d{1,2})[、.．:：)）](?!\d)")
_CN_NUMBERING = re.compile(r"^([一二三四五六七八九十]{1,3})[、.．,，]")
SHORT = 6
# Sites offer their pages "in Traditional characters" by converting them one character at a time.
_T2S = opencc.OpenCC("t2s")
_BRACKETS = str.maketrans({"［": "(", "[": "(", "【": "(", "〔": "(", "］": ")", "]": ")", "】": ")", "〕": ")"})


def simplified(text: str) -> str:
    """Traditional characters as Simplified (all else untouched)."""
    return str(_T2S.convert(text))


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """The form labels are compared in: Simplified, NFKC, no spaces or quotes, one style of brackets and numbering."""
    text = unicodedata.normalize("NFKC", simplified(text)).translate(_BRACKETS)
    text = _DROP.sub("", text)
    text = _NUMBERING.sub(r"\1.", text)
    return _CN_NUMBERING.sub(r"\1、", text)


@lru_cache(maxsize=65536)
def similarity(label: str, text: str) -> float:
    """How well `text` reads as `label` (both normalised), from 0 to 1."""
    if not label or not text:
        return 0.0
    if label == text:
        return 1.0
    matcher = SequenceMatcher(None, label, text, autojunk=False)
    matched = sum(b.size for b in matcher.get_matching_blocks() if b.size >= 2)
    if not matched:
        return 0.0
    cover, precision = matched / len(label), matched / len(text)
    score = 2 * cover * precision / (cover + precision)
    # A short label (规章, 行政许可) is printed whole or not at all: 行政处罚 shares half of 行政许可.
    return score * cover if len(label) <= SHORT and cover < 1 else score


def best_similarity(labels: tuple[str, ...], text: str) -> float:
    """How well the text reads as the best of the labels, their leading numbering ("3.", "（六）") aside: a
    row printed "其他" is "3.其他" and not "（六）其他处理"; a number the label lacks still rules it out."""
    norm = normalise(text)
    bare = _LEADING.sub("", norm)
    return max(
        (
            max(similarity(normalise(label), norm), similarity(_LEADING.sub("", normalise(label)), bare))
            * _numbered(normalise(label), norm)
            for label in labels
        ),
        default=0.0,
    )


# The numbering a label starts with, once normalised: "3.", "(六)", "三、".
_LEADING = re.compile(r"^(?:\d{1,2}\.|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、)+")


_ITEM = re.compile(r"(?<![\d.])(\d{1,2})\.(?!\d)")
# A text naming a numbered item ("1.申请人…") is not a label without that number ("（六）其他处理"), however alike.
OTHER_ITEM = 0.0


@lru_cache(maxsize=65536)
def _numbered(label: str, text: str) -> float:
    return OTHER_ITEM if set(_ITEM.findall(text)) - set(_ITEM.findall(label)) else 1.0


# A glued label (header text run into it) is compared by its ending, this many characters around the label's length.
SUFFIX_SLACK = 4


def best_suffix_similarity(labels: tuple[str, ...], text: str) -> float:
    """How well the end of `text` reads as one of the labels: a row whose line glued header text before it."""
    norm = normalise(text)
    best = 0.0
    for label in labels:
        lab = normalise(label)
        numbered = _numbered(lab, norm)
        for k in range(max(2, len(lab) - SUFFIX_SLACK), min(len(norm), len(lab) + SUFFIX_SLACK) + 1):
            best = max(best, similarity(lab, norm[-k:]) * numbered)
    return best


def contains(text: str, key: str) -> bool:
    """Whether a normalised key occurs in a normalised text."""
    return normalise(key) in normalise(text)
