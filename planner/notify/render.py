"""A message as Markdown (a tracker issue's body), as a GitHub issues REST payload and as a Slack
incoming-webhook payload. Patches go in full into the Markdown; Slack gets where and what (its
blocks hold 3,000 characters) and points to the issue or ``depwave fix`` for the patch."""

from __future__ import annotations

from typing import Any

from planner.notify.messages import Message, StepNote

#: GitHub refuses issue bodies over 65,536 characters; patches are left out past this budget
GITHUB_BODY_LIMIT = 60_000
#: Slack section text limit
SLACK_TEXT_LIMIT = 3_000
LABELS = ("security", "depwave")


def _fence(text: str, lang: str = "") -> list[str]:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return [f"{ticks}{lang}", text.rstrip("\n"), ticks]


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _step_markdown(n: StepNote, with_patch: bool) -> list[str]:
    state = f" — {n.state}" if n.state else ""
    out = [f"### Wave {n.wave}: {n.label} ({n.repo}){state}", ""]
    if n.location:
        out.append(f"- Where: {_code(n.location)}" + ("" if n.names_repos else f" in {n.repo}"))
    if n.change:
        out.append(f"- Change: {_code(n.change)}")
    out.append(f"- Due: {n.deadline}")
    if n.waits_for:
        out.append(f"- After: {', '.join(_code(w) for w in n.waits_for)}")
    if n.verify:
        out.append(f"- Verify: {_code(n.verify)}")
    out.append(f"- Step: {_code(n.id)}")
    if n.command:
        out += ["", "Run in the repository:", "", *_fence(n.command, "sh")]
    if n.patch and with_patch:
        out += ["", f"Patch (`git apply` in {n.repo}):", "", *_fence(n.patch, "diff")]
    elif n.patch:
        out += ["", "The patch is too long for this message: `depwave fix --out DIR` writes it."]
    if n.problem:
        out += ["", f"No patch: {n.problem}"]
    return [*out, ""]


def markdown(m: Message, limit: int | None = None) -> str:
    """The owner's message as Markdown; with ``limit``, patches that would take the body past it are
    replaced by a pointer to ``depwave fix``."""
    head = [
        f"## {m.title}",
        "",
        f"{m.owner}: {m.short_package} must move to **{m.fixed_version}**"
        + (f" ({', '.join(m.advisories)})" if m.advisories else "")
        + f". Your {len(m.steps)} step{'s' if len(m.steps) != 1 else ''}, in the order the plan runs them;"
        f" the last is due {m.deadline}.",
        "",
    ]
    if m.campaign:
        head[-1:] = [
            f"Campaign: `{m.campaign}` (`depwave campaign status --campaign {m.campaign} --owner {m.owner}`)",
            "",
        ]
    body = list(head)
    size = sum(len(x) + 1 for x in body)
    for n in m.steps:
        full = _step_markdown(n, True)
        text = full if limit is None or size + sum(len(x) + 1 for x in full) <= limit else _step_markdown(n, False)
        body += text
        size += sum(len(x) + 1 for x in text)
    body.append("Made by depwave notify; the plan and the patches come from the ingested files.")
    return "\n".join(body) + "\n"


def github_issue(m: Message) -> dict[str, Any]:
    """The payload of ``POST /repos/{owner}/{repo}/issues``."""
    return {"title": m.title, "body": markdown(m, GITHUB_BODY_LIMIT), "labels": list(LABELS)}


def slack_escape(text: str) -> str:
    """Slack's mrkdwn control characters escaped (``<`` starts a link, so ``<version>`` would vanish)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_line(n: StepNote) -> str:
    where = f" `{slack_escape(n.location)}`" if n.location else ""
    change = f": {slack_escape(n.change)}" if n.change else ""
    return f"• wave {n.wave} *{slack_escape(n.label)}* ({slack_escape(n.repo)}){where}{change} — due {n.deadline}"


def slack(m: Message, issue_url: str | None = None) -> dict[str, Any]:
    """The payload of a Slack incoming webhook: a text fallback and blocks (a header, one section per
    batch of steps within Slack's 3,000-character limit, and where the patches are)."""
    intro = slack_escape(
        f"*{m.owner}*: {m.short_package} → *{m.fixed_version}*"
        + (f" ({', '.join(m.advisories)})" if m.advisories else "")
        + f", {len(m.steps)} step{'s' if len(m.steps) != 1 else ''}, last due {m.deadline}"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": m.title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
    ]
    chunk: list[str] = []
    for line in (_slack_line(n)[:SLACK_TEXT_LIMIT] for n in m.steps):
        if chunk and len("\n".join([*chunk, line])) > SLACK_TEXT_LIMIT:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(chunk)}})
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(chunk)}})
    where = f"Patches and verify commands: {issue_url}" if issue_url else "Patches: `depwave fix --out DIR`"
    if m.campaign:
        where += f"; status: `depwave campaign status --campaign {m.campaign} --owner {m.owner}`"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": where}]})
    return {"text": f"{m.title}: {intro}", "blocks": blocks}
