"""What the command line was given to read: files, folders (recursively), globs, list files and '-' for stdin.

Symbolic links: a file named on the command line (or by a glob, or a list)
is read wherever it points, since someone named it; a link found while
walking a folder is read only if it points inside that folder — a link
out of it is reported and not followed, so converting a folder never
reads (and copies into outputs) what lies outside it.
"""

from __future__ import annotations

import glob
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from gongkai.api import MAX_BYTES, read_bounded
from gongkai.names import escaped

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
                    files.extend(_folder(m, problems))
            if not files:
                problems.append((escaped(arg), "no file matches"))
            for m in sorted(set(files)):
                add(InputFile(m, _relative(m, base), escaped(str(m)), base.name or base.resolve().name))
        elif path.is_dir():
            for item in _folder(path, problems):
                add(InputFile(item, item.relative_to(path), escaped(str(item)), path.name or path.resolve().name))
        elif path.exists() or path.is_symlink():
            add(InputFile(path, Path(path.name), escaped(str(path)), path.resolve().parent.name))
        else:
            problems.append((escaped(arg), "no such file or folder"))
    return found, problems


def _folder(path: Path, problems: list[tuple[str, str]]) -> list[Path]:
    """The visible files under a folder; links out of it are reported, not followed."""
    inside = path.resolve()
    out = []
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in item.relative_to(path).parts):
            continue
        if inside != item.resolve() and inside not in item.resolve().parents:
            problems.append((escaped(str(item)), "a symbolic link out of the input folder, not followed"))
            continue
        out.append(item)
    return out


def _glob_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    plain = [p for p in parts[: next(i for i, p in enumerate(parts) if any(c in p for c in GLOB_CHARS))]]
    return Path(*plain) if plain else Path(".")


def _relative(path: Path, base: Path) -> Path:
    """The path under the glob's root, never climbing out of it ("in/*/../../x.txt" is just "x.txt")."""
    try:
        relative = Path(os.path.normpath(path.relative_to(base)))
    except ValueError:
        return Path(path.name)
    return Path(path.name) if relative.is_absolute() or ".." in relative.parts else relative


def read_stdin(limit: int = MAX_BYTES) -> bytes:
    """Standard input, up to one byte past the limit (enough to know it is too large, never more)."""
    return read_bounded(sys.stdin.buffer, limit)
