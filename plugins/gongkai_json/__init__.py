"""Built-in plugin "gongkai.json": the JSON and JSON Lines writers, and the JSON Schema of their output."""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from gongkai.hookspecs import Writer, hookimpl
from gongkai_json.reading import iter_reports_jsonl, read_report_json
from gongkai_json.schema import load_schema
from gongkai_json.writer import JsonLinesWriter, JsonWriter, dumps_report

__all__ = [
    "JsonLinesWriter",
    "JsonWriter",
    "dumps_report",
    "gongkai_writers",
    "iter_reports_jsonl",
    "load_schema",
    "read_report_json",
]


@hookimpl
def gongkai_writers(register: Callable[[Writer], None]) -> None:
    if find_spec("simplejson") is None:  # loaded at the first write: if missing, still listed broken
        raise ModuleNotFoundError("No module named 'simplejson'")
    register(JsonWriter())
    register(JsonLinesWriter())
