"""The txt reader on the real seeds: tab rows, docx-style cell lines, encodings, sniffing."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import gongkai
import gongkai_txt
from gongkai.errors import ReadError
from gongkai.hookspecs import Document, Reader
from gongkai.layout import Layout, Line
from gongkai_txt import TxtReader

SEEDS = {p.name[:3]: p for p in sorted((Path(__file__).parent.parent / "fixtures" / "seeds").glob("*.txt"))}
READER = TxtReader()


def read(data: bytes, name: str | None = "report.txt", **options: str) -> Layout:
    return READER.read(Document(data=data, name=name, options=options))


def seed(key: str) -> Layout:
    return read(SEEDS[key].read_bytes())


def texts(layout: Layout) -> list[list[str]]:
    return [[p.text for p in block.cells] for block in layout.blocks if isinstance(block, Line)]


def line_at(layout: Layout, number: int) -> list[str]:
    """The cell texts of the Line that starts on source line `number`."""
    for block in layout.blocks:
        if isinstance(block, Line) and block.cells and block.where.line == number:
            return [p.text for p in block.cells]
    raise AssertionError(f"no Line starts on line {number}")


def test_plugin_registers_the_reader() -> None:
    registered: list[Reader] = []
    gongkai_txt.gongkai_readers(register=registered.append)
    assert [r.name for r in registered] == ["txt"]
    assert isinstance(registered[0], Reader)
    assert registered[0].extensions == (".txt", ".text", ".md", ".markdown")


def test_layout_header() -> None:
    layout = seed("000")
    assert (layout.format, layout.encoding) == ("txt", "utf-8")
    assert all(isinstance(b, Line) for b in layout.blocks)


def test_docx_style_row_gathered_into_one_line() -> None:
    row = line_at(seed("000"), 112)
    assert row == ["", "（三）不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"]
    assert [t for t in row if t][1:] == ["1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"]


def test_docx_style_pieces_keep_their_own_line_numbers() -> None:
    block = next(b for b in seed("000").blocks if isinstance(b, Line) and b.where.line == 112)
    assert [(p.where.line, p.where.col) for p in block.cells] == [(112 + i, i) for i in range(10)]


def test_cell_continued_on_the_next_line_is_joined() -> None:
    layout = seed("004")
    assert line_at(layout, 13) == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert line_at(seed("000"), 63) == [
        "",
        "",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "",
    ]
    assert line_at(seed("000"), 345) == [
        "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"
    ]  # fmt: skip


def test_empty_cell_lines_are_empty_pieces() -> None:
    assert line_at(seed("004"), 92) == ["", "自然人", "法人或其他组织", "总计"]


def test_tab_rows_keep_empty_cells() -> None:
    layout = seed("001")
    assert line_at(layout, 21) == ["第二十条第(一)项", "", "", ""]
    assert line_at(layout, 27) == ["行政许可", "0", "", ""]
    assert line_at(layout, 45) == ["", "(三) 不予公开", "1.属于国家秘密", "", "", "", "", "", "0"]
    assert line_at(layout, 73) == ["0"] * 15


def test_bookmark_debris_removed() -> None:
    layout = seed("004")
    assert not any("bookmark" in t for row in texts(layout) for t in row)
    assert line_at(layout, 106)[0] == "一、本年新收政府信息公开申请数量"


def test_prose_lines_are_one_cell() -> None:
    layout = seed("000")
    assert line_at(layout, 1) == ["成武县工业和信息化局2021年度政府信息公开工作年度报告"]
    assert line_at(layout, 54) == ["三、收到和处理政府信息公开申请情况"]
    assert line_at(layout, 412) == ["2022年1月26日"]


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_blank_lines_are_empty_lines(key: str) -> None:
    source = SEEDS[key].read_text(encoding="utf-8").split("\n")[:-1]
    assert sum(1 for b in seed(key).blocks if isinstance(b, Line) and not b.cells) == source.count("")


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_where_points_at_the_source_line(key: str) -> None:
    source = SEEDS[key].read_text(encoding="utf-8").split("\n")
    for block in seed(key).blocks:
        assert isinstance(block, Line)
        one_line = len({p.where.line for p in block.cells}) == 1
        for piece in block.cells:
            assert piece.where.line is not None and piece.where.col is not None
            cells = re.sub(r"\[bookmark: [^\]]*\]", "", source[piece.where.line - 1]).split("\t")
            if one_line and len(block.cells) == len(cells):  # a tab row or prose
                assert piece.text == cells[piece.where.col]
            else:  # a docx-style cell, perhaps continued on the lines after it
                assert cells[0] == "" and piece.text.startswith(cells[1])


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
@pytest.mark.parametrize("key", sorted(SEEDS))
def test_reencoded_seed_gives_the_same_layout(key: str, encoding: str) -> None:
    expected = seed(key)
    data = SEEDS[key].read_text(encoding="utf-8").encode(encoding)
    layout = read(data)
    assert layout.encoding == encoding
    assert layout.blocks == expected.blocks  # texts and where


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_crlf_seed_gives_the_same_layout(key: str) -> None:
    data = SEEDS[key].read_bytes().replace(b"\n", b"\r\n")
    assert read(data).blocks == seed(key).blocks


def test_encoding_option_overrides_detection() -> None:
    data = SEEDS["001"].read_text(encoding="utf-8").encode("gbk")
    layout = read(data, encoding="gbk")
    assert layout.encoding == "gbk"
    assert texts(layout) == texts(seed("001"))
    with pytest.raises(ReadError, match="utf-8"):
        read(data, encoding="utf-8")


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ReadError, match="empty file"):
        read(data)


def test_binary_refused() -> None:
    with pytest.raises(ReadError, match="binary data, not text"):
        read(bytes(range(256)) * 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cell broken over lines, at the end of the file
        ("\t结果\n维持\n\t尚未\n审结", [["结果维持", "尚未审结"]]),
        # a heading right after a table is not a continuation
        ("\t0\n\t1\n五、存在的主要问题\n\t行政复议", [["0", "1"], ["五、存在的主要问题"], ["行政复议"]]),
        # nor is a long paragraph
        ("\t0\n" + "我局" * 30 + "\n\n", [["0"], ["我局" * 30], []]),
        # nor prose that goes on
        ("\t0\n一段\n又一段\n还有\n再一段\n", [["0"], ["一段"], ["又一段"], ["还有"], ["再一段"]]),
        # more than one tab makes a tab row, never a docx cell
        ("\t甲\n\t\t5.要求\n\t乙", [["甲"], ["", "", "5.要求"], ["乙"]]),
        # prose before a row is its own line
        ("二、主动公开\n\t信息内容\n\t\n", [["二、主动公开"], ["信息内容", ""]]),
        # a line of nothing but debris disappears; debris in a cell goes, the cell stays
        ("前\n[bookmark: _GoBack]\n\t[bookmark: x]\n\n后", [["前"], [""], [], ["后"]]),
    ],
)
def test_shapes(text: str, expected: list[list[str]]) -> None:
    assert texts(read(text.encode())) == expected


def test_sniff_text_and_binary() -> None:
    head = SEEDS["000"].read_bytes()[:65536]
    assert READER.sniff(head, None) == pytest.approx(0.5)
    assert READER.sniff(head, "REPORT.TXT") == pytest.approx(0.8)
    assert READER.sniff(head, "report.text") == pytest.approx(0.8)
    assert READER.sniff(head, "report.pdf") == pytest.approx(0.5)
    assert READER.sniff(bytes(range(256)) * 10, "x.txt") == 0
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(0).randbytes(1000)
    assert READER.sniff(png, "x.png") == 0
    assert READER.sniff(b"PK\x03\x04\x14\x00\x06\x00", "x.docx") == 0
    assert READER.sniff(b"", "x.txt") == 0


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_sniff_head_cut_inside_a_character(encoding: str) -> None:
    data = SEEDS["004"].read_text(encoding="utf-8").encode(encoding)
    for cut in range(100, 104):  # at least one of these cuts a character in two
        assert READER.sniff(data[:cut], None) > 0


# -- hostile texts: what the reader builds is bounded -------------------------------------------------


def test_one_line_of_megabytes_is_refused_before_any_line_is_made() -> None:
    """The review's text was one line of 50 MB (the recogniser ran past five minutes on it)."""
    data = ("前言\n" + "规章0" * 2_000_000 + "\n").encode("utf-8")
    with pytest.raises(ReadError) as caught:
        read(data)
    assert str(caught.value) == "line too long: line 2 has 6,000,000 characters, the limit is 100,000"
    with pytest.raises(ReadError, match=r"^line too long: line 2 has 6,000,000 characters"):
        gongkai.convert(data, name="dump.txt")


def test_a_line_at_the_limit_is_read() -> None:
    layout = read(("规章" * 50_000).encode("utf-8"))
    assert [len(cells[0]) for cells in texts(layout)] == [100_000]


def test_more_than_a_million_lines_are_refused() -> None:
    with pytest.raises(ReadError) as caught:
        read(b"\xe5\x89\x8d\xe8\xa8\x80" + b"\n" * 1_000_000 + b"x")
    assert str(caught.value) == "too many lines: 1,000,001, the limit is 1,000,000"


def test_pipe_tables_in_a_block_quote_read_as_the_same_tables() -> None:
    """Converters quote a table that stood in a text box: "> | 规章 | 0 | 0 | 0 |"."""
    path = Path(__file__).parent.parent / "fixtures" / "generated" / "md" / "md-01-clean-gov2021.md"
    plain = gongkai.convert(path)
    quoted = "\n".join(
        f"> {line}" if line.lstrip().startswith("|") else line for line in path.read_text("utf-8").split("\n")
    )
    report = gongkai.convert(quoted.encode("utf-8"), name="quoted.md")
    assert report.values() == plain.values() and report.meta == plain.meta
    assert (
        sum(v is not None for rows in report.values().values() for cols in rows.values() for v in cols.values()) > 150
    )
