"""Parsing WordprocessingML: lxml (twice as fast as ElementTree here), never resolving entities or the network.

`Node` is the little of an element the reader uses, so that the walk is typed
although lxml ships no type information.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, cast

from lxml import etree


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
    """The part is not well-formed XML; `line` is where the parser gave up."""

    def __init__(self, line: int | None) -> None:
        super().__init__(f"XML error on line {line}")
        self.line = line


def parse(data: bytes) -> Node:
    parser = etree.XMLParser(  # one per document: an lxml parser is not to be shared between threads
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True, collect_ids=False
    )
    try:
        return cast(Node, etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise XmlError(exc.lineno) from None
    except ValueError:  # lxml refuses some inputs outright (e.g. a str with an encoding declaration)
        raise XmlError(None) from None


def attr(node: Node, key: str, default: str) -> str:
    value = node.get(key)
    return default if value is None else value
