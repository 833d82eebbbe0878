"""Time of recovering figures from runs of digits: the worst case is a whole table 三 glued into runs.

    python benchmarks/split_speed.py [--tables N] [--level quiet|normal|busy] [--seed S]

Draws N rule-consistent tables 三 (gov-2021, three-row （六）), prints each
as a crawler dump would (every row's label, then its seven figures glued
into one run of digits), and converts the text. Prints the median and
worst time per document, the splitting alone (every row's readings under
its own sum), the rows placed, left unplaced as ambiguous, and wrong (a
wrong figure is a bug). `busy` draws counts up to 5 digits, the longest runs.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import time

import gongkai
from gongkai.plugins import get_registry
from gongkai.recognise.split import Sum, TooMany, splits

COLUMNS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org"]
COLUMNS += ["legal_service_org", "other_org"]
OUTCOMES = [
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_administrative_query",
    "cannot_provide_not_held",
    "cannot_provide_needs_creation",
    "cannot_provide_unclear",
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
]
SUBS = ["other_no_correction", "other_unpaid_fee", "other_other"]
ROW_SUM = [Sum(6, (0, 1, 2, 3, 4, 5))]


def draw(rng: random.Random, level: str) -> dict[str, list[int]]:
    """A table 三 whose rules hold: rows → seven figures (six columns and 总计)."""
    hi = {"quiet": 3, "normal": 60, "busy": 20000}[level]

    def count() -> int:
        return 0 if rng.random() < 0.5 else rng.randint(1, hi if rng.random() < 0.3 else 9)

    table: dict[str, list[int]] = {r: [] for r in ["new_received", "carried_over", *OUTCOMES, *SUBS]}
    table |= {"total_handled": [], "carried_forward": []}
    for _ in COLUMNS:
        column = {r: count() for r in OUTCOMES + SUBS}
        handled = sum(column.values())
        forward, over = rng.randint(0, 9), rng.randint(0, 9)
        over = min(over, handled + forward)
        column |= {"total_handled": handled, "carried_forward": forward, "carried_over": over}
        column["new_received"] = handled + forward - over
        for row, value in column.items():
            table[row].append(value)
    return {row: [*figures, sum(figures)] for row, figures in table.items()}


def dump(table: dict[str, list[int]]) -> str:
    """The report text a crawler keeps: headings and labels, each row's figures glued together."""
    template = get_registry().templates["gov-2021"].table("applications")
    lines = [
        "某某市某某局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本机关认真贯彻落实政府信息公开条例。",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况",
        "自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他",
    ]
    for row in template.rows:
        if row.id in table:
            lines.append(row.label + "".join(str(v) for v in table[row.id]))
    lines += ["五、存在的主要问题及改进情况", "无。", "某某市某某局", "2024年1月20日"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=20)
    parser.add_argument("--level", default="busy", choices=["quiet", "normal", "busy"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    gongkai.convert(dump(draw(rng, "quiet")).encode())  # warm-up: plugins, templates, caches
    times, split_times, placed, unplaced, wrong, longest = [], [], 0, 0, 0, 0
    for _ in range(args.tables):
        table = draw(rng, args.level)
        runs = ["".join(map(str, v)) for v in table.values()]
        longest = max(longest, *map(len, runs))
        started = time.perf_counter()
        for run in runs:
            with contextlib.suppress(TooMany):
                splits([run], ["count"] * 7, ROW_SUM)
        split_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = gongkai.convert(dump(table).encode())
        times.append(time.perf_counter() - started)
        for row, figures in table.items():
            cells = report.tables["applications"][row]
            got = [c.value for c in cells.values()]
            if got == figures:
                placed += 1
            elif all(v is None or v == f for v, f in zip(got, figures, strict=True)):
                unplaced += 1
            else:
                wrong += 1
    print(f"{args.tables} tables 三 glued into runs ({args.level}; longest run {longest} digits)")
    print(f"  convert   median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms per document")
    print(f"  splitting median {statistics.median(split_times) * 1000:.1f} ms, worst {max(split_times) * 1000:.1f} ms")
    print(f"  rows      {placed} exact, {unplaced} left without a value (ambiguous), {wrong} wrong")


if __name__ == "__main__":
    main()
