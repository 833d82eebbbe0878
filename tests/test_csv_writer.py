"""The CSV writers (csv: one row per cell; csv-wide: one row per report), read back with the csv module.

Also home of what both spreadsheet writers' tests share: the corpus (every
seed and every generated fixture whose reader is installed) and the check
that the label map shipped in gongkai_csv and gongkai_xlsx matches the
templates.
"""

from __future__ import annotations

import csv
import gc
import io
import weakref
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import cast

import pytest

import gongkai
import gongkai_csv
from conftest import FIXTURES, SEEDS
from gongkai.builtin_templates import TEMPLATE_DIR
from gongkai.errors import WriteError
from gongkai.forms import FORMS
from gongkai.hookspecs import Writer
from gongkai.model import Cell, Finding, Placement, Report, Source, Where
from gongkai.plugins import Registry
from gongkai.template import load_template
from gongkai_csv import LONG_HEADER, WIDE_LEADING, LongCsvWriter, WideCsvWriter
from test_json_writer import make_report

BUILTIN = ("gov-2021", "gov-2019")
GENERATED = FIXTURES / "generated"

# --- the corpus: seeds and generated fixtures -----------------------------------


def corpus_paths() -> list[Path]:
    """Every seed, and every generated fixture document (not the expected JSON beside them)."""
    generated = (
        sorted(
            p
            for p in GENERATED.rglob("*")
            if p.is_file() and p.suffix != ".json" and "expected" not in p.relative_to(GENERATED).parts
        )
        if GENERATED.is_dir()
        else []
    )
    return [*SEEDS, *generated]


CORPUS = corpus_paths()


def corpus_id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


@cache
def converted(path: Path) -> Report:
    """The report of a corpus document: every one converts (a failure is a failure, never a skip)."""
    return gongkai.convert(path)


def report_of(path: Path) -> Report:
    return converted(path)


def corpus_reports() -> list[Report]:
    """Every corpus document, in corpus order."""
    return [converted(p) for p in CORPUS]


# --- reading back ---------------------------------------------------------------


def number(text: str) -> int | Decimal | None:
    """A CSV field as a model value: empty is null, a numeral with a point a Decimal, else an int."""
    if text == "":
        return None
    return Decimal(text) if "." in text else int(text)


def opt(text: str) -> str | None:
    return text or None


def opt_int(text: str) -> int | None:
    return int(text) if text else None


def opt_float(text: str) -> float | None:
    return float(text) if text else None


def write(writer: Writer, reports: list[Report] | Iterator[Report], **options: str) -> bytes:
    out = io.BytesIO()
    writer.write(reports, out, options)
    return out.getvalue()


def read_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_long(data: bytes) -> dict[int, dict[str, dict[str, dict[str, Cell]]]]:
    """Long CSV → per report number, its cells in file order."""
    reports: dict[int, dict[str, dict[str, dict[str, Cell]]]] = {}
    for row in read_rows(data):
        where = Where(
            page=opt_int(row["where_page"]),
            line=opt_int(row["where_line"]),
            table=opt_int(row["where_table"]),
            row=opt_int(row["where_row"]),
            col=opt_int(row["where_col"]),
            x0=opt_float(row["where_x0"]),
            top=opt_float(row["where_top"]),
            x1=opt_float(row["where_x1"]),
            bottom=opt_float(row["where_bottom"]),
        )
        cell = Cell(
            value=number(row["value"]),
            raw=opt(row["raw"]),
            where=where if where.to_dict() else None,
            derived=opt(row["derived"]),
            unit=opt(row["unit"]),
            note=opt(row["note"]),
            placed=cast(Placement | None, opt(row["placed"])),
            confirmed_by=tuple(row["confirmed_by"].split()),
        )
        tables = reports.setdefault(int(row["report"]), {})
        tables.setdefault(row["table"], {}).setdefault(row["row"], {})[row["column"]] = cell
    return reports


def rounded(where: Where | None) -> Where | None:
    """Where as a file carries it: nothing when it is empty, the box to 2 decimals."""
    if where is None or not where.to_dict():
        return None
    return Where(**{k: round(v, 2) if isinstance(v, float) else v for k, v in where.__dict__.items()})


def comparable(report: Report) -> dict[str, dict[str, dict[str, Cell]]]:
    """The report's cells as CSV can carry them: an empty raw text reads back as no raw text."""
    out: dict[str, dict[str, dict[str, Cell]]] = {}
    for t, rows in report.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                copy = Cell(
                    cell.value,
                    cell.raw or None,
                    rounded(cell.where),
                    cell.derived,
                    cell.unit,
                    cell.note,
                    cell.placed,
                    cell.confirmed_by,
                )
                out.setdefault(t, {}).setdefault(r, {})[c] = copy
    return out


def same_cells(got: dict[str, dict[str, dict[str, Cell]]], want: dict[str, dict[str, dict[str, Cell]]]) -> None:
    """Cell for cell, in the same order; a value compares as a number (0 == Decimal("0"))."""
    assert [(t, [(r, list(cols)) for r, cols in rows.items()]) for t, rows in got.items()] == [
        (t, [(r, list(cols)) for r, cols in rows.items()]) for t, rows in want.items()
    ]
    for t, rows in want.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                back = got[t][r][c]
                assert back == cell, f"{t}.{r}.{c}: {back} != {cell}"
                if isinstance(cell.value, Decimal) and cell.value != cell.value.to_integral_value():
                    assert isinstance(back.value, Decimal), f"{t}.{r}.{c}"


def all_cells(report: Report) -> list[tuple[str, str, str, Cell]]:
    return [
        (t, r, c, cell) for t, rows in report.tables.items() for r, cols in rows.items() for c, cell in cols.items()
    ]


def wide_values(row: dict[str, str]) -> dict[tuple[str, ...], int | Decimal | None]:
    skip = {*WIDE_LEADING, "extra"}
    return {tuple(k.split(".")): number(v) for k, v in row.items() if k not in skip}


# --- the label map shipped with the writers ------------------------------------


def expected_forms() -> dict[str, tuple[object, ...]]:
    """FORMS as the templates define it: tables in order with their heading, columns and rows."""
    forms: dict[str, tuple[object, ...]] = {}
    for tid in BUILTIN:
        tpl = load_template(TEMPLATE_DIR / f"{tid}.toml")
        headings = {s.id: s.heading for s in tpl.sections}
        forms[tid] = tuple(
            (
                t.id,
                headings.get(t.section, t.title),
                tuple((c.id, c.label) for c in t.columns.values()),
                tuple((r.id, r.label, r.group, r.columns) for r in t.rows),
            )
            for t in tpl.tables
        )
    return forms


def test_label_map_matches_the_templates() -> None:
    """The writers' labels come from the templates themselves: the same tables, rows, columns and labels."""
    assert expected_forms() == FORMS


def test_wide_order_is_gov_2021_then_gov_2019_only_cells() -> None:
    expected: list[tuple[str, str, str]] = []
    for tid in BUILTIN:
        tpl = load_template(TEMPLATE_DIR / f"{tid}.toml")
        for t in tpl.tables:
            for r in t.rows:
                for c in t.row_columns(r.id):
                    if (t.id, r.id, c) not in expected:
                        expected.append((t.id, r.id, c))
    # grouped by table, gov-2021's tables first, each table keeping its gov-2021 cells first
    expected.sort(key=lambda k: ["active_disclosure", "applications", "review_litigation"].index(k[0]))
    assert wide_columns_of(None) == expected
    assert expected[:14] == [
        ("active_disclosure", r, c)
        for r, c in [
            ("regulations", "issued"),
            ("regulations", "repealed"),
            ("regulations", "in_force"),
            ("normative_documents", "issued"),
            ("normative_documents", "repealed"),
            ("normative_documents", "in_force"),
            ("licensing", "decisions"),
            ("penalty", "decisions"),
            ("coercion", "decisions"),
            ("fees", "amount"),
            ("regulations", "new_made"),
            ("regulations", "new_published"),
            ("regulations", "total_published"),
            ("normative_documents", "new_made"),
        ]
    ]
    assert len(expected) == 29 + 182 + 15


def wide_columns_of(first: Report | None) -> list[tuple[str, str, str]]:
    return gongkai_csv.wide_columns(first)


# --- the plugin -----------------------------------------------------------------


def test_plugin_registers_both_writers() -> None:
    registry = Registry()
    info = registry.add_plugin(gongkai_csv, "gongkai.csv")
    assert info.status == "ok", info.error
    assert info.provides == {"writers": ["csv", "csv-wide"]}
    long, wide = registry.writers["csv"], registry.writers["csv-wide"]
    assert isinstance(long, Writer) and isinstance(wide, Writer)
    assert (long.extensions, long.many) == ((".csv",), True)
    assert (wide.extensions, wide.many) == ((".wide.csv",), True)


# --- round trips over the corpus ------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=corpus_id)
def test_long_round_trip(path: Path) -> None:
    report = report_of(path)
    data = write(LongCsvWriter(), [report])
    rows = read_rows(data)
    assert list(rows[0]) == list(LONG_HEADER)
    back = read_long(data)
    assert list(back) == [1]
    same_cells(back[1], comparable(report))
    first = rows[0]
    assert (first["source"], first["sha256"], first["agency"], first["year"], first["template"]) == (
        report.source.path,
        report.source.sha256,
        report.meta.agency or "",
        str(report.meta.year or ""),
        report.template or "",
    )


@pytest.mark.parametrize("path", CORPUS, ids=corpus_id)
def test_wide_round_trip(path: Path) -> None:
    report = report_of(path)
    (row,) = read_rows(write(WideCsvWriter(), [report]))
    values = wide_values(row)
    own = {
        (t, r, c): cell.value
        for t, rows in report.tables.items()
        for r, cols in rows.items()
        for c, cell in cols.items()
    }
    assert {k: v for k, v in values.items() if k in own} == own
    assert all(v is None for k, v in values.items() if k not in own), "cells of the other template stay empty"
    assert row["extra"] == ""
    assert row["n_findings"] == str(len(report.findings))
    assert row["n_derived"] == str(len(report.derived_cells()))
    assert (row["report"], row["source"], row["status"], row["template"]) == (
        "1",
        report.source.path,
        report.status,
        report.template,
    )


def test_one_data_set_of_the_whole_corpus() -> None:
    reports = corpus_reports()
    assert len(reports) == len(CORPUS)
    back = read_long(write(LongCsvWriter(), iter(reports)))
    assert list(back) == list(range(1, len(reports) + 1))
    for n, report in enumerate(reports, 1):
        same_cells(back.get(n, {}), comparable(report))
    rows = read_rows(write(WideCsvWriter(), iter(reports)))
    assert [r["source"] for r in rows] == [r.source.path for r in reports]
    header = list(rows[0])
    assert header[: len(WIDE_LEADING)] == list(WIDE_LEADING) and header[-1] == "extra"
    for row, report in zip(rows, reports, strict=True):
        values = wide_values(row)
        for t, r, c, cell in (
            (t, r, c, cell) for t, rs in report.tables.items() for r, cs in rs.items() for c, cell in cs.items()
        ):
            assert values[(t, r, c)] == cell.value


@pytest.mark.parametrize("tid", BUILTIN)
def test_a_full_report_with_every_kind_of_cell(tid: str) -> None:
    report = make_report(tid)
    back = read_long(write(LongCsvWriter(), [report]))
    same_cells(back[1], comparable(report))
    (row,) = read_rows(write(WideCsvWriter(), [report]))
    assert row["title"] == report.meta.title and row["published"] == "2022-01-26"


def placed_cell() -> Cell:
    """A figure as the PDF reader boxes it (unrounded), placed under its column heading."""
    where = Where(page=1, line=36, col=7, x0=506.0, top=587.600763779528, x1=519.5, bottom=596.600763779528)
    return Cell(value=515, raw="515", where=where, placed="by_position", confirmed_by=("applications.row_total",))


def test_long_carries_the_placement_and_the_box() -> None:
    header = list(LONG_HEADER)
    at = header.index("derived")
    assert header[at + 1 : at + 3] == ["placed", "confirmed_by"]
    assert header[header.index("where_col") + 1 :] == [
        "where_x0",
        "where_top",
        "where_x1",
        "where_bottom",
        "where_confidence",
    ]
    report = make_report("gov-2021")
    report.tables["applications"]["new_received"]["total"] = placed_cell()
    data = write(LongCsvWriter(), [report])
    rows = {(r["row"], r["column"]): r for r in read_rows(data)}
    row = rows[("new_received", "total")]
    assert (row["placed"], row["confirmed_by"]) == ("by_position", "applications.row_total")
    assert [row[f"where_{k}"] for k in ("x0", "top", "x1", "bottom")] == ["506.0", "587.6", "519.5", "596.6"]
    assert rows[("granted", "total")]["confirmed_by"] == "applications.row_total applications.balance"
    plain = rows[("new_received", "natural_person")]
    assert [plain[k] for k in ("placed", "confirmed_by", "where_x0", "where_bottom")] == ["", "", "", ""]
    back = read_long(data)[1]
    assert back["applications"]["new_received"]["total"].where == Where(
        1, 36, None, None, 7, 506.0, 587.6, 519.5, 596.6
    )
    same_cells(back, comparable(report))


# --- the text of the file -------------------------------------------------------


def test_bom_by_default_and_off_by_option() -> None:
    report = make_report("gov-2021")
    for writer in (LongCsvWriter(), WideCsvWriter()):
        with_bom = write(writer, [report])
        without = write(writer, [report], bom="0")
        assert with_bom.startswith(b"\xef\xbb\xbfreport,")
        assert without.startswith(b"report,")
        assert with_bom[3:] == without
        assert write(writer, [report], bom="1") == with_bom


def test_crlf_plain_numerals_and_empty_nulls() -> None:
    report = make_report("gov-2021")
    ad = report.tables["active_disclosure"]
    cases = {"issued": "96171.6", "repealed": "1E+3", "in_force": "0.0001"}
    for column, text in cases.items():
        ad["regulations"][column] = Cell(value=Decimal(text))
    ad["normative_documents"]["issued"] = Cell(value=-183, raw="-183")
    ad["normative_documents"]["repealed"] = Cell(value=None, raw="无")
    data = write(LongCsvWriter(), [report], bom="0")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    rows = {(r["row"], r["column"]): r for r in read_rows(data)}
    assert rows[("regulations", "issued")]["value"] == "96171.6"
    assert rows[("regulations", "repealed")]["value"] == "1000"
    assert rows[("regulations", "in_force")]["value"] == "0.0001"
    assert rows[("normative_documents", "issued")]["value"] == "-183"
    assert (
        rows[("normative_documents", "repealed")]["value"] == ""
        and rows[("normative_documents", "repealed")]["raw"] == "无"
    )
    assert b"96171.59" not in data and all("E" not in row["value"] for row in read_rows(data))


def test_awkward_text_survives() -> None:
    report = make_report("gov-2021")
    awkward = 'a,b "quoted"\nnext line\r\n=SUM(A1) 第三行'
    report.tables["applications"]["granted"]["total"] = Cell(value=12, raw=awkward, note=awkward, unit="件")
    report.meta.agency = 'X局, "Y"'
    back = read_long(write(LongCsvWriter(), [report]))
    assert back[1]["applications"]["granted"]["total"] == Cell(value=12, raw=awkward, note=awkward, unit="件")
    (row,) = read_rows(write(WideCsvWriter(), [report]))
    assert row["agency"] == 'X局, "Y"'


def test_labels_option_adds_the_chinese_labels() -> None:
    report = make_report("gov-2019")
    rows = read_rows(write(LongCsvWriter(), [report], labels="1"))
    header = list(rows[0])
    assert header[header.index("column") + 1 : header.index("column") + 3] == ["row_label", "column_label"]
    tpl = load_template(TEMPLATE_DIR / "gov-2019.toml")
    for row in rows:
        t = tpl.table(row["table"])
        assert row["row_label"] == t.row(row["row"]).label
        assert row["column_label"] == t.columns[row["column"]].label
    plugin = Report(template="prov-x", tables={"stats": {"a": {"b": Cell(value=1)}}})
    (row,) = read_rows(write(LongCsvWriter(), [plugin], labels="1"))
    assert (row["row_label"], row["column_label"], row["value"]) == ("", "", "1")


@pytest.mark.parametrize(
    ("options", "message"),
    [({"colour": "red"}, "unknown option 'colour'"), ({"bom": "yes"}, "bom"), ({"labels": "2"}, "labels")],
)
def test_bad_options_are_write_errors(options: dict[str, str], message: str) -> None:
    with pytest.raises(WriteError, match=message):
        write(LongCsvWriter(), [make_report("gov-2021")], **options)
    with pytest.raises(WriteError):
        write(WideCsvWriter(), [make_report("gov-2021")], labels="1")


def test_a_value_that_is_not_a_number_names_the_report_and_cell() -> None:
    good, bad = make_report("gov-2021"), make_report("gov-2021", amount=Decimal("NaN"))
    bad.source = Source(path="bad.txt")
    for writer in (LongCsvWriter(), WideCsvWriter()):
        with pytest.raises(WriteError, match=r"report 2 \(bad.txt\).*NaN"):
            write(writer, [good, bad])


def test_nothing_gives_the_header_only() -> None:
    assert write(LongCsvWriter(), [], bom="0") == ",".join(LONG_HEADER).encode() + b"\r\n"
    header = write(WideCsvWriter(), [], bom="0").decode().rstrip("\r\n").split(",")
    assert header[: len(WIDE_LEADING)] == list(WIDE_LEADING)
    assert len(header) == len(WIDE_LEADING) + 29 + 182 + 15 + 1


# --- templates the writer does not know -----------------------------------------


def plugin_report(name: str, value: int) -> Report:
    return Report(
        template="prov-sd-2015",
        source=Source(path=name),
        tables={"statistics": {"requests": {"received": Cell(value=value), "answered": Cell(value=None)}}},
        status="partial",
    )


def test_wide_takes_an_unknown_template_s_columns_from_the_first_report() -> None:
    first, gov, second = plugin_report("a", 3), make_report("gov-2021"), plugin_report("b", 4)
    second.tables["statistics"]["late"] = {"n": Cell(value=Decimal("2.5"))}
    rows = read_rows(write(WideCsvWriter(), [first, gov, second]))
    header = list(rows[0])
    assert header[-3:] == ["statistics.requests.received", "statistics.requests.answered", "extra"]
    assert [r["statistics.requests.received"] for r in rows] == ["3", "", "4"]
    assert [r["extra"] for r in rows] == ["", "", "statistics.late.n=2.5"]
    assert rows[1]["applications.granted.total"] == "12"
    # a built-in first report: the unknown template's cells all go to `extra`
    rows = read_rows(write(WideCsvWriter(), [gov, first]))
    assert rows[1]["extra"] == "statistics.requests.received=3; statistics.requests.answered="


# --- streaming ------------------------------------------------------------------


@pytest.mark.parametrize("writer", [LongCsvWriter(), WideCsvWriter()], ids=["csv", "csv-wide"])
def test_reports_are_written_as_they_come_and_not_kept(writer: Writer) -> None:
    """Each report is written before the next is taken, and the writer keeps no reference to it."""
    refs: list[weakref.ref[Report]] = []
    out = io.BytesIO()
    sizes: list[int] = []

    def reports() -> Iterator[Report]:
        for i in range(6):
            report = make_report("gov-2021" if i % 2 else "gov-2019")
            report.source = Source(path=f"r{i}.txt")
            refs.append(weakref.ref(report))
            yield report
            del report
            sizes.append(len(out.getvalue()))
            gc.collect()
            if i >= 2:
                assert refs[i - 2]() is None, f"report {i - 2} is still held after {i}"

    writer.write(reports(), out, {})
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes), "output grows with every report"
    assert len(read_rows(out.getvalue())) >= 6


def test_findings_and_where_are_not_part_of_the_wide_cells() -> None:
    report = make_report("gov-2021")
    report.findings.append(Finding(code="x", message="y", where=Where(page=1)))
    (row,) = read_rows(write(WideCsvWriter(), [report]))
    assert row["n_findings"] == "3"
