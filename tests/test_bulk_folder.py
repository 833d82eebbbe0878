"""A folder output through local workers: each worker writes its own output, the parent only moves it into place."""

from __future__ import annotations

import contextlib
import io
import pickle
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import SEEDS, make_dist
from gongkai.batch import Outcome, Task
from gongkai.cli import EXIT_FAILED, main
from gongkai.pool import LocalPool
from test_bulk import GOOD_GENERATED, gongkai, manifest

STALL_WRITER = """
import time
from gongkai import hookimpl


class Stall:
    \"\"\"Writes half an output, then hangs, for a report read from a file named stall*.\"\"\"

    name = "stall"
    extensions = (".out",)
    many = False

    def write(self, reports, out, options):
        for report in reports:
            out.write(b"half")
            out.flush()
            if "stall" in report.source.path:
                time.sleep(3600)


@hookimpl
def gongkai_writers(register):
    register(Stall())
"""
GOOD = [*SEEDS, *GOOD_GENERATED]
BAD = {"empty.txt": b"", "corrupt.docx": b"PK\x03\x04" + b"\x00" * 200}


@dataclass
class Run:
    src: Path
    code: int
    stderr: list[str]
    outcomes: list[Outcome] = field(default_factory=list)  # what the parent received from the pool
    loaded: list[Outcome] = field(default_factory=list)  # the outcomes whose report the parent loaded


@dataclass
class Runs:
    two: Run  # --jobs 2
    one: Run  # --jobs 1
    out2: Path
    out1: Path
    singles: dict[str, bytes]  # name → the output of converting that input alone


def convert(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["convert", *argv, "-q"])
    return code, capsys.readouterr().err.splitlines()


def spying(outcomes: list[Outcome], monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every outcome the pool hands to the parent, as it arrives."""
    run = LocalPool.run

    def spy(self: LocalPool, tasks: Iterable[Task], window: int) -> Iterator[tuple[int, Outcome]]:
        for index, outcome in run(self, tasks, window):
            outcomes.append(pickle.loads(pickle.dumps(outcome)))  # a copy: the parent may amend the outcome
            yield index, outcome

    monkeypatch.setattr(LocalPool, "run", spy)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """One batch through two workers (the parent spied on), the same through --jobs 1, and each input alone."""
    tmp = tmp_path_factory.mktemp("folder")
    src = tmp / "in"
    (src / "sub").mkdir(parents=True)
    for n, good in enumerate(GOOD):
        shutil.copy(good, src / "sub" if n % 2 else src)
    for name, data in BAD.items():
        (src / name).write_bytes(data)

    def run(*argv: str) -> tuple[int, list[str]]:
        with contextlib.redirect_stderr(io.StringIO()) as err:
            code = main(["convert", *argv, "-q"])
        return code, err.getvalue().splitlines()

    outcomes: list[Outcome] = []
    loaded: list[Outcome] = []
    with pytest.MonkeyPatch.context() as mp:
        spying(outcomes, mp)
        load = Outcome.load_report
        mp.setattr(Outcome, "load_report", lambda self: loaded.append(self) or load(self))
        two = Run(src, *run(str(src), "-o", f"{tmp / 'out2'}/", "--jobs", "2"), outcomes, loaded)
    one = Run(src, *run(str(src), "-o", f"{tmp / 'out1'}/", "--jobs", "1"))
    singles = {}
    for path in sorted(src.rglob("*")):
        if path.is_file() and path.name not in BAD:
            target = tmp / "single" / (path.stem + ".json")
            assert run(str(path), "-o", str(target))[0] == 0
            singles[str(path.relative_to(src).with_suffix(".json"))] = target.read_bytes()
    return Runs(two, one, tmp / "out2", tmp / "out1", singles)


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_outputs_through_two_workers_are_those_of_one_process_and_of_single_conversions(runs: Runs) -> None:
    two, one = outputs(runs.out2), outputs(runs.out1)
    for made in (two, one):
        del made[".gongkai-manifest.jsonl"]
    assert len(runs.singles) == len(GOOD)
    assert two == one == runs.singles  # byte for byte; and nothing else: no output of a failure, no part left
    assert not list(runs.out2.parent.rglob("*.part"))


def test_failures_are_reported_and_recorded_as_before(runs: Runs) -> None:
    for run in (runs.two, runs.one):
        assert run.code == EXIT_FAILED
        assert f"gongkai: {run.src / 'empty.txt'}: empty file" in run.stderr
        assert any(line.startswith(f"gongkai: {run.src / 'corrupt.docx'}: ") for line in run.stderr)
    assert [line for line in runs.two.stderr if "slowest" not in line] == [
        line.replace(str(runs.out1), str(runs.out2)) for line in runs.one.stderr if "slowest" not in line
    ]

    def lines(out: Path) -> list[dict[str, Any]]:
        items = [
            {k: v for k, v in item.items() if k != "seconds"} for item in manifest(out / ".gongkai-manifest.jsonl")
        ]
        for item in items:
            item["output"] = item["output"] and Path(item["output"]).relative_to(out).as_posix()
        return sorted(items, key=lambda item: item["path"])

    assert lines(runs.out2) == lines(runs.out1)  # the same manifest, whatever wrote the outputs
    failed = [item for item in lines(runs.out2) if item["status"] == "failed"]
    assert sorted(Path(item["path"]).name for item in failed) == sorted(BAD)
    assert all(item["kind"] == "read_error" and item["output"] is None and item["sha256"] for item in failed)


def test_the_parent_receives_no_report_from_workers_writing_a_folder(runs: Runs) -> None:
    received = runs.two.outcomes
    assert len(received) == len(GOOD) + len(BAD)
    assert all(outcome.report is None for outcome in received) and not runs.two.loaded
    done = [outcome for outcome in received if outcome.status in ("ok", "partial")]
    assert len(done) == len(GOOD)
    assert all(outcome.part and not outcome.write_error and outcome.sha256 for outcome in done)
    assert all(outcome.reader and outcome.findings >= 0 for outcome in done)
    assert max(len(pickle.dumps(outcome)) for outcome in received) < 1000  # status, counts and names only


def test_a_data_set_still_gets_its_reports_from_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes: list[Outcome] = []
    spying(outcomes, monkeypatch)
    out = tmp_path / "all.jsonl"
    assert main(["convert", *map(str, SEEDS[:2]), "-o", str(out), "--jobs", "2", "-q"]) == 0
    assert len(outcomes) == 2 and all(isinstance(o.report, bytes) and o.part is None for o in outcomes)
    assert len(out.read_text("utf-8").splitlines()) == 2


def test_a_rerun_converts_nothing_new(runs: Runs, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    shutil.copytree(runs.out2, out)
    log = manifest(out / ".gongkai-manifest.jsonl")
    # the manifest names its outputs where they were written: point it at the copy
    (out / ".gongkai-manifest.jsonl").write_text(
        (runs.out2 / ".gongkai-manifest.jsonl").read_text("utf-8").replace(str(runs.out2), str(out)), "utf-8"
    )
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.json")}
    code, err = convert([str(runs.two.src), "-o", f"{out}/", "--jobs", "2"], capsys)
    assert code == EXIT_FAILED  # the two failures, reported as failed before
    assert sum("failed before" in line for line in err) == len(BAD)
    assert f"gongkai: {len(GOOD) + len(BAD)} inputs: 2 failed, {len(GOOD)} skipped" in err
    assert len(manifest(out / ".gongkai-manifest.jsonl")) == len(log)  # nothing converted again
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json")} == before


def test_an_output_a_worker_cannot_write_fails_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(SEEDS[0], src)
    shutil.copy(SEEDS[1], src / "sub")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").write_bytes(b"")  # a file where the output's folder should be
    target = out / "sub" / (SEEDS[1].stem + ".json")
    messages = []
    for jobs in ("2", "1"):  # a write error is tried again each time (and fails again)
        code, err = convert([str(src), "-o", f"{out}/", "--jobs", jobs], capsys)
        assert code == EXIT_FAILED
        messages.append([line for line in err if "cannot write" in line])
    assert (
        messages[0]
        == messages[1]
        == [f"gongkai: {src / 'sub' / SEEDS[1].name}: cannot write {target}: [Errno 17] File exists: '{out / 'sub'}'"]
    )
    last = manifest(out / ".gongkai-manifest.jsonl")[-1]
    assert (last["status"], last["kind"], last["output"]) == ("failed", "write_error", None)
    assert last["error"] == f"cannot write: [Errno 17] File exists: '{out / 'sub'}'" and last["template"]
    assert (out / (SEEDS[0].stem + ".json")).exists() and not list(out.rglob("*.part"))


def test_a_worker_killed_while_writing_leaves_no_output_and_no_part(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_dist(site, "gongkai-stall", {"stall": "stall_writer"}, {"stall_writer": STALL_WRITER})
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS[0], src / "stall.txt")
    shutil.copy(SEEDS[1], src / "fine.txt")
    out = tmp_path / "out"
    done = gongkai(str(src), "-o", f"{out}/", "--to", "stall", "--jobs", "2", "--timeout", "3", site=site)
    assert done.returncode == EXIT_FAILED, done.stderr.decode()
    assert f"gongkai: {src / 'stall.txt'}: timed out after 3 s" in done.stderr.decode().splitlines()
    assert sorted(p.name for p in out.iterdir()) == [".gongkai-manifest.jsonl", "fine.out"]
