"""The JSON writers: one report as an indented document, or many as JSON Lines.

The content is exactly `Report.to_dict()`, in its own key order (template
order, so diffs between runs stay small). simplejson is used for its
`use_decimal`: Decimal figures such as 96171.6 are written as printed and
never pass through a binary float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO

from gongkai.errors import WriteError
from gongkai.model import Report


def dumps_report(report: Report, *, indent: int | None = 1) -> bytes:
    """One report as UTF-8 JSON bytes with a trailing newline; `indent=None` gives one compact line."""
    import simplejson  # at the first write, not when the plugin is listed (a CSV or XLSX run never needs it)

    data: dict[str, Any] = report.to_dict()
    try:
        text: str = simplejson.dumps(
            data,
            use_decimal=True,
            ensure_ascii=False,
            allow_nan=False,  # NaN / Infinity are not JSON; better to fail than write them
            indent=indent,
            separators=(",", ": ") if indent is not None else (",", ":"),
        )
    except (TypeError, ValueError) as exc:  # e.g. a Decimal NaN or a set in Finding.figures
        raise WriteError(f"report cannot be written as JSON: {' '.join(str(exc).split())}") from exc
    return text.encode("utf-8") + b"\n"


def _put(out: BinaryIO, data: bytes) -> None:
    try:
        out.write(data)
    except OSError as exc:
        raise WriteError(f"cannot write JSON output: {exc.strerror or exc}") from exc


class JsonWriter:
    """`--to json`: exactly one report, indented by one space."""

    name = "json"
    extensions: tuple[str, ...] = (".json",)
    many = False

    def write(self, reports: Iterable[Report], out: BinaryIO, options: Mapping[str, str]) -> None:
        # Take at most two items: enough to know there is not exactly one,
        # without draining (or converting) a long stream of inputs.
        items = iter(reports)
        first = next(items, None)
        if first is None:
            raise WriteError("the json writer writes exactly one report, got none")
        if next(items, None) is not None:
            raise WriteError("the json writer writes exactly one report, got several (use jsonl for many)")
        _put(out, dumps_report(first, indent=1))


class JsonLinesWriter:
    """`--to jsonl`: one compact line per report, written as each report arrives."""

    name = "jsonl"
    extensions: tuple[str, ...] = (".jsonl",)
    many = True

    def write(self, reports: Iterable[Report], out: BinaryIO, options: Mapping[str, str]) -> None:
        for report in reports:
            # Serialise the whole line before writing, so a failure never leaves half a line.
            _put(out, dumps_report(report, indent=None))
