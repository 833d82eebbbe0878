"""The plain-text reader, a built-in plugin (entry point "gongkai.txt")."""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from gongkai.hookspecs import Reader, hookimpl
from gongkai_txt.reader import TxtReader

__all__ = ["TxtReader", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    if find_spec("chardet") is None:  # loaded at the first read: if missing, still listed broken
        raise ModuleNotFoundError("No module named 'chardet'")
    register(TxtReader())
