"""Every kind of value a Cypher query can return comes back from the embedded store as plain Python."""

from __future__ import annotations

import pytest

from planner.errors import QueryError
from planner.store.embedded import EmbeddedStore


def test_scalars_lists_and_maps(store: EmbeddedStore) -> None:
    rows = store.run(
        "RETURN 'å \"x\"' AS s, 42 AS i, -7 AS n, 2.5 AS d, true AS t, false AS f, null AS z, "
        "[1, 'a', null, [true, 1.5]] AS l, {k: 'v', m: {x: [1, 2]}} AS m, [] AS e"
    )
    assert rows == [
        {
            "s": 'å "x"',
            "i": 42,
            "n": -7,
            "d": 2.5,
            "t": True,
            "f": False,
            "z": None,
            "l": [1, "a", None, [True, 1.5]],
            "m": {"k": "v", "m": {"x": [1, 2]}},
            "e": [],
        }
    ]


def test_nodes_edges_and_paths(store: EmbeddedStore) -> None:
    store.run(
        "CREATE (:Package {key: 'pkg:npm/a', name: 'a'})-[:DEPENDS_ON {scope: 'dev'}]->(:Package {key: 'pkg:npm/b'})",
        write=True,
    )
    rows = store.run("MATCH p = (a:Package {key: 'pkg:npm/a'})-[r]->(b) RETURN a, r, p, collect(b.key) AS keys")
    assert rows[0]["a"] == {"labels": ["Package"], "properties": {"key": "pkg:npm/a", "name": "a"}}
    assert rows[0]["r"] == {"type": "DEPENDS_ON", "properties": {"scope": "dev"}}
    assert [n["properties"]["key"] for n in rows[0]["p"]] == ["pkg:npm/a", "pkg:npm/b"]
    assert rows[0]["keys"] == ["pkg:npm/b"]


def test_writes_without_results_and_empty_results(store: EmbeddedStore) -> None:
    assert store.run("CREATE (:Scratch {n: 1})", write=True) == []
    assert store.run("MATCH (x:Scratch) WHERE x.n = 2 RETURN x.n AS n") == []


def test_run_time_errors_are_query_errors(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError):
        store.run("RETURN 1 / 0 AS x, toInteger({}) AS y")
    with pytest.raises(QueryError, match="Cypher error"):
        store.run("MATCH (x RETURN x")
