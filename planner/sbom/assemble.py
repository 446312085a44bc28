"""From graph rows to an :class:`SbomGraph` (pure: table-tested without a store).

* **Components** are the versions the subject's projects resolve (``RESOLVES``: lockfiles, resolved
  trees, SBOMs) — what the build really gets. Declarations alone are not components: a range says what
  is allowed, not what ships. One component per versioned purl; its scope is the strongest of its
  resolutions, its hashes and source files the union.
* **Dependencies**, per project, from three facts that each hold for that project's own build: a
  resolution at depth 1 is a direct dependency of the project; consecutive elements of a resolution's
  ``chain`` depend on each other; a ``DEPENDS_ON`` edge stated by one of the project's own source files
  links two versions the project resolves (to the ``resolved`` version, or to the only version of that
  package the project has). A component appears in the graph with an empty list only when one of its
  files states a dependency graph (so "no dependencies" is known, not guessed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from planner import purl as purls
from planner.sbom.model import SbomComponent, SbomGraph, SbomProject, Subject, stronger_scope


def project_refs(rows: Iterable[Mapping[str, Any]]) -> list[SbomProject]:
    """Projects with their document identifiers: the versioned purl when no other project has it, else the key."""
    rows = list(rows)
    counts = Counter(r.get("purl") for r in rows if r.get("purl"))
    out = []
    for r in rows:
        purl = r.get("purl")
        versioned = bool(purl) and "@" in str(purl) and counts[purl] == 1
        out.append(
            SbomProject(
                key=str(r["key"]),
                ref=str(purl) if versioned else str(r["key"]),
                name=str(r.get("name") or r["key"]),
                repo=r.get("repo"),
                path=r.get("path"),
                ecosystem=r.get("ecosystem"),
                kind=r.get("kind"),
                purl=purl,
                version=r.get("version"),
                manifest=r.get("manifest"),
            )
        )
    return sorted(out, key=lambda p: p.key)


def assemble(
    subject: Subject,
    projects: list[SbomProject],
    resolutions: Iterable[Mapping[str, Any]],
    dependencies: Iterable[Mapping[str, Any]],
) -> SbomGraph:
    """The SBOM of ``subject``: one project (the root) or several under a synthetic root."""
    problems: list[str] = []
    by_project: dict[str, list[Mapping[str, Any]]] = {}
    for row in resolutions:
        by_project.setdefault(str(row["project"]), []).append(row)
    components = _components(by_project, problems)
    deps_by_source: dict[str, list[Mapping[str, Any]]] = {}
    for row in dependencies:
        deps_by_source.setdefault(str(row["source"]), []).append(row)

    single = subject.kind == "project"
    root = projects[0] if single else None
    root_ref = root.ref if root is not None else f"depwave:{subject.kind}:{subject.key}"
    edges: dict[str, set[str]] = {root_ref: set()}
    for project in projects:
        ref = project.ref
        edges.setdefault(ref, set())
        if not single:
            edges[root_ref].add(ref)
        _project_edges(ref, by_project.get(project.key, []), deps_by_source, edges)

    project_refs_ = {p.ref for p in projects}
    listed = [c for ref, c in sorted(components.items()) if ref not in project_refs_]
    graph_sources = set(deps_by_source)
    for c in listed:
        if c.ref not in edges and graph_sources.intersection(c.sources):
            edges[c.ref] = set()
    dependencies_out = {ref: tuple(sorted(t for t in targets if t != ref)) for ref, targets in sorted(edges.items())}
    return SbomGraph(
        subject=subject,
        root=root,
        projects=[] if single else projects,
        components=listed,
        dependencies=dependencies_out,
        problems=problems,
    )


def _components(by_project: dict[str, list[Mapping[str, Any]]], problems: list[str]) -> dict[str, SbomComponent]:
    merged: dict[str, SbomComponent] = {}
    for rows in by_project.values():
        for row in rows:
            key = str(row["version"])
            try:
                p = purls.parse(key)
            except ValueError as exc:
                problems.append(f"{row.get('source')}: {exc}")
                continue
            scope = str(row.get("scope") or "unknown")
            hashes = tuple(row.get("hashes") or ())
            source = (str(row["source"]),) if row.get("source") else ()
            prev = merged.get(key)
            if prev is not None:
                scope = stronger_scope(prev.scope, scope)
                hashes = (*prev.hashes, *hashes)
                source = (*prev.sources, *source)
            merged[key] = SbomComponent(key, p, scope, tuple(sorted(set(hashes))), tuple(sorted(set(source))))
    return merged


def _project_edges(
    ref: str,
    rows: list[Mapping[str, Any]],
    deps_by_source: Mapping[str, list[Mapping[str, Any]]],
    edges: dict[str, set[str]],
) -> None:
    """Add one project's dependency edges (see the module docstring) to ``edges``."""
    own = {str(r["version"]) for r in rows}
    for row in rows:
        chain = [str(c) for c in row.get("chain") or ()]
        if row.get("depth") == 1:
            edges[ref].add(str(row["version"]))
        if chain and chain[0] in own and row.get("depth") is not None:
            edges[ref].add(chain[0])
        for a, b in pairwise(chain):
            if a in own and b in own:
                edges.setdefault(a, set()).add(b)
    by_package: dict[str, list[str]] = {}
    for key in sorted(own):
        try:
            by_package.setdefault(purls.parse(key).package, []).append(key)
        except ValueError:
            continue
    for source in sorted({str(r["source"]) for r in rows if r.get("source")}):
        for dep in deps_by_source.get(source, ()):
            version = str(dep["version"])
            if version not in own:
                continue
            target = _target(str(dep["package"]), dep.get("resolved"), by_package)
            if target is not None and target in own:
                edges.setdefault(version, set()).add(target)


def _target(package: str, resolved: Any, by_package: Mapping[str, list[str]]) -> str | None:
    """The version key a DEPENDS_ON edge points at inside one project's resolution."""
    if resolved:
        try:
            p = purls.parse(package)
            return purls.build(p.type, p.namespace, p.name, str(resolved)).key
        except ValueError:
            return None
    candidates = by_package.get(package, [])
    return candidates[0] if len(candidates) == 1 else None
