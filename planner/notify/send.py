"""Who gets what where: ``[OWNER=]VALUE`` options resolved per owner, and every message sent, with the
outcome of each (the issue URL, or why it was not sent)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.errors import UsageError
from planner.notify import post, render
from planner.notify.messages import Message

SCHEMA = "depwave.notify/1"
GITHUB_TOKEN_ENVS = ("DEPWAVE_GITHUB_TOKEN", "GITHUB_TOKEN")
DEFAULT_SLACK_ENV = "DEPWAVE_SLACK_WEBHOOK"


@dataclass(frozen=True, slots=True)
class PerOwner:
    """A value for every owner (``default``) and per-owner exceptions, from ``[OWNER=]VALUE`` options."""

    default: str | None = None
    owners: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, values: Iterable[str], option: str, default: str | None = None) -> PerOwner:
        """``VALUE`` sets the default, ``OWNER=VALUE`` one owner's (an owner may contain ``/`` and ``@``)."""
        owners: dict[str, str] = {}
        for v in values:
            owner, sep, value = v.rpartition("=")
            if not sep:
                default = v
            elif not owner or not value:
                raise UsageError(f"{option} {v!r}: give VALUE or OWNER=VALUE")
            else:
                owners[owner] = value
        return cls(default, owners)

    def get(self, owner: str) -> str | None:
        """The value for ``owner``."""
        return self.owners.get(owner, self.default)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one owner's message."""

    owner: str
    steps: tuple[str, ...]
    sent: post.Sent


def dry_run(
    messages: Iterable[Message], channel: str, repos: PerOwner, webhooks: PerOwner, issues: Mapping[str, str]
) -> dict[str, Any]:
    """What ``--post`` would send (schema ``depwave.notify/1``): per owner the steps, where it would go
    (the repository, or the name of the variable holding the webhook, never its value) and the payload."""
    out = []
    for m in messages:
        ids = [s.id for s in m.steps]
        if channel == "github":
            where: dict[str, Any] = {"repo": repos.get(m.owner), "payload": render.github_issue(m)}
        else:
            issue = next((issues[i] for i in ids if issues.get(i)), None)
            where = {"webhook_env": webhooks.get(m.owner) or DEFAULT_SLACK_ENV, "payload": render.slack(m, issue)}
        out.append({"owner": m.owner, "steps": ids, **where})
    return {"schema": SCHEMA, "channel": channel, "messages": out}


def github_token(env: Mapping[str, str]) -> str:
    """The GitHub token from the environment (never from an option, so it stays out of shell history)."""
    for name in GITHUB_TOKEN_ENVS:
        if env.get(name):
            if not env[name].isascii() or not env[name].isprintable() or " " in env[name]:
                # an HTTP header carries printable ASCII only: a placeholder (`GITHUB_TOKEN=…`) or a
                # pasted line break; the value is not echoed
                raise UsageError(f"${name} is not a token: it holds spaces or characters beyond printable ASCII")
            return env[name]
    raise UsageError(f"--post to GitHub needs a token in ${' or $'.join(GITHUB_TOKEN_ENVS)}")


def to_github(messages: Iterable[Message], repos: PerOwner, api: str, token: str, poster: post.Poster) -> list[Outcome]:
    """One issue per owner in the owner's repository."""
    out = []
    for m in messages:
        ids = tuple(s.id for s in m.steps)
        repo = repos.get(m.owner)
        if repo is None or repo.count("/") != 1:
            why = f"{m.owner}: no GitHub repository (--github-repo '{m.owner}=ORG/REPO', or a default ORG/REPO)"
            out.append(Outcome(m.owner, ids, post.Sent(False, error=why)))
            continue
        out.append(Outcome(m.owner, ids, post.github_issue(poster, api, repo, token, render.github_issue(m))))
    return out


def to_slack(
    messages: Iterable[Message],
    webhooks: PerOwner,
    env: Mapping[str, str],
    poster: post.Poster,
    issues: Mapping[str, str] | None = None,
) -> list[Outcome]:
    """One Slack message per owner, to the webhook named by the owner's environment variable; an issue
    already made for one of the owner's steps (``issues``: step id → URL) is linked from it."""
    out = []
    for m in messages:
        ids = tuple(s.id for s in m.steps)
        name = webhooks.get(m.owner) or DEFAULT_SLACK_ENV
        url = env.get(name)
        if not url:
            out.append(
                Outcome(m.owner, ids, post.Sent(False, error=f"{m.owner}: ${name} is not set (the webhook URL)"))
            )
            continue
        issue = next((issues[i] for i in ids if issues and issues.get(i)), None)
        out.append(Outcome(m.owner, ids, post.slack_message(poster, url, name, render.slack(m, issue))))
    return out
