"""Hypothesis strategies over the generators, and the settings profiles.

The profile `gongkai-ci` (the default) is derandomized: the same examples on
every run and every machine, no example database written into the work tree,
and no deadline or slowness health check (time is never judged by a test).
GONGKAI_FUZZ_PROFILE=gongkai-explore draws new examples each run.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from fuzzing import generate
from fuzzing.choose import DrawChooser

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "gongkai-ci", derandomize=True, database=None, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
settings.register_profile(
    "gongkai-explore", database=None, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
PROFILE = settings.get_profile(os.environ.get("GONGKAI_FUZZ_PROFILE", "gongkai-ci"))


def fuzz_settings(max_examples: int) -> settings:
    return settings(PROFILE, max_examples=max_examples)


@st.composite
def text_reports(draw: Any) -> generate.Case:
    """(data, name, reader): a text dump of a report made of template labels, figures and damage."""
    return generate.text_report(DrawChooser(draw))


@st.composite
def html_pages(draw: Any) -> generate.Case:
    """(data, name, reader): a page of nested blocks and tables with arbitrary spans, entities and charsets."""
    return generate.html_page(DrawChooser(draw))
