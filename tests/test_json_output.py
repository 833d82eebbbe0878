"""Real output of the whole pipeline against the shipped JSON Schema, and read back equal."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

import gongkai
from conftest import FIXTURES, SEEDS, expected_for
from gongkai_json import dumps_report, load_schema, read_report_json


def test_seed_output_validates_and_reads_back(seed: Path) -> None:
    report = gongkai.convert(seed)
    data = dumps_report(report)
    jsonschema.Draft202012Validator(load_schema()).validate(json.loads(data))
    again = read_report_json(data)
    assert again.to_dict() == report.to_dict()
    assert again.values() == expected_for(seed)["tables"]


def test_not_a_report_output_still_validates() -> None:
    report = gongkai.convert("关于放假的通知\n国庆节放假七天。\n".encode())
    assert report.status == "no_tables"
    jsonschema.Draft202012Validator(load_schema()).validate(json.loads(dumps_report(report)))


def test_output_is_stable() -> None:
    assert dumps_report(gongkai.convert(SEEDS[2])) == dumps_report(gongkai.convert(SEEDS[2]))


def test_pdf_output_with_boxes_validates_and_reads_back() -> None:
    report = gongkai.convert(FIXTURES / "generated" / "pdf" / "pdf-06-official-gov2021-borderless.pdf")
    data = dumps_report(report)
    jsonschema.Draft202012Validator(load_schema()).validate(json.loads(data))
    total = json.loads(data)["cells"]["applications"]["new_received"]["total"]
    assert {"x0", "top", "x1", "bottom"} <= set(total["where"])
    assert dumps_report(read_report_json(data)) == data
