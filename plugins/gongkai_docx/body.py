"""The body of word/document.xml in document order: paragraphs as Lines, tables as Grids.

What is read is what a reader of the printed page sees: the text of runs,
hyperlinks, content controls, inserted text, field results and text boxes.
What is left out: field instructions (PAGE, HYPERLINK, =SUM(LEFT)), deleted
and moved-away text, hidden text, struck-out text (a correction: "25" struck
before "20"), a content control's placeholder prompt, ruby annotations, and
the fallback copy of a drawing (which repeats the text box of the drawing
it stands for). Hidden, struck and superscript come from the run's own
properties or its styles (`styles`). Superscript digits, and a footnote's
own mark (w:customMarkFollows), are read as superscript digits (¹²³), so
that "37" with the mark "1" reads as 37 with a footnote mark, not 371; a
numbered footnote reference gives nothing.

A paragraph is split at tabs into cells and at line breaks into Lines; an
empty paragraph is an empty Line (a row break), runs of them one. A table
cell's text is its paragraphs joined with "" (a label wrapped inside a
cell is one label, with no space inserted into Chinese text). A text box in
the body gives its own Lines after the paragraph holding it; one inside a
table cell is part of the cell's text.

Tables: a table holding other tables (a layout frame) or a single cell
gives the blocks inside it; any other table is a Grid. A table broken in
two is one Grid, its repeated header rows dropped: two tables with the
same number of grid columns and nothing but empty paragraphs, page or
section breaks or a 续表 caption between them, where a page or section
break is among those, or the second repeats the first's header, or
nothing at all lies between them. Two tables apart by a blank paragraph
alone are two tables (the 第二十条 sub-tables, often).
"""

from __future__ import annotations

import re

from gongkai.errors import ReadError
from gongkai.layout import Block, Grid, Line, Piece
from gongkai.model import Where
from gongkai_docx.styles import NOTHING, Look, RunTags, Styles, on, on_attribute
from gongkai_docx.tables import RawCell, Stitched, build_cells, continue_grid, repeated_header
from gongkai_docx.xmlparse import Node, attr

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO 29500 Strict
)
# A caption between the two parts of a broken table.
_CONTINUED = re.compile(r"\s*[（(]?\s*续(?:上)?表\s*[\d一二三四五六七八九十]*\s*[)）]?\s*[:：]?\s*")
_SUPERSCRIPT = str.maketrans("0123456789０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹" * 2)
MAX_COLUMNS = 63
# A paragraph or a table cell with more text than this is refused. A report's longest paragraphs have a few
# thousand characters; the recogniser's work grows faster than a line's length.
MAX_LINE_CHARS = 100_000
# A table of more rows × grid columns than this is refused: the national forms' tables have fewer than 100
# rows of 20 columns (2,000 slots); a million is 500 times that.
MAX_TABLE_CELLS = 1_000_000


class Tags:
    """The qualified tag names of one WordprocessingML namespace."""

    def __init__(self, ns: str) -> None:
        w = "{" + ns + "}"
        self.body, self.p, self.r, self.t = w + "body", w + "p", w + "r", w + "t"
        self.tbl, self.tr, self.tc = w + "tbl", w + "tr", w + "tc"
        self.tbl_grid, self.grid_col = w + "tblGrid", w + "gridCol"
        self.tr_pr, self.tc_pr = w + "trPr", w + "tcPr"
        self.grid_before, self.grid_after, self.grid_span = w + "gridBefore", w + "gridAfter", w + "gridSpan"
        self.v_merge, self.h_merge = w + "vMerge", w + "hMerge"
        self.tab, self.ptab, self.br, self.cr = w + "tab", w + "ptab", w + "br", w + "cr"
        self.p_pr, self.sect_pr, self.page_break_before = w + "pPr", w + "sectPr", w + "pageBreakBefore"
        self.rendered_page_break = w + "lastRenderedPageBreak"
        self.no_break_hyphen = w + "noBreakHyphen"
        self.r_pr = w + "rPr"
        self.footnote_refs = frozenset((w + "footnoteReference", w + "endnoteReference"))
        self.custom_mark_follows, self.sym = w + "customMarkFollows", w + "sym"
        self.run_tags = RunTags(ns)
        self.sdt, self.sdt_pr, self.sdt_content = w + "sdt", w + "sdtPr", w + "sdtContent"
        self.showing_placeholder = w + "showingPlcHdr"
        self.ruby, self.ruby_base = w + "ruby", w + "rubyBase"
        self.txbx_content = w + "txbxContent"
        self.drawing, self.pict, self.object = w + "drawing", w + "pict", w + "object"
        self.val, self.type = w + "val", w + "type"
        # Inline wrappers whose runs are printed text.
        self.inline_wrappers = frozenset(
            w + name for name in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo")
        )
        # Block wrappers whose paragraphs and tables are part of the body.
        self.block_wrappers = frozenset(w + name for name in ("customXml", "ins", "moveTo"))
        self.alternate, self.choice, self.fallback = MC + "AlternateContent", MC + "Choice", MC + "Fallback"


def word_namespace(root: Node) -> str | None:
    """The WordprocessingML namespace of a w:document root, or None if it is no Word document."""
    for ns in WORD_NAMESPACES:
        if root.tag == "{" + ns + "}document":
            return ns
    return None


class BodyWalker:
    """Walks a w:body (and the text boxes and layout tables inside it) into blocks."""

    def __init__(self, tags: Tags, styles: Node | None = None) -> None:
        self.t = tags
        self.styles = Styles(styles, tags.run_tags)
        self.blocks: list[Block] = []
        self.problems: list[str] = []
        self.paragraphs = 0  # paragraphs read as Lines so far: Where.line of a Line
        self.grids = 0
        self._last_grid: Stitched | None = None  # the last Grid, which the next table may continue
        self._page_break = False  # a page or section break in the body since the last Grid
        self._paragraph: Look = NOTHING  # what the style of the paragraph being read gives its runs
        self._mark_follows = False  # a footnote reference whose own mark is the next text

    # Blocks ---------------------------------------------------------------

    def walk(self, container: Node) -> None:
        t = self.t
        for child in container:
            tag = child.tag
            if tag == t.p:
                self.paragraph(child)
            elif tag == t.tbl:
                self.table(child)
            elif tag == t.sdt:
                content = child.find(t.sdt_content)
                if content is not None and not self._placeholder(child):
                    self.walk(content)
            elif tag in t.block_wrappers:
                self.walk(child)
            elif tag == t.alternate:
                chosen = self._choice(child)
                if chosen is not None:
                    self.walk(chosen)

    def paragraph(self, p: Node) -> None:
        parts: list[str] = []
        boxes: list[Node] = []
        pr = p.find(self.t.p_pr)
        self._start(pr)
        self.inline(p, parts, boxes, in_cell=False)
        if pr is not None and (pr.find(self.t.sect_pr) is not None or _on(pr.find(self.t.page_break_before), self.t)):
            self._page_break = True
        self.paragraphs += 1
        number = self.paragraphs
        text = _checked("".join(parts), f"paragraph {number:,}")
        if not text.strip():
            self._emit_line(Line([]))
        else:
            for line in text.split("\n"):
                if line.strip():
                    self._emit_line(Line([Piece(c, Where(line=number, col=j)) for j, c in enumerate(line.split("\t"))]))
        for box in boxes:
            self.walk(box)

    def _emit_line(self, line: Line) -> None:
        if not line.cells and self.blocks and isinstance(self.blocks[-1], Line) and not self.blocks[-1].cells:
            return  # a run of empty paragraphs is one row break
        self.blocks.append(line)

    # Text -----------------------------------------------------------------

    def inline(self, el: Node, parts: list[str], boxes: list[Node], in_cell: bool) -> None:
        """The printed text of a paragraph's content; text boxes met on the way go into `boxes`."""
        t = self.t
        for child in el:
            tag = child.tag
            if tag == t.r:
                self.run(child, parts, boxes, in_cell)
            elif tag in t.inline_wrappers:
                self.inline(child, parts, boxes, in_cell)
            elif tag == t.sdt:
                content = child.find(t.sdt_content)
                if content is not None and not self._placeholder(child):
                    self.inline(content, parts, boxes, in_cell)
            elif tag == t.alternate:
                chosen = self._choice(child)
                if chosen is not None:
                    self.inline(chosen, parts, boxes, in_cell)
            # w:del, w:moveFrom (deleted text), w:pPr, bookmarks, comment marks, math: not printed text

    def _start(self, p_pr: Node | None) -> None:
        """Begin a paragraph: its style's run properties; no footnote mark carried over."""
        self._paragraph = self.styles.paragraph(p_pr)
        self._mark_follows = False

    def run(self, r: Node, parts: list[str], boxes: list[Node], in_cell: bool) -> None:
        t = self.t
        look = self._paragraph
        for child in r:
            tag = child.tag
            if tag == t.r_pr:  # the first child, when there is one
                look = self.styles.run(child, self._paragraph)
                continue
            if look.hidden:
                return  # hidden text is not printed
            struck = look.struck  # a struck correction: its text is not what the page says; tabs stay
            if tag == t.t:
                if child.text and not struck:
                    raised = look.raised or self._mark_follows
                    parts.append(child.text.translate(_SUPERSCRIPT) if raised else child.text)
                self._mark_follows = False
            elif tag in t.footnote_refs:
                # A numbered reference prints the footnote's number, which is not read (it would glue digits
                # to the figure before it); with customMarkFollows its mark is the text that follows.
                self._mark_follows = on_attribute(child, t.custom_mark_follows)
            elif tag == t.sym:
                self._mark_follows = False
            elif tag in (t.tab, t.ptab):
                parts.append(" " if in_cell else "\t")
            elif tag in (t.br, t.cr):
                kind = attr(child, t.type, "textWrapping")
                if kind == "textWrapping" and not in_cell:
                    parts.append("\n")
                elif kind == "page" and not in_cell:
                    self._page_break = True
            elif tag == t.rendered_page_break and not in_cell:
                self._page_break = True
            elif tag == t.no_break_hyphen and not struck:
                parts.append("-")
            elif tag == t.ruby and not struck:
                base = child.find(t.ruby_base)
                if base is not None:
                    self.inline(base, parts, boxes, in_cell)
            elif tag in (t.drawing, t.pict, t.object):
                self.find_boxes(child, boxes)
            elif tag == t.alternate:
                chosen = self._choice(child)
                if chosen is not None:
                    self.find_boxes(chosen, boxes)
            # w:instrText (field instructions), w:delText, w:fldChar, w:sym: not text

    def find_boxes(self, el: Node, boxes: list[Node]) -> None:
        """The outermost text boxes inside a drawing, taking one branch of each mc:AlternateContent."""
        t = self.t
        for child in el:
            tag = child.tag
            if tag == t.txbx_content:
                boxes.append(child)
            elif tag == t.alternate:
                chosen = self._choice(child)
                if chosen is not None:
                    self.find_boxes(chosen, boxes)
            elif isinstance(tag, str):
                self.find_boxes(child, boxes)

    def cell_text(self, container: Node) -> str:
        """A table cell's (or a text box's) text: its paragraphs joined with "", text boxes inside included."""
        t = self.t
        texts: list[str] = []
        for child in self._cell_blocks(container):
            if child.tag == t.p:
                parts: list[str] = []
                boxes: list[Node] = []
                self._start(child.find(t.p_pr) if self.styles.any else None)
                self.inline(child, parts, boxes, in_cell=True)
                texts.append("".join(parts))
                texts.extend(self.cell_text(box) for box in boxes)
            elif child.tag == t.tbl:  # a table in a cell of a grid (not a layout frame): its text, row by row
                texts.extend(self.cell_text(tc) for tr in self._rows(child) for tc in self._cells(tr))
        return _checked(_join(texts), f"a table cell of table {self.grids + 1}")

    def _cell_blocks(self, container: Node) -> list[Node]:
        t = self.t
        out: list[Node] = []
        for child in container:
            tag = child.tag
            if tag in (t.p, t.tbl):
                out.append(child)
            elif tag == t.sdt:
                content = child.find(t.sdt_content)
                if content is not None and not self._placeholder(child):
                    out.extend(self._cell_blocks(content))
            elif tag in t.block_wrappers:
                out.extend(self._cell_blocks(child))
            elif tag == t.alternate:
                chosen = self._choice(child)
                if chosen is not None:
                    out.extend(self._cell_blocks(chosen))
        return out

    def _placeholder(self, sdt: Node) -> bool:
        """A content control showing its prompt ("单击此处输入文字"): nothing was filled in."""
        pr = sdt.find(self.t.sdt_pr)
        return pr is not None and _on(pr.find(self.t.showing_placeholder), self.t)

    def _choice(self, alternate: Node) -> Node | None:
        """The branch of an mc:AlternateContent to read: its first Choice, else its Fallback."""
        chosen = alternate.find(self.t.choice)
        return chosen if chosen is not None else alternate.find(self.t.fallback)

    # Tables ---------------------------------------------------------------

    def _rows(self, tbl: Node) -> list[Node]:
        return self._unwrap(tbl, self.t.tr)

    def _cells(self, tr: Node) -> list[Node]:
        return self._unwrap(tr, self.t.tc)

    def _unwrap(self, parent: Node, tag: str) -> list[Node]:
        """The children with `tag`, looking through content controls and custom XML around them."""
        t = self.t
        out: list[Node] = []
        for child in parent:
            if child.tag == tag:
                out.append(child)
            elif child.tag == t.sdt:
                content = child.find(t.sdt_content)
                if content is not None:
                    out.extend(self._unwrap(content, tag))
            elif child.tag in t.block_wrappers:
                out.extend(self._unwrap(child, tag))
        return out

    def table(self, tbl: Node) -> None:
        t = self.t
        rows = self._rows(tbl)
        cells = [self._cells(tr) for tr in rows]
        nested = any(True for row in cells for tc in row for _ in tc.iter(t.tbl))
        if nested or sum(len(row) for row in cells) <= 1:
            for row in cells:  # a layout frame: what is inside it is the document
                for tc in row:
                    self.walk(tc)
            return
        raw_rows: list[list[RawCell]] = []
        n_cols = 0
        for tr, row in zip(rows, cells, strict=True):
            row_pr = _properties(tr, t.tr_pr, t.val)
            col = _int(row_pr, t.grid_before, 0)
            raw: list[RawCell] = []
            for tc in row:
                pr = _properties(tc, t.tc_pr, t.val)
                span = max(1, _int(pr, t.grid_span, 1))
                if t.h_merge in pr and (pr[t.h_merge] or "continue") == "continue" and raw:
                    raw[-1].colspan += span  # a legacy horizontal merge: part of the cell on its left
                    col += span
                    continue
                vmerge = (pr[t.v_merge] or "continue") if t.v_merge in pr else None
                raw.append(RawCell(self.cell_text(tc), col, span, vmerge))
                col += span
            n_cols = max(n_cols, col + _int(row_pr, t.grid_after, 0))
            raw_rows.append(raw)
        grid_def = tbl.find(t.tbl_grid)
        n_cols = max(n_cols, len(grid_def.findall(t.grid_col)) if grid_def is not None else 0)
        if len(raw_rows) * n_cols > MAX_TABLE_CELLS:
            raise ReadError(_table_too_large(len(raw_rows), n_cols))
        self._emit_grid(raw_rows, n_cols)

    def _emit_grid(self, raw_rows: list[list[RawCell]], n_cols: int) -> None:
        found = self._continued_table(n_cols)
        if found is not None and self._last_grid is not None:
            at, separated = found
            previous = self._last_grid.grid
            cells = build_cells(raw_rows, previous.index or 0)
            header = repeated_header(self._last_grid, cells)
            # Two tables apart by a blank paragraph are two tables, unless a page broke between them
            # or the second repeats the first's header; with nothing between them they print as one.
            if not separated or self._page_break or header:
                continue_grid(self._last_grid, cells, header)
                if self._last_grid.n_rows * n_cols > MAX_TABLE_CELLS:
                    raise ReadError(_table_too_large(self._last_grid.n_rows, n_cols, "put together"))
                del self.blocks[at + 1 :]  # the empty paragraphs and captions between the two parts
                if separated:
                    how = "after a page break" if self._page_break else "with its header repeated"
                    dropped = f", its {header} repeated header rows dropped" if header else ""
                    self.problems.append(f"table {(previous.index or 0) + 1} continues {how}: read as one{dropped}")
                self._page_break = False
                return
        grid = Grid(cells=build_cells(raw_rows, self.grids), index=self.grids)
        self.grids += 1
        self.blocks.append(grid)
        self._last_grid = Stitched.start(grid, n_cols)
        self._page_break = False

    def _continued_table(self, n_cols: int) -> tuple[int, bool] | None:
        """The last Grid, if only separators follow it and it has as many grid columns: (where, separated)."""
        if self._last_grid is None:
            return None
        grid, cols = self._last_grid.grid, self._last_grid.columns
        for at in range(len(self.blocks) - 1, -1, -1):
            block = self.blocks[at]
            if block is grid:
                return (at, at < len(self.blocks) - 1) if cols == n_cols else None
            if not isinstance(block, Line) or (block.cells and not _CONTINUED.fullmatch(block.text)):
                return None
        return None


def _on(flag: Node | None, t: Tags) -> bool:
    """An on/off property present and not switched off."""
    return on(flag, t.val)


def _properties(el: Node, pr_tag: str, val: str) -> dict[object, str | None]:
    """The w:val of each property in the element's w:trPr or w:tcPr, by tag (None: present without a value)."""
    for child in el:
        if child.tag == pr_tag:
            return {prop.tag: prop.get(val) for prop in child}
    return {}


def _int(properties: dict[object, str | None], tag: str, default: int) -> int:
    """A count of grid columns, within what Word allows (63 columns)."""
    try:
        return min(max(int(properties.get(tag) or default), 0), MAX_COLUMNS)
    except ValueError:
        return default


def _table_too_large(rows: int, columns: int, how: str = "") -> str:
    what = f"{rows:,} rows of {columns:,} columns" + (f" ({how})" if how else "")
    return f"table too large: {what}, the limit is {MAX_TABLE_CELLS:,} cells"


def _checked(text: str, what: str) -> str:
    if len(text) > MAX_LINE_CHARS:
        raise ReadError(f"line too long: {len(text):,} characters in {what}, the limit is {MAX_LINE_CHARS:,}")
    return text


def _join(texts: list[str]) -> str:
    """Paragraphs of a cell joined with "", a space only between ASCII letters or digits ("3" and "5")."""
    out = ""
    for text in texts:
        if not text:
            continue
        if out and _ascii_word(out[-1]) and _ascii_word(text[0]):
            out += " "
        out += text
    return out


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
