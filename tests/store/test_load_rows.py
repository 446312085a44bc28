"""An ingest cuts its load statements at its store's ``load_rows`` (and at BATCH_SOURCES files), in this
process and in the workers alike; the graph it loads does not depend on where the cuts fall."""

from __future__ import annotations

import pytest

import planner.ingest as ingest_mod
from planner.dependents import find_dependents
from planner.ingest import ingest
from planner.store.embedded import EmbeddedStore
from tests.store.bulk_org import LOG4J, write_bulk_org


@pytest.mark.parametrize("workers", [0, 2])
def test_statements_are_cut_at_the_stores_load_rows(
    store: EmbeddedStore, tmp_path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    write_bulk_org(tmp_path / "org", 10)
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", str(workers))
    monkeypatch.setattr(ingest_mod.workers, "WORKER_MIN_FILES", 1)
    statements: list[int] = []
    original = EmbeddedStore.load_prepared

    def counted(self, prepared):
        statements.append(1)
        return original(self, prepared)

    monkeypatch.setattr(EmbeddedStore, "load_prepared", counted)
    graphs = []
    for rows, expected in ((1, 10), (EmbeddedStore.load_rows, 1)):  # one file per statement; all ten in one
        store.reset()
        monkeypatch.setattr(store, "load_rows", rows)
        statements.clear()
        report = ingest(store, [tmp_path / "org"])
        assert report.loaded == 10 and not report.errors
        assert len(statements) == expected
        graphs.append((store.stats(), find_dependents(store, LOG4J).as_dict()["count"]))
    assert graphs[0] == graphs[1]
    assert graphs[0][1] == 10
