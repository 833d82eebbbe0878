"""Shared fixtures: the five real seeds and their expected values."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

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
