"""Layout building from extracted pages (plain data only): grids, lines, page furniture, stitching.

Per page: only the text the page shows is read (`gongkai_pdf.visible`); a
garbled or image-only page is noted and skipped; ruled tables become
lattices (a boxed paragraph goes back to the text); the rest of the
characters become lines, split into cells at wide gaps. Then over the whole
document: page numbers and running headers go, and a table that runs on at
the top of the next page with the same column boundaries is stitched to
the table ending the page before it, its repeated header rows dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gongkai.layout import Grid, Layout, Line, Piece
from gongkai.model import CONFIDENCE_DIGITS, Where
from gongkai_pdf.grids import RawTable, find_tables
from gongkai_pdf.orient import upright
from gongkai_pdf.page import Char, PageData, least_confidence
from gongkai_pdf.stitch import continues, stitch
from gongkai_pdf.text import Span, TextLine, box, clean_chars, garbled, group_lines, join_lines, word_groups
from gongkai_pdf.visible import merge_copies, seen, superscripts

# The top and bottom share of a page where page numbers and running headers live.
MARGIN_ZONE = 0.12
# A page without text but with this many vector paths is text drawn as outlines: a picture of text.
OUTLINE_PATHS = 200
# A page with fewer characters than this on a picture covering this share of it is a scan.
FEW_CHARS, IMAGE_COVER = 40, 0.5

_DASHES = "-−－—–~"
# A whole line that is a page number: "- 4 -", "— 4 —", "第 4 页", "第4页 共12页", "4/12", "Page 4".
_PAGE_NUMBER = re.compile(
    rf"[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?"
)
_BARE_NUMBER = re.compile(r"\d{1,4}")
# A page number glued to the end of the page's last line ("… 0 0 0- 4 -"): spaced or long dashes only.
_GLUED_NUMBER = re.compile(r"(?:[-−－]\s+\d{1,4}\s+[-−－]|[—–]+\s*\d{1,4}\s*[—–]+)\s*$")
_SPACES = re.compile(r"\s+")
# An outline item starts a paragraph: "二、", "（三）", "(3)", "1.", "1、", "第三条".
_OUTLINE = re.compile(
    r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十]+[条章节])"
)
# The caption of a table running on from the page before.
_CONTINUED = re.compile(r"\s*[（(]?\s*续\s*表\s*[一二三四五六七八九十\d]*\s*[）)]?\s*[:：]?\s*")
# A line that wraps spans at least this share of the text width.
WRAPPED_WIDTH = 0.75


@dataclass
class TextBlock:
    """A line of text outside the tables: its cells, its place on the page, its number there."""

    cells: list[Span]
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    page: int
    number: int

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


PageBlock = TextBlock | RawTable


@dataclass
class PageResult:
    number: int
    height: float
    blocks: list[PageBlock] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    needs_ocr: bool = False


def build_layout(
    pages: Iterable[PageData], count: int, ocr: Callable[[int], PageData | str] | None = None, format: str = "pdf"
) -> Layout:
    """The Layout of a document from its extracted pages (consumed one at a time); `ocr`, when there is an
    engine, reads a page that has no usable text layer (its page data, or why it cannot)."""
    results = [_read(page, ocr) for page in pages]
    drop_page_furniture(results)
    join_wrapped_lines(results)
    layout = Layout(format=format, pages=count)
    layout.problems = [p for r in results for p in r.problems]
    layout.image_pages = [r.number for r in results if r.needs_ocr]
    chains: list[list[RawTable] | TextBlock] = []
    for result in results:
        blocks = result.blocks
        if len(blocks) > 1 and isinstance(blocks[0], TextBlock) and _CONTINUED.fullmatch(blocks[0].text):
            blocks = blocks[1:]  # "续表" over a table running on from the page before
        for i, block in enumerate(blocks):
            if isinstance(block, TextBlock):
                chains.append(block)
                continue
            last = chains[-1] if chains else None
            if i == 0 and isinstance(last, list) and last[-1].page == block.page - 1 and continues(last[-1], block):
                last.append(block)
            else:
                chains.append([block])
    for item in chains:
        if isinstance(item, TextBlock):
            layout.blocks.append(_line(item))
        else:
            index = sum(1 for b in layout.blocks if isinstance(b, Grid))
            grid, dropped = stitch(item, index)
            layout.blocks.append(grid)
            if len(item) > 1:
                spread = ", ".join(str(t.page) for t in item)
                note = f"table {index + 1} runs over pages {spread}: stitched into one table"
                layout.problems.append(note + (f", {dropped} repeated header rows dropped" if dropped else ""))
    return layout


def _read(page: PageData, ocr: Callable[[int], PageData | str] | None) -> PageResult:
    result = read_page(page)
    if not result.needs_ocr or ocr is None:
        return result
    scanned = ocr(page.number)
    if isinstance(scanned, str):
        result.problems.append(f"page {page.number}: OCR could not read it: {scanned}")
        return result
    read = read_page(scanned)
    read.needs_ocr = False  # read by OCR: whatever it holds, it is not asked for again
    return read


def read_page(page: PageData) -> PageResult:
    """One page as blocks from top to bottom; a page without usable text says why."""
    page, hidden = seen(page)
    page = upright(page)
    result = PageResult(page.number, page.height)
    if page.ocr:
        result.problems.append(f"page {page.number}: {page.ocr}")
    if page.warnings:
        note = f"page {page.number}: the PDF is damaged here ({page.warnings[0]}); some of its content may be missing"
        result.problems.append(note)
    if hidden or page.painted_over:
        note = f"page {page.number}: {hidden + page.painted_over} characters the page does not show are left out"
        result.problems.append(note + " (invisible, white, or painted over with white)")
    visible = [c for c in page.chars if c.text.strip()]
    if not visible:
        result.needs_ocr = page.images > 0 or page.paths >= OUTLINE_PATHS
        return result
    if len(visible) < FEW_CHARS and page.image_cover >= IMAGE_COVER:
        result.needs_ocr = True  # a scan with a stamped page number or a few words of OCR
    is_garbled, good = garbled(visible)
    if is_garbled:
        result.problems.append(f"page {page.number}: the text layer is garbled (unmapped glyphs); OCR is needed")
        result.needs_ocr = True
        return result
    if len(good) < len(visible):
        lost = len(visible) - len(good)
        result.problems.append(f"page {page.number}: {lost} characters of the text layer are unmapped glyphs, left out")
    chars = superscripts(merge_copies(clean_chars(good)))
    tables, rest = find_tables(page.number, page.segments, chars)
    kept: list[RawTable] = []
    for table in tables:
        inside = [c for cell in table.cells for c in cell.chars]
        if table.one_column() or not inside:
            rest.extend(inside)  # a boxed paragraph, or a frame: its text is text
        else:
            for cell in table.cells:
                cell.freeze(table.rect(cell))
            kept.append(table)
    lines = group_lines(rest)
    blocks: list[tuple[float, PageBlock]] = [(t.top, t) for t in kept]
    blocks += [(ln.top, _text_block(ln, page.number, n)) for n, ln in enumerate(lines, start=1)]
    blocks.sort(key=lambda b: b[0])
    result.blocks = [b for _, b in blocks]
    return result


def _text_block(line: TextLine, page: int, number: int) -> TextBlock:
    return TextBlock(line.cells(), line.top, line.bottom, line.x0, line.x1, line.size, page, number)


# --- paragraphs --------------------------------------------------------------------------------


def join_wrapped_lines(results: list[PageResult]) -> None:
    """A line of prose that runs to the right margin and goes on below is one paragraph with the next line.

    Only one-cell lines of the same size join, never a line starting an
    outline item ("二、", "（三）", "1.") and never across a table or a page.
    """
    widths = Counter(
        round(b.x1 / 2) * 2 for r in results for b in r.blocks if isinstance(b, TextBlock) and len(b.text) >= 15
    )
    if not widths:
        return
    right = widths.most_common(1)[0][0]
    left = min(b.x0 for r in results for b in r.blocks if isinstance(b, TextBlock))
    for result in results:
        out: list[PageBlock] = []
        for block in result.blocks:
            prev = out[-1] if out else None
            if (
                isinstance(block, TextBlock)
                and isinstance(prev, TextBlock)
                and len(prev.cells) == 1
                and len(block.cells) == 1
                and abs(prev.size - block.size) <= 0.5
                and prev.x1 >= right - 2 * prev.size
                and prev.x1 - prev.x0 >= WRAPPED_WIDTH * (right - left)
                and block.top - prev.bottom <= 1.5 * block.size
                and not _OUTLINE.match(block.cells[0].text)
            ):
                first, then = prev.cells[0], block.cells[0]
                prev.cells[0] = Span(join_lines([first.text, then.text]), first.chars + then.chars)
                prev.bottom, prev.x1 = block.bottom, block.x1
                continue
            out.append(block)
        result.blocks = out


# --- page numbers and running headers ---------------------------------------------------------


def drop_page_furniture(results: list[PageResult]) -> None:
    """Page numbers in the margins (or glued to the page's last line) and headers repeated on most pages go."""
    for result in results:
        _drop_page_numbers(result)
    _drop_running_heads(results)


def _in_margin(block: TextBlock, height: float) -> bool:
    return block.bottom <= MARGIN_ZONE * height or block.top >= (1 - MARGIN_ZONE) * height


def _drop_page_numbers(result: PageResult) -> None:
    blocks = result.blocks
    edges = {0, 1, len(blocks) - 2, len(blocks) - 1} if blocks else set()
    keep: list[PageBlock] = []
    for i, block in enumerate(blocks):
        if isinstance(block, TextBlock) and i in edges and _in_margin(block, result.height):
            text = block.text.strip()
            if _PAGE_NUMBER.fullmatch(text):
                continue
            if _BARE_NUMBER.fullmatch(text) and _set_apart(blocks, i):
                continue
            if len(block.cells) > 1 and _PAGE_NUMBER.fullmatch(block.cells[-1].text.strip()):
                block.cells.pop()
            elif len(block.cells) > 1 and _PAGE_NUMBER.fullmatch(block.cells[0].text.strip()):
                block.cells.pop(0)
        keep.append(block)
    if keep and isinstance(keep[-1], TextBlock):
        last = keep[-1]
        stripped = _GLUED_NUMBER.sub("", last.cells[-1].text).rstrip()
        if stripped != last.cells[-1].text and stripped:
            last.cells[-1] = last.cells[-1].cut(stripped)
    result.blocks = keep


def _set_apart(blocks: list[PageBlock], i: int) -> bool:
    """A page's first or last block, a line's height or more away from the body next to it."""
    block = blocks[i]
    height = block.bottom - block.top
    if i == 0:
        return len(blocks) == 1 or blocks[1].top - block.bottom >= height
    if i == len(blocks) - 1:
        return block.top - blocks[i - 1].bottom >= height
    return False


def _furniture_key(block: TextBlock) -> str:
    return re.sub(r"\d+", "#", _SPACES.sub("", block.text))


def _drop_running_heads(results: list[PageResult]) -> None:
    """A header or footer line (digits aside) printed on most pages is the page's, not the report's."""
    with_text = [r for r in results if r.blocks]
    if len(with_text) < 2:
        return
    candidates: dict[int, list[tuple[PageResult, TextBlock]]] = {}
    seen: Counter[str] = Counter()
    for result in with_text:
        mine = [
            b
            for i, b in enumerate(result.blocks)
            if isinstance(b, TextBlock) and i in (0, len(result.blocks) - 1) and _in_margin(b, result.height)
        ]
        candidates[result.number] = [(result, b) for b in mine]
        seen.update({_furniture_key(b) for b in mine})
    need = max(2, (len(with_text) + 1) // 2)
    for pairs in candidates.values():
        for result, block in pairs:
            key = _furniture_key(block)
            if seen[key] >= need and any(ch.isalpha() for ch in key):
                result.blocks.remove(block)


def _line(block: TextBlock) -> Line:
    """The block's cells as pieces, each with the box of its characters; a figure split off keeps its cell's col."""
    pieces: list[Piece] = []

    def where(chars: list[Char], col: int) -> Where:
        x0, top, x1, bottom = box(chars)
        least = least_confidence(chars)
        confidence = round(least, CONFIDENCE_DIGITS) if least < 1 else None  # read from a picture
        return Where(
            page=block.page, line=block.number, col=col, x0=x0, top=top, x1=x1, bottom=bottom, confidence=confidence
        )

    for j, cell in enumerate(block.cells):
        for part in cell.pieces():
            groups = word_groups(part.chars)
            words = tuple(Piece("".join(c.text for c in g), where(g, j)) for g in groups) if len(groups) > 1 else ()
            pieces.append(Piece(part.text, where(part.chars, j), words))
    return Line(cells=pieces)
