"""Inputs made from nothing: text-like reports and HTML-like trees, out of the templates' own labels.

Both return `(data, name, reader)` for `gongkai.convert(data, name=name, reader=reader)`.
"""

from __future__ import annotations

import functools
from html import escape

from fuzzing.choose import Chooser
from gongkai.forms import FORMS

Case = tuple[bytes, str | None, str | None]


@functools.cache
def labels() -> dict[str, tuple[str, ...]]:
    """The built-in templates' headings, column labels, row labels and row groups."""
    found: dict[str, dict[str, None]] = {"heading": {}, "column": {}, "row": {}, "group": {}}
    for tables in FORMS.values():
        for _tid, heading, columns, rows in tables:
            found["heading"][heading] = None
            for _cid, label in columns:
                found["column"][label] = None
            for _rid, label, group, _cols in rows:
                found["row"][label] = None
                if group:
                    found["group"][group] = None
    return {kind: tuple(values) for kind, values in found.items()}


NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "（一）", "（二）", "(三)", "1.", "2、", "")
SEPARATORS = ("\t", " ", "  ", "\t\t", "|", " | ", "", "　", ",", "\t \t", " \u00a0")
FIGURES = (
    "0", "1", "7", "12", "305", "1,234", "12,345,678", "-3", "−2", "+4", "1.5", "0.00", ".5", "5.", "00012",
    "１２", "３０５", "٣", "Ⅻ", "一百", "—", "-", "/", "无", "／", "", " ", "12万", "1e5", "NaN", "∞", "½",
    "9" * 19, "9" * 40, "1" * 400, "10%", "(12)", "（3）", "3件", "2021年",
)  # fmt: skip
CONTROLS = (
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\u0085",
    "\u2028",
    "\u200b",
    "\ufeff",
    "\r",
    "\ud800",
)
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "mixed")
TEXT_NAMES = ("report.txt", "报告.md", None, "report", "x.TXT", "a.html", "b.pdf", "c.docx", "d.markdown")
READERS = (None, None, None, "txt", "html", "docx", "pdf")


def figure(c: Chooser) -> str:
    if c.chance(0.6):
        return str(c.integer(0, 10 ** c.integer(1, 6)))
    return c.choice(FIGURES)


def encode(c: Chooser, text: str) -> bytes:
    encoding = c.choice(ENCODINGS)
    if encoding == "mixed":  # each line in its own encoding: a page pasted together from two sources
        return b"\n".join(line.encode(c.choice(("utf-8", "gb18030", "big5")), "replace") for line in text.split("\n"))
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


def _sprinkle(c: Chooser, text: str, pool: tuple[str, ...], most: int) -> str:
    for _ in range(c.integer(0, most)):
        at = c.integer(0, len(text))
        text = text[:at] + c.choice(pool) + text[at:]
    return text


def text_line(c: Chooser) -> str:
    words = labels()
    kind = c.choice(("row", "row", "row", "heading", "columns", "group", "pipe-row", "pipe-rule", "prose", "blank"))
    if kind == "heading":
        return c.choice(NUMERALS) + c.choice(("、", "", " ", ".")) + c.choice(words["heading"])
    if kind == "columns":
        sep = c.choice(SEPARATORS)
        return sep.join(c.choice(words["column"]) for _ in range(c.integer(1, 8)))
    if kind == "group":
        return c.choice(words["group"]) + c.choice(("", "\t", "|"))
    if kind == "pipe-rule":
        return "|" + "|".join(c.choice(("---", ":--", "--:", "", "-")) for _ in range(c.integer(0, 16))) + "|"
    if kind == "prose":
        return "，".join(c.choice(words["row"] + words["heading"]) + figure(c) for _ in range(c.integer(1, 6))) + "。"
    if kind == "blank":
        return c.choice(("", " ", "\t", "　"))
    label = c.choice(words["row"])
    if c.chance(0.2):  # a label broken by the extraction: spaces inside, or only a part of it
        at = c.integer(0, len(label))
        label = label[:at] + c.choice((" ", "\n", "\t", "")) + label[at:]
    figures = [figure(c) for _ in range(c.integer(0, 16))]
    if kind == "pipe-row":
        return "| " + " | ".join([label, *figures]) + " |"
    sep = c.choice(SEPARATORS)
    if c.chance(0.25):  # glued: the figures run together as one string of digits
        return label + c.choice(("", sep)) + "".join(figures)
    return sep.join([label, *figures])


def text_report(c: Chooser) -> Case:
    """A text dump of a report: a title, then random headings, column heads and rows of figures."""
    lines = [f"某某局{c.integer(1990, 2040)}年政府信息公开工作年度报告"] if c.chance(0.7) else []
    lines += [text_line(c) for _ in range(c.integer(0, 60))]
    text = "\n".join(lines)
    if c.chance(0.2):
        text = _sprinkle(c, text, CONTROLS, 4)
    if c.chance(0.1):
        text = text.replace("\n", c.choice(("\r\n", "\r", "\n\n", "\u2028")))
    return encode(c, text), c.choice(TEXT_NAMES), c.choice(READERS[:4])


# ---------------------------------------------------------------- HTML

SPANS = (
    "1", "2", "3", "0", "-1", "-2147483648", "2147483648", "4294967297", "99999999999999999999", "65534", "65535",
    "65536", "1000", "1001", "abc", "3px", " 2", "", "1e3", "٣", "２", "2.5", "+3", "0x10",
)  # fmt: skip
ENTITIES = (
    "&nbsp;", "&#12288;", "&#0;", "&#x0;", "&#xD800;", "&#x110000;", "&#99999999999;", "&bogus;", "&amp;",
    "&lt;td&gt;", "&#65533;", "&#8232;", "&#x3000;", "&#13;", "&#10;", "&", "&#", "&#x;", "&nbsp", "&shy;",
)  # fmt: skip
TAGS = ("div", "p", "span", "font", "b", "center", "section", "li", "a", "strong", "o:p", "td", "tr", "table")
CHARSETS = (None, "utf-8", "gbk", "gb2312", "big5", "utf-16", "iso-8859-1", "x-bogus", "windows-1252", "")
HTML_NAMES = ("page.html", "page.htm", None, "page.shtml", "page.txt", "page", "page.xhtml")


def cell_text(c: Chooser) -> str:
    words = labels()
    kind = c.choice(("figure", "row", "column", "entity", "empty", "mixed"))
    if kind == "figure":
        return escape(figure(c))
    if kind in ("row", "column"):
        return escape(c.choice(words[kind]))
    if kind == "entity":
        return c.choice(ENTITIES)
    if kind == "empty":
        return ""
    return escape(figure(c)) + c.choice(ENTITIES) + escape(c.choice(words["row"]))


def attrs(c: Chooser, cell: bool) -> str:
    out = []
    if cell and c.chance(0.4):
        out.append(f' rowspan="{c.choice(SPANS)}"')
    if cell and c.chance(0.4):
        out.append(f' colspan="{c.choice(SPANS)}"')
    if c.chance(0.1):
        out.append(c.choice((' style="display:none"', " hidden", ' style="visibility:hidden"', ' class="x"')))
    return "".join(out)


# A page holds at most this many cells and blocks in all, so that a page stays the size of a real one (tens of
# KB): without it, nesting multiplies into pages of megabytes, which test the speed of the recogniser, not
# the reader's robustness (the long run's blown-up copies do that on purpose).
PAGE_BUDGET = 600


def table(c: Chooser, depth: int, budget: list[int]) -> str:
    rows = []
    for _ in range(c.integer(0, 24)):
        cells = []
        for _ in range(c.integer(0, 14)):
            if budget[0] <= 0:
                break
            budget[0] -= 1
            tag = c.choice(("td", "td", "td", "th"))
            inner = node(c, depth + 1, budget) if depth < 6 and c.chance(0.08) else cell_text(c)
            close = f"</{tag}>" if c.chance(0.9) else ""
            cells.append(f"<{tag}{attrs(c, True)}>{inner}{close}")
        rows.append("<tr>" + "".join(cells) + ("</tr>" if c.chance(0.9) else ""))
    section = c.choice(("", "tbody", "thead"))
    body = "".join(rows)
    if section:
        body = f"<{section}>{body}</{section}>"
    return f"<table{attrs(c, False)}>{body}</table>"


def node(c: Chooser, depth: int, budget: list[int]) -> str:
    budget[0] -= 1
    kind = c.choice(("table", "table", "block", "text", "br", "script"))
    if kind == "table":
        return table(c, depth, budget)
    if kind == "text":
        return cell_text(c)
    if kind == "br":
        return "<br>"
    if kind == "script":
        return c.choice(("<script>var a='<td>1</td>';</script>", "<style>td{display:none}</style>", "<!-- <td> -->"))
    tag = c.choice(TAGS)
    inner = "".join(node(c, depth + 1, budget) for _ in range(c.integer(0, 4 if depth < 5 and budget[0] > 0 else 0)))
    return f"<{tag}{attrs(c, tag in ('td', 'th'))}>{cell_text(c)}{inner}</{tag}>"


def html_page(c: Chooser) -> Case:
    """A web page: nested blocks and tables with arbitrary spans and entities, in some charset."""
    charset = c.choice(CHARSETS)
    head = f'<meta charset="{charset}">' if charset is not None else ""
    title = f"<title>某某局{c.integer(1990, 2040)}年政府信息公开工作年度报告</title>" if c.chance(0.6) else ""
    budget = [PAGE_BUDGET]
    body = "".join(node(c, 0, budget) for _ in range(c.integer(0, 8)))
    if c.chance(0.1):  # nesting far deeper than any page: the walk must not overflow the stack
        tag, depth = c.choice(("div", "table", "span", "font")), c.choice((100, 300, 1000, 3000))
        open_, close = (f"<{tag}>", f"</{tag}>") if tag != "table" else ("<table><tr><td>", "</td></tr></table>")
        body = open_ * depth + body + close * depth
    doctype = c.choice(("<!DOCTYPE html>", "", '<?xml version="1.0" encoding="gbk"?>', "<!-- saved -->"))
    page = f"{doctype}<html><head>{head}{title}</head><body>{body}</body></html>"
    return encode(c, page), c.choice(HTML_NAMES), c.choice(READERS[:5])
