"""Every kind of value a Cypher query can return comes back from the embedded store as plain Python."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import QueryError
from planner.store.embedded import (
    QUOTE_CACHE_CHARS,
    EmbeddedStore,
    _literal,
    _plain_literal,
    _quote_short,
    params_header,
)
from planner.store.rows import PlainParam

SCALARS = st.one_of(
    st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False, allow_infinity=False)
)
KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
NESTED = st.lists(
    st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
        max_leaves=12,
    ),
    max_size=6,
)


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


@given(NESTED)
def test_plain_rendering_of_plain_params_is_the_cypher_literal(value: list) -> None:
    text = _plain_literal(PlainParam(value))
    assert text is None or text == _literal(value)


def test_plain_params_round_trip_through_the_store(store: EmbeddedStore) -> None:
    rows = PlainParam([["pkg:npm/a@1.0.0", "repo:p/a b.json", ["x", "é"], 3, None, True], ['q"uote\\', "\n"]])
    assert "`v`=[[" in params_header({"v": rows})
    assert store.run("RETURN $v AS v", {"v": rows}) == [{"v": [list(r) for r in rows]}]
    maps = PlainParam([{"key": "a:b", "props": {"name": "x: y", "n": 2}}])  # not plain after all: still rendered right
    assert params_header({"m": maps}) == 'CYPHER `m`=[{`key`:"a:b",`props`:{`name`:"x: y",`n`:2}}] '
    assert store.run("RETURN $m AS m", {"m": maps}) == [{"m": [dict(m) for m in maps]}]


def test_long_strings_round_trip_and_are_not_kept_by_the_quote_cache(store: EmbeddedStore) -> None:
    # a source file's scan travels as one long JSON string with quotes and backslashes: it is quoted
    # right, and never kept (the cache once held every scan of an ingest: 0.2 GB at 20,000 files)
    scan = '{"v":1,"c":[["org.x.Logger.info","a\\b",3,5,"constant"]]}' + "x" * QUOTE_CACHE_CHARS
    short = 'pkg:maven/org.x/y@1.0 "q"'
    _literal([short])  # in the cache from here on
    before = _quote_short.cache_info().currsize
    pad = "x" * QUOTE_CACHE_CHARS
    assert _literal(scan) == r'"{\"v\":1,\"c\":[[\"org.x.Logger.info\",\"a\\b\",3,5,\"constant\"]]}' + pad + '"'
    assert _quote_short.cache_info().currsize == before
    assert store.run("RETURN $s AS s, $t AS t", {"s": scan, "t": short}) == [{"s": scan, "t": short}]


TYPED = (
    "count_projects",
    "get_projects",
    "list_package_dependents",
    "list_project_dependents",
    "list_project_keys",
    "list_resolutions",
    "list_version_resolution_keys",
    "list_version_resolvers",
    "list_version_resolutions",
    "list_walk_successors",
)


def test_queries_with_declared_result_types_answer_as_the_compact_reply_does(store: EmbeddedStore) -> None:
    from pathlib import Path

    from planner import catalog
    from planner.ingest import ingest

    ingest(store, [Path(__file__).resolve().parents[2] / "examples"])
    packages = [r["k"] for r in store.run("MATCH (p:Package) RETURN p.key AS k")]
    versions = [r["k"] for r in store.run("MATCH (v:Version) RETURN v.key AS k")]
    projects = [r["k"] for r in store.run("MATCH (p:Project) RETURN p.key AS k")]
    cases = {
        "count_projects": [{}],
        "get_projects": [{"keys": projects}, {"keys": [*projects[:2], "nowhere/.#pkg:npm/none"]}],
        "list_package_dependents": [{"keys": packages}],
        "list_project_dependents": [{"keys": projects}],
        "list_project_keys": [{}],
        "list_resolutions": [{"package": p} for p in packages],
        "list_version_resolution_keys": [{"keys": versions}],
        "list_version_resolvers": [{"keys": versions}],
        "list_version_resolutions": [
            {"keys": versions, "projects": None},
            {"keys": versions, "projects": projects[:3]},
        ],
        "list_walk_successors": [
            {"projects": projects, "versions": versions, "packages": packages},
            {"projects": projects[:2], "versions": [], "packages": []},
        ],
    }
    assert set(cases) == set(TYPED) == {n for n in catalog.names() if catalog.result_types(n)}
    for name, param_sets in cases.items():
        for params in param_sets:
            typed = store.query(name, params)
            compact = store.run(catalog.text(name), params)
            assert typed or name == "list_resolutions", name  # a package only declared has no resolutions
            key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
            assert sorted(typed, key=key) == sorted(compact, key=key), name
    chains = [r["chain"] for r in store.query("list_version_resolutions", cases["list_version_resolutions"][0])]
    assert any(c and len(c) > 1 for c in chains) and all(c is None or isinstance(c, list) for c in chains)
    log4j = store.query("list_resolutions", {"package": "pkg:maven/org.apache.logging.log4j/log4j-core"})
    assert any(r["chain"] and len(r["chain"]) > 1 for r in log4j) and any(r["depth"] == 1 for r in log4j)
    assert store.query("count_projects") == [{"count": len(projects)}]
    assert sorted(r["key"] for r in store.query("list_project_keys")) == sorted(projects)
    labels = {r["label"] for r in store.query("list_walk_successors", cases["list_walk_successors"][0])}
    assert labels == {"Project", "Version", "Package"}


def test_result_types_are_declared_well() -> None:
    from planner import catalog

    assert catalog.result_types("list_version_resolvers") == {"project": "text"}
    assert catalog.result_types("get_package") is None
    for name in catalog.names():
        catalog.result_types(name)  # raises on a bad declaration


def test_typed_rows_read_lists_nulls_and_refuse_undeclared_columns() -> None:
    from planner.store.embedded import _typed_rows

    stats = ["Query internal execution time: 1 milliseconds"]
    reply = [["k", "n", "c"], [["a", 1, "[pkg:npm/x@1, pkg:npm/y@2]"], [None, None, None], ["b", 2, "[]"]], stats]
    types = {"k": "text", "n": "int", "c": "keys"}
    assert _typed_rows(reply, types) == [
        {"k": "a", "n": 1, "c": ["pkg:npm/x@1", "pkg:npm/y@2"]},
        {"k": None, "n": None, "c": None},
        {"k": "b", "n": 2, "c": []},
    ]
    assert _typed_rows([stats], types) == []
    with pytest.raises(QueryError, match="without a declared type: c"):
        _typed_rows(reply, {"k": "text", "n": "int"})
