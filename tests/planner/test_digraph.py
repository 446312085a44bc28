"""planner.digraph gives the answers networkx gives on the same graph (the read commands use it to
start ~100 ms sooner): distances, shortest paths (which of equal ones, too), descendants, and strongly
connected components in an order where each comes after the components it has edges into."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.digraph import Digraph, components_successors_first, descendants, distances_to, shortest_paths

edges_st = st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=60)


def _both(edges: list[tuple[int, int]]) -> tuple[Digraph, nx.DiGraph]:
    ours, theirs = Digraph(), nx.DiGraph()
    for u, v in edges:
        ours.add_edge(u, v)
        theirs.add_edge(u, v)
    return ours, theirs


@settings(max_examples=300, deadline=None)
@given(edges_st, st.sets(st.integers(0, 14), min_size=1, max_size=3))
def test_distances_to_targets_match_networkx(edges: list[tuple[int, int]], targets: set[int]) -> None:
    ours, theirs = _both(edges)
    present = [t for t in sorted(targets) if t in theirs]
    expected = dict(nx.multi_source_dijkstra_path_length(theirs.reverse(copy=False), present)) if present else {}
    assert distances_to(ours, present) == expected


@settings(max_examples=300, deadline=None)
@given(edges_st, st.integers(0, 14), st.integers(0, 5))
def test_shortest_paths_are_networkx_paths(edges: list[tuple[int, int]], source: int, cutoff: int) -> None:
    ours, theirs = _both(edges)
    ours.add_node(source)
    theirs.add_node(source)

    def keep(u: int, v: int) -> bool:  # some edges filtered out, as exposure filters non-passing ones
        return (u + v) % 3 != 0

    view = nx.subgraph_view(theirs, filter_edge=keep)
    assert shortest_paths(ours, source, cutoff, keep) == nx.single_source_shortest_path(view, source, cutoff=cutoff)


@settings(max_examples=300, deadline=None)
@given(edges_st)
def test_descendants_and_components_match_networkx(edges: list[tuple[int, int]]) -> None:
    ours, theirs = _both(edges)
    for n in theirs:
        assert descendants(ours, n) == nx.descendants(theirs, n)
    components = components_successors_first(ours)
    assert sorted(map(sorted, components)) == sorted(map(sorted, nx.strongly_connected_components(theirs)))
    position = {n: i for i, comp in enumerate(components) for n in comp}
    for u, v in theirs.edges:
        assert position[v] <= position[u], f"{u}->{v}: provider's component listed after the consumer's"


def test_a_cycle_is_one_component_listed_after_what_it_consumes() -> None:
    """app -> lib <-> util -> core: core first, then {lib, util}, then app (by hand)."""
    graph = Digraph([("app", "lib"), ("lib", "util"), ("util", "lib"), ("util", "core")])
    assert [sorted(c) for c in components_successors_first(graph)] == [["core"], ["lib", "util"], ["app"]]
    assert descendants(graph, "lib") == {"util", "core"}


def test_adding_an_edge_again_updates_its_attributes_and_keeps_its_place() -> None:
    graph = Digraph()
    graph.add_edge("a", "b", scope="test")
    graph.add_edge("a", "c")
    graph.add_edge("a", "b", passes=True)
    assert list(graph.successors("a")) == ["b", "c"]
    assert graph.edge("a", "b") == {"scope": "test", "passes": True}
    assert [(u, v) for u, v, _ in graph.out_edges("a")] == [("a", "b"), ("a", "c")]
