"""The command line as a user meets it: outputs, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, expected_for
from gongkai.cli import EXIT_FAILED, EXIT_NO_READER, EXIT_OK, EXIT_USAGE, main


def gongkai(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def tables(path: Path) -> object:
    return json.loads(path.read_text("utf-8"), parse_float=Decimal)["tables"]


def test_convert_one_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["convert", str(SEEDS[2]), "-o", str(out)]) == EXIT_OK
    assert tables(out) == expected_for(SEEDS[2])["tables"]


def test_folder_in_gives_folder_out_with_same_names(tmp_path: Path) -> None:
    assert main(["convert", str(SEEDS[0].parent), "-o", str(tmp_path / "out")]) == EXIT_OK
    for seed in SEEDS:
        assert tables(tmp_path / "out" / (seed.stem + ".json")) == expected_for(seed)["tables"]


def test_stdin_to_stdout() -> None:
    done = gongkai("convert", "-", stdin=SEEDS[4].read_bytes())
    assert done.returncode == EXIT_OK, done.stderr
    assert json.loads(done.stdout, parse_float=Decimal)["tables"] == expected_for(SEEDS[4])["tables"]


def test_bad_inputs_in_a_batch(tmp_path: Path) -> None:
    """Empty, binary named .txt, not a report, missing: one line each, the rest converted, exit 1."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (src / "notice.txt").write_text("关于放假的通知\n国庆节放假七天。\n", "utf-8")
    (src / "good.txt").write_bytes(SEEDS[1].read_bytes())
    done = gongkai("convert", str(src), str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out"))
    assert done.returncode == EXIT_FAILED
    errors = done.stderr.decode().strip().splitlines()
    assert len(errors) == 5  # four failures and the summary line
    assert all(line.startswith("gongkai: ") for line in errors)
    assert "Traceback" not in done.stderr.decode()
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt: binary data" in e for e in errors)
    assert any("notice.txt: no report tables found" in e for e in errors)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".gongkai-manifest.jsonl", "good.json"]


def test_no_reader_exit_code(tmp_path: Path) -> None:
    odd = tmp_path / "scan.xyz"
    odd.write_bytes(bytes(range(256)) * 8)
    done = gongkai("convert", str(odd), "-o", str(tmp_path / "x.json"))
    assert done.returncode == EXIT_NO_READER
    assert done.stderr.decode().strip() == f"gongkai: {odd}: no installed reader recognises '.xyz' files"
    assert not (tmp_path / "x.json").exists()


def test_failed_single_input_leaves_no_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out.json"
    assert main(["convert", str(bad), "-o", str(out)]) == EXIT_FAILED
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize(
    "args",
    [
        ["convert"],
        ["convert", "x.txt", "--to", "nonesuch"],
        ["convert", str(SEEDS[0]), "-o", "out.unknown"],
        ["frobnicate"],
    ],
)
def test_usage_errors(args: list[str]) -> None:
    done = gongkai(*args)
    assert done.returncode == EXIT_USAGE
    assert "Traceback" not in done.stderr.decode()


def test_many_inputs_to_one_json_file_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["convert", str(SEEDS[0]), str(SEEDS[1]), "-o", str(tmp_path / "x.json")]) == EXIT_USAGE


def test_many_inputs_to_json_lines(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert main(["convert", *map(str, SEEDS), "-o", str(out)]) == EXIT_OK
    lines = out.read_text("utf-8").splitlines()
    assert [json.loads(line, parse_float=Decimal)["tables"] for line in lines] == [
        expected_for(s)["tables"] for s in SEEDS
    ]


def test_colliding_names_do_not_overwrite(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(SEEDS[0].read_bytes())
    (src / "a.text").write_bytes(SEEDS[3].read_bytes())
    assert main(["convert", str(src), "-o", str(tmp_path / "out")]) == EXIT_OK
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".gongkai-manifest.jsonl",
        "a.text.json",
        "a.txt.json",
    ]


def test_check_shows_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEEDS[1])]) == EXIT_OK
    out = capsys.readouterr().out
    assert "gov-2021" in out and "43 derived" in out
    assert (
        "[aligned_right] 「（一）予以公开」 applications.granted: total=0; confirmed by applications.outcomes_sum"
        in out
    )
    assert "applications.balance: 7 passed, 0 failed, 0 not checkable" in out


def test_plugins_lists_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "gongkai.txt" in out and "readers: txt" in out
    assert "templates: gov-2019, gov-2021" in out
    assert "writers: json, jsonl" in out


def test_folder_in_to_a_data_set_file(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert main(["convert", str(SEEDS[0].parent), "-o", str(out)]) == EXIT_OK
    assert len(out.read_text("utf-8").splitlines()) == len(SEEDS)


def test_folder_in_to_one_json_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SEEDS[0].parent), "-o", str(tmp_path / "x.json")]) == EXIT_USAGE
    assert "need -o FOLDER/ or a data-set format" in capsys.readouterr().err


def test_writer_options_and_data_sets(tmp_path: Path) -> None:
    wide = tmp_path / "panel.wide.csv"
    assert main(["convert", str(SEEDS[0].parent), "-o", str(wide)]) == EXIT_OK
    lines = wide.read_text("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(SEEDS) and lines[0].startswith("report,source,sha256")
    long = tmp_path / "one.csv"
    assert main(["convert", str(SEEDS[0]), "-o", str(long), "-O", "bom=0", "-O", "labels=1"]) == EXIT_OK
    assert long.read_bytes().startswith(b"report,") and "本年制发件数" in long.read_text("utf-8")
    assert main(["convert", str(SEEDS[0]), "-o", str(tmp_path / "x.csv"), "-O", "nonsense=1"]) == EXIT_USAGE
    assert not (tmp_path / "x.csv").exists()


def test_reader_option_reaches_the_reader(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["convert", str(SEEDS[3]), "-o", str(out), "-R", "encoding=utf-8"]) == EXIT_OK
    assert tables(out) == expected_for(SEEDS[3])["tables"]
