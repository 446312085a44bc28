"""From an exposure report to the planner's input graph (:mod:`planner.waves` contract).

Nodes are the projects that need work (exposed, test-only or unknown) plus, as ``decide`` nodes,
deployed services running first-party images that no ingested project builds (their exposure is
unknown); edges run consumer -> provider along the first-party links the exposure found. Third-party
images nobody traces are not decisions: the graph attribute ``inventory_gaps`` lists them once, as the
exposure report does (:mod:`planner.inventory`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from planner import build_units, ecosystems, environments, versions
from planner.build_units import BuildUnit, ProjectInfo
from planner.errors import UsageError
from planner.exposure import ExposureReport, ProjectExposure
from planner.locations import file_name_of, file_of
from planner.plan_node import PlanNode
from planner.store.base import Store
from planner.waves import Target

_EXPOSURE = {"exposed": "transitive", "exposed-test-only": "test-only", "unknown": "unknown"}


def choose_target(report: ExposureReport, package: str | None, fixed: str | None, same_branch: bool) -> Target:
    """The package to fix and the version to move to: ``fixed`` when given, else per project the
    lowest fixed version that clears every listed advisory (on the same release line when
    ``same_branch``), the plan-wide default being the highest of those."""
    exposed_packages = sorted({a.package for a in report.affected})
    if package is None:
        if len(exposed_packages) != 1:
            raise UsageError(f"the advisories affect {', '.join(exposed_packages)}: choose one with --package")
        package = exposed_packages[0]
    entries = [a.entry for a in report.affected if a.package == package]
    ecosystem = next((a.ecosystem for a in report.affected if a.package == package), "")
    advisories = tuple(sorted({a.advisory for a in report.affected if a.package == package}))
    if fixed:
        return Target(package, fixed, {}, advisories)
    per_project: dict[str, str] = {}
    for p in report.projects:
        if p.verdict not in _EXPOSURE:
            continue  # nothing to fix: its versions are not a target
        for v in _vulnerable_versions(p):
            fix = versions.fix_for(ecosystem, v, entries, same_branch=same_branch)
            if fix is None and same_branch:
                fix = versions.fix_for(ecosystem, v, entries)
            if fix == v:
                continue  # already clear
            if fix and (p.project not in per_project or versions.compare(ecosystem, fix, per_project[p.project]) > 0):
                per_project[p.project] = fix
    if not per_project:
        candidates = sorted({f for a in report.affected if a.package == package for f in a.fixed})
        if not candidates:
            raise UsageError(f"no fixed version of {package} is known: give one with --fixed")
        return Target(package, versions.sort_versions(ecosystem, candidates)[-1], {}, advisories)
    default = versions.sort_versions(ecosystem, set(per_project.values()))[-1]
    return Target(package, default, {k: v for k, v in per_project.items() if v != default}, advisories)


def plan_graph(
    store: Store,
    report: ExposureReport,
    environment: str | None = None,
    repos: Iterable[str] = (),
    owners: Iterable[str] = (),
) -> nx.DiGraph:
    """The planner's input graph, optionally scoped to an environment, repositories or owners
    (a scoped project keeps every internal library it needs)."""
    g = nx.DiGraph()
    units = _build_units(store, report)
    publishes = publishes_by_project(report.links, units)
    for p in report.projects:
        if p.verdict not in _EXPOSURE:
            continue
        g.add_node(p.project, **plan_node(p, units, publishes).attrs())
    for link in report.links:
        c, prov = link["consumer"], link["provider"]
        if c in g and prov in g and c != prov:
            spec = link.get("spec") or ""
            g.add_edge(
                c,
                prov,
                package=link.get("package"),
                scope=link.get("scope"),
                pinned=link.get("via") != "project" and not any(ch in spec for ch in "^~<>*[]("),
                depth=1,
            )
    scoped = report.untraced.in_environment(environment)
    g.graph["inventory_gaps"] = [(gap.image, gap.services) for gap in scoped.gaps]
    for key, node in _untraced_services(scoped.unknown):
        g.add_node(key, **node.attrs())
    keep = _scope(g, environment, set(repos), set(owners))
    return g.subgraph(keep).copy() if keep is not None else g


def _untraced_services(unknown: Iterable[Any]) -> list[tuple[str, PlanNode]]:
    """First-party services nobody can trace may carry the package too: a decision for their owners, one node
    per image (the report holds none when the package is used nowhere in the graph: then there is no incident
    to plan)."""
    untraced: dict[str, dict[str, Any]] = {}
    for svc in unknown:
        for image in svc.images or [None]:
            key = f"image:{image.key if image else svc.key}"
            node = untraced.setdefault(key, {"name": svc.name, "deployments": set(), "owners": set()})
            node["deployments"].add((svc.name, environments.normalise(svc.environment)))
            node["owners"].update(svc.owners)
    return [
        (
            key,
            PlanNode(
                name=node["name"],
                repo=None,
                kind="service",
                ecosystem=None,
                exposure="unknown",
                deployments=tuple(sorted(node["deployments"])),
                owners=tuple(sorted(node["owners"])),
                image_traceable=False,
            ),
        )
        for key, node in sorted(untraced.items())
    ]


def _build_units(store: Store, report: ExposureReport) -> dict[str, dict[str, Any]]:
    """Each project's directory and build unit (:mod:`planner.build_units`), from the links the exposure
    found: node attributes ``path``, ``build_unit``, ``build_root``."""
    keys = sorted({p.project for p in report.projects})
    if not keys:
        return {}
    known = report.project_rows  # what decoration read (the same query, the same keys)
    rows = [known[k] for k in keys if k in known] if known else store.query("get_projects", {"keys": keys})
    info = {
        r["key"]: ProjectInfo(r["key"], r.get("repo"), r.get("path"), r.get("ecosystem"), r.get("version"))
        for r in rows
    }
    dirs = sorted({d for i in info.values() for d in build_units.directories_above(i)})
    places = [{"repo": repo, "path": path} for repo, path in dirs]
    homes = [
        ProjectInfo(r["key"], r.get("repo"), r.get("path"), r.get("ecosystem"), None)
        for r in (store.query("list_projects_in_dirs", {"places": places}) if places else [])
    ]
    units: dict[str, BuildUnit] = build_units.assign(report.links, info, [*homes, *info.values()])
    return {k: {"path": info[k].path, "build_unit": u.key, "build_root": u.root} for k, u in units.items() if k in info}


def publishes_by_project(links: Iterable[dict[str, Any]], units: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The package each provider publishes: that of its first link (in ``links`` order) with a package whose
    consumer is outside the provider's build (siblings take it from the build). One pass over the links."""
    out: dict[str, str] = {}
    for link in links:
        provider, package = link["provider"], link.get("package")
        if not package or provider in out:
            continue
        unit = units.get(provider, {}).get("build_unit")
        if unit is None or units.get(link["consumer"], {}).get("build_unit") != unit:
            out[provider] = package
    return out


def plan_node(p: ProjectExposure, units: dict[str, dict[str, Any]], publishes: dict[str, str]) -> PlanNode:
    """What the planner needs to know about one project of the exposure report (``publishes``:
    :func:`publishes_by_project` of the report's links)."""
    exposure = _EXPOSURE[p.verdict]
    if p.verdict == "exposed" and (p.direct or _states_in_build_list(p)):
        exposure = "direct"
    build = units.get(p.project, {})
    deployments = sorted({(s.get("name") or "", environments.normalise(s.get("environment"))) for s in p.services})
    kind = p.kind or "unknown"
    if deployments:
        kind = "service"  # whatever it builds as, what is deployed is a service
    if p.verdict == "exposed-test-only" and not deployments:
        kind = "test" if kind in ("application", "unknown") else kind
    return PlanNode(
        name=p.name,
        repo=p.repo,
        kind=kind,
        ecosystem=p.ecosystem,
        exposure=exposure,
        vulnerable_version=next(iter(_vulnerable_versions(p)), None),
        edit_location=p.change_at,
        edit_kind=_edit_kind(p),
        property=_version_property(p),
        build_tool=_lockfile_tool(p),
        version_from=_version_from(p),
        publishes=publishes.get(p.project),
        deployments=tuple(deployments),
        owners=tuple(p.owners),
        direct=bool(p.direct),
        called=bool(p.reachability and p.reachability["verdict"] == "called"),
        path=build.get("path"),
        build_unit=build.get("build_unit"),
        build_root=build.get("build_root"),
    )


def _vulnerable_versions(p: ProjectExposure) -> list[str]:
    bad = sorted({e.version for e in p.evidence if e.affected and e.version})
    return bad or [v for v in p.versions]


def _edit_kind(p: ProjectExposure) -> str | None:
    """What the edit changes: a property/variable, a version managed in another file, the declaration itself
    (its version may sit on another line of the same file, as Maven's ``<version>`` does) or only a lock."""
    for e in p.evidence:
        if e.kind == "declares" and e.version:
            if e.version_property:
                return "property"
            if e.version_repo:  # managed in a POM of another repository: pinned in this one's
                return "dependency-management"
            if e.version_location and file_of(e.version_location) != file_of(e.location):
                return "managed"
            return "direct-dependency"
    if any(e.kind == "resolves" and e.depth == 1 for e in p.evidence):
        return "lockfile-only"
    if any(e.kind == "declares" for e in p.evidence):
        return "direct-dependency"
    return None


def _states_in_build_list(p: ProjectExposure) -> bool:
    """Whether the line to change is the project's own entry in a whole build list (go.mod's indirect
    ``require``): moving it is the project's own edit, not a wait for a dependency's release."""
    return ecosystems.lists_whole_build(p.change_at) and any(
        e.kind == "resolves" and e.location == p.change_at for e in p.evidence
    )


def _lockfile_tool(p: ProjectExposure) -> str | None:
    """The build tool of the lockfile that resolves the package for the project (``pnpm-lock.yaml`` → pnpm),
    when that tool builds the project's ecosystem; an SBOM or a dependency listing names no tool."""
    known = ecosystems.by_purl_type(p.ecosystem or "")
    for e in p.evidence:
        if e.kind != "resolves" or not e.location or known is None:
            continue
        tool = ecosystems.tool_for_file(file_name_of(e.location))
        if tool is not None and tool in known.build_tools:
            return tool.name
    return None


def _version_property(p: ProjectExposure) -> str | None:
    """The property to change when the edit is a property definition (the line ``change_at`` names)."""
    for e in p.evidence:
        if e.kind == "declares" and e.version_property and e.own_version_location() == p.change_at:
            return e.version_property
    return None


def _version_from(p: ProjectExposure) -> str | None:
    """``repo/file:line`` of the POM of another repository that sets the version the edit overrides (a
    parent's property or managed version, an imported BOM's), when it is one."""
    for e in p.evidence:
        if e.kind == "declares" and e.version_repo and e.location == p.change_at:
            return f"{e.version_repo}/{e.version_location}"
    return None


def _scope(g: nx.DiGraph, environment: str | None, repos: set[str], owners: set[str]) -> set[str] | None:
    """What a scoped plan keeps: the projects in scope and every internal library they need. An environment
    keeps what runs there and what runs where no environment is known (:mod:`planner.environments`)."""
    if not (environment or repos or owners):
        return None
    seeds = set()
    for key, data in g.nodes(data=True):
        envs = [env for _, env in data.get("deployments") or []]
        if environment and environments.project_match(data.get("kind"), envs, environment) is None:
            continue
        if repos and data.get("repo") not in repos:
            continue
        if owners and not owners & set(data.get("owners") or []):
            continue
        seeds.add(key)
    keep = set(seeds)
    for s in seeds:
        keep |= nx.descendants(g, s)
    return keep
