"""The HTML reader, a built-in plugin (entry point "gongkai.html"): web pages and Word's "save as web page"."""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

from gongkai.hookspecs import Reader, hookimpl
from gongkai_html.grid import build_grid
from gongkai_html.reader import HtmlReader

__all__ = ["HtmlReader", "build_grid", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    for library in ("lxml", "chardet"):  # loaded at the first read: if missing, still listed broken
        if find_spec(library) is None:
            raise ModuleNotFoundError(f"No module named '{library}'")
    register(HtmlReader())
