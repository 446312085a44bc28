"""A small client of the OSV.dev API (``/v1/query``, ``/v1/querybatch``, ``/v1/vulns/{id}``).

* Retries with exponential backoff on HTTP 5xx, 429 (honouring a numeric ``Retry-After`` up to
  the backoff cap), timeouts and connection errors, a bounded number of attempts.
* An on-disk cache of successful answers (one JSON file per request, written to a temporary file
  and moved into place with ``os.replace``, so a cache entry is either whole or absent), with a
  time to live; ``offline`` answers from the cache alone, whatever the entries' age, and a miss is
  an :class:`OsvCacheMiss`.
* A server that cannot be reached at all raises one :class:`OsvUnavailable`
  (``cannot reach https://…: …``); a bad answer for one item (HTTP 500, not JSON, too slow) becomes
  that item's ``error`` in the batch calls, and the other items are still returned.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from planner.advisories.osv import OsvAdvisory, Problem, parse_advisory
from planner.errors import DepwaveError

DEFAULT_BASE_URL = "https://api.osv.dev"
BATCH_LIMIT = 1000  # queries per /v1/querybatch request (the API's limit)
MAX_PAGES = 50  # next_page_token follow-ups per query
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class OsvError(DepwaveError):
    """The OSV API gave no usable answer for a request."""


class OsvUnavailable(OsvError):
    """The OSV API cannot be reached at all."""


class OsvCacheMiss(OsvError):
    """Offline mode and the answer is not in the cache."""


@dataclass(frozen=True, slots=True)
class Query:
    """One OSV query: a package version (ecosystem + name, or a purl) or a commit."""

    ecosystem: str | None = None
    name: str | None = None
    version: str | None = None
    purl: str | None = None
    commit: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON body of ``/v1/query`` (and one item of ``/v1/querybatch``)."""
        out: dict[str, Any] = {}
        if self.commit:
            out["commit"] = self.commit
        if self.version:
            out["version"] = self.version
        if self.purl:
            out["package"] = {"purl": self.purl}
        elif self.name:
            out["package"] = {"name": self.name, **({"ecosystem": self.ecosystem} if self.ecosystem else {})}
        return out


@dataclass(frozen=True, slots=True)
class VulnRef:
    """An advisory id (and its ``modified`` time) as ``/v1/querybatch`` lists it."""

    id: str
    modified: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The answer to one query of a batch: the advisory ids, or why there is none."""

    query: Query
    vulns: tuple[VulnRef, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """One advisory fetched from the API, or why it could not be."""

    id: str
    advisory: OsvAdvisory | None = None
    error: str | None = None
    problems: tuple[Problem, ...] = ()


class OsvClient:
    """OSV.dev API client with retries and an optional on-disk cache."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        cache_dir: str | Path | None = None,
        ttl: float = 24 * 3600.0,
        offline: bool = False,
        timeout: float = 30.0,
        attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if offline and cache_dir is None:
            raise OsvError("offline mode needs a cache directory")
        self.base_url = base_url.rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.ttl = ttl
        self.offline = offline
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._clock = clock
        self._sleep = sleep
        self._own_http = http is None
        self._http = http or httpx.Client(timeout=httpx.Timeout(timeout), headers={"User-Agent": "depwave"})

    def close(self) -> None:
        """Close the HTTP connection pool (when the client made it)."""
        if self._own_http:
            self._http.close()

    def __enter__(self) -> OsvClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public calls ---------------------------------------------------------------------------

    def get_vuln(self, vuln_id: str) -> OsvAdvisory:
        """``GET /v1/vulns/{id}``: one advisory (raises :class:`OsvError` when there is none)."""
        fetched = self._get_one(vuln_id)
        if fetched.advisory is None:
            raise OsvError(fetched.error or f"{vuln_id}: no advisory")
        return fetched.advisory

    def get_vulns(self, ids: Iterable[str]) -> list[Fetched]:
        """Fetch several advisories; a failure is that item's ``error``, not an exception
        (except :class:`OsvUnavailable`: nothing can be fetched then)."""
        out = []
        for vuln_id in ids:
            try:
                out.append(self._get_one(vuln_id))
            except OsvUnavailable:
                raise
            except OsvError as exc:
                out.append(Fetched(vuln_id, None, str(exc)))
        return out

    def query(self, query: Query) -> list[Fetched]:
        """``POST /v1/query`` (following ``next_page_token``): the advisories affecting the query."""
        body = query.body()
        vulns = self._cached("POST", "/v1/query", body, lambda: self._query_pages(body))
        return [self._advisory(v, "/v1/query") for v in vulns]

    def query_batch(self, queries: Sequence[Query]) -> list[BatchResult]:
        """``POST /v1/querybatch`` in chunks of :data:`BATCH_LIMIT`; results in the order of ``queries``.

        Each query's answer is cached on its own, so only the queries not in the cache are sent.
        A chunk that fails gives every query in it that error; the other chunks are unaffected.
        """
        results: list[BatchResult | None] = [None] * len(queries)
        todo: list[int] = []
        for i, q in enumerate(queries):
            hit = self._cache_read(self._key("POST", "/v1/querybatch#item", q.body()))
            if hit is not None:
                results[i] = BatchResult(q, _refs(hit))
            elif self.offline:
                results[i] = BatchResult(q, (), f"offline: no cached answer for {_describe(q)}")
            else:
                todo.append(i)
        for start in range(0, len(todo), BATCH_LIMIT):
            chunk = todo[start : start + BATCH_LIMIT]
            try:
                answers = self._batch_pages([queries[i].body() for i in chunk])
            except OsvUnavailable:
                raise
            except OsvError as exc:
                for i in chunk:
                    results[i] = BatchResult(queries[i], (), str(exc))
                continue
            for i, answer in zip(chunk, answers, strict=True):
                if isinstance(answer, str):
                    results[i] = BatchResult(queries[i], (), answer)
                    continue
                self._cache_write(self._key("POST", "/v1/querybatch#item", queries[i].body()), answer)
                results[i] = BatchResult(queries[i], _refs(answer))
        return [r for r in results if r is not None]

    # -- endpoints ------------------------------------------------------------------------------

    def _get_one(self, vuln_id: str) -> Fetched:
        path = f"/v1/vulns/{quote(vuln_id, safe='')}"

        def fetch() -> Any:
            data = self._request("GET", path, None)
            if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                raise OsvError(f"{self.base_url}{path}: the answer is not an OSV record")
            return data

        return self._advisory(self._cached("GET", path, None, fetch), path)

    def _query_pages(self, body: dict[str, Any]) -> list[Any]:
        vulns: list[Any] = []
        page = dict(body)
        for _ in range(MAX_PAGES):
            data = self._request("POST", "/v1/query", page)
            if not isinstance(data, dict) or not isinstance(data.get("vulns", []), list):
                raise OsvError(f"{self.base_url}/v1/query: unexpected answer (no 'vulns' list)")
            vulns.extend(data.get("vulns", []))
            token = data.get("next_page_token")
            if not token:
                return vulns
            page = {**body, "page_token": token}
        raise OsvError(f"{self.base_url}/v1/query: more than {MAX_PAGES} pages")

    def _batch_pages(self, bodies: list[dict[str, Any]]) -> list[list[Any] | str]:
        """One chunk of queries, following per-query page tokens; each answer is its vulns or an error."""
        answers: list[list[Any] | str] = [[] for _ in bodies]
        pending = {i: dict(b) for i, b in enumerate(bodies)}
        for _ in range(MAX_PAGES):
            if not pending:
                return answers
            order = sorted(pending)
            data = self._request("POST", "/v1/querybatch", {"queries": [pending[i] for i in order]})
            got = data.get("results") if isinstance(data, dict) else None
            if not isinstance(got, list) or len(got) != len(order):
                raise OsvError(f"{self.base_url}/v1/querybatch: unexpected answer (results do not match the queries)")
            nxt = {}
            for i, item in zip(order, got, strict=True):
                current = answers[i]
                if not isinstance(item, dict) or not isinstance(item.get("vulns", []), list):
                    answers[i] = f"{self.base_url}/v1/querybatch: malformed result for {_describe_body(bodies[i])}"
                    continue
                if isinstance(current, list):
                    current.extend(v for v in item.get("vulns", []) if isinstance(v, dict) and "id" in v)
                if item.get("next_page_token") and isinstance(current, list):
                    nxt[i] = {**bodies[i], "page_token": item["next_page_token"]}
            pending = nxt
        for i in pending:
            answers[i] = f"{self.base_url}/v1/querybatch: more than {MAX_PAGES} pages for {_describe_body(bodies[i])}"
        return answers

    def _advisory(self, data: Any, where: str) -> Fetched:
        vuln_id = str(data.get("id")) if isinstance(data, dict) else "?"
        advisory, problems = parse_advisory(data, f"{self.base_url}{where}#{vuln_id}")
        if advisory is None:
            reason = problems[0].reason if problems else "not an OSV record"
            return Fetched(vuln_id, None, f"{self.base_url}{where}: {reason}", tuple(problems))
        return Fetched(advisory.id, advisory, None, tuple(problems))

    # -- HTTP with retries ----------------------------------------------------------------------

    def _request(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        url = f"{self.base_url}{path}"
        last = ""
        last_response: httpx.Response | None = None
        for attempt in range(self.attempts):
            if attempt:
                self._sleep(self._delay(attempt, last_response))
            last_response = None
            try:
                resp = self._http.request(method, url, json=body, timeout=self.timeout)
            except httpx.TimeoutException:
                last = f"no answer within {self.timeout:g}s"
                continue
            except httpx.TransportError as exc:
                last = f"cannot reach {self.base_url}: {exc or type(exc).__name__}"
                if attempt == self.attempts - 1:
                    raise OsvUnavailable(last) from None
                continue
            if resp.status_code in _RETRY_STATUS:
                last, last_response = f"HTTP {resp.status_code}", resp
                continue
            if resp.status_code == 404:
                raise OsvError(f"{url}: not found (HTTP 404)")
            if resp.status_code >= 400:
                raise OsvError(f"{url}: HTTP {resp.status_code}: {_snippet(resp.text)}")
            try:
                return resp.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise OsvError(f"{url}: the answer is not JSON: {_snippet(resp.text)}") from None
        raise OsvError(f"{url}: {last} (after {self.attempts} attempts)")

    def _delay(self, attempt: int, resp: httpx.Response | None) -> float:
        delay = self.backoff * 2 ** (attempt - 1)
        if resp is not None and resp.status_code == 429:
            with contextlib.suppress(TypeError, ValueError):
                delay = max(delay, float(resp.headers.get("Retry-After", "")))
        return min(delay, self.max_backoff)

    # -- cache ----------------------------------------------------------------------------------

    def _key(self, method: str, path: str, body: dict[str, Any] | None) -> str:
        text = json.dumps([self.base_url, method, path, body], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def _cached(self, method: str, path: str, body: dict[str, Any] | None, fetch: Callable[[], Any]) -> Any:
        key = self._key(method, path, body)
        hit = self._cache_read(key)
        if hit is not None:
            return hit
        if self.offline:
            raise OsvCacheMiss(f"offline: no cached answer for {method} {self.base_url}{path}")
        data = fetch()
        self._cache_write(key, data)
        return data

    def _cache_path(self, key: str) -> Path | None:
        return self.cache_dir / key[:2] / f"{key}.json" if self.cache_dir is not None else None

    def _cache_read(self, key: str) -> Any:
        path = self._cache_path(key)
        if path is None:
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or "response" not in entry:
            return None
        fetched = entry.get("fetched_at")
        if not self.offline and (not isinstance(fetched, int | float) or self._clock() - fetched > self.ttl):
            return None
        return entry["response"]

    def _cache_write(self, key: str, response: Any) -> None:
        path = self._cache_path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"fetched_at": self._clock(), "response": response}, fh)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _refs(vulns: Any) -> tuple[VulnRef, ...]:
    if not isinstance(vulns, list):
        return ()
    return tuple(
        VulnRef(str(v["id"]), v.get("modified") if isinstance(v.get("modified"), str) else None)
        for v in vulns
        if isinstance(v, dict) and "id" in v
    )


def _describe(q: Query) -> str:
    return _describe_body(q.body())


def _describe_body(body: dict[str, Any]) -> str:
    pkg = body.get("package") or {}
    named = f"{pkg.get('ecosystem', '?')}/{pkg.get('name', '?')}"
    what = (pkg.get("purl") or named) if pkg else body.get("commit", "?")
    return f"{what}@{body['version']}" if body.get("version") else str(what)


def _snippet(text: str, limit: int = 80) -> str:
    one = " ".join(text.split())
    return repr(one[:limit] + ("…" if len(one) > limit else ""))
