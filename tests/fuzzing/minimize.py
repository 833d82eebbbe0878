"""Shrinking a failing input while it still fails the same way (same `Verdict.signature()`).

Each candidate runs in a forked child under the time limit and a memory cap,
so that hangs and bombs can be shrunk too. The pieces removed depend on the
format: lines (then characters) of text and HTML, objects of a PDF, members
and then XML elements of a DOCX; what is left is saved with a note.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import re
import resource
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from fuzzing import verdict
from fuzzing.mutate import Case

Predicate = Callable[[bytes], bool]


def _child(conn: object, data: bytes, name: str | None, reader: str | None, memory_mb: int) -> None:
    cap = 4 * 1024 * 1024 * 1024 + 2 * memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    verdict.MEMORY_LIMIT_MB = memory_mb
    result = verdict.run(data, name, reader)
    conn.send((result.outcome, result.signature(), result.explain()))  # type: ignore[attr-defined]


def judge(data: bytes, name: str | None, reader: str | None, timeout: float, memory_mb: int) -> tuple[str, str, str]:
    """(outcome, signature, explanation) of converting the bytes in a child process."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, data, name, reader, memory_mb), daemon=True)
    process.start()
    child.close()
    if parent.poll(timeout):
        try:
            answer: tuple[str, str, str] = parent.recv()
        except EOFError:
            answer = ("died", "died", f"exit code {process.exitcode}")
    else:
        answer = ("timeout", "timeout", f"over {timeout:g} s")
    process.kill()
    process.join()
    parent.close()
    return answer


def ddmin(units: list[bytes], fails: Callable[[list[bytes]], bool], budget: list[int]) -> list[bytes]:
    """Delta debugging: remove chunks of units, halving the chunk size, while the rest still fails."""
    chunk = max(1, len(units) // 2)
    while chunk >= 1 and budget[0] > 0:
        i, removed = 0, False
        while i < len(units) and budget[0] > 0:
            candidate = units[:i] + units[i + chunk :]
            budget[0] -= 1
            if candidate and fails(candidate):
                units, removed = candidate, True
            else:
                i += chunk
        if not removed:
            chunk //= 2
    return units


def _lines(data: bytes) -> list[bytes]:
    parts = data.splitlines(keepends=True)
    if len(parts) < 8:  # one long line (a minified page): cut after each tag instead
        parts = [p for p in re.split(rb"(?<=>)", data) if p]
    return parts


def _pdf_objects(data: bytes) -> list[bytes]:
    """The file cut at object boundaries, so that whole objects can be left out."""
    cuts = sorted({0, len(data), *(m.start() for m in re.finditer(rb"(?<![0-9])\d+ \d+ obj\b", data))})
    return [data[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _shrink_xml(element: etree._Element, still_fails: Callable[[], bool], budget: list[int]) -> None:
    """Leave out child elements (halves, quarters, ... then single ones) while the document still fails."""
    children = list(element)
    if not children:
        return
    kept = ddmin_elements(element, children, still_fails, budget)
    for child in kept:
        if budget[0] <= 0:
            return
        _shrink_xml(child, still_fails, budget)


def ddmin_elements(
    parent: etree._Element, children: list[etree._Element], still_fails: Callable[[], bool], budget: list[int]
) -> list[etree._Element]:
    chunk = max(1, len(children) // 2)
    while chunk >= 1 and budget[0] > 0:
        i, removed = 0, False
        while i < len(children) and budget[0] > 0:
            group = children[i : i + chunk]
            places = [(parent.index(c), c) for c in group]
            for c in group:
                parent.remove(c)
            budget[0] -= 1
            if still_fails():
                children, removed = children[:i] + children[i + chunk :], True
            else:
                for at, c in places:
                    parent.insert(at, c)
                i += chunk
        if not removed:
            chunk //= 2
    return children


def _docx(case: Case, fails: Predicate, budget: list[int]) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(case.data)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:  # a damaged zip: shrunk as bytes instead
        return b"".join(ddmin(_lines(case.data), lambda u: fails(b"".join(u)), budget))

    def pack(items: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info, body in items:
                out.writestr(info.filename, body)
        return buf.getvalue()

    if not fails(pack(members)):  # the failure is in the zip's own structure: keep it as it is
        return case.data
    for item in list(members):
        if budget[0] > 0 and item[1] is not None and len(members) > 1:
            budget[0] -= 1
            rest = [m for m in members if m is not item]
            if fails(pack(rest)):
                members = rest
    main = next((i for i, (info, _) in enumerate(members) if info.filename.endswith("document.xml")), None)
    if main is None:
        return pack(members)
    info, body = members[main]
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError:
        return pack(members)

    def still_fails() -> bool:
        members[main] = (info, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
        return fails(pack(members))

    _shrink_xml(root, still_fails, budget)
    still_fails()
    return pack(members)


def minimize_case(case: Case, folder: Path, timeout: float, memory_mb: int, budget: int = 3000) -> Path:
    """Shrink the case while its verdict keeps the same signature; save the smallest input found, with a note."""
    outcome, target, explanation = judge(case.data, case.name, case.reader, timeout, memory_mb)
    if outcome not in verdict.FAILING:
        raise SystemExit(f"{case.describe()}: does not fail ({explanation})")

    def fails(data: bytes) -> bool:
        return judge(data, case.name, case.reader, timeout, memory_mb)[1] == target

    left = [budget]
    if case.format == "docx" and case.data.startswith(b"PK"):
        data = _docx(case, fails, left)
    else:
        units = _pdf_objects(case.data) if case.format == "pdf" else _lines(case.data)
        data = b"".join(ddmin(units, lambda u: fails(b"".join(u)), left))
        if len(data) < 20000 and case.format != "pdf":  # then character by character
            data = b"".join(ddmin([bytes([b]) for b in data], lambda u: fails(b"".join(u)), left))
    final = judge(data, case.name, case.reader, timeout, memory_mb)
    slug = re.sub(r"[^\w]+", "-", target).strip("-")[:60]
    suffix = {"gen:txt": ".txt", "gen:html": ".html"}.get(case.source, Path(case.source).suffix or ".bin")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case.format}-{slug}{suffix}"
    path.write_bytes(data)
    note = {
        "from": {"source": case.source, "seed": case.seed, "mutations": case.mutations, "size": len(case.data)},
        "size": len(data),
        "name": case.name,
        "reader": case.reader,
        "signature": target,
        "verdict": final[2],
        "convert": f"gongkai.convert(open({str(path)!r}, 'rb').read(), name={case.name!r}, reader={case.reader!r})",
    }
    path.with_name(path.name + ".json").write_text(json.dumps(note, ensure_ascii=False, indent=1), "utf-8")
    return path
