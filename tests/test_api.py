"""The Python API: one document from a path, bytes or a file object; many without raising."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import gongkai
from conftest import SEEDS, expected_for
from gongkai.api import load_input


def test_convert_path_bytes_and_file_object_agree() -> None:
    seed = SEEDS[0]
    from_path = gongkai.convert(seed)
    from_bytes = gongkai.convert(seed.read_bytes())
    with seed.open("rb") as f:
        from_file = gongkai.convert(f)
    assert from_path.values() == from_bytes.values() == from_file.values() == expected_for(seed)["tables"]
    assert from_path.source.sha256 == from_bytes.source.sha256
    assert from_path.source.format == "txt" and from_path.source.encoding == "utf-8"
    assert from_path.source.path == str(seed)


def test_source_records_sha256_and_size() -> None:
    import hashlib

    data = SEEDS[1].read_bytes()
    report = gongkai.convert(data)
    assert report.source.sha256 == hashlib.sha256(data).hexdigest()
    assert report.source.size == len(data)


def test_encoding_override() -> None:
    data = SEEDS[4].read_text("utf-8").encode("gb18030")
    assert gongkai.convert(data, encoding="gb18030").values() == expected_for(SEEDS[4])["tables"]
    with pytest.raises(gongkai.ReadError):
        gongkai.convert(data, encoding="utf-8")


def test_bad_inputs_raise_one_line_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(gongkai.ReadError, match="empty"):
        gongkai.convert(empty)
    with pytest.raises(gongkai.ReadError, match=r"^not a picture that can be read \(cannot identify image file\)$"):
        gongkai.convert(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), name="x.txt")  # PNG bytes
    with pytest.raises(gongkai.ReadError, match="binary"):
        gongkai.convert(b"\x00\x01\x02\x03" + bytes(range(256)), name="x.txt")
    with pytest.raises(gongkai.NoReaderError):
        gongkai.convert(bytes(range(256)) * 4, name="x.bin")
    with pytest.raises(gongkai.ReadError, match="too large"):
        gongkai.convert(SEEDS[0], max_bytes=100)
    with pytest.raises(gongkai.ReadError):
        gongkai.convert(tmp_path / "missing.txt")


def test_load_input_limits_file_objects() -> None:
    with pytest.raises(gongkai.ReadError):
        load_input(io.BytesIO(b"x" * 11), max_bytes=10)


def test_convert_many_yields_one_result_per_input(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02" * 50)
    notice = tmp_path / "notice.txt"
    notice.write_text("关于放假的通知\n各科室：国庆节放假七天。\n", "utf-8")
    results = list(gongkai.convert_many([SEEDS[0], junk, notice, tmp_path / "missing.txt", SEEDS[3].read_bytes()]))
    assert [r.status for r in results] == ["ok", "failed", "no_tables", "failed", "ok"]
    assert results[1].error and "binary" in results[1].error
    assert results[0].report is not None and results[0].report.values() == expected_for(SEEDS[0])["tables"]
    assert results[4].name == "<input 5>"


def test_dumps_uses_the_json_writer() -> None:
    data = gongkai.dumps(gongkai.convert(SEEDS[0]), "json")
    assert "成武县工业和信息化局".encode() in data
