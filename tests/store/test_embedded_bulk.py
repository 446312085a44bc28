"""The embedded store's bulk mode: a large ingest runs without the AOF and RDB save points, and
everything it wrote still survives ``db stop`` and a restart; the settings come back afterwards."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

import planner.ingest as ingest_mod
from planner.dependents import find_dependents
from planner.ingest import ingest
from planner.store import embedded_server, persistence
from planner.store.embedded import EmbeddedStore
from tests.store.bulk_org import LOG4J, write_bulk_org


def settings(store: EmbeddedStore) -> tuple[str, str]:
    conn = store._conn
    return conn.config_get("appendonly")["appendonly"], conn.config_get("save")["save"]


def effects_threshold(store: EmbeddedStore) -> int:
    return int(store._conn.execute_command("GRAPH.CONFIG", "GET", "EFFECTS_THRESHOLD")[1])


def test_bulk_ingest_survives_stop_and_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 3)  # 10 files: bulk mode, four loads, one on the thread
    write_bulk_org(tmp_path / "org", 10)
    data = Path(tempfile.mkdtemp(prefix="depwave-bulk-"))
    try:
        store = EmbeddedStore(data)
        store.reset()
        before = settings(store)
        assert before[0] == "yes"
        entered = []
        original = EmbeddedStore.bulk

        def spy(self, wait: bool = True):
            entered.append(True)
            return original(self, wait)

        monkeypatch.setattr(EmbeddedStore, "bulk", spy)
        thresholds = []
        load = EmbeddedStore.load_prepared

        def seen(self, prepared):
            thresholds.append(effects_threshold(self))
            return load(self, prepared)

        monkeypatch.setattr(EmbeddedStore, "load_prepared", seen)
        assert effects_threshold(store) == 0  # every write logged as its effects
        report = ingest(store, [tmp_path / "org"])
        assert entered, "a multi-batch ingest runs in bulk mode"
        assert report.loaded == 10 and not report.errors
        # the loads ran without the copy of their effects (nothing to log them to), then it came back
        assert thresholds == [embedded_server.BULK_EFFECTS_THRESHOLD_US] * 4
        assert effects_threshold(store) == 0
        assert settings(store) == before  # AOF and save points are back
        stats = store.stats()
        answer = find_dependents(store, LOG4J).as_dict()
        store.close()
        assert embedded_server.stop(data)
        assert embedded_server.status(data) is None

        again = EmbeddedStore(data)  # a fresh server process reading what was persisted
        try:
            assert again.server.pid != store.server.pid
            assert again.stats() == stats
            assert find_dependents(again, LOG4J).as_dict() == answer
            assert answer["count"] == 10
        finally:
            again.close()
    finally:
        embedded_server.stop(data)
        shutil.rmtree(data, ignore_errors=True)  # a short path of its own (socket paths are short)


def test_a_bulk_load_that_never_ended_gets_its_settings_back_at_the_next_write(tmp_path: Path) -> None:
    data = Path(tempfile.mkdtemp(prefix="depwave-bulk-"))
    try:
        store = EmbeddedStore(data)
        store.reset()
        conn = store._conn  # what a killed bulk ingest leaves behind
        conn.config_set("save", "")
        conn.config_set("appendonly", "no")
        embedded_server.set_effects_threshold(conn, embedded_server.BULK_EFFECTS_THRESHOLD_US)
        store.run("CREATE (:Repo {key: 'shop'})", write=True)
        assert settings(store) == ("yes", embedded_server.SAVE)
        assert effects_threshold(store) == embedded_server.EFFECTS_THRESHOLD_US
        store.close()
    finally:
        embedded_server.stop(data)
        shutil.rmtree(data, ignore_errors=True)  # a short path of its own (socket paths are short)


def test_the_loads_are_checked_while_the_aof_base_is_written(
    tmp_path: Path, short_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk mode ends with the last load: the check of the loads and the clean-up run with the AOF back
    on (its new base written by a forked child meanwhile), and the ingest returns only once that base
    is written; a file the check loads again then survives a restart with the rest."""
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 3)  # 10 files: bulk mode, four loads
    write_bulk_org(tmp_path / "org", 10)
    data = short_data_dir
    try:
        store = EmbeddedStore(data)
        store.reset()
        events: list[tuple[str, str]] = []
        check, clean, durable = ingest_mod.run._check_loads, ingest_mod.run._clean_up, EmbeddedStore.ensure_durable

        def checked(job, report, loads):
            events.append(("check", settings(store)[0]))
            lost = sorted(loads.expected.edges)[0]  # as if the store had dropped one file's edges
            store.write("delete_sources", {"sources": [lost], "sep": ingest_mod.run.SEP_PARAM})
            return check(job, report, loads)

        def cleaned(*args, **kwargs):
            events.append(("clean", settings(store)[0]))
            return clean(*args, **kwargs)

        def waited(self, *args, **kwargs):
            events.append(("durable", settings(self)[0]))
            return durable(self, *args, **kwargs)

        monkeypatch.setattr(ingest_mod.run, "_check_loads", checked)
        monkeypatch.setattr(ingest_mod.run, "_clean_up", cleaned)
        monkeypatch.setattr(EmbeddedStore, "ensure_durable", waited)
        report = ingest(store, [tmp_path / "org"])
        assert report.loaded == 10 and not report.errors
        assert any("loaded again" in w for w in report.warnings)
        assert events[:2] == [("check", "yes"), ("clean", "yes")]  # bulk mode was over: the AOF was on
        assert events[-1][0] == "durable"  # and the ingest waited for it last
        assert not persistence.awaited(store._conn.info("persistence"))
        answer = find_dependents(store, LOG4J).as_dict()
        assert answer["count"] == 10
        store.close()
        assert embedded_server.stop(data)
        again = EmbeddedStore(data)  # a fresh server process reading what was persisted
        try:
            assert find_dependents(again, LOG4J).as_dict() == answer
        finally:
            again.close()
    finally:
        embedded_server.stop(data)
