"""Shared SBOM semantics: one project, its resolved components, their depth, chain and metadata.

Every SBOM format (CycloneDX JSON/XML, SPDX JSON/tag-value) reduces to the same shape: a root
element (the project), components keyed by a document-local reference, and a directed
"needs" graph between references. This module turns that shape into records exactly as
:mod:`loaders.sbom.cyclonedx_json` does: each component with a versioned purl is ``Resolved`` by the
project, its depth and chain are the shortest path from the root(s), and every graph edge between
two versioned components becomes ``VersionDependency`` metadata.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from loaders.walk import breadth_first
from planner import hashes
from planner import purl as purls
from planner.model import (
    SCOPES,
    Location,
    ParseWarning,
    Project,
    Publishes,
    Record,
    Resolved,
    Source,
    VersionDependency,
    project_key,
)


class Component(NamedTuple):
    """One SBOM element that has a purl (a named tuple: an SBOM has thousands, and a frozen dataclass
    took 0.75 us to make, a tuple 0.28)."""

    ref: str
    purl: purls.Purl
    scope: str = "runtime"
    raw_scope: str | None = None
    line: int | None = None
    hashes: tuple[str, ...] = ()  # ``alg:hex`` (planner.hashes)


def stated_hashes(pairs: Iterable[tuple[object, object]]) -> tuple[str, ...]:
    """``(algorithm, hex digest)`` pairs as an SBOM states them (CycloneDX ``SHA-256``, SPDX ``SHA256``)
    in the graph's normal form; algorithms depwave does not keep are left out."""
    out: list[str] = []
    for alg, digest in pairs:
        if isinstance(alg, str) and isinstance(digest, str):
            normal = hashes.from_hex(alg, digest)
            if normal is not None and normal not in out:
                out.append(normal)
    return tuple(out)


def property_scope(properties: Mapping[str, str], scope: str, raw_scope: str | None) -> tuple[str, str | None]:
    """A component's scope refined by its CycloneDX properties: ``depwave:scope`` (what ``depwave sbom``
    writes, so that a re-ingest keeps ``dev``/``build``/``provided`` ...) or cdxgen's
    ``cdx:npm:package:development``."""
    own = properties.get("depwave:scope")
    if own in SCOPES:
        return own, raw_scope
    if properties.get("cdx:npm:package:development", "").lower() == "true":
        return "dev", raw_scope or "development"
    return scope, raw_scope


def parse_purl(
    raw: object, version: object, source: Source, line: int | None, warn: list[ParseWarning]
) -> purls.Purl | None:
    """Parse a purl string, taking the version from ``version`` when the purl has none; warn if invalid."""
    if not raw or not isinstance(raw, str):
        return None
    try:
        p = purls.parse(raw)
    except ValueError as exc:
        warn.append(ParseWarning(source.display, line, str(exc)))
        return None
    if not p.version and isinstance(version, str) and version.strip():
        try:
            p = purls.build(p.type, p.namespace, p.name, version.strip())
        except ValueError as exc:
            warn.append(ParseWarning(source.display, line, str(exc)))
            return None
    return p


def generic(name: str, version: object = None) -> purls.Purl:
    """A ``pkg:generic`` purl for something without coordinates."""
    return purls.build("generic", None, name, str(version) if version else None)


def sbom_project(
    source: Source, purl: purls.Purl | None, kind: str, line: int | None, warn: list[ParseWarning], missing: str
) -> Project:
    """The project an SBOM describes; named after its directory (with the ``missing`` warning) when unknown."""
    directory = source.directory
    if purl is None:
        warn.append(ParseWarning(source.display, line, missing))
        base = posixpath.basename(directory) if directory != "." else source.repo
        purl = generic(base or "unnamed")
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


def project_records(project: Project) -> list[Record]:
    """The project and, when it has real coordinates, the package it publishes."""
    out: list[Record] = [project]
    if project.purl and project.ecosystem != "generic":
        out.append(Publishes(project.key, purls.parse(project.purl).package))
    return out


def missing_refs_warning(
    graph: Mapping[str, Sequence[str]], known: set[str], source: Source, line: int | None
) -> ParseWarning | None:
    """One aggregated warning for dependency targets that name no element."""
    issuperset = known.issuperset
    if all(issuperset(deps) for deps in graph.values()):  # the common case, a set operation per entry
        return None
    missing = sorted({d for deps in graph.values() for d in deps if d not in known})
    if not missing:
        return None
    return ParseWarning(
        source.display, line, f"{len(missing)} dependency reference(s) name no component, e.g. {missing[0]!r}"
    )


def graph_records(
    project: Project,
    components: Mapping[str, Component],
    graph: Mapping[str, Sequence[str]],
    roots: Iterable[str],
    source: Source,
    warn: list[ParseWarning],
    edge_scopes: Mapping[tuple[str, str], str] | None = None,
) -> list[Record]:
    """``Resolved`` per versioned component (shallowest wins) and ``VersionDependency`` per graph edge.

    ``edge_scopes`` optionally gives the scope of an edge (SPDX ``DEV_DEPENDENCY_OF`` ...); otherwise the
    scope of the dependency's component is used, as in CycloneDX.
    """
    keys = {ref: comp.purl.key for ref, comp in components.items()}  # each purl rendered once, not per use
    depths, paths = _shortest_paths(roots, graph, keys)
    resolved: dict[str, Resolved] = {}
    project_key, path = project.key, source.path
    for ref, comp in components.items():
        if not comp.purl.version:
            warn.append(ParseWarning(source.display, comp.line, f"component {comp.purl.package} has no version"))
            continue
        version, depth = keys[ref], depths.get(ref)
        prev = resolved.get(version)
        if prev is None or (depth or 10**9) < (prev.depth or 10**9):
            # positional: thousands a file, and a frozen dataclass takes keywords a third slower
            resolved[version] = Resolved(
                project_key,
                version,
                comp.scope,
                comp.raw_scope,
                depth,
                paths.get(ref, ()),
                Location(path, comp.line),
                comp.hashes,
            )
    out: list[Record] = [resolved[k] for k in sorted(resolved)]
    out.extend(_dependency_edges(components, graph, keys, edge_scopes))
    return out


def _dependency_edges(
    components: Mapping[str, Component],
    graph: Mapping[str, Sequence[str]],
    keys: Mapping[str, str],
    edge_scopes: Mapping[tuple[str, str], str] | None,
) -> list[VersionDependency]:
    """``VersionDependency`` per distinct edge between versioned components, in sorted order."""
    # each distinct edge once, keyed by its sort order (tuples hash and compare in C; the records do not)
    edges: dict[tuple[str, str, str, str], str | None] = {}  # (version, package, resolved or "", scope) -> resolved
    targets: dict[str, tuple[str, str, str] | None] = {}  # dep ref -> (package, resolved or "", its scope)
    for ref, deps in graph.items():
        parent = components.get(ref)
        if parent is None or not parent.purl.version:
            continue
        head = (keys[ref],)
        for dep_ref in deps:
            target = targets.get(dep_ref, _UNSEEN)
            if target is _UNSEEN:
                dep = components.get(dep_ref)
                target = targets[dep_ref] = (
                    None if dep is None else (dep.purl.package, dep.purl.version or "", dep.scope)
                )
            if target is None:
                continue
            if edge_scopes:
                target = (target[0], target[1], edge_scopes.get((ref, dep_ref), target[2]))
            edges.setdefault(head + target, target[1] or None)
    return [  # fields in order (version, package, range, resolved, scope): positional, as above
        VersionDependency(version, package, None, resolved_version, scope)
        for (version, package, _, scope), resolved_version in sorted(edges.items())
    ]


#: a dependency reference not looked up yet (None: looked up, names no component)
_UNSEEN: tuple[str, str, str] = ("", "", "")


def _shortest_paths(
    roots: Iterable[str], graph: Mapping[str, Sequence[str]], keys: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """The shortest chain of refs from any root to every ref reached (BFS, sorted ties; roots excluded,
    and not reached themselves), as a ``Resolved`` keeps it: its length, and its refs that are
    components (``keys``) as purl keys. Each is made from its parent's in the walk: copying each chain
    and looking up its refs again cost a fifth of parsing a 2,400-component SBOM."""
    depths: dict[str, int] = {}
    paths: dict[str, tuple[str, ...]] = {}
    for ref, parent in breadth_first(sorted(set(roots)), lambda r: sorted(set(graph.get(r, ())))):
        if parent is not None:
            depths[ref] = depths.get(parent, 0) + 1
            path = paths.get(parent, ())
            key = keys.get(ref)
            paths[ref] = path if key is None else (*path, key)
    return depths, paths
