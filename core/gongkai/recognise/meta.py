"""Title, issuing body, report year and publication date.

The title is the first lines up to "报告" (a PDF may break it anywhere);
the issuing body is what the title names around the year, else the
signature above the closing date; the publication date is that closing
date, in Arabic or Chinese numerals.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from gongkai.labels import simplified
from gongkai.model import Meta
from gongkai.recognise.rows import DocRow

MAX_TITLE_SEARCH = 60  # lines from the top; a web page may put navigation and an index above the title
MAX_SIGNATURE_SEARCH = 30  # lines from the end; a web page may put its footer below the signature
MAX_TITLE = 80
_SUBJECT = re.compile(r"信息公开|政务公开")
# A sentence, or a piece of one, that names the report: never its title.
_PROSE = re.compile(
    r"^(?:根据|按照|本报告|依据|现将|特此|附件|下面|以下|就|从而|所以|因此|因而|于是|同时|另外|综上|通过|"
    r"本机关|本单位|我局|我单位|我委|我办|我区|我县|我市|"
    r"为(?:进一步|了|做好|全面|切实|深入|贯彻|认真|加强|推进|规范))"
)
# A title ends with 报告, perhaps with a note in brackets: "…报告（摘要）"; never "…报告的通知", "…报告如下".
_ENDS_TITLE = re.compile(r"报告(?:[（(][^（）()]{1,12}[）)])?$")
_QUOTES = "“”\"'‘’「」『』"
_STARTS_BARE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(?:政府信息公开|政务公开|信息公开|年度|工作年度)")
_NOT_TITLE = re.compile(r"[：:>|。，,；;]")
# A title cites no other document, and does not begin where a phrase ends.
_CITES = re.compile(r"[《》〈〉]")
_FRAGMENT_START = re.compile(r"^[》〉）)」』】、，。；：！？.,;:!?的与及或等]")  # not 和: 和平区, 和田
MAX_TITLE_TAIL = 12  # the end of a title broken onto the next line is short
# "XX局2021年政府信息公开工作年度报告_XX市人民政府", "… - XX网", "…｜XX门户"
_SITE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|\s[-－—–]+\s|——|--)\s*")
_WORD_PREFIX = re.compile(r"^\s*Microsoft\s+Word\s*-\s*", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.(?:docx?|wps|pdf|html?)$", re.IGNORECASE)
_NAME = re.compile(r"^[^。，,；;：:\s]{2,30}$")  # a signature: a short name, no sentence punctuation
_DATE_AT_END = re.compile(r"\s((?:\d{4}|[〇○零O０一二三四五六七八九]{4})\s*年.{1,6}月.{1,6}日)\s*$")
_CN_YEAR = re.compile(r"([〇○零O０一二三四五六七八九]{4})年")
_WEB_DATE = re.compile(
    r"(?:发布|成文|印发)(?:日期|时间)[:：]\s*(\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?)"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:度)?")
_TITLE_TAIL = re.compile(r"(?:关于)?(?:本?年度)?(?:政府信息公开|政务公开|信息公开).*$")
_LEAD = re.compile(r"^(?:关于)")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "０": 0}
_DATE = re.compile(r"^\s*(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?\s*$")
_CN_DATE = re.compile(
    r"^\s*([〇○零O０一二三四五六七八九]{4}|\d{4})\s*年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日\s*$"
)


def read_meta(rows: list[DocRow], declared: str | None = None) -> Meta:
    """The metadata the text shows; `declared` is the title the file declares (a web page's <title>)."""
    prose = [
        arabic_years(simplified(r.labels[0].text.strip()))
        for r in rows
        if len(r.labels) == 1 and not r.is_data and r.labels[0].text.strip()
    ]
    title = _title(prose) or _declared_title(declared)
    meta = Meta(title=title)
    if title:
        meta.agency = _agency_from_title(title)
        years = _YEAR.findall(title)
        meta.year = int(years[0]) if years else None
    meta.signed_by, meta.published = _signature(prose)
    meta.published = meta.published or _web_date([simplified(r.text) for r in rows[:MAX_TITLE_SEARCH]])
    if not meta.agency:
        meta.agency = meta.signed_by
    if meta.year is None:
        meta.year = _year_from_text(prose, meta.published)
    return meta


def arabic_years(text: str) -> str:
    """ "二〇二一年" → "2021年", so one pattern finds every year."""
    return _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(1)) + "年", text)


def _title(prose: list[str]) -> str | None:
    """The first line naming a report on information disclosure, with its broken-off start or end."""
    lines = [re.sub(r"\s+", "", line).strip(_QUOTES) for line in prose[:MAX_TITLE_SEARCH]]
    for n, line in enumerate(lines):
        title = line
        after = lines[n + 1] if n + 1 < len(lines) else ""
        if "报告" not in title[-8:] and len(after) <= MAX_TITLE_TAIL and (title + after).endswith("报告"):
            title += after  # "……年度报" / "告": a PDF or a fixed-width dump broke the title inside a word
        if not looks_like_title(title):
            continue
        prev = lines[n - 1] if n else ""
        if _STARTS_BARE.match(title) and prev and len(prev) <= 30 and looks_like_start(prev):
            title = prev + title  # "2020 年沂源县工信局" / "政府信息公开工作年度报告"
        return title
    return None


def looks_like_title(text: str) -> bool:
    """A report's title: it names a report on disclosure, and it is no sentence and no piece of one."""
    return (
        bool(_ENDS_TITLE.search(text))
        and bool(_SUBJECT.search(text))
        and len(text) <= MAX_TITLE
        and not _PROSE.match(text)
        and looks_like_start(text)
    )


def looks_like_start(text: str) -> bool:
    """Text that can open a title: no sentence punctuation, no cited document, not the tail of a phrase."""
    return not _NOT_TITLE.search(text) and not _CITES.search(text) and not _FRAGMENT_START.match(text)


def _declared_title(declared: str | None) -> str | None:
    """The file's declared title, once a site's name after a separator (or Word's prefix) is cut off."""
    if not declared:
        return None
    text = arabic_years(simplified(declared))
    for part in _SITE_SEPARATOR.split(_WORD_PREFIX.sub("", text)):
        part = re.sub(r"\s+", "", part)
        part = _FILE_SUFFIX.sub("", part)
        if looks_like_title(part):
            return part
    return None


def _agency_from_title(title: str) -> str | None:
    m = _YEAR.search(title)
    if not m:
        return _TITLE_TAIL.sub("", title) or None
    before = _LEAD.sub("", title[: m.start()])
    before = re.sub(r"关于$", "", _TITLE_TAIL.sub("", before))
    if before:
        return before
    after = _TITLE_TAIL.sub("", title[m.end() :])
    return after or None


def parse_date(text: str) -> str | None:
    """ "2022年1月26日", "2022-01-26", "二〇二二年一月二十六日" → "2022-01-26"."""
    m = _DATE.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        c = _CN_DATE.match(text)
        if not c:
            return None
        y = int(arabic_years(c.group(1) + "年")[:-1])
        mo, d = _cn_number(c.group(2)), _cn_number(c.group(3))
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _cn_number(text: str) -> int:
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _signature(prose: list[str]) -> tuple[str | None, str | None]:
    """The date closing the report and the name just above it."""
    tail = prose[-MAX_SIGNATURE_SEARCH:]
    for i in range(len(tail) - 1, -1, -1):
        published = parse_date(tail[i])
        if published:
            above = tail[i - 1] if i > 0 else ""
            return (above if _NAME.match(above) else None), published
        glued = _DATE_AT_END.search(tail[i])  # "某某局  2022年1月26日" on one line
        if glued and _NAME.match(tail[i][: glued.start()].strip()):
            published = parse_date(glued.group(1))
            if published:
                return tail[i][: glued.start()].strip(), published
    return None, None


def _web_date(lines: list[str]) -> str | None:
    """ "发布日期：2022-01-26" in the page head of a report published on a website (a line or a table row)."""
    for line in lines:
        m = _WEB_DATE.search(line)
        if m:
            return parse_date(m.group(1))
    return None


def _year_from_text(prose: list[str], published: str | None) -> int | None:
    years = Counter(int(y) for line in prose for y in _YEAR.findall(line))
    if years:
        return years.most_common(1)[0][0]
    return int(published[:4]) - 1 if published else None
