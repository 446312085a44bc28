"""The store interface: load a batch of sources, run a named catalog query, keep the schema."""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from planner import catalog

if TYPE_CHECKING:  # write-side code (rows, the relationship table, the records): not imported to read
    from planner.store.rows import GraphBatch

Row = dict[str, Any]

#: default query timeout in seconds (a hung query must not hang an incident response)
QUERY_TIMEOUT_S = 60.0
#: loads may be large; they get a longer limit
LOAD_TIMEOUT_S = 600.0


class PlainParam(list):  # type: ignore[type-arg]
    """A parameter made only of (nested) lists of strings, numbers, booleans and nulls — no maps. A
    store may render it faster: the embedded store joins its lists of strings in C (see
    ``planner.store.embedded.params_header``; maps go through depwave's own renderer).
    Made by :mod:`planner.store.rows`; defined here, beside the interface, so that reading needs no rows."""

    __slots__ = ()


class Store(ABC):
    """A Cypher graph store."""

    kind: str = ""
    #: rows (records) per load statement: an ingest cuts its batches here (and at BATCH_SOURCES files)
    load_rows: int = 50_000

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create indexes and constraints if missing (idempotent)."""

    @abstractmethod
    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[Row]:
        """Run one statement; results are plain Python values (nodes become property maps)."""

    @abstractmethod
    def reset(self) -> None:
        """Delete the whole graph."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Where the store is and whether it answers (for ``depwave db status``)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (the embedded server keeps running until ``db stop``)."""

    def query(self, name: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run a read-only catalog query by name."""
        return self.run(catalog.text(name), params or {}, write=False)

    def write(self, name: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run a writing catalog query by name."""
        return self.run(catalog.text(name), params or {}, write=True)

    def load(self, batch: GraphBatch, run: str) -> None:
        """Replace what the batch's sources said before with what they say now, atomically."""
        self.load_prepared(self.prepare_load(batch, run))

    def prepare_load(self, batch: GraphBatch, run: str) -> Any:
        """Everything :meth:`load_prepared` needs, computed without touching the connection (so a
        worker process may do it) and picklable: here the query parameters."""
        return batch.params(run)

    def load_prepared(self, prepared: Any) -> None:
        """Run a load made by :meth:`prepare_load`."""
        self.run(catalog.text("load_sources"), prepared, write=True)

    @property
    def building(self) -> bool:
        """Whether a :meth:`fresh_build` is under way (its loads then go to the graph being built)."""
        return False

    def can_build_fresh(self) -> bool:
        """Whether a large ingest may build the whole graph apart and swap it in (:meth:`fresh_build`):
        a store that can, and holds nothing yet."""
        return False

    def fresh_build(self, run: str) -> contextlib.AbstractContextManager[None]:
        """Around the loads of a first large ingest when :meth:`can_build_fresh`: the loads build the graph
        apart, made the store's on a normal exit (see planner/store/embedded_build.py)."""
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def bulk(self, wait: bool = True) -> Iterator[None]:
        """Around a large ingest: a store may trade per-statement durability for speed here, and
        must have made everything written inside durable again on exit, or, with ``wait=False``, be
        making it so (the caller then waits with :meth:`ensure_durable`)."""
        yield

    def ensure_durable(self) -> None:  # noqa: B027 - optional hook
        """Return once everything written is durable; raise :class:`~planner.errors.StoreNotDurable`
        when the store cannot save it. (Neo4j commits are durable when they return: nothing to do.)"""

    def stats(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type."""
        nodes = {r["label"]: int(r["count"]) for r in self.query("count_nodes")}
        rels = {r["type"]: int(r["count"]) for r in self.query("count_relationships")}
        return {"nodes": nodes, "relationships": rels}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
