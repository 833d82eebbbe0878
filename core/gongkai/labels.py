"""Tolerant label matching: width, spaces, quotes, numbering and scattered PDF characters.

Labels are compared after `normalise`, by how much of the label the text
covers and how much of the text is the label (an F-measure over matching
runs of at least two characters, so that one stray shared character never
makes a match).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc

_DROP = re.compile(r"[\s\u00a0\u3000\"'“”‘’「」『』〝〞＂•·●▪■□◆◇★☆]+")
# "1、" "1." "1．" "1）" after a numbering digit, all as "1."
_NUMBERING = re.compile(r"(?<![\d.(（])(\d{1,2})[、.．:：)）](?!\d)")
_CN_NUMBERING = re.compile(r"^([一二三四五六七八九十]{1,3})[、.．,，]")
SHORT = 6
_BRACKETS = str.maketrans({"［": "(", "[": "(", "【": "(", "〔": "(", "］": ")", "]": ")", "】": ")", "〕": ")"})


def simplified(text: str) -> str:
    """Traditional characters as Simplified (all else untouched)."""
    if text.isascii():
        return text  # no Chinese character, nothing to convert: the converter need not even be loaded
    return str(_t2s().convert(text))


@cache
def _t2s() -> opencc.OpenCC:
    """OpenCC's converter, loaded at the first text that needs it (a few milliseconds that a process
    which never reads a label need not pay). Sites offer their pages "in Traditional characters" by
    converting them one character at a time."""
    import opencc

    return opencc.OpenCC("t2s")


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


@lru_cache(maxsize=65536)
def best_similarity(labels: tuple[str, ...], text: str, floor: float = 0.0) -> float:
    """How well the text reads as the best of the labels, their leading numbering ("3.", "（六）") aside: a
    row printed "其他" is "3.其他" and not "（六）其他处理"; a number the label lacks still rules it out.

    Exact when it reaches `floor`; below it, some score below it (pairs that cannot reach it are not compared).
    """
    norm = normalise(text)
    bare = _LEADING.sub("", norm)
    return max(
        (
            max(
                bounded_similarity(normalise(label), norm, floor),
                bounded_similarity(_LEADING.sub("", normalise(label)), bare, floor),
            )
            * _numbered(normalise(label), norm)
            for label in labels
        ),
        default=0.0,
    )


@lru_cache(maxsize=65536)
def bounded_similarity(label: str, text: str, floor: float) -> float:
    """`similarity` when it reaches `floor`; else 0, when a bound says it never could, or its value."""
    return _bounded(label, text, floor, _hits(label, text))


def _bounded(label: str, text: str, floor: float, hits: list[bool]) -> float:
    """`bounded_similarity`, given the text's `_hits`.

    Every character of a matching run (two characters or more) stands in a two-character run of the
    label, so no more characters match than the text has in such runs; and the score is at most
    2 × matched / (len(label) + len(text)). The margin keeps a float's rounding on the safe side.
    """
    if floor > 0 and label != text:
        covered = sum(map(operator.or_, [*hits, False], [False, *hits]))
        if 2 * min(len(label), covered) / (len(label) + len(text)) < floor - 1e-9:
            return 0.0
    return similarity(label, text)


def _hits(label: str, text: str) -> list[bool]:
    """For each place of the text, whether the two characters from there are a run of the label's."""
    return list(map(_pairs(label).__contains__, _bigrams(text)))


def _bigrams(text: str) -> tuple[str, ...]:
    return tuple(text[k : k + 2] for k in range(len(text) - 1))


@lru_cache(maxsize=4096)  # of labels only, few: a document's texts would take far more memory than strings
def _pairs(label: str) -> frozenset[str]:
    return frozenset(_bigrams(label))


# The numbering a label starts with, once normalised: "3.", "(六)", "三、".
_LEADING = re.compile(r"^(?:\d{1,2}\.|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、)+")


def runs(text: str) -> frozenset[str]:
    """The two-character runs of a text once normalised, with and without its leading numbering (a text of
    one character stands for itself). Texts sharing none score 0 in `best_similarity` and
    `best_suffix_similarity`: `similarity` counts only matching runs of two characters or more, and equal
    texts share their runs."""
    norm = normalise(text)
    return frozenset(_runs(norm) | _runs(_LEADING.sub("", norm)))


def _runs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text} - {""}


_ITEM = re.compile(r"(?<![\d.])(\d{1,2})\.(?!\d)")
# A text naming a numbered item ("1.申请人…") is not a label without that number ("（六）其他处理"), however alike.
OTHER_ITEM = 0.0


@lru_cache(maxsize=65536)
def _numbered(label: str, text: str) -> float:
    return OTHER_ITEM if set(_ITEM.findall(text)) - set(_ITEM.findall(label)) else 1.0


# A glued label (header text run into it) is compared by its ending, this many characters around the label's length.
SUFFIX_SLACK = 4


@lru_cache(maxsize=65536)
def best_suffix_similarity(labels: tuple[str, ...], text: str, floor: float = 0.0) -> float:
    """How well the end of `text` reads as one of the labels: a row whose line glued header text before it.

    Exact when it reaches `floor` (see `best_similarity`)."""
    norm = normalise(text)
    best = 0.0
    for label in labels:
        lab = normalise(label)
        numbered = _numbered(lab, norm)
        hits = _hits(lab, norm)  # those of norm[-k:] are its last k - 1
        for k in range(max(2, len(lab) - SUFFIX_SLACK), min(len(norm), len(lab) + SUFFIX_SLACK) + 1):
            best = max(best, _bounded(lab, norm[-k:], floor, hits[len(norm) - k :]) * numbered)
    return best


def contains(text: str, key: str) -> bool:
    """Whether a normalised key occurs in a normalised text."""
    return normalise(key) in normalise(text)
