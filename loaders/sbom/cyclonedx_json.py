"""CycloneDX JSON SBOMs (spec 1.2-1.7).

``metadata.component`` is the project; every component with a purl is something the project
resolves; the ``dependencies`` graph gives each one its depth and the chain that brings it in,
and becomes ``DEPENDS_ON`` metadata between versions and packages.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from loaders.base import EMPTY_CONTEXT, JSON_STRING_BODY, LineIndex, Loader, SourceContext, expect, load_json
from loaders.sbom.graph import (
    Component,
    generic,
    graph_records,
    missing_refs_warning,
    parse_purl,
    project_records,
    property_scope,
    sbom_project,
    stated_hashes,
)
from planner.model import ParseResult, ParseWarning, Project, Source

KNOWN_SPEC_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_BOM_REF = re.compile(rf'"bom-ref"\s*:\s*"({JSON_STRING_BODY})"')
_SCOPES = {"required": "runtime", "optional": "optional", "excluded": "test"}


class CycloneDxJsonLoader(Loader):
    """CycloneDX SBOMs in JSON."""

    name = "cyclonedx-json"
    file_names = frozenset({"bom.json", "sbom.json", "sbom.cdx.json"})
    file_globs = ("bom.*.json", "*.cdx.json", "*.bom.json", "*-bom.json", "*_bom.json", "*cyclonedx*.json")

    def matches(self, path: str) -> bool:
        """``bom.json``, ``bom.1.5.json``, ``*.cdx.json``, ``*.bom.json``, ``*cyclonedx*.json``."""
        lower = posixpath.basename(path).lower()
        if not lower.endswith(".json"):
            return False
        return (
            lower == "bom.json"
            or lower.startswith("bom.")
            or lower.endswith((".cdx.json", ".bom.json", "-bom.json", "_bom.json"))
            or "cyclonedx" in lower
            or lower in ("sbom.json", "sbom.cdx.json")
        )

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one CycloneDX JSON document (self-contained: the context is not used)."""
        result = ParseResult()
        warn = result.warnings
        doc = load_json(text, source, warn)
        expect(isinstance(doc, dict), source, 1, "not a CycloneDX document: top level is not an object")
        expect(
            doc.get("bomFormat") == "CycloneDX",
            source,
            1,
            f"not a CycloneDX document: bomFormat is {doc.get('bomFormat')!r}",
        )
        lines = LineIndex(text)
        spec = str(doc.get("specVersion", ""))
        if spec not in KNOWN_SPEC_VERSIONS:
            warn.append(
                ParseWarning(
                    source.display, lines.line_of('"specVersion"'), f"unknown specVersion {spec!r}; read as 1.6"
                )
            )

        ref_lines: dict[str, int] = {}
        line, last, count = 1, 0, text.count
        for m in _BOM_REF.finditer(text):  # in order: each line is the last one plus the newlines between
            start = m.start()
            line += count("\n", last, start)
            last = start
            ref_lines.setdefault(m.group(1), line)

        metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        project = self._project(metadata.get("component"), source, lines, warn)
        root_ref = _ref_of(metadata.get("component"))
        result.extend(project_records(project))

        components = self._components(doc.get("components"), source, ref_lines, warn)
        if root_ref:
            components.pop(root_ref, None)
        graph = self._graph(doc.get("dependencies"), source, lines, warn)
        known = set(ref_lines) | set(components) | ({root_ref} if root_ref else set())
        missing = missing_refs_warning(graph, known, source, lines.line_of('"dependencies"'))
        if missing:
            warn.append(missing)
        roots = [root_ref] if root_ref and root_ref in graph else []
        result.extend(graph_records(project, components, graph, roots, source, warn))
        return result

    def _project(self, comp: Any, source: Source, lines: LineIndex, warn: list[ParseWarning]) -> Project:
        line = lines.line_of('"metadata"')
        purl = None
        kind = "unknown"
        if isinstance(comp, dict):
            kind = {"application": "application", "library": "library", "framework": "library"}.get(
                str(comp.get("type", "")), "unknown"
            )
            purl = parse_purl(comp.get("purl"), comp.get("version"), source, line, warn)
            if purl is None and comp.get("name"):
                purl = generic(str(comp.get("name")), comp.get("version"))
        return sbom_project(
            source, purl, kind, line, warn, "no metadata.component; the project is named after its directory"
        )

    def _components(
        self, items: Any, source: Source, ref_lines: dict[str, int], warn: list[ParseWarning]
    ) -> dict[str, Component]:
        out: dict[str, Component] = {}
        no_purl: list[str] = []
        stack: list[Any] = list(reversed(items)) if isinstance(items, list) else []
        while stack:  # thousands of components a file: each key is read once
            comp = stack.pop()
            if not isinstance(comp, dict):
                continue
            get = comp.get
            nested = get("components")
            if isinstance(nested, list):
                stack.extend(reversed(nested))
            raw_purl = get("purl")
            bom_ref = get("bom-ref")
            ref = bom_ref if bom_ref and isinstance(bom_ref, str) else str(raw_purl or "")
            line = ref_lines.get(ref)
            if not raw_purl:
                if get("type", "library") in ("library", "framework", "application"):
                    no_purl.append(str(get("name", "?")))
                continue
            p = parse_purl(raw_purl, get("version"), source, line, warn)
            if p is None:
                continue
            raw_scope = get("scope")
            if not isinstance(raw_scope, str):
                raw_scope = None
            scope = _SCOPES.get(raw_scope or "required", "unknown")
            if get("properties") is not None:
                scope, raw_scope = property_scope(_properties(comp), scope, raw_scope)
            stated = get("hashes")
            digests = (
                stated_hashes((h.get("alg"), h.get("content")) for h in stated if isinstance(h, dict)) if stated else ()
            )
            if ref not in out:
                out[ref] = Component(ref, p, scope, raw_scope, line, digests)
        if no_purl:
            warn.append(
                ParseWarning(
                    source.display, None, f"{len(no_purl)} component(s) without a purl skipped, e.g. {no_purl[0]!r}"
                )
            )
        return out

    def _graph(self, deps: Any, source: Source, lines: LineIndex, warn: list[ParseWarning]) -> dict[str, list[str]]:
        graph: dict[str, list[str]] = {}
        if deps is None:
            return graph
        if not isinstance(deps, list):
            warn.append(
                ParseWarning(source.display, lines.line_of('"dependencies"'), "dependencies is not a list; ignored")
            )
            return graph
        for entry in deps:
            if not isinstance(entry, dict) or not isinstance(entry.get("ref"), str):
                continue
            on = entry.get("dependsOn") or []
            targets = [d for d in on if isinstance(d, str)] if isinstance(on, list) else []
            graph.setdefault(entry["ref"], []).extend(targets)
        return graph


def _ref_of(comp: Any) -> str | None:
    if isinstance(comp, dict) and isinstance(comp.get("bom-ref"), str):
        return comp["bom-ref"]
    return None


def _properties(comp: dict[str, Any]) -> dict[str, str]:
    props = comp.get("properties")
    if not isinstance(props, list):
        return {}
    return {
        str(p["name"]): str(p.get("value")) for p in props if isinstance(p, dict) and isinstance(p.get("name"), str)
    }
