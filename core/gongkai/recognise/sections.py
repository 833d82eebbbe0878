"""Finding the six numbered parts, whatever their headings say or whether they are there at all.

A heading is a short prose line holding one of the part's key phrases; its
numbering ("二、") may be missing or wrong. Parts are looked for in order,
each after the last one found, so a part named again inside the text (or a
heading printed twice) does not move the parts before it.
"""

from __future__ import annotations

from gongkai.labels import normalise
from gongkai.model import Section
from gongkai.recognise.rows import DocRow
from gongkai.template import SectionDef

MIN_FIGURE_ROWS = 5  # rows of figures a report has shown before a part heading can start another report
MAX_HEADING = 34  # characters, after normalising; longer lines are prose that mentions the part


def heading_of(row: DocRow, section: SectionDef) -> bool:
    if row.is_data or len(row.labels) != 1:
        return False
    text = normalise(row.labels[0].text)
    return len(text) <= MAX_HEADING and any(normalise(k) in text for k in section.keys)


def find_sections(rows: list[DocRow], sections: tuple[SectionDef, ...]) -> dict[str, Section]:
    starts: list[tuple[int, SectionDef]] = []
    pos = 0
    for section in sections:
        found = next((r.index for r in rows[pos:] if heading_of(r, section)), None)
        if found is not None:
            starts.append((found, section))
            pos = found + 1
    out: dict[str, Section] = {}
    for n, (start, section) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(rows)
        body = [r.labels[0].text.strip() for r in rows[start + 1 : end] if len(r.cells) == 1 and r.labels]
        out[section.id] = Section(
            heading=rows[start].labels[0].text.strip(),
            text="\n".join(body),
            where=rows[start].labels[0].where,
        )
    return out


def first_report(rows: list[DocRow], sections: tuple[SectionDef, ...]) -> int | None:
    """Where a second report starts in the same file (a page listing several offices' reports), or None.

    Once the parts have reached 四 or later after rows of figures, a heading
    of part 一 or 二 again begins another report: its rows must not fill in
    what the first one lacks. (A table of contents has no figures between
    its headings.)
    """
    if len(sections) < 4:
        return None
    early, late = sections[:2], sections[3:]
    figures = 0
    reached_late = False
    for row in rows:
        figures += row.is_data
        if figures >= MIN_FIGURE_ROWS and any(heading_of(row, s) for s in late):
            reached_late = True
        elif reached_late and any(heading_of(row, s) for s in early):
            return row.index
    return None
