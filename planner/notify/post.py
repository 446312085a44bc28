"""Sending notifications with httpx: a GitHub issue per owner, or a Slack incoming-webhook message.

Tokens and webhook URLs come from the environment and are never printed, logged or stored: errors
name the endpoint by a description (``GitHub acme/x``, ``Slack webhook $SLACK_WEBHOOK``), never by a
URL that could hold a secret, and never include response headers. A request is retried when the
server says so (429, with its ``Retry-After``; 500, 502, 503, 504) or when the connection could not be
made; a request that timed out after it was sent is not retried (the issue may exist already).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0


@dataclass(frozen=True, slots=True)
class Sent:
    """The outcome of one send: ``url`` the created issue's (GitHub), ``error`` why it was not sent."""

    ok: bool
    url: str | None = None
    error: str | None = None


@dataclass(slots=True)
class Poster:
    """Sends JSON payloads with retries; ``sleep`` and the backoff are injectable for tests."""

    timeout_s: float = 10.0
    attempts: int = 4
    backoff_s: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    client: httpx.Client | None = None

    def post(self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str], what: str) -> httpx.Response | str:
        """The final response, or a sentence saying why there is none (``what`` names the endpoint)."""
        client = self.client or httpx.Client(timeout=self.timeout_s, follow_redirects=False)
        try:
            for attempt in range(1, self.attempts + 1):
                last = attempt == self.attempts
                try:
                    response = client.post(url, json=dict(payload), headers=dict(headers))
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                    if last:
                        return f"{what}: could not connect after {attempt} attempts ({type(exc).__name__})"
                    self.sleep(self.backoff_s * 2 ** (attempt - 1))
                    continue
                except httpx.TimeoutException:
                    return (
                        f"{what}: no answer within {self.timeout_s:g} s; not retried, since the request may have "
                        "been received (check before sending again)"
                    )
                except httpx.HTTPError as exc:
                    return f"{what}: {type(exc).__name__}"
                if response.status_code not in RETRY_STATUSES or last:
                    return response
                self.sleep(_wait(response, self.backoff_s * 2 ** (attempt - 1)))
            raise AssertionError("unreachable: the last attempt returns")
        finally:
            if self.client is None:
                client.close()


def plain_http(url: str) -> bool:
    """Whether ``url`` would send a secret unencrypted: ``http://`` to anything but this machine (tests and
    local proxies use loopback), or not an http(s) URL at all."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return True
    if parsed.scheme == "https" and parsed.host:
        return False
    return not (parsed.scheme == "http" and parsed.host in LOOPBACK)


def _wait(response: httpx.Response, default: float) -> float:
    """Seconds to wait before the next attempt: the server's ``Retry-After`` (seconds) when it gives
    one, capped, else ``default``."""
    value = response.headers.get("retry-after")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S) if value is not None else default
    except ValueError:
        return default


def _failure(what: str, response: httpx.Response) -> str:
    detail = ""
    try:
        body = response.json()
        detail = str(body.get("message") or "") if isinstance(body, dict) else ""
    except ValueError:
        detail = response.text[:200] if response.headers.get("content-type", "").startswith("text/") else ""
    return f"{what}: HTTP {response.status_code}" + (f" ({detail})" if detail else "")


def github_issue(poster: Poster, api: str, repo: str, token: str, payload: Mapping[str, Any]) -> Sent:
    """Create an issue in ``repo`` (``owner/name``); the result carries its ``html_url``."""
    what = f"GitHub {repo}"
    if plain_http(api):
        return Sent(False, error=f"{what}: the API URL must be https:// (the token would travel in clear)")
    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "depwave-notify",
    }
    response = poster.post(f"{api.rstrip('/')}/repos/{repo}/issues", payload, headers, what)
    if isinstance(response, str):
        return Sent(False, error=response)
    if response.status_code != 201:
        return Sent(False, error=_failure(what, response))
    try:
        url = response.json().get("html_url")
    except (ValueError, AttributeError):
        url = None
    if not url:
        return Sent(False, error=f"{what}: HTTP 201 without the issue's html_url")
    return Sent(True, url=str(url))


def slack_message(poster: Poster, webhook: str, env_name: str, payload: Mapping[str, Any]) -> Sent:
    """Post to a Slack incoming webhook (its URL, a secret, comes from ``$env_name``)."""
    what = f"Slack webhook ${env_name}"
    if plain_http(webhook):
        return Sent(False, error=f"{what}: not an https:// URL")
    response = poster.post(webhook, payload, {"User-Agent": "depwave-notify"}, what)
    if isinstance(response, str):
        return Sent(False, error=response)
    if response.status_code != 200:
        return Sent(False, error=_failure(what, response))
    return Sent(True)
