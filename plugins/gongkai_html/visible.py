"""The parsed page cut down to what a reader of it sees, before it is walked.

A figure that is on the page but not shown (a stale row kept with
`class="old"` and `.old{display:none}`, a digit in a zero-size span, a
struck correction) would otherwise be read as a figure, or glued to one.
So, in place:

- Taken out, with what they hold (the text after them stays): elements not
  displayed (display:none, Word's mso-hide:all, the `hidden` attribute).
- Emptied of their text, their elements kept: struck text (`<del>`, `<s>`,
  `<strike>`, text-decoration:line-through; `<ins>` stays), and elements
  whose text is invisible (visibility:hidden, a zero font size), which
  children that set it back (visibility:visible, a font size of their own)
  show again. A struck or hidden table cell or row stays, empty, as on the
  screen: the cells after it and under a rowspan keep their places.
- Superscript (`<sup>`, vertical-align:super): its digits become superscript
  digits, so that "37<sup>1</sup>" reads as 37 with a footnote mark, not 371.

What decides is `css.StyleSheet`. `html` and `body` keep their text whatever
their style says: pages hide them until a script has run (a flash of
unstyled content), and the script shows them.
"""

from __future__ import annotations

from typing import Any

from gongkai_html.css import StyleSheet
from gongkai_html.walk import SKIP_TAGS, VOID_TAGS, tag_of

Element = Any  # lxml.etree._Element; lxml ships no type hints
STRUCK_TAGS = frozenset({"del", "s", "strike"})
_PAGE_TAGS = frozenset({"html", "body"})
_SUPERSCRIPT = str.maketrans("0123456789０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹" * 2)
# What an element passes on to what it holds: its text is invisible (visibility), zero in size, struck
# out, raised.
_State = tuple[bool, bool, bool, bool]


def keep_visible(root: Element, scope: Element) -> list[str]:
    """Cut `scope` (the body) down to what is shown, by the page's style; what could not be applied."""
    sheet = StyleSheet.of_page(root)
    todo: list[tuple[Element, _State]] = [(scope, (False, False, False, False))]
    while todo:
        el, (invisible, zero, struck, raised) = todo.pop()
        tag = tag_of(el)
        if tag is None or tag in SKIP_TAGS:
            continue
        # A void element's content is what libxml2 nested in it: its parent's, in the parent's state.
        if tag not in VOID_TAGS and tag not in _PAGE_TAGS:
            look = sheet.look(el, tag)
            if not look.shown or el.get("hidden") is not None:
                drop(el)
                continue
            invisible = invisible if look.invisible is None else look.invisible
            zero = zero if look.zero is None else look.zero
            struck = struck or look.struck or tag in STRUCK_TAGS
            raised = raised or look.raised or tag == "sup"
        if invisible or zero or struck:
            el.text = None
            for child in el:
                child.tail = None
        elif raised:
            el.text = superscript(el.text)
            for child in el:
                child.tail = superscript(child.tail)
        state = (invisible, zero, struck, raised)
        todo.extend([(child, state) for child in reversed(el)])
    return sheet.problems


def drop(el: Element) -> None:
    """Take an element out of the tree, the text following it kept where it was."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        before = el.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def superscript(text: str | None) -> str | None:
    return text.translate(_SUPERSCRIPT) if text else text
