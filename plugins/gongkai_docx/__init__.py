"""The Word .docx reader, a built-in plugin (entry point "gongkai.docx")."""

from __future__ import annotations

from collections.abc import Callable

from gongkai.hookspecs import Reader, hookimpl
from gongkai_docx.reader import DocxReader

__all__ = ["DocxReader", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    register(DocxReader())
