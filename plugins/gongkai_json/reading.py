"""Reading the JSON writers' output back into a Report (for tests, and for users' own tools).

The standard library's json is enough here: `parse_float=Decimal` keeps
every decimal exactly as written, and integers stay int.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from gongkai.errors import ReadError
from gongkai.model import Report


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_report_json(data: bytes | str) -> Report:
    """A Report from one JSON document as written by the json (or one line of the jsonl) writer."""
    try:
        obj = json.loads(data, parse_float=Decimal, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReadError(f"not valid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise ReadError(f"not a gongkai report: the JSON is a {type(obj).__name__}, not an object")
    try:
        return Report.from_dict(obj)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # wrong shape somewhere inside
        raise ReadError(f"not a gongkai report: {exc.__class__.__name__}: {exc}") from exc


def iter_reports_jsonl(data: bytes | str) -> Iterator[Report]:
    """The Reports of a JSON Lines text as written by the jsonl writer; blank lines are skipped."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(f"not UTF-8: {exc}") from exc
    # Split on "\n" only: str.splitlines() would also split on U+2028, which
    # ensure_ascii=False leaves unescaped inside strings.
    for line in data.split("\n"):
        if line.strip():
            yield read_report_json(line)
