"""SPDX 2.2/2.3 SBOMs in JSON (``*.spdx.json``, ``*spdx*.json``).

The document is read with the strict JSON reader of :mod:`loaders.base` and reduced to the
serialisation-neutral :class:`loaders.sbom._spdx.Document`; the records are built there. SPDX 3.0
(JSON-LD, ``@context``/``@graph``) is recognised and refused with a clear ``ParseError``.
"""

from __future__ import annotations

import re
from typing import Any

from loaders.base import (
    EMPTY_CONTEXT,
    JSON_STRING_BODY,
    LineIndex,
    Loader,
    Precedence,
    SourceContext,
    expect,
    load_json,
)
from loaders.sbom._spdx import PURL_CATEGORIES, Document, Package, Relationship, document_records
from planner.errors import ParseError
from planner.model import ParseResult, Source

_SPDXID = re.compile(rf'"SPDXID"\s*:\s*"({JSON_STRING_BODY})"')
_SPDX_DIR = re.compile(r"spdx[-_ ]?(version)?[-_ ]?v?\d")


class SpdxJsonLoader(Loader):
    """SPDX 2.x documents in JSON."""

    name = "spdx-json"
    file_globs = ("*spdx*.json",)
    other_files = Precedence.LOCATION

    def matches(self, path: str) -> bool:
        """``*.spdx.json``, any ``*spdx*.json``, or a ``.json`` inside a versioned ``SPDX2.3``-like directory."""
        parts = path.lower().rsplit("/", 2)
        base = parts[-1]
        if not base.endswith(".json"):
            return False
        if "spdx" in base:
            return True
        parent = parts[-2] if len(parts) > 1 else ""
        return bool(_SPDX_DIR.search(parent)) and base not in ("package.json", "package-lock.json", "tsconfig.json")

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one SPDX JSON document (self-contained: the context is not used)."""
        result = ParseResult()
        data = load_json(text, source, result.warnings)
        expect(isinstance(data, dict), source, 1, "not an SPDX document: top level is not an object")
        lines = LineIndex(text)
        version = data.get("spdxVersion")
        if "@context" in data or "@graph" in data or (isinstance(version, str) and version.startswith("SPDX-3")):
            raise ParseError(source.display, 1, "SPDX 3.0 (JSON-LD) is not supported yet")
        expect(
            isinstance(version, str) and version.startswith("SPDX-2"),
            source,
            lines.line_of('"spdxVersion"') or 1,
            f"not an SPDX 2.x document: spdxVersion is {version!r}",
        )
        document_records(_document(data, str(version), text, lines), source, result)
        return result


def _document(data: dict[str, Any], version: str, text: str, lines: LineIndex) -> Document:
    id_lines: dict[str, int] = {}
    for m in _SPDXID.finditer(text):
        id_lines.setdefault(m.group(1), lines.line_of_offset(m.start()))
    doc = Document(version=version, line=lines.line_of('"spdxVersion"'), packages_line=lines.line_of('"packages"'))
    doc.element_ids.add(str(data.get("SPDXID") or "SPDXRef-DOCUMENT"))
    for key in ("files", "snippets", "packages"):
        for item in _dicts(data.get(key)):
            if isinstance(item.get("SPDXID"), str):
                doc.element_ids.add(item["SPDXID"])
    for item in _dicts(data.get("packages")):
        spdxid = item.get("SPDXID")
        if not isinstance(spdxid, str):
            continue
        refs = [
            _locator(str(r.get("referenceType", "")), str(r.get("referenceLocator")))
            for r in _dicts(item.get("externalRefs"))
            if str(r.get("referenceCategory", "")).upper() in PURL_CATEGORIES and r.get("referenceLocator")
        ]
        version_info = item.get("versionInfo")
        doc.packages.append(
            Package(
                spdxid=spdxid,
                name=str(item["name"]) if item.get("name") is not None else None,
                version=str(version_info) if isinstance(version_info, (str, int, float)) else None,
                purls=refs,
                line=id_lines.get(spdxid),
                checksums=[
                    (str(c.get("algorithm")), str(c.get("checksumValue"))) for c in _dicts(item.get("checksums"))
                ],
            )
        )
    describes = data.get("documentDescribes")
    if isinstance(describes, list):
        doc.describes = [d for d in describes if isinstance(d, str)]
    for rel in _dicts(data.get("relationships")):
        a, t, b = rel.get("spdxElementId"), rel.get("relationshipType"), rel.get("relatedSpdxElement")
        if isinstance(a, str) and isinstance(t, str) and isinstance(b, str):
            doc.relationships.append(Relationship(a, t.upper(), b))
    return doc


def _locator(kind: str, locator: str) -> str:
    """A purl as is; other package-manager locators prefixed with their type (``maven-central g:a:v``)."""
    return locator if kind == "purl" else f"{kind} {locator}"


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
