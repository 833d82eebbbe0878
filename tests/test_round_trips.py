"""Round trips: documents generated from known models (fixtures/generator) must read back as those models.

Every document in fixtures/generated/{docx,html,pdf} and fixtures/forms is
converted with `gongkai.convert`; the template, every table value, the
printed layouts and the report's year and agency must equal its expected
file (fixtures/generated/expected/NAME.json; for fixtures/forms/X.EXT,
X.EXT.expected.json or else X.expected.json). A format whose reader is not
installed is skipped, not failed. Regenerate the documents with
`python fixtures/generator` (see its docstring); the tests never run
LibreOffice.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import gongkai
from conftest import FIXTURES
from gongkai.plugins import get_registry

GENERATED = FIXTURES / "generated"
FORMS = FIXTURES / "forms"
GENERATOR = FIXTURES / "generator"
READER_FOR = {".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def documents() -> list[Any]:
    params = []
    for fmt in ("docx", "html", "pdf"):
        for path in sorted((GENERATED / fmt).glob("*")):
            if path.suffix in READER_FOR:
                params.append(pytest.param(path, GENERATED / "expected" / f"{path.stem}.json", id=path.stem))
    for path in sorted(FORMS.glob("*")):
        if path.suffix in READER_FOR:
            own = FORMS / f"{path.name}.expected.json"
            expected = own if own.exists() else FORMS / f"{path.stem}.expected.json"
            params.append(pytest.param(path, expected, id=f"forms-{path.name}"))
    return params


def load_expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"), parse_float=Decimal)
    return data


def reader_missing(name: str) -> str | None:
    """Why the reader is not there, or None when it is installed."""
    registry = get_registry()
    if name in registry.readers:
        return None
    plugin = next((p for p in registry.plugins if p.name == f"gongkai.{name}"), None)
    why = f"plugin gongkai.{name} is {plugin.status}: {plugin.error}" if plugin else f"no plugin gongkai.{name}"
    return f"the {name} reader is not installed yet ({why})"


def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Cell by cell: table.row.column: expected X, got Y (numbers compared as numbers, Decimal exact)."""
    out = []
    for table, rows in expected.items():
        for row, cols in rows.items():
            for col, want in cols.items():
                have = got.get(table, {}).get(row, {}).get(col, "<missing>")
                if have != want or (want is None) != (have is None):
                    out.append(f"{table}.{row}.{col}: expected {want}, got {have}")
    for table, rows in got.items():
        for row, cols in rows.items():
            for col in cols:
                if col not in expected.get(table, {}).get(row, {}):
                    out.append(f"{table}.{row}.{col}: not in the template's expected cells")
    return out


@pytest.mark.parametrize(("path", "expected_path"), documents())
def test_round_trip(path: Path, expected_path: Path) -> None:
    reader = READER_FOR[path.suffix]
    missing = reader_missing(reader)
    if missing:
        pytest.skip(missing)
    expected = load_expected(expected_path)
    try:
        report = gongkai.convert(path)
    except gongkai.NoReaderError as exc:
        pytest.skip(f"no reader for {path.name}: {exc}")
    assert report.source.format == reader, f"read by the {report.source.format} reader, not {reader}"
    assert report.template == expected["template"], report.template_reason
    diff = differences(expected["tables"], report.values())
    assert not diff, f"{len(diff)} cells differ:\n" + "\n".join(diff[:40])
    for table, layout in expected["layouts"].items():
        assert report.layouts.get(table) == layout, f"layout of {table}"
    meta, problems = expected["meta"], []
    year, agency, published = report.meta.year, report.meta.agency, report.meta.published
    if year != meta["year"]:
        problems.append(f"meta.year: expected {meta['year']}, got {year}")
    if meta["agency"] and meta["agency"] not in (agency or ""):
        problems.append(f"meta.agency: expected {meta['agency']!r} in it, got {agency!r}")
    if not meta["agency"] and agency is not None:
        problems.append(f"meta.agency: the document names no agency, got {agency!r}")
    if published != meta["published"]:
        problems.append(f"meta.published: expected {meta['published']}, got {published}")
    assert not problems, "; ".join(problems)


def test_every_document_has_its_expected_file() -> None:
    params = documents()
    assert len(params) >= 36 + 2, "fixtures/generated is incomplete: run python fixtures/generator"
    for param in params:
        path, expected_path = param.values
        assert expected_path.exists(), f"{path.name} has no expected file {expected_path.name}"
        assert load_expected(expected_path)["doc"] == path.name


# ---------------------------------------------------------------- the generator's models


def generator_model() -> ModuleType:
    """fixtures/generator/model.py (standard library only), imported under a name of its own."""
    name = "gongkai_fixture_model"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GENERATOR / "model.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def plain(data: Any) -> Any:
    """Every number as Decimal, to compare a built model with a file read back with parse_int=Decimal."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    if isinstance(data, int) and not isinstance(data, bool):
        return Decimal(data)
    return data


def test_generator_is_deterministic() -> None:
    model = generator_model()
    first = [d.expected() for d in model.build(model.DEFAULT_SEED)]
    second = [d.expected() for d in model.build(model.DEFAULT_SEED)]
    assert first == second
    other = [d.expected() for d in model.build(model.DEFAULT_SEED + 1)]
    assert [d["tables"] for d in other] != [d["tables"] for d in first]


def test_expected_files_are_the_generators() -> None:
    """The committed expected files are what the generator builds from its default seed."""
    model = generator_model()
    for doc in model.build(model.DEFAULT_SEED):
        path = GENERATED / "expected" / f"{doc.name}.json"
        assert path.exists(), f"{path.name} missing: run python fixtures/generator"
        built = plain(doc.expected())
        on_disk = json.loads(path.read_text("utf-8"), parse_float=Decimal, parse_int=Decimal)
        assert on_disk == built, f"{path.name} differs from the generator's model: regenerate"


def _sum(cells: list[Any]) -> Any:
    return sum(cells) if all(c is not None for c in cells) else None


def test_expected_values_obey_the_rules() -> None:
    """Every expected file's figures satisfy the consistency rules (spec §6) wherever they are printed."""
    model = generator_model()
    paths = sorted((GENERATED / "expected").glob("*.json"))
    assert paths
    for path in paths:
        data = load_expected(path)
        apps, review = data["tables"]["applications"], data["tables"]["review_litigation"]
        for row, cols in apps.items():
            assert cols["total"] == _sum([cols[c] for c in model.APPLICANT_IDS]), (path.name, row)
        for col in model.APPLICATION_COLUMNS:
            outcomes = [apps[r][col] for r in (*model.OUTCOME_ROWS, "other_handling")]
            assert apps["total_handled"][col] == sum(outcomes), (path.name, col)
            left = apps["new_received"][col] + apps["carried_over"][col]
            assert left == apps["total_handled"][col] + apps["carried_forward"][col], (path.name, col)
            subs = [apps[r][col] for r in model.OTHER_SUB_ROWS]
            if data["layouts"]["applications"] == model.THREE_ROWS:
                assert apps["other_handling"][col] == sum(subs), (path.name, col)
            else:
                assert subs == [None, None, None], (path.name, col)
        for row, cols in review.items():
            assert cols["total"] == cols["upheld"] + cols["corrected"] + cols["other"] + cols["pending"], row
