"""Are we exposed? From affected package versions to verdicts per project, with paths, places to
change, fixes, services and owners.

Evidence comes in three strengths, strongest first:

1. what a project *resolves* (lockfile, resolved tree, SBOM): the versions it really gets;
2. what it *declares* (a manifest): an exact version is what it gets, a range is what it allows;
3. what it inherits from the internal libraries it consumes (the first-party project graph),
   when it has no evidence of its own about the package.

Scopes pass on as the ecosystem passes them (:mod:`planner.scopes`): a library's ``test``, ``provided``
or optional dependency (an npm ``devDependency``, a Cargo ``dev-dependency`` ...) is not its consumers'
concern, and a consumer's own ``test`` edge to a library makes what the library ships test-only for it.

Verdicts, worst first: ``exposed`` (an affected version at runtime), ``exposed-test-only`` (only
in test/dev/build scopes), ``unknown`` (a version that cannot be resolved or compared),
``declared-range-allows`` (a declared range admits an affected version but what is resolved is
safe), ``not-exposed``. No project that reaches the package is ever silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from planner import environments, followups, inventory, scopes, versions
from planner import purl as purls
from planner.dependents import DependentsResult, find_dependents
from planner.errors import UsageError
from planner.model import NON_RUNTIME_SCOPES, location_text
from planner.store.base import Store

SCHEMA = "depwave.exposure/1"
VERDICTS = ("exposed", "exposed-test-only", "unknown", "declared-range-allows", "not-exposed")
_RANK = {v: i for i, v in enumerate(VERDICTS)}
#: purl type -> OSV ecosystem
OSV_ECOSYSTEM = {
    "maven": "Maven",
    "npm": "npm",
    "pypi": "PyPI",
    "golang": "Go",
    "cargo": "crates.io",
    "gem": "RubyGems",
    "nuget": "NuGet",
    "hex": "Hex",
    "pub": "Pub",
    "composer": "Packagist",
}
#: purl type -> univers range scheme for declared ranges
_RANGE_SCHEME = {"maven": "maven", "npm": "npm", "pypi": "pypi", "gem": "gem", "nuget": "nuget", "cargo": "npm"}
MAX_PATHS = 20


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """One package an advisory affects, with its OSV ``affected`` entry (ranges + versions)."""

    advisory: str
    package: str  # versionless purl
    ecosystem: str  # OSV ecosystem
    entry: dict[str, Any]
    fixed: tuple[str, ...] = ()
    summary: str | None = None
    aliases: tuple[str, ...] = ()

    def affects(self, version: str) -> bool | None:
        """Whether ``version`` of this package is affected (None: cannot tell)."""
        return versions.is_affected(self.ecosystem, version, self.entry)


@dataclass(slots=True)
class Evidence:
    """One thing the graph says about a project and the package."""

    kind: str  # resolves | declares
    version: str | None  # resolved version, or the declared exact version
    spec: str | None  # as declared (range), for declarations
    scope: str | None
    depth: int | None
    affected: bool | None
    location: str | None
    version_location: str | None = None
    chain: list[str] = field(default_factory=list)
    version_property: str | None = None  # the property defined at version_location (``log4j2.version``)
    optional: bool = False  # a declaration marked optional (Maven ``<optional>true</optional>``)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "kind": self.kind,
            "version": self.version,
            "spec": self.spec,
            "scope": self.scope,
            "depth": self.depth,
            "affected": self.affected,
            "location": self.location,
            "version_location": self.version_location,
            "version_property": self.version_property,
            "chain": self.chain,
        }


@dataclass(slots=True)
class ProjectExposure:
    """The verdict for one project and everything a responder needs to act on it."""

    project: str
    name: str
    repo: str | None
    kind: str | None
    ecosystem: str | None
    verdict: str
    reason: str
    direct: bool
    depth: int | None
    scope: str | None
    versions: list[str]
    path: list[str]
    paths: list[list[str]]
    change_at: str | None
    fixed: list[str]
    recommended: str | None
    via: list[str]  # internal libraries it inherits the verdict from
    services: list[dict[str, Any]] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    environment_unknown: bool = False  # kept by an --env filter although where it runs is not known
    recommended_affected_by: list[str] = field(default_factory=list)  # known advisories affecting `recommended`
    clears_all_known: str | None = None  # lowest version clearing every advisory known for the package
    #: is the vulnerable code called? (planner.reachability.layer; None: not assessed)
    reachability: dict[str, Any] | None = None
    #: the affected packages it has an affected (or unknown) version of, for the reachability layer
    packages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (schema ``depwave.exposure/1``)."""
        return {
            "project": self.project,
            "name": self.name,
            "repo": self.repo,
            "kind": self.kind,
            "verdict": self.verdict,
            "reason": self.reason,
            "direct": self.direct,
            "depth": self.depth,
            "scope": self.scope,
            "versions": self.versions,
            "path": self.path,
            "paths": self.paths,
            "change_at": self.change_at,
            "fixed": self.fixed,
            "recommended": self.recommended,
            "recommended_affected_by": self.recommended_affected_by,
            "clears_all_known": self.clears_all_known,
            "via": self.via,
            "services": self.services,
            "owners": self.owners,
            "evidence": [e.as_dict() for e in self.evidence],
            "environment_unknown": self.environment_unknown,
            **({"reachability": self.reachability} if self.reachability is not None else {}),
        }


@dataclass(slots=True)
class ExposureReport:
    """The answer for one advisory (or package + range)."""

    advisories: list[str]
    affected: list[AffectedPackage]
    projects: list[ProjectExposure]
    links: list[dict[str, Any]]  # consumer -> provider edges among the projects (for the planner)
    problems: list[str] = field(default_factory=list)
    environment: str | None = None  # the --env filter applied (planner.environments.keep_environment)
    #: services whose images no repository builds: first-party unknowns and third-party inventory gaps
    untraced: inventory.Untraced = field(default_factory=inventory.Untraced)
    #: the symbol rules the reachability layer used (None: no layer, nothing was scanned)
    reachability_rules: list[str] | None = None

    @property
    def counts(self) -> dict[str, int]:
        """How many projects per verdict."""
        out = dict.fromkeys(VERDICTS, 0)
        for p in self.projects:
            out[p.verdict] += 1
        return out

    @property
    def any_exposed(self) -> bool:
        """Whether something is exposed (the CLI exits 1 then)."""
        return any(p.verdict in ("exposed", "exposed-test-only") for p in self.projects)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (schema ``depwave.exposure/1``)."""
        return {
            "schema": SCHEMA,
            "advisories": self.advisories,
            "environment": self.environment,
            "summary": next((a.summary for a in self.affected if a.summary), None),
            "aliases": sorted({x for a in self.affected for x in a.aliases}),
            "packages": [
                {"package": a.package, "ecosystem": a.ecosystem, "advisory": a.advisory, "fixed": list(a.fixed)}
                for a in self.affected
            ],
            "counts": self.counts,
            "exposed": self.any_exposed,
            "projects": [p.as_dict() for p in self.projects],
            "unknown_services": self.untraced.unknown_dicts(),
            "inventory_gaps": [g.as_dict() for g in self.untraced.gaps],
            "problems": self.problems,
            **(self._reachability_summary() if self.reachability_rules is not None else {}),
        }

    def _reachability_summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for p in self.projects:
            if p.reachability is not None:
                counts[p.reachability["verdict"]] = counts.get(p.reachability["verdict"], 0) + 1
        return {"reachability": {"rules": self.reachability_rules, "counts": counts}}


# ------------------------------------------------------------------------------------ targets


def affected_from_osv(advisory: Any) -> list[AffectedPackage]:
    """The affected packages of a parsed OSV advisory (:mod:`planner.advisories.osv`)."""
    out = []
    for package, entries in sorted(advisory.affected_packages().items()):
        ecosystem = entries[0].package.ecosystem
        entry = {
            "ranges": [r.as_json() for e in entries for r in e.ranges],
            "versions": list(dict.fromkeys(v for e in entries for v in e.versions)),
        }
        fixed = list(dict.fromkeys(f for e in entries for f in e.fixed))
        if versions.is_supported(ecosystem):
            fixed = versions.sort_versions(ecosystem, fixed)
        out.append(
            AffectedPackage(
                advisory.id, package, ecosystem, entry, tuple(fixed), advisory.summary, tuple(advisory.aliases)
            )
        )
    return out


def affected_from_store(store: Store, advisory_id: str) -> list[AffectedPackage]:
    """The affected packages of an advisory ingested into the graph (by id or alias)."""
    out = []
    for row in store.query("get_advisory", {"id": advisory_id}):
        entry = versions.decode_entry(json.loads(row["ranges"] or "{}"))
        p = purls.parse(row["package"])
        ecosystem = str(entry.get("ecosystem") or OSV_ECOSYSTEM.get(p.type, p.type))
        out.append(
            AffectedPackage(
                row["id"],
                row["package"],
                ecosystem,
                entry,
                tuple(row.get("fixed") or ()),
                row.get("summary"),
                tuple(row.get("aliases") or ()),
            )
        )
    return out


def affected_from_spec(text: str) -> list[AffectedPackage]:
    """``PURL@RANGE``: ``pkg:maven/g/a@<2.15.0``, ``@>=2.0,<2.15.0``, ``@<=2.14.1``, ``@2.14.1``,
    ``@2.14.0|2.14.1`` (a list), turned into an OSV-style entry."""
    if "@" not in text.removeprefix("pkg:"):
        raise UsageError(f"{text!r}: expected PURL@RANGE, e.g. pkg:maven/g/a@<2.15.0")
    base, _, spec = text.rpartition("@")
    p = purls.parse_user(base)
    if p.version:
        raise UsageError(f"{text!r}: the range goes after a versionless purl")
    ecosystem = OSV_ECOSYSTEM.get(p.type)
    if ecosystem is None:
        raise UsageError(f"{text!r}: no version ordering known for {p.type} packages")
    spec = spec.strip()
    if not spec:
        raise UsageError(f"{text!r}: empty range")
    entry: dict[str, Any] = {"ranges": [], "versions": []}
    if any(op in spec for op in "<>="):
        introduced, closing = "0", None
        for part in (s.strip() for s in spec.split(",")):
            if part.startswith(">="):
                introduced = part[2:].strip()
            elif part.startswith("<="):
                closing = {"last_affected": part[2:].strip()}
            elif part.startswith("<"):
                closing = {"fixed": part[1:].strip()}
            elif part.startswith(("=", "==")):
                entry["versions"].append(part.lstrip("=").strip())
            else:
                raise UsageError(f"{text!r}: cannot read {part!r} (use >=, <, <= and commas)")
        events: list[dict[str, str]] = [{"introduced": introduced}]
        if closing:
            events.append(closing)
        entry["ranges"].append({"type": "ECOSYSTEM", "events": events})
    else:
        entry["versions"] = [v.strip() for v in spec.split("|") if v.strip()]
    for v in [e for r in entry["ranges"] for ev in r["events"] for e in ev.values()] + entry["versions"]:
        if v != "0" and versions.parse(ecosystem, v) is None:
            raise UsageError(f"{text!r}: {v!r} is not a {ecosystem} version")
    fixed = tuple(ev["fixed"] for r in entry["ranges"] for ev in r["events"] if "fixed" in ev)
    return [AffectedPackage(f"{p.package}@{spec}", p.package, ecosystem, entry, fixed)]


# ----------------------------------------------------------------------------------- analysis


def assess(store: Store, affected: Iterable[AffectedPackage]) -> ExposureReport:
    """Every project that reaches an affected package, with its verdict."""
    affected = list(affected)
    problems: list[str] = []
    by_project: dict[str, ProjectExposure] = {}
    packages: dict[str, set[str]] = {}
    all_links: list[dict[str, Any]] = []
    for target in affected:
        if not versions.is_supported(target.ecosystem):
            problems.append(f"{target.advisory}: {target.package}: versions of {target.ecosystem} cannot be compared")
        result = _assess_package(store, target, all_links)
        for pe in result:
            if pe.verdict in ("exposed", "exposed-test-only", "unknown"):
                packages.setdefault(pe.project, set()).add(target.package)
            prev = by_project.get(pe.project)
            if prev is None or _RANK[pe.verdict] < _RANK[prev.verdict]:
                by_project[pe.project] = pe
    for key, pe in by_project.items():
        pe.packages = sorted(packages.get(key, ()))
    projects = sorted(by_project.values(), key=lambda p: (_RANK[p.verdict], p.depth or 99, p.name, p.project))
    _decorate(store, projects)
    links = sorted({json.dumps(link, sort_keys=True) for link in all_links})
    return ExposureReport(
        advisories=sorted({a.advisory for a in affected}),
        affected=affected,
        projects=projects,
        links=[json.loads(x) for x in links],
        problems=problems,
        untraced=inventory.untraced(store, in_use=bool(projects)),
    )


def _assess_package(store: Store, target: AffectedPackage, all_links: list[dict[str, Any]]) -> list[ProjectExposure]:
    deps: DependentsResult = find_dependents(store, target.package)
    if not deps.found:
        return []
    by_key = {d.project: d for d in deps.dependents}
    evidence: dict[str, list[Evidence]] = {}
    known_versions: set[str] = set()
    for row in store.query("list_resolutions", {"package": target.package}):
        version = str(row["version"])
        known_versions.add(version)
        evidence.setdefault(row["project"], []).append(
            Evidence(
                kind="resolves",
                version=version,
                spec=None,
                scope=row.get("scope"),
                depth=row.get("depth"),
                affected=target.affects(version),
                location=location_text(row.get("file"), row.get("line")),
                chain=[str(c) for c in row.get("chain") or []],
            )
        )
    for row in store.query("list_declarations", {"package": target.package}):
        spec = row.get("range")
        exact = _exact_version(target, spec)
        evidence.setdefault(row["project"], []).append(
            Evidence(
                kind="declares",
                version=exact,
                spec=spec if spec is not None else row.get("unresolved"),
                scope=row.get("scope"),
                depth=1,
                affected=target.affects(exact) if exact else None,
                location=location_text(row.get("file"), row.get("line")),
                version_location=location_text(row.get("version_file"), row.get("version_line")),
                version_property=row.get("version_property"),
                optional=bool(row.get("optional")),
            )
        )
    links = store.query("list_project_links", {"keys": sorted(by_key)})
    graph = nx.DiGraph()
    graph.add_nodes_from(by_key)
    for link in sorted(links, key=_link_order):  # per pair the manifest line beats the lock, then what passes on
        if link["consumer"] in by_key and link["provider"] in by_key:
            excluded = target.package in {_excluded_package(x, target) for x in link.get("exclusions") or []}
            if excluded:
                continue
            pair = (link["consumer"], link["provider"])
            if not graph.has_edge(*pair):
                passes = scopes.passes_on(scopes.ecosystem_of(pair[1]), link.get("scope"), link.get("optional"))
                graph.add_edge(*pair, passes=passes, **{k: link.get(k) for k in ("via", "scope", "file", "line")})
            all_links.append(
                {k: link.get(k) for k in ("consumer", "provider", "package", "via", "scope", "spec", "file", "line")}
            )

    own: dict[str, tuple[str, str]] = {}
    own_export: dict[str, tuple[str, str | None]] = {}  # what a project's own evidence passes on
    ecosystem = scopes.ecosystem_of(target.package)
    for key, items in evidence.items():
        own[key] = _own_verdict(target, items, known_versions)
        passed = [e for e in items if scopes.passes_on(ecosystem, e.scope, e.optional)]
        if passed:
            worst_passed = _worst_evidence(passed)
            own_export[key] = (_own_verdict(target, passed, known_versions)[0], worst_passed and worst_passed.scope)
    inherited, export = _inherit(graph, own, own_export, by_key)
    entries = [
        k for k, items in evidence.items() if k in graph and any(e.kind == "declares" or e.depth == 1 for e in items)
    ]
    to_entry = nx.multi_source_dijkstra_path_length(graph.reverse(copy=False), entries) if entries else {}

    known = followups.known_advisories(store, target.package)
    fixes: dict[tuple[str, ...], tuple[str | None, list[str], str | None]] = {}  # most projects share versions
    out = []
    for key, dep in by_key.items():
        items = evidence.get(key, [])
        verdict, reason = own.get(key) or inherited.get(key, (None, None))[:2]
        if verdict is None:
            verdict, reason = "unknown", "reached only through dependency metadata"
        succ = sorted(graph.successors(key), key=lambda p: (p not in export, to_entry.get(p, 10**6), p))
        succ = [p for p in succ if p in export] or succ  # the libraries that pass the package on
        via = [p for p in succ if to_entry.get(p, 10**6) == to_entry.get(succ[0], 10**6)] if succ else []
        resolved_versions = sorted({e.version for e in items if e.kind == "resolves" and e.version})
        declared_versions = sorted({e.version for e in items if e.kind == "declares" and e.version})
        vs = resolved_versions or declared_versions
        direct = any(e.kind == "declares" or (e.depth == 1) for e in items)
        if direct:
            via = []
        worst = _worst_evidence(items)
        if tuple(vs) not in fixes:
            recommended = _recommended(target, vs)
            fixes[tuple(vs)] = (
                recommended,
                *followups.follow_ups(target.ecosystem, recommended, vs, [target.entry], known),
            )
        recommended, still, clears = fixes[tuple(vs)]
        out.append(
            ProjectExposure(
                project=key,
                name=dep.name,
                repo=dep.repo,
                kind=None,
                ecosystem=None,
                verdict=verdict,
                reason=reason,
                direct=direct,
                depth=(worst.depth if worst and worst.depth else dep.depth),
                scope=(worst.scope if worst else inherited.get(key, (None, None, dep.scope))[2]),
                versions=vs,
                path=[h.key for h in dep.path],
                paths=_first_party_paths(graph, key, own, target, own_export),
                change_at=_change_at(items, graph, key, to_entry, export),
                fixed=list(target.fixed),
                recommended=recommended,
                via=via,
                evidence=sorted(items, key=lambda e: (e.kind, e.location or "", e.version or "")),
                recommended_affected_by=list(still),
                clears_all_known=clears,
            )
        )
    return out


def _own_verdict(target: AffectedPackage, items: list[Evidence], known: set[str]) -> tuple[str, str]:
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
        admits = [e for e in declared if e.version is None and e.spec and _admits(target, e.spec, known)]
        if admits:
            return (
                "declared-range-allows",
                f"declares {admits[0].spec}, which admits affected versions; resolves safe ones",
            )
        return "not-exposed", f"resolves only unaffected {', '.join(sorted({e.version or '' for e in pinned}))}"
    if pinned:
        return "unknown", "a resolved version cannot be compared with the advisory's ranges"
    ranges = [e for e in declared if e.spec]
    if ranges and not any(_admits(target, e.spec or "", known) is not False for e in ranges):
        return "not-exposed", f"declares {ranges[0].spec}, which admits no affected version"
    if ranges:
        return "unknown", f"declares {ranges[0].spec} and nothing says which version resolves"
    return "unknown", "declared without a version that can be resolved statically"


_Reach = tuple[str, str, str | None]  # verdict, reason, scope


def _inherit(
    graph: nx.DiGraph,
    own: dict[str, tuple[str, str]],
    own_export: dict[str, tuple[str, str | None]],
    by_key: dict[str, Any],
) -> tuple[dict[str, _Reach], dict[str, _Reach]]:
    """Verdicts for projects without evidence of their own, from the libraries they consume, and what
    each project passes on to its consumers (``export``).

    A project passes on what its own evidence says in scopes that pass on (:mod:`planner.scopes`), else
    what it gets through its own edges that pass on. A consumer gets a provider's export through an edge
    of any scope, composed with it (a ``test`` edge makes ``exposed`` test-only). Members of a cycle are
    iterated until they agree (verdict ranks only ever get worse, so this ends)."""
    inherited: dict[str, _Reach] = {}
    export: dict[str, _Reach] = {}
    condensed = nx.condensation(graph)
    for comp in reversed(list(nx.topological_sort(condensed))):
        members = sorted(condensed.nodes[comp]["members"])
        for _ in range(len(members) + len(VERDICTS) if len(members) > 1 else 1):  # ranks only get worse
            changed = False
            for key in members:
                got = _best_through(graph, key, export, by_key, only_passing=False)
                if key not in own and got is not None and got != inherited.get(key):
                    inherited[key] = got
                if key in own_export:
                    verdict, scope = own_export[key]
                    out: _Reach | None = (verdict, own[key][1], scope)
                else:
                    out = _best_through(graph, key, export, by_key, only_passing=True)
                if out is not None and out != export.get(key):
                    export[key] = out
                    changed = True
            if not changed:
                break
    return inherited, export


def _best_through(
    graph: nx.DiGraph, key: str, export: dict[str, _Reach], by_key: dict[str, Any], only_passing: bool
) -> _Reach | None:
    """The worst verdict ``key`` gets from its providers' exports (None: none passes anything on)."""
    best: _Reach | None = None
    for provider in sorted(graph.successors(key)):
        edge = graph.edges[key, provider]
        if provider not in export or (only_passing and not edge.get("passes")):
            continue
        verdict, _, inner = export[provider]
        scope = scopes.compose(edge.get("scope"), inner)
        if verdict == "exposed" and scope in NON_RUNTIME_SCOPES:
            verdict = "exposed-test-only"
        name = by_key[provider].name if provider in by_key else provider
        candidate = (verdict, f"through {name} ({verdict})", scope)
        if best is None or _RANK[candidate[0]] < _RANK[best[0]]:
            best = candidate
    return best


def _link_order(link: dict[str, Any]) -> tuple[bool, bool, bool]:
    """Among links of one consumer to one provider: a declaration first (the manifest line beats the
    lock), then one that passes the package on, then a runtime one."""
    provider_ecosystem = scopes.ecosystem_of(str(link.get("provider") or ""))
    return (
        link.get("via") != "declares",
        not scopes.passes_on(provider_ecosystem, link.get("scope"), link.get("optional")),
        (link.get("scope") or "runtime") != "runtime",
    )


def _first_party_paths(
    graph: nx.DiGraph,
    key: str,
    own: dict[str, Any],
    target: AffectedPackage,
    own_export: dict[str, Any] | None = None,
) -> list[list[str]]:
    """The shortest project chain from ``key`` to each project whose own evidence passes the package on,
    through edges that pass it on after ``key``'s own, shortest first, at most ``MAX_PATHS`` of them. One
    breadth-first search (O(projects + links)): enumerating every simple path explodes on a dense
    workspace (babel: over 60 s of CPU for one project)."""
    if key in own:
        return [[key, target.package]]
    full = graph
    passing = nx.subgraph_view(full, filter_edge=lambda u, v: u == key or full.edges[u, v].get("passes", True))
    shortest = nx.single_source_shortest_path(passing, key, cutoff=12)
    sinks = own if own_export is None else own_export
    paths = [[*shortest[sink], target.package] for sink in sinks if sink != key and sink in shortest]
    return sorted(paths, key=lambda p: (len(p), p))[:MAX_PATHS]


def _change_at(
    items: list[Evidence], graph: nx.DiGraph, key: str, to_entry: dict[str, int], export: dict[str, Any]
) -> str | None:
    """The file:line to edit: where an exact declared version is set; else the lockfile line of a
    direct resolution (a range that already admits the fix only needs a relock); else a declared
    range; else the dependency on the internal library that brings the package in."""
    ordered = sorted(items, key=lambda e: (e.location or "", e.version or ""))
    for e in ordered:
        if e.kind == "declares" and e.version:
            return e.version_location or e.location
    for e in ordered:
        if e.kind == "resolves" and e.depth == 1 and e.location:
            return e.location
    for e in ordered:
        if e.kind == "declares":
            return e.version_location or e.location
    links = sorted(
        graph.out_edges(key, data=True),
        key=lambda e: (e[1] not in export, to_entry.get(e[1], 10**6), e[2].get("via") != "declares", e[1]),
    )
    for _, _provider, data in links:
        if data.get("file"):
            return location_text(data.get("file"), data.get("line"))
    return ordered[0].location if ordered else None


def _recommended(target: AffectedPackage, current: list[str]) -> str | None:
    """The version to move to: None when every version in use is already clear (nothing to fix)."""
    if not versions.is_supported(target.ecosystem):
        return target.fixed[0] if target.fixed else None
    needed = [v for v in current if target.affects(v) is not False]
    if current and not needed:
        return None
    fixes = [versions.fix_for(target.ecosystem, v, [target.entry]) for v in needed]
    fixes = [f for f in fixes if f]
    if fixes:
        return versions.sort_versions(target.ecosystem, fixes)[-1]
    return target.fixed[-1] if target.fixed else None


def _worst_evidence(items: list[Evidence]) -> Evidence | None:
    bad = [e for e in items if e.affected]
    pool = bad or items
    if not pool:
        return None
    return sorted(pool, key=lambda e: ((e.scope or "runtime") in NON_RUNTIME_SCOPES, e.depth or 99))[0]


def _exact_version(target: AffectedPackage, spec: str | None) -> str | None:
    """A declared requirement that names one version (Maven/Gradle soft versions, npm exact pins,
    ``==x`` in Python, Go's minimum version), else None."""
    if not spec:
        return None
    s = spec.strip()
    ptype = purls.parse(target.package).type
    if ptype == "pypi":
        s = s.removeprefix("===").removeprefix("==") if s.startswith("==") and "," not in s else s
    if ptype == "npm":
        s = s.removeprefix("=")
    if ptype == "cargo":
        s = s.removeprefix("=") if s.startswith("=") else ""
    if not s or any(c in s for c in "^~<>*|[](), "):
        return None
    return s if versions.parse(target.ecosystem, s) is not None else None


def _admits(target: AffectedPackage, spec: str, known: set[str]) -> bool | None:
    """Whether a declared range admits some affected version, probing the versions the graph knows,
    the advisory's boundary versions and the range's own lower bounds; None when the range cannot
    be read."""
    from univers.version_range import RANGE_CLASS_BY_SCHEMES

    ptype = purls.parse(target.package).type
    scheme = _RANGE_SCHEME.get(ptype)
    if scheme is None:
        return None
    native = spec.strip()
    if ptype == "cargo" and native and native[0].isdigit():
        native = "^" + native
    try:
        rng = RANGE_CLASS_BY_SCHEMES[scheme].from_native(native.replace(", ", " ") if ptype == "cargo" else native)
        make = rng.version_class
    except Exception:  # univers raises many kinds of errors on unreadable ranges
        return None
    probes = set(known)
    for r in target.entry.get("ranges") or []:
        for ev in r.get("events") or []:
            probes.update(v for k, v in ev.items() if k in ("introduced", "last_affected") and v != "0")
    probes.update(target.entry.get("versions") or [])
    probes.update(str(c.version) for c in getattr(rng, "constraints", ()) if c.comparator in (">=", "="))
    for v in sorted(probes):
        if not target.affects(v):
            continue
        try:
            if make(v) in rng:
                return True
        except Exception:  # a probe that this scheme cannot read
            continue
    return False


def _excluded_package(exclusion: str, target: AffectedPackage) -> str | None:
    group, _, artifact = exclusion.partition(":")
    p = purls.parse(target.package)
    if (group in ("*", p.namespace)) and (artifact in ("*", p.name)):
        return target.package
    return None


def _decorate(store: Store, projects: list[ProjectExposure]) -> None:
    keys = sorted({p.project for p in projects})
    if not keys:
        return
    info = {r["key"]: r for r in store.query("get_projects", {"keys": keys})}
    services: dict[str, list[dict[str, Any]]] = {}
    for row in store.query("list_project_deployments", {"keys": keys}):
        service = {k: row.get(k) for k in ("service", "name", "environment", "image", "origin")}
        service["environment"] = environments.normalise(service["environment"])
        services.setdefault(row["project"], []).append(service)
    owners: dict[str, dict[str, list[str]]] = {}
    for row in store.query("list_project_owners", {"keys": keys}):
        owners.setdefault(row["project"], {}).setdefault(row["via"], []).append(row["owner"])
    for p in projects:
        meta = info.get(p.project, {})
        p.kind = meta.get("kind")
        p.ecosystem = meta.get("ecosystem")
        p.repo = p.repo or meta.get("repo")
        p.services = services.get(p.project, [])
        by = owners.get(p.project, {})
        p.owners = sorted(set(by.get("project") or by.get("repo") or []))
