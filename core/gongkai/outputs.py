"""Writing output files whole or not at all, and the places outputs may go."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

PART_PREFIX = ".gongkai-"
PART_SUFFIX = ".part"
# A temporary file of this program's: its writer's pid, then a random part (short whatever the target's name).
_PART = re.compile(rf"^{re.escape(PART_PREFIX)}(\d+)-[^/]*{re.escape(PART_SUFFIX)}$")


def write_atomic(target: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write to a temporary file beside the target and move it into place, so no half-written file is left."""
    tmp = write_part(target, write)
    try:
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_part(target: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write whole to a temporary part beside the target (its folder made if need be), left for the caller to
    move into place; no part is left if the writing fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f"{PART_PREFIX}{os.getpid()}-", suffix=PART_SUFFIX)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def remove_stale_parts(folder: Path) -> int:
    """Temporary files left by a writer that was killed (its process is gone): removed; how many."""
    removed = 0
    for part in folder.rglob(f"{PART_PREFIX}*{PART_SUFFIX}"):
        m = _PART.match(part.name)
        if m and not _alive(int(m.group(1))):
            part.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # another user's live process
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    return True


def inside(target: Path, folder: Path) -> bool:
    """Whether a target resolves inside the folder (no "..", no link, leads out of it)."""
    root = folder.resolve()
    return root in target.resolve().parents
