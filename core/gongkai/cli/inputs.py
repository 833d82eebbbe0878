"""What the command line was given to read: files, folders (recursively), globs, list files and '-' for stdin."""

from __future__ import annotations

import glob
import sys
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"
GLOB_CHARS = ("*", "?", "[")


@dataclass(frozen=True)
class InputFile:
    """One input: where to read it, its name relative to the root it was found under, and that root's name."""

    path: Path | None  # None for stdin
    relative: Path
    name: str
    root: str = ""


def collect(args: list[str], list_files: list[str] | None = None) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """The input files, and (argument, cause) for arguments that name nothing.

    `list_files` name files with one input per line ('-' for stdin); their
    lines are taken like arguments. Globs the shell left alone (`'in/**/*.pdf'`)
    are expanded here, the part before the first wildcard being the root.
    """
    found: list[InputFile] = []
    problems: list[tuple[str, str]] = []
    args = list(args)
    for list_file in list_files or []:
        try:
            text = sys.stdin.read() if list_file == STDIN else Path(list_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((list_file, f"cannot read the list: {exc}"))
            continue
        args.extend(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    seen: set[Path] = set()

    def add(item: InputFile) -> None:
        key = item.path.resolve() if item.path is not None else Path(STDIN)
        if key not in seen or item.path is None:
            seen.add(key)
            found.append(item)

    for arg in args:
        if arg == STDIN:
            add(InputFile(None, Path("stdin"), "<stdin>"))
            continue
        path = Path(arg)
        if not path.exists() and any(c in arg for c in GLOB_CHARS):
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))
            base = _glob_root(arg)
            files = [m for m in matches if m.is_file()]
            for m in matches:
                if m.is_dir():
                    files.extend(_folder(m))
            if not files:
                problems.append((arg, "no file matches"))
            for m in sorted(set(files)):
                add(InputFile(m, _relative(m, base), str(m), base.name or base.resolve().name))
        elif path.is_dir():
            for item in _folder(path):
                add(InputFile(item, item.relative_to(path), str(item), path.name or path.resolve().name))
        elif path.exists():
            add(InputFile(path, Path(path.name), str(path), path.resolve().parent.name))
        else:
            problems.append((arg, "no such file or folder"))
    return found, problems


def _folder(path: Path) -> list[Path]:
    return [
        item
        for item in sorted(p for p in path.rglob("*") if p.is_file())
        if not any(part.startswith(".") for part in item.relative_to(path).parts)
    ]


def _glob_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    plain = [p for p in parts[: next(i for i, p in enumerate(parts) if any(c in p for c in GLOB_CHARS))]]
    return Path(*plain) if plain else Path(".")


def _relative(path: Path, base: Path) -> Path:
    try:
        return path.relative_to(base)
    except ValueError:
        return Path(path.name)


def read_stdin() -> bytes:
    return sys.stdin.buffer.read()
