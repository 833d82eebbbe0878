"""Tolerant label matching."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from gongkai.labels import best_similarity, best_suffix_similarity, bounded_similarity, normalise, runs, similarity
from gongkai.plugins import get_registry


@pytest.mark.parametrize(
    "printed,label",
    [
        ("（一）予以公开", "(一)予以公开"),
        ("(一) 予以公开", "（一）予以公开"),
        ("1、属于国家秘密", "1.属于国家秘密"),
        ("1．属于国家秘密", "1.属于国家秘密"),
        ("3.危及'三安全一稳定'", "3.危及“三安全一稳定”"),
        ('3.危及"三安全一稳定"', "3.危及“三安全一稳定”"),
        ("结 果 维 持", "结果维持"),
        ("本年新\n制作数量", "本年新制作数量"),
        ("四、结转下年度继续办理", "四、结转下年度继续办理"),
        ("四.结转下年度继续办理", "四、结转下年度继续办理"),
    ],
)
def test_variants_normalise_equal(printed: str, label: str) -> None:
    assert normalise(printed) == normalise(label)


def test_numbering_in_brackets_untouched() -> None:
    assert normalise("（1）") == "(1)"


@pytest.mark.parametrize(
    "scattered,label",
    [
        ("一、本年三新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"),
        ("二、上年E结转政府信息公开申请数量", "二、上年结转政府信息公开申请数量"),
        ("四、结转专下年度继续续办理", "四、结转下年度继续办理"),
        (
            "(二)部分形,不计算分公开(区分处理的,只计这一情 其他情形)",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
        ("2.其他法律法规禁止公开", "2.其他法律行政法规禁止公开"),
    ],
)
def test_scattered_pdf_labels_still_match(scattered: str, label: str) -> None:
    assert best_similarity((label,), scattered) > 0.75


@pytest.mark.parametrize(
    "text,label",
    [
        ("2.重复申请", "2.没有现成信息需要另行制作"),
        ("3.其他", "3.危及“三安全一稳定”"),
        ("行政许可", "行政处罚"),
        ("规章", "行政规范性文件"),
    ],
)
def test_different_labels_do_not_match(text: str, label: str) -> None:
    assert best_similarity((label,), text) < 0.42


def test_one_shared_character_is_no_match() -> None:
    assert similarity("规章", "章程") == 0.0


def test_pruning_never_changes_a_score_that_counts() -> None:
    """The recogniser skips pairs by bounds (`runs`, `bounded_similarity`): over every template label and
    every line of the seeds, a pair it skips scores nothing, and a score reaching the floor is exact."""
    labels = {
        label
        for template in get_registry().templates.values()
        for table in template.tables
        for row in table.rows
        for label in (row.label, *row.variants)
    }
    texts = {line.strip() for seed in (FIXTURES / "seeds").glob("*.txt") for line in seed.read_text().splitlines()}
    texts = {t for t in texts if t} | labels
    for label in labels:
        for text in texts:
            if runs(label).isdisjoint(runs(text)):
                assert best_similarity((label,), text) == 0.0
            exact, suffix = similarity(normalise(label), normalise(text)), best_suffix_similarity((label,), text)
            for floor in (0.42, 0.75):
                for got, want in [
                    (bounded_similarity(normalise(label), normalise(text), floor), exact),
                    (best_suffix_similarity((label,), text, floor), suffix),
                ]:
                    assert got == want if want >= floor else got < floor
