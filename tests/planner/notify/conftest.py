"""A scripted HTTP server on 127.0.0.1 standing in for the GitHub issues API and a Slack webhook."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able, or bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: Any


class FakeServer:
    """Answers each POST to a path with the next scripted :class:`Reply` (the last one repeats) and
    keeps every request it saw."""

    def __init__(self) -> None:
        self.script: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        self.url = ""

    def on(self, path: str, *replies: Reply) -> None:
        self.script[path] = list(replies)

    def next_reply(self, path: str) -> Reply:
        replies = self.script.get(path) or [Reply(404, {"message": "Not Found"})]
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def hits(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)


@pytest.fixture()
def server() -> Iterator[FakeServer]:
    fake = FakeServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            fake.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            reply = fake.next_reply(self.path)
            time.sleep(reply.delay)
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that timed out and left
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
