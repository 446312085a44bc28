"""OSV API client against a real HTTP server on 127.0.0.1 serving recorded answers, errors and stalls."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from planner.advisories import osv_api
from planner.advisories.osv_api import OsvCacheMiss, OsvClient, OsvError, OsvUnavailable, Query
from tests.conftest import FIXTURES

DIR = FIXTURES / "osv"
API = DIR / "api"
#: the slow endpoints stall until the test ends (the server's ``release`` event); this only bounds a
#: stall should the event never be set. Clients here time out after 0.15 s.
MAX_STALL = 30.0
VULNS = {
    "GHSA-2222-3333-4444": (DIR / "one-package.json").read_bytes(),
    "GO-2024-0005": (DIR / "vulndb/data/osv/GO-2024-0005.json").read_bytes(),
    "NOTOSV-1": b'{"hello": "world"}',
}
BATCH_BY_NAME = dict(
    zip(
        ["com.example:example-lib", "nothing", "example.com/web"],
        json.loads((API / "querybatch.json").read_text(encoding="utf-8"))["results"],
        strict=True,
    )
)


class Handler(BaseHTTPRequestHandler):
    hits: Counter[str]
    flaky: Counter[str]
    release: threading.Event  # set when the test is over: the slow endpoints answer then

    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
        except (BrokenPipeError, ConnectionResetError):
            return
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that timed out and left
            self.wfile.write(body)

    def do_GET(self) -> None:
        self.hits[self.path] += 1
        vuln = self.path.removeprefix("/v1/vulns/")
        if vuln in VULNS:
            self.send(200, VULNS[vuln])
        elif vuln == "BOOM-1":
            self.send(500, b'{"code": 13, "message": "internal"}')
        elif vuln == "GARBAGE-1":
            self.send(200, b"<html>proxy error</html>")
        elif vuln == "SLOW-1":
            self.release.wait(MAX_STALL)
            self.send(200, VULNS["GHSA-2222-3333-4444"])
        elif vuln in ("FLAKY-1", "RATE-1"):
            self.flaky[vuln] += 1
            if self.flaky[vuln] == 1:
                self.send(500 if vuln == "FLAKY-1" else 429, b"{}", {"Retry-After": "0"})
            else:
                self.send(200, VULNS["GO-2024-0005"])
        elif vuln == "BAD-REQUEST-1":
            self.send(400, b'{"message": "Invalid query"}')
        else:
            self.send(404, b'{"code": 5, "message": "Bug not found."}')

    def do_POST(self) -> None:
        self.hits[self.path] += 1
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/v1/query":
            name = body.get("package", {}).get("name")
            if name == "boom":
                self.send(500, b"{}")
            elif name == "com.example:example-lib":
                page = "query-page2.json" if body.get("page_token") == "page-2" else "query-page1.json"
                self.send(200, (API / page).read_bytes())
            else:
                self.send(200, b"{}")
            return
        names = [q.get("package", {}).get("name") for q in body["queries"]]
        if "boom" in names:
            self.send(500, b"{}")
        elif "short" in names:
            self.send(200, b'{"results": []}')
        elif "slow" in names:
            self.release.wait(MAX_STALL)
            self.send(200, b'{"results": []}')
        else:
            results = [BATCH_BY_NAME.get(n, {}) if n != "odd" else "?" for n in names]
            self.send(200, json.dumps({"results": results}).encode())


@pytest.fixture()
def server() -> Iterator[tuple[str, Counter[str]]]:
    """A real HTTP server on 127.0.0.1 (port 0) and its per-path request counter; the slow endpoints
    answer only when the test is over, so a client's timeout never races a sleep."""
    hits: Counter[str] = Counter()
    release = threading.Event()
    handler = type("H", (Handler,), {"hits": hits, "flaky": Counter(), "release": release})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()


def client(base: str, **kw) -> OsvClient:
    kw.setdefault("timeout", 0.15)
    kw.setdefault("attempts", 2)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("sleep", lambda s: None)
    return OsvClient(base, **kw)


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_get_vuln(server) -> None:
    base, hits = server
    with client(base) as c:
        adv = c.get_vuln("GHSA-2222-3333-4444")
    assert adv.id == "GHSA-2222-3333-4444"
    assert adv.affected[0].package.purl == "pkg:maven/com.example/example-lib"
    assert hits["/v1/vulns/GHSA-2222-3333-4444"] == 1


def test_get_vulns_per_item_errors_and_the_rest_still_returned(server, tmp_path: Path) -> None:
    base, hits = server
    ids = ["GHSA-2222-3333-4444", "BOOM-1", "GARBAGE-1", "SLOW-1", "MISSING-1", "NOTOSV-1", "BAD-REQUEST-1"]
    with client(base, cache_dir=tmp_path) as c:
        got = {f.id: f for f in c.get_vulns(ids)}
    assert got["GHSA-2222-3333-4444"].advisory.id == "GHSA-2222-3333-4444"
    assert got["BOOM-1"].error == f"{base}/v1/vulns/BOOM-1: HTTP 500 (after 2 attempts)"
    assert got["GARBAGE-1"].error == f"{base}/v1/vulns/GARBAGE-1: the answer is not JSON: '<html>proxy error</html>'"
    assert got["SLOW-1"].error == f"{base}/v1/vulns/SLOW-1: no answer within 0.15s (after 2 attempts)"
    assert got["MISSING-1"].error == f"{base}/v1/vulns/MISSING-1: not found (HTTP 404)"
    assert got["NOTOSV-1"].error == f"{base}/v1/vulns/NOTOSV-1: the answer is not an OSV record"
    assert got["BAD-REQUEST-1"].error.endswith('HTTP 400: \'{"message": "Invalid query"}\'')
    assert hits["/v1/vulns/BOOM-1"] == 2 and hits["/v1/vulns/MISSING-1"] == 1 and hits["/v1/vulns/GARBAGE-1"] == 1
    # only the good answer was cached, whole
    (entry,) = cache_files(tmp_path)
    assert json.loads(entry.read_text())["response"]["id"] == "GHSA-2222-3333-4444"


def test_retries_with_backoff_on_500_and_429(server) -> None:
    base, hits = server
    slept: list[float] = []
    with client(base, attempts=3, backoff=0.5, max_backoff=0.75, sleep=slept.append) as c:
        assert c.get_vuln("FLAKY-1").id == "GO-2024-0005"
        assert c.get_vuln("RATE-1").id == "GO-2024-0005"
        with pytest.raises(OsvError, match="HTTP 500 \\(after 3 attempts\\)"):
            c.get_vuln("BOOM-1")
    assert hits["/v1/vulns/FLAKY-1"] == 2 and hits["/v1/vulns/BOOM-1"] == 3
    assert slept == [0.5, 0.5, 0.5, 0.75]  # 2**n growth, capped at max_backoff


def test_unreachable_raises_one_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with client(base) as c, pytest.raises(OsvUnavailable, match=f"^cannot reach {base}: "):
        c.get_vulns(["GHSA-2222-3333-4444", "GO-2024-0005"])
    with client(base) as c, pytest.raises(OsvUnavailable):
        c.query_batch([Query("Maven", "com.example:example-lib", "1.0")])


def test_query_follows_pages_and_caches(server, tmp_path: Path) -> None:
    base, hits = server
    q = Query("Maven", "com.example:example-lib", "1.1.0")
    with client(base, cache_dir=tmp_path) as c:
        first = c.query(q)
        again = c.query(q)
    assert [f.advisory.id for f in first] == ["GHSA-2222-3333-4444", "OSV-2024-0099"]
    assert [f.advisory.id for f in again] == ["GHSA-2222-3333-4444", "OSV-2024-0099"]
    assert hits["/v1/query"] == 2  # two pages, once
    assert first[0].advisory.affected[0].is_affected("1.1.0") is True
    with client(base) as c, pytest.raises(OsvError, match="/v1/query: HTTP 500"):
        c.query(Query("Maven", "boom"))


def test_ttl_expiry_refetches_and_offline_uses_stale_entries(server, tmp_path: Path) -> None:
    base, hits = server
    now = [1_000_000.0]
    with client(base, cache_dir=tmp_path, ttl=60, clock=lambda: now[0]) as c:
        c.get_vuln("GO-2024-0005")
        now[0] += 59
        c.get_vuln("GO-2024-0005")
        assert hits["/v1/vulns/GO-2024-0005"] == 1
        now[0] += 2
        c.get_vuln("GO-2024-0005")
        assert hits["/v1/vulns/GO-2024-0005"] == 2
    now[0] += 10_000
    with client(base, cache_dir=tmp_path, ttl=60, clock=lambda: now[0], offline=True) as c:
        assert c.get_vuln("GO-2024-0005").id == "GO-2024-0005"
        with pytest.raises(OsvCacheMiss, match=f"^offline: no cached answer for GET {base}/v1/vulns/GHSA-2222"):
            c.get_vuln("GHSA-2222-3333-4444")
        (miss,) = c.get_vulns(["GHSA-2222-3333-4444"])
        assert miss.error.startswith("offline: no cached answer")
    assert hits["/v1/vulns/GO-2024-0005"] == 2
    with pytest.raises(OsvError, match="offline mode needs a cache directory"):
        OsvClient(base, offline=True)


def test_corrupt_cache_entry_is_a_miss(server, tmp_path: Path) -> None:
    base, hits = server
    with client(base, cache_dir=tmp_path) as c:
        c.get_vuln("GO-2024-0005")
        (entry,) = cache_files(tmp_path)
        entry.write_text('{"fetched_at": 1, "resp')
        assert c.get_vuln("GO-2024-0005").id == "GO-2024-0005"
    assert hits["/v1/vulns/GO-2024-0005"] == 2
    assert json.loads(entry.read_text())["response"]["id"] == "GO-2024-0005"


def test_a_failed_cache_write_leaves_no_partial_entry(server, tmp_path: Path, monkeypatch) -> None:
    base, _ = server

    def dump_half(obj, fh) -> None:
        fh.write('{"fetched_at": 1, "respo')
        raise OSError("disk full")

    monkeypatch.setattr(osv_api.json, "dump", dump_half)
    with client(base, cache_dir=tmp_path) as c, pytest.raises(OSError, match="disk full"):
        c.get_vuln("GO-2024-0005")
    assert cache_files(tmp_path) == []


def test_query_batch_results_in_order_with_cache(server, tmp_path: Path) -> None:
    base, hits = server
    queries = [
        Query("Maven", "com.example:example-lib", "1.1.0"),
        Query("npm", "nothing", "1.0.0"),
        Query(purl="pkg:golang/example.com/web@v0.4.0"),
        Query("Go", "example.com/web", "v0.4.0"),
    ]
    with client(base, cache_dir=tmp_path) as c:
        got = c.query_batch(queries)
        assert [r.query for r in got] == queries
        assert [[v.id for v in r.vulns] for r in got] == [
            ["GHSA-2222-3333-4444", "OSV-2024-0099"],
            [],
            [],  # purl queries have no name: the recorded server knows nothing for them
            ["GO-2024-0005"],
        ]
        assert got[0].vulns[0].modified == "2024-03-05T10:00:00Z"
        assert all(r.error is None for r in got)
        again = c.query_batch([queries[3], Query("npm", "new", "1.0.0")])
    assert [[v.id for v in r.vulns] for r in again] == [["GO-2024-0005"], []]
    assert hits["/v1/querybatch"] == 2
    with client(base, cache_dir=tmp_path, offline=True) as c:
        off = c.query_batch([queries[0], Query("npm", "uncached", "1.0.0")])
    assert [v.id for v in off[0].vulns] == ["GHSA-2222-3333-4444", "OSV-2024-0099"]
    assert off[1].error == "offline: no cached answer for npm/uncached@1.0.0"


def test_query_batch_bad_chunks_fail_only_their_items(server, monkeypatch) -> None:
    base, _ = server
    monkeypatch.setattr(osv_api, "BATCH_LIMIT", 2)
    queries = [
        Query("Maven", "com.example:example-lib", "1.1.0"),
        Query("npm", "boom", "1.0.0"),  # chunk 1: HTTP 500
        Query("npm", "short", "1.0.0"),  # chunk 2: wrong number of results
        Query("npm", "x", "1.0.0"),
        Query("Go", "example.com/web", "v0.4.0"),  # chunk 3: one malformed item
        Query("npm", "odd", "1.0.0"),
        Query("npm", "slow", "1.0.0"),  # chunk 4: too slow
    ]
    with client(base) as c:
        got = c.query_batch(queries)
    errors = [r.error for r in got]
    assert errors[0] == errors[1] == f"{base}/v1/querybatch: HTTP 500 (after 2 attempts)"
    assert errors[2] == errors[3] == f"{base}/v1/querybatch: unexpected answer (results do not match the queries)"
    assert errors[4] is None and [v.id for v in got[4].vulns] == ["GO-2024-0005"]
    assert errors[5] == f"{base}/v1/querybatch: malformed result for npm/odd@1.0.0"
    assert errors[6] == f"{base}/v1/querybatch: no answer within 0.15s (after 2 attempts)"


def test_query_body() -> None:
    assert Query("PyPI", "requests", "2.30.0").body() == {
        "version": "2.30.0",
        "package": {"name": "requests", "ecosystem": "PyPI"},
    }
    assert Query(purl="pkg:npm/lodash@4.17.19").body() == {"package": {"purl": "pkg:npm/lodash@4.17.19"}}
    assert Query(commit="abc").body() == {"commit": "abc"}
