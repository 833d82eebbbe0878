"""An lxml tree of an HTML page to Layout blocks, in document order.

- Block elements (p, div, h1-h6, li, ...) and `<br>` end a line: each line is
  a `Line` of one cell, its inline children's text run together.
- A list whose items are links only (a menu) is one `Line`, a cell per item:
  a site's menus would otherwise push the report's title dozens of lines down.
- A block whose children are laid out as cells (`<div class="tr"><div>规章</div>
  <div>0</div>...`, spans with a class) and read as a label followed by
  figures becomes one `Line` with a cell per child.
- A data table becomes a `Grid`, spans honoured. A layout table (one that
  holds another table, or prose, or is a 1×1 frame) is not data: its rows
  are walked, each run of one-line cells of a row a `Line` of those cells,
  every other cell walked as blocks (a table inside is judged in turn).
- Dropped: script, style, template and the like, comments (the text after
  them stays). What the page does not show (hidden by its style, struck
  out) is taken out of the tree before the walk (`visible`). Word's `<o:p>`
  is an inline element like any other: its text (usually a non-breaking
  space) stays.
- Void elements (`<embed>`, `<img>`, `<br>`, `<wbr>`, `<source>`...) have no
  content. libxml2 nonetheless makes some of them (embed, source, track,
  wbr, keygen) the parent of everything up to the end of their parent, so
  what it puts inside one is walked as the siblings following it: a page
  with a Flash banner before the report keeps the report.

The walk keeps its own stack instead of recursing, so a page nesting
elements 2,000 deep (the parser's limit; unclosed `<font>` and `<div>`
tags nest) reads like any other; only tables inside tables recurse.

Whitespace: runs of ASCII whitespace from the source collapse to one space,
or to nothing where a line break of the source falls between two Chinese
characters (CSS does the same); a non-breaking space stays a space, every
one of them, so figures set apart with `&nbsp;` stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from gongkai.errors import ReadError
from gongkai.layout import Block, Line, Piece
from gongkai.model import Where
from gongkai_html.grid import SourceCell, build_grid, span

Element = Any  # lxml.etree._Element; lxml ships no type hints
# The walk's tasks: enter an element; add the tail text of an element; end the line an element's block made.
_ENTER, _TEXT, _FLUSH = "enter", "text", "flush"
_Task = tuple[str, Element, str | None]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


BLOCK_TAGS = _names(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p "
    "section summary table tbody td tfoot th thead tr ul"
)
SKIP_TAGS = _names(
    "script style noscript template head title iframe frame object embed applet svg math canvas "
    "select textarea button audio video map xml"
)
# A row of cells that is not a table: one-line cells of at most this many characters, this many
# cells, of which this many labels before the figures (a row label under two group labels).
MAX_CELL_CHARS, MAX_ROW_CELLS, MAX_ROW_LABELS = 80, 40, 3
# A table cell with this much text, or this many lines holding a paragraph's worth of it, is prose.
PROSE_CHARS, PROSE_LINES, PROSE_LINES_CHARS = 300, 3, 100
# A line of text (a paragraph, a cell) longer than this is refused. A report's longest lines, whole
# paragraphs or a table row glued into one line, have a few thousand characters; no reader of the page
# reads a hundred thousand on one line, while the recogniser's work grows faster than a line's length.
MAX_LINE_CHARS = 100_000
# Elements with no content: what libxml2 puts inside one follows it.
VOID_TAGS = _names("area base basefont bgsound br col embed frame hr img input keygen link meta param source track wbr")
# Text looked at to tell whether an element is a short cell (a few times MAX_CELL_CHARS): more is never one.
_CELL_TEXT_LOOK = 4096

_CELL_STYLE = re.compile(r"display\s*:|width\s*:|float\s*:", re.I)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")
_FIGURE = re.compile(r"[+\-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|元|件|项|个|条|次|人次)?")
_PLACEHOLDERS = frozenset({"无", "-", "--", "—", "——", "/", "－", "空", "暂无", "*", "×"})


def tag_of(el: Element) -> str | None:
    """The lower-case tag name, or None for a comment or processing instruction."""
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else None


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def collapse(raw: str) -> str:
    """Source whitespace collapsed (dropped across a line break between wide characters); nbsp as space."""

    def one(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        if "\n" in m.group() and s > 0 and e < len(raw) and is_wide(raw[s - 1]) and is_wide(raw[e]):
            return ""
        return " "

    return _ASCII_SPACE.sub(one, raw).replace("\u00a0", " ").strip()


def join_lines(lines: list[str]) -> str:
    """The lines of one table cell as one text: Chinese joins without a space ("本年新" + "制作数量")."""
    out = ""
    for line in lines:
        if out and line:
            out += "" if is_wide(out[-1]) or is_wide(line[0]) else " "
        out += line
    return out


def figure_like(text: str) -> bool:
    """A cell holding a figure, a placeholder (无, -) or nothing."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return not t or t in _PLACEHOLDERS or _FIGURE.fullmatch(t) is not None


class Walker:
    """Walks elements in document order, appending blocks; `text_only` walks just collect lines."""

    def __init__(self, text_only: bool = False) -> None:
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.grids = 0
        self.text_only = text_only
        self._buf: list[str] = []
        self._line: int | None = None
        self._cache: dict[Element, list[str]] = {}

    # -- lines ------------------------------------------------------------

    def add_text(self, text: str | None, line: int | None) -> None:
        if text:
            if self._line is None and text.strip():
                self._line = line
            self._buf.append(text)

    def flush(self, blank: bool = False) -> None:
        """End the current line; an explicitly empty paragraph is a blank Line (once)."""
        text = collapse("".join(self._buf)) if self._buf else ""
        if len(text) > MAX_LINE_CHARS:
            raise ReadError(line_too_long(len(text), self._line))
        if text.strip():
            self.lines.append(text)
            if not self.text_only:
                self.blocks.append(Line([Piece(text, Where(line=self._line))]))
        elif blank and not self.text_only and self.blocks and not _is_blank(self.blocks[-1]):
            self.blocks.append(Line([]))
        self._buf = []
        self._line = None

    # -- elements ---------------------------------------------------------

    def walk(self, el: Element) -> None:
        """Walk one element (its tail is the caller's)."""
        self._run([(_ENTER, el, None)])

    def children(self, el: Element) -> None:
        """Walk an element's content: its text, then each child followed by its tail."""
        todo: list[_Task] = []
        self._push_children(el, todo)
        self._run(todo)

    def _run(self, todo: list[_Task]) -> None:
        """Do the tasks on the stack `todo`, last first, until none is left."""
        while todo:
            kind, el, value = todo.pop()
            if kind is _ENTER:
                self._enter(el, todo)
            elif kind is _TEXT:
                self.add_text(value, el.sourceline)
            else:
                self.flush(blank=value == "p")

    def _enter(self, el: Element, todo: list[_Task]) -> None:
        tag = tag_of(el)
        if tag in VOID_TAGS:
            if tag in ("br", "hr"):
                self.flush()
            self._push_children(el, todo)  # what libxml2 nested in it follows it
            return
        if tag is None or tag in SKIP_TAGS:
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        if tag == "pre":
            self.flush()
            self.pre(el)
            return
        if tag in BLOCK_TAGS:
            self.flush()
            row = None if self.text_only else self.link_list(el) if tag in ("ul", "ol") else self.cell_row(el)
            if row is not None:
                self.blocks.append(row)
                self.lines.append(row.text)
                return
            todo.append((_FLUSH, el, tag))  # after the children
        self._push_children(el, todo)

    def _push_children(self, el: Element, todo: list[_Task]) -> None:
        """The element's text now; its children and their tails onto the stack, to come in order."""
        self.add_text(el.text, el.sourceline)
        for child in reversed(el):
            if child.tail:
                todo.append((_TEXT, child, child.tail))
            todo.append((_ENTER, child, None))

    def pre(self, el: Element) -> None:
        """Preformatted text: each source line a Line, cells split at tabs."""
        parts: list[str] = []
        _pre_text(el, parts)
        first = el.sourceline or 0
        for n, raw in enumerate("".join(parts).replace("\r\n", "\n").split("\n")):
            if len(raw) > MAX_LINE_CHARS:
                raise ReadError(line_too_long(len(raw), first + n if el.sourceline else None))
            cells = [c.replace("\u00a0", " ").strip() for c in raw.split("\t")]
            if not any(cells):
                continue
            self.lines.append(" ".join(cells))
            if not self.text_only:
                line = first + n if el.sourceline else None
                where = [Where(line=line, col=j) if len(cells) > 1 else Where(line=line) for j in range(len(cells))]
                self.blocks.append(Line([Piece(c, w) for c, w in zip(cells, where, strict=True)]))

    # -- rows of cells that are not a table --------------------------------

    def cell_row(self, el: Element) -> Line | None:
        """A block whose children are cells reading "label…, figure…" (or figures only): one Line."""
        if collapse(el.text or ""):
            return None
        kids = []
        for child in el:
            if collapse(child.tail or ""):
                return None
            tag = tag_of(child)
            if tag is None or tag in SKIP_TAGS:
                continue
            if tag in ("table", "pre", "br", "hr") or not (tag in BLOCK_TAGS or _styled_as_cell(child)):
                return None
            kids.append(child)
        if not 2 <= len(kids) <= MAX_ROW_CELLS:
            return None
        last = short_text(kids[-1])  # cheap first test: a container of prose ends in prose
        if last is None or len(last) > MAX_CELL_CHARS or not figure_like(last):
            return None
        if any(short_text(kid) is None for kid in kids):  # before walking any: one of them is prose
            return None
        texts = []
        for kid in kids:
            lines = self.text_lines(kid)
            if len(lines) > 1 or (lines and len(lines[0]) > MAX_CELL_CHARS):
                return None
            texts.append(lines[0] if lines else "")
        figures = [figure_like(t) for t in texts]
        first = next((i for i, f in enumerate(figures) if f), None)
        if first is None or first > MAX_ROW_LABELS or not all(figures[first:]) or not any(texts[first:]):
            return None
        return Line(
            [Piece(t, Where(line=k.sourceline, col=j)) for j, (t, k) in enumerate(zip(texts, kids, strict=True))]
        )

    def link_list(self, el: Element) -> Line | None:
        """A list of links (a menu): one Line with a cell per item, so that it is one line, not dozens."""
        items = [c for c in el if tag_of(c) is not None]
        if len(items) < 2 or any(tag_of(c) != "li" for c in items):
            return None
        pieces = []
        for j, li in enumerate(items):
            if any(True for _ in li.iterdescendants("ul", "ol", "table")):
                return None
            text = short_text(li)
            if not text or len(text) > MAX_CELL_CHARS:
                return None
            linked = collapse("".join(t for a in li.iterdescendants("a") for t in a.itertext()))
            if text != linked:
                return None
            pieces.append(Piece(text, Where(line=li.sourceline, col=j)))
        return Line(pieces)

    def text_lines(self, el: Element) -> list[str]:
        """The lines of text an element shows (for table cells and cell rows)."""
        if el in self._cache:  # keyed by the element itself: that keeps lxml's proxy, and its identity, alive
            return self._cache[el]
        if len(el) == 0:  # text only, the common table cell
            text = collapse(el.text or "")
            lines = [text] if text else []
        else:
            sub = Walker(text_only=True)
            sub.children(el)
            sub.flush()
            lines = sub.lines
        self._cache[el] = lines
        return lines

    # -- tables -----------------------------------------------------------

    def table(self, el: Element) -> None:
        rows = table_rows(el)
        caption = next((c for c in el if tag_of(c) == "caption"), None)
        if caption is not None:
            self.walk(caption)
        if self.text_only:
            for tr in rows:
                for td in row_cells(tr):
                    self.children(td)
                    self.flush()
            return
        if self.is_data(el, rows):
            sources = [
                [
                    SourceCell(
                        join_lines(self.text_lines(td)),
                        span(td.get("rowspan"), row=True),
                        span(td.get("colspan"), row=False),
                    )
                    for td in row_cells(tr)
                ]
                for tr in rows
            ]
            if any(sources):
                self.blocks.append(build_grid(sources, self.grids))
                self.lines.extend(c.text for row in sources for c in row)
                self.grids += 1
            return
        for tr in rows:
            self.layout_row(tr)

    def is_data(self, table: Element, rows: list[Element]) -> bool:
        """A table of figures, not a frame around the page: no table inside, no prose cell, not 1×1."""
        if any(True for _ in table.iterdescendants("table")):
            return False
        cells = [td for tr in rows for td in row_cells(tr)]
        if len(cells) == 1 and len(self.text_lines(cells[0])) > 1:
            return False
        for td in cells:
            lines = self.text_lines(td)
            chars = sum(len(line) for line in lines)
            if chars > PROSE_CHARS or (len(lines) >= PROSE_LINES and chars >= PROSE_LINES_CHARS):
                return False
        return True

    def layout_row(self, tr: Element) -> None:
        """A row of a layout table: runs of one-line cells as a Line of cells, other cells as blocks."""
        pending: list[Piece] = []

        def put() -> None:
            if any(p.text.strip() for p in pending):
                cells = pending if len(pending) > 1 else [Piece(pending[0].text, Where(line=pending[0].where.line))]
                self.blocks.append(Line(list(cells)))
                self.lines.append(" ".join(p.text for p in cells))
            pending.clear()

        for td in row_cells(tr):
            lines = self.text_lines(td) if _small(td) else None
            if lines is not None and len(lines) <= 1:
                pending.append(Piece(lines[0] if lines else "", Where(line=td.sourceline, col=len(pending))))
                continue
            put()
            self.flush()
            self.children(td)
            self.flush()
        put()


def table_rows(table: Element) -> list[Element]:
    """The table's own rows (not those of a table inside it) as a browser shows them: thead, body, tfoot."""
    head: list[Element] = []
    body: list[Element] = []
    foot: list[Element] = []
    for tr in table.iterdescendants("tr"):
        section = None
        parent = tr.getparent()
        while parent is not None and parent is not table:
            tag = tag_of(parent)
            if tag == "table":
                break
            if tag in ("thead", "tbody", "tfoot") and section is None:
                section = tag
            parent = parent.getparent()
        if parent is not table:
            continue
        (head if section == "thead" else foot if section == "tfoot" else body).append(tr)
    return head + body + foot


def _small(td: Element) -> bool:
    """A cell that may be one short line: no table inside, little text (the whole page's frame is not)."""
    if any(True for _ in td.iterdescendants("table")):
        return False
    total = 0
    for text in td.itertext():
        total += len(text)
        if total > 2 * MAX_CELL_CHARS:
            return False
    return True


def short_text(el: Element) -> str | None:
    """The element's text collapsed, or None if it is longer than any cell (without reading all of it).

    Tables in tables and blocks in blocks each ask this of what is inside them: reading only the
    first few thousand characters keeps a deeply nested page from being read once per level.
    """
    parts: list[str] = []
    seen = 0
    for text in el.itertext():
        parts.append(text)
        seen += len(text)
        if seen > _CELL_TEXT_LOOK:
            return None
    return collapse("".join(parts))


def line_too_long(length: int, line: int | None) -> str:
    where = f" (at line {line:,} of the page)" if line else ""
    return f"line too long: {length:,} characters in one line of text{where}, the limit is {MAX_LINE_CHARS:,}"


def row_cells(tr: Element) -> list[Element]:
    return [c for c in tr if tag_of(c) in ("td", "th")]


def _styled_as_cell(el: Element) -> bool:
    """An inline element a stylesheet lays out as a cell: it has a class, or a display/width/float style."""
    return bool(el.get("class")) or bool(_CELL_STYLE.search(el.get("style") or ""))


def _is_blank(block: Block) -> bool:
    return isinstance(block, Line) and not block.cells


def _pre_text(el: Element, parts: list[str]) -> None:
    """The text of a pre element, `<br>` as a newline (kept on a stack: nesting has no limit here either)."""
    todo: list[Element | str] = [el]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = tag_of(item)
        if item is not el:
            if tag == "br":
                parts.append("\n")
            if tag not in VOID_TAGS and (tag is None or tag in SKIP_TAGS):
                continue
        parts.append(item.text or "")
        for child in reversed(item):
            todo.append(child.tail or "")
            todo.append(child)


def has_text(blocks: list[Block]) -> bool:
    return any(c.text.strip() for block in blocks for c in block.cells)
