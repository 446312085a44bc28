"""Starting the embedded server: private files, a failed start quotes the log, a silent server is
neither reported as running nor started a second time (issue 13, item 8 and the start robustness)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.errors import StoreUnavailable
from planner.store import embedded_server
from planner.store.embedded import EmbeddedStore
from tests.store.conftest import kill_server


@pytest.fixture()
def data(tmp_path: Path):
    path = tmp_path / "dw"
    try:
        yield path
    finally:
        kill_server(path)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of every file and directory under ``root`` (the socket aside)."""
    out = {".": stat.S_IMODE(root.stat().st_mode)}
    for p in root.rglob("*"):
        if not p.is_socket():
            out[p.relative_to(root).as_posix()] = stat.S_IMODE(p.stat().st_mode)
    return out


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_data_directory_is_private(data: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        store = EmbeddedStore(data)
        store.run("CREATE (:Package {purl: 'pkg:npm/a'})", write=True)
        store.close()
        assert embedded_server.stop(data)
    finally:
        os.umask(old)
    found = modes(data)
    for name in ("falkordb/depwave.rdb", "falkordb/appendonlydir", "falkordb.log", ".lock"):
        assert name in found
    dirs = {k: v for k, v in found.items() if (data / k).is_dir()}
    files = {k: v for k, v in found.items() if k not in dirs}
    assert set(dirs.values()) == {0o700}, dirs
    assert set(files.values()) == {0o600}, files


def test_an_existing_open_data_directory_is_made_private(data: Path) -> None:
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "falkordb.log").write_text("an old log\n")
    os.chmod(data / "falkordb.log", 0o644)
    embedded_server.start(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "falkordb.log").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "server.json").stat().st_mode) == 0o600


def test_a_server_that_cannot_start_is_exit_4_quoting_its_log(data: Path) -> None:
    embedded_server.start(data)
    assert embedded_server.stop(data)
    manifest = data / "falkordb" / "appendonlydir" / "appendonly.aof.manifest"
    manifest.write_text("this is not a manifest\n")
    with pytest.raises(StoreUnavailable, match=r"exited while starting; its log says: .*(?i:manifest)"):
        embedded_server.start(data, wait_s=10)
    assert not (data / "server.json").exists()


def test_a_silent_server_is_not_started_twice(data: Path) -> None:
    """A server that stops answering (here: SIGSTOP) is neither reported running nor replaced by a
    second one on the same files; the error names its pid. Once it answers again it is reused."""
    first = embedded_server.start(data)
    os.kill(first.pid, signal.SIGSTOP)
    try:
        assert embedded_server.status(data) is None
        with pytest.raises(StoreUnavailable, match=rf"\(pid {first.pid}\) runs but does not answer"):
            embedded_server.start(data, wait_s=1)
        assert json.loads((data / "server.json").read_text())["pid"] == first.pid
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert embedded_server.start(data) == first


def test_server_json_is_replaced_whole(data: Path) -> None:
    first = embedded_server.start(data)
    kill_server(data)
    second = embedded_server.start(data)
    assert second.pid != first.pid
    assert json.loads((data / "server.json").read_text()) == {"pid": second.pid, "socket": second.socket}
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(".server.json")) == []


def test_stopping_a_silent_server(data: Path) -> None:
    """`db stop` of a hung server neither reports 'not running' (forgetting a live server) nor hangs:
    it says so (exit 4); --no-save kills it."""
    first = embedded_server.start(data)
    os.kill(first.pid, signal.SIGSTOP)
    with pytest.raises(StoreUnavailable, match=rf"\(pid {first.pid}\) runs but does not answer.*--no-save"):
        embedded_server.stop(data, timeout_s=5)
    assert json.loads((data / "server.json").read_text())["pid"] == first.pid
    assert embedded_server.stop(data, save=False, timeout_s=5)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{first.pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{first.pid}").exists() or "Z" in Path(f"/proc/{first.pid}/stat").read_text().split()[2]
    assert not (data / "server.json").exists()


_SILENT_SERVER = """
import os, socket, sys, time
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.bind(sys.argv[1])
sock.listen(16)
with open(sys.argv[2], "a") as log:
    for line in sys.argv[3:]:
        log.write(f"{os.getpid()}:M 05 Dec 2026 22:42:18.260 * {line}\\n")
print("listening", flush=True)
time.sleep(120)  # accepts connections (the kernel queues them) and never answers: busy replaying
"""


def _silent_server(data: Path, *log_lines: str) -> subprocess.Popen:
    """A process that listens on the store's socket and answers nothing, its log lines in redis's
    format: what a server replaying one long append-only-file command looks like from outside."""
    data.mkdir(parents=True, exist_ok=True)
    sock = embedded_server.socket_path(data)
    proc = subprocess.Popen(
        [sys.executable, "-c", _SILENT_SERVER, sock, str(data / "falkordb.log"), *log_lines],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"
    (data / "server.json").write_text(json.dumps({"pid": proc.pid, "socket": sock}))
    return proc


def test_a_server_loading_its_data_is_waited_for_and_never_killed(data: Path, monkeypatch) -> None:
    """While it replays one long command the server answers nothing, not even LOADING: its log saying
    it is loading keeps `start` waiting (a killed one would begin the load again on the next start),
    and past the loading wait the error says it is still loading and leaves it running."""
    proc = _silent_server(data, "Server initialized", "Reading RDB base file on AOF loading...",
                          "DB loaded from base file appendonly.aof.1.base.rdb: 0.001 seconds")  # fmt: skip
    try:
        monkeypatch.setattr(embedded_server, "LOADING_WAIT_S", 2.0)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=rf"\(pid {proc.pid}\) is still loading its data after"):
            embedded_server.start(data, wait_s=0.3)
        assert time.monotonic() - started >= 2.0  # waited past the 0.3 s of silence
        assert proc.poll() is None
        with pytest.raises(StoreUnavailable, match="still loading"):
            embedded_server.stop(data, timeout_s=2)
        assert proc.poll() is None and json.loads((data / "server.json").read_text())["pid"] == proc.pid
    finally:
        proc.kill()
        proc.wait()


def test_a_silent_server_whose_log_says_ready_is_not_taken_for_loading(data: Path) -> None:
    proc = _silent_server(data, "Server initialized", "Reading RDB base file on AOF loading...",
                          "Ready to accept connections unix")  # fmt: skip
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=rf"\(pid {proc.pid}\) runs but does not answer"):
            embedded_server.start(data, wait_s=0.3)
        assert time.monotonic() - started < 5
    finally:
        proc.kill()
        proc.wait()


def test_the_server_runs_one_query_at_a_time(store: EmbeddedStore) -> None:
    """Two query threads lost edges or crashed the server under back-to-back load statements
    (embedded_server.QUERY_THREADS says how it was measured); the server must start with one."""
    reply = store._conn.execute_command("GRAPH.CONFIG", "GET", "THREAD_COUNT")
    assert [str(reply[0]), int(reply[1])] == ["THREAD_COUNT", embedded_server.QUERY_THREADS] == ["THREAD_COUNT", 1]
