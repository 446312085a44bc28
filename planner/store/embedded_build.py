"""The embedded store's fresh build: a first large ingest made with ``GRAPH.BULK`` under a key of its
own, renamed over the store's graph at the end (the rows and ids: :mod:`planner.store.bulk_build`).

Until the rename the store's graph is untouched: an ingest killed midway leaves it as empty as it was
(and a build graph that the next build deletes first), so the first ingest is all or nothing where
load statements commit batch by batch. Nothing else writes to the build graph; the rename happens
only while the store's graph is still empty, so a write another process made meanwhile is never lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from planner import catalog
from planner.errors import FreshBuildFailed, QueryError, StoreUnavailable
from planner.store import resp
from planner.store.base import LOAD_TIMEOUT_S
from planner.store.bulk_build import BulkPart, FreshBuild
from planner.store.embedded import GRAPH_NAME, _statement, render_load

if TYPE_CHECKING:
    from planner.store.embedded import EmbeddedStore

#: the key the graph is built under
BUILD_GRAPH = "depwave-build"
#: what to set to build no graph in bulk (then every ingest loads through load statements)
SWITCH = "DEPWAVE_FRESH_BUILD=0"


def graph_is_empty(store: EmbeddedStore) -> bool:
    """Whether the store's graph has no node (so nothing a build could replace)."""
    return not store.stats()["nodes"]


@contextlib.contextmanager
def fresh_build(store: EmbeddedStore, run: str) -> Iterator[None]:
    """Build the graph in bulk while the body loads (``store.prepare_load`` makes :class:`BulkPart` s
    and ``store.load_prepared`` sends them), then rename it over the store's graph; on an error the
    build graph is deleted and the store's graph stays as it was."""
    _delete(store)  # a killed build's leftover
    build = FreshBuild(run, lambda *call: _send(store, *call), lambda name, params: _query(store, name, params))
    try:
        _call(store, "GRAPH.BULK", BUILD_GRAPH, "BEGIN", 0, 0, 0, 0)
        for stmt in catalog.statements("schema.falkordb"):
            _schema(store, stmt)
        store._build = build
        yield
        store._build = None
        _finish(store, build)
    except BaseException:
        store._build = None
        with contextlib.suppress(StoreUnavailable):
            _delete(store)
        raise


def add(store: EmbeddedStore, part: BulkPart) -> None:
    """Send one part; a part that could not be encoded is rejected as a statement would be."""
    if part.rejected is not None:
        raise QueryError(f"cannot be stored: {part.rejected}")
    assert store._build is not None, "a bulk part outside a fresh build"
    try:
        store._build.add(part)
    except (QueryError, ValueError) as exc:  # numbered, maybe sent: loading its files again would double them
        raise FreshBuildFailed(
            f"the first ingest's bulk build failed ({exc}); nothing of it was kept: run the same command "
            f"again, or with {SWITCH} to load through statements"
        ) from exc


def _finish(store: EmbeddedStore, build: FreshBuild) -> None:
    for edges, tokens in build.depends_on_calls():
        _send(store, 0, edges, [], tokens)
    build.unpack_statements()
    later = build.later_batch()
    if later is not None:  # nodes restated with properties of their own: SET n += props, in one load
        store._execute(render_load(later, build.run), True, graph=BUILD_GRAPH)
    if not graph_is_empty(store):
        raise FreshBuildFailed(
            "another process wrote to the store during this first ingest, which was being built apart; "
            "nothing of this ingest was kept: run the same command again"
        )
    _call(store, "RENAME", BUILD_GRAPH, GRAPH_NAME)
    store._falkordb_graph = None  # its cached label and property names belonged to the old graph


def _send(store: EmbeddedStore, nodes: int, edges: int, node_tokens: list[bytes], edge_tokens: list[bytes]) -> None:
    counts = (nodes, edges, len(node_tokens), len(edge_tokens))
    _call(store, "GRAPH.BULK", BUILD_GRAPH, *counts, *node_tokens, *edge_tokens)


def _call(store: EmbeddedStore, *args: object) -> None:
    """One command of the build: a refusal ends it (the graph built so far no longer matches the ids)."""
    conn = store._conn
    try:
        conn.set_timeout(LOAD_TIMEOUT_S)
        try:
            conn.execute_command(*args)
        finally:
            conn.set_timeout(None)
    except resp.ReplyError as exc:
        raise FreshBuildFailed(
            f"the first ingest's bulk build was refused ({exc}); nothing of it was kept: run the same command "
            f"again, or with {SWITCH} to load through statements"
        ) from exc
    except resp.RespError as exc:
        raise store._gone(exc) from exc


def _query(store: EmbeddedStore, name: str, params: dict) -> None:
    store._execute(_statement(params, catalog.text(name)), True, graph=BUILD_GRAPH)


def _schema(store: EmbeddedStore, stmt: str) -> None:
    try:
        store._execute(stmt, True, graph=BUILD_GRAPH)
    except QueryError as exc:
        if "no such index" not in str(exc).lower():  # the retired indexes' drops: none in a new graph
            raise


def _delete(store: EmbeddedStore) -> None:
    try:
        store._conn.execute_command("DEL", BUILD_GRAPH)
    except resp.RespError as exc:
        raise store._gone(exc) from exc
