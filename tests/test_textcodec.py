"""decode_text on the real seeds re-encoded, on snippets cut from them, and on junk."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest

from gongkai.errors import ReadError
from gongkai.textcodec import check_encoding, decode_text

SEEDS = sorted((Path(__file__).parent.parent / "fixtures" / "seeds").glob("*.txt"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SEEDS}

# Real phrases of a Taiwanese/Hong Kong style report, in traditional characters.
TRADITIONAL = (
    "政府資訊公開工作年度報告\n一、總體情況\n根據《政府資訊公開條例》，本機關認真做好政府資訊公開工作。\n"
    "二、主動公開政府資訊情況\n三、收到和處理政府資訊公開申請情況\n（三）不予公開\t1.屬於國家秘密\t0\t0\n"
    "四、政府資訊公開行政復議、行政訴訟情況\n結果維持\t結果糾正\t其他結果\t尚未審結\t總計\n"
    "五、存在的主要問題及改進情況\n本機關不掌握相關政府資訊。申請人逾期未按收費通知要求繳納費用。\n"
)

# How each encoding is reported when detected.
DETECTED = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "gb18030": "gb18030",
    "gbk": "gb18030",
}


def test_seeds_exist() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
@pytest.mark.parametrize("seed", sorted(TEXTS))
def test_seed_reencoded_decodes_to_the_same_text(seed: str, encoding: str) -> None:
    text = TEXTS[seed]
    assert decode_text(text.encode(encoding)) == (text, DETECTED[encoding])


def _snippets(encoding: str, per_seed: int = 150) -> list[tuple[str, bytes]]:
    """Snippets cut at character boundaries whose encoding is 8 to 256 bytes long."""
    rng = random.Random(f"{encoding}-snippets")
    out = []
    for text in TEXTS.values():
        found = 0
        while found < per_seed:
            n = rng.randint(2, 128)
            start = rng.randrange(len(text) - n)
            snippet = text[start : start + n]
            try:
                data = snippet.encode(encoding)
            except UnicodeEncodeError:  # GBK lacks a few characters of the OCR'd seed
                continue
            if 8 <= len(data) <= 256 and snippet.strip():
                out.append((snippet, data))
                found += 1
    return out


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_snippets_decode_right(encoding: str) -> None:
    wrong = [(s, decode_text(data)) for s, data in _snippets(encoding) if decode_text(data)[0] != s]
    assert not wrong, wrong[:3]


def test_short_gbk_snippet_that_is_also_valid_utf8() -> None:
    # "息" in GBK is CF A2, valid UTF-8 for the Coptic "Ϣ"; Chinese in UTF-8 has 3-byte characters.
    data = "息\n\t0\n\t0\n\t0\n".encode("gbk")
    assert data.decode("utf-8") == "Ϣ\n\t0\n\t0\n\t0\n"
    assert decode_text(data) == ("息\n\t0\n\t0\n\t0\n", "gb18030")


def test_utf8_latin_text_stays_utf8() -> None:
    assert decode_text("Année 2021\u00a0: rapport".encode()) == ("Année 2021\u00a0: rapport", "utf-8")


@pytest.mark.parametrize("phrase", [*TRADITIONAL.splitlines(), TRADITIONAL])
def test_big5_traditional_text(phrase: str) -> None:
    data = phrase.encode("big5")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    data.decode("gb18030")  # the trap: Big5 bytes are valid GB18030 too
    text, name = decode_text(data)
    assert text == phrase
    assert name in ("big5", "cp950")


def test_big5_snippets() -> None:
    rng = random.Random("big5")
    for _ in range(300):
        n = rng.randint(4, 100)
        start = rng.randrange(len(TRADITIONAL) - n)
        snippet = TRADITIONAL[start : start + n]
        if snippet.strip():
            assert decode_text(snippet.encode("big5"))[0] == snippet


def test_traditional_text_in_gbk_is_gb18030() -> None:
    assert decode_text(TRADITIONAL.encode("gbk")) == (TRADITIONAL, "gb18030")


def test_encoding_override() -> None:
    text = TEXTS[SEEDS[1].name]
    assert decode_text(text.encode("gb18030"), "GB18030") == (text, "gb18030")
    assert decode_text(TRADITIONAL.encode("big5"), "big5") == (TRADITIONAL, "big5")
    # forced, a codec is used even where detection would not choose it
    assert decode_text("規章".encode("big5"), "latin-1")[1] == "iso8859-1"


def test_wrong_override_names_encoding_and_offset() -> None:
    data = "总体情况".encode("gbk")
    with pytest.raises(ReadError, match=r"utf-8.*offset 0"):
        decode_text(data, "utf-8")
    with pytest.raises(ReadError, match="offset 2"):
        decode_text(b"ab" + "規章".encode("big5"), "ascii")


def test_unknown_override() -> None:
    with pytest.raises(ReadError, match="^unknown text encoding 'no-such-codec'$"):
        decode_text(b"abc", "no-such-codec")


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf", b"\xff\xfe", "\u3000\u3000\n".encode(), b"\xef\xbb\xbf \n"]
)
def test_empty(data: bytes) -> None:
    with pytest.raises(ReadError, match="^empty file$"):
        decode_text(data)


def test_binary_with_nul_bytes() -> None:
    with pytest.raises(ReadError, match=r"binary data, not text \(NUL bytes at offset 0\)"):
        decode_text(bytes(range(256)) * 10)
    with pytest.raises(ReadError, match="NUL bytes at offset 13"):
        decode_text("年度报告 ".encode() + b"\x00\x01\x02" + "公开".encode())


def test_png() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(2).randbytes(1000)
    with pytest.raises(ReadError, match="binary data, not text"):
        decode_text(png)


def test_binary_without_nul_bytes() -> None:
    junk = bytes(b for b in random.Random(3).randbytes(2000) if b)
    with pytest.raises(ReadError, match="binary data, not text .*control characters"):
        decode_text(junk)
    with pytest.raises(ReadError, match="not text in a known encoding"):
        decode_text(bytes(range(0x80, 0x100)) * 4)


def test_control_characters_in_utf16() -> None:
    with pytest.raises(ReadError, match="binary data"):
        decode_text(("\x01\x02\x03abc" * 20).encode("utf-16"))


def test_a_few_stray_controls_are_tolerated() -> None:
    text = TEXTS[SEEDS[0].name] + "\f\x1a"
    assert decode_text(text.encode("gb18030"))[0] == text


def test_newlines_normalised() -> None:
    assert decode_text("第一行\r\n第二行\r第三行\n".encode("gbk")) == ("第一行\n第二行\n第三行\n", "gb18030")
    assert decode_text("a\r\nb".encode("utf-16")) == ("a\nb", "utf-16")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16", "big5"])
def test_partial_head_cut_inside_a_character(encoding: str) -> None:
    text = TRADITIONAL if encoding == "big5" else TEXTS[SEEDS[0].name]
    data = text.encode(encoding)
    cut = next(i for i in range(101, 200) if not _boundary(text, encoding, data[:i]))
    head, _ = decode_text(data[:cut], partial=True)
    assert text.startswith(head)
    assert len(head) > 20


def _boundary(text: str, encoding: str, head: bytes) -> bool:
    try:
        return text.startswith(head.decode(encoding))
    except UnicodeDecodeError:
        return False


@pytest.mark.parametrize(
    ("name", "codec"), [("GBK", "gbk"), ("utf8", "utf-8"), ("Big5", "big5"), ("latin-1", "iso8859-1")]
)
def test_check_encoding_names_the_codec(name: str, codec: str) -> None:
    assert check_encoding(name) == codec


@pytest.mark.parametrize("name", ["rot13", "rot_13", "base64", "zlib", "hex", "bz2", "uu", "quopri", "undefined"])
def test_a_codec_that_is_no_text_encoding_is_refused(name: str) -> None:
    with pytest.raises(ReadError) as caught:
        check_encoding(name)
    assert str(caught.value) == f"not a text encoding: {name!r}"
    with pytest.raises(
        ReadError
    ) as caught:  # before: "LookupError: 'rot-13' is not a text encoding; use codecs.decode()"
        decode_text(b"hello", name)
    assert str(caught.value) == f"not a text encoding: {name!r}"


@pytest.mark.parametrize("name", ["bogus", "", "utf-8\x00", "x" * 100])
def test_an_unknown_encoding_is_refused(name: str) -> None:
    with pytest.raises(ReadError) as caught:
        check_encoding(name)
    shown = repr(name) if len(name) <= 40 else repr(name[:40]) + "…"
    assert str(caught.value) == f"unknown text encoding {shown}"


def test_a_codec_failing_without_saying_where_is_a_read_error() -> None:
    """punycode raises a bare UnicodeError, which is no UnicodeDecodeError (before: it escaped)."""
    with pytest.raises(ReadError, match=r"^not valid punycode text: undecodable bytes at offset 0$"):
        decode_text(b"hello world", "punycode")


def test_chardet_unsure_of_both_says_nothing_on_stderr() -> None:
    """A page cut after 26 bytes: chardet warned that neither encoding fits (found by fuzzing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text, _ = decode_text(b"<!\xf2OCTYPE ht-l>\n|html`lang")
    assert text.endswith("|html`lang")
