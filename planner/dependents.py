""" "What depends on X?": a breadth-first reverse walk over the dependency edges of the graph.

Dependency direction is uniform in the graph, so the walk only ever follows relationships
backwards: ``Project -DECLARES-> Package``, ``Project -RESOLVES-> Version -VERSION_OF-> Package``,
``Version -DEPENDS_ON-> Package``, ``Package -PUBLISHED_BY-> Project`` (how a consumer of an
internal library reaches what that library's project depends on) and ``Project -USES_PROJECT->
Project`` (workspace and path links). One catalog
query per kind of node per step (``list_package_dependents``, ``list_project_dependents``,
``list_version_resolvers``/``list_version_resolutions``); breadth-first order gives every project its
shortest path, and ties are broken by key so the answer is deterministic. Once at most 64 projects are
left unreached, each step keeps to the nodes that can lead to them, and the walk stops when none is left
(:mod:`planner.unreached`: the same answer, without re-asking who points at thousands of nodes already
placed). The answers are built from the walk's links in :mod:`planner.dependents_answer`.

Scopes (:mod:`planner.scopes`): every project whose own edge points at the chain is a dependent, whatever
its scope, but the walk only goes on from it when that edge passes the package on to consumers (a Maven
``test``, ``provided`` or ``<optional>`` dependency, an npm ``devDependency`` does not). A project first
reached through an edge that does not pass is still walked on when another of its edges does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner import purl as purls
from planner import scopes, unreached
from planner.dependents_answer import (
    DETAILS,
    Dependent,
    DependentsResult,
    Hop,
    Link,
    answers,
    attach_repos,
    link_details,
)
from planner.errors import UsageError
from planner.gc_pause import gc_paused
from planner.store.base import Store

__all__ = ["Dependent", "DependentsResult", "Hop", "find_dependents"]

_REL_ORDER = {"DECLARES": 0, "RESOLVES": 1, "USES_PROJECT": 2, "DEPENDS_ON": 3, "VERSION_OF": 4, "PUBLISHED_BY": 5}


def find_dependents(
    store: Store, target: str, max_projects: int | None = None, through_publishers: bool = False
) -> DependentsResult:
    """Every project that reaches ``target`` (a versionless or versioned purl).

    ``max_projects`` limits how many projects a chain may pass through (1: only projects that
    use the target themselves; None: no limit). ``through_publishers``: an internal package also
    reaches the projects that use its publishing project through workspace or path links (what
    ``depwave dependents`` answers; exposure, which needs a resolved version for each dependent,
    keeps to registry edges).
    """
    p = purls.parse_user(target)
    if max_projects is not None and max_projects < 1:
        raise UsageError("--depth must be at least 1")
    with gc_paused():  # tens of thousands of small rows and links (planner/gc_pause.py)
        return _find(store, p, max_projects, through_publishers)  # the walk is freed before collection resumes


def _find(store: Store, target: purls.Purl, max_projects: int | None, through_publishers: bool) -> DependentsResult:
    key = target.key
    walk = _walk(store, target, max_projects, through_publishers)
    if not walk.links and not store.query("get_package", {"key": key}):
        return DependentsResult(key, False, [])
    repos = link_details(store, walk.order, walk.links)  # fills in the details the answers show
    dependents = answers(walk.order, key, walk.links, walk.through, walk.resolved)
    attach_repos(store, dependents, repos, walk.walked_repos)
    dependents.sort(key=lambda d: (d.depth, d.project))
    return DependentsResult(key, True, dependents)


@dataclass(slots=True)
class _Walk:
    """What the reverse walk has found so far (one walk, filled in by :func:`_walk` and :func:`_take`)."""

    key: str  # the target's key
    target_versions: set[str]  # the target's version nodes met so far
    label_of: dict[str, str]
    projects_on_chain: dict[str, int]
    max_projects: int | None
    links: dict[str, Link] = field(default_factory=dict)  # every node reached → its first edge
    resolved: dict[str, set[str]] = field(default_factory=dict)  # resolver → target versions it resolves
    order: list[str] = field(default_factory=list)  # projects in the order they were reached
    publishers: int = 0  # projects linked at the start that are not dependents (``through_publishers``)
    walked_repos: dict[str, str | None] = field(default_factory=dict)
    prefetched: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # package → its dependents
    stopped: set[str] = field(default_factory=set)  # reached, but only through edges that do not pass the target on
    through: dict[str, Link] = field(default_factory=dict)  # for those walked on later: the edge that does
    unreached: unreached.Unreached = field(default_factory=unreached.Unreached)  # planner/unreached.py


def _walk(store: Store, target: purls.Purl, max_projects: int | None, through_publishers: bool) -> _Walk:
    """The breadth-first reverse walk from ``target``: one :func:`_step` per frontier, rows taken in
    :func:`_row_order`, the next frontier sorted by key; it stops early when every project is placed
    (:mod:`planner.unreached`)."""
    key = target.key
    walk = _Walk(
        key=key,
        target_versions={key} if target.version else set(),
        label_of={key: "Version" if target.version else "Package"},
        projects_on_chain={key: 0},
        max_projects=max_projects,
    )
    frontier = [key]
    if through_publishers:
        frontier += _publishers(store, target, walk)
    while frontier:
        frontier = _take_all(walk, _step(store, walk, frontier))
        if unreached.all_placed(walk.unreached, walk.links):
            break  # the steps left could place nobody (every answer is fixed when its project is placed)
    return walk


def _take_all(walk: _Walk, rows: list[dict[str, Any]]) -> list[str]:
    """Take one step's rows, each dependent's in :func:`_row_order`; the next frontier, sorted."""
    by_dependent: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        dep = row["dependent"]
        group = by_dependent.get(dep)
        if group is None:
            by_dependent[dep] = [row]
        else:
            group.append(row)
    target_versions = frozenset(walk.target_versions)  # as the step began (taking rows may add some)
    frontier = []
    for dep in sorted(by_dependent):
        group = by_dependent[dep]
        if len(group) > 1:
            group.sort(key=lambda r: _row_order(r, target_versions))
        if any([_take(walk, row) for row in group]):  # every row is taken (a later one may pass the target on)
            frontier.append(dep)
    return frontier


def _take(walk: _Walk, row: dict[str, Any]) -> bool:
    """Record one edge of the walk; True when its dependent goes on to the next frontier."""
    dep, tgt, rel = row["dependent"], row["target"], row["rel"]
    if rel == "VERSION_OF" and tgt == walk.key:
        walk.target_versions.add(dep)
    if dep == walk.key or (dep in walk.links and dep not in walk.stopped):
        return False
    label = row["label"]
    hops = walk.projects_on_chain[tgt] + (1 if label == "Project" else 0)
    props = row.get("props")  # made by _walk_row
    if props is None:
        props = {k: v for k in DETAILS if (v := row.get(k)) is not None}
    link = Link(tgt, rel, props, label, row.get("name"))
    passes = scopes.passes_on(scopes.ecosystem_of(tgt), row.get("scope"))
    if dep in walk.stopped:  # a second edge of a project already listed: does this one pass it on?
        if not passes:
            return False
        walk.stopped.discard(dep)
        walk.through[dep] = link
    else:
        walk.links[dep] = link
        walk.label_of[dep] = label
        if label == "Project":
            walk.order.append(dep)
            walk.walked_repos[dep] = row.get("repo")
        if not passes:
            walk.stopped.add(dep)
            return False
    walk.projects_on_chain[dep] = hops
    return not (label == "Project" and walk.max_projects is not None and hops >= walk.max_projects)


def _publishers(store: Store, target: purls.Purl, walk: _Walk) -> list[str]:
    """The projects that publish the target (of that version, when one is asked): an internal package
    that workspace members use through links (``USES_PROJECT``) rather than as a registry package.
    They start the walk beside the target without being dependents themselves."""
    out = []
    for row in store.query("list_package_publishers", {"keys": [target.package]}):
        own = purls.parse(row["purl"]).version if row.get("purl") else None
        if target.version and own and own != target.version:
            continue
        walk.links[row["project"]] = Link(target.key, "PUBLISHES", {}, "Project", row.get("name"))
        walk.label_of[row["project"]] = "Project"
        walk.projects_on_chain[row["project"]] = 0
        walk.publishers += 1
        out.append(row["project"])
    return out


def _step(store: Store, walk: _Walk, frontier: list[str]) -> list[dict[str, Any]]:
    """One breadth-first step: what points at each node of the frontier, one query per kind of node.

    A project's step goes through the packages it publishes at once: the packages are this step's
    rows, what points at them is kept in ``prefetched`` and becomes the next step's rows, so the
    breadth-first order (and every shortest path) is the same as one relationship per step.

    The resolvers of the target's own versions are asked first; then, when few projects are left
    unreached, the rest of the frontier is narrowed to what can lead to them (:mod:`planner.unreached`)."""
    label_of = walk.label_of
    settled = {k: v for k, v in walk.links.items() if k not in walk.stopped} if walk.stopped else walk.links
    versions = [k for k in frontier if label_of.get(k) == "Version"]
    first = [v for v in versions if v in walk.target_versions]
    found = _best_resolutions(store, walk, first, None, settled) if first else []
    taken = {r["dependent"] for r in found}
    _narrow(store, walk, taken)
    frontier = unreached.keep(walk.unreached, frontier)
    rows: list[dict[str, Any]] = []
    packages, projects = [], []
    for k in frontier:
        label = label_of.get(k)
        if label == "Package":
            if k in walk.prefetched:
                rows += walk.prefetched.pop(k)
            else:
                packages.append(k)
        elif label == "Project":
            projects.append(k)
    if packages:
        rows += store.query("list_package_dependents", {"keys": packages})
    if projects:
        rows += _project_rows(store, projects, walk.prefetched)
    rest = [v for v in unreached.keep(walk.unreached, versions) if v not in walk.target_versions]
    return rows + found + (_resolution_rows(store, walk, rest, settled, taken) if rest else [])


def _narrow(store: Store, walk: _Walk, taken: set[str]) -> None:
    """Count the projects of the graph (once, when the walk has placed some) and, when few are left
    unreached, list them and what can lead to them (:func:`planner.unreached.narrow`)."""
    links = walk.links
    placed = len(walk.order) + walk.publishers + sum(1 for t in taken if t not in links)
    if placed:
        unreached.narrow(store, walk.unreached, (links.keys(), taken), placed)


def _project_rows(
    store: Store, projects: list[str], prefetched: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """What points at some projects: workspace and path links, and the packages they publish (their own
    dependents kept in ``prefetched`` for the next step)."""
    rows = []
    for row in store.query("list_project_dependents", {"keys": projects}):
        via = row.pop("via")
        if via is None:
            rows.append(row)
            continue
        publish = {"target": row["target"], "dependent": via, "label": "Package", "name": None, "repo": None}
        rows.append({**publish, "rel": "PUBLISHED_BY"})
        prefetched.setdefault(via, []).append({**row, "target": via})
    return rows


#: up to this many projects, list_version_resolutions filters on the server (``IN`` costs a list scan per row there)
_FILTER_MAX = 64


def _resolution_rows(
    store: Store, walk: _Walk, rest: list[str], settled: Mapping[str, Link], taken: set[str]
) -> list[dict[str, Any]]:
    """One RESOLVES row per project not linked yet (nor ``taken`` by a version of the target in this
    step): its best resolution among ``rest`` (the shallowest, then by key and source).

    The target's own versions were asked first (for every resolver: their hits are wanted); these only
    for the resolvers still unlinked, so projects reached again — a service resolving both the target
    and the internal library that brings it in — cost no detail rows."""
    target = walk.key
    resolvers = store.query("list_version_resolvers", {"keys": rest})
    new = sorted(d for r in resolvers if (d := r["project"]) not in settled and d != target and d not in taken)
    if len(new) > _FILTER_MAX:  # many rows, few of them wanted: choose on keys, then ask those details
        return _chosen_resolutions(store, rest, set(new), walk.target_versions)
    if new:
        skip = settled | dict.fromkeys(taken)
        return _best_resolutions(store, walk, rest, new, skip)
    return []


def _chosen_resolutions(
    store: Store, versions: list[str], wanted: set[str], target_versions: set[str]
) -> list[dict[str, Any]]:
    """:func:`_best_resolutions` for the ``wanted`` projects among every resolver of ``versions`` (none
    of them the target's), choosing on keys, depth and source, then one details query for the chosen
    edges: on slf4j-api's walk (1M edges) 21,389 rows of keys and 530 of details instead of 21,389 full rows."""
    best: dict[str, dict[str, Any]] = {}
    for row in store.query("list_version_resolution_keys", {"keys": versions}):
        dep = row["project"]
        if dep in wanted and (
            dep not in best or _resolution_order(row, target_versions) < _resolution_order(best[dep], target_versions)
        ):
            best[dep] = row
    wanted_edges = [[dep, "RESOLVES", row["version"]] for dep, row in sorted(best.items())]
    details = {}
    for row in store.query("list_dependent_links", {"links": wanted_edges}) if wanted_edges else ():
        chosen = best.get(row["project"])
        if chosen and row["target"] == chosen["version"] and row.get("source") == chosen.get("source"):
            details[row["project"]] = row
    return [_walk_row(dep, row["target"], row) for dep, row in details.items()]


def _best_resolutions(
    store: Store, walk: _Walk, versions: list[str], projects: list[str] | None, skip: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Each project's best resolution among ``versions`` (a version of the target first, then the
    shallowest, then by key and source), projects in ``skip`` left out; in ``walk.resolved``, which
    versions of the target each resolver resolves."""
    target, target_versions, resolved = walk.key, walk.target_versions, walk.resolved
    best: dict[str, dict[str, Any]] = {}
    version_of: dict[str, str] = {}  # a target version's key -> its version (parsed once)
    for row in store.query("list_version_resolutions", {"keys": versions, "projects": projects}):
        dep, version = row["project"], row["version"]
        if version in target_versions:
            number = version_of.get(version)
            if number is None:
                number = version_of[version] = purls.parse(version).version or ""
            hits = resolved.get(dep)
            if hits is None:
                resolved[dep] = {number}
            else:
                hits.add(number)
        if dep in skip or dep == target:
            continue
        prev = best.get(dep)
        if prev is None or _resolution_order(row, target_versions) < _resolution_order(prev, target_versions):
            best[dep] = row
    return [_walk_row(dep, row["version"], row) for dep, row in best.items()]


def _walk_row(dep: str, version: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A project's chosen resolution as a row of the walk, with the details its answer shows (``props``:
    the link's properties, made here once)."""
    return {
        "target": version,
        "dependent": dep,
        "label": "Project",
        "name": row.get("name"),
        "repo": row.get("repo"),
        "rel": "RESOLVES",
        "depth": row.get("depth"),
        "scope": row.get("scope"),
        "props": {k: v for k in _RESOLUTION_DETAILS if (v := row.get(k)) is not None},
    }


_RESOLUTION_DETAILS = ("scope", "file", "line", "depth", "chain")  # DETAILS a resolution has, in its order


def _resolution_order(row: Mapping[str, Any], target_versions: set[str]) -> tuple[int, int, str, str]:
    depth = row.get("depth")
    return (
        0 if row["version"] in target_versions else 1,
        depth if isinstance(depth, int) else 10**6,
        str(row["version"]),
        str(row.get("source") or ""),
    )


def _row_order(row: dict[str, Any], target_versions: set[str]) -> tuple[str, int, int, bool, int, str]:
    """Per dependent: declarations first, then resolutions of the target itself, an edge that passes the
    target on before one that does not, shallowest first."""
    depth = row.get("depth")
    return (
        row["dependent"],
        _REL_ORDER.get(row["rel"], 9),
        0 if row["target"] in target_versions else 1,
        not scopes.passes_on(scopes.ecosystem_of(str(row["target"])), row.get("scope")),
        depth if isinstance(depth, int) else 10**6,
        row["target"],
    )
