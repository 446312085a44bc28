"""The project chains exposure shows are shortest chains found by one breadth-first search, never an
enumeration of every simple path (which explodes on a dense workspace such as babel's 160 members)."""

from __future__ import annotations

import time

from planner.digraph import Digraph
from planner.exposure.project_graph import MAX_PATHS, first_party_paths

PACKAGE = "pkg:npm/semver"


def test_dense_workspace_gives_the_shortest_chain_fast() -> None:
    """40 members, each linking to every later one: 2^38 simple paths from m00 to m39, one shortest."""
    names = [f"m{i:02d}" for i in range(40)]
    graph = Digraph((a, b) for i, a in enumerate(names) for b in names[i + 1 :])
    own = {"m39": ("exposed", "resolves affected 6.3.1")}
    started = time.process_time()
    assert first_party_paths(graph, "m00", own, PACKAGE) == [["m00", "m39", "pkg:npm/semver"]]
    assert time.process_time() - started < 1.0


def test_one_shortest_chain_per_project_with_evidence_shortest_first() -> None:
    graph = Digraph([("app", "lib"), ("lib", "core"), ("app", "util"), ("util", "x"), ("x", "core")])
    own = {"core": ("exposed", ""), "util": ("exposed", "")}
    assert first_party_paths(graph, "app", own, PACKAGE) == [
        ["app", "util", "pkg:npm/semver"],
        ["app", "lib", "core", "pkg:npm/semver"],
    ]
    assert first_party_paths(graph, "core", own, PACKAGE) == [["core", "pkg:npm/semver"]]
    wide = Digraph(("hub", f"leaf{i:02d}") for i in range(MAX_PATHS + 5))
    leaves = {f"leaf{i:02d}": ("exposed", "") for i in range(MAX_PATHS + 5)}
    assert len(first_party_paths(wide, "hub", leaves, PACKAGE)) == MAX_PATHS
