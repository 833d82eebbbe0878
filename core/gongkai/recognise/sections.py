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
