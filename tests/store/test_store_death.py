"""The store killed mid-ingest, and the ingest killed mid-way (issue 13, items 4 and 5): real kills."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import planner.ingest as ingest_mod
from planner.cli import cli
from planner.dependents import find_dependents
from planner.store.embedded import EmbeddedStore
from tests.store.conftest import LOG4J, alive, children, kill_ingest_when, kill_server, write_service_sboms

STOPPED = re.compile(
    r"the store stopped during the ingest; (\d+) of (\d+) files were loaded, run the same command again to finish"
)


def kill_on_load(monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """SIGKILL the server as the ``at``-th load statement is sent (worker or in-process path)."""
    calls = []
    original = EmbeddedStore.load_prepared

    def killing(self, prepared):
        calls.append(1)
        if len(calls) == at:
            kill_server(self.data_dir)
        return original(self, prepared)

    monkeypatch.setattr(EmbeddedStore, "load_prepared", killing)


def dependents(data: Path) -> int:
    store = EmbeddedStore(data)
    try:
        return find_dependents(store, LOG4J).as_dict()["count"]
    finally:
        store.close()


def test_store_killed_mid_ingest_is_exit_4_and_the_rerun_finishes(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "0")
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 5)  # 60 files, 12 loads of 5 in file order
    org = write_service_sboms(tmp_path / "org", 60, 3)
    kill_on_load(monkeypatch, at=3)
    started = time.monotonic()
    res = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(org)])
    assert res.exit_code == 4, res.output  # was 70 (internal error) after ~40 s
    m = STOPPED.search(res.stderr)
    assert m, res.stderr
    assert (int(m[1]), int(m[2])) == (10, 60)  # loads 1 and 2 went through
    assert "stopped answering" in res.stderr
    assert time.monotonic() - started < 30

    monkeypatch.undo()
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "0")
    res = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(org)])  # a new server is started
    assert res.exit_code == 0, res.output
    assert dependents(data) == 60


def test_store_killed_mid_ingest_with_workers_leaves_no_worker(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPWAVE_INGEST_WORKERS", "2")
    monkeypatch.setattr(ingest_mod.workers, "WORKER_MIN_FILES", 1)
    monkeypatch.setattr(ingest_mod.batches, "BATCH_SOURCES", 5)
    monkeypatch.setattr(ingest_mod.workers, "CHUNK_FILES", 8)
    org = write_service_sboms(tmp_path / "org", 60, 3)
    kill_on_load(monkeypatch, at=3)
    before = children(os.getpid())  # a session may have other children (a browser of another test)
    res = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(org)])
    assert res.exit_code == 4, res.output
    m = STOPPED.search(res.stderr)
    assert m and int(m[1]) < 60 and m[2] == "60", res.stderr
    assert not [p for p in children(os.getpid()) - before if alive(p)], "the forked workers are gone"
    assert not multiprocessing.active_children()

    res = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(org)])
    assert res.exit_code == 0, res.output
    assert dependents(data) == 60


def test_killed_cli_takes_its_workers_with_it(data: Path, tmp_path: Path) -> None:
    """kill -9 of `depwave ingest` while its forked workers parse: they die with it (they used to
    stay, blocked on a pipe, ~170 MB each, forever)."""
    org = write_service_sboms(tmp_path / "org", 2_400, 40)  # over WORKER_MIN_FILES: the real CLI forks workers
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data), "DEPWAVE_INGEST_WORKERS": "2"}
    cmd = [sys.executable, "-c", "from planner.cli import main; main()"]
    assert subprocess.run([*cmd, "db", "start"], env=env, capture_output=True).returncode == 0
    proc = subprocess.Popen([*cmd, "ingest", str(org)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = {p for p in children(proc.pid) if alive(p)}
            time.sleep(0.01)
        assert len(workers) == 2, "the ingest forked two workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in workers if alive(p)], "no worker outlives the CLI"
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in workers:  # reparented once the CLI is gone: only their pids find them
            if alive(p):
                os.kill(p, signal.SIGKILL)


def projects(data: Path) -> int:
    store = EmbeddedStore(data)
    try:
        return store.stats()["nodes"].get("Project", 0)
    finally:
        store.close()


def bulk_mode(data: Path) -> bool:
    store = EmbeddedStore(data)
    try:
        return store._conn.config_get("appendonly")["appendonly"] == "no"
    finally:
        store.close()


def test_a_bulk_ingest_killed_midway_loses_nothing_it_loaded(data: Path, tmp_path: Path) -> None:
    """kill -9 of an ingest in bulk mode leaves the server with its AOF and save points off; what it
    loaded was in no file a restart reads (db stop said 'stopped' and the restart had none of it).
    The next write or `db stop` switches persistence back on first."""
    # over WORKER_MIN_FILES; bulk mode once BULK_AFTER_ROWS rows are to be loaded (~40 rows a file here,
    # the shared packages written once), before the second chunk. The chunks are sized by the store's
    # load_rows (chunk_bytes: 638, then 1,000 files each at 150,000 rows): 4,000 files leave three loads
    # after the second, so the kill lands in the middle (2,400 files left one, which could finish first)
    files = 4_000
    org = write_service_sboms(tmp_path / "org", files, 40)
    # through load statements: a first ingest this large is otherwise built apart, all or nothing
    # (tests/store/test_fresh_build.py kills one)
    env = {**os.environ, "DEPWAVE_DATA_DIR": str(data), "DEPWAVE_INGEST_WORKERS": "2", "DEPWAVE_FRESH_BUILD": "0"}
    cmd = [sys.executable, "-c", "from planner.cli import main; main()"]
    kill_ingest_when(cmd, env, org, lambda: bool(projects(data) and bulk_mode(data)))
    time.sleep(1)  # let the killed workers go and a load already sent finish
    loaded = projects(data)
    assert 0 < loaded < files, "killed in the middle"
    store = EmbeddedStore(data)
    assert store._conn.config_get("appendonly")["appendonly"] == "no", "the fault: bulk mode left on"
    store.close()

    res = subprocess.run([*cmd, "db", "stop"], env=env, capture_output=True, text=True)
    assert res.returncode == 0 and "saved: True" in res.stdout, res.stderr
    assert projects(data) == loaded  # a fresh server, from the files


def test_a_server_that_stops_answering_is_exit_4_not_a_hang(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real fault: the server frozen (SIGSTOP) while a command waits for its reply."""
    import planner.store.embedded as embedded_mod
    from planner.errors import StoreUnavailable

    store = EmbeddedStore(data)
    store.run("CREATE (:Repo {key: 'shop'})", write=True)
    monkeypatch.setattr(embedded_mod, "QUERY_TIMEOUT_S", 0.5)
    monkeypatch.setattr(embedded_mod, "REPLY_MARGIN_S", 1.0)
    pid = store.server.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="stopped answering"):
            store.run("MATCH (r:Repo) RETURN r.key AS k")
        assert time.monotonic() - started < 10
    finally:
        os.kill(pid, signal.SIGCONT)
        store.close()
    again = EmbeddedStore(data)  # the server itself was only frozen: the next command finds it
    try:
        assert again.run("MATCH (r:Repo) RETURN r.key AS k") == [{"k": "shop"}]
    finally:
        again.close()
