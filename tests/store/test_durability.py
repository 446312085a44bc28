"""Disk full: no ingest or stop reports success for data a restart would lose (issue 13, item 1).

The faults are real: the data directory sits on a 4 MiB tmpfs that a filler file makes full."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import planner.ingest as ingest_mod
from planner.cli import cli
from planner.dependents import find_dependents
from planner.store import embedded_server
from planner.store.embedded import EmbeddedStore
from tests.store.conftest import LOG4J, fill, write_service_sboms


def run(data: Path, *args: str):
    return CliRunner().invoke(cli, ["--data-dir", str(data), *args])


def reopened(data: Path) -> tuple[int, int]:
    """(log4j dependents, Project nodes) read by a fresh server process from what was saved."""
    assert embedded_server.status(data) is None, "the old server is gone"
    store = EmbeddedStore(data)
    try:
        return find_dependents(store, LOG4J).as_dict()["count"], store.stats()["nodes"].get("Project", 0)
    finally:
        store.close()
        embedded_server.stop(data)


def test_disk_full_during_a_bulk_ingest(small_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk load fits in memory but its AOF rewrite cannot be written: exit 4, not "ok"; `db stop`
    answers at once, keeps the server (and the data) alive; after freeing space the same command
    finishes and everything is there after a restart."""
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 10)  # 60 files: bulk mode, six loads
    org = write_service_sboms(tmp_path / "org", 60, 30)
    data = small_disk / "dw"
    assert run(data, "db", "start").exit_code == 0
    filler = fill(small_disk, leave=64 * 1024)  # the graph's AOF base is ~200 KB

    res = run(data, "ingest", str(org))
    assert res.exit_code == 4, res.output
    assert "cannot save to disk" in res.stderr
    assert "No space left on device" in res.stderr
    assert "run the same command again" in res.stderr
    assert "60 of 60 files were loaded into its memory" in res.stderr
    assert "ingest ok" not in res.stdout

    started = time.monotonic()
    res = run(data, "db", "stop")
    assert res.exit_code == 4, res.output
    assert "could not save" in res.stderr and "--no-save" in res.stderr
    assert time.monotonic() - started < 15  # was 631 s, then "stopped: True" and the data gone
    assert embedded_server.status(data) is not None, "a server that cannot save keeps running"

    filler.unlink()
    res = run(data, "ingest", str(org))
    assert res.exit_code == 0, res.output
    assert "60 unchanged" in res.stdout  # already in memory; now also on disk
    res = run(data, "db", "stop")
    assert res.exit_code == 0 and "saved: True" in res.stdout
    assert reopened(data) == (60, 60)


def test_disk_full_during_a_small_ingest(small_disk: Path, tmp_path: Path) -> None:
    """Outside bulk mode every write is synced before the server answers; the AOF write fails, the
    server exits rather than answer, and the ingest exits 4 naming the cause. Nothing reported
    loaded is lost: the re-run after freeing space loads all and it survives a restart."""
    org = write_service_sboms(tmp_path / "org", 5, 30)
    data = small_disk / "dw"
    assert run(data, "db", "start").exit_code == 0
    filler = fill(small_disk, leave=4 * 1024)  # one load statement is ~40 KB of AOF

    res = run(data, "ingest", str(org))
    assert res.exit_code == 4, res.output
    assert "the store stopped during the ingest; 0 of 5 files were loaded" in res.stderr
    assert "run the same command again to finish" in res.stderr
    assert "AOF" in res.stderr and "free space" in res.stderr

    filler.unlink()
    res = run(data, "ingest", str(org))
    assert res.exit_code == 0, res.output
    assert "5 loaded" in res.stdout
    assert run(data, "db", "stop").exit_code == 0
    assert reopened(data) == (5, 5)


def test_stop_without_saving_when_the_disk_stays_full(small_disk: Path, tmp_path: Path) -> None:
    """`db stop --no-save` is the way out when space cannot be freed; it says it did not save."""
    org = write_service_sboms(tmp_path / "org", 20, 30)
    data = small_disk / "dw"
    assert run(data, "ingest", str(org)).exit_code == 0
    fill(small_disk, leave=16 * 1024)
    assert run(data, "db", "stop").exit_code == 4  # the final snapshot does not fit
    res = run(data, "db", "stop", "--no-save", "--format", "json")
    assert res.exit_code == 0, res.output
    assert '"saved": false' in res.stdout and '"stopped": true' in res.stdout
    assert embedded_server.status(data) is None
