"""Cell formats shared by both workbooks."""

from __future__ import annotations

from typing import Any

DERIVED_FILL = "#FFE699"  # amber: a value the document determines without printing it
HEADER_FILL = "#D9E1F2"
WORKBOOK_OPTIONS = {
    # Texts are written as texts: a raw cell text "=1+1" or "http://…" must stay what it was.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}


class Styles:
    """The formats of one workbook (xlsxwriter formats belong to the workbook that made them)."""

    def __init__(self, workbook: Any) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 13})
        self.header = add(
            {
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "border": 1,
                "bg_color": HEADER_FILL,
            }
        )
        self.header_left = add(
            {"bold": True, "valign": "vcenter", "text_wrap": True, "border": 1, "bg_color": HEADER_FILL}
        )
        self.label = add({"valign": "vcenter", "text_wrap": True, "border": 1})
        self.group = add({"align": "center", "valign": "vcenter", "text_wrap": True, "border": 1})
        self.number = add({"border": 1, "valign": "vcenter"})
        self.derived = add({"border": 1, "valign": "vcenter", "bg_color": DERIVED_FILL})
        self.plain_derived = add({"bg_color": DERIVED_FILL})
        self.key = add({"bold": True, "valign": "top"})
        self.text = add({"valign": "top", "text_wrap": True})
        self.note = add({"italic": True, "font_color": "#595959"})
        self.legend = add({"italic": True, "font_color": "#595959", "bg_color": DERIVED_FILL})
