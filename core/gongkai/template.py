"""Templates are data: the tables, rows, columns, labels, layouts and rules of a report format.

A template is a TOML file (see `templates/`); `include` pulls in shared
parts so the two national formats share one definition of tables 三 and 四.
A plugin contributes a further template the same way the core does: through
the `gongkai_templates` hook, usually with `load_template(path)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ValueType = Literal["count", "signed", "amount"]


@dataclass(frozen=True)
class ColumnDef:
    id: str
    label: str
    type: ValueType = "count"
    unit: str | None = None
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowDef:
    id: str
    label: str
    variants: tuple[str, ...] = ()
    group: str | None = None
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayoutDef:
    """A way a table is printed: rows left out (`omit`), rows printed joined into one row of figures (each
    group of `join`), rows printed without their label (`bare`: a table of their own, its heading above it).
    """

    id: str
    omit: tuple[str, ...] = ()
    join: tuple[tuple[str, ...], ...] = ()
    bare: tuple[str, ...] = ()

    def group_of(self, row_id: str) -> tuple[str, ...] | None:
        return next((g for g in self.join if row_id in g), None)


@dataclass(frozen=True)
class PrintedRow:
    """One row as a document prints it: its label(s) and the (row, column) cells in print order."""

    row: str
    labels: tuple[str, ...]
    cells: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TableDef:
    id: str
    title: str
    section: str
    columns: dict[str, ColumnDef]
    rows: tuple[RowDef, ...]
    layouts: tuple[LayoutDef, ...] = ()
    markers: tuple[str, ...] = ()
    # printed_rows of each layout, made once: the recogniser asks for them for every layout it tries
    _printed: dict[str | None, list[PrintedRow]] = field(default_factory=dict, compare=False, repr=False)

    def row(self, row_id: str) -> RowDef:
        return next(r for r in self.rows if r.id == row_id)

    def row_columns(self, row_id: str) -> tuple[str, ...]:
        return self.row(row_id).columns or tuple(self.columns)

    def layout(self, layout_id: str | None) -> LayoutDef:
        for layout in self.layouts:
            if layout.id == layout_id:
                return layout
        return LayoutDef(id=layout_id or "standard")

    def printed_rows(self, layout_id: str | None) -> list[PrintedRow]:
        """The rows as this layout prints them (the same objects on every call)."""
        if layout_id not in self._printed:
            self._printed[layout_id] = self._make_printed_rows(layout_id)
        return self._printed[layout_id]

    def _make_printed_rows(self, layout_id: str | None) -> list[PrintedRow]:
        layout = self.layout(layout_id)
        printed: list[PrintedRow] = []
        for row in self.rows:
            group = layout.group_of(row.id)
            if row.id in layout.omit or (group and row.id != group[0]):
                continue
            if group:
                cells = tuple((r, c) for r in group for c in self.row_columns(r))
                printed.append(PrintedRow(row=row.id, labels=(), cells=cells))
            else:
                cells = tuple((row.id, c) for c in self.row_columns(row.id))
                labels = () if row.id in layout.bare else (row.label, *row.variants)
                printed.append(PrintedRow(row=row.id, labels=labels, cells=cells))
        return printed


@dataclass(frozen=True)
class RuleDef:
    """sum(left) = sum(right), once per column (`each = "column"`, lists of row ids) or per row."""

    id: str
    table: str
    each: Literal["column", "row"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    layouts: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class SectionDef:
    id: str
    heading: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    first_year: int | None = None
    last_year: int | None = None
    markers: tuple[str, ...] = ()
    sections: tuple[SectionDef, ...] = ()
    tables: tuple[TableDef, ...] = ()
    rules: tuple[RuleDef, ...] = ()
    default_layouts: dict[str, str] = field(default_factory=dict)

    def table(self, table_id: str) -> TableDef:
        return next(t for t in self.tables if t.id == table_id)

    def covers_year(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )


def load_template(path: str | Path) -> Template:
    """Read a template file, resolving `include` relative to it."""
    path = Path(path)
    data = _read_with_includes(path)
    order = [s["id"] for s in data.get("sections", [])]
    # Tables in the order the report prints them (the order of their parts), wherever they were defined.
    tables = tuple(
        sorted(
            (_table(t) for t in data.get("tables", [])),
            key=lambda t: order.index(t.section) if t.section in order else len(order),
        )
    )
    return Template(
        id=data["id"],
        name=data.get("name", data["id"]),
        first_year=data.get("first_year"),
        last_year=data.get("last_year"),
        markers=tuple(data.get("markers", ())),
        sections=tuple(
            SectionDef(id=s["id"], heading=s["heading"], keys=tuple(s["keys"])) for s in data.get("sections", [])
        ),
        tables=tables,
        rules=tuple(_rule(r) for r in data.get("rules", [])),
        default_layouts=dict(data.get("default_layouts", {})),
    )


def _read_with_includes(path: Path) -> dict[str, Any]:
    import tomllib  # only to read a template: `import gongkai` need not pay for it

    data = tomllib.loads(path.read_text("utf-8"))
    merged: dict[str, Any] = {"sections": [], "tables": [], "rules": []}
    for name in data.pop("include", []):
        part = _read_with_includes(path.parent / name)
        for key in merged:
            merged[key].extend(part.get(key, []))
    for key in merged:
        data[key] = merged[key] + data.get(key, [])
    return data


def _table(t: dict[str, Any]) -> TableDef:
    columns = {
        c["id"]: ColumnDef(
            id=c["id"],
            label=c["label"],
            type=c.get("type", "count"),
            unit=c.get("unit"),
            variants=tuple(c.get("variants", ())),
        )
        for c in t["columns"]
    }
    rows = tuple(
        RowDef(
            id=r["id"],
            label=r["label"],
            variants=tuple(r.get("variants", ())),
            group=r.get("group"),
            columns=tuple(r.get("columns", ())),
        )
        for r in t["rows"]
    )
    layouts = tuple(_layout(lay) for lay in t.get("layouts", []))
    return TableDef(
        id=t["id"],
        title=t.get("title", t["id"]),
        section=t.get("section", t["id"]),
        columns=columns,
        rows=rows,
        layouts=layouts,
        markers=tuple(t.get("markers", ())),
    )


def _layout(lay: dict[str, Any]) -> LayoutDef:
    join = lay.get("join", [])
    groups = [join] if join and all(isinstance(j, str) for j in join) else join  # one group may be written flat
    return LayoutDef(
        id=lay["id"],
        omit=tuple(lay.get("omit", ())),
        join=tuple(tuple(g) for g in groups),
        bare=tuple(lay.get("bare", ())),
    )


def _rule(r: dict[str, Any]) -> RuleDef:
    return RuleDef(
        id=r["id"],
        table=r["table"],
        each=r["each"],
        left=tuple(r["left"]),
        right=tuple(r["right"]),
        layouts=tuple(r.get("layouts", ())),
        text=r.get("text", ""),
    )
