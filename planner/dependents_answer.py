"""The answer of ``depwave dependents`` from its walk's links: one :class:`Dependent` per project, with
its relation, depth, location and path (:mod:`planner.dependents` walks; this module only reads the links).

Every project's path is its own first edge, then the edges that pass the target on from the node it
points at. Many projects point at the same node (a version of the target, an internal library), so the
rest of the path from each node is built once (:func:`_tail`): on slf4j-api at 1M edges, 9,992 answers
share a few thousand tails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from planner import scopes
from planner.locations import location_text
from planner.store.base import Store

SCHEMA = "depwave.dependents/1"


class Hop(NamedTuple):
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
class Link:
    """The edge by which the walk first reached a node (or, in ``through``, the first that passes the
    target on)."""

    toward: str  # the next node key toward the target
    rel: str
    props: dict[str, Any]
    label: str
    name: str | None


#: the link properties a dependent's answer shows (only a project's own first link has any)
DETAILS = ("scope", "file", "line", "range", "depth", "chain")
_DETAILED_RELS = frozenset({"DECLARES", "USES_PROJECT"})  # RESOLVES rows of the walk carry their details
_KINDS = {"Project": "project", "Package": "package", "Version": "version"}


def link_details(store: Store, projects: list[str], links: dict[str, Link]) -> dict[str, str | None]:
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
        links[project].props = {k: row[k] for k in DETAILS if row.get(k) is not None}
    return repos


def _detail_order(row: dict[str, Any]) -> tuple[int, bool, bool, str]:
    """Shallowest first, then an edge that passes the target on, then a runtime one, then by source."""
    depth = row.get("depth")
    scope = row.get("scope")
    return (
        depth if isinstance(depth, int) else 10**6,
        not scopes.passes_on(scopes.ecosystem_of(str(row["target"])), scope),
        (scope or "runtime") != "runtime",
        str(row.get("source") or ""),
    )


def attach_repos(
    store: Store, dependents: list[Dependent], repos: dict[str, str | None], walked_repos: dict[str, str | None]
) -> None:
    """Set each dependent's repository: from its link details (``repos``), else the walk's row, else one
    query for the rest."""
    repos.update({k: v for k, v in walked_repos.items() if k not in repos})
    missing = [d.project for d in dependents if d.project not in repos]
    if missing:
        repos.update({r["key"]: r.get("repo") for r in store.query("get_projects", {"keys": missing})})
    for d in dependents:
        d.repo = repos.get(d.project)


class _Tail(NamedTuple):
    """The path from a node to the target, the node itself left out: its hops, the relationships on it,
    its dependency edges and whether it goes through an internal library."""

    hops: tuple[Hop, ...]
    rels: tuple[str, ...]
    depth: int
    via_library: bool


_END = _Tail((), (), 0, False)


def answers(
    projects: list[str],
    target: str,
    links: dict[str, Link],
    through: dict[str, Link],
    resolved: dict[str, set[str]],
) -> list[Dependent]:
    """The answer for each project, in the order given."""
    paths = _Paths(links, through, {target: _END}, {}, {})
    return [_dependent(p, target, paths, resolved) for p in projects]


class _Paths(NamedTuple):
    """What the answers share: the walk's links, each node's tail, and each node's hop (one object per
    node and kind: paths hold tens of thousands, the same few thousand nodes)."""

    links: dict[str, Link]
    through: dict[str, Link]
    tails: dict[str, _Tail]
    hops: dict[str, Hop]  # a node the walk reached, of the kind its label says
    chain_hops: dict[str, Hop]  # a version named by a resolution's chain


def _dependent(project: str, target: str, paths: _Paths, resolved: dict[str, set[str]]) -> Dependent:
    """The answer for one project: its own first edge, then the edges that pass the target on."""
    first = paths.links[project]
    rel, nxt, props = first.rel, first.toward, first.props
    tail = paths.tails.get(nxt) or _tail(nxt, paths)
    own, depth = _hops(first, paths)
    depth += tail.depth
    if rel == "DECLARES" and nxt == target:
        relation = "declares"
    elif rel == "USES_PROJECT" and tail.rels == ("PUBLISHES",) and props.get("range") != "workspace-member":
        relation = "declares"  # a link to the package's own project, with the range as written
    elif rel == "RESOLVES" and len(tail.rels) <= 1 and "PUBLISHED_BY" not in tail.rels:
        relation = "resolves"
    elif tail.via_library or rel in _LIBRARY_RELS:
        relation = "via-library"
    else:
        relation = "via-metadata"
    versions = resolved.get(project)
    return Dependent(
        project,
        first.name or project,
        None,
        relation == "declares" or (relation == "resolves" and depth == 1),
        relation,
        props.get("scope"),
        max(depth, 1),
        location_text(props.get("file"), props.get("line")),
        props.get("range") if relation == "declares" else None,
        sorted(versions) if versions else [],
        [Hop(project, "project"), *own, *tail.hops],
    )


_LIBRARY_RELS = frozenset({"PUBLISHED_BY", "USES_PROJECT"})


def _tail(node: str, paths: _Paths) -> _Tail:
    """The path from ``node`` on (built once per node: ``paths.tails`` keeps each, the target's is empty).

    A node after the project's own edge goes on by the edge that passes the target on (``through``)."""
    tails, through, links = paths.tails, paths.through, paths.links
    stack: list[tuple[str, Link]] = []
    while node not in tails:
        link = through.get(node) or links[node]
        stack.append((node, link))
        node = link.toward
    tail = tails[node]
    for key, link in reversed(stack):
        hops, depth = _hops(link, paths)
        library = tail.via_library or link.rel in _LIBRARY_RELS
        tail = _Tail((*hops, *tail.hops), (link.rel, *tail.rels), depth + tail.depth, library)
        tails[key] = tail
    return tail


def _hops(link: Link, paths: _Paths) -> tuple[tuple[Hop, ...], int]:
    """The hops one edge adds to a path (the node it points at, and a resolution's chain before it) and
    the dependency edges it counts."""
    rel, nxt = link.rel, link.toward
    if rel == "VERSION_OF":  # a version already names its package
        return (), 0
    if rel == "PUBLISHES":  # the publisher is the target's own project: no dependency edge
        return (Hop(nxt, "version" if "@" in nxt else "package"),), 0
    hop = paths.hops.get(nxt)
    if hop is None:
        toward = paths.links.get(nxt)
        kind = _KINDS[toward.label] if toward is not None else ("version" if "@" in nxt else "package")
        hop = paths.hops[nxt] = Hop(nxt, kind)
    if rel == "RESOLVES":
        chain = link.props.get("chain")
        depth = int(link.props.get("depth") or 1)
        if chain and len(chain) > 1:
            return (*_chain_hops(chain, paths.chain_hops), hop), depth
        return (hop,), depth
    return (hop,), 1 if rel in ("DECLARES", "DEPENDS_ON", "USES_PROJECT") else 0


def _chain_hops(chain: list[Any], known: dict[str, Hop]) -> list[Hop]:
    """The versions a resolution's chain passes before the one resolved."""
    out = []
    for c in chain[:-1]:
        key = str(c)
        hop = known.get(key)
        if hop is None:
            hop = known[key] = Hop(key, "version")
        out.append(hop)
    return out
