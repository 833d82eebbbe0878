"""Round trips: documents generated from known models (fixtures/generator) must read back as those models.

Every document in fixtures/generated/{docx,html,pdf,txt,md} and
fixtures/forms is converted with `gongkai.convert`; the template, every
table value, the printed layouts and the report's year and agency must
equal its expected file (fixtures/generated/expected/NAME.json; for
fixtures/forms/X.EXT, X.EXT.expected.json or else X.expected.json), and
every row the expected file lists as ``unplaced`` must be named by a
warning (or error) finding. The crawler dumps (txt/) and the Markdown pipe
tables (md/, .md and .txt) are read by the txt reader; every reader is a
built-in, so a missing one fails. Regenerate the documents
with `python fixtures/generator` (see its docstring); the tests never run
LibreOffice.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import gongkai
from conftest import FIXTURES, assert_inferences_are_sound, generator_module
from gongkai.plugins import get_registry

GENERATED = FIXTURES / "generated"
FORMS = FIXTURES / "forms"
GENERATOR = FIXTURES / "generator"
READER_FOR = {".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf", ".txt": "txt", ".md": "txt"}
SUFFIXES = {"docx": (".docx",), "html": (".html", ".htm"), "pdf": (".pdf",), "txt": (".txt",), "md": (".md", ".txt")}


def documents() -> list[Any]:
    params = []
    for fmt, suffixes in SUFFIXES.items():
        for path in sorted((GENERATED / fmt).glob("*")):
            if path.suffix in suffixes:
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
    assert not missing, missing  # the built-in readers ship with gongkai: a missing one is a failure
    expected = load_expected(expected_path)
    report = gongkai.convert(path)
    assert report.source.format == reader, f"read by the {report.source.format} reader, not {reader}"
    assert report.template == expected["template"], report.template_reason
    diff = differences(expected["tables"], report.values())
    assert not diff, f"{len(diff)} cells differ:\n" + "\n".join(diff[:40])
    for table, layout in expected["layouts"].items():
        assert report.layouts.get(table) == layout, f"layout of {table}"
    for key in expected.get("unplaced", []):
        table, row = key.split(".")
        named = [f for f in report.findings if f.severity in ("warning", "error") and (f.table, f.row) == (table, row)]
        assert named, f"{key}: its figures are not determined, but no warning finding names it"
    assert_inferences_are_sound(report)
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
    assert len(params) == 41 + 44 + 2, "fixtures/generated differs from the generator's plan: run it"
    for param in params:
        path, expected_path = param.values
        assert expected_path.exists(), f"{path.name} has no expected file {expected_path.name}"
        assert load_expected(expected_path)["doc"] == path.name


# ---------------------------------------------------------------- the generator's models


def generator_model() -> ModuleType:
    """fixtures/generator/model.py (standard library only)."""
    return generator_module("model.py")


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


def _holds(path: Path, what: object, left: list[Any], right: list[Any]) -> None:
    """A rule instance sum(left) = sum(right), checked only where every cell is known."""
    if all(c is not None for c in left + right):
        assert sum(left) == sum(right), (path.name, what, left, right)


def test_expected_values_obey_the_rules() -> None:
    """Every expected file's figures satisfy the consistency rules (spec §6) wherever they are all known."""
    model = generator_model()
    paths = sorted((GENERATED / "expected").glob("*.json"))
    assert paths
    for path in paths:
        data = load_expected(path)
        apps, review = data["tables"]["applications"], data["tables"]["review_litigation"]
        for row, cols in apps.items():
            _holds(path, row, [cols["total"]], [cols[c] for c in model.APPLICANT_IDS])
        for col in model.APPLICATION_COLUMNS:
            outcomes = [apps[r][col] for r in (*model.OUTCOME_ROWS, "other_handling")]
            _holds(path, col, [apps["total_handled"][col]], outcomes)
            left = [apps["new_received"][col], apps["carried_over"][col]]
            _holds(path, col, left, [apps["total_handled"][col], apps["carried_forward"][col]])
            subs = [apps[r][col] for r in model.OTHER_SUB_ROWS]
            if data["layouts"]["applications"] == model.THREE_ROWS:
                _holds(path, col, [apps["other_handling"][col]], subs)
            else:
                assert subs == [None, None, None], (path.name, col)
        for row, cols in review.items():
            _holds(path, row, [cols["total"]], [cols[c] for c in ("upheld", "corrected", "other", "pending")])


def test_expected_values_are_the_models_where_determined() -> None:
    """A solved document's expected value, where not null, is the model's own figure; its unplaced rows are rows of
    its tables, expected null unless the rules force them."""
    model = generator_model()
    solved = [d for d in model.build(model.DEFAULT_SEED) if d.unplaced is not None]
    assert len(solved) >= 44
    for doc in solved:
        for table, rows in doc.values.items():
            for row, cols in rows.items():
                for col, value in cols.items():
                    truth = doc.truth[table][row][col]
                    assert value is None or str(value) == str(truth), (doc.name, table, row, col, value, truth)
        for key in doc.unplaced:
            table, row = key.split(".")
            assert row in doc.values[table], (doc.name, key)
    for option in ("holes", "labelless", "unconfirmed", "ambiguous", "four", "fragment", "no_title", "glued_rows"):
        assert any(d.options.get(option) for d in solved), f"no solved document has {option}"
    assert any(d.unplaced for d in solved if d.fmt == "md") and any(d.unplaced for d in solved if d.fmt == "txt")


# ---------------------------------------------------------------- the generator's solver


def solver() -> ModuleType:
    generator_model()
    return sys.modules["gongkai_fixture_solve"]


def _key(row: str, col: str, table: str = "applications") -> tuple[str, str, str]:
    return (table, row, col)


def test_solver_splits_runs_into_valid_parts() -> None:
    solve = solver()
    counts = (solve.COUNT,) * 3
    assert sorted(solve.splits("1020", counts)) == [("1", "0", "20"), ("10", "2", "0")]
    assert list(solve.splits("000", counts)) == [("0", "0", "0")]
    assert ("12", "-183", "627") in list(solve.splits("12-183627", (solve.COUNT, solve.CHANGE, solve.COUNT)))
    assert ("0.0500",) in list(solve.splits("0.0500", (solve.AMOUNT,)))
    assert not list(solve.splits("0.", (solve.AMOUNT,)))
    assert list(solve.splits("30.0500", (solve.COUNT, solve.AMOUNT))) == [("3", "0.0500")]  # "30"|".0500" is not
    assert sorted(solve.splits("112.3456", (solve.COUNT, solve.AMOUNT))) == [("1", "12.3456"), ("11", "2.3456")]


def _row_line(solve: ModuleType, row: str, text: str) -> Any:
    cols = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
            "legal_service_org", "other_org", "total")  # fmt: skip
    return solve.Line((solve.Chunk(tuple(_key(row, c) for c in cols), text),))


def test_solver_decides_a_run_by_the_row_total_then_by_the_table() -> None:
    solve = solver()
    model = generator_model()
    rules = model.rule_instances(model.ONE_ROW)
    kinds = {(t, r, c): solve.COUNT for t, r, c in (k for inst in rules for k in inst.keys)}
    one = solve.line_candidates(_row_line(solve, "granted", "5300008"), kinds, rules)
    assert [[c[_key("granted", col)] for col in ("natural_person", "commercial_enterprise")] for c in one] == [[5, 3]]
    two = solve.line_candidates(_row_line(solve, "granted", "110000011"), kinds, rules)
    assert sorted(c[_key("granted", "natural_person")] for c in two) == [1, 11]
    # the column rules decide: （七）总计 prints 1 under 自然人, so 予以公开 cannot be 11 there
    cols = model.APPLICATION_COLUMNS
    lines = [_row_line(solve, "granted", "110000011")]
    figures = {
        "new_received": (11, 10, 0, 0, 0, 0, 21),  # 10 of them carried forward: 11 in 自然人 stays possible below
        "carried_over": (0,) * 7,
        "total_handled": (1, 10, 0, 0, 0, 0, 11),
        "carried_forward": (10, 0, 0, 0, 0, 0, 10),
    }
    for row, printed in figures.items():
        lines.append(
            solve.Line(tuple(solve.Chunk((_key(row, c),), str(v)) for c, v in zip(cols, printed, strict=True)))
        )
    for row in model.OUTCOME_ROWS[1:] + ("other_handling",):
        lines.append(solve.Line(tuple(solve.Chunk((_key(row, c),), "0") for c in cols)))
    result = solve.solve(lines, kinds, rules)
    assert result.values[_key("granted", "natural_person")] == 1
    assert result.values[_key("granted", "commercial_enterprise")] == 10
    assert not result.unplaced
    # without 总计 and 结转 nothing decides: the row is unplaced, and stays null
    lost = [line for line in lines if line.rows[0][1] not in ("total_handled", "carried_forward")]
    result = solve.solve(lost, kinds, rules)
    assert result.unplaced == [("applications", "granted")]
    assert result.values[_key("granted", "natural_person")] is None


def test_solver_closure_forces_one_unknown_and_zeros_never_a_remainder() -> None:
    solve = solver()
    a, b, total = _key("r", "a"), _key("r", "b"), _key("r", "total")
    rule = solve.Instance("row_total", (total,), (a, b))
    assert solve.close({total: 8, a: 5}, [rule])[0][b] == 3
    assert solve.close({total: 5, a: 5}, [rule])[0][b] == 0
    assert b not in solve.close({total: 8}, [rule])[0]
    with pytest.raises(solve.Contradiction):
        solve.close({total: 4, a: 5}, [rule])
