"""A small directed graph for the read commands (`exposure`, `why`, the reachability layer).

The wave planner uses networkx; the read commands need five things from a graph of at most a few
thousand first-party projects — successors in insertion order with edge attributes, breadth-first
distances, breadth-first shortest paths, strongly connected components in dependency order and
descendants — and importing networkx costs ~100 ms of a command's start (its algorithms package and
its backend entry-point scan), a fifth of `depwave exposure`'s end-to-end budget. The functions here
give the answers networkx gives for the same graph (tests/planner/test_digraph.py checks them against
networkx on random graphs), including which of several equally short paths is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

Node = Hashable


class Digraph:
    """Nodes in insertion order; each node's successors in the order their edges were added; one
    attribute dict per edge (adding an edge again updates it, as networkx does)."""

    __slots__ = ("_pred", "_succ")

    def __init__(self, edges: Iterable[tuple[Node, Node]] = ()) -> None:
        self._succ: dict[Node, dict[Node, dict[str, Any]]] = {}
        self._pred: dict[Node, dict[Node, None]] = {}
        for u, v in edges:
            self.add_edge(u, v)

    def add_node(self, node: Node) -> None:
        """Add ``node`` (no-op when present)."""
        if node not in self._succ:
            self._succ[node] = {}
            self._pred[node] = {}

    def add_nodes_from(self, nodes: Iterable[Node]) -> None:
        """Add every node of ``nodes``."""
        for n in nodes:
            self.add_node(n)

    def add_edge(self, u: Node, v: Node, **attrs: Any) -> None:
        """Add the edge ``u -> v`` (and its nodes), or update its attributes."""
        self.add_node(u)
        self.add_node(v)
        self._succ[u].setdefault(v, {}).update(attrs)
        self._pred[v][u] = None

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def __len__(self) -> int:
        return len(self._succ)

    def nodes(self) -> list[Node]:
        """Every node, in insertion order."""
        return list(self._succ)

    def has_edge(self, u: Node, v: Node) -> bool:
        """Whether ``u -> v`` is an edge."""
        return v in self._succ.get(u, {})

    def edge(self, u: Node, v: Node) -> dict[str, Any]:
        """The attributes of ``u -> v`` (KeyError when it is no edge)."""
        return self._succ[u][v]

    def successors(self, node: Node) -> Iterator[Node]:
        """The nodes ``node`` has edges to, in the order the edges were added."""
        return iter(self._succ[node])

    def predecessors(self, node: Node) -> Iterator[Node]:
        """The nodes with an edge to ``node``."""
        return iter(self._pred[node])

    def out_edges(self, node: Node) -> Iterator[tuple[Node, Node, dict[str, Any]]]:
        """``(node, successor, attributes)`` for each edge out of ``node``, in insertion order."""
        return ((node, v, data) for v, data in self._succ[node].items())


def distances_to(graph: Digraph, targets: Iterable[Node]) -> dict[Node, int]:
    """For each node that reaches one of ``targets``, the fewest edges to the nearest (0 for a target)."""
    dist = {t: 0 for t in targets}
    frontier = list(dist)
    while frontier:
        nxt = []
        for v in frontier:
            for u in graph.predecessors(v) if v in graph else ():
                if u not in dist:
                    dist[u] = dist[v] + 1
                    nxt.append(u)
        frontier = nxt
    return dist


def shortest_paths(
    graph: Digraph, source: Node, cutoff: int, keep: Callable[[Node, Node], bool] = lambda u, v: True
) -> dict[Node, list[Node]]:
    """A shortest path from ``source`` to each node it reaches in at most ``cutoff`` edges, through the
    edges ``keep`` accepts; breadth first in edge order, so ties go as networkx's
    ``single_source_shortest_path`` resolves them."""
    paths: dict[Node, list[Node]] = {source: [source]}
    level, frontier = 0, [source]
    while frontier and level < cutoff:
        nxt = []
        for v in frontier:
            for w in graph.successors(v):
                if w not in paths and keep(v, w):
                    paths[w] = [*paths[v], w]
                    nxt.append(w)
        frontier, level = nxt, level + 1
    return paths


def descendants(graph: Digraph, node: Node) -> set[Node]:
    """Every node ``node`` reaches, never ``node`` itself (as networkx, even on a cycle)."""
    seen: set[Node] = set()
    stack = [node]
    while stack:
        for w in graph.successors(stack.pop()):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    seen.discard(node)
    return seen


def components_successors_first(graph: Digraph) -> list[list[Node]]:
    """The strongly connected components, each listed after every component it has an edge into
    (Tarjan's algorithm, iterative): a provider's component before its consumers'."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    out: list[list[Node]] = []
    for root in graph.nodes():
        if root in index:
            continue
        work = [(root, graph.successors(root))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, graph.successors(w)))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    out.append(component)
    return out
