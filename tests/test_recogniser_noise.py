"""Noise that real extractions carry must not shift a single value."""

from __future__ import annotations

import re
from pathlib import Path

import gongkai
from conftest import SEEDS


def _convert_text(text: str, name: str) -> gongkai.Report:
    return gongkai.convert(text.encode("utf-8"), name=name)


def test_heading_printed_twice(seed: Path) -> None:
    text = seed.read_text("utf-8")
    original = gongkai.convert(seed)
    heading = "三、收到和处理政府信息公开申请情况"
    doubled = text.replace(heading, heading + "\n" + heading, 1)
    assert doubled != text  # every seed prints the heading: the noise is really there
    assert _convert_text(doubled, seed.name).values() == original.values()


def test_page_numbers_between_rows(seed: Path) -> None:
    """ "- 4 -" and a bare "4" on their own lines between rows, as a PDF extraction leaves them."""
    lines = seed.read_text("utf-8").split("\n")
    noisy: list[str] = []
    for n, line in enumerate(lines):
        noisy.append(line)
        if n % 7 == 6 and (not line.strip() or "\t" in line.strip("\t")):
            noisy.extend(["", f"- {n // 7} -" if n % 2 else str(n // 7), ""])
    original = gongkai.convert(seed)
    assert _convert_text("\n".join(noisy), seed.name).values() == original.values()


def test_bookmark_debris_in_labels(seed: Path) -> None:
    """Word's bookmark debris before a label of table 三 (one every seed prints)."""
    text = seed.read_text("utf-8")
    noisy = re.sub(r"(\(七\) ?总计|（七）总计)", r"[bookmark: _GoBack]\1", text, count=1)
    assert noisy != text
    assert _convert_text(noisy, seed.name).values() == gongkai.convert(seed).values()


def test_full_width_digits_and_spaces_in_figures() -> None:
    """Seed 004 with its zeros printed as full-width ０ and padded with spaces."""
    seed = SEEDS[4]
    text = seed.read_text("utf-8").replace("\t0\n", "\t ０ \n")
    assert _convert_text(text, seed.name).values() == gongkai.convert(seed).values()


def test_figures_move_with_their_rows() -> None:
    """Change one printed figure and only that cell (and what the rules derive from it) changes."""
    seed = SEEDS[1]
    text = seed.read_text("utf-8")
    changed = text.replace("6.属于四类过程性信息\t0\t0", "6.属于四类过程性信息\t7\t0", 1)
    report = _convert_text(changed, seed.name)
    assert report.tables["applications"]["denied_process_info"]["natural_person"].value == 7
    assert report.tables["applications"]["denied_internal_affairs"]["natural_person"].value == 0
    codes = {(f.code, f.rule) for f in report.findings}
    assert ("rule_violated", "applications.row_total") in codes
    assert ("rule_violated", "applications.outcomes_sum") in codes


def test_not_a_report_has_no_tables() -> None:
    report = _convert_text("关于做好2022年春节期间安全生产工作的通知\n\n各科室：\n请做好值班工作。\n", "notice.txt")
    assert report.status == "no_tables"
    assert all(c.value is None for rows in report.tables.values() for cols in rows.values() for c in cols.values())
