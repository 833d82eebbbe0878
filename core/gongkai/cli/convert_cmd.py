"""`gongkai convert INPUT... -o OUT`: documents in, JSON (or any writer's format) out."""

from __future__ import annotations

import argparse
import codecs
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from gongkai.api import writer_for
from gongkai.batch import TaskOptions
from gongkai.cli import EXIT_NOTHING, EXIT_USAGE, say
from gongkai.cli.bulk import Batch, default_manifest, interrupt, main_thread, make_executor, to_folder, to_one
from gongkai.cli.inputs import InputFile, collect
from gongkai.dask_executor import SCHEDULER_ENV, SchedulerUnreachable
from gongkai.errors import WriteError
from gongkai.hookspecs import Writer
from gongkai.manifest import Manifest, fingerprint
from gongkai.names import escaped
from gongkai.outputs import remove_stale_parts

DEFAULT_TIMEOUT, DEFAULT_MEMORY_MB, DEFAULT_RECYCLE = 120.0, 2048, 200


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "convert",
        help="convert reports to JSON, or whatever format a writer plugin offers",
        description="Convert reports. A folder in gives a folder out, same names; '-' is stdin/stdout.",
    )
    p.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="files, folders (searched recursively), globs, or '-' for stdin"
    )
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
    add_batch_options(p)
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


def add_batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--list",
        dest="lists",
        action="append",
        default=[],
        metavar="FILE",
        help="a file naming one input per line ('-' for stdin); repeatable",
    )
    p.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: all cores); 1 converts in this process"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per file (default {DEFAULT_TIMEOUT:g}; 0 for none)",
    )
    p.add_argument(
        "--max-memory",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"memory cap per worker process (default {DEFAULT_MEMORY_MB}; 0 for none)",
    )
    p.add_argument(
        "--recycle",
        type=int,
        default=DEFAULT_RECYCLE,
        metavar="N",
        help=f"replace each worker after N files (default {DEFAULT_RECYCLE})",
    )
    p.add_argument(
        "--manifest",
        help="the run manifest (JSON Lines; default OUT/.gongkai-manifest.jsonl "
        "for a folder, OUT_FILE.manifest.jsonl beside a file)",
    )
    p.add_argument("--force", action="store_true", help="convert everything again, even what the manifest has done")
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="try again the inputs that failed before with the same content and options (skipped otherwise)",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help=f"run on a Dask cluster, e.g. tcp://host:8786 (or set {SCHEDULER_ENV})",
    )
    p.add_argument(
        "--send-bytes",
        action="store_true",
        help="with --dask: send the files' bytes to the workers instead of their paths",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    out = args.output
    if not args.inputs and not args.lists:
        say("gongkai: no input: give files, folders, globs or --list FILE")
        return EXIT_USAGE
    try:
        writer, to_dir = _plan_output(args)
        args.options = _writer_options(writer, key_values(args.writer_options))
        read_opts = reader_options(args)
    except WriteError as exc:
        say(f"gongkai: {exc}")
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1 or args.recycle < 1 or args.timeout < 0 or args.max_memory < 0:
        say("gongkai: --jobs and --recycle want 1 or more, --timeout and --max-memory 0 or more")
        return EXIT_USAGE
    bad_encoding = check_encoding(args.encoding)
    if bad_encoding:
        say(f"gongkai: --encoding {args.encoding}: {bad_encoding}")
        return EXIT_USAGE
    inputs, problems = collect(args.inputs, args.lists)
    if not to_dir and len(inputs) + len(problems) > 1 and not writer.many:
        say(
            f"gongkai: {len(inputs) + len(problems)} inputs need -o FOLDER/ or a data-set format "
            f"(the {writer.name} writer holds one report)"
        )
        return EXIT_USAGE
    clash = overlap(inputs, args, out, to_dir)
    if clash:
        say(f"gongkai: {escaped(out)}: {clash}")
        return EXIT_USAGE
    unwritable = writable(out, to_dir)
    if unwritable:
        say(f"gongkai: {escaped(out)}: {unwritable}")
        return EXIT_NOTHING
    batch = Batch(total=len(inputs) + len(problems))
    for name, cause in problems:
        batch.problem(name, cause)
    if not inputs:
        batch.summary()
        say("gongkai: nothing to convert")
        return EXIT_NOTHING
    options = TaskOptions(args.reader, args.encoding, read_opts, args.max_memory or None)
    fp = fingerprint(args.reader, args.encoding, read_opts, writer.name, args.options)
    manifest = Manifest(Path(args.manifest)) if args.manifest else None
    if manifest is None and len(inputs) > 1:  # one file in, one file out: no manifest unless asked for
        manifest = default_manifest(out, to_dir)
    address = args.dask or os.environ.get(SCHEDULER_ENV) or None
    stdin = any(inp.path is None for inp in inputs)
    try:
        executor = make_executor(args, options, address, stdin, len(inputs))
    except SchedulerUnreachable as exc:
        say(f"gongkai: {exc}")
        return EXIT_NOTHING
    previous_sigterm = signal.signal(signal.SIGTERM, interrupt) if main_thread() else None
    bar = progress_bar(len(inputs), shown=not args.quiet and sys.stderr.isatty())
    try:
        if to_dir:
            to_folder(inputs, Path(out), writer, args, executor, manifest, fp, batch, bar)
        else:
            to_one(inputs, out, writer, args, executor, manifest, fp, batch, bar)
    finally:
        bar.close()
        executor.close()
        if to_dir:  # every worker has stopped: parts left by one killed mid-write (time limit, Ctrl-C) go
            remove_stale_parts(Path(out))
        if manifest is not None:
            manifest.close()
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
    if batch.total > 1 or batch.failures:
        batch.summary()
    return batch.exit_code()


class NoBar:
    """The progress bar when none is shown (--quiet, or stderr is no terminal)."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, shown: bool) -> Any:
    if not shown:
        return NoBar()
    from tqdm import tqdm  # only for a terminal: a batch under a pipe or a test never imports it

    return tqdm(total=total, unit="file", file=sys.stderr)


def check_encoding(name: str | None) -> str | None:
    """Why `--encoding NAME` cannot decode text (unknown, or a codec like rot13 or zlib), or None."""
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return "unknown text encoding"
    return None if getattr(info, "_is_text_encoding", True) else "not a text encoding"


def overlap(inputs: list[InputFile], args: argparse.Namespace, out: str, to_dir: bool) -> str | None:
    """Why the output would destroy or swallow an input: the same file, or a folder inside the input folder."""
    if out == "-":
        return None
    target = Path(out).resolve()
    if not to_dir:
        if any(inp.path is not None and inp.path.resolve() == target for inp in inputs):
            return "is one of the inputs: it is not overwritten"
        return None
    for arg in args.inputs:
        folder = Path(arg)
        if folder.is_dir() and (folder.resolve() == target or folder.resolve() in target.parents):
            return "is inside the input folder: the next run would read its outputs as inputs"
    return None


def writable(out: str, to_dir: bool) -> str | None:
    """Why outputs cannot go there (a file in the way, no permission), before anything is converted."""
    if out == "-":
        return None
    folder = Path(out) if to_dir else Path(out).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"cannot write there ({exc.strerror or exc})"
    return None


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
    if args.lists or any(Path(a).is_dir() or any(c in a for c in "*?[") for a in args.inputs):
        return writer_for(to="json"), True
    return writer_for(out), False
