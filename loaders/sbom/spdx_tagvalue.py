"""SPDX 2.x SBOMs in tag-value form (``*.spdx``).

Each line is ``Tag: value`` (``#`` comments; ``<text>...</text>`` values may span lines).
``SPDXID`` belongs to the element most recently opened by ``PackageName``, ``FileName`` or
``SnippetSPDXID`` (before any of them, to the document). ``ExternalRef: PACKAGE-MANAGER purl
pkg:...``, ``PackageVersion``, ``Relationship: A TYPE B`` and ``DocumentDescribes`` (older files)
are what the graph needs; the records are built by :mod:`loaders.sbom._spdx` exactly as for
SPDX JSON.
"""

from __future__ import annotations

import posixpath
import re

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext
from loaders.sbom._spdx import DOCUMENT_ID, PURL_CATEGORIES, Document, Package, Relationship, document_records
from planner.errors import ParseError
from planner.model import ParseResult, ParseWarning, Source

_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):\s?(.*)$")


def read_tags(text: str, source: Source, warn: list[ParseWarning]) -> list[tuple[str, str, int]]:
    """``(tag, value, line)`` for every tag; ``<text>`` values joined; bad lines counted in one warning."""
    out: list[tuple[str, str, int]] = []
    bad: list[int] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        number, line = i + 1, lines[i]
        i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _TAG.match(stripped)
        if not m:
            bad.append(number)
            continue
        tag, value = m.group(1), m.group(2).strip()
        if value.startswith("<text>") and "</text>" not in value:
            parts = [value[len("<text>") :]]
            while i < len(lines) and "</text>" not in lines[i]:
                parts.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ParseError(source.display, number, f"the <text> value of {tag} is never closed")
            parts.append(lines[i].split("</text>", 1)[0])
            i += 1
            value = "\n".join(parts)
        elif value.startswith("<text>"):
            value = value[len("<text>") :].split("</text>", 1)[0]
        out.append((tag, value, number))
    if bad:
        warn.append(ParseWarning(source.display, bad[0], f"{len(bad)} line(s) that are not 'Tag: value' ignored"))
    return out


def _spdx2_version(tags: list[tuple[str, str, int]], source: Source) -> tuple[str, int]:
    """The document's first ``SPDXVersion`` and its line; a ``ParseError`` unless it is SPDX 2.x."""
    versions = [(v, n) for t, v, n in tags if t == "SPDXVersion"]
    if not versions:
        raise ParseError(source.display, tags[0][2] if tags else 1, "not an SPDX tag-value document: no SPDXVersion")
    version, version_line = versions[0]
    if version.startswith("SPDX-3"):
        raise ParseError(source.display, version_line, "SPDX 3.0 is not supported yet")
    if not version.startswith("SPDX-2"):
        raise ParseError(source.display, version_line, f"not an SPDX 2.x document: SPDXVersion is {version!r}")
    return version, version_line


class SpdxTagValueLoader(Loader):
    """SPDX 2.x documents in tag-value form."""

    name = "spdx-tagvalue"
    file_globs = ("*.spdx", "*.spdx.tv", "*.spdx.tag")

    def matches(self, path: str) -> bool:
        """``*.spdx`` (and the ``*.spdx.tv`` / ``*.spdx.tag`` spellings)."""
        lower = posixpath.basename(path).lower()
        return lower.endswith((".spdx", ".spdx.tv", ".spdx.tag"))

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one SPDX tag-value document (self-contained: the context is not used)."""
        result = ParseResult()
        warn = result.warnings
        if "\x00" in text:
            raise ParseError(source.display, text.count("\n", 0, text.index("\x00")) + 1, "binary data in an SPDX file")
        tags = read_tags(text, source, warn)
        version, version_line = _spdx2_version(tags, source)
        doc = Document(version=version, line=version_line)
        current: Package | None = None
        in_document = True
        for tag, value, number in tags:
            if tag == "PackageName":
                current = Package(spdxid="", name=value, line=number)
                doc.packages.append(current)
                doc.packages_line = doc.packages_line or number
                in_document = False
            elif tag in ("FileName", "SnippetSPDXID"):
                current = None
                in_document = False
                if tag == "SnippetSPDXID":
                    doc.element_ids.add(value)
            elif tag == "SPDXID":
                doc.element_ids.add(value)
                if current is not None and not current.spdxid:
                    current.spdxid = value
                elif in_document and value != DOCUMENT_ID:
                    warn.append(ParseWarning(source.display, number, f"document SPDXID is {value!r}"))
            elif tag == "PackageVersion" and current is not None:
                current.version = value
            elif tag == "PackageChecksum" and current is not None:
                alg, _, digest = value.partition(":")
                current.checksums.append((alg.strip(), digest.strip()))
            elif tag == "ExternalRef" and current is not None:
                parts = value.split()
                if len(parts) >= 3 and parts[0].upper() in PURL_CATEGORIES:
                    current.purls.append(parts[2] if parts[1] == "purl" else f"{parts[1]} {parts[2]}")
            elif tag == "Relationship":
                parts = value.split()
                if len(parts) >= 3:
                    doc.relationships.append(Relationship(parts[0], parts[1].upper(), parts[2], number))
                else:
                    warn.append(ParseWarning(source.display, number, f"malformed relationship {value!r} ignored"))
            elif tag == "DocumentDescribes":
                doc.describes.extend(v.strip() for v in value.split(",") if v.strip())
        unnamed = [p for p in doc.packages if not p.spdxid]
        if unnamed:
            warn.append(
                ParseWarning(source.display, unnamed[0].line, f"{len(unnamed)} package(s) without an SPDXID skipped")
            )
            doc.packages = [p for p in doc.packages if p.spdxid]
        document_records(doc, source, result)
        return result
