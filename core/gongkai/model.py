"""The canonical report model: what every reader ends in and every writer starts from.

Plain dataclasses, no file format in sight. `Report.to_dict()` is the
canonical plain-data form (the shape of spec §8 plus provenance and
findings); `Report.from_dict()` reads it back, so any writer's output can be
checked by a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Number = int | Decimal
Severity = Literal["error", "warning", "info"]
SCHEMA_VERSION = "1.0"


BOX_DIGITS = 2  # page coordinates are kept to 1/100 point: finer is noise, and it keeps outputs stable
CONFIDENCE_DIGITS = 3  # an OCR confidence: enough to tell 0.949 (doubtful) from 0.95
# A figure OCR read with less confidence than this stands only where a rule confirms it. RapidOCR reads
# nearly every clear figure at 0.97 or more, and an isolated `0` anywhere from 0.5 to 0.95.
OCR_CONFIDENT = 0.95


@dataclass
class Where:
    """Where a figure or a text was found in the source document.

    `x0, top, x1, bottom` are its box on the page, in points from the page's
    top-left corner, for readers that know positions (PDF, OCR). `confidence`
    is the OCR engine's (0 to 1) when the text was read from a picture.
    """

    page: int | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None
    confidence: float | None = None

    def to_dict(self) -> dict[str, int | float]:
        out: dict[str, int | float] = {}
        for k, v in self.__dict__.items():
            if v is not None:
                out[k] = round(v, CONFIDENCE_DIGITS if k == "confidence" else BOX_DIGITS) if isinstance(v, float) else v
        return out

    @property
    def box(self) -> tuple[float, float, float, float] | None:
        """(x0, top, x1, bottom), or None when the reader gave no position."""
        if self.x0 is None or self.top is None or self.x1 is None or self.bottom is None:
            return None
        return (self.x0, self.top, self.x1, self.bottom)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Where | None:
        if not data:
            return None
        box = {k: float(data[k]) for k in ("x0", "top", "x1", "bottom", "confidence") if data.get(k) is not None}
        return cls(**{**data, **box})  # JSON read back with Decimals: a box is floats again


# How a printed value was put into its cell when the document did not make that plain.
# Each needs the rules' confirmation, except by_position (measured under its column heading).
Placement = Literal["aligned_right", "split", "by_order", "by_position"]


@dataclass
class Cell:
    """One value cell of a table: its value, its raw text and where it came from.

    `derived` names the rule that forced the value when the document did not
    print it. `placed` says how a printed value was put into this cell when
    that was an inference (split from a run of digits, aligned right in a
    row that lost cells, placed by order in a row that lost its label, or by
    its position under a column heading); `confirmed_by` names the rules
    that confirmed it, and `note` says it in words.
    """

    value: Number | None = None
    raw: str | None = None
    where: Where | None = None
    derived: str | None = None
    unit: str | None = None
    note: str | None = None
    placed: Placement | None = None
    confirmed_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value}
        if self.raw is not None:
            out["raw"] = self.raw
        if self.where is not None and self.where.to_dict():
            out["where"] = self.where.to_dict()
        if self.derived is not None:
            out["derived"] = self.derived
        if self.unit is not None:
            out["unit"] = self.unit
        if self.note is not None:
            out["note"] = self.note
        if self.placed is not None:
            out["placed"] = self.placed
        if self.confirmed_by:
            out["confirmed_by"] = list(self.confirmed_by)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cell:
        return cls(
            value=_number(data.get("value")),
            raw=data.get("raw"),
            where=Where.from_dict(data.get("where")),
            derived=data.get("derived"),
            unit=data.get("unit"),
            note=data.get("note"),
            placed=data.get("placed"),
            confirmed_by=tuple(data.get("confirmed_by") or ()),
        )


def _number(v: Any) -> Number | None:
    if isinstance(v, bool):
        raise TypeError(f"not a number: {v!r}")
    if v is None or isinstance(v, int | Decimal):
        return v
    if isinstance(v, float | str):
        d = Decimal(str(v))
        return int(d) if d == d.to_integral_value() and "." not in str(v) else d
    raise TypeError(f"not a number: {v!r}")


@dataclass
class Finding:
    """Something a reader of the figures should know: a broken rule, a lost cell, a guess refused."""

    code: str
    message: str
    severity: Severity = "warning"
    rule: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    where: Where | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message}
        for key in ("rule", "table", "row", "column"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.figures:
            out["figures"] = self.figures
        if self.where is not None and self.where.to_dict():
            out["where"] = self.where.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        keys = ("code", "message", "severity", "rule", "table", "row", "column", "figures")
        kwargs = {k: data[k] for k in keys if k in data}
        return cls(**kwargs, where=Where.from_dict(data.get("where")))


@dataclass
class Source:
    """The document a report was read from."""

    path: str | None = None
    format: str | None = None
    sha256: str | None = None
    size: int | None = None
    encoding: str | None = None
    pages: int | None = None


@dataclass
class Meta:
    title: str | None = None
    agency: str | None = None
    signed_by: str | None = None
    year: int | None = None
    published: str | None = None


@dataclass
class Section:
    """One of the six numbered parts of a report."""

    heading: str | None = None
    text: str = ""
    where: Where | None = None


@dataclass
class RuleCheck:
    """How one consistency rule fared over all its instances."""

    passed: int = 0
    failed: int = 0
    not_checkable: int = 0


Table = dict[str, dict[str, Cell]]


@dataclass
class Report:
    """A recognised annual report.

    `status` is "ok" when all three tables were found, "partial" when some
    were, "no_tables" when none were (the document is probably not a report),
    "needs_ocr" when none were and pages are images without a text layer.
    """

    template: str | None = None
    template_reason: str = ""
    meta: Meta = field(default_factory=Meta)
    source: Source = field(default_factory=Source)
    sections: dict[str, Section] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    layouts: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    checks: dict[str, RuleCheck] = field(default_factory=dict)
    status: str = "no_tables"

    def cell(self, table: str, row: str, column: str) -> Cell:
        return self.tables[table][row][column]

    def values(self) -> dict[str, dict[str, dict[str, Number | None]]]:
        """The tables as plain values: tables.<table>.<row>.<column> (spec §8)."""
        return {
            t: {r: {c: cell.value for c, cell in cols.items()} for r, cols in rows.items()}
            for t, rows in self.tables.items()
        }

    def inferred_cells(self) -> list[tuple[str, str, str, Cell]]:
        """Cells whose printed value was placed by inference (see `Cell.placed`)."""
        return [
            (t, r, c, cell)
            for t, rows in self.tables.items()
            for r, cols in rows.items()
            for c, cell in cols.items()
            if cell.placed
        ]

    def doubtful_cells(self) -> dict[tuple[str, str, str], Cell]:
        """The printed figures OCR read with a confidence under `OCR_CONFIDENT`, by (table, row, column)."""
        return {
            (t, r, c): cell
            for t, rows in self.tables.items()
            for r, cols in rows.items()
            for c, cell in cols.items()
            if cell.value is not None
            and not cell.derived
            and cell.where is not None
            and cell.where.confidence is not None
            and cell.where.confidence < OCR_CONFIDENT
        }

    def derived_cells(self) -> list[tuple[str, str, str, Cell]]:
        return [
            (t, r, c, cell)
            for t, rows in self.tables.items()
            for r, cols in rows.items()
            for c, cell in cols.items()
            if cell.derived
        ]

    def to_dict(self) -> dict[str, Any]:
        """The canonical plain-data form; numbers stay int or Decimal."""
        return {
            "schema_version": SCHEMA_VERSION,
            "template": self.template,
            "template_reason": self.template_reason,
            "status": self.status,
            "meta": dict(self.meta.__dict__),
            "source": dict(self.source.__dict__),
            "tables": self.values(),
            "layouts": dict(self.layouts),
            "cells": {
                t: {r: {c: cell.to_dict() for c, cell in cols.items()} for r, cols in rows.items()}
                for t, rows in self.tables.items()
            },
            "checks": {rule: dict(check.__dict__) for rule, check in self.checks.items()},
            "findings": [f.to_dict() for f in self.findings],
            "sections": {
                sid: {
                    "heading": s.heading,
                    "text": s.text,
                    "where": (s.where.to_dict() or None) if s.where else None,
                }
                for sid, s in self.sections.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from `to_dict()` output (or its JSON, numbers read as Decimal)."""
        cells = data.get("cells") or {}
        tables: dict[str, Table] = {}
        for t, rows in (data.get("tables") or {}).items():
            tables[t] = {}
            for r, cols in rows.items():
                tables[t][r] = {}
                for c, value in cols.items():
                    detail = ((cells.get(t) or {}).get(r) or {}).get(c)
                    cell = Cell.from_dict(detail) if detail else Cell()
                    cell.value = _number(value)
                    tables[t][r][c] = cell
        sections = {
            sid: Section(heading=s.get("heading"), text=s.get("text", ""), where=Where.from_dict(s.get("where")))
            for sid, s in (data.get("sections") or {}).items()
        }
        return cls(
            template=data.get("template"),
            template_reason=data.get("template_reason", ""),
            meta=Meta(**(data.get("meta") or {})),
            source=Source(**(data.get("source") or {})),
            sections=sections,
            tables=tables,
            layouts=dict(data.get("layouts") or {}),
            findings=[Finding.from_dict(f) for f in data.get("findings") or []],
            checks={rule: RuleCheck(**c) for rule, c in (data.get("checks") or {}).items()},
            status=data.get("status", "no_tables"),
        )
