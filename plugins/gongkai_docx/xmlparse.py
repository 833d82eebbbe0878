"""Parsing WordprocessingML: lxml (twice as fast as ElementTree here), never resolving entities or the network.

`Node` is the little of an element the reader uses, so that the walk is typed
although lxml ships no type information. A part is parsed as it is read
from the zip (`parse_chunks`), so its bytes are never held whole beside the
tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol, cast

_DEPTH = re.compile(r"Excessive depth in document: (\d+)")


class Node(Protocol):
    @property
    def tag(self) -> object: ...  # a str: comments and processing instructions are dropped at parsing

    @property
    def text(self) -> str | None: ...

    def __iter__(self) -> Iterator[Node]: ...

    def find(self, path: str) -> Node | None: ...

    def findall(self, path: str) -> list[Node]: ...

    def iter(self, tag: str) -> Iterator[Node]: ...

    def get(self, key: str) -> str | None: ...


class XmlError(Exception):
    """The part is not well-formed XML; `line` is where the parser gave up.

    `depth` is set when the parser gave up because elements nest deeper than
    it reads (libxml2 reads 256 levels): the part may be well-formed.
    """

    def __init__(self, line: int | None, depth: int | None = None) -> None:
        super().__init__(f"XML error on line {line}")
        self.line = line
        self.depth = depth


def parse(data: bytes) -> Node:
    return parse_chunks((data,))


def parse_chunks(chunks: Iterable[bytes]) -> Node:
    """The root of the XML made of `chunks`, parsed as they come; XmlError if it is not well-formed."""
    from lxml import etree  # at the first document read, not when the registry lists the plugin (sniff needs none)

    # One parser per document: an lxml parser is not to be shared between threads.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True, collect_ids=False
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
        return cast(Node, parser.close())
    except etree.XMLSyntaxError as exc:
        deep = _DEPTH.search(str(exc))
        raise XmlError(exc.lineno, int(deep.group(1)) if deep else None) from None
    except ValueError:  # lxml refuses some inputs outright (e.g. a str with an encoding declaration)
        raise XmlError(None) from None


def attr(node: Node, key: str, default: str) -> str:
    value = node.get(key)
    return default if value is None else value
