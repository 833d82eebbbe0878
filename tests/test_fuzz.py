"""Fuzzing every reader through the public API: a fixed, modest budget that runs with every `pytest`.

For every input, `gongkai.convert(data, name=..., reader=...)` returns a
Report or raises a GongkaiError whose message is one line (no line break,
at most 300 characters) — never another exception, never a traceback — and
grows the process by less than 500 MB. Time is never asserted: each case
runs in this process, and `benchmarks/fuzz.py` (the long run, in workers
with a time limit) records the slowest cases.

The inputs: mutations of every committed fixture, reproducible from (file,
seed) — `python benchmarks/fuzz.py --replay FILE:SEED --no-large` reruns
one — and Hypothesis examples of text-like reports and HTML-like trees,
derandomized (the same examples on every run; GONGKAI_FUZZ_PROFILE=
gongkai-explore draws new ones). See tests/fuzzing/.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from fuzzing import corpus, verdict
from fuzzing.generate import Case as Generated
from fuzzing.mutate import READERS, build_case
from fuzzing.strategies import fuzz_settings, html_pages, text_reports

# Mutations per fixture and format: some 300 cases in all (about 100 fixtures).
SEEDS_PER_FILE = {"txt": 3, "md": 3, "html": 3, "docx": 4, "pdf": 2}
SOURCES = [source for fmt in corpus.FORMATS for source in corpus.files()[fmt]]


def _judge(described: str, data: bytes, name: str | None, reader: str | None) -> str | None:
    result = verdict.run(data, name, reader)
    return f"{described}: {result.explain()}" if result.failed else None


@pytest.mark.parametrize("source", SOURCES, ids=[s.rsplit("/", 1)[-1] for s in SOURCES])
def test_mutations_of_a_fixture_give_a_report_or_a_one_line_error(
    source: str, capfd: pytest.CaptureFixture[str]
) -> None:
    failures = []
    for seed in range(SEEDS_PER_FILE[corpus.format_of(source)]):
        case = build_case(source, seed, large=False)
        failure = _judge(case.describe(), case.data, case.name, case.reader)
        if failure:
            failures.append(f"{failure}\n  replay: python benchmarks/fuzz.py --replay {source}:{seed} --no-large")
    assert not failures, "\n".join(failures)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("reader", READERS)
def test_each_reader_forced_on_every_format(reader: str) -> None:
    """--from names a reader: on another format's bytes it must still say why in one line, not crash."""
    failures = []
    for fmt in corpus.FORMATS:
        for source in corpus.files()[fmt][:2]:
            failure = _judge(f"{source} reader={reader}", corpus.read(source), None, reader)
            if failure:
                failures.append(failure)
    assert not failures, "\n".join(failures)


def test_a_case_is_the_same_from_the_same_file_and_seed() -> None:
    for source in (*(corpus.files()[fmt][0] for fmt in corpus.FORMATS), "gen:txt", "gen:html"):
        first, again = build_case(source, 7), build_case(source, 7)
        assert (first.data, first.name, first.reader, first.mutations) == (
            again.data,
            again.name,
            again.reader,
            again.mutations,
        )
        assert len({build_case(source, seed).data for seed in range(10)}) >= 5  # and seeds do differ


@fuzz_settings(max_examples=70)
@given(text_reports())
def test_text_like_reports(case: Generated) -> None:
    data, name, reader = case
    failure = _judge(f"name={name!r} reader={reader!r} {data[:200]!r}", data, name, reader)
    assert failure is None, failure


@fuzz_settings(max_examples=40)
@given(html_pages())
def test_html_like_trees(case: Generated) -> None:
    data, name, reader = case
    failure = _judge(f"name={name!r} reader={reader!r} {data[:200]!r}", data, name, reader)
    assert failure is None, failure


# Cases the long run (benchmarks/fuzz.py) found failing once, kept as regressions: (source, seed).
FOUND = [
    ("gen:txt", 2),  # a 400-digit figure overflowed a float bound in the table search
    ("fixtures/generated/md/md-06-groups-gov2021.md", 1016),  # 19,000 rows of figures: minutes to align
    ("fixtures/seeds/004_ac1d9afdc6b90a14.txt", 1051),  # 63,000 lines
    ("fixtures/generated/pdf/pdf-05-official-gov2019-long-prose.pdf", 1018),  # an 8 MB ToUnicode map of junk
]


@pytest.mark.parametrize(("source", "seed"), FOUND, ids=[f"{s}:{n}" for s, n in FOUND])
def test_cases_the_long_run_found(source: str, seed: int) -> None:
    case = build_case(source, seed)
    failure = _judge(case.describe(), case.data, case.name, case.reader)
    assert failure is None, failure
