"""Bulk conversion: poison in a batch, resuming, interrupting, name clashes, ordering, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SEEDS, expected_for, make_dist
from gongkai.cli import EXIT_FAILED, EXIT_NOTHING, EXIT_OK, main
from gongkai.cli.bulk import output_names
from gongkai.cli.inputs import InputFile, collect

GENERATED = ROOT / "fixtures" / "generated"
POISON_READER = '''
import os, signal, time
import gongkai
from gongkai import hookimpl
from gongkai_txt.reader import parse_lines


class Poison:
    """Does what the file says: hang, eat (memory), crash (SIGKILL itself), exit (os._exit)."""

    name = "poison"
    extensions = (".poison",)

    def sniff(self, head, name):
        return 1.0 if name and name.endswith(".poison") else 0.0

    def read(self, doc):
        what = doc.data.decode().strip()
        if what.startswith("slow"):  # a report that takes a while: "slow" on the first line, then its text
            time.sleep(0.3)
            return gongkai.Layout(blocks=parse_lines(what.split("\\n", 1)[1]), format="poison")
        if what == "hang":
            time.sleep(3600)
        if what == "eat":
            hoard = []
            while True:
                hoard.append(bytearray(64 * 2**20))
        if what == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        if what == "exit":
            os._exit(1)
        if what == "libxml":  # what lxml says when libxml2 cannot allocate under the cap
            raise gongkai.ReadError("not readable as HTML: unknown error (<string>, line 0)")
        raise gongkai.ReadError("poison of an unknown kind")


@hookimpl
def gongkai_readers(register):
    register(Poison())
'''


def poison_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    make_dist(site, "gongkai-poison", {"poison": "poison_reader"}, {"poison_reader": POISON_READER})
    return site


def gongkai(
    *args: str, site: Path | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **(extra_env or {})}
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "gongkai", "convert", *args],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def manifest(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def tables(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"), parse_float=Decimal)["tables"]


def generated_expected(path: Path) -> Any:
    return json.loads((GENERATED / "expected" / (path.stem + ".json")).read_text("utf-8"), parse_float=Decimal)


GOOD_GENERATED = [
    GENERATED / "docx" / "docx-01-official-gov2021-blanks.docx",
    GENERATED / "html" / "html-02-word-gov2019.html",
    GENERATED / "pdf" / "pdf-01-official-gov2021-blanks.pdf",
]


def test_poison_batch_finishes_with_every_cause(tmp_path: Path) -> None:
    """Corrupt files, a hang, a memory hog, a crash and an exit among good reports: all accounted for."""
    src = tmp_path / "in"
    src.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, src)
    for good in GOOD_GENERATED:
        shutil.copy(good, src)
    (src / "corrupt.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (src / "empty.txt").write_bytes(b"")
    for what in ("hang", "eat", "crash", "exit"):
        (src / f"{what}.poison").write_text(what, "utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    done = gongkai(
        str(src), "-o", f"{out}/", "--jobs", "2", "--timeout", "10", "--max-memory", "512", site=poison_site(tmp_path)
    )
    assert time.monotonic() - started < 120
    assert done.returncode == EXIT_FAILED, done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
    for seed in SEEDS:
        assert tables(out / (seed.stem + ".json")) == expected_for(seed)["tables"]
    for good in GOOD_GENERATED:
        assert tables(out / (good.stem + ".json")) == generated_expected(good)["tables"]
    lines = {Path(item["path"]).name: item for item in manifest(out / ".gongkai-manifest.jsonl")}
    assert len(lines) == len(SEEDS) + len(GOOD_GENERATED) + 6
    causes = {name: (item["status"], item["kind"], item["error"]) for name, item in lines.items()}
    assert causes["hang.poison"] == ("failed", "timeout", "timed out after 10 s")
    assert causes["eat.poison"] == ("failed", "memory", "memory limit (512 MB)")
    assert causes["crash.poison"] == ("failed", "died", "worker died (signal 9)")
    assert causes["exit.poison"] == ("failed", "died", "worker died (exit code 1)")
    assert causes["empty.txt"] == ("failed", "read_error", "empty file")
    assert causes["corrupt.docx"][:2] == ("failed", "read_error")
    for name in [s.name for s in SEEDS] + [g.name for g in GOOD_GENERATED]:
        assert lines[name]["status"] in ("ok", "partial") and lines[name]["sha256"] and lines[name]["output"]
    stderr = done.stderr.decode().splitlines()
    assert f"gongkai: {src / 'crash.poison'}: worker died (signal 9)" in stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        [s.stem + ".json" for s in SEEDS] + [g.stem + ".json" for g in GOOD_GENERATED]
    )


def test_resume_converts_only_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, src)
    out = tmp_path / "out"
    log = out / ".gongkai-manifest.jsonl"
    assert main(["convert", str(src), "-o", f"{out}/", "--jobs", "1", "-q"]) == EXIT_OK
    assert len(manifest(log)) == 5
    # an interruption: the last line cut in half, one output gone, one input changed
    text = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join(text[:-1]) + text[-1][:40], "utf-8")
    (out / (SEEDS[0].stem + ".json")).unlink()
    (src / SEEDS[1].name).write_bytes(SEEDS[1].read_bytes() + b"\n")
    assert main(["convert", str(src), "-o", f"{out}/", "--jobs", "1", "-q"]) == EXIT_OK
    lines = log.read_text("utf-8").splitlines()
    assert json.loads(lines[3])  # the line before the cut is intact
    redone = [json.loads(line)["path"] for line in lines[5:]]
    assert sorted(Path(p).name for p in redone) == sorted(s.name for s in (SEEDS[0], SEEDS[1], SEEDS[4]))
    assert main(["convert", str(src), "-o", f"{out}/", "--jobs", "1", "-q"]) == EXIT_OK
    assert len(log.read_text("utf-8").splitlines()) == len(lines)  # nothing left to do
    assert main(["convert", str(src), "-o", f"{out}/", "--jobs", "1", "-q", "--force"]) == EXIT_OK
    assert len(log.read_text("utf-8").splitlines()) == len(lines) + 5


def test_interrupted_batch_leaves_a_valid_manifest_and_resumes(tmp_path: Path) -> None:
    """SIGINT mid-batch: workers stopped, manifest valid, no half-written output; a rerun does exactly the rest."""
    src = tmp_path / "in" / "sub"
    src.mkdir(parents=True)
    names = [f"r{n:02d}.poison" for n in range(16)]
    for n, name in enumerate(names):
        (src / name).write_bytes(b"slow\n" + SEEDS[n % len(SEEDS)].read_bytes())
    out = tmp_path / "out"
    log = out / ".gongkai-manifest.jsonl"
    site = poison_site(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gongkai", "convert", str(tmp_path / "in"), "-o", f"{out}/", "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        # A shell starts background jobs with SIGINT ignored, and a child inherits that: the batch must hear it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not log.exists() or len(log.read_text("utf-8").splitlines()) < 4:
        assert time.monotonic() < deadline and proc.poll() is None, "the batch never got going"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    first = [Path(item["path"]).name for item in manifest(log)]  # every line whole
    assert 4 <= len(first) < len(names), "interrupted too late to be mid-batch"
    assert not list(out.rglob("*.part"))
    assert sorted(p.name for p in (out / "sub").iterdir()) == sorted(n.replace(".poison", ".json") for n in first)
    done = gongkai(str(tmp_path / "in"), "-o", f"{out}/", "--jobs", "2", site=site)
    assert done.returncode == EXIT_OK, done.stderr.decode()
    second = [Path(item["path"]).name for item in manifest(log)[len(first) :]]
    assert sorted(second) == sorted(set(names) - set(first))  # exactly what was left, nothing twice


def test_same_relative_path_under_two_roots(tmp_path: Path) -> None:
    for root, seed in (("in1", SEEDS[0]), ("in2", SEEDS[1])):
        (tmp_path / root / "sub").mkdir(parents=True)
        shutil.copy(seed, tmp_path / root / "sub" / "r.txt")
    out = tmp_path / "out"
    assert main(["convert", str(tmp_path / "in1"), str(tmp_path / "in2"), "-o", f"{out}/", "-q"]) == EXIT_OK
    assert tables(out / "in1" / "sub" / "r.json") == expected_for(SEEDS[0])["tables"]
    assert tables(out / "in2" / "sub" / "r.json") == expected_for(SEEDS[1])["tables"]
    same = [InputFile(Path(f"/x/{r}/a.txt"), Path("a.txt"), f"{r}/a.txt", "in") for r in ("p", "q")]
    assert sorted(map(str, output_names(same, ".json").values())) == ["a.txt-2.json", "a.txt.json"]


def test_globs_and_list_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found, problems = collect([str(ROOT / "fixtures" / "**" / "0*_*.txt")])
    assert [f.relative for f in found] == [Path("seeds") / s.name for s in SEEDS] and not problems
    listing = tmp_path / "list.txt"
    listing.write_text(f"{SEEDS[0]}\n\n# a comment\n{SEEDS[1]}\n{tmp_path / 'missing.txt'}\n", "utf-8")
    found, problems = collect([], [str(listing)])
    assert [f.path for f in found] == SEEDS[:2] and problems == [
        (str(tmp_path / "missing.txt"), "no such file or folder")
    ]
    out = tmp_path / "all.jsonl"
    assert main(["convert", "--list", str(listing), "-o", str(out), "-q"]) == EXIT_FAILED
    assert len(out.read_text("utf-8").splitlines()) == 2


def test_data_set_is_the_same_for_any_number_of_workers(tmp_path: Path) -> None:
    inputs = [*map(str, SEEDS), *map(str, GOOD_GENERATED[:2])]
    made = []
    for jobs in ("1", "2"):
        for name in ("all.jsonl", "panel.wide.csv"):
            out = tmp_path / jobs / name
            assert main(["convert", *inputs, "-o", str(out), "--jobs", jobs, "-q"]) == EXIT_OK
            made.append(out.read_bytes())
    assert made[0] == made[2] and made[1] == made[3]
    assert [json.loads(line)["source"]["path"] for line in made[0].decode().splitlines()] == inputs


def test_nothing_could_run(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["convert", str(tmp_path / "empty"), "-o", f"{tmp_path}/out/"]) == EXIT_NOTHING
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"")
    assert main(["convert", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", f"{tmp_path}/o/"]) == EXIT_NOTHING
    done = gongkai(
        str(SEEDS[0]),
        str(SEEDS[1]),
        "-o",
        f"{tmp_path}/d/",
        "--dask",
        "tcp://127.0.0.1:9",
        extra_env={"GONGKAI_DASK_CONNECT_TIMEOUT": "1"},
    )
    assert done.returncode == EXIT_NOTHING
    assert done.stderr.decode().startswith("gongkai: ")


def _session_members(sid: int) -> list[int]:
    """The processes of a session still running (zombies aside), read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _hanging_batch(tmp_path: Path, files: int) -> subprocess.Popen[bytes]:
    """`gongkai convert` of `files` inputs that hang, through two workers, in a session of its own; returned
    once the parent and both workers run, the workers inside their tasks."""
    src = tmp_path / "in"
    src.mkdir()
    for n in range(files):
        (src / f"hang{n}.poison").write_text("hang", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(poison_site(tmp_path))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gongkai", "convert", str(src), "-o", f"{tmp_path / 'out'}/", "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(_session_members(proc.pid)) < 3:  # the parent and two workers at least
        assert time.monotonic() < deadline and proc.poll() is None, "the workers never started"
        time.sleep(0.1)
    time.sleep(1)  # the workers are inside their hanging tasks: nothing more starts
    return proc


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_workers_do_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    """SIGKILL of the parent mid-batch: its workers, busy or not, and the fork server if one runs, go too."""
    proc = _hanging_batch(tmp_path, 3)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 30
    while _session_members(proc.pid):
        assert time.monotonic() < deadline, f"still running after the parent died: {_session_members(proc.pid)}"
        time.sleep(0.1)
    assert proc.stderr is not None
    assert b"Traceback" not in proc.stderr.read()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_the_first_workers_are_forked_from_the_parent_without_a_fork_server(tmp_path: Path) -> None:
    """A batch starting two workers runs three processes, not four: a conversion of one file pays for one
    interpreter, not two (the parent's imports are shared)."""
    proc = _hanging_batch(tmp_path, 2)
    try:
        assert len(_session_members(proc.pid)) == 3
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_a_library_failing_under_the_memory_cap_says_memory_limit(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.poison").write_text("libxml", "utf-8")
    shutil.copy(SEEDS[0], src)
    site = poison_site(tmp_path)
    capped = gongkai(str(src), "-o", f"{tmp_path / 'o1'}/", "--max-memory", "512", site=site)
    assert b"a.poison: memory limit (512 MB)" in capped.stderr, capped.stderr
    free = gongkai(str(src), "-o", f"{tmp_path / 'o2'}/", "--max-memory", "0", site=site)
    assert b"a.poison: not readable as HTML: unknown error" in free.stderr, free.stderr
