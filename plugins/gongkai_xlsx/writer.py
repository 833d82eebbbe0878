"""The XLSX writer: one report as a workbook laid out like the form, or many as a data-set workbook.

Which one is decided by how many reports arrive: the writer takes two items
of the iterable; exactly one report gives the report workbook
(`report_book`), none or several the data-set workbook (`dataset_book`),
which then streams through the rest. The option ``shape`` = ``report`` or
``dataset`` forces one (``report`` refuses more than one report).

xlsxwriter, not openpyxl: on the same 10,000-report data set it was about
twice as fast, and its constant_memory mode keeps memory flat where
openpyxl's normal mode grows with every row (benchmarks/write_datasets.py
measures both). openpyxl is used by the tests to read the output back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

from gongkai.errors import WriteError
from gongkai.model import Report
from gongkai_xlsx.styles import WORKBOOK_OPTIONS
from gongkai_xlsx.values import report_name

if TYPE_CHECKING:
    from gongkai_xlsx.dataset_book import DatasetBook

SHAPES = ("auto", "report", "dataset")


class XlsxWriter:
    """`--to xlsx`: one report as a form-like workbook, several as a data set."""

    name = "xlsx"
    extensions: tuple[str, ...] = (".xlsx",)
    many = True
    option_values: Mapping[str, tuple[str, ...]] = {"shape": SHAPES}

    def write(self, reports: Iterable[Report], out: BinaryIO, options: Mapping[str, str]) -> None:
        # xlsxwriter and the books load at the first write, not when the registry lists the plugin.
        import xlsxwriter

        from gongkai_xlsx.dataset_book import DatasetBook

        shape = _shape(options)
        items = iter(reports)
        # Take two items: enough to know whether exactly one report came.
        taken = [r for r in (next(items, None),) if r is not None]
        taken += [r for r in (next(items, None),) if r is not None] if taken else []
        if shape == "report" and len(taken) != 1:
            got = "none" if not taken else "several"
            raise WriteError(f"the xlsx writer with shape=report writes exactly one report, got {got}")
        if len(taken) == 1 and shape != "dataset":
            _write_report(taken[0], out)
        else:
            first = taken[0] if taken else None
            workbook = xlsxwriter.Workbook(out, {**WORKBOOK_OPTIONS, "constant_memory": True})
            book = DatasetBook(workbook, first)
            del first
            _write_dataset(workbook, book, _chain(taken, items))


def _shape(options: Mapping[str, str]) -> str:
    for key in options:
        if key != "shape":
            raise WriteError(f"unknown option {key!r} for the xlsx writer (known: shape)")
    shape = options.get("shape", "auto")
    if shape not in SHAPES:
        raise WriteError(f"option shape of the xlsx writer must be one of {', '.join(SHAPES)}, not {shape!r}")
    return shape


def _chain(taken: list[Report], rest: Iterator[Report]) -> Iterator[Report]:
    """The reports already taken, then the rest; holding none of them once it has handed it on."""
    while taken:
        yield taken.pop(0)
    yield from rest


def _write_report(report: Report, out: BinaryIO) -> None:
    import xlsxwriter

    from gongkai_xlsx.report_book import CellProblem, write_report_book

    workbook = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    try:
        write_report_book(workbook, report)
    except CellProblem as exc:
        _abandon(workbook)
        raise WriteError(f"{report_name(1, report)}: {exc}") from exc
    _close(workbook)


def _write_dataset(workbook: Any, book: DatasetBook, reports: Iterator[Report]) -> None:
    from gongkai_xlsx.report_book import CellProblem

    try:
        for n, report in enumerate(reports, 1):
            try:
                book.add(report)
            except CellProblem as exc:
                raise WriteError(f"{report_name(n, report)}: {exc}") from exc
        book.close()
    except BaseException:
        _abandon(workbook)
        raise
    _close(workbook)


def _close(workbook: Any) -> None:
    try:
        workbook.close()
    except OSError as exc:
        raise WriteError(f"cannot write XLSX output: {exc.strerror or exc}") from exc


def _abandon(workbook: Any) -> None:
    """Give up a workbook that will not be closed (its temporary files go with it), without the destructor's warning."""
    workbook.fileclosed = True
    for sheet in workbook.worksheets():
        fh = getattr(sheet, "row_data_fh", None)
        if fh is not None and not fh.closed:
            fh.close()
