"""Lines whose cells were glued together (a crawler kept only the page's text): labels and figures apart again.

`规章000行政规范性文件000` is two rows, each a label and a run of digits;
`一、本年新收政府信息公开申请数量 125001018` is a label and one run. A run
keeps its digits together: how it splits into the row's cells is for the
rules to say (`recognise.split`). Digits that belong to a label stay in it:
a numbering (`1.属于国家秘密`, glued after the figures of the row before it)
and a number inside a phrase (`保留4位小数`, `2021年`).
"""

from __future__ import annotations

import re

# A figure as a glued run can print it: counts, a signed change, an amount with a decimal part.
_RUN = re.compile(r"[+\-]?\d+(?:\.\d+)?")
# After these, a number is part of a phrase ("保留4位小数", "2021年度", "第3页"), not a cell.
_PHRASE_AFTER = frozenset("年月日号页位条项件个次%％万元岁人户期届")
# "1.属于…", "2、重复申请": the digit before is the numbering of the label that follows.
_NUMBERING = re.compile(r"[.、．]\s*[^\d\s.]")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")

Row = tuple[str, list[str]]  # a label and the runs of figures after it


def unglue(text: str) -> list[Row] | None:
    """The rows a glued line holds, or None when it is not such a line (prose, a heading, a header row).

    A glued line ends with a run of figures and has no sentence in it; each
    label is text with a Chinese character, each run the figures after it
    (runs apart by a space or a sign stay apart).
    """
    if "。" in text or not _has_cjk(text):
        return None
    runs = list(_value_runs(text))
    if not runs or text[runs[-1][1] :].strip():
        return None
    rows: list[Row] = []
    pos = 0
    for start, end in runs:
        between = _SPACE.sub(" ", text[pos:start]).strip()
        if between and not _has_cjk(between):
            return None  # latin or symbols between figures: not a table row
        if between.endswith(("：", ":")):
            return None  # "…总数量：1" states a figure in a sentence; a table's label has no colon before it
        if between:
            rows.append((between, []))
        elif not rows:
            return None  # figures before any label: a bare row, the ordinary path knows it
        rows[-1][1].append(text[start:end])
        pos = end
    return rows


def _has_cjk(text: str) -> bool:
    """Whether the text has a Chinese character (a regular expression of the range takes a millisecond to
    compile, more than all the searches of a report)."""
    return any("\u3400" <= c <= "\u9fff" for c in text)


def _value_runs(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _RUN.finditer(text):
        start, end = m.span()
        after = text[end : end + 1]
        if after and after in _PHRASE_AFTER:
            continue
        if _NUMBERING.match(text, end) and "." not in m.group():
            end -= 1  # the last digit numbers the next label
            if end == start or (end == start + 1 and text[start] in "+-"):
                continue
        out.append((start, end))
    return out
