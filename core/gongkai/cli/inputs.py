"""What the command line was given to read: files, folders (recursively) and '-' for stdin."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"


@dataclass(frozen=True)
class InputFile:
    """One input: where to read it and its name relative to the folder it was found in."""

    path: Path | None  # None for stdin
    relative: Path
    name: str


def collect(args: list[str]) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """The input files, and (argument, cause) for arguments that name nothing."""
    found: list[InputFile] = []
    problems: list[tuple[str, str]] = []
    for arg in args:
        if arg == STDIN:
            found.append(InputFile(None, Path("stdin"), "<stdin>"))
            continue
        path = Path(arg)
        if path.is_dir():
            for item in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = item.relative_to(path)
                if not any(part.startswith(".") for part in rel.parts):
                    found.append(InputFile(item, rel, str(item)))
        elif path.exists():
            found.append(InputFile(path, Path(path.name), str(path)))
        else:
            problems.append((arg, "no such file or folder"))
    return found, problems


def read_stdin() -> bytes:
    return sys.stdin.buffer.read()
