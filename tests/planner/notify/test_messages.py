"""Per-owner messages from a plan and its patches (pure), and how they are written for each channel."""

from __future__ import annotations

from datetime import UTC, datetime

from planner.notify import render
from planner.notify.messages import NO_OWNER, build

ORIGIN = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
EDIT = "edit:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
BUILD = "build:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
RELOCK = "relock:web/.#pkg:npm/web"
DEPLOY = "deploy:billing/.#pkg:maven/com.acme/billing:prod:billing"
EDIT_AUTH = "edit:acme-auth/.#pkg:maven/com.acme.auth/auth-client"
DIFF = (
    "diff --git a/pom.xml b/pom.xml\n--- a/pom.xml\n+++ b/pom.xml\n@@ -32 +32 @@\n"
    "-    <log4j2.version>2.14.1</log4j2.version>\n+    <log4j2.version>2.15.0</log4j2.version>\n"
)


def step(sid: str, kind: str, wave: int, start: float, finish: float, owners: list[str], **kw: object) -> dict:
    base = {"id": sid, "kind": kind, "wave": wave, "start": start, "finish": finish, "owners": owners}
    return {"name": "com.acme.logging:logging-core", "repo": "acme-logging", "depends_on": [], **base, **kw}


PLAN = {
    "target": {
        "package": "pkg:maven/org.apache.logging.log4j/log4j-core",
        "fixed_version": "2.15.0",
        "advisories": ["GHSA-jfh8-c2jp-5v3q"],
    },
    "steps": [
        step(BUILD, "build", 2, 0.5, 1.5, ["@acme/logging"], depends_on=[EDIT], verify="mvn -pl :logging-core verify"),
        step(
            EDIT,
            "edit",
            1,
            0,
            0.5,
            ["@acme/logging"],
            location="pom.xml:32",
            change="<log4j2.version>2.15.0</log4j2.version>",
        ),
        step(
            RELOCK,
            "relock",
            1,
            0,
            0.25,
            ["@acme/web", "@acme/logging"],
            name="web",
            repo="web",
            location="package-lock.json:1",
            change="relock",
        ),
        step(
            DEPLOY,
            "deploy",
            3,
            1.5,
            1.75,
            [],
            name="com.acme:billing",
            repo="billing",
            service="billing",
            environment="prod",
        ),
        step(
            EDIT_AUTH,
            "edit",
            1,
            0,
            0.5,
            ["@acme/web"],
            name="com.acme.auth:auth-client",
            repo="acme-auth",
            location="pom.xml:34",
            change="logging-core 1.4.0 → 1.4.1",
        ),
    ],
}
FIX = {
    "files": [{"step": EDIT, "repo": "acme-logging", "diff": DIFF}],
    "commands": [
        {"step": RELOCK, "repo": "web", "directory": "frontend", "command": "npm install --package-lock-only"}
    ],
    "errors": ["acme-auth/pom.xml:0: /src/acme-auth/pom.xml changed since it was ingested"],
}


def test_one_message_per_owner_in_wave_order() -> None:
    messages = build(PLAN, FIX, ORIGIN)
    assert [m.owner for m in messages] == [NO_OWNER, "@acme/logging", "@acme/web"]
    logging = messages[1]
    assert [s.id for s in logging.steps] == [EDIT, RELOCK, BUILD]  # wave, then start, then id
    edit, relock, build_ = logging.steps
    assert (edit.patch, edit.command, edit.problem) == (DIFF, None, None)
    assert relock.command == "cd frontend && npm install --package-lock-only" and relock.patch is None
    assert build_.verify == "mvn -pl :logging-core verify" and build_.waits_for == (EDIT,)
    assert [s.deadline for s in logging.steps] == [
        "2026-12-05T08:30+00:00",
        "2026-12-05T08:15+00:00",
        "2026-12-05T09:30+00:00",
    ]
    assert logging.deadline == "2026-12-05T09:30+00:00"
    assert (
        logging.title
        == "[depwave] GHSA-jfh8-c2jp-5v3q: 3 steps for @acme/logging (org.apache.logging.log4j:log4j-core → 2.15.0)"
    )
    auth = messages[2].steps[0]  # wave 1 at hour 0 like the relock: by id
    assert auth.id == EDIT_AUTH and auth.problem == FIX["errors"][0]  # the error about its file
    assert messages[0].steps[0].label == "deploy billing to prod"


def test_owner_filter_campaign_states_and_plan_dates() -> None:
    dated = {
        **PLAN,
        "steps": [{**s, "finish_at": "2027-01-04T10:00:00+00:00"} if s["id"] == BUILD else s for s in PLAN["steps"]],
    }
    (only,) = build(dated, FIX, ORIGIN, {EDIT: "done", RELOCK: "in-pr"}, owners=["@acme/logging"], campaign="c1")
    assert [(s.id, s.state) for s in only.steps] == [(RELOCK, "in-pr"), (BUILD, "todo")]  # done: nothing to ask
    assert only.steps[1].deadline == "2027-01-04T10:00:00+00:00"
    assert only.campaign == "c1"


def test_without_patches_no_problem_is_claimed() -> None:
    (_, logging, _) = build(PLAN, None, ORIGIN)
    assert all(s.patch is None and s.problem is None for s in logging.steps)


def test_markdown_has_where_change_patch_verify_and_due() -> None:
    md = render.markdown(build(PLAN, FIX, ORIGIN)[1])
    lines = md.splitlines()
    assert (
        lines[0]
        == "## [depwave] GHSA-jfh8-c2jp-5v3q: 3 steps for @acme/logging (org.apache.logging.log4j:log4j-core → 2.15.0)"
    )
    assert "### Wave 1: edit acme-logging/logging-core (acme-logging)" in lines
    assert "- Where: `pom.xml:32` in acme-logging" in lines
    assert "- Change: `<log4j2.version>2.15.0</log4j2.version>`" in lines
    assert "- Due: 2026-12-05T08:30+00:00" in lines
    assert "- Verify: `mvn -pl :logging-core verify`" in lines
    assert "```diff\n" + DIFF + "```" in md
    assert "```sh\ncd frontend && npm install --package-lock-only\n```" in md


def test_github_body_stays_under_the_limit() -> None:
    big = {**FIX, "files": [{"step": EDIT, "repo": "acme-logging", "diff": DIFF + "+x\n" * 30_000}]}
    payload = render.github_issue(build(PLAN, big, ORIGIN)[1])
    assert len(payload["body"]) < render.GITHUB_BODY_LIMIT
    assert "The patch is too long for this message: `depwave fix --out DIR` writes it." in payload["body"]
    assert payload["labels"] == ["security", "depwave"] and payload["title"].startswith("[depwave] GHSA-")


def test_slack_escapes_and_splits_into_sections() -> None:
    payload = render.slack(build(PLAN, FIX, ORIGIN)[1], "https://github.com/acme/logging-core/issues/41")
    text = "\n".join(b["text"]["text"] for b in payload["blocks"] if b["type"] == "section")
    assert "&lt;log4j2.version&gt;2.15.0&lt;/log4j2.version&gt;" in text and "<log4j2" not in text
    assert payload["blocks"][-1]["elements"][0]["text"] == (
        "Patches and verify commands: https://github.com/acme/logging-core/issues/41"
    )
    many = {**PLAN, "steps": [step(f"build:r{i}", "build", 1, 0, 1, ["@x"], name="n" * 60) for i in range(200)]}
    blocks = render.slack(build(many, None, ORIGIN)[0])["blocks"]
    sections = [b for b in blocks if b["type"] == "section"][1:]
    assert len(sections) > 1 and all(len(b["text"]["text"]) <= render.SLACK_TEXT_LIMIT for b in sections)
    assert sum(b["text"]["text"].count("• wave") for b in sections) == 200
