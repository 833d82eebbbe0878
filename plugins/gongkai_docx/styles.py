"""The run properties that decide whether and how text is seen: hidden, struck out, superscript.

They are set on a run directly (w:rPr) or through a style of word/styles.xml
(the run's character style w:rStyle, the paragraph's style w:pStyle, each
with the styles it is based on). The nearest setting wins: direct, then
the character style, then the paragraph style. (Word toggles strike and
vanish when styles along one chain both set them; no report's styles do
that, and the nearest setting is what they mean.)
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai_docx.xmlparse import Node, attr

_OFF = ("0", "false", "off")
# Styles followed along w:basedOn from one style. Word's built-in styles chain three or four deep; a
# cycle (which Word refuses but a file may hold) stops here too.
MAX_STYLE_CHAIN = 32


@dataclass(frozen=True)
class Look:
    """What a run's properties say, None where they say nothing."""

    hidden: bool | None = None  # w:vanish
    struck: bool | None = None  # w:strike, w:dstrike
    raised: bool | None = None  # w:vertAlign superscript (False: baseline or subscript)

    def over(self, below: Look) -> Look:
        """These properties, the ones not set taken from `below`."""
        if self is NOTHING or below is NOTHING:
            return below if self is NOTHING else self
        return Look(
            below.hidden if self.hidden is None else self.hidden,
            below.struck if self.struck is None else self.struck,
            below.raised if self.raised is None else self.raised,
        )


NOTHING = Look()


class RunTags:
    """The qualified names read here, of one WordprocessingML namespace."""

    def __init__(self, ns: str) -> None:
        w = "{" + ns + "}"
        self.r_pr, self.p_pr, self.val = w + "rPr", w + "pPr", w + "val"
        self.vanish, self.strike, self.dstrike = w + "vanish", w + "strike", w + "dstrike"
        self.vert_align = w + "vertAlign"
        self.r_style, self.p_style = w + "rStyle", w + "pStyle"
        self.style, self.style_id, self.type, self.default = w + "style", w + "styleId", w + "type", w + "default"
        self.based_on = w + "basedOn"


def on(flag: Node | None, val: str) -> bool:
    """An on/off property present and not switched off."""
    return flag is not None and attr(flag, val, "true").lower() not in _OFF


def on_attribute(node: Node, key: str) -> bool:
    """An on/off attribute (w:default="1", w:customMarkFollows="1"), off when absent."""
    return attr(node, key, "0").lower() not in _OFF


def look_of(r_pr: Node | None, t: RunTags) -> Look:
    """What one w:rPr sets (its w:rStyle aside)."""
    if r_pr is None:
        return NOTHING
    hidden = struck = raised = None
    for prop in r_pr:
        tag = prop.tag
        if tag == t.vanish:
            hidden = on(prop, t.val)
        elif tag in (t.strike, t.dstrike):
            struck = bool(struck) or on(prop, t.val)
        elif tag == t.vert_align:
            raised = attr(prop, t.val, "baseline") == "superscript"
    if hidden is None and struck is None and raised is None:
        return NOTHING  # most runs: fonts and sizes only
    return Look(hidden, struck, raised)


class Styles:
    """The paragraph and character styles of a document, as Looks (resolved when first asked)."""

    def __init__(self, root: Node | None, t: RunTags) -> None:
        self.t = t
        self._own: dict[str, tuple[Look, str | None]] = {}  # style id -> its own Look, the style it is based on
        self._resolved: dict[str, Look] = {}
        self.default_paragraph: Look = NOTHING
        default_id = None
        for style in root.findall(t.style) if root is not None else ():
            style_id = style.get(t.style_id)
            kind = attr(style, t.type, "paragraph")
            if not style_id or kind not in ("paragraph", "character"):
                continue
            based = style.find(t.based_on)
            self._own[style_id] = (look_of(style.find(t.r_pr), t), None if based is None else based.get(t.val))
            if kind == "paragraph" and on_attribute(style, t.default):
                default_id = style_id  # the style of paragraphs that name none
        if default_id is not None:
            self.default_paragraph = self.look(default_id)
        # No style sets anything read here (most documents): paragraphs need not be looked at.
        self.any = any(own is not NOTHING for own, _ in self._own.values())

    def look(self, style_id: str | None) -> Look:
        """The Look of a style with those it is based on."""
        if style_id is None:
            return NOTHING
        if style_id in self._resolved:
            return self._resolved[style_id]
        look = NOTHING
        at: str | None = style_id
        for _ in range(MAX_STYLE_CHAIN):
            own = self._own.get(at) if at is not None else None
            if own is None:
                break
            look = look.over(own[0])
            at = own[1]
        self._resolved[style_id] = look
        return look

    def paragraph(self, p_pr: Node | None) -> Look:
        """The Look a paragraph's style gives its runs."""
        if not self.any:
            return NOTHING
        style = p_pr.find(self.t.p_style) if p_pr is not None else None
        style_id = None if style is None else style.get(self.t.val)
        return self.look(style_id) if style_id in self._own else self.default_paragraph  # Word's fallback too

    def run(self, r_pr: Node | None, paragraph: Look) -> Look:
        """A run's Look: its direct properties over its character style over its paragraph's."""
        if r_pr is None:
            return paragraph
        direct = look_of(r_pr, self.t)
        style = r_pr.find(self.t.r_style) if self.any else None
        if style is not None:
            return direct.over(self.look(style.get(self.t.val)).over(paragraph))
        return direct.over(paragraph)
