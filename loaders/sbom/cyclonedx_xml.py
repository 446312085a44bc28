"""CycloneDX XML SBOMs (spec 1.2-1.7, namespace ``http://cyclonedx.org/schema/bom/1.x``).

Same semantics as :mod:`loaders.sbom.cyclonedx_json`: ``metadata/component`` is the project; every
component (nested ones too) with a purl is something the project resolves; the
``dependencies/dependency[@ref]/dependency[@ref]`` graph gives each one its depth and the chain
that brings it in, and becomes ``DEPENDS_ON`` metadata. Parsed with defusedxml (no entities, no
external resources); lines come from the SAX locator.
"""

from __future__ import annotations

import posixpath
import re

from loaders.base import EMPTY_CONTEXT, Loader, SourceContext, expect
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
from loaders.sbom.xml import Element, parse_xml
from planner.model import ParseResult, ParseWarning, Project, Source

KNOWN_SPEC_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_NAMESPACE = re.compile(r"^http://cyclonedx\.org/schema/bom/(\d+\.\d+)$")
_SCOPES = {"required": "runtime", "optional": "optional", "excluded": "test"}
_KINDS = {"application": "application", "library": "library", "framework": "library"}


class CycloneDxXmlLoader(Loader):
    """CycloneDX SBOMs in XML."""

    name = "cyclonedx-xml"
    file_names = frozenset({"bom.xml", "sbom.xml"})
    file_globs = (
        "bom.*.xml",
        "*.cdx.xml",
        "*.bom.xml",
        "*-bom.xml",
        "*_bom.xml",
        "*.sbom.xml",
        "*-sbom.xml",
        "*cyclonedx*.xml",
    )

    def matches(self, path: str) -> bool:
        """``bom.xml``, ``bom.1.5.xml``, ``*.cdx.xml``, ``*.bom.xml``, ``*-bom.xml``, ``*cyclonedx*.xml``.

        Maven's ``pom.xml`` and ``*-bom/pom.xml`` never match: only the file name is looked at.
        """
        lower = posixpath.basename(path).lower()
        if not lower.endswith(".xml"):
            return False
        return (
            lower == "bom.xml"
            or lower.startswith("bom.")
            or lower.endswith((".cdx.xml", ".bom.xml", "-bom.xml", "_bom.xml", ".sbom.xml", "-sbom.xml"))
            or "cyclonedx" in lower
            or lower == "sbom.xml"
        )

    def parse(self, text: str, source: Source, context: SourceContext = EMPTY_CONTEXT) -> ParseResult:
        """Read one CycloneDX XML document (self-contained: the context is not used)."""
        result = ParseResult()
        warn = result.warnings
        root = parse_xml(text, source)
        expect(root.tag == "bom", source, root.line, f"not a CycloneDX document: root element is <{root.tag}>")
        spec = _spec_version(root)
        expect(spec is not None, source, root.line, "not a CycloneDX document: no CycloneDX namespace on <bom>")
        if spec not in KNOWN_SPEC_VERSIONS:
            warn.append(ParseWarning(source.display, root.line, f"unknown CycloneDX version {spec!r}; read as 1.6"))

        metadata = root.find("metadata")
        meta_comp = metadata.find("component") if metadata is not None else None
        project = self._project(meta_comp, source, metadata.line if metadata is not None else root.line, warn)
        root_ref = meta_comp.attrs.get("bom-ref") if meta_comp is not None else None
        result.extend(project_records(project))

        components = self._components(root.find("components"), source, warn)
        all_refs = {el.attrs["bom-ref"] for el in root.iter() if el.attrs.get("bom-ref")}
        if root_ref:
            components.pop(root_ref, None)
        deps_el = root.find("dependencies")
        graph = _graph(deps_el)
        known = all_refs | set(components) | ({root_ref} if root_ref else set())
        missing = missing_refs_warning(graph, known, source, deps_el.line if deps_el is not None else None)
        if missing:
            warn.append(missing)
        roots = [root_ref] if root_ref and root_ref in graph else []
        result.extend(graph_records(project, components, graph, roots, source, warn))
        return result

    def _project(self, comp: Element | None, source: Source, line: int, warn: list[ParseWarning]) -> Project:
        purl = None
        kind = "unknown"
        if comp is not None:
            kind = _KINDS.get(comp.attrs.get("type", ""), "unknown")
            purl = parse_purl(comp.child_text("purl"), comp.child_text("version"), source, comp.line, warn)
            if purl is None and comp.child_text("name"):
                purl = generic(comp.child_text("name") or "", comp.child_text("version"))
        return sbom_project(
            source, purl, kind, line, warn, "no metadata/component; the project is named after its directory"
        )

    def _components(self, container: Element | None, source: Source, warn: list[ParseWarning]) -> dict[str, Component]:
        out: dict[str, Component] = {}
        no_purl: list[str] = []
        stack: list[Element] = list(reversed(container.findall("component"))) if container is not None else []
        while stack:
            comp = stack.pop()
            nested = comp.find("components")
            if nested is not None:
                stack.extend(reversed(nested.findall("component")))
            raw_purl = comp.child_text("purl")
            ref = comp.attrs.get("bom-ref") or raw_purl or ""
            if not raw_purl:
                if comp.attrs.get("type", "library") in ("library", "framework", "application"):
                    no_purl.append(comp.child_text("name") or "?")
                continue
            p = parse_purl(raw_purl, comp.child_text("version"), source, comp.line, warn)
            if p is None:
                continue
            raw_scope = comp.child_text("scope") or None
            scope = _SCOPES.get(raw_scope or "required", "unknown")
            scope, raw_scope = property_scope(_properties(comp), scope, raw_scope)
            if ref not in out:
                listed = comp.find("hashes")
                pairs = ((h.attrs.get("alg"), h.text) for h in listed.findall("hash")) if listed is not None else ()
                out[ref] = Component(ref, p, scope, raw_scope, comp.line, stated_hashes(pairs))
        if no_purl:
            warn.append(
                ParseWarning(
                    source.display, None, f"{len(no_purl)} component(s) without a purl skipped, e.g. {no_purl[0]!r}"
                )
            )
        return out


def _spec_version(root: Element) -> str | None:
    for name, value in root.attrs.items():
        if name == "xmlns" or name.startswith("xmlns:"):
            m = _NAMESPACE.match(value.strip())
            if m:
                return m.group(1)
    return None


def _graph(deps: Element | None) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {}
    if deps is None:
        return graph
    for entry in deps.findall("dependency"):
        ref = entry.attrs.get("ref")
        if not ref:
            continue
        targets = [d.attrs["ref"] for d in entry.findall("dependency") if d.attrs.get("ref")]
        graph.setdefault(ref, []).extend(targets)
    return graph


def _properties(comp: Element) -> dict[str, str]:
    props = comp.find("properties")
    if props is None:
        return {}
    return {p.attrs["name"]: p.text for p in props.findall("property") if p.attrs.get("name")}
