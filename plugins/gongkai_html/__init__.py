"""The HTML reader, a built-in plugin (entry point "gongkai.html"): web pages and Word's "save as web page"."""

from __future__ import annotations

from collections.abc import Callable

from gongkai.hookspecs import Reader, hookimpl
from gongkai_html.grid import build_grid
from gongkai_html.reader import HtmlReader

__all__ = ["HtmlReader", "build_grid", "gongkai_readers"]


@hookimpl
def gongkai_readers(register: Callable[[Reader], None]) -> None:
    register(HtmlReader())
