"""RESOLVES edges travel in a load statement as one packed string each and are stored with the same
properties a nested list gave: every field, the missing ones absent, hostile text kept harmless."""

from __future__ import annotations

from planner import catalog
from planner.model import Location, ParseResult, Project, Resolved, Source
from planner.store.embedded import EmbeddedStore, _literal, _plain_literal, params_header
from planner.store.rows import GraphBatch, LoadedSource, PlainParam
from planner.store.statements import FIELD, LIST

SOURCE = Source("shop", "services/cart/package-lock.json", "shop/services/cart/package-lock.json")
PROJECT = "shop:services/cart"


def load(store: EmbeddedStore, records: list) -> None:
    batch = GraphBatch()
    batch.add(LoadedSource(SOURCE, "0" * 64, "npm-lock", ParseResult(records=records)), "2026-12-06T00:00:00+00:00")
    store.load(batch, "run-1")


def stored(store: EmbeddedStore) -> dict[str, dict]:
    rows = store.run("MATCH (:Project)-[r:RESOLVES]->(v:Version) RETURN v.key AS v, properties(r) AS p")
    return {row["v"]: row["p"] for row in rows}


def test_every_field_of_a_resolution_is_stored_as_given(store: EmbeddedStore) -> None:
    lock = SOURCE.path
    load(
        store,
        [
            Project(PROJECT, "cart", "npm", "shop", "services/cart", "services/cart/package.json"),
            # a transitive dependency with everything a lockfile says
            Resolved(
                PROJECT,
                "pkg:npm/%40types/node@20.1.0",
                scope="dev",
                raw_scope="devOptional",
                depth=3,
                path=("pkg:npm/jest@29.7.0", "pkg:npm/jest-util@29.7.0"),
                location=Location(lock, 412),
                hashes=("sha512:abc", "sha1:def"),
            ),
            # a direct one that says little: no raw scope, depth, chain, line or hashes
            Resolved(PROJECT, "pkg:npm/left-pad@1.3.0", location=Location(lock)),
            # depth 0 and line 0 are values, not missing ones
            Resolved(PROJECT, "pkg:npm/zero@1.0.0", depth=0, location=Location(lock, 0)),
            # text a hostile lockfile could hold: separators, quotes, a backslash, a newline, non-ASCII
            Resolved(
                PROJECT,
                "pkg:npm/evil@1.0.0",
                scope='run"time',
                raw_scope="a\\b\nc",
                path=(f"pkg:npm/x@1{FIELD}2", f"pkg:npm/y@1{LIST}z", "pkg:npm/é@1"),
                location=Location(lock, 7),
            ),
        ],
    )
    run_file = {"source": SOURCE.key, "run": "run-1", "file": lock}
    assert stored(store) == {
        "pkg:npm/%40types/node@20.1.0": {
            **run_file,
            "scope": "dev",
            "raw_scope": "devOptional",
            "depth": 3,
            "chain": ["pkg:npm/jest@29.7.0", "pkg:npm/jest-util@29.7.0"],
            "line": 412,
            "hashes": ["sha512:abc", "sha1:def"],
        },
        "pkg:npm/left-pad@1.3.0": {**run_file, "scope": "runtime"},
        "pkg:npm/zero@1.0.0": {**run_file, "scope": "runtime", "depth": 0, "line": 0},
        "pkg:npm/evil@1.0.0": {
            **run_file,
            "scope": 'run"time',
            "raw_scope": "a\\b\nc",
            # a separator inside a field cannot split it: it is stored as U+FFFD
            "chain": ["pkg:npm/x@1\ufffd2", "pkg:npm/y@1\ufffdz", "pkg:npm/é@1"],
            "line": 7,
        },
    }


def test_packed_rows_take_the_fast_rendering_unless_the_data_needs_escapes() -> None:
    packed = PlainParam([["p", "s", "f", [FIELD.join(["pkg:npm/a@1", "runtime", "", "2", LIST.join("xy"), "", ""])]]])
    text = _plain_literal(packed)
    assert text is not None and "\\" not in text  # the separators as they are, as FalkorDB reads them
    assert text == _literal(list(packed))
    # a backslash in the data (here beside a separator, and an escape as text): rendered the slow way
    tricky = PlainParam([f"a\\{FIELD}b", "\\u001e"])
    assert _plain_literal(tricky) is None


def test_plain_rendering_gives_up_on_a_quote_anywhere_and_on_maps() -> None:
    # the shapes a load sends: RESOLVES groups (a file may be None), DEPENDS_ON [version, [[package, tokens]]]
    rows = PlainParam([["p", "s", None, [f"v{FIELD}x", ""]], ["v", [["pkg", f"{FIELD}t"], ["q", "u"]]], 3, True])
    assert _plain_literal(rows) == f'[["p","s",null,["v{FIELD}x",""]],["v",[["pkg","{FIELD}t"],["q","u"]]],3,true]'
    assert _plain_literal(PlainParam([])) == "[]" and _plain_literal(PlainParam([[], ["a"]])) == '[[],["a"]]'
    # a quote in any string, deep or in a list of strings only: the escaping renderer takes over
    assert _plain_literal(PlainParam([["v", [["pkg", 'say "hi"']]]])) is None
    assert _plain_literal(PlainParam(['a"', "b"])) is None
    assert _plain_literal(PlainParam([["a", "b\\"]])) is None
    assert _plain_literal(PlainParam([{"key": "a"}])) is None


def test_a_load_statement_is_its_parameters_and_its_query_encoded_apart(store: EmbeddedStore) -> None:
    # joined as bytes, not as text (a query that is not ASCII would widen the parameters), the statement
    # is the same one
    batch = GraphBatch()
    records = [Resolved(PROJECT, "pkg:npm/left-pad@1.3.0", location=Location(SOURCE.path, 3))]
    batch.add(LoadedSource(SOURCE, "0" * 64, "npm-lock", ParseResult(records=records)), "2026-12-06T00:00:00+00:00")
    prepared = store.prepare_load(batch, "run-1")
    assert prepared == (params_header(batch.params("run-1")) + catalog.text("load_sources")).encode()
