"""Every way a row's runs of digits split into its cells, under the row's own sums.

`125001018` for a row of seven cells (six applicant columns and 总计) is
`12|5|0|0|1|0|18` or `1|2|5|0|0|10|18`: each part a number its column can
hold (no leading zero in a number of two or more digits, a decimal point
only in an amount, a sign only in a signed change), the 总计 the sum of
the others. The table's column rules choose between such readings later
(`recognise.recover`).

The search runs from the right: a 总计 is printed after the cells it sums,
so it is chosen first, and then bounds every part of its sum; the last
part left is forced. That keeps a whole glued table 三 to a few thousand
steps (see benchmarks/split_speed.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gongkai.template import ValueType

# More readings than this for one row and the row is not placed at all: it says nothing certain.
MAX_READINGS = 2000
# Steps of the search for one row; past this the row is refused with a one-line cause.
MAX_STEPS = 200_000

_VALID = {
    "count": re.compile(r"0|[1-9]\d*"),
    "signed": re.compile(r"[+-]?(?:0|[1-9]\d*)"),
    "amount": re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
}


@dataclass(frozen=True)
class Sum:
    """A row rule: the cell at `total` holds the sum of the cells at `parts` (indexes into the row)."""

    total: int
    parts: tuple[int, ...]


class TooMany(Exception):
    """The run has more readings than MAX_READINGS, or the search took more than MAX_STEPS."""


def number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def valid(text: str, kind: ValueType) -> bool:
    return bool(_VALID[kind].fullmatch(text))


def splits(tokens: Sequence[str], kinds: Sequence[ValueType], sums: Sequence[Sum] = ()) -> list[tuple[str, ...]]:
    """Every cut of `tokens` (in order, each giving one part or more) into one part per kind, sums holding.

    Raises TooMany past MAX_READINGS readings or MAX_STEPS steps.
    """
    n = len(kinds)
    if not tokens or len(tokens) > n or sum(len(t) for t in tokens) < n:
        return []
    part_rule = [-1] * n  # the sum each cell is a part of
    total_rule = [-1] * n  # the sum each cell is the total of
    for r, rule in enumerate(sums):
        total_rule[rule.total] = r
        for i in rule.parts:
            part_rule[i] = r
    # the sum whose parts cells 0..i all are, if they are all parts of one sum (its bounds then apply)
    leftmost = [part_rule[0] if all(part_rule[j] == part_rule[0] for j in range(i + 1)) else -1 for i in range(n)]
    before = [sum(len(t) for t in tokens[:k]) for k in range(len(tokens))]
    low, high = _prefix_bounds(tokens, n)
    lacks: list[int | Decimal | None] = [None] * len(sums)  # what a sum's unplaced parts must add up to
    unplaced = [len(rule.parts) for rule in sums]
    placed_sum: list[int | Decimal] = [0] * len(sums)  # parts placed before their total (a total printed first)
    out: list[tuple[str, ...]] = []
    parts: list[str] = [""] * n
    steps = 0
    valid_for = [_VALID[kind].fullmatch for kind in kinds]  # `valid`, for each cell

    def options(i: int, text: str) -> list[str]:
        """The parts cell i may take from the end of `text` (the unread rest of its token)."""
        r = part_rule[i]
        left = lacks[r] if r >= 0 else None
        if left is not None and unplaced[r] == 1:  # the last part of a sum whose total is placed is forced
            forced = str(left)
            return [forced] if left >= 0 and text.endswith(forced) else []
        t = total_rule[i]
        if t >= 0 and unplaced[t] == 0:  # a total printed after all its parts
            forced = str(placed_sum[t])
            return [forced] if text.endswith(forced) else []
        limit = min(len(str(left)), len(text)) if left is not None else len(text)
        return [text[-k:] for k in range(1, limit + 1)]

    def walk(i: int, token: int, rest: str) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS:
            raise TooMany(f"more than {MAX_STEPS} steps")
        if i < 0:
            if token == 0 and not rest:
                out.append(tuple(parts))
                if len(out) > MAX_READINGS:
                    raise TooMany(f"more than {MAX_READINGS} readings")
            return
        if not rest:
            if token <= 0:
                return
            token -= 1
            rest = tokens[token]
        # every earlier token needs a part of its own and every cell left a character; the cells
        # left, when they are the parts of one sum, must be able to add up to what it lacks
        chars = len(rest) + before[token]
        if i < token or i + 1 > chars:
            return
        r = leftmost[i]
        if (
            r >= 0
            and (need := lacks[r]) is not None
            and unplaced[r] == i + 1
            and not low[chars][i + 1] <= need <= high[chars][i + 1]
        ):
            return
        pr, tr = part_rule[i], total_rule[i]
        for part in options(i, rest):
            if not valid_for[i](part):
                continue
            value = number(part)
            if pr >= 0:
                left = lacks[pr]
                if left is not None and value > left:
                    continue
                unplaced[pr] -= 1
                if left is not None:
                    lacks[pr] = left - value
                else:
                    placed_sum[pr] += value
            if tr >= 0 and unplaced[tr] > 0:
                lacks[tr] = value - placed_sum[tr]
            parts[i] = part
            walk(i - 1, token, rest[: -len(part)])
            if tr >= 0 and unplaced[tr] > 0:
                lacks[tr] = None
            if pr >= 0:
                unplaced[pr] += 1
                if lacks[pr] is not None:
                    lacks[pr] += value  # type: ignore[operator]
                else:
                    placed_sum[pr] -= value

    walk(n - 1, len(tokens) - 1, tokens[-1])
    return out


def _prefix_bounds(tokens: Sequence[str], n: int) -> tuple[list[list[float]], list[list[float]]]:
    """The least and the greatest sum of the first m characters cut into k counts (tokens never crossed)."""
    text = "".join(tokens)
    starts = {0}
    for t in tokens:
        starts.add(max(starts) + len(t))
    size = len(text)
    low = [[math.inf] * (n + 1) for _ in range(size + 1)]
    high = [[-math.inf] * (n + 1) for _ in range(size + 1)]
    low[0][0] = high[0][0] = 0
    count = _VALID["count"].fullmatch
    for end in range(1, size + 1):
        low_end, high_end = low[end], high[end]
        for begin in range(end - 1, -1, -1):
            part = text[begin:end]
            if count(part):
                value = int(part)
                low_begin, high_begin = low[begin], high[begin]
                for k in range(1, min(n, begin + 1) + 1):  # k - 1 parts take k - 1 characters at least
                    least, most = low_begin[k - 1], high_begin[k - 1]
                    if least <= most:  # (comparisons, not min and max: this is the search's innermost loop)
                        if least + value < low_end[k]:
                            low_end[k] = least + value
                        if most + value > high_end[k]:
                            high_end[k] = most + value
            if begin in starts:
                break  # a part never reaches back over the start of its token
    return low, high
