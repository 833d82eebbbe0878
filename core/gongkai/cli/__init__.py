"""The `gongkai` command.

Exit codes (also in the README):

    0  every input was converted
    1  some inputs failed (unreadable, corrupt, not a report, not writable); the rest were converted
    2  usage error (bad options, nothing to convert, no writer for the output)
    3  no reader for an input (and nothing failed otherwise)
    4  nothing could run: no input found, every input of a batch failed, or the Dask scheduler cannot be reached
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from gongkai import __version__
from gongkai.names import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NO_READER, EXIT_NOTHING = 0, 1, 2, 3, 4


def say(message: str, file: TextIO | None = None) -> None:
    """One line for a person, on stderr unless told otherwise: control characters in it are shown, never obeyed."""
    print(printable(message), file=file or sys.stderr)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        say(f"gongkai: {message}")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    from gongkai.cli import check_cmd, convert_cmd, plugins_cmd

    parser = Parser(prog="gongkai", description="Annual reports on government information disclosure as data.")
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    convert_cmd.add_parser(sub)
    check_cmd.add_parser(sub)
    plugins_cmd.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        say("gongkai: interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
