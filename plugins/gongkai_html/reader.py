"""HTML (web pages, Word's "save as web page", XHTML): decoded, parsed with lxml, walked into blocks.

The parser is libxml2's HTML parser through lxml (`lxml.etree.HTMLParser`,
comments and processing instructions removed while parsing). It recovers
from whatever a CMS or Word writes, a page cut off mid-table included, and
records source lines. Measured on the test and generated pages, it parses
a 17 KB CMS page in about 0.4 ms and a 125 KB Word page in about 2 ms;
html5lib builds the same Layout 50-100 times slower and the standard
library's html.parser only tokenizes 15-20 times slower (with no tree and no
recovery), so lxml is the only dependency. The page is decoded first and
handed to lxml as text (see `decoding`). What the page does not show
(hidden by its style, struck out) is taken out of the tree (`visible`)
before it is walked.

The parser runs with `huge_tree`: without it libxml2 stops reading at 256
levels of nesting, and old pages reach that with unclosed tags alone
(`<p><font>…` on every paragraph nests two levels a paragraph), losing the
rest of the report without a word. With it, libxml2 reads 2,048 levels;
what it still cuts off is said in `Layout.problems`, or in the error if no
text is left. Lifting libxml2's other limits is safe here: the HTML parser
expands no entities, so the tree stays in proportion to the page, which is
limited to `MAX_TAGS` tags before it is parsed.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from gongkai.errors import ReadError
from gongkai.hookspecs import Document
from gongkai.layout import Block, Layout, Line, Piece
from gongkai.model import Where

# The start of an HTML document, or an element only HTML has, near the top.
_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|meta|body|table|title)\b", re.I)
_LEADING = re.compile(rb"(?:\s|<\?xml\b[^>]*>|<!--.*?-->)*", re.S)
_EARLY = 4096
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*\?>")
_ENDS = re.compile(r"</(?:body|html)\s*>", re.I)
_SCRIPT = re.compile(r"<script\b", re.I)
_ANY_TAG = re.compile(r"<[A-Za-z!/?]")
_DEPTH = re.compile(r"Excessive depth in document: (\d+)")
# A page with more tags than this (counting every "<") is refused before it is parsed. The tree costs
# about 300 bytes an element and the walk as much again for each line of text: a million tags are under a
# gigabyte. A report saved as a web page by Word has some 3,500 tags for its tables and a few pages of
# text; even a 200-page one stays under 300,000.
MAX_TAGS = 1_000_000


class HtmlReader:
    name: str = "html"
    extensions: tuple[str, ...] = (".html", ".htm", ".shtml", ".xhtml")

    def sniff(self, head: bytes, name: str | None) -> float:
        """0.9 for a page starting with HTML markup, 0.85 with it in its first 4 KiB, 0.6 further in,
        0.7 for a head of only comments or an XML declaration; 0.3 for no markup in a file named
        as HTML (a text reader reads text better). A claimed extension adds 0.05."""
        claimed = name is not None and name.lower().endswith(self.extensions)
        bonus = 0.05 if claimed else 0.0
        head = _ascii_view(head)
        leading = _LEADING.match(head)
        at = leading.end() if leading else 0
        found = _MARKUP.search(head)
        if found is not None:
            score = 0.9 if found.start() == at else 0.85 if found.start() < _EARLY else 0.6
            return min(1.0, score + bonus)
        if at and head[:at].strip():  # comments or an XML declaration, and nothing else recognisable
            return 0.7 + bonus
        return 0.3 if claimed else 0.0

    def read(self, doc: Document) -> Layout:
        # lxml and the walk load at the first page read, not when the registry lists the plugin.
        import lxml.etree

        from gongkai_html.decoding import decode_html
        from gongkai_html.visible import keep_visible
        from gongkai_html.walk import Walker, has_text

        text, encoding, problems = decode_html(doc.data, doc.options.get("encoding") or None)
        if not _ANY_TAG.search(text):  # not HTML at all, only named so: its lines, as text has them
            return Layout(blocks=text_lines(text), format="html", encoding=encoding, problems=problems)
        text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses a str that declares its encoding
        tags = text.count("<")
        if tags > MAX_TAGS:
            raise ReadError(f"page too large: {tags:,} tags, the limit is {MAX_TAGS:,}")
        parser = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
        try:
            root = lxml.etree.fromstring(text, parser)
        except (lxml.etree.LxmlError, ValueError) as exc:
            raise ReadError(f"not readable as HTML: {str(exc).splitlines()[0]}") from None
        if root is None:
            raise ReadError("not readable as HTML: no content")
        cut = _cut_off(parser)
        body = root.find("body")
        scope = body if body is not None else root
        problems.extend(keep_visible(root, scope))
        walker = Walker()
        try:
            walker.walk(scope)
            walker.flush()
        except RecursionError:
            raise ReadError(f"not readable as HTML: tables nested {_table_depth(root):,} deep") from None
        if not has_text(walker.blocks):
            if cut:
                raise ReadError(cut)
            hint = " (its content may be filled in by JavaScript)" if _SCRIPT.search(text) else ""
            if root.find("frameset") is not None:
                hint = " (a frameset: the report is in another file)"
            raise ReadError(f"no visible text in the page{hint}")
        if cut:
            problems.append(cut)
        if re.search(r"<(?:html|body)\b", text[:_EARLY], re.I) and not _ENDS.search(text[-4096:]):
            problems.append("the page ends without </body> or </html>: it may be cut short")
        title = root.findtext(".//head/title") or root.findtext(".//title")
        title = " ".join(title.split()) if title else None
        return Layout(blocks=walker.blocks, format="html", encoding=encoding, problems=problems, title=title or None)


def _cut_off(parser: Any) -> str | None:  # an lxml.etree.HTMLParser
    """What the parser left unread because the page nests elements deeper than it reads, if it did."""
    for entry in parser.error_log:
        deep = _DEPTH.search(entry.message)
        if deep:
            return (
                f"the page nests elements deeper than the parser reads ({int(deep.group(1)):,} levels): "
                f"everything after line {entry.line:,} is lost"
            )
    return None


def _table_depth(root: Any) -> int:
    """How deep tables nest in the page."""
    return max((sum(1 for _ in table.iterancestors("table")) + 1 for table in root.iter("table")), default=0)


def text_lines(text: str) -> list[Block]:
    """Plain text: a Line per line, cells split at tabs, blank lines as empty Lines (row breaks)."""
    out: list[Block] = []
    lines = text.split("\n")
    if lines[-1] == "":  # the newline ending the last line does not start another
        lines.pop()
    for number, line in enumerate(lines, start=1):
        cells = line.split("\t")
        if not line.strip():
            out.append(Line([]))
        elif len(cells) == 1:
            out.append(Line([Piece(line.strip(), Where(line=number))]))
        else:
            out.append(Line([Piece(c.strip(), Where(line=number, col=j)) for j, c in enumerate(cells)]))
    return out


def _ascii_view(head: bytes) -> bytes:
    """The head with a BOM dropped; UTF-16 (with a BOM) as ASCII-compatible bytes, so markup shows."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(codecs.BOM_UTF8)
