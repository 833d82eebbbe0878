"""Picking the template: what the document shows first, the report year second.

Each template names marker words (the column headings of its table 二, a
row only it has). The template with the most markers present wins; a tie is
broken by the report year, then by how many rows each template could match.
The reason goes into the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from gongkai.labels import normalise
from gongkai.template import Template

NO_TEMPLATE = "no template is installed"


def choose_template(
    templates: Mapping[str, Template], text: str, year: int | None, fit: Callable[[Template], float]
) -> tuple[Template | None, str]:
    if not templates:
        return None, NO_TEMPLATE
    norm = normalise(text)
    shown = {t.id: [m for m in t.markers if normalise(m) in norm] for t in templates.values()}
    most = max(len(v) for v in shown.values())
    tied = [t for t in templates.values() if len(shown[t.id]) == most]
    reasons = []
    if most:
        reasons.append(f"the document shows {', '.join(shown[tied[0].id])}")
    if len(tied) > 1 and year is not None:
        by_year = [t for t in tied if t.covers_year(year)]
        if by_year:
            tied = by_year
            reasons.append(f"report year {year} is in its range")
    if len(tied) > 1:
        fits = {t.id: fit(t) for t in tied}
        tied = sorted(tied, key=lambda t: -fits[t.id])
        reasons.append("its tables fit the document best")
    chosen = tied[0]
    if not most and (year is None or not chosen.covers_year(year)):
        reasons.append("no marker of any template and no year to go by")
    return chosen, f"{chosen.id}: " + "; ".join(reasons)
