"""`gongkai plugins`: each plugin, where it comes from, what it gives, and whether it works."""

from __future__ import annotations

import argparse
import sys

from gongkai.cli import EXIT_OK, say
from gongkai.plugins import BLOCK_ENV, get_registry


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "plugins",
        help="list plugins and what they provide",
        description=f"List plugins. Block any of them with {BLOCK_ENV}=name1,name2.",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for info in get_registry().plugins:
        origin = f"{info.distribution} {info.version}" if info.distribution else "(not from a distribution)"
        provides = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in info.provides.items()) or "-"
        status = info.status if not info.error else f"{info.status} ({info.error})"
        say(f"{info.name:<20} {origin:<24} {status:<8} {provides}", sys.stdout)  # a plugin's error is its text
    return EXIT_OK
