"""Read what an SBOM needs from the store: which projects, what they resolve, what depends on what."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from planner.errors import UsageError
from planner.sbom.assemble import assemble, project_refs
from planner.sbom.model import SbomGraph, SbomProject, Subject
from planner.store.base import Store
from planner.store.statements import parse_depends_on

#: keys per query: a parameter list this long keeps each reply well under the store's limits
_CHUNK = 2000


def for_project(store: Store, text: str) -> tuple[Subject, list[SbomProject]]:
    """One project, by key, name, repository or table label (as ``depwave why`` takes it)."""
    from planner.why import find_project

    key = find_project(store, text)
    projects = project_refs(store.query("list_sbom_projects", {"keys": [key]}))
    return Subject("project", key, projects[0].name), projects


def for_service(store: Store, text: str) -> tuple[Subject, list[SbomProject]]:
    """A deployed service (key ``environment/name`` or name): the projects its images are built from."""
    from planner.services import list_services

    matches = [s for s in list_services(store).services if text in (s.key, s.name)]
    if not matches:
        raise UsageError(f"no service matches {text!r} (see `depwave services`)")
    if len(matches) > 1:
        raise UsageError(f"{text!r} matches {len(matches)} services; give one key: {', '.join(s.key for s in matches)}")
    svc = matches[0]
    keys = sorted({p.key for image in svc.images for p in image.projects})
    if not keys:
        raise UsageError(f"service {svc.key}: no project builds its images, so there is nothing to list")
    details = [("depwave:environment", svc.environment or "")] if svc.environment else []
    details += [("depwave:image", image.key) for image in svc.images]
    projects = project_refs(store.query("list_sbom_projects", {"keys": keys}))
    return Subject("service", svc.key, svc.name, tuple(details)), projects


def for_organisation(store: Store, name: str) -> tuple[Subject, list[SbomProject]]:
    """Every project in the graph."""
    projects = project_refs(store.query("list_sbom_projects", {"keys": None}))
    if not projects:
        raise UsageError("the graph holds no project: run `depwave ingest` first")
    return Subject("organisation", name, name), projects


def collect(store: Store, subject: Subject, projects: list[SbomProject]) -> SbomGraph:
    """The SBOM content of ``subject`` (see :mod:`planner.sbom.assemble` for what goes in)."""
    keys = [p.key for p in projects]
    owners: dict[str, dict[str, set[str]]] = {}
    for i in range(0, len(keys), _CHUNK):
        for row in store.query("list_project_owners", {"keys": keys[i : i + _CHUNK]}):
            owners.setdefault(row["project"], {}).setdefault(row["via"], set()).add(str(row["owner"]))
    projects = [
        replace(
            p, owners=tuple(sorted(owners.get(p.key, {}).get("project") or owners.get(p.key, {}).get("repo") or ()))
        )
        for p in projects
    ]
    resolutions: list[dict[str, Any]] = []
    for i in range(0, len(keys), _CHUNK):
        resolutions += store.query("list_sbom_resolutions", {"projects": keys[i : i + _CHUNK]})
    versions = sorted({str(r["version"]) for r in resolutions})
    sources = sorted({str(r["source"]) for r in resolutions if r.get("source")})
    return assemble(subject, projects, resolutions, _dependencies(store, set(versions), sources))


def _dependencies(store: Store, versions: set[str], sources: list[str]) -> list[dict[str, Any]]:
    """What ``sources`` say ``versions`` depend on: version, package, resolved, scope, source, sorted."""
    out: list[dict[str, Any]] = []
    for i in range(0, len(sources), _CHUNK):
        for row in store.query("list_sbom_dependencies", {"sources": sources[i : i + _CHUNK]}):
            if row["legacy"]:
                raise UsageError("the store was written by an earlier depwave: run `depwave ingest` once to convert it")
            source = str(row["source"])
            out += (
                {"version": v, "package": p, "resolved": st.resolved, "scope": st.scope, "source": source}
                for v, p, st in parse_depends_on(row["depends_on"])
                if v in versions
            )
    out.sort(key=lambda d: (d["version"], d["package"], d["source"]))
    return out
