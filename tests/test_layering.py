"""The house rules, enforced: the core knows no format, readers no templates, writers only the model."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

CORE = ROOT / "core" / "gongkai"
PLUGINS = ROOT / "plugins"
# What a plugin may import from the core: the public contract, never the recogniser's insides.
PLUGIN_MAY_IMPORT = {
    "gongkai",
    "gongkai.hookspecs",
    "gongkai.forms",
    "gongkai.layout",
    "gongkai.model",
    "gongkai.errors",
    "gongkai.textcodec",
    "gongkai.ocr",
}
FORMAT_LIBRARIES = {
    "pdfplumber",
    "pdfminer",
    "pypdfium2",
    "docx",
    "lxml",
    "bs4",
    "openpyxl",
    "xlsxwriter",
    "csv",
    "json",
    "simplejson",
    "html",
    "chardet",
}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_core_imports_no_plugin_and_no_format_library() -> None:
    for path in CORE.rglob("*.py"):
        for name in imports(path):
            top = name.split(".")[0]
            assert not top.startswith("gongkai_"), f"{path} imports the plugin {name}"
            allowed_here = (path.name, top) in (
                ("textcodec.py", "chardet"),
                ("manifest.py", "json"),  # the batch's own bookkeeping (JSON Lines), not a report format
            )
            assert top not in FORMAT_LIBRARIES or allowed_here, f"{path} imports the format library {name}"


def test_plugins_use_only_the_public_contract() -> None:
    for path in PLUGINS.rglob("*.py"):
        package = path.relative_to(PLUGINS).parts[0]
        for name in imports(path):
            if name == "gongkai" or name.startswith("gongkai."):
                assert name in PLUGIN_MAY_IMPORT, f"{path} imports {name}"
            elif name.startswith("gongkai_"):
                assert name.split(".")[0] == package, f"{path} imports another plugin: {name}"


def test_readers_never_see_templates() -> None:
    for path in PLUGINS.rglob("*.py"):
        text = path.read_text("utf-8")
        assert "gongkai.template" not in text and "load_template" not in text, path


def test_no_package_named_core_or_plugins_is_importable() -> None:
    import importlib.util

    assert importlib.util.find_spec("core") is None
    assert importlib.util.find_spec("plugins") is None
