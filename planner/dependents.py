""" "What depends on X?": a breadth-first reverse walk over the dependency edges of the graph.

Dependency direction is uniform in the graph, so the walk only ever follows relationships
backwards: ``Project -DECLARES-> Package``, ``Project -RESOLVES-> Version -VERSION_OF-> Package``,
``Version -DEPENDS_ON-> Package``, ``Package -PUBLISHED_BY-> Project`` (how a consumer of an
internal library reaches what that library's project depends on) and ``Project -USES_PROJECT->
Project`` (workspace and path links). One catalog
query per step (``list_direct_dependents``); breadth-first order gives every project its
shortest path, and ties are broken by key so the answer is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner import purl as purls
from planner.errors import UsageError
from planner.model import location_text
from planner.store.base import Store

SCHEMA = "depwave.dependents/1"
_REL_ORDER = {"DECLARES": 0, "RESOLVES": 1, "USES_PROJECT": 2, "DEPENDS_ON": 3, "VERSION_OF": 4, "PUBLISHED_BY": 5}


@dataclass(frozen=True, slots=True)
class Hop:
    """One node on a path from a dependent project to the target."""

    key: str
    kind: str  # project | package | version


@dataclass(slots=True)
class Dependent:
    """A project that reaches the target."""

    project: str
    name: str
    repo: str | None
    direct: bool
    relation: str  # declares | resolves | via-library | via-metadata
    scope: str | None
    depth: int  # dependency edges from the project to the target
    location: str | None  # file:line of the project's own edge on the path
    declared: str | None  # the range the project declares for the target itself, if it does
    versions: list[str] = field(default_factory=list)  # versions of the target this project resolves
    path: list[Hop] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (schema ``depwave.dependents/1``)."""
        return {
            "project": self.project,
            "name": self.name,
            "repo": self.repo,
            "direct": self.direct,
            "relation": self.relation,
            "scope": self.scope,
            "depth": self.depth,
            "location": self.location,
            "declared": self.declared,
            "versions": self.versions,
            "path": [{"key": h.key, "kind": h.kind} for h in self.path],
        }


@dataclass(slots=True)
class DependentsResult:
    """The answer to "what depends on X"."""

    target: str
    found: bool
    dependents: list[Dependent]

    def as_dict(self) -> dict[str, Any]:
        """JSON form (schema ``depwave.dependents/1``)."""
        return {
            "schema": SCHEMA,
            "target": self.target,
            "found": self.found,
            "count": len(self.dependents),
            "dependents": [d.as_dict() for d in self.dependents],
        }


@dataclass(slots=True)
class _Link:
    toward: str  # the next node key toward the target
    rel: str
    props: dict[str, Any]
    label: str
    name: str | None


def find_dependents(store: Store, target: str, max_projects: int | None = None) -> DependentsResult:
    """Every project that reaches ``target`` (a versionless or versioned purl).

    ``max_projects`` limits how many projects a chain may pass through (1: only projects that
    use the target themselves; None: no limit).
    """
    p = purls.parse_user(target)
    key = p.key
    if max_projects is not None and max_projects < 1:
        raise UsageError("--depth must be at least 1")
    if not store.query("get_package", {"key": key}):
        return DependentsResult(key, False, [])
    target_versions: set[str] = {key} if p.version else set()
    links: dict[str, _Link] = {}
    projects_on_chain: dict[str, int] = {key: 0}
    resolved: dict[str, set[str]] = {}
    frontier = [key]
    order: list[str] = []
    walked_repos: dict[str, str | None] = {}
    while frontier:
        rows = store.query("list_direct_dependents", {"keys": frontier, "targets": sorted(target_versions)})
        rows.sort(key=lambda r: _row_order(r, target_versions))
        nxt: list[str] = []
        for row in rows:
            dep, tgt, rel = row["dependent"], row["target"], row["rel"]
            if rel == "VERSION_OF" and tgt == key:
                target_versions.add(dep)
            if rel == "RESOLVES" and row.get("hits"):
                resolved.setdefault(dep, set()).update(purls.parse(h).version or "" for h in row["hits"])
            if dep in links or dep == key:
                continue
            hops = projects_on_chain[tgt] + (1 if row["label"] == "Project" else 0)
            props = {k: row[k] for k in _DETAILS if row.get(k) is not None}  # RESOLVES rows carry them
            links[dep] = _Link(tgt, rel, props, row["label"], row.get("name"))
            projects_on_chain[dep] = hops
            if row["label"] == "Project":
                order.append(dep)
                walked_repos[dep] = row.get("repo")
                if max_projects is not None and hops >= max_projects:
                    continue
            nxt.append(dep)
        frontier = sorted(set(nxt))
    repos = _link_details(store, order, links)
    repos.update({k: v for k, v in walked_repos.items() if k not in repos})
    dependents = [_dependent(proj, key, links, resolved) for proj in order]
    missing = [d.project for d in dependents if d.project not in repos]
    if missing:
        repos.update({r["key"]: r.get("repo") for r in store.query("get_projects", {"keys": missing})})
    for d in dependents:
        d.repo = repos.get(d.project)
    dependents.sort(key=lambda d: (d.depth, d.project))
    return DependentsResult(key, True, dependents)


#: the link properties a dependent's answer shows (only a project's own first link has any)
_DETAILS = ("scope", "file", "line", "range", "depth", "chain")


def _link_details(store: Store, projects: list[str], links: dict[str, _Link]) -> dict[str, str | None]:
    """Fetch scope, location, range, depth and chain of each project's chosen link in one query;
    returns each project's repository, which comes along.

    When several sources state the same link, the shallowest (then the first source by key) wins.
    """
    wanted = [[p, links[p].rel, links[p].toward] for p in projects if links[p].rel in _DETAILED_RELS]
    repos: dict[str, str | None] = {}
    if not wanted:
        return repos
    best: dict[str, dict[str, Any]] = {}
    for row in store.query("list_dependent_links", {"links": wanted}):
        repos[row["project"]] = row.get("repo")
        link = links.get(row["project"])
        if link is None or link.rel != row["rel"] or link.toward != row["target"]:
            continue
        prev = best.get(row["project"])
        if prev is None or _detail_order(row) < _detail_order(prev):
            best[row["project"]] = row
    for project, row in best.items():
        links[project].props = {k: row[k] for k in _DETAILS if row.get(k) is not None}
    return repos


_DETAILED_RELS = frozenset({"DECLARES", "USES_PROJECT"})  # RESOLVES rows of the walk carry their details


def _detail_order(row: dict[str, Any]) -> tuple[int, str]:
    depth = row.get("depth")
    return (depth if isinstance(depth, int) else 10**6, str(row.get("source") or ""))


def _row_order(row: dict[str, Any], target_versions: set[str]) -> tuple[str, int, int, int, str]:
    """Per dependent: declarations first, then resolutions of the target itself, shallowest first."""
    depth = row.get("depth")
    return (
        row["dependent"],
        _REL_ORDER.get(row["rel"], 9),
        0 if row["target"] in target_versions else 1,
        depth if isinstance(depth, int) else 10**6,
        row["target"],
    )


def _dependent(project: str, target: str, links: dict[str, _Link], resolved: dict[str, set[str]]) -> Dependent:
    first = links[project]
    kinds = {"Project": "project", "Package": "package", "Version": "version"}
    path: list[Hop] = [Hop(project, "project")]
    relations: list[str] = []
    depth = 0
    node = project
    while node != target:
        link = links[node]
        relations.append(link.rel)
        nxt = link.toward
        if link.rel == "RESOLVES":
            depth += int(link.props.get("depth") or 1)
            path.extend(Hop(str(c), "version") for c in (link.props.get("chain") or [])[:-1])
        elif link.rel in ("DECLARES", "DEPENDS_ON", "USES_PROJECT"):
            depth += 1
        if link.rel != "VERSION_OF":  # a version already names its package
            kind = kinds[links[nxt].label] if nxt in links else ("version" if "@" in nxt else "package")
            path.append(Hop(nxt, kind))
        node = nxt
    if first.rel == "DECLARES" and first.toward == target:
        relation = "declares"
    elif first.rel == "RESOLVES" and len(relations) <= 2 and "PUBLISHED_BY" not in relations:
        relation = "resolves"
    elif "PUBLISHED_BY" in relations or "USES_PROJECT" in relations:
        relation = "via-library"
    else:
        relation = "via-metadata"
    location = location_text(first.props.get("file"), first.props.get("line"))
    declared = first.props.get("range") if relation == "declares" else None
    return Dependent(
        project=project,
        name=first.name or project,
        repo=None,
        direct=relation == "declares" or (relation == "resolves" and depth == 1),
        relation=relation,
        scope=first.props.get("scope"),
        depth=max(depth, 1),
        location=location,
        declared=declared,
        versions=sorted(resolved.get(project, ())),
        path=path,
    )
