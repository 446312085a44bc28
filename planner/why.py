"""``depwave why``: every path by which a project comes to have a package."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from planner import purl as purls
from planner import scopes
from planner.digraph import Digraph
from planner.errors import UsageError
from planner.locations import location_text
from planner.store.base import Store

MAX_PATHS = 50
MAX_ROUNDS = 16


@dataclass(slots=True)
class WhyResult:
    """All paths from a project to a package (schema ``depwave.why/1``)."""

    project: str
    package: str
    paths: list[list[dict[str, Any]]]

    def as_dict(self) -> dict[str, Any]:
        """JSON form: each path is a list of steps ``{key, kind, location, scope}`` (``scope``: of the edge
        from a project to the next step, of a declaration or of the first resolved version)."""
        return {"schema": "depwave.why/1", "project": self.project, "package": self.package, "paths": self.paths}


def find_project(store: Store, text: str) -> str:
    """The one project a user means by a key, name or repo, or by the label the tables print for it
    (``checkoutservice`` or ``repo/checkoutservice`` for ``github.com/acme/shop/src/checkoutservice``)."""
    rows = store.query("find_projects", {"q": text}) or _by_label(store, text)
    if not rows:
        raise UsageError(
            f"no project matches {text!r} (give a project key, a name, a repository or the label a table shows)"
        )
    if len(rows) > 1:
        listed = ", ".join(r["key"] for r in rows[:10])
        raise UsageError(f"{text!r} matches {len(rows)} projects; give one key: {listed}")
    return str(rows[0]["key"])


def _by_label(store: Store, text: str) -> list[dict[str, Any]]:
    """The projects whose short label (the artifact, alone or after the repository) is ``text``."""
    from planner.render.labels import artifact

    last = re.split(r"[/:]", text.strip())[-1]
    if not last:
        return []
    rows = store.query("find_projects_by_suffix", {"suffix": last})
    return [r for r in rows if text in (artifact(str(r["name"])), f"{r['repo']}/{artifact(str(r['name']))}")]


def why(store: Store, project_text: str, package: str) -> WhyResult:
    """Every first-party path from the project to the package, each ending in the project's or a
    library's own evidence (a resolution with its chain, or a declaration), with the scope of every hop.

    Scopes pass on as :mod:`planner.scopes` says: the project's own first edge may have any scope, every
    later edge and a library's own evidence only count when they pass the package on to consumers."""
    project = find_project(store, project_text)
    p = purls.parse_user(package)
    key = p.package
    ecosystem = scopes.ecosystem_of(key)
    evidence: dict[str, list[dict[str, Any]]] = {}
    for r in store.query("list_resolutions", {"package": key}):
        if p.version and r["version"] != p.version:
            continue
        if r["project"] != project and (r.get("depth") or 1) > 1:
            continue  # another project's transitive resolution: the route continues through its libraries
        if r["project"] != project and not scopes.passes_on(ecosystem, r.get("scope")):
            continue  # a library's test/dev/build resolution is not its consumers' concern
        chain = [str(c) for c in r.get("chain") or []] or [f"{key}@{r['version']}"]
        steps = [{"key": c, "kind": "version", "location": None, "scope": None} for c in chain]
        steps[-1]["location"] = _loc(r)
        steps[0]["scope"] = r.get("scope")
        evidence.setdefault(r["project"], []).append({"steps": steps, "order": (r.get("depth") or 99, chain)})
    for r in store.query("list_declarations", {"package": key}):
        if r["project"] != project and not scopes.passes_on(ecosystem, r.get("scope"), r.get("optional")):
            continue
        spec = r.get("range") or r.get("unresolved") or "?"
        steps = [{"key": f"{key} {spec}", "kind": "declaration", "location": _loc(r), "scope": r.get("scope")}]
        evidence.setdefault(r["project"], []).append({"steps": steps, "order": (0, [spec])})
    graph = _project_graph(store, project)
    paths: list[list[dict[str, Any]]] = []
    for sink in sorted(s for s in evidence if s in graph):
        routes = [[project]] if sink == project else _routes(graph, project, sink, MAX_PATHS)
        for route in sorted(routes, key=lambda r: (len(r), r)):
            head = [
                {
                    "key": node,
                    "kind": "project",
                    "location": graph.edge(node, route[i + 1]).get("location") if i + 1 < len(route) else None,
                    "scope": graph.edge(node, route[i + 1]).get("scope") if i + 1 < len(route) else None,
                }
                for i, node in enumerate(route)
            ]
            for ev in sorted(evidence[sink], key=lambda e: e["order"]):
                paths.append(head + ev["steps"])
                if len(paths) >= MAX_PATHS:
                    return WhyResult(project, key, paths)
    return WhyResult(project, key, paths)


def _project_graph(store: Store, project: str) -> Digraph:
    """The first-party project graph below ``project`` (bounded rounds); each edge keeps its location,
    scope and whether it passes the package on (:func:`planner.scopes.passes_on`)."""
    graph = Digraph()
    graph.add_node(project)
    frontier = [project]
    for _ in range(MAX_ROUNDS):
        if not frontier:
            break
        nxt = []
        for link in sorted(store.query("list_project_links", {"keys": frontier}), key=_link_rank):
            c, prov = link["consumer"], link["provider"]
            if prov not in graph:
                nxt.append(prov)
            if not graph.has_edge(c, prov):
                passes = scopes.passes_on(scopes.ecosystem_of(prov), link.get("scope"), link.get("optional"))
                graph.add_edge(c, prov, location=_loc(link), scope=link.get("scope"), passes=passes)
        frontier = sorted(set(nxt))
    return graph


def _link_rank(link: dict[str, Any]) -> tuple[bool, bool, str, str]:
    """Per pair: the manifest line beats the lock, then an edge that passes the package on."""
    passes = scopes.passes_on(scopes.ecosystem_of(str(link["provider"])), link.get("scope"), link.get("optional"))
    return (link.get("via") != "declares", not passes, str(link["consumer"]), str(link["provider"]))


#: how many partial routes a route search may hold at once (real workspaces have thousands of simple paths)
MAX_PARTIAL = 5000


def _routes(graph: Digraph, source: str, sink: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` simple routes from ``source`` to ``sink``, shortest first: a breadth-first search
    over partial routes, bounded in length (``MAX_ROUNDS``) and in how many partial routes it holds. Only
    the first edge may be one that does not pass the package on."""
    found: list[list[str]] = []
    layer = [[source]]
    for _ in range(MAX_ROUNDS):
        nxt: list[list[str]] = []
        for route in layer:
            for provider in sorted(graph.successors(route[-1])):
                if provider in route or (len(route) > 1 and not graph.edge(route[-1], provider)["passes"]):
                    continue
                if provider == sink:
                    found.append([*route, provider])
                    if len(found) >= limit:
                        return found
                elif len(nxt) < MAX_PARTIAL:
                    nxt.append([*route, provider])
        if not nxt:
            break
        layer = nxt
    return found


def _loc(row: dict[str, Any]) -> str | None:
    return location_text(row.get("file"), row.get("line"))
