"""CycloneDX JSON SBOMs (spec 1.2-1.7).

``metadata.component`` is the project; every component with a purl is something the project
resolves; the ``dependencies`` graph gives each one its depth and the chain that brings it in,
and becomes ``DEPENDS_ON`` metadata between versions and packages.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import dataclass
from typing import Any

from loaders.base import EMPTY_CONTEXT, LineIndex, Loader, SourceContext, expect, load_json
from planner import purl as purls
from planner.model import (
    Location,
    ParseResult,
    ParseWarning,
    Project,
    Publishes,
    Resolved,
    Source,
    VersionDependency,
    project_key,
)

KNOWN_SPEC_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_BOM_REF = re.compile(r'"bom-ref"\s*:\s*"((?:[^"\\]|\\.)*)"')
_SCOPES = {"required": "runtime", "optional": "optional", "excluded": "test"}


@dataclass(frozen=True, slots=True)
class _Component:
    ref: str
    purl: purls.Purl
    scope: str
    raw_scope: str | None
    line: int | None


class CycloneDxJsonLoader(Loader):
    """CycloneDX SBOMs in JSON."""

    name = "cyclonedx-json"

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
        for m in _BOM_REF.finditer(text):
            ref_lines.setdefault(m.group(1), lines.line_of_offset(m.start()))

        metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        project = self._project(metadata.get("component"), source, lines, warn)
        root_ref = _ref_of(metadata.get("component"))
        result.records.append(project)
        if project.purl and project.ecosystem != "generic":
            result.records.append(Publishes(project.key, purls.parse(project.purl).package))

        components = self._components(doc.get("components"), source, ref_lines, warn)
        if root_ref:
            components.pop(root_ref, None)
        graph = self._graph(doc.get("dependencies"), source, lines, warn)
        chains = _chains(root_ref, graph) if root_ref in graph else {}

        known_refs = set(ref_lines) | set(components)
        missing = sorted({d for deps in graph.values() for d in deps if d not in known_refs and d != root_ref})
        if missing:
            warn.append(
                ParseWarning(
                    source.display,
                    lines.line_of('"dependencies"'),
                    f"{len(missing)} dependency reference(s) name no component, e.g. {missing[0]!r}",
                )
            )

        resolved: dict[str, Resolved] = {}
        for ref, comp in components.items():
            if not comp.purl.version:
                warn.append(ParseWarning(source.display, comp.line, f"component {comp.purl.package} has no version"))
                continue
            chain = chains.get(ref)
            path = tuple(components[r].purl.key for r in chain if r in components) if chain else ()
            rec = Resolved(
                project=project.key,
                version=comp.purl.key,
                scope=comp.scope,
                raw_scope=comp.raw_scope,
                depth=len(chain) if chain else None,
                path=path,
                location=Location(source.path, comp.line),
            )
            prev = resolved.get(rec.version)
            if prev is None or (rec.depth or 10**9) < (prev.depth or 10**9):
                resolved[rec.version] = rec
        result.extend(resolved[k] for k in sorted(resolved))

        edges: set[VersionDependency] = set()
        for ref, deps in graph.items():
            parent = components.get(ref)
            if parent is None or not parent.purl.version:
                continue
            for dep_ref in deps:
                dep = components.get(dep_ref)
                if dep is None:
                    continue
                edges.add(
                    VersionDependency(
                        version=parent.purl.key,
                        package=dep.purl.package,
                        resolved=dep.purl.version,
                        scope=dep.scope,
                    )
                )
        result.extend(sorted(edges, key=lambda e: (e.version, e.package, e.resolved or "")))
        return result

    def _project(self, comp: Any, source: Source, lines: LineIndex, warn: list[ParseWarning]) -> Project:
        directory = source.directory
        line = lines.line_of('"metadata"')
        purl = None
        kind = "unknown"
        if isinstance(comp, dict):
            kind = {"application": "application", "library": "library", "framework": "library"}.get(
                str(comp.get("type", "")), "unknown"
            )
            purl = _purl_of(comp, source, line, warn)
            if purl is None and comp.get("name"):
                purl = _generic(str(comp.get("name")), comp.get("version"))
        if purl is None:
            warn.append(
                ParseWarning(source.display, line, "no metadata.component; the project is named after its directory")
            )
            base = posixpath.basename(directory) if directory != "." else source.repo
            purl = _generic(base, None)
        return Project(
            key=project_key(source.repo, directory, purl.package),
            name=purl.display_name,
            ecosystem=purl.type,
            repo=source.repo,
            path=directory,
            manifest=source.path,
            purl=purl.key,
            version=purl.version,
            kind=kind,
        )

    def _components(
        self, items: Any, source: Source, ref_lines: dict[str, int], warn: list[ParseWarning]
    ) -> dict[str, _Component]:
        out: dict[str, _Component] = {}
        no_purl: list[str] = []
        stack: list[Any] = list(reversed(items)) if isinstance(items, list) else []
        while stack:
            comp = stack.pop()
            if not isinstance(comp, dict):
                continue
            nested = comp.get("components")
            if isinstance(nested, list):
                stack.extend(reversed(nested))
            ref = _ref_of(comp) or str(comp.get("purl") or "")
            line = ref_lines.get(ref)
            if not comp.get("purl"):
                if comp.get("type", "library") in ("library", "framework", "application"):
                    no_purl.append(str(comp.get("name", "?")))
                continue
            p = _purl_of(comp, source, line, warn)
            if p is None:
                continue
            raw_scope = comp.get("scope") if isinstance(comp.get("scope"), str) else None
            scope = _SCOPES.get(raw_scope or "required", "unknown")
            if _is_npm_dev(comp):
                scope, raw_scope = "dev", raw_scope or "development"
            out.setdefault(ref, _Component(ref, p, scope, raw_scope, line))
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


def _purl_of(comp: dict[str, Any], source: Source, line: int | None, warn: list[ParseWarning]) -> purls.Purl | None:
    raw = comp.get("purl")
    if not raw:
        return None
    try:
        p = purls.parse(str(raw))
    except ValueError as exc:
        warn.append(ParseWarning(source.display, line, str(exc)))
        return None
    version = comp.get("version")
    if not p.version and isinstance(version, str) and version:
        p = purls.build(p.type, p.namespace, p.name, version)
    return p


def _generic(name: str, version: Any) -> purls.Purl:
    return purls.build("generic", None, name, str(version) if version else None)


def _is_npm_dev(comp: dict[str, Any]) -> bool:
    props = comp.get("properties")
    if not isinstance(props, list):
        return False
    return any(
        isinstance(p, dict) and p.get("name") == "cdx:npm:package:development" and str(p.get("value")).lower() == "true"
        for p in props
    )


def _chains(root: str | None, graph: dict[str, list[str]]) -> dict[str, list[str]]:
    """Shortest chain of refs (excluding the root) from the root to every reachable ref."""
    chains: dict[str, list[str]] = {}
    if root is None:
        return chains
    queue: deque[tuple[str, list[str]]] = deque([(root, [])])
    seen = {root}
    while queue:
        ref, chain = queue.popleft()
        for dep in sorted(set(graph.get(ref, ()))):
            if dep in seen:
                continue
            seen.add(dep)
            chains[dep] = [*chain, dep]
            queue.append((dep, chains[dep]))
    return chains
