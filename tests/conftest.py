"""Shared fixtures: the five real seeds and their expected values."""

from __future__ import annotations

import importlib.util
import json
import sys
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gongkai.model import Report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
EXPECTED = FIXTURES / "expected"


def expected_for(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXPECTED / (path.stem + ".json")).read_text("utf-8"), parse_float=Decimal)
    return data


@pytest.fixture(params=SEEDS, ids=[p.stem[:3] for p in SEEDS])
def seed(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def assert_inferences_are_sound(report: Report) -> None:
    """A cell placed by inference says how and by which rules; a grid's cell is never aligned (it keeps its column)."""
    for table, row, col, cell in report.inferred_cells():
        name = f"{table}.{row}.{col}"
        assert cell.note, f"{name} was placed by inference ({cell.placed}) without a note saying how"
        if cell.placed == "aligned_right":
            assert cell.where is not None and cell.where.table is None, f"{name}: a grid row was aligned"
        if cell.placed in ("aligned_right", "by_order") or (cell.placed == "split" and table != "active_disclosure"):
            assert cell.confirmed_by, f"{name} was placed ({cell.placed}) without a rule confirming it"


def traced_peak(run: Callable[[], object]) -> tuple[object, int]:
    """What `run` returns (or raises), and the peak of Python memory allocated meanwhile, in bytes."""
    tracemalloc.start()
    try:
        try:
            result: object = run()
        except Exception as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def generator_module(file: str) -> ModuleType:
    """fixtures/generator/FILE (model.py, scans.py), imported once, under a name of its own."""
    name = f"gongkai_fixture_{Path(file).stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "generator" / file)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look the module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules[name]


def make_dist(site: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """A fake installed distribution: NAME-1.0.dist-info (METADATA, entry_points.txt) and its modules."""
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", "utf-8")
    eps = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[gongkai]\n{eps}", "utf-8")
    for module, source in modules.items():
        (site / f"{module}.py").write_text(source, "utf-8")
