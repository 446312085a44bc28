"""The verdict rules: from facts (:mod:`planner.exposure.facts`) and the affected packages to a verdict per
project. Pure: no store, no clock; the same facts always give the same answer.

Evidence comes in three strengths, strongest first: what a project *resolves* (lockfile, resolved tree,
SBOM); what it *declares* (an exact version is what it gets, a range is what it allows); what it inherits
from the internal libraries it consumes, when it has no evidence of its own about the package. Scopes pass
on as the ecosystem passes them (:mod:`planner.scopes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner import scopes, versions
from planner.dependents import Dependent
from planner.digraph import Digraph, components_successors_first
from planner.exposure import evidence as evidence_rules
from planner.exposure import fixes, project_graph
from planner.exposure.facts import ExposureFacts, PackageFacts
from planner.exposure.report import NEEDS_WORK, RANK, VERDICTS, AffectedPackage, Evidence, ProjectExposure
from planner.scopes import NON_RUNTIME_SCOPES

#: verdict, reason, scope
Reach = tuple[str, str, str | None]
#: verdict, the scope of the evidence it comes from
Export = tuple[str, str | None]


@dataclass(slots=True)
class Assessment:
    """The verdicts for every project reaching an affected package (worst first), the first-party links
    among them, and what could not be judged."""

    projects: list[ProjectExposure] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Verdicts:
    """The verdicts of one package's projects: from their own evidence, inherited through libraries, and
    what each passes on to its consumers."""

    own: dict[str, tuple[str, str]]
    own_export: dict[str, Export]
    inherited: dict[str, Reach]
    export: dict[str, Reach]


def assess(facts: ExposureFacts, affected: Iterable[AffectedPackage]) -> Assessment:
    """Every project that reaches an affected package, with its worst verdict over the packages."""
    out = Assessment()
    by_project: dict[str, ProjectExposure] = {}
    packages: dict[str, set[str]] = {}
    links: set[str] = set()
    for target in affected:
        if not versions.is_supported(target.ecosystem):
            out.problems.append(
                f"{target.advisory}: {target.package}: versions of {target.ecosystem} cannot be compared"
            )
        projects, package_links = assess_package(target, facts.of(target.package))
        links.update(json.dumps(link, sort_keys=True) for link in package_links)
        for pe in projects:
            if pe.verdict in NEEDS_WORK:
                packages.setdefault(pe.project, set()).add(target.package)
            prev = by_project.get(pe.project)
            if prev is None or RANK[pe.verdict] < RANK[prev.verdict]:
                by_project[pe.project] = pe
    for key, pe in by_project.items():
        pe.packages = sorted(packages.get(key, ()))
    out.projects = sorted(by_project.values(), key=lambda p: (RANK[p.verdict], p.depth or 99, p.name, p.project))
    out.links = [json.loads(x) for x in sorted(links)]
    return out


def assess_package(target: AffectedPackage, facts: PackageFacts) -> tuple[list[ProjectExposure], list[dict[str, Any]]]:
    """The verdict of every project reaching one affected package, and the first-party links followed."""
    if not facts.dependents:
        return [], []
    by_key = {d.project: d for d in facts.dependents}
    evidence = evidence_rules.evidence_by_project(target, facts)
    followed = project_graph.followed_links(target.package, by_key, facts.links)
    graph = project_graph.project_graph(target.package, by_key, followed)
    known_versions = {r.version for r in facts.resolutions}
    verdicts = _verdicts(target, evidence, known_versions, graph, {k: d.name for k, d in by_key.items()})
    entries = [k for k, items in evidence.items() if k in graph and any(_is_direct(e) for e in items)]
    to_entry = project_graph.distance_to_entry(graph, entries)
    fix_of: dict[tuple[str, ...], fixes.Fix] = {}  # most projects share versions
    out = []
    for key, dep in by_key.items():
        items = evidence.get(key, [])
        vs = _versions_used(items)
        if vs not in fix_of:
            fix_of[vs] = fixes.fix_for(target, vs, facts.known_advisories)
        pe = _project_exposure(target, dep, items, verdicts, graph, to_entry)
        pe.versions = list(vs)
        pe.recommended, pe.recommended_affected_by, pe.clears_all_known = fix_of[vs]
        pe.recommended_affected_by = list(pe.recommended_affected_by)
        out.append(pe)
    _fill_versions_via(out)
    return out, [link.as_dict() for link in followed]


def _fill_versions_via(projects: list[ProjectExposure]) -> None:
    """For a project without a version of its own, the versions its ``via`` libraries bring: theirs, or
    (when they have none either) what they bring in turn, nearest first."""
    by_key = {p.project: p for p in projects}

    def brought(key: str, seen: set[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for lib in by_key[key].via:
            if lib in seen or lib not in by_key:
                continue
            seen.add(lib)
            found = {v: [lib] for v in by_key[lib].versions} or brought(lib, seen)
            for version, libs in found.items():
                out.setdefault(version, [])
                out[version] += [x for x in libs if x not in out[version]]
        return out

    for p in projects:
        if not p.versions and p.via:
            p.versions_via = {v: sorted(libs) for v, libs in sorted(brought(p.project, {p.project}).items())}


def _is_direct(e: Evidence) -> bool:
    return e.kind == "declares" or e.depth == 1


def _versions_used(items: list[Evidence]) -> tuple[str, ...]:
    """The versions a project resolves, else those it declares exactly."""
    resolved = sorted({e.version for e in items if e.kind == "resolves" and e.version})
    declared = sorted({e.version for e in items if e.kind == "declares" and e.version})
    return tuple(resolved or declared)


def _verdicts(
    target: AffectedPackage,
    evidence: Mapping[str, list[Evidence]],
    known_versions: set[str],
    graph: Digraph,
    names: Mapping[str, str],
) -> _Verdicts:
    own: dict[str, tuple[str, str]] = {}
    own_export: dict[str, Export] = {}  # what a project's own evidence passes on
    ecosystem = scopes.ecosystem_of(target.package)
    for key, items in evidence.items():
        own[key] = own_verdict(target, items, known_versions)
        passed = [e for e in items if scopes.passes_on(ecosystem, e.scope, e.optional)]
        if passed:
            worst_passed = worst_evidence(passed)
            own_export[key] = (own_verdict(target, passed, known_versions)[0], worst_passed and worst_passed.scope)
    inherited, export = inherit(graph, own, own_export, names)
    return _Verdicts(own, own_export, inherited, export)


def _project_exposure(
    target: AffectedPackage,
    dep: Dependent,
    items: list[Evidence],
    verdicts: _Verdicts,
    graph: Digraph,
    to_entry: Mapping[str, int],
) -> ProjectExposure:
    """One project's verdict, path, place to change and the libraries it inherits from (``versions`` and
    the fix are filled in by the caller)."""
    key = dep.project
    verdict, reason = verdicts.own.get(key) or verdicts.inherited.get(key, (None, None))[:2]
    if verdict is None:
        verdict, reason = "unknown", "reached only through dependency metadata"
    direct = any(_is_direct(e) for e in items)
    worst = worst_evidence(items)
    return ProjectExposure(
        project=key,
        name=dep.name,
        repo=dep.repo,
        kind=None,
        ecosystem=None,
        verdict=verdict,
        reason=reason,
        direct=direct,
        depth=(worst.depth if worst and worst.depth else dep.depth),
        scope=(worst.scope if worst else verdicts.inherited.get(key, (None, None, dep.scope))[2]),
        versions=[],
        path=[h.key for h in dep.path],
        paths=project_graph.first_party_paths(graph, key, verdicts.own, target.package, verdicts.own_export),
        change_at=fixes.change_at(items, graph, key, to_entry, verdicts.export),
        fixed=list(target.fixed),
        recommended=None,
        via=[] if direct else _via(graph, key, verdicts.export, to_entry),
        evidence=sorted(items, key=lambda e: (e.kind, e.location or "", e.version or "")),
    )


def _via(graph: Digraph, key: str, export: Mapping[str, Reach], to_entry: Mapping[str, int]) -> list[str]:
    """The internal libraries a project gets the package through: those that pass it on, nearest to a
    project that brings it in directly."""
    far = project_graph.FAR
    succ = sorted(graph.successors(key), key=lambda p: (p not in export, to_entry.get(p, far), p))
    succ = [p for p in succ if p in export] or succ
    return [p for p in succ if to_entry.get(p, far) == to_entry.get(succ[0], far)] if succ else []


def own_verdict(target: AffectedPackage, items: list[Evidence], known: set[str]) -> tuple[str, str]:
    """The verdict and reason from a project's own evidence (resolutions beat declarations)."""
    resolved = [e for e in items if e.kind == "resolves"]
    declared = [e for e in items if e.kind == "declares"]
    pinned = resolved or [e for e in declared if e.version]
    bad = [e for e in pinned if e.affected]
    if bad:
        runtime = [e for e in bad if (e.scope or "runtime") not in NON_RUNTIME_SCOPES]
        versions_bad = ", ".join(sorted({e.version or "" for e in bad}))
        if runtime:
            return "exposed", f"{'resolves' if resolved else 'declares'} affected {versions_bad}"
        return "exposed-test-only", f"affected {versions_bad} only in {', '.join(sorted({e.scope or '' for e in bad}))}"
    if pinned and all(e.affected is False for e in pinned):
        admits = [e for e in declared if e.version is None and e.spec and evidence_rules.admits(target, e.spec, known)]
        if admits:
            return (
                "declared-range-allows",
                f"declares {admits[0].spec}, which admits affected versions; resolves safe ones",
            )
        return "not-exposed", f"resolves only unaffected {', '.join(sorted({e.version or '' for e in pinned}))}"
    if pinned:
        return "unknown", "a resolved version cannot be compared with the advisory's ranges"
    ranges = [e for e in declared if e.spec]
    if ranges and not any(evidence_rules.admits(target, e.spec or "", known) is not False for e in ranges):
        return "not-exposed", f"declares {ranges[0].spec}, which admits no affected version"
    if ranges:
        return "unknown", f"declares {ranges[0].spec} and nothing says which version resolves"
    return "unknown", "declared without a version that can be resolved statically"


def worst_evidence(items: list[Evidence]) -> Evidence | None:
    """The evidence a verdict is shown with: an affected one first, runtime before other scopes, nearest
    first."""
    bad = [e for e in items if e.affected]
    pool = bad or items
    if not pool:
        return None
    return sorted(pool, key=lambda e: ((e.scope or "runtime") in NON_RUNTIME_SCOPES, e.depth or 99))[0]


def inherit(
    graph: Digraph,
    own: Mapping[str, tuple[str, str]],
    own_export: Mapping[str, Export],
    names: Mapping[str, str],
) -> tuple[dict[str, Reach], dict[str, Reach]]:
    """Verdicts for projects without evidence of their own, from the libraries they consume, and what
    each project passes on to its consumers (``export``).

    A project passes on what its own evidence says in scopes that pass on (:mod:`planner.scopes`), else
    what it gets through its own edges that pass on. A consumer gets a provider's export through an edge
    of any scope, composed with it (a ``test`` edge makes ``exposed`` test-only). Members of a cycle are
    iterated until they agree (verdict ranks only ever get worse, so this ends)."""
    inherited: dict[str, Reach] = {}
    export: dict[str, Reach] = {}
    for component in components_successors_first(graph):
        members = sorted(component)
        for _ in range(len(members) + len(VERDICTS) if len(members) > 1 else 1):  # ranks only get worse
            changed = False
            for key in members:
                got = best_through(graph, key, export, names, only_passing=False)
                if key not in own and got is not None and got != inherited.get(key):
                    inherited[key] = got
                if key in own_export:
                    verdict, scope = own_export[key]
                    out: Reach | None = (verdict, own[key][1], scope)
                else:
                    out = best_through(graph, key, export, names, only_passing=True)
                if out is not None and out != export.get(key):
                    export[key] = out
                    changed = True
            if not changed:
                break
    return inherited, export


def best_through(
    graph: Digraph, key: str, export: Mapping[str, Reach], names: Mapping[str, str], only_passing: bool
) -> Reach | None:
    """The worst verdict ``key`` gets from its providers' exports (None: none passes anything on)."""
    best: Reach | None = None
    for provider in sorted(graph.successors(key)):
        edge = graph.edge(key, provider)
        if provider not in export or (only_passing and not edge.get("passes")):
            continue
        verdict, _, inner = export[provider]
        scope = scopes.compose(edge.get("scope"), inner)
        if verdict == "exposed" and scope in NON_RUNTIME_SCOPES:
            verdict = "exposed-test-only"
        candidate = (verdict, f"through {names.get(provider, provider)} ({verdict})", scope)
        if best is None or RANK[candidate[0]] < RANK[best[0]]:
            best = candidate
    return best
