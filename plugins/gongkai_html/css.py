"""The page's style: what its `<style>` elements and `style` attributes say about what is shown.

Only the properties that decide whether text is seen are read: display
(and Word's mso-hide), visibility, font-size (and the `font` shorthand),
text-decoration (line-through) and vertical-align (super). Each element gets
the winning declaration of each, by the cascade: importance, inline before
the style sheet, specificity, then order.

Selectors are matched only in their simple forms: a compound of a tag, an
id and classes (`p`, `.old`, `tr.old`, `#t3`, `div.a.b`), in comma lists.
A selector with combinators (`.box td`) is matched by its last compound
only, which may match more elements than it should, so its declarations
count only where they show text (`display:block`, `visibility:visible`,
a font size of its own): the page's own `ul{font-size:0} ul li{font-size:
14px}` keeps the items, and nothing is hidden on a guess. Attribute
selectors, pseudo-classes and escapes are not read, nor rules inside
at-rules (`@media print {...}` hides nothing on the screen).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Element = Any  # lxml.etree._Element; lxml ships no type hints
Specificity = tuple[int, int, int]
# A declaration's weight in the cascade: (!important, inline, specificity, order).
Weight = tuple[bool, bool, Specificity, int]

# Style rules read from the page's `<style>` elements, each selector of a comma list counted as one. A
# CMS page's own rules are a few hundred; a whole framework pasted into the page a few thousand. Those
# past the limit are not applied (said in the Layout's problems), so that the work stays in proportion.
MAX_CSS_RULES = 5_000
# Selectors tested against elements, over the whole page. Elements alike in tag, id and the classes the
# rules name share one answer, so a real page needs a few thousand tests; a page built to make every
# element test every rule would need 1,000,000 × 5,000. Past the limit (a second or two) the style sheet
# is not applied to the rest of the page, which is said.
MAX_CSS_TESTS = 2_000_000
# Answers remembered for elements alike: a Word page has a few hundred kinds of element, a CMS page
# fewer. A page of a million elements each unlike the others would otherwise keep a million of them.
_REMEMBERED = 100_000

# The properties read, as named in a declaration, to the property they set.
_PROPERTIES = {
    "display": "display",
    "mso-hide": "mso-hide",
    "visibility": "visibility",
    "font-size": "font-size",
    "font": "font-size",
    "text-decoration": "text-decoration",
    "text-decoration-line": "text-decoration",
    "vertical-align": "vertical-align",
}
_MENTIONS = re.compile(
    r"(?<![\w-])(?:display|mso-hide|visibility|font(?:-size)?|text-decoration(?:-line)?|vertical-align)\s*:", re.I
)
_COMMENT = re.compile(r"/\*.*?(?:\*/|$)|<!--|-->", re.S)
_BRACES = re.compile(r"[{}]")
_IMPORTANT = re.compile(r"\s*!\s*important\s*$", re.I)
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
_COMPOUND = re.compile(r"(\*|[A-Za-z][\w-]*)?((?:[.#][\w-]+)*)")
_PART = re.compile(r"[.#][\w-]+")
# Font sizes: zero in any unit; relative to the parent's (so zero under a zero parent); the shorthand's.
_ZERO = re.compile(r"[+-]?(?:0+(?:\.0*)?|\.0+)(?:[a-z]+|%)?")
_RELATIVE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:em|ex|ch|%)|smaller|larger")
_SIZE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[a-z]+|%)|(?:xx?-)?(?:small|large)|medium|smaller|larger")


class Look(NamedTuple):
    """What an element's style says of its text (None: what its parent's says)."""

    shown: bool  # False: not displayed, with all it holds
    invisible: bool | None  # visibility
    zero: bool | None  # a zero font size
    struck: bool  # line-through, which what it holds cannot undo
    raised: bool  # vertical-align:super


def look_of(values: dict[str, str]) -> Look:
    """The Look of an element given the winning value of each property read."""
    return Look(
        values.get("display") != "none" and values.get("mso-hide") != "all",
        visibility_hidden(values.get("visibility")),
        font_size_zero(values.get("font-size")),
        "line-through" in values.get("text-decoration", ""),
        values.get("vertical-align") == "super",
    )


@dataclass(frozen=True)
class Compound:
    """The simple form of a selector: an optional tag, id and classes."""

    tag: str | None
    id: str | None
    classes: frozenset[str]

    def matches(self, tag: str, id_: str | None, classes: frozenset[str]) -> bool:
        return (self.tag is None or self.tag == tag) and (self.id is None or self.id == id_) and self.classes <= classes


@dataclass(frozen=True)
class Rule:
    subject: Compound
    specificity: Specificity
    order: int
    declarations: tuple[tuple[str, str, bool], ...]  # (property, value, important)


@dataclass
class StyleSheet:
    """The page's rules, indexed by the id, class or tag their subject names."""

    by_id: dict[str, list[Rule]] = field(default_factory=dict)
    by_class: dict[str, list[Rule]] = field(default_factory=dict)
    by_tag: dict[str, list[Rule]] = field(default_factory=dict)
    named: set[str] = field(default_factory=set)  # every class a rule's subject names
    problems: list[str] = field(default_factory=list)
    rules: int = 0
    tests: int = 0
    _known: dict[tuple[str, str | None, frozenset[str]], dict[str, tuple[Weight, str]]] = field(default_factory=dict)
    # Elements alike in tag, class, indexed id and style attribute have the same values: Word writes the
    # same few style attributes on thousands of elements.
    _alike: dict[tuple[str, str | None, str | None, str | None], Look] = field(default_factory=dict)

    @classmethod
    def of_page(cls, root: Element) -> StyleSheet:
        sheet = cls()
        for style in root.iter("style"):
            media = (style.get("media") or "all").lower()
            if style.text and ("all" in media or "screen" in media):
                sheet.add(style.text)
        return sheet

    def add(self, css: str) -> None:
        """The style rules of one style sheet, at its top level, after those already added."""
        css = _COMMENT.sub(" ", css)
        depth, start = 0, 0
        prelude = ""
        for m in _BRACES.finditer(css):
            if m.group() == "{":
                if depth == 0:
                    prelude = css[start : m.start()]
                    start = m.end()
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0:
                    self._rule(prelude, css[start : m.start()])
                    start = m.end()

    def _rule(self, prelude: str, body: str) -> None:
        prelude = prelude.rsplit(";", 1)[-1].strip()  # an @import or @charset statement before it
        if not prelude or prelude.startswith("@") or not _MENTIONS.search(body):
            return
        declarations = tuple(parse_declarations(body))
        if not declarations:
            return
        for text in prelude.split(","):
            if self.rules >= MAX_CSS_RULES:
                if not self.problems:
                    self.problems.append(
                        f"the page's style sheets have more than {MAX_CSS_RULES:,} rules: the rest are not applied"
                    )
                return
            self.rules += 1
            self._selector(text.strip(), declarations)

    def _selector(self, text: str, declarations: tuple[tuple[str, str, bool], ...]) -> None:
        if not text or any(c in text for c in "[]:()\\@"):
            return
        parts = _COMBINATOR.split(text)
        compounds = [_compound(part) for part in parts]
        if any(c is None for c in compounds):
            return
        subject = compounds[-1]
        assert subject is not None
        if len(compounds) > 1:  # matched by its last compound only: only what shows text counts
            declarations = tuple(d for d in declarations if shows(d[0], d[1]))
        if not declarations or not (subject.tag or subject.id or subject.classes):
            return
        ids = sum(1 for c in compounds if c and c.id)
        classes = sum(len(c.classes) for c in compounds if c)
        tags = sum(1 for c in compounds if c and c.tag)
        rule = Rule(subject, (ids, classes, tags), self.rules, declarations)
        self.named |= subject.classes
        if subject.id:
            self.by_id.setdefault(subject.id, []).append(rule)
        elif subject.classes:
            self.by_class.setdefault(min(subject.classes), []).append(rule)
        else:
            assert subject.tag is not None
            self.by_tag.setdefault(subject.tag, []).append(rule)

    def look(self, el: Element, tag: str) -> Look:
        """What the element's style says of its text."""
        id_ = el.get("id")
        style = el.get("style")
        key = (tag, el.get("class"), id_ if id_ in self.by_id else None, style)
        known = self._alike.get(key)
        if known is not None:
            return known
        found: dict[str, tuple[Weight, str]] = {}
        if self.by_id or self.by_class or self.by_tag:
            found = dict(self._from_sheet(el, tag))
        if style and _MENTIONS.search(style):
            for order, (prop, value, important) in enumerate(parse_declarations(style)):
                weight: Weight = (important, True, (0, 0, 0), order)
                if prop not in found or found[prop][0] < weight:
                    found[prop] = (weight, value)
        look = look_of({prop: value for prop, (_, value) in found.items()})
        if len(self._alike) < _REMEMBERED:
            self._alike[key] = look
        return look

    def _from_sheet(self, el: Element, tag: str) -> dict[str, tuple[Weight, str]]:
        id_ = el.get("id")
        id_ = id_ if id_ in self.by_id else None
        all_classes = frozenset((el.get("class") or "").split())
        key = (tag, id_, all_classes & self.named)
        known = self._known.get(key)
        if known is not None:
            return known
        candidates: list[Rule] = list(self.by_tag.get(tag, ()))
        if id_ is not None:
            candidates.extend(self.by_id[id_])
        for c in key[2]:
            candidates.extend(self.by_class.get(c, ()))
        self.tests += len(candidates)
        if self.tests > MAX_CSS_TESTS:
            self.problems.append(
                f"applying the page's style sheets took more than {MAX_CSS_TESTS:,} tests: "
                "they are not applied to the rest of the page"
            )
            self.by_id, self.by_class, self.by_tag = {}, {}, {}
            return {}
        found: dict[str, tuple[Weight, str]] = {}
        for rule in candidates:
            if not rule.subject.matches(tag, id_, all_classes):
                continue
            for prop, value, important in rule.declarations:
                weight: Weight = (important, False, rule.specificity, rule.order)
                if prop not in found or found[prop][0] < weight:
                    found[prop] = (weight, value)
        if len(self._known) < _REMEMBERED:
            self._known[key] = found
        return found


def parse_declarations(text: str) -> Iterable[tuple[str, str, bool]]:
    """The declarations read of a declaration block: (property, value, important), values in lower case."""
    for item in text.split(";"):
        name, colon, value = item.partition(":")
        prop = _PROPERTIES.get(name.strip().lower())
        if not colon or prop is None:
            continue
        value = value.strip().lower()
        important = _IMPORTANT.search(value) is not None
        value = _IMPORTANT.sub("", value)
        if name.strip().lower() == "font":
            size = _shorthand_size(value)
            if size is None:
                continue
            value = size
        if value:
            yield prop, value, important


def _shorthand_size(value: str) -> str | None:
    """The font size in a `font` shorthand (`font: 0/0 a`, `font: bold 14px/1.5 宋体`)."""
    for token in value.split():
        size = token.split("/", 1)[0]
        if _ZERO.fullmatch(size) or _SIZE.fullmatch(size):
            return size
    return None


def _compound(text: str) -> Compound | None:
    m = _COMPOUND.fullmatch(text)
    if m is None or not text:
        return None
    tag = m.group(1)
    parts = _PART.findall(m.group(2))
    ids = [p[1:] for p in parts if p.startswith("#")]
    if len(ids) > 1:
        return None
    classes = frozenset(p[1:] for p in parts if p.startswith("."))
    return Compound(None if tag in (None, "*") else tag.lower(), ids[0] if ids else None, classes)


def font_size_zero(value: str | None) -> bool | None:
    """Whether a font-size makes text zero in size: True, False, or None for the parent's (em, %, inherit)."""
    if value is None:
        return None
    if _ZERO.fullmatch(value):  # zero in any unit, 0em included
        return True
    return None if value in ("inherit", "unset") or _RELATIVE.fullmatch(value) else False


def visibility_hidden(value: str | None) -> bool | None:
    """Whether a visibility hides: True, False (visible), or None for the parent's."""
    if value in ("hidden", "collapse"):
        return True
    return False if value == "visible" else None


def shows(prop: str, value: str) -> bool:
    """A declaration that shows text, or leaves it shown (the only kind a guessed match may apply)."""
    if prop == "display":
        return value != "none"
    if prop == "mso-hide":
        return value != "all"
    if prop == "visibility":
        return value == "visible"
    if prop == "font-size":
        return font_size_zero(value) is False
    if prop == "text-decoration":
        return "line-through" not in value
    return prop == "vertical-align" and value != "super"
