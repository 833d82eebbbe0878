"""`gongkai convert INPUT... -o OUT`: documents in, JSON (or any writer's format) out."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from gongkai.api import convert, require_report, writer_for
from gongkai.cli import EXIT_FAILED, EXIT_NO_READER, EXIT_OK, EXIT_USAGE
from gongkai.cli.inputs import InputFile, collect, read_stdin
from gongkai.cli.output import write_atomic
from gongkai.errors import GongkaiError, NoReaderError, WriteError
from gongkai.hookspecs import Writer
from gongkai.model import Report


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "convert",
        help="convert reports to JSON, or whatever format a writer plugin offers",
        description="Convert reports. A folder in gives a folder out, same names; '-' is stdin/stdout.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders (searched recursively) or '-'")
    p.add_argument("-o", "--output", default="-", help="output file, folder, or '-' for stdout (default)")
    p.add_argument("--to", help="writer to use (default: from the output's extension, else json)")
    p.add_argument("--from", dest="reader", help="reader to use instead of guessing from the content")
    p.add_argument("--encoding", help="text encoding of the inputs, instead of detecting it")
    add_reader_options(p)
    p.add_argument(
        "-O",
        "--writer-option",
        dest="writer_options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an option for the writer, e.g. bom=0 or labels=1 (csv), shape=dataset (xlsx); repeatable",
    )
    p.set_defaults(run=run)


def add_reader_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-R",
        "--reader-option",
        dest="reader_options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an option for the reader, e.g. doc_convert=1 (old .doc files through LibreOffice); repeatable",
    )


def key_values(items: list[str]) -> dict[str, str]:
    """KEY=VALUE pairs; a bare KEY means KEY=1. Raises WriteError on an empty key."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not key.strip():
            raise WriteError(f"an option wants KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip() if sep else "1"
    return out


def reader_options(args: argparse.Namespace) -> dict[str, str]:
    return key_values(args.reader_options)


class Tally:
    """Counts outcomes and prints one line per failure, naming the file and the cause."""

    def __init__(self) -> None:
        self.ok = self.failed = self.no_reader = 0

    def fail(self, name: str, cause: str, no_reader: bool = False) -> None:
        print(f"gongkai: {name}: {cause}", file=sys.stderr)
        if no_reader:
            self.no_reader += 1
        else:
            self.failed += 1

    def exit_code(self) -> int:
        if self.failed:
            return EXIT_FAILED
        return EXIT_NO_READER if self.no_reader else EXIT_OK


def read_report(inp: InputFile, args: argparse.Namespace, tally: Tally) -> Report | None:
    try:
        source = read_stdin() if inp.path is None else inp.path
        report = require_report(
            convert(source, name=inp.name, reader=args.reader, encoding=args.encoding, options=reader_options(args))
        )
    except NoReaderError as exc:
        tally.fail(inp.name, str(exc), no_reader=True)
        return None
    except GongkaiError as exc:
        tally.fail(inp.name, str(exc))
        return None
    return report


def run(args: argparse.Namespace) -> int:
    out = args.output
    try:
        writer, to_dir = _plan_output(args)
        args.options = _writer_options(writer, key_values(args.writer_options))
        reader_options(args)
    except WriteError as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return EXIT_USAGE
    inputs, problems = collect(args.inputs)
    if not to_dir and len(inputs) + len(problems) > 1 and not writer.many:
        print(
            f"gongkai: {len(inputs) + len(problems)} inputs need -o FOLDER/ or a data-set format "
            f"(the {writer.name} writer holds one report)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    tally = Tally()
    for problem in problems:
        tally.fail(*problem)
    if not inputs:
        if problems:
            return tally.exit_code()
        print("gongkai: nothing to convert", file=sys.stderr)
        return EXIT_USAGE
    if to_dir:
        _to_folder(inputs, Path(out), writer, args, tally)
    else:
        _to_one(inputs, out, writer, args, tally)
    if len(inputs) + len(problems) > 1:
        print(
            f"gongkai: {tally.ok} of {len(inputs) + len(problems)} converted, {tally.failed} failed, "
            f"{tally.no_reader} without a reader",
            file=sys.stderr,
        )
    return tally.exit_code()


def _writer_options(writer: Writer, options: dict[str, str]) -> dict[str, str]:
    """Options a writer declares it knows (`option_values`) are checked here, before any input is read."""
    known = getattr(writer, "option_values", None)
    for key, value in options.items():
        if known is not None and (key not in known or value not in known[key]):
            raise WriteError(f"the {writer.name} writer has no option {key}={value}")
    return options


def _plan_output(args: argparse.Namespace) -> tuple[Writer, bool]:
    """The writer, and whether each input gets its own file in a folder.

    `-o FOLDER/` (or an existing folder, or a folder in with a name without a
    suffix) is a folder out; `-o name.ext` is one file, a data set when many
    reports go into it; `-` is stdout.
    """
    out = args.output
    if out == "-":
        return writer_for(to=args.to or "json"), False
    if Path(out).is_dir() or out.endswith(("/", os.sep)):
        return writer_for(to=args.to or "json"), True
    if args.to or Path(out).suffix:
        return writer_for(out, args.to), False
    if any(Path(a).is_dir() for a in args.inputs):
        return writer_for(to="json"), True
    return writer_for(out), False


def _to_folder(inputs: list[InputFile], out: Path, writer: Writer, args: argparse.Namespace, tally: Tally) -> None:
    targets = output_names(inputs, writer.extensions[0])
    for inp in inputs:
        report = read_report(inp, args, tally)
        if report is None:
            continue
        target = out / targets[inp]
        try:
            write_atomic(target, lambda f, r=report: writer.write([r], f, args.options))  # type: ignore[misc]
        except (OSError, GongkaiError) as exc:
            tally.fail(inp.name, f"cannot write {target}: {exc}")
            continue
        tally.ok += 1


def output_names(inputs: list[InputFile], suffix: str) -> dict[InputFile, Path]:
    """Same names, the writer's suffix; inputs that would collide (a.txt, a.pdf) keep their own suffix too."""
    plain = {inp: inp.relative.with_suffix(suffix) for inp in inputs}
    counts: dict[Path, int] = {}
    for target in plain.values():
        counts[target] = counts.get(target, 0) + 1
    return {
        inp: target if counts[target] == 1 else inp.relative.with_name(inp.relative.name + suffix)
        for inp, target in plain.items()
    }


def _to_one(inputs: list[InputFile], out: str, writer: Writer, args: argparse.Namespace, tally: Tally) -> None:
    def reports() -> Iterator[Report]:
        for inp in inputs:
            report = read_report(inp, args, tally)
            if report is not None:
                tally.ok += 1
                yield report

    if out == "-":
        stream = reports()
        first = next(stream, None)  # nothing at all is written for an input that failed
        if first is not None:
            try:
                writer.write(_chain(first, stream), sys.stdout.buffer, args.options)
                sys.stdout.buffer.flush()
            except GongkaiError as exc:
                tally.fail("-", f"cannot write: {exc}")
        return
    if len(inputs) == 1:  # read first, so that a failed input leaves no output file at all
        report = read_report(inputs[0], args, tally)
        if report is None:
            return
        tally.ok += 1
        items: Iterator[Report] = iter([report])
    else:
        items = reports()
    try:
        write_atomic(Path(out), lambda f: writer.write(items, f, args.options))
    except (OSError, GongkaiError) as exc:
        tally.ok = 0
        tally.fail(out, f"cannot write: {exc}")


def _chain(first: Report, rest: Iterator[Report]) -> Iterator[Report]:
    yield first
    yield from rest
