"""The first-party project graph one affected package travels through: consumer -> provider edges among
the projects that reach it, the shortest chains shown to a responder, and how far each project is from
one that brings the package in directly. Pure functions over :mod:`planner.exposure.facts`."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from planner import purl as purls
from planner import scopes
from planner.digraph import Digraph, distances_to, shortest_paths
from planner.exposure.facts import ProjectLink

MAX_PATHS = 20
#: distance of a project that no entry point reaches
FAR = 10**6


def project_graph(package: str, projects: Iterable[str], links: Iterable[ProjectLink]) -> Digraph:
    """One edge per consumer -> provider pair among ``projects`` (the links that exclude ``package`` left
    out), keeping per pair the link that :func:`link_order` puts first. Edge attributes: ``passes``
    (whether the edge carries the package on to the consumer's consumers), ``via``, ``scope``, ``file``,
    ``line``."""
    graph = Digraph()
    graph.add_nodes_from(projects)
    for link in followed_links(package, graph, links):
        pair = (link.consumer, link.provider)
        if not graph.has_edge(*pair):
            passes = scopes.passes_on(scopes.ecosystem_of(link.provider), link.scope, link.optional)
            graph.add_edge(*pair, passes=passes, via=link.via, scope=link.scope, file=link.file, line=link.line)
    return graph


def followed_links(package: str, projects: Collection[str], links: Iterable[ProjectLink]) -> list[ProjectLink]:
    """The links between two of ``projects`` that do not exclude ``package``, in :func:`link_order`."""
    return [
        link
        for link in sorted(links, key=link_order)
        if link.consumer in projects
        and link.provider in projects
        and not any(excludes(x, package) for x in link.exclusions)
    ]


def link_order(link: ProjectLink) -> tuple[bool, bool, bool]:
    """Among links of one consumer to one provider: a declaration first (the manifest line beats the
    lock), then one that passes the package on, then a runtime one."""
    provider_ecosystem = scopes.ecosystem_of(link.provider or "")
    return (
        link.via != "declares",
        not scopes.passes_on(provider_ecosystem, link.scope, link.optional),
        (link.scope or "runtime") != "runtime",
    )


def excludes(exclusion: str, package: str) -> bool:
    """Whether a Maven-style ``group:artifact`` exclusion (``*`` wildcards) cuts ``package``."""
    group, _, artifact = exclusion.partition(":")
    p = purls.parse(package)
    return group in ("*", p.namespace) and artifact in ("*", p.name)


def distance_to_entry(graph: Digraph, entries: Iterable[str]) -> dict[str, int]:
    """For each project, how many links away the nearest of ``entries`` (projects that bring the
    package in themselves) is."""
    return distances_to(graph, entries)


def first_party_paths(
    graph: Digraph,
    key: str,
    own: Mapping[str, Any],
    package: str,
    own_export: Mapping[str, Any] | None = None,
) -> list[list[str]]:
    """The shortest project chain from ``key`` to each project whose own evidence passes the package on,
    through edges that pass it on after ``key``'s own, shortest first, at most ``MAX_PATHS`` of them. One
    breadth-first search (O(projects + links)): enumerating every simple path explodes on a dense
    workspace (babel: over 60 s of CPU for one project)."""
    if key in own:
        return [[key, package]]
    shortest = shortest_paths(graph, key, 12, lambda u, v: u == key or graph.edge(u, v).get("passes", True))
    sinks = own if own_export is None else own_export
    paths = [[*shortest[sink], package] for sink in sinks if sink != key and sink in shortest]
    return sorted(paths, key=lambda p: (len(p), p))[:MAX_PATHS]
