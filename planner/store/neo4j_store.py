"""The production store: Neo4j 5 through the official driver (Bolt)."""

from __future__ import annotations

import os
from typing import Any

from planner import catalog
from planner.errors import QueryError, StoreUnavailable, UsageError
from planner.store.base import LOAD_TIMEOUT_S, QUERY_TIMEOUT_S, Row, Store

#: seconds to connect and get a connection (Bolt handshake included): an address that accepts the
#: connection but never answers left the CLI silent for 61 s with the driver's 60 s acquisition default
CONNECT_TIMEOUT_S = 5.0


class Neo4jStore(Store):
    """Neo4j reached at ``NEO4J_URI`` with ``NEO4J_USER``/``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``."""

    kind = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None) -> None:
        import neo4j
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

        self.uri = uri
        self.database = database or None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=CONNECT_TIMEOUT_S,
                connection_acquisition_timeout=CONNECT_TIMEOUT_S,
            )
            self._driver.verify_connectivity()
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {uri} refused the credentials in NEO4J_USER/NEO4J_PASSWORD") from exc
        except (ServiceUnavailable, OSError, ValueError, Neo4jError) as exc:
            detail = (str(exc).strip().splitlines() or ["no answer"])[-1]
            raise StoreUnavailable(
                f"cannot reach Neo4j at {uri} within {CONNECT_TIMEOUT_S:.0f} s ({detail}); "
                "is it running and is this its Bolt address (docker compose up -d)?"
            ) from exc

    @classmethod
    def from_env(cls) -> Neo4jStore:
        """Connect with the ``NEO4J_*`` environment variables."""
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            raise UsageError("the neo4j store needs NEO4J_URI (e.g. bolt://localhost:7687 after docker compose up)")
        return cls(
            uri,
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            os.environ.get("NEO4J_DATABASE"),
        )

    def ensure_schema(self) -> None:
        """Constraints and indexes (``IF NOT EXISTS``)."""
        for stmt in catalog.statements("schema"):
            self.run(stmt, write=True)

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[Row]:
        """One statement in one managed transaction (routed to readers unless ``write``)."""
        import neo4j
        from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable, SessionExpired

        query = neo4j.Query(cypher, timeout=LOAD_TIMEOUT_S if write else QUERY_TIMEOUT_S)  # type: ignore[arg-type]
        try:
            records, _, _ = self._driver.execute_query(
                query,
                params or {},
                database_=self.database,
                routing_=neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ,
            )
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} stopped answering: {exc}") from exc
        except ClientError as exc:
            if not write and "AccessMode" in (exc.code or ""):
                raise QueryError("this query writes to the graph; pass --write to allow it") from exc
            raise QueryError(exc.message or str(exc)) from exc
        except Neo4jError as exc:
            raise QueryError(exc.message or str(exc)) from exc
        return [{k: _plain(v) for k, v in r.items()} for r in records]

    def reset(self) -> None:
        """Delete everything in batches (no single huge transaction)."""
        while True:
            rows = self.write("delete_graph_batch", {"limit": 10_000})
            if not rows or int(rows[0]["deleted"]) == 0:
                break

    def describe(self) -> dict[str, Any]:
        """URI, database and server version."""
        info = self._driver.get_server_info()
        return {"store": self.kind, "uri": self.uri, "database": self.database or "(default)", "server": info.agent}

    def close(self) -> None:
        """Close the driver."""
        self._driver.close()


def _plain(value: Any) -> Any:
    """Driver values as plain Python: nodes/relationships become maps, paths lists."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": _plain(dict(value))}
    if isinstance(value, Relationship):
        return {"type": value.type, "properties": _plain(dict(value))}
    if isinstance(value, Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
