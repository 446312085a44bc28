"""A Neo4j address that accepts connections but never answers: exit 4 within seconds (issue 13, item 9)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.errors import StoreUnavailable
from planner.store.neo4j_store import Neo4jStore


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A TCP port on localhost that accepts every connection and never sends a byte."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield srv.getsockname()[1]
    finally:
        srv.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_silent_neo4j_fails_within_seconds(silent_port: int, scheme: str) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=r"cannot reach Neo4j at .* within 5 s"):
        Neo4jStore(f"{scheme}://127.0.0.1:{silent_port}", "neo4j", "secret")
    assert time.monotonic() - started < 15  # was 61 s


def test_silent_neo4j_is_exit_4_on_the_command_line(silent_port: int) -> None:
    env = {"DEPWAVE_STORE": "neo4j", "NEO4J_URI": f"bolt://127.0.0.1:{silent_port}", "NEO4J_PASSWORD": "x"}
    res = CliRunner().invoke(cli, ["db", "status"], env=env)
    assert res.exit_code == 4
    assert "within 5 s" in res.output
