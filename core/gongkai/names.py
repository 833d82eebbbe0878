"""Names of files as text: carried losslessly, written escaped.

A name that is not UTF-8 (a Chinese name from a Windows archive,
b"\\xb1\\xa8.txt") reaches Python as a str with lone surrogates
(surrogateescape): fine for opening the file, impossible to encode into
JSON, CSV or a terminal. `escaped` writes each such byte as `\\xNN`, so a
name is still the same name, byte for byte, and always printable.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escaped(name: str) -> str:
    """The name with every byte that was not UTF-8 written as `\\xNN` (other names unchanged)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (escapes, bells, newlines) shown as `\\xNN`, never obeyed."""
    return _CONTROL.sub(_code, escaped(text))


def _code(m: re.Match[str]) -> str:
    n = ord(m.group())
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"
