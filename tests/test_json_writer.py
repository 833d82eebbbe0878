"""The JSON writers (json, jsonl), reading their output back, and the shipped JSON Schema."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import gongkai_json
from gongkai.builtin_templates import TEMPLATE_DIR
from gongkai.errors import ReadError, WriteError
from gongkai.hookspecs import Writer
from gongkai.model import Cell, Finding, Meta, Report, RuleCheck, Section, Source, Where
from gongkai.plugins import Registry
from gongkai.template import TableDef, Template, load_template
from gongkai_json import JsonLinesWriter, JsonWriter, iter_reports_jsonl, load_schema, read_report_json

BUILTIN = ("gov-2021", "gov-2019")


def template(tid: str) -> Template:
    return load_template(TEMPLATE_DIR / f"{tid}.toml")


def tables_in_order(tpl: Template) -> list[TableDef]:
    """The template's tables in document order (二, 三, 四).

    `Template.tables` lists included tables first (三, 四, then 二), so the
    order of the sections is the one a report should follow.
    """
    sections = [s.id for s in tpl.sections]
    return sorted(tpl.tables, key=lambda t: sections.index(t.section))


def make_report(tid: str, amount: Decimal = Decimal("96171.6")) -> Report:
    """A full report of a built-in template with every cell filled, some null, some derived."""
    tpl = template(tid)
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    n = 0
    for t_index, tdef in enumerate(tables_in_order(tpl)):
        tables[tdef.id] = {}
        for r_index, row in enumerate(tdef.rows):
            tables[tdef.id][row.id] = {}
            for c_index, col in enumerate(tdef.row_columns(row.id)):
                n += 1
                where = Where(page=1 + n // 50, line=n, table=t_index, row=r_index, col=c_index)
                if n % 11 == 0:  # a blank or unreadable cell: null, never 0
                    cell = Cell(value=None, raw="无" if n % 2 else None, where=where)
                else:
                    cell = Cell(value=n % 17, raw=f" {n % 17}", where=where)
                tables[tdef.id][row.id][col] = cell
    ad = tables["active_disclosure"]
    if tid == "gov-2021":
        ad["fees"]["amount"] = Cell(value=amount, raw=f"{amount}万元", where=Where(page=2, line=40), unit="万元")
    else:
        ad["licensing"]["change"] = Cell(value=-183, raw="-183")
        ad["other_services"]["change"] = Cell(value=5174, raw="+5174")
        ad["fees"]["change"] = Cell(value=0, raw="0")
        ad["procurement"]["amount"] = Cell(value=amount, raw=str(amount), unit="元")
    apps = tables["applications"]
    apps["carried_over"]["total"] = Cell(value=0, derived="applications.row_total")
    for col in ("natural_person", "commercial_enterprise"):
        apps["carried_forward"][col] = Cell(value=0, derived="applications.row_total", note="总计为0")
    apps["granted"]["total"] = Cell(
        value=12,
        raw="12",
        where=Where(page=3, line=12, col=2, x0=412.5, top=301.25, x1=424.0, bottom=311.75),
        note="aligned right: row lost cells",
        placed="aligned_right",
        confirmed_by=("applications.row_total", "applications.balance"),
    )
    return Report(
        template=tid,
        template_reason=f"column headings of table 二 match {tid}",
        meta=Meta(
            title="成武县工业和信息化局2021年政府信息公开工作年度报告",
            agency="成武县工业和信息化局",
            signed_by="成武县工业和信息化局",
            year=2021 if tid == "gov-2021" else 2020,
            published="2022-01-26",
        ),
        source=Source(path="seeds/报告.txt", format="txt", sha256="ab" * 32, size=12345, encoding="gb18030"),
        sections={
            "overview": Section(heading="一、总体情况", text="2021年，我局坚持……\n第二段“引号”", where=Where(line=3)),
            "problems": Section(heading=None, text="存在的问题\u2028分隔"),
        },
        tables=tables,
        layouts={
            "applications": tpl.default_layouts["applications"],
            "review_litigation": "one_row",
        },
        findings=[
            Finding(
                code="rule_failed",
                message="本年新收 + 上年结转 ≠ 办理结果 + 结转下年度 (natural_person)",
                severity="error",
                rule="applications.balance",
                table="applications",
                column="natural_person",
                figures={"left": 13, "right": 12, "amount": Decimal("0.5"), "rows": ["new_received"]},
                where=Where(page=3, line=7),
            ),
            Finding(code="cell_text", message="“无” in a numeric cell", severity="info"),
        ],
        checks={
            "applications.balance": RuleCheck(passed=6, failed=1, not_checkable=0),
            "applications.row_total": RuleCheck(passed=20, failed=0, not_checkable=6),
        },
        status="ok",
    )


def write_json(report: Report) -> bytes:
    out = io.BytesIO()
    JsonWriter().write([report], out, {})
    return out.getvalue()


def validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(data: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(data)]


# --- the plugin ---------------------------------------------------------------


def test_plugin_registers_both_writers() -> None:
    registry = Registry()
    info = registry.add_plugin(gongkai_json, "gongkai.json")
    assert info.status == "ok", info.error
    assert info.provides == {"writers": ["json", "jsonl"]}
    json_writer, jsonl_writer = registry.writers["json"], registry.writers["jsonl"]
    assert isinstance(json_writer, Writer) and isinstance(jsonl_writer, Writer)
    assert (json_writer.extensions, json_writer.many) == ((".json",), False)
    assert (jsonl_writer.extensions, jsonl_writer.many) == ((".jsonl",), True)


# --- the json writer ----------------------------------------------------------


@pytest.mark.parametrize("tid", BUILTIN)
def test_output_is_utf8_json_with_chinese_as_is(tid: str) -> None:
    data = write_json(make_report(tid))
    text = data.decode("utf-8")
    json.loads(text)
    assert "成武县工业和信息化局" in text
    assert "\\u" not in text  # nothing escaped, not even U+2028
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n "schema_version": "1.0",\n')  # indent=1


@pytest.mark.parametrize("amount", ["96171.6", "0.0001", "96171.60", "1E+3", "-0.5"])
def test_decimals_are_written_as_printed(amount: str) -> None:
    data = write_json(make_report("gov-2021", amount=Decimal(amount)))
    assert f'"amount": {amount}\n'.encode() in data
    back = read_report_json(data).cell("active_disclosure", "fees", "amount").value
    assert isinstance(back, Decimal) and str(back) == amount


def test_96171_6_never_goes_through_a_float() -> None:
    data = write_json(make_report("gov-2021"))
    assert b"96171.6" in data and b"96171.59" not in data and b"96171.600" not in data


@pytest.mark.parametrize("tid", BUILTIN)
def test_round_trip(tid: str) -> None:
    report = make_report(tid)
    data = write_json(report)
    back = read_report_json(data)
    assert back.to_dict() == report.to_dict()
    assert back.tables == report.tables  # cells compare field by field, provenance included
    assert write_json(back) == data  # and writing again gives the same bytes
    assert read_report_json(data.decode("utf-8")).to_dict() == report.to_dict()


@pytest.mark.parametrize("tid", BUILTIN)
def test_key_order_is_template_order(tid: str) -> None:
    report = make_report(tid)
    data = json.loads(write_json(report))
    assert list(data) == list(report.to_dict())
    expected = [(t.id, [(r.id, list(t.row_columns(r.id))) for r in t.rows]) for t in tables_in_order(template(tid))]
    for key in ("tables", "cells"):
        got = [(t, [(r, list(cols)) for r, cols in rows.items()]) for t, rows in data[key].items()]
        assert got == expected, key


def test_json_writer_wants_exactly_one_report() -> None:
    report = make_report("gov-2021")
    with pytest.raises(WriteError, match="exactly one"):
        JsonWriter().write([report, report], io.BytesIO(), {})
    with pytest.raises(WriteError, match="got none"):
        JsonWriter().write([], io.BytesIO(), {})


def test_json_writer_takes_at_most_two_reports() -> None:
    taken: list[int] = []

    def reports() -> Iterator[Report]:
        for i in range(5):
            taken.append(i)
            yield make_report("gov-2021")

    out = io.BytesIO()
    with pytest.raises(WriteError):
        JsonWriter().write(reports(), out, {})
    assert taken == [0, 1] and out.getvalue() == b""


def test_unwritable_value_is_a_write_error() -> None:
    report = make_report("gov-2021", amount=Decimal("NaN"))
    with pytest.raises(WriteError, match="cannot be written"):
        write_json(report)


# --- the jsonl writer ---------------------------------------------------------


def test_jsonl_writes_one_line_per_report() -> None:
    reports = [make_report("gov-2021"), make_report("gov-2019", amount=Decimal("0.0001")), Report()]
    out = io.BytesIO()
    JsonLinesWriter().write(iter(reports), out, {})
    data = out.getvalue()
    lines = data.split(b"\n")
    assert lines[-1] == b"" and len(lines) == len(reports) + 1
    for line, report in zip(lines, reports, strict=False):
        assert b'": ' not in line  # compact
        assert read_report_json(line).to_dict() == report.to_dict()
    # U+2028 stays raw inside a line and must not split it when reading back
    assert [r.to_dict() for r in iter_reports_jsonl(data)] == [r.to_dict() for r in reports]
    assert len(list(iter_reports_jsonl(data.decode("utf-8")))) == len(reports)


def test_jsonl_of_nothing_is_empty() -> None:
    out = io.BytesIO()
    JsonLinesWriter().write([], out, {})
    assert out.getvalue() == b""


# --- reading ------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"not json", b"[1, 2]", b'{"meta": {"colour": 1}}', b"\xff\xfe\x00"])
def test_reading_garbage_is_a_read_error(data: bytes) -> None:
    with pytest.raises(ReadError):
        read_report_json(data)


# --- the schema ---------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "changed"
    assert load_schema()["title"] != "changed"  # each call gives a fresh copy


def test_schema_documents_every_key_of_to_dict() -> None:
    schema = load_schema()
    report = make_report("gov-2021")
    assert schema["required"] == list(report.to_dict())
    assert list(schema["properties"]) == list(report.to_dict())
    assert schema["properties"]["schema_version"]["const"] == report.to_dict()["schema_version"]


@pytest.mark.parametrize("tid", BUILTIN)
def test_output_validates_against_schema(tid: str) -> None:
    data = json.loads(write_json(make_report(tid)), parse_float=Decimal)
    assert schema_errors(data) == []


def test_empty_report_validates() -> None:
    assert schema_errors(json.loads(write_json(Report()))) == []


def test_plugin_template_ids_stay_open() -> None:
    report = Report(
        template="prov-sd-2015",
        tables={"statistics": {"whatever": {"any_column": Cell(value=3)}}},
        status="partial",
    )
    assert schema_errors(json.loads(write_json(report))) == []


def test_boxed_placed_cell_validates() -> None:
    """A cell with its box on the page and an inferred placement: written to 2 decimals, valid, read back."""
    report = make_report("gov-2021")
    where = Where(page=2, line=36, col=7, x0=506.0, top=587.600763779528, x1=519.5, bottom=596.6049)
    cell = Cell(value=515, raw="515", where=where, placed="by_position", confirmed_by=("applications.row_total",))
    report.tables["applications"]["new_received"]["total"] = cell
    data = json.loads(write_json(report), parse_float=Decimal)
    assert schema_errors(data) == []
    written = data["cells"]["applications"]["new_received"]["total"]
    assert written["where"] == {
        "page": 2,
        "line": 36,
        "col": 7,
        "x0": Decimal("506.0"),
        "top": Decimal("587.6"),
        "x1": Decimal("519.5"),
        "bottom": Decimal("596.6"),
    }
    assert (written["placed"], written["confirmed_by"]) == ("by_position", ["applications.row_total"])
    back = read_report_json(write_json(report))
    assert write_json(back) == write_json(report)
    assert back.cell("applications", "new_received", "total").confirmed_by == ("applications.row_total",)


def _ids(schema: dict[str, Any], node: dict[str, Any]) -> Any:
    """The ids an `*_ids` definition requires, nested, following $refs."""
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return [
        (key, _ids(schema, node["properties"][key]) if node["properties"][key] is not True else None)
        for key in node["required"]
    ]


@pytest.mark.parametrize("tid", BUILTIN)
def test_schema_ids_match_the_template_files(tid: str) -> None:
    schema = load_schema()
    expected = [
        (t.id, [(r.id, [(c, None) for c in t.row_columns(r.id)]) for r in t.rows])
        for t in tables_in_order(template(tid))
    ]
    assert _ids(schema, {"$ref": f"#/$defs/{tid}_ids"}) == expected
    (rule,) = [r for r in schema["allOf"] if r["if"]["properties"]["template"]["const"] == tid]
    assert rule["then"]["properties"]["tables"] == {"$ref": f"#/$defs/{tid}_ids"}
    assert rule["then"]["properties"]["cells"] == {"$ref": f"#/$defs/{tid}_ids"}


def _break(data: dict[str, Any], how: str) -> None:
    if how == "missing row":
        del data["tables"]["applications"]["other_other"]
    elif how == "missing row in cells":
        del data["cells"]["applications"]["other_other"]
    elif how == "missing column":
        del data["tables"]["review_litigation"]["review"]["pending"]
    elif how == "extra column":
        data["tables"]["active_disclosure"]["licensing"]["change"] = 1
    elif how == "missing table":
        del data["tables"]["active_disclosure"]
        del data["cells"]["active_disclosure"]
    elif how == "other template's ids":
        gov_2019 = json.loads(write_json(make_report("gov-2019")))
        data["tables"]["active_disclosure"] = gov_2019["tables"]["active_disclosure"]
        data["cells"]["active_disclosure"] = gov_2019["cells"]["active_disclosure"]
    elif how == "string value":
        data["tables"]["applications"]["granted"]["total"] = "12"
    elif how == "cell without value":
        del data["cells"]["applications"]["granted"]["total"]["value"]
    elif how == "unknown cell key":
        data["cells"]["applications"]["granted"]["total"]["colour"] = "red"
    elif how == "bad severity":
        data["findings"][0]["severity"] = "fatal"
    elif how == "bad status":
        data["status"] = "done"
    elif how == "bad date":
        data["meta"]["published"] = "2022年1月26日"
    elif how == "bad sha256":
        data["source"]["sha256"] = "XYZ"
    elif how == "unknown top-level key":
        data["extra"] = 1
    elif how == "unknown layout table":
        data["layouts"]["procurement"] = "standard"
    elif how == "unknown placement":
        data["cells"]["applications"]["granted"]["total"]["placed"] = "guessed"
    elif how == "rules as one text":
        data["cells"]["applications"]["granted"]["total"]["confirmed_by"] = "applications.row_total"
    elif how == "box as text":
        data["cells"]["applications"]["granted"]["total"]["where"]["x0"] = "412.5"
    else:
        raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "missing row",
        "missing row in cells",
        "missing column",
        "extra column",
        "missing table",
        "other template's ids",
        "string value",
        "cell without value",
        "unknown cell key",
        "bad severity",
        "bad status",
        "bad date",
        "bad sha256",
        "unknown top-level key",
        "unknown layout table",
        "unknown placement",
        "rules as one text",
        "box as text",
    ],
)
def test_schema_rejects_broken_output(how: str) -> None:
    good = json.loads(write_json(make_report("gov-2021")))
    bad = copy.deepcopy(good)
    _break(bad, how)
    assert schema_errors(good) == []
    assert schema_errors(bad) != []


def test_gov_2019_ids_are_constrained_too() -> None:
    data = json.loads(write_json(make_report("gov-2019")))
    del data["tables"]["active_disclosure"]["procurement"]
    assert schema_errors(data) != []
