"""Title, issuing body, year and publication date, as real reports print them."""

from __future__ import annotations

import pytest

import gongkai
from gongkai.recognise.meta import parse_date


def meta(text: str) -> gongkai.Meta:
    return gongkai.convert(text.encode("utf-8"), name="x.txt").meta


@pytest.mark.parametrize(
    "head,agency,year",
    [
        ("成武县工业和信息化局2021年度政府信息公开工作年度报告", "成武县工业和信息化局", 2021),
        ("2020 年沂源县工信局\n\n政府信息公开工作年度报告", "沂源县工信局", 2020),
        ("工业和信息化局 2023 年政府信息公开工作年度报\n\n告", "工业和信息化局", 2023),
        ("某市生态环境局关于2022年政府信息公开工作年度报告", "某市生态环境局", 2022),
        ("某县人民政府办公室二〇二一年政府信息公开工作年度报告", "某县人民政府办公室", 2021),
        (
            "首页 > 政务公开 > 年度报告\n发布机构：某区教育局\n某区教育局2022年度政务公开工作年度报告",
            "某区教育局",
            2022,
        ),
    ],
)
def test_title_agency_year(head: str, agency: str, year: int) -> None:
    m = meta(head + "\n一、总体情况\n本年度我局认真贯彻条例。\n")
    assert m.agency == agency
    assert m.year == year
    assert m.title and "报告" in m.title


def test_agency_from_signature_when_title_names_none() -> None:
    m = meta("2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n\n某某市统计局\n2022年1月20日\n")
    assert m.agency == "某某市统计局"
    assert m.signed_by == "某某市统计局"
    assert m.published == "2022-01-20"
    assert m.year == 2021


@pytest.mark.parametrize(
    "text,iso",
    [
        ("2022年1月26日", "2022-01-26"),
        ("2022 年 01 月 26 日", "2022-01-26"),
        ("2022-01-26", "2022-01-26"),
        ("二〇二二年一月二十六日", "2022-01-26"),
        ("二○二一年十二月三十一日", "2021-12-31"),
        ("2022年2月30日", None),
        ("截至2022年1月26日", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_date_from_web_page_head() -> None:
    m = meta("发布日期：2022-03-01\n某局2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n")
    assert m.published == "2022-03-01"


def test_year_from_text_when_title_has_none() -> None:
    m = meta("政府信息公开工作年度报告\n一、总体情况\n2021年，我局共主动公开信息52条。2021年……\n")
    assert m.year == 2021


def test_signature_and_date_on_one_line() -> None:
    m = meta("2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n某某市统计局   2022年1月20日\n")
    assert (m.signed_by, m.published, m.agency) == ("某某市统计局", "2022-01-20", "某某市统计局")


@pytest.mark.parametrize(
    "line",
    [
        "定》）和《关于印发中华人民共和国政府信息公开工作年度报告",  # a wrapped line of a crawler's dump
        "关于印发某某县自然资源局2021年度政府信息公开工作年度报告的通知",
        "本机关2021年度政府信息公开工作年度报告如下",
        "为进一步做好2021年度政府信息公开工作年度报告",
        "下面是某某县自然资源局2021年度政府信息公开工作年度报告",
        "现将某某县自然资源局2021年度政府信息公开工作年度报告",
        "就2021年度政府信息公开工作年度报告",
        "）编制了2021年度政府信息公开工作年度报告",
        "附件：某某县自然资源局2021年度政府信息公开工作年度报告",
    ],
)
def test_a_piece_of_a_sentence_is_never_the_title(line: str) -> None:
    m = meta(line + "\n一、总体情况\n正文。\n\n某某市统计局\n2022年1月20日\n")
    assert m.title is None
    assert m.agency == "某某市统计局"  # from the signature, as when the title names no body


def test_a_title_broken_at_a_fixed_width_is_joined() -> None:
    m = meta("某某县自然资源局2021年度政府信息公开工\n作年度报告\n一、总体情况\n正文。\n")
    assert m.title == "某某县自然资源局2021年度政府信息公开工作年度报告"
    assert m.agency == "某某县自然资源局"


def test_a_web_pages_title_when_the_page_shows_none() -> None:
    page = (
        "<html><head><title>某某市司法局2023年度政府信息公开工作年度报告_某某市人民政府</title></head>"
        "<body><p>一、总体情况</p><p>正文。</p><p>某某市司法局</p><p>2024年1月20日</p></body></html>"
    )
    m = gongkai.convert(page.encode(), name="x.html").meta
    assert m.title == "某某市司法局2023年度政府信息公开工作年度报告"
    assert (m.agency, m.year) == ("某某市司法局", 2023)
