"""Ingest instrumentation for bench/run.py: wall time per phase, per catalog query and per store.

``Phases.install`` wraps the functions that do the work of an ingest (discover, read, parse, rows),
the embedded store's statement execution and the Neo4j store's ``run``; ``uninstall`` puts them back.
"""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from typing import Any


def catalog_names() -> dict[str, str]:
    """Query text -> catalog name, for every catalog query (and every statement of a multi-statement one)."""
    from planner import catalog

    names: dict[str, str] = {}
    for n in catalog.names():
        with contextlib.suppress(Exception):
            names[catalog.text(n)] = n
            for stmt in catalog.statements(n):
                names.setdefault(stmt, n)
    return names


def query_name(names: dict[str, str], cypher: str | bytes) -> str:
    """The catalog name of ``cypher``: exact text, else a catalog text it ends with, else ``other query``
    (a load statement a worker prepared arrives as UTF-8 bytes)."""
    if isinstance(cypher, bytes):
        return next((n for text, n in names.items() if cypher.endswith(text.encode())), "other query")
    if cypher in names:
        return names[cypher]
    for text, n in names.items():
        if cypher.endswith(text):
            return n
    return "other query"


def _server_time(reply: Any, into: list[float]) -> None:
    """Append the server's execution time (ms) carried by a FalkorDB reply's statistics to ``into``."""
    for line in reply[-1] if reply and isinstance(reply[-1], list) else []:
        if "execution time" in str(line):
            into.append(float(str(line).split(": ")[1].split(" ")[0]))


class Phases:
    """Wall time per phase of an ingest, collected by wrapping the functions that do the work.

    Phases are exclusive: the time spent stringifying the parameters of a query is not counted
    again in the query's time.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.server_ms: dict[str, float] = defaultdict(float)  # FalkorDB's own execution time
        self.bytes_sent: dict[str, int] = defaultdict(int)
        self.rows = 0  # result rows received
        self._undo: list[tuple[Any, str, Any]] = []
        self._stack: list[tuple[float, int]] = []  # nested time to subtract (stringify inside a query)
        self._server: list[float] = []  # server execution times read from replies, per query

    def _patch(self, owner: Any, attr: str, wrapper: Any) -> None:
        self._undo.append((owner, attr, getattr(owner, attr)))
        setattr(owner, attr, wrapper)

    def install(self) -> None:
        """Wrap the ingest phases, the embedded store and the Neo4j store (undone by ``uninstall``)."""
        names = catalog_names()
        self._install_ingest_phases()
        self._install_neo4j_store(names)
        self._install_embedded_store(names)

    def _timed(self, phase: str, fn: Any) -> Any:
        def wrapper(*a: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.seconds[phase] += time.perf_counter() - t
                self.calls[phase] += 1

        return wrapper

    def _install_ingest_phases(self) -> None:
        import planner.ingest as ingest_mod
        from loaders.sbom.cyclonedx_json import CycloneDxJsonLoader
        from planner.store.rows import GraphBatch

        # patched where they are looked up: the run module calls discover, the parse module read_source
        self._patch(ingest_mod.run, "discover", self._timed("discover files", ingest_mod.discover))
        self._patch(ingest_mod.parse, "read_source", self._timed("read + sha256", ingest_mod.read_source))
        self._patch(CycloneDxJsonLoader, "parse", self._timed("parse (loader)", CycloneDxJsonLoader.parse))
        self._patch(GraphBatch, "add", self._timed("rows: GraphBatch.add", GraphBatch.add))
        self._patch(GraphBatch, "params", self._timed("rows: GraphBatch.params", GraphBatch.params))

    def _install_embedded_store(self, names: dict[str, str]) -> None:
        import planner.store.embedded as embedded_mod

        phases = self
        own_header = embedded_mod.params_header
        own_rows = embedded_mod._rows
        own_typed_rows = embedded_mod._typed_rows
        orig_execute = embedded_mod.EmbeddedStore._execute

        def fast_header(params: Any) -> str:  # depwave renders the header itself (planner.store.embedded)
            t = time.perf_counter()
            text = own_header(params)
            phases._stack.append((time.perf_counter() - t, len(text)))
            return text

        def rows(reply: Any, graph: Any) -> Any:
            _server_time(reply, phases._server)
            return own_rows(reply, graph)

        def typed_rows(reply: Any, types: Any) -> Any:
            _server_time(reply, phases._server)
            return own_typed_rows(reply, types)

        def execute(store: Any, cypher: str, write: bool, *args: Any, **kw: Any) -> Any:  # every statement
            name = query_name(names, cypher)
            before = len(phases._stack)
            server_before = len(phases._server)
            t = time.perf_counter()
            res = orig_execute(store, cypher, write, *args, **kw)
            total = time.perf_counter() - t
            nested = sum(dt for dt, _ in phases._stack[before:])
            sent = sum(n for _, n in phases._stack[before:])
            del phases._stack[before:]
            phases.seconds[f"client: stringify params ({name})"] += nested
            phases.seconds[f"query: {name}"] += total - nested
            phases.calls[f"query: {name}"] += 1
            phases.server_ms[name] += sum(phases._server[server_before:])
            del phases._server[server_before:]
            phases.bytes_sent[name] += sent + len(cypher)
            phases.rows += len(res)
            return res

        self._patch(embedded_mod, "params_header", fast_header)
        self._patch(embedded_mod, "_rows", rows)
        self._patch(embedded_mod, "_typed_rows", typed_rows)
        self._patch(embedded_mod.EmbeddedStore, "_execute", execute)

    def _install_neo4j_store(self, names: dict[str, str]) -> None:
        from planner.store.neo4j_store import Neo4jStore

        phases = self
        orig_run = Neo4jStore.run

        def neo4j_run(store: Any, cypher: str, params: Any = None, *, write: bool = False) -> Any:
            name = query_name(names, cypher)
            t = time.perf_counter()
            res = orig_run(store, cypher, params, write=write)
            phases.seconds[f"query: {name}"] += time.perf_counter() - t
            phases.calls[f"query: {name}"] += 1
            phases.rows += len(res)
            return res

        self._patch(Neo4jStore, "run", neo4j_run)

    def uninstall(self) -> None:
        """Put back every function ``install`` wrapped, last first."""
        while self._undo:
            owner, attr, orig = self._undo.pop()
            setattr(owner, attr, orig)

    def reset(self) -> None:
        """Forget every figure collected so far (the wrappers stay installed)."""
        self.seconds.clear()
        self.calls.clear()
        self.server_ms.clear()
        self.bytes_sent.clear()
        self.rows = 0

    def snapshot(self, total_s: float) -> dict[str, Any]:
        """Seconds and calls per phase, slowest first, plus what ``total_s`` leaves unaccounted."""
        out: dict[str, Any] = {}
        # the parse wrapper runs inside nothing else; GraphBatch.params runs inside nothing else
        for k in sorted(self.seconds, key=lambda k: -self.seconds[k]):
            out[k] = {"s": round(self.seconds[k], 3), "calls": self.calls.get(k, 0)}
        accounted = sum(self.seconds.values())
        out["other (ingest loop, Python glue)"] = {"s": round(total_s - accounted, 3), "calls": 0}
        return out
