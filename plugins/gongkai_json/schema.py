"""The JSON Schema (draft 2020-12) of the JSON writers' output, shipped as package data."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "report.schema.json"


def load_schema() -> dict[str, Any]:
    """The schema as a fresh dict (callers may change their copy)."""
    text = resources.files(__package__ or "gongkai_json").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
