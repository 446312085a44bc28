"""A small element tree with line numbers, built with defusedxml's SAX parser.

``xml.etree`` (and defusedxml's wrapper of it) keeps no line numbers, and every record a Maven
loader emits needs one. This reader drives :class:`defusedxml.expatreader.DefusedExpatParser`
(entity declarations, external references forbidden) with a content handler that records the
line where each element starts. Namespaces are dropped: ``<pom:dependency>`` and
``<dependency>`` are the same element; the root's default namespace is kept for a check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax import SAXException, SAXParseException
from xml.sax.expatreader import ExpatLocator
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import DefusedExpatParser

MAX_DEPTH = 256  # a POM is a dozen levels deep; anything far deeper is hostile


class XmlError(Exception):
    """The text is not well-formed (or hostile) XML: ``line`` and a one-line ``reason``."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(slots=True, eq=False)
class Element:
    """An XML element: local tag name, stripped text, the lines of its start and end tags, its children."""

    tag: str
    line: int
    text: str = ""
    children: list[Element] = field(default_factory=list)
    namespace: str | None = None  # the default namespace declared on this element, if any
    end_line: int = 0  # the line of its end tag (of the start tag for an empty element <x/>)

    def child(self, tag: str) -> Element | None:
        """The first child with this tag."""
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def all(self, tag: str) -> list[Element]:
        """Every child with this tag."""
        return [c for c in self.children if c.tag == tag]

    def text_of(self, tag: str) -> str | None:
        """The stripped text of the first child with this tag, or None when absent."""
        c = self.child(tag)
        return c.text if c is not None else None

    def path(self, *tags: str) -> list[Element]:
        """Elements reached by following ``tags`` (``path("dependencies", "dependency")``)."""
        level = [self]
        for tag in tags:
            level = [c for e in level for c in e.children if c.tag == tag]
        return level


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: Element | None = None
        self.stack: list[Element] = []
        self.texts: list[list[str]] = []
        self.locator = None

    def setDocumentLocator(self, locator) -> None:
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator is not None else 0

    def startElement(self, name: str, attrs) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise XmlError(self.line(), f"XML nested deeper than {MAX_DEPTH} elements")
        el = Element(name.rpartition(":")[2], self.line(), namespace=attrs.get("xmlns"))
        if self.stack:
            self.stack[-1].children.append(el)
        elif self.root is None:
            self.root = el
        self.stack.append(el)
        self.texts.append([])

    def endElement(self, name: str) -> None:
        el = self.stack.pop()
        el.text = "".join(self.texts.pop()).strip()
        el.end_line = self.line()

    def characters(self, content: str) -> None:
        if self.texts:
            self.texts[-1].append(content)


def parse_xml(text: str) -> Element:
    """Parse ``text`` into an :class:`Element` tree; raise :class:`XmlError` on bad or hostile XML."""
    builder = _Builder()
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(builder)
    builder.setDocumentLocator(ExpatLocator(parser))  # parse() would set it; feed() does not
    try:
        parser.feed(text)
        parser.close()
    except XmlError:
        raise
    except SAXParseException as exc:
        raise XmlError(exc.getLineNumber(), f"malformed XML: {exc.getMessage()}") from None
    except EntitiesForbidden:
        raise XmlError(builder.line() or 1, "XML entity expansion forbidden") from None
    except (DTDForbidden, ExternalReferenceForbidden):
        raise XmlError(builder.line() or 1, "XML external reference forbidden") from None
    except (DefusedXmlException, SAXException, ValueError) as exc:
        raise XmlError(builder.line() or 1, f"malformed XML: {exc}") from None
    except RecursionError:
        raise XmlError(builder.line() or 1, "XML nested too deeply") from None
    if builder.root is None:
        raise XmlError(1, "malformed XML: no root element")
    return builder.root
