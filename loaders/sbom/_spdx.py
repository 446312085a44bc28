"""SPDX 2.x documents, independent of their serialisation (JSON or tag-value), turned into records.

The described package (``documentDescribes`` / ``SPDXRef-DOCUMENT DESCRIBES x``) is the project.
Every other package with a purl (``externalRefs`` category PACKAGE-MANAGER / PACKAGE_MANAGER, type
``purl``) is resolved by it. Dependency-like relationships (``DEPENDS_ON``, ``CONTAINS``, the
``*_DEPENDENCY_OF`` family, links, prerequisites) form the graph that gives depth, chain and
``DEPENDS_ON`` metadata, exactly as for CycloneDX (:mod:`loaders.sbom.graph`). Packages without a
purl are counted in one warning, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.sbom.graph import (
    Component,
    generic,
    graph_records,
    missing_refs_warning,
    parse_purl,
    project_records,
    sbom_project,
    stated_hashes,
)
from planner import purl as purls
from planner.model import ParseResult, ParseWarning, Source

DOCUMENT_ID = "SPDXRef-DOCUMENT"
KNOWN_VERSIONS = ("SPDX-2.0", "SPDX-2.1", "SPDX-2.2", "SPDX-2.3")

# relationship type -> (direction, scope): "forward" means A needs B, "reverse" means B needs A.
EDGE_TYPES: dict[str, tuple[str, str]] = {
    "DEPENDS_ON": ("forward", "runtime"),
    "CONTAINS": ("forward", "runtime"),
    "DYNAMIC_LINK": ("forward", "runtime"),
    "STATIC_LINK": ("forward", "runtime"),
    "HAS_PREREQUISITE": ("forward", "runtime"),
    "DEPENDENCY_OF": ("reverse", "runtime"),
    "CONTAINED_BY": ("reverse", "runtime"),
    "RUNTIME_DEPENDENCY_OF": ("reverse", "runtime"),
    "PREREQUISITE_FOR": ("reverse", "runtime"),
    "BUILD_DEPENDENCY_OF": ("reverse", "build"),
    "BUILD_TOOL_OF": ("reverse", "build"),
    "DEV_DEPENDENCY_OF": ("reverse", "dev"),
    "DEV_TOOL_OF": ("reverse", "dev"),
    "TEST_DEPENDENCY_OF": ("reverse", "test"),
    "TEST_TOOL_OF": ("reverse", "test"),
    "OPTIONAL_DEPENDENCY_OF": ("reverse", "optional"),
    "PROVIDED_DEPENDENCY_OF": ("reverse", "provided"),
}
#: ``externalRefs`` categories whose locator is a package manager's (a purl, or an Annex F locator)
PURL_CATEGORIES = frozenset({"PACKAGE-MANAGER", "PACKAGE_MANAGER", "PACKAGEMANAGER"})


@dataclass(slots=True)
class Package:
    """An SPDX package as read from either serialisation."""

    spdxid: str
    name: str | None = None
    version: str | None = None
    purls: list[str] = field(default_factory=list)
    line: int | None = None
    checksums: list[tuple[str, str]] = field(default_factory=list)  # (algorithm, hex) as written


@dataclass(frozen=True, slots=True)
class Relationship:
    """``element TYPE related`` (both SPDX ids)."""

    element: str
    type: str
    related: str
    line: int | None = None


@dataclass(slots=True)
class Document:
    """The parts of an SPDX 2.x document the graph needs."""

    version: str
    packages: list[Package] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    describes: list[str] = field(default_factory=list)
    element_ids: set[str] = field(default_factory=set)  # every SPDXID defined (packages, files, snippets)
    line: int | None = None  # where the version is declared
    packages_line: int | None = None  # where the package list starts


def _version_of(pkg: Package) -> str | None:
    v = (pkg.version or "").strip()
    return None if not v or v in ("NOASSERTION", "NONE") else v


def document_records(doc: Document, source: Source, result: ParseResult) -> None:
    """Append the project, resolved packages and metadata of ``doc`` to ``result``."""
    warn = result.warnings
    if doc.version not in KNOWN_VERSIONS:
        warn.append(ParseWarning(source.display, doc.line, f"unknown SPDX version {doc.version!r}; read as SPDX-2.3"))
    by_id: dict[str, Package] = {}
    for pkg in doc.packages:
        by_id.setdefault(pkg.spdxid, pkg)
    root_id = _described_root(doc, by_id, source, warn)

    root_purl = None
    if root_id is not None:
        root = by_id[root_id]
        root_purl = _package_purl(root, source, warn)
        if root_purl is None and root.name:
            root_purl = generic(root.name, _version_of(root))
    kind = "application" if root_id is not None else "unknown"
    project = sbom_project(
        source,
        root_purl,
        kind,
        doc.line,
        warn,
        "the document describes no package; the project is named after its directory",
    )
    result.extend(project_records(project))

    components = _components(doc, root_id, source, warn)
    graph, edge_scopes, edge_types = _relationship_graph(doc, by_id, root_id)
    known = doc.element_ids | set(by_id) | {DOCUMENT_ID}
    local_graph = {a: [b for b in bs if ":" not in b] for a, bs in graph.items()}  # DocumentRef-x:... is external
    missing = missing_refs_warning(local_graph, known, source, None)
    if missing:
        warn.append(missing)

    _assign_scopes(components, graph, edge_scopes, edge_types, root_id)
    roots = [root_id] if root_id is not None else []
    result.extend(graph_records(project, components, graph, roots, source, warn, edge_scopes))


def _described_root(doc: Document, by_id: dict[str, Package], source: Source, warn: list[ParseWarning]) -> str | None:
    """The SPDX id of the package the document describes (the first, with a warning, when it describes
    several), or None."""
    described = list(dict.fromkeys(doc.describes))
    for rel in doc.relationships:
        if rel.type == "DESCRIBES" and rel.element == DOCUMENT_ID:
            described.append(rel.related)
        elif rel.type == "DESCRIBED_BY" and rel.related == DOCUMENT_ID:
            described.append(rel.element)
    described = [d for d in dict.fromkeys(described) if d in by_id]
    root_id = described[0] if described else None
    if len(described) > 1:
        warn.append(
            ParseWarning(
                source.display,
                by_id[root_id].line if root_id else None,
                f"the document describes {len(described)} packages; the first, {root_id!r}, is the project",
            )
        )
    return root_id


def _components(doc: Document, root_id: str | None, source: Source, warn: list[ParseWarning]) -> dict[str, Component]:
    """Every package but the project with a purl, by SPDX id (scope runtime until the edges say otherwise);
    one warning counting the packages without a purl."""
    components: dict[str, Component] = {}
    no_purl: list[str] = []
    for pkg in doc.packages:
        if pkg.spdxid == root_id or pkg.spdxid in components:
            continue
        p = _package_purl(pkg, source, warn)
        if p is None:
            if not pkg.purls:
                no_purl.append(pkg.name or pkg.spdxid)
            continue
        components[pkg.spdxid] = Component(pkg.spdxid, p, "runtime", None, pkg.line, stated_hashes(pkg.checksums))
    if no_purl:
        warn.append(
            ParseWarning(
                source.display,
                doc.packages_line,
                f"{len(no_purl)} package(s) without a purl skipped, e.g. {no_purl[0]!r}",
            )
        )
    return components


def _relationship_graph(
    doc: Document, by_id: dict[str, Package], root_id: str | None
) -> tuple[dict[str, list[str]], dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """The dependency graph the relationships give (``a`` needs ``b``; the document's other described
    packages hang off the project), with each edge's scope and relationship type (runtime wins)."""
    graph: dict[str, list[str]] = {}
    edge_scopes: dict[tuple[str, str], str] = {}
    edge_types: dict[tuple[str, str], str] = {}
    for rel in doc.relationships:
        kind_scope = EDGE_TYPES.get(rel.type)
        if rel.type in ("DESCRIBES", "DESCRIBED_BY") and root_id is not None:
            a, b = (rel.element, rel.related) if rel.type == "DESCRIBES" else (rel.related, rel.element)
            if a == DOCUMENT_ID and b != root_id and b in by_id:
                kind_scope, rel_a, rel_b = ("forward", "runtime"), root_id, b
            else:
                continue
        elif kind_scope is None:
            continue
        else:
            rel_a, rel_b = (rel.element, rel.related) if kind_scope[0] == "forward" else (rel.related, rel.element)
        if rel_a in ("NONE", "NOASSERTION") or rel_b in ("NONE", "NOASSERTION"):
            continue
        graph.setdefault(rel_a, []).append(rel_b)
        edge = (rel_a, rel_b)
        if edge not in edge_scopes or edge_scopes[edge] != "runtime":
            edge_scopes[edge] = kind_scope[1]
            edge_types[edge] = rel.type
    return graph, edge_scopes, edge_types


def _assign_scopes(
    components: dict[str, Component],
    graph: dict[str, list[str]],
    edge_scopes: dict[tuple[str, str], str],
    edge_types: dict[tuple[str, str], str],
    root_id: str | None,
) -> None:
    """A component's scope is the scope of the edges that bring it in: runtime if any of them is runtime."""
    incoming: dict[str, list[tuple[str, str]]] = {}
    for (a, b), scope in edge_scopes.items():
        incoming.setdefault(b, []).append((scope, edge_types[(a, b)]))
    for ref, comp in list(components.items()):
        edges = incoming.get(ref)
        if not edges:
            continue
        scopes = {s for s, _ in edges}
        if "runtime" in scopes or len(scopes) != 1:
            continue
        (scope,) = scopes
        raw = sorted({t for _, t in edges})[0]
        components[ref] = Component(comp.ref, comp.purl, scope, raw, comp.line, comp.hashes)


def _package_purl(pkg: Package, source: Source, warn: list[ParseWarning]) -> purls.Purl | None:
    for raw in pkg.purls:
        if raw.startswith(("maven-central ", "npm ")):  # the other PACKAGE-MANAGER locators of SPDX 2.x Annex F
            p = _locator_purl(raw, _version_of(pkg))
            if p is not None:
                return p
            continue
        p = parse_purl(raw, _version_of(pkg), source, pkg.line, warn)
        if p is not None:
            return p
    return None


def _locator_purl(raw: str, version: str | None) -> purls.Purl | None:
    """``maven-central g:a:v`` and ``npm name@version`` locators as purls (None when malformed)."""
    kind, _, locator = raw.partition(" ")
    try:
        if kind == "maven-central":
            parts = locator.split(":")
            if len(parts) >= 2 and parts[0] and parts[1]:
                return purls.maven(parts[0], parts[1], parts[2] if len(parts) > 2 and parts[2] else version)
            return None
        name, at, ver = locator.rpartition("@")
        if not at or not name:
            name, ver = locator, version or ""
        scope, _, short = name.rpartition("/")
        return purls.build("npm", scope or None, short, ver or None)
    except ValueError:
        return None
