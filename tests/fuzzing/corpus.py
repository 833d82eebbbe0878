"""The committed inputs that mutations start from, grouped by format."""

from __future__ import annotations

import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("txt", "md", "html", "docx", "pdf")
_SUFFIXES = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


def _format_of(path: Path) -> str | None:
    if path.parent.name == "md":  # fixtures/generated/md holds Markdown saved as .txt too
        return "md"
    return _SUFFIXES.get(path.suffix.lower())


@functools.cache
def files() -> dict[str, tuple[str, ...]]:
    """Format → the fixtures' paths relative to the repository, sorted (the order is part of a case's identity)."""
    found: dict[str, list[str]] = {f: [] for f in FORMATS}
    places = [
        ROOT / "fixtures" / "seeds",
        *(ROOT / "fixtures" / "generated" / f for f in FORMATS),
        ROOT / "tests" / "data",
    ]
    for place in places:
        for path in sorted(place.rglob("*")):
            fmt = _format_of(path) if path.is_file() else None
            if fmt is not None:
                found[fmt].append(path.relative_to(ROOT).as_posix())
    return {f: tuple(sorted(paths)) for f, paths in found.items()}


def format_of(source: str) -> str:
    """The format of a fixture (a path relative to the repository) or of a generator (`gen:txt`, `gen:html`)."""
    if source.startswith("gen:"):
        return source[4:]
    fmt = _format_of(ROOT / source)
    if fmt is None:
        raise ValueError(f"not a fixture of a known format: {source}")
    return fmt


@functools.cache
def read(source: str) -> bytes:
    return (ROOT / source).read_bytes()
