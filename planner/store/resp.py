"""A small RESP client for the embedded store's unix socket, on ``hiredis``'s reply parser.

Every depwave command talks to the embedded FalkorDB server, and importing redis-py (which the
falkordb client pulls in) cost ~95 ms of a ~200 ms command. The embedded store needs only a handful
of commands on one local socket, no pools, retries or cluster support: this module sends them and
reads the replies with ``hiredis.Reader`` (already a dependency), in ~2 ms of imports.

The surface mirrors the part of redis-py depwave used (``execute_command``, ``info``, ``config_set``,
``ping``, ``close``) so the store code reads the same; errors are this module's own classes.
"""

from __future__ import annotations

import socket
from typing import Any

import hiredis

_RECV_BYTES = 1 << 20  # load statements' replies are small, a large read's can be tens of MB


class RespError(Exception):
    """Anything that went wrong talking to the server."""


class ConnectionLost(RespError):
    """The socket could not be opened, or the server closed it."""


class Timeout(RespError):
    """No (complete) reply within the client's timeout."""


class ReplyError(RespError):
    """An error reply from the server (``-ERR ...``); also found inside a reply as its last element
    when FalkorDB reports a run-time error of a query."""


class BusyLoading(ReplyError):
    """The server is still loading its data set (``-LOADING ...``)."""


class _ProtocolError(RespError):
    """The bytes from the server are not RESP (never expected from redis)."""


#: an argument at least this long is sent on its own rather than joined into one buffer with the rest
#: (a load statement is tens of MB: joining copied it once more in this process)
_SEND_APART = 1 << 16


def _encode(args: tuple[Any, ...]) -> list[bytes]:
    """The command in RESP, as buffers to send in order: small parts joined, each big argument apart."""
    out: list[bytes] = []
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n" % len(data))
        if len(data) >= _SEND_APART:
            out.append(b"".join(parts))
            out.append(data)
            parts = []
        else:
            parts.append(data)
        parts.append(b"\r\n")
    out.append(b"".join(parts))
    return out


def _info_value(text: str) -> Any:
    """INFO values as redis-py gives them: integers and floats converted, the rest as text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_info(text: str) -> dict[str, Any]:
    """The ``key:value`` lines of an INFO reply (section headers and blank lines skipped)."""
    out: dict[str, Any] = {}
    for line in text.splitlines():
        if not line or line.startswith("#") or ":" not in line:
            continue
        key, _, value = line.partition(":")
        out[key] = _info_value(value.strip())
    return out


class Connection:
    """One connection to a redis server on a unix socket; not thread-safe (depwave uses one per process)."""

    def __init__(self, path: str, *, timeout_s: float | None = None, connect_timeout_s: float = 5.0) -> None:
        self.path = path
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._sock.settimeout(connect_timeout_s)
            self._sock.connect(path)
            self._sock.settimeout(timeout_s)
        except TimeoutError as exc:
            self._sock.close()
            raise Timeout(f"connecting to {path} timed out") from exc
        except OSError as exc:
            self._sock.close()
            raise ConnectionLost(f"cannot connect to {path}: {exc.strerror or exc}") from exc
        self._reader = self._new_reader()

    @staticmethod
    def _new_reader() -> hiredis.Reader:
        return hiredis.Reader(protocolError=_ProtocolError, replyError=ReplyError, encoding="utf-8", errors="replace")

    def execute_command(self, *args: Any) -> Any:
        """Send one command and return its reply; an error reply is raised as :class:`ReplyError`
        (:class:`BusyLoading` while the server loads its data)."""
        if self._sock is None:
            raise ConnectionLost("the connection is closed")
        try:
            for buffer in _encode(args):
                self._sock.sendall(buffer)
            reply = self._read()
        except TimeoutError as exc:
            waited = self._sock.gettimeout() if self._sock is not None else None
            self._drop()  # a late reply would be read as the next command's
            raise Timeout(f"no reply to {args[0]} within {waited} s") from exc
        except OSError as exc:
            self._drop()
            raise ConnectionLost(f"connection to {self.path} lost: {exc.strerror or exc}") from exc
        if isinstance(reply, ReplyError):
            if str(reply).startswith("LOADING"):
                raise BusyLoading(str(reply))
            raise reply
        return reply

    def _read(self) -> Any:
        while True:
            reply = self._reader.gets()
            if reply is not False:
                return reply
            data = self._sock.recv(_RECV_BYTES)
            if not data:
                self._drop()
                raise ConnectionLost(f"the server at {self.path} closed the connection")
            self._reader.feed(data)

    def set_timeout(self, timeout_s: float | None) -> None:
        """Wait at most ``timeout_s`` seconds for each reply from now on (None: no limit)."""
        if self._sock is not None:
            self._sock.settimeout(timeout_s)

    def ping(self) -> bool:
        """True when the server answers PING."""
        return self.execute_command("PING") == "PONG"

    def info(self, section: str) -> dict[str, Any]:
        """One INFO section as a dict (numbers converted)."""
        return parse_info(self.execute_command("INFO", section))

    def config_set(self, name: str, value: str) -> bool:
        """``CONFIG SET name value``."""
        return self.execute_command("CONFIG", "SET", name, value) == "OK"

    def config_get(self, name: str) -> dict[str, str]:
        """``CONFIG GET name`` as a dict of the matching settings."""
        flat = self.execute_command("CONFIG", "GET", name)
        return dict(zip(flat[::2], flat[1::2], strict=True))

    def _drop(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self._drop()
