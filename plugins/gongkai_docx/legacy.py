"""Old binary .doc (and RTF) to .docx with LibreOffice, when it is installed and the user asked for it.

LibreOffice runs headless in a temporary folder with a private profile (so
it neither touches nor waits for the user's running instance), in its own
process group (so a hang is ended whole), for at most `TIMEOUT` seconds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from gongkai.errors import ReadError

TIMEOUT = 120.0
EXECUTABLES = ("soffice", "libreoffice")


def office() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    for name in EXECUTABLES:
        found = shutil.which(name)
        if found:
            return found
    return None


def to_docx(data: bytes, suffix: str, what: str, timeout: float = TIMEOUT) -> bytes:
    """The bytes of a .docx LibreOffice makes of `data`; a ReadError naming `what` if it cannot."""
    exe = office()
    if exe is None:
        raise ReadError(f"{what}: LibreOffice (soffice), needed to convert it, is not installed")
    with tempfile.TemporaryDirectory(prefix="gongkai-docx-") as tmp:
        folder = Path(tmp)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        command = [
            exe,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ]
        _run(command, timeout, what, folder)
        result = out / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise ReadError(f"{what}: LibreOffice could not convert it (damaged, or protected by a password?)")
        return result.read_bytes()


def _run(command: list[str], timeout: float, what: str, home: Path) -> None:
    env = {**os.environ, "HOME": str(home)}  # LibreOffice writes caches under $HOME as well
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise ReadError(f"{what}: LibreOffice could not be started ({exc.strerror or exc})") from None
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ReadError(f"{what}: LibreOffice took longer than {timeout:.0f} s to convert it") from None
    finally:  # done, timed out or interrupted: leave nothing of this LibreOffice behind
        _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """End the process group this conversion started (its own session), then reap the process."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()
    process.wait()
