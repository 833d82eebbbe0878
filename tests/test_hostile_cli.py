"""Hostile and broken inputs at the command line: no lost source, no unbounded reading, no traceback.

Each test is a defect a security review found; each failed before its fix.
Conversions run in a subprocess where the defect is about the process
(names the interpreter cannot print, stdin, limits, signals).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS
from gongkai.cli import EXIT_FAILED, EXIT_NOTHING, EXIT_OK, EXIT_USAGE, main

SEED = SEEDS[1]


def gongkai(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args], cwd=cwd, input=stdin, capture_output=True, timeout=timeout
    )


def one_line_errors(stderr: bytes) -> None:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    assert all(line.startswith("gongkai: ") or line.startswith("usage:") or not line for line in text.splitlines()), (
        text
    )


# ---------------------------------------------------------------- 1. names that are not UTF-8


def test_a_file_name_that_is_not_utf8_does_not_stop_the_batch(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(SEED, src / "a.txt")
    bad = os.path.join(os.fsencode(src), b"\xb1\xa8.txt")  # 报 in GBK: a name from a Windows archive
    shutil.copyfile(SEED, bad)
    shutil.copyfile(SEED, src / "z.txt")
    done = gongkai("convert", str(src), "-o", str(tmp_path / "out") + "/", "--jobs", "1")
    one_line_errors(done.stderr)
    assert done.returncode == EXIT_OK, done.stderr
    outputs = sorted(os.listdir(os.fsencode(tmp_path / "out")))
    assert b"\xb1\xa8.json" in outputs and b"a.json" in outputs and b"z.json" in outputs
    report = json.loads((tmp_path / "out" / os.fsdecode(b"\xb1\xa8.json")).read_bytes())
    assert report["source"]["path"].endswith("\\xb1\\xa8.txt")  # escaped, and still the same bytes
    lines = [json.loads(x) for x in (tmp_path / "out" / ".gongkai-manifest.jsonl").read_text("utf-8").splitlines()]
    assert any(line["path"].endswith("\\xb1\\xa8.txt") and line["status"] == "ok" for line in lines)
    again = gongkai("convert", str(src), "-o", str(tmp_path / "out") + "/", "--jobs", "1")  # resumes: all done
    assert again.returncode == EXIT_OK and b"3 skipped" in again.stderr, again.stderr


# ---------------------------------------------------------------- 2. the source overwritten


def test_the_output_is_never_an_input(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    shutil.copyfile(SEED, report)
    before = report.read_bytes()
    done = gongkai("convert", str(report), "-o", str(report), "--to", "json")
    assert done.returncode == EXIT_USAGE and b"is one of the inputs" in done.stderr, done.stderr
    other = tmp_path / "b.txt"
    shutil.copyfile(SEED, other)
    done = gongkai("convert", str(report), str(other), "-o", str(other), "--to", "jsonl")
    assert done.returncode == EXIT_USAGE
    assert report.read_bytes() == before and other.read_bytes() == before


def test_the_output_folder_is_not_inside_the_input_folder(tmp_path: Path) -> None:
    same = tmp_path / "same"
    same.mkdir()
    shutil.copyfile(SEED, same / "r.txt")
    for out in (same, same / "out"):
        done = gongkai("convert", str(same), "-o", str(out) + "/")
        assert done.returncode == EXIT_USAGE and b"inside the input folder" in done.stderr, done.stderr
    assert sorted(p.name for p in same.iterdir()) == ["r.txt"]


# ---------------------------------------------------------------- 3. reading without bound


def test_a_device_or_fifo_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        done = gongkai("convert", path, "-o", str(tmp_path / "x.json"), timeout=60)
        assert done.returncode == EXIT_FAILED, done.stderr
        assert b"not a regular file" in done.stderr
        one_line_errors(done.stderr)


def test_stdin_is_read_up_to_the_limit_only(tmp_path: Path) -> None:
    env = {**os.environ, "GONGKAI_MAX_BYTES": str(1 << 20)}
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [sys.executable, "-m", "gongkai.cli", "convert", "-"], stdin=zero, capture_output=True, timeout=60, env=env
        )
    assert done.returncode == EXIT_FAILED and b"too large" in done.stderr, done.stderr


def test_a_file_refused_as_too_large_is_not_read_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:  # sparse: 3 GB on paper, nothing on disk
        f.truncate(3 << 30)
    shutil.copyfile(SEED, tmp_path / "ok.txt")
    env = {**os.environ, "GONGKAI_MAX_BYTES": str(1 << 20)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gongkai.cli",
            "convert",
            str(big),
            str(tmp_path / "ok.txt"),
            "-o",
            str(tmp_path / "o") + "/",
        ],
        capture_output=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == EXIT_FAILED and b"too large" in done.stderr, done.stderr


# ---------------------------------------------------------------- 6. output and manifest errors


def test_an_output_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    done = gongkai("convert", str(SEED), str(SEEDS[0]), "-o", str(file) + "/")
    assert done.returncode == EXIT_NOTHING, done.stderr
    one_line_errors(done.stderr)
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        done = gongkai("convert", str(SEED), str(SEEDS[0]), "-o", str(ro / "out") + "/")
        assert done.returncode == EXIT_NOTHING
        one_line_errors(done.stderr)


# ---------------------------------------------------------------- 8. writing outside the output folder


def test_a_glob_climbing_out_of_its_root_still_writes_inside_the_output(tmp_path: Path) -> None:
    (tmp_path / "in" / "x").mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.mkdir()
    shutil.copyfile(SEED, victim / "r.txt")
    out = tmp_path / "out"
    done = gongkai("convert", "in/*/../../victim/*.txt", "-o", "out/", cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    assert sorted(p.name for p in victim.iterdir()) == ["r.txt"]
    written = [p for p in out.rglob("*.json")]
    assert written and all(out.resolve() in p.resolve().parents for p in written)


# ---------------------------------------------------------------- 9. long names


def test_a_long_name_gets_its_output(tmp_path: Path) -> None:
    long = tmp_path / ("报" * 80 + ".txt")  # 244 bytes in UTF-8: legal, and so is its output's name
    shutil.copyfile(SEED, long)
    done = gongkai("convert", str(long), str(SEEDS[0]), "-o", str(tmp_path / "out") + "/")
    assert done.returncode == EXIT_OK, done.stderr
    assert (tmp_path / "out" / ("报" * 80 + ".json")).exists()


# ---------------------------------------------------------------- 10. codes and messages


@pytest.mark.parametrize("encoding", ["bogus", "rot13", "base64", "zlib"])
def test_an_encoding_that_is_not_a_text_encoding_is_a_usage_error(encoding: str, tmp_path: Path) -> None:
    done = gongkai("convert", str(SEED), "--encoding", encoding, "-o", str(tmp_path / "x.json"))
    assert done.returncode == EXIT_USAGE, done.stderr
    assert encoding.encode() in done.stderr
    one_line_errors(done.stderr)


def test_too_little_memory_says_memory_limit(tmp_path: Path) -> None:
    done = gongkai("convert", str(SEED), str(SEEDS[0]), "-o", str(tmp_path / "o") + "/", "--max-memory", "30")
    assert b"memory limit (30 MB)" in done.stderr, done.stderr
    assert b"no installed reader" not in done.stderr


# ---------------------------------------------------------------- 12. terminal injection


def test_control_characters_are_never_printed(tmp_path: Path) -> None:
    evil = tmp_path / "evil.txt"
    evil.write_bytes(b"\x1b[2J\x1b]0;pwned\x07" + SEED.read_bytes())
    named = tmp_path / "a\x1b[31mred\nline.txt"
    named.write_bytes(b"\x1b[2J")
    for args in (("check", str(evil)), ("convert", str(named), str(evil), "-o", str(tmp_path / "o") + "/")):
        done = gongkai(*args)
        assert b"\x1b" not in done.stdout + done.stderr and b"\x07" not in done.stdout + done.stderr
        assert not any(b"line.txt" in line and not line.startswith(b"gongkai: ") for line in done.stderr.splitlines())


# ---------------------------------------------------------------- 13. symlinks, leftovers, pointless retries


def test_a_symlink_out_of_the_input_folder_is_not_followed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(SEED, src / "a.txt")
    secret = tmp_path / "secret.txt"
    shutil.copyfile(SEEDS[0], secret)
    (src / "link.txt").symlink_to(secret)
    (src / ".keep").mkdir()
    shutil.copyfile(SEEDS[2], src / ".keep" / "c.txt")
    (src / "inside.txt").symlink_to(src / ".keep" / "c.txt")  # a link within the folder is read
    done = gongkai("convert", str(src), "-o", str(tmp_path / "out") + "/")
    assert b"link.txt: a symbolic link out of the input folder, not followed" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "link.json").exists()
    assert (tmp_path / "out" / "inside.json").exists() and (tmp_path / "out" / "a.json").exists()


def test_a_failure_is_not_retried_unless_asked(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(SEED, src / "a.txt")
    (src / "empty.txt").write_bytes(b"")
    out = str(tmp_path / "out") + "/"
    first = gongkai("convert", str(src), "-o", out)
    assert first.returncode == EXIT_FAILED
    again = gongkai("convert", str(src), "-o", out)
    assert again.returncode == EXIT_FAILED and b"failed before" in again.stderr, again.stderr
    lines = (tmp_path / "out" / ".gongkai-manifest.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 2  # nothing converted again
    retried = gongkai("convert", str(src), "-o", out, "--retry-failed")
    assert retried.returncode == EXIT_FAILED and b"empty file" in retried.stderr
    assert len((tmp_path / "out" / ".gongkai-manifest.jsonl").read_text("utf-8").splitlines()) == 3


def test_a_leftover_part_file_is_cleaned_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".gongkai-999999999-x.part"  # a write killed long ago: its process is gone
    stale.write_bytes(b"half")
    assert main(["convert", str(SEED), str(SEEDS[0]), "-o", str(out) + "/", "--jobs", "1"]) == EXIT_OK
    assert not stale.exists()
