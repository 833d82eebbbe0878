"""The run manifest of a batch: one JSON line per converted input, and what it takes to resume.

JSON here is gongkai's own bookkeeping, not a report format (those are the
writer plugins'): the one place in the core allowed the json module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gongkai import __version__
from gongkai.batch import Outcome

MANIFEST_NAME = ".gongkai-manifest.jsonl"
DONE = ("ok", "partial")
RETRIED = ("write_error",)  # failures that another run may not meet: tried again without being asked


def fingerprint(
    reader: str | None,
    encoding: str | None,
    reader_options: Mapping[str, str],
    writer: str,
    writer_options: Mapping[str, str],
) -> str:
    """What decides an output besides the input's content: same fingerprint, same output."""
    data = {
        "reader": reader,
        "encoding": encoding,
        "reader_options": dict(sorted(reader_options.items())),
        "writer": writer,
        "writer_options": dict(sorted(writer_options.items())),
        "gongkai": __version__,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class ManifestLine:
    path: str
    sha256: str | None
    size: int | None
    reader: str | None
    template: str | None
    status: str
    kind: str | None
    findings: int
    derived: int
    seconds: float
    error: str | None
    output: str | None
    options: str


def manifest_line(path: str, outcome: Outcome, output: str | None, options: str) -> ManifestLine:
    return ManifestLine(
        path=path,
        sha256=outcome.sha256,
        size=outcome.size,
        reader=outcome.reader,
        template=outcome.template,
        status=outcome.status,
        kind=outcome.kind,
        findings=outcome.findings,
        derived=outcome.derived,
        seconds=outcome.seconds,
        error=outcome.error,
        output=output,
        options=options,
    )


class Manifest:
    """JSON Lines, one line per converted input, appended and flushed line by line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None

    def done(self) -> dict[tuple[str, str, str], str]:
        """(path, sha256, options) → output, for inputs already converted with status ok or partial.

        A line cut short by an interruption is ignored.
        """
        return {
            key: item["output"]
            for key, item in self._last().items()
            if item.get("status") in DONE and item.get("output")
        }

    def failed(self) -> dict[tuple[str, str, str], str]:
        """(path, sha256, options) → the cause, for inputs whose last attempt failed in a way trying the same
        bytes with the same options again would only repeat (anything but an output that could not be written)."""
        return {
            key: item.get("error") or item.get("kind") or "failed"
            for key, item in self._last().items()
            if item.get("status") == "failed" and item.get("kind") not in RETRIED
        }

    def _last(self) -> dict[tuple[str, str, str], dict[str, Any]]:
        found: dict[tuple[str, str, str], dict[str, Any]] = {}
        try:
            text = self.path.read_text("utf-8", errors="replace")
        except OSError:
            return found
        for line in text.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and isinstance(item.get("path"), str) and item.get("sha256"):
                found[(item["path"], item["sha256"], item.get("options", ""))] = item
        return found

    def append(self, line: ManifestLine) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
            if self._file.tell() and not self.path.read_bytes().endswith(b"\n"):
                self._file.write("\n")  # after a line cut short by an interruption
        self._file.write(json.dumps(asdict(line), ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
