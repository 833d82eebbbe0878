"""The same batch through a Dask LocalCluster (two worker processes) and through the local pool."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SEEDS
from gongkai.cli import EXIT_FAILED, EXIT_OK, main
from test_bulk import GOOD_GENERATED, manifest, poison_site

distributed = pytest.importorskip(
    "distributed", reason="dask[distributed] is not installed (pip install 'gongkai[dask]')"
)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real LocalCluster; its workers also have the poison reader of test_bulk on their path."""
    site = poison_site(tmp_path_factory.mktemp("dask"))
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), before) if p)
    sys.path.append(str(site))  # spawned worker processes take this process's sys.path
    try:
        cluster: Any = distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
        )
    finally:
        sys.path.remove(str(site))
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_gives_the_same_data_set_as_the_local_pool(tmp_path: Path, scheduler: str) -> None:
    inputs = [*map(str, SEEDS), *map(str, GOOD_GENERATED)]
    for name in ("all.jsonl", "panel.wide.csv"):
        local, dask = tmp_path / "local" / name, tmp_path / "dask" / name
        assert main(["convert", *inputs, "-o", str(local), "--jobs", "2", "-q"]) == EXIT_OK
        assert main(["convert", *inputs, "-o", str(dask), "--dask", scheduler, "-q"]) == EXIT_OK
        assert local.read_bytes() == dask.read_bytes()
    folder = tmp_path / "folder"
    assert main(["convert", *inputs, "-o", f"{folder}/", "--dask", scheduler, "--send-bytes", "-q"]) == EXIT_OK
    assert len(manifest(folder / ".gongkai-manifest.jsonl")) == len(inputs)
    # the Dask workers send their reports back and this process writes them: the local workers' own bytes
    local = tmp_path / "local-folder"
    assert main(["convert", *inputs, "-o", f"{local}/", "--jobs", "2", "-q"]) == EXIT_OK
    made = [{str(p.relative_to(f)): p.read_bytes() for p in f.rglob("*.json")} for f in (folder, local)]
    assert made[0] == made[1] and len(made[0]) == len(inputs)


def test_dask_time_limit(tmp_path: Path, scheduler: str) -> None:
    """A task past its time limit is recorded as failed and cancelled; the others still convert."""
    (tmp_path / "hang.poison").write_text("hang", "utf-8")
    shutil.copy(SEEDS[0], tmp_path)
    out = tmp_path / "out"
    args = [str(tmp_path / "hang.poison"), str(tmp_path / SEEDS[0].name), "-o", f"{out}/", "--timeout", "2"]
    assert main(["convert", *args, "--dask", scheduler, "-q"]) == EXIT_FAILED
    lines = {Path(item["path"]).name: item for item in manifest(out / ".gongkai-manifest.jsonl")}
    assert (lines["hang.poison"]["kind"], lines["hang.poison"]["error"]) == ("timeout", "timed out after 2 s")
    assert lines[SEEDS[0].name]["status"] == "ok"
    assert json.loads((out / (SEEDS[0].stem + ".json")).read_text("utf-8"))["template"]
