"""The recogniser: Layout → Report. Knows the templates, never a file format.

Rows come from the layout (text lines and grid rows alike); the template is
chosen by what the document shows; every printed layout of every table is
tried and the one whose rows align best with the document wins; the
matched rows' figures are placed into cells; the rules then derive what the
document determines without printing it, and report what does not add up.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product

from gongkai.checks import check
from gongkai.errors import ReadError
from gongkai.layout import Grid, Layout
from gongkai.model import Cell, Finding, Report, Source
from gongkai.recognise.align import Match, Scores, align
from gongkai.recognise.choose import choose_template
from gongkai.recognise.columns import learn, misordered, printed_order, reorder
from gongkai.recognise.gaps import by_order
from gongkai.recognise.meta import read_meta
from gongkai.recognise.place import Proposal, propose, write
from gongkai.recognise.recover import recover
from gongkai.recognise.rows import DocRow, layout_rows
from gongkai.recognise.sections import find_sections, first_report
from gongkai.rules import Readings
from gongkai.template import PrintedRow, Template

# Rows of text and of tables in one document: a 200-page report has some 10,000 lines. Reading a row
# costs about half a millisecond, so this is some 25 seconds at most.
MAX_ROWS = 50_000
# Rows with figures: a report's tables have under 100, a long report with appendices a few thousand. The
# alignment costs their number times the template's rows for every layout tried (47,000 took two minutes).
MAX_DATA_ROWS = 5_000


def recognise(layout: Layout, templates: Mapping[str, Template], source: Source | None = None) -> Report:
    """Raises ReadError for a document of more than `MAX_ROWS` rows or `MAX_DATA_ROWS` rows with figures."""
    size = sum(b.n_rows if isinstance(b, Grid) else 1 for b in layout.blocks)
    if size > MAX_ROWS:
        raise ReadError(f"too many rows for a report: {size:,} lines and table rows, the limit is {MAX_ROWS:,}")
    rows = layout_rows(layout)
    figures = sum(1 for r in rows if r.is_data)
    if figures > MAX_DATA_ROWS:
        raise ReadError(f"too many rows of figures for a report: {figures:,}, the limit is {MAX_DATA_ROWS:,}")
    second = _second_report(rows, templates)
    cut = rows[second] if second is not None else None
    rows = rows[:second]
    meta = read_meta(rows, layout.title)
    text = "\n".join(r.text for r in rows)
    report = Report(meta=meta, source=source or Source())
    report.findings.extend(Finding(code="reader", message=p, severity="info") for p in layout.problems)
    if cut is not None:
        report.findings.append(
            Finding(
                code="another_report",
                message=f"the file goes on with another report ({cut.text[:40]!r}): only the first one was read",
                where=cut.cells[0].where if cut.cells else None,
            )
        )
    if layout.image_pages:
        pages = ", ".join(map(str, layout.image_pages))
        report.findings.append(
            Finding(
                code="ocr_needed",
                figures={"pages": layout.image_pages},
                message=f"pages {pages} have no usable text layer (images, or glyphs without text): OCR is needed",
            )
        )
    scores = Scores(rows)
    aligned: dict[str, tuple[float, dict[str, str], list[Match]]] = {}

    def aligned_with(t: Template) -> tuple[float, dict[str, str], list[Match]]:
        if t.id not in aligned:  # choosing the template may have aligned it already
            aligned[t.id] = best_alignment(t, scores)
        return aligned[t.id]

    template, reason = choose_template(templates, text, meta.year, lambda t: aligned_with(t)[0])
    report.template_reason = reason
    if template is None:
        report.status = "needs_ocr" if layout.image_pages else "no_tables"
        return report
    report.template = template.id
    report.sections = find_sections(rows, template.sections)
    _, layouts, matches = aligned_with(template)
    matches = by_order(rows, printed_rows(template, layouts), matches)
    unplaced = fill(report, template, layouts, matches, rows)
    if report.status == "no_tables":  # nothing of any table: no template fits, and no cells are claimed
        return Report(
            meta=meta,
            source=report.source,
            sections=report.sections,
            status="needs_ocr" if layout.image_pages else "no_tables",
            template_reason="no table of any template was found",
            findings=[
                *(f for f in report.findings if f.code in ("reader", "ocr_needed")),
                Finding(code="no_tables", message="none of the report's tables was found"),
            ],
        )
    check(template, report, unplaced)
    return report


def _second_report(rows: list[DocRow], templates: Mapping[str, Template]) -> int | None:
    sections = next((t.sections for t in templates.values() if t.sections), ())
    return first_report(rows, sections)


def best_alignment(template: Template, scores: Scores) -> tuple[float, dict[str, str], list[Match]]:
    """Align rows against every combination of table layouts.

    The layouts that explain the most printed figures win; a row of blank
    cells (a group heading row, say) is no evidence for a layout, unless the
    whole document is blank (a form). Ties go to the template's defaults.
    """
    choices = []
    for table in template.tables:
        ids = [lay.id for lay in table.layouts] or ["standard"]
        default = template.default_layouts.get(table.id, ids[0])
        choices.append([default] + [i for i in ids if i != default])
    tried: list[tuple[float, float, dict[str, str], list[Match]]] = []
    for combo in product(*choices):
        layouts = {t.id: lay for t, lay in zip(template.tables, combo, strict=True)}
        score, matches = align(scores, printed_rows(template, layouts))
        matches = _whole_bare_tables(template, layouts, matches)
        score = min(score, sum(m.score for m in matches)) if matches else 0.0
        tried.append((sum(m.score for m in matches if m.row.filled()), score, layouts, matches))
    most = max(t[0] for t in tried)
    if most > 0:
        chosen = next(t for t in tried if t[0] > most - 1e-9)
    else:
        chosen = next(t for t in tried if t[1] > max(t[1] for t in tried) - 1e-9)
    return chosen[1], chosen[2], chosen[3]


def _whole_bare_tables(template: Template, layouts: dict[str, str], matches: list[Match]) -> list[Match]:
    """A layout of several rows printed without labels (table 四 as two or three tables) is known by its
    rows' counts alone: it stands only when every one of them is found, else ten figures of a one-row
    table 四 that lost five blanks would pass for its litigation row."""
    out = list(matches)
    for table in template.tables:
        printed = table.printed_rows(layouts[table.id])
        if len(printed) > 1 and all(not p.labels for p in printed):
            found = {m.printed.row for m in matches if m.table == table.id}
            if len(found) < len(printed):
                out = [m for m in out if m.table != table.id]
    return out


def printed_rows(template: Template, layouts: dict[str, str]) -> list[tuple[str, PrintedRow]]:
    return [(t.id, p) for t in template.tables for p in t.printed_rows(layouts[t.id])]


def fill(
    report: Report, template: Template, layouts: dict[str, str], matches: list[Match], rows: list[DocRow]
) -> Readings:
    """Every cell of every table exists (null until read); matched rows' figures go in.

    Returns the rows whose figures were not placed, with their readings.
    """
    for table in template.tables:
        report.tables[table.id] = {row.id: {col: Cell() for col in table.row_columns(row.id)} for row in table.rows}
    found = {m.table for m in matches}
    for table in template.tables:
        if table.id in found:
            report.layouts[table.id] = layouts[table.id]
            matched = {m.printed.row for m in matches if m.table == table.id}
            lost = [p.row for p in table.printed_rows(layouts[table.id]) if p.row not in matched]
            if lost:
                report.findings.append(
                    Finding(
                        code="rows_not_found",
                        table=table.id,
                        figures={"rows": lost},
                        message=f"{len(lost)} rows of {table.id} were not found: " + ", ".join(lost),
                    )
                )
        else:
            report.findings.append(
                Finding(
                    code="table_not_found",
                    table=table.id,
                    message=f"table {table.id} ({table.title}) was not found",
                )
            )
    matches = reorder(matches, printed_order(matches, rows, template))
    columns = learn([m for m in matches if not m.by_order], rows, template)
    doubtful: list[Proposal] = []
    for match in matches:
        if misordered(match, rows, template):
            report.findings.append(
                Finding(
                    code="headings_misordered",
                    message=f"the headings over {match.table}'s row of {len(match.printed.cells)} figures stand in "
                    "another order than the national form's: its figures were not placed",
                    table=match.table,
                    row=match.printed.row,
                )
            )
            continue
        proposal = propose(match, template, columns)
        if isinstance(proposal, Finding):
            report.findings.append(proposal)
        elif proposal.certain:
            how = proposal.readings[0].how
            note = "placed under its column by its position on the page" if how == "by_position" else None
            write(report, template.table(match.table), match, proposal.readings[0], note=note)
        elif proposal.readings:
            doubtful.append(proposal)
    unplaced = recover(template, report, doubtful)
    report.status = "ok" if len(found) == len(template.tables) else "partial" if found else "no_tables"
    return unplaced
