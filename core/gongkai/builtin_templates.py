"""The two national templates, contributed through the same hook any plugin would use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gongkai.hookspecs import hookimpl
from gongkai.template import Template, load_template

TEMPLATE_DIR = Path(__file__).parent / "templates"
BUILTIN = ("gov-2019.toml", "gov-2021.toml")


@hookimpl
def gongkai_templates(register: Callable[[Template], None]) -> None:
    for name in BUILTIN:
        register(load_template(TEMPLATE_DIR / name))
