"""Sending against a real HTTP server on 127.0.0.1: success, 429 with Retry-After, 5xx retries, timeouts."""

from __future__ import annotations

import socket

from planner.notify import post
from tests.planner.notify.conftest import FakeServer, Reply

TOKEN = "ghp_sekret_never_printed_0123456789"
ISSUES = "/repos/acme/logging-core/issues"
ISSUE_URL = "https://github.com/acme/logging-core/issues/41"
PAYLOAD = {"title": "t", "body": "b", "labels": ["security"]}


def poster(sleeps: list[float], timeout: float = 2.0) -> post.Poster:
    return post.Poster(timeout_s=timeout, attempts=3, backoff_s=0.5, sleep=sleeps.append)


def test_github_issue_created(server: FakeServer) -> None:
    server.on(ISSUES, Reply(201, {"number": 41, "html_url": ISSUE_URL}))
    sent = post.github_issue(poster([]), server.url, "acme/logging-core", TOKEN, PAYLOAD)
    assert sent == post.Sent(True, url=ISSUE_URL)
    (seen,) = server.seen
    assert seen.body == PAYLOAD
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["accept"] == "application/vnd.github+json"


def test_429_waits_for_retry_after_then_sends(server: FakeServer) -> None:
    server.on(
        ISSUES,
        Reply(429, {"message": "API rate limit exceeded"}, {"Retry-After": "7"}),
        Reply(201, {"html_url": ISSUE_URL}),
    )
    sleeps: list[float] = []
    sent = post.github_issue(poster(sleeps), server.url, "acme/logging-core", TOKEN, PAYLOAD)
    assert sent.ok and sent.url == ISSUE_URL
    assert sleeps == [7.0]  # the server's Retry-After, not the backoff
    assert server.hits(ISSUES) == 2


def test_5xx_is_retried_with_backoff_then_gives_up(server: FakeServer) -> None:
    server.on(ISSUES, Reply(502, b"<html>bad gateway</html>"), Reply(503, {"message": "unavailable"}))
    sleeps: list[float] = []
    sent = post.github_issue(poster(sleeps), server.url, "acme/logging-core", TOKEN, PAYLOAD)
    assert not sent.ok
    assert sent.error == "GitHub acme/logging-core: HTTP 503 (unavailable)"
    assert sleeps == [0.5, 1.0] and server.hits(ISSUES) == 3


def test_5xx_then_success(server: FakeServer) -> None:
    server.on(ISSUES, Reply(500, {}), Reply(201, {"html_url": ISSUE_URL}))
    sleeps: list[float] = []
    assert post.github_issue(poster(sleeps), server.url, "acme/logging-core", TOKEN, PAYLOAD).url == ISSUE_URL
    assert sleeps == [0.5]


def test_client_errors_are_not_retried(server: FakeServer) -> None:
    server.on(ISSUES, Reply(401, {"message": "Bad credentials"}))
    sent = post.github_issue(poster([]), server.url, "acme/logging-core", TOKEN, PAYLOAD)
    assert sent.error == "GitHub acme/logging-core: HTTP 401 (Bad credentials)"
    assert server.hits(ISSUES) == 1


def test_a_timeout_after_sending_is_not_retried(server: FakeServer) -> None:
    server.on(ISSUES, Reply(201, {"html_url": ISSUE_URL}, delay=1.0))
    sent = post.github_issue(poster([], timeout=0.2), server.url, "acme/logging-core", TOKEN, PAYLOAD)
    assert not sent.ok and "no answer within 0.2 s; not retried" in (sent.error or "")
    assert server.hits(ISSUES) == 1  # a second issue would be a duplicate


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps: list[float] = []
    sent = post.slack_message(poster(sleeps), f"http://127.0.0.1:{port}/services/T0/B0/{TOKEN}", "SLACK_QA", {})
    assert sent.error == "Slack webhook $SLACK_QA: could not connect after 3 attempts (ConnectError)"
    assert sleeps == [0.5, 1.0]
    assert TOKEN not in (sent.error or "")  # the webhook URL is a secret: never in a message


def test_slack_webhook(server: FakeServer) -> None:
    server.on("/services/T0/B0/xyz", Reply(200, b"ok"))
    assert post.slack_message(poster([]), server.url + "/services/T0/B0/xyz", "SLACK", {"text": "hi"}) == post.Sent(
        True
    )
    server.on("/services/T0/B0/gone", Reply(404, b"no_service"))
    sent = post.slack_message(poster([]), server.url + "/services/T0/B0/gone", "SLACK", {"text": "hi"})
    assert sent.error == "Slack webhook $SLACK: HTTP 404" and "/services" not in sent.error


def test_retry_after_is_capped_and_garbage_falls_back() -> None:
    import httpx

    assert post._wait(httpx.Response(429, headers={"Retry-After": "3600"}), 1.0) == post.MAX_RETRY_AFTER_S
    assert post._wait(httpx.Response(429, headers={"Retry-After": "soon"}), 2.0) == 2.0
    assert post._wait(httpx.Response(503), 4.0) == 4.0


def test_secrets_only_travel_encrypted_or_to_this_machine() -> None:
    assert not post.plain_http("https://api.github.com")
    assert not post.plain_http("http://127.0.0.1:8080/api")  # the test server, a local proxy
    assert post.plain_http("http://github.example.com/api/v3")
    assert post.plain_http("ftp://hooks.slack.com/x") and post.plain_http("not a url")
    sent = post.github_issue(poster([]), "http://github.example.com/api/v3", "acme/x", TOKEN, PAYLOAD)
    assert sent.error == "GitHub acme/x: the API URL must be https:// (the token would travel in clear)"
    sent = post.slack_message(poster([]), f"http://hooks.example.com/services/{TOKEN}", "SLACK", {})
    assert sent.error == "Slack webhook $SLACK: not an https:// URL"
