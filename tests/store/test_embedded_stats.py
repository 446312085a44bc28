"""The embedded store's counts come from FalkorDB's statistics; they must equal counting the graph."""

from __future__ import annotations

import shutil
from pathlib import Path

from planner.ingest import ingest
from planner.store.base import Store
from planner.store.embedded import EmbeddedStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def counted(store: EmbeddedStore) -> dict[str, dict[str, int]]:
    """What the counting queries (count_nodes, count_relationships) say: Neo4j's way."""
    return Store.stats(store)


def test_statistics_equal_the_counted_graph_after_loads_and_prunes(store: EmbeddedStore, tmp_path: Path) -> None:
    store.reset()
    assert store.stats() == counted(store) == {"nodes": {}, "relationships": {}}
    org = tmp_path / "org"
    shutil.copytree(EXAMPLES, org)
    ingest(store, [org])
    full = store.stats()
    assert full == counted(store)
    assert full["relationships"]["DEPENDS_ON"] > 0 and full["nodes"]["Project"] > 5
    victim = sorted(p for p in org.iterdir() if p.is_dir())[0]
    shutil.rmtree(victim)  # its files pruned, their edges and orphaned nodes deleted
    report = ingest(store, [org])
    assert report.pruned > 0
    after = store.stats()
    assert after == counted(store) and after != full
    store.reset()
    assert store.stats() == counted(store) == {"nodes": {}, "relationships": {}}


def test_statistics_survive_a_restart_of_the_server(tmp_path: Path) -> None:
    from planner.store import embedded_server

    data = tmp_path / "data"
    first = EmbeddedStore(data)
    try:
        ingest(first, [EXAMPLES])
        before = first.stats()
    finally:
        first.close()
        embedded_server.stop(data)  # saved; the next open starts a new server that loads it
    again = EmbeddedStore(data)
    try:
        assert again.stats() == before == counted(again)
    finally:
        again.close()
        embedded_server.stop(data)
