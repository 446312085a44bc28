"""A tiny, safe XML tree with line numbers (defusedxml + expat SAX), for SBOM loaders.

ElementTree drops line numbers; the SAX locator keeps them. The tree is built iteratively, so
deep nesting cannot overflow the Python stack, and defusedxml refuses entity declarations
(billion laughs), external entities and DTD fetching.
"""

from __future__ import annotations

import io
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException

from planner.errors import ParseError
from planner.model import Source


@dataclass(slots=True)
class Element:
    """An XML element: local name (prefix stripped), attributes, text, children and start line."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's own text, stripped."""
        return "".join(self.text_parts).strip()

    def find(self, tag: str) -> Element | None:
        """The first child with this local name."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[Element]:
        """Every child with this local name."""
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str | None:
        """The text of the first child with this local name, or None."""
        child = self.find(tag)
        return child.text if child is not None else None

    def iter(self) -> Iterator[Element]:
        """This element and all descendants, document order, without recursion."""
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: Element | None = None
        self._stack: list[Element] = []
        self._locator: xml.sax.xmlreader.Locator | None = None

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:
        self._locator = locator

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:
        line = self._locator.getLineNumber() if self._locator else 0
        el = Element(_local(name), dict(attrs.items()), line or 0)
        if self._stack:
            self._stack[-1].children.append(el)
        else:
            self.root = el
        self._stack.append(el)

    def endElement(self, name: str) -> None:
        self._stack.pop()

    def characters(self, content: str) -> None:
        if self._stack:
            self._stack[-1].text_parts.append(content)


def parse_xml(text: str, source: Source) -> Element:
    """Parse XML text into an :class:`Element` tree; any failure is a ``ParseError`` with its line."""
    builder = _Builder()
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd = False
    parser.forbid_entities = True
    parser.forbid_external = True
    parser.setContentHandler(builder)
    data = text.encode("utf-8")
    src = xml.sax.xmlreader.InputSource()
    src.setByteStream(io.BytesIO(data))
    src.setEncoding("utf-8")
    try:
        parser.parse(src)
    except xml.sax.SAXParseException as exc:
        raise ParseError(source.display, exc.getLineNumber() or 1, f"malformed XML: {exc.getMessage()}") from None
    except DefusedXmlException as exc:
        line = builder._locator.getLineNumber() if builder._locator else 1
        raise ParseError(source.display, line or 1, f"refused unsafe XML: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise ParseError(source.display, 1, f"malformed XML: {exc}") from None
    if builder.root is None:
        raise ParseError(source.display, 1, "malformed XML: no root element")
    return builder.root
