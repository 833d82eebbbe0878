"""The whole output of each seed, provenance and findings included, against its golden file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from conftest import FIXTURES

spec = importlib.util.spec_from_file_location("regen", FIXTURES / "golden" / "regen.py")
assert spec and spec.loader
regen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regen)


def test_output_equals_golden(seed: Path) -> None:
    expected = (FIXTURES / "golden" / (seed.stem + ".json")).read_bytes()
    assert regen.golden(seed) == expected, "output changed: run fixtures/golden/regen.py and review the diff"
