"""The Word .docx reader, a built-in plugin (entry point "gongkai.docx")."""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from gongkai.hookspecs import Reader, hookimpl
from gongkai_docx.reader import DocxReader

__all__ = ["DocxReader", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    if find_spec("lxml") is None:  # loaded at the first read: if missing, still listed broken
        raise ModuleNotFoundError("No module named 'lxml'")
    register(DocxReader())
