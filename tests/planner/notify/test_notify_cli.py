"""``depwave notify`` on examples/: dry runs, and --post against a local HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_COMPLETED_WITH_ERRORS, EXIT_OK, EXIT_USAGE, cli
from tests.conftest import EXAMPLES
from tests.planner.notify.conftest import FakeServer, Reply

ADVISORY = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")
TOKEN = "ghp_sekret_never_printed_0123456789"
LOGGING = "@acme/platform-logging"
QA = "@acme/qa"
# production first (the default policy): the logging library is fixed in the clean-up phase
EDIT_CORE = "cleanup:edit:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
EDIT_QA = "edit:integration-tests/.#pkg:maven/com.acme.qa/integration-tests"
BUILD_QA = "build:integration-tests/.#pkg:maven/com.acme.qa/integration-tests"


@pytest.fixture()
def run(store, data_dir: Path):
    def invoke(*args: str, **env: str):
        runner = CliRunner()
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args], env={"DEPWAVE_USER": "alice", **env})

    assert invoke("ingest", str(EXAMPLES)).exit_code == 0
    return invoke


def test_dry_run_markdown_is_the_default(run, server: FakeServer) -> None:
    res = run("notify", "--advisory", ADVISORY, "--owner", LOGGING)
    assert res.exit_code == EXIT_OK, res.output
    lines = res.output.splitlines()
    assert lines[0] == (
        "## [depwave] GHSA-jfh8-c2jp-5v3q: 3 steps for @acme/platform-logging "
        "(org.apache.logging.log4j:log4j-core → 2.15.0)"
    )
    assert [line for line in lines if line.startswith("### ")] == [
        "### Wave 1: edit acme-logging/logging-core (acme-logging)",
        "### Wave 2: build acme-logging/logging-core (acme-logging)",
        "### Wave 3: publish acme-logging/logging-core (acme-logging)",
    ]
    assert "-    <log4j2.version>2.14.1</log4j2.version>\n+    <log4j2.version>2.15.0</log4j2.version>\n" in res.output
    assert "- Where: `pom.xml:32` in acme-logging" in lines
    assert (
        "- Verify: `mvn -pl :logging-core -am verify dependency:tree -Dincludes=org.apache.logging.log4j:log4j-core`"
        in lines
    )
    assert server.seen == []  # a dry run sends nothing


def test_dry_run_github_payloads(run) -> None:
    res = run("notify", "--advisory", ADVISORY, "--owner", QA, "--format", "github", "--github-repo", "acme/security")
    doc = json.loads(res.output)
    (m,) = doc["messages"]
    assert (doc["schema"], doc["channel"], m["owner"], m["repo"]) == ("depwave.notify/1", "github", QA, "acme/security")
    assert m["steps"] == [EDIT_QA, BUILD_QA]
    assert "- Where: `pom.xml:43` in integration-tests" in m["payload"]["body"]


def test_post_github_stores_the_issue_urls_on_the_campaign(run, server: FakeServer) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "log4shell").exit_code == 0
    server.on(
        "/repos/acme/logging-core/issues", Reply(201, {"html_url": "https://github.com/acme/logging-core/issues/41"})
    )
    server.on("/repos/acme/security/issues", Reply(201, {"html_url": "https://github.com/acme/security/issues/7"}))
    res = run(
        "notify", "--campaign", "log4shell", "--owner", LOGGING, "--owner", QA, "--format", "github", "--post",
        "--github-repo", "acme/security", "--github-repo", f"{LOGGING}=acme/logging-core",
        DEPWAVE_GITHUB_API=server.url, GITHUB_TOKEN=TOKEN,
    )  # fmt: skip
    assert res.exit_code == EXIT_OK, res.output
    assert res.stdout == (
        "sent @acme/platform-logging (3 steps): https://github.com/acme/logging-core/issues/41\n"
        "sent @acme/qa (2 steps): https://github.com/acme/security/issues/7\n"
    )
    assert TOKEN not in res.output
    assert TOKEN not in run("campaign", "export").output  # nor stored with the record
    assert [s.headers["authorization"] for s in server.seen] == [f"Bearer {TOKEN}"] * 2
    history = json.loads(run("campaign", "export").output)
    issues = {s["id"]: s["issue"] for s in history["steps"] if s["issue"]}
    assert issues == {
        EDIT_CORE: "https://github.com/acme/logging-core/issues/41",
        "cleanup:build:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core": "https://github.com/acme/logging-core/issues/41",
        "cleanup:publish:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core": "https://github.com/acme/logging-core/issues/41",
        EDIT_QA: "https://github.com/acme/security/issues/7",
        BUILD_QA: "https://github.com/acme/security/issues/7",
    }
    event = next(e for e in history["events"] if e["step"] == EDIT_QA)
    assert (event["from"], event["to"], event["by"], event["note"]) == (
        "todo",
        "todo",
        "alice",
        "depwave notify: issue for @acme/qa",
    )
    # a done step is not asked of anyone again
    assert run("campaign", "mark", EDIT_QA, "done").exit_code == 0
    again = json.loads(run("notify", "--campaign", "log4shell", "--owner", QA, "--format", "github").output)
    assert again["messages"][0]["steps"] == [BUILD_QA]


def test_post_problems(run, server: FakeServer) -> None:
    no_token = run("notify", "--advisory", ADVISORY, "--format", "github", "--post", "--github-repo", "acme/security",
                   DEPWAVE_GITHUB_API=server.url, GITHUB_TOKEN="", DEPWAVE_GITHUB_TOKEN="")  # fmt: skip
    assert (
        no_token.exit_code == EXIT_USAGE
        and "needs a token in $DEPWAVE_GITHUB_TOKEN or $GITHUB_TOKEN" in no_token.output
    )
    assert run("notify", "--advisory", ADVISORY, "--post").exit_code == EXIT_USAGE  # Markdown is not sent
    for bad in ("…", "ghp_abc\n", "ghp_abc def"):  # a README placeholder, a pasted line break, two words
        placeholder = run("notify", "--advisory", ADVISORY, "--format", "github", "--post", "--github-repo",
                          "acme/security", DEPWAVE_GITHUB_API=server.url, GITHUB_TOKEN=bad)  # fmt: skip
        assert placeholder.exit_code == EXIT_USAGE, placeholder.output
        assert "$GITHUB_TOKEN is not a token" in placeholder.output and bad not in placeholder.output
    clear = run("notify", "--advisory", ADVISORY, "--format", "github", "--post", "--github-repo", "acme/security",
                DEPWAVE_GITHUB_API="http://github.example.com/api/v3", GITHUB_TOKEN=TOKEN)  # fmt: skip
    assert clear.exit_code == EXIT_USAGE and "give an https:// URL" in clear.output and TOKEN not in clear.output
    assert server.seen == []
    server.on("/repos/acme/logging-core/issues", Reply(401, {"message": "Bad credentials"}))
    res = run(
        "notify", "--advisory", ADVISORY, "--owner", LOGGING, "--owner", QA, "--format", "github", "--post",
        "--github-repo", f"{LOGGING}=acme/logging-core", DEPWAVE_GITHUB_API=server.url, GITHUB_TOKEN=TOKEN,
    )  # fmt: skip
    assert res.exit_code == EXIT_COMPLETED_WITH_ERRORS
    assert res.stderr == (
        "depwave: not sent: GitHub acme/logging-core: HTTP 401 (Bad credentials)\n"
        "depwave: not sent: @acme/qa: no GitHub repository (--github-repo '@acme/qa=ORG/REPO', or a default ORG/REPO)\n"
    )
    assert TOKEN not in res.output
    assert TOKEN not in run("campaign", "export").output  # nor stored with the record


def test_post_slack(run, server: FakeServer) -> None:
    secret = "/services/T000/B000/XXXXsecretXXXX"
    server.on(secret, Reply(200, b"ok"))
    res = run("notify", "--advisory", ADVISORY, "--owner", QA, "--format", "slack", "--post",
              "--slack-webhook-env", f"{QA}=SLACK_QA", SLACK_QA=server.url + secret)  # fmt: skip
    assert res.exit_code == EXIT_OK, res.output
    assert res.stdout == "sent @acme/qa (2 steps)\n" and "secret" not in res.output
    (seen,) = server.seen
    lines = [b["text"]["text"] for b in seen.body["blocks"] if b["type"] == "section"][1]
    assert lines.splitlines()[0].startswith("• wave 1 *edit integration-tests* (integration-tests) `pom.xml:43`")
    unset = run(
        "notify", "--advisory", ADVISORY, "--owner", QA, "--format", "slack", "--post", DEPWAVE_SLACK_WEBHOOK=""
    )
    assert unset.exit_code == EXIT_COMPLETED_WITH_ERRORS
    assert "@acme/qa: $DEPWAVE_SLACK_WEBHOOK is not set (the webhook URL)" in unset.stderr


@pytest.mark.corpus
def test_corpus_struts_one_issue_for_the_codeowners_team(store, data_dir: Path, corpus: Path) -> None:
    """apache/struts: CODEOWNERS gives every file to @apache/struts-committers; the root pom.xml sets
    <log4j2.version>2.26.1</log4j2.version> on line 127 (read from the corpus files)."""
    runner = CliRunner()
    base = ["--data-dir", str(data_dir)]
    assert runner.invoke(cli, [*base, "ingest", str(corpus / "apache__struts"), "--repo", "struts"]).exit_code in (0, 3)
    res = runner.invoke(
        cli,
        [*base, "notify", "--package", "pkg:maven/org.apache.logging.log4j/log4j-core", "--fixed", "2.27.0",
         "--offline", "--format", "github", "--github-repo", "apache/struts"],
    )  # fmt: skip
    assert res.exit_code == EXIT_OK, res.output
    (m,) = json.loads(res.stdout)["messages"]
    assert (m["owner"], m["repo"]) == ("@apache/struts-committers", "apache/struts")
    assert [s.split(":", 1)[0] for s in m["steps"]] == ["edit", "build"]
    body = m["payload"]["body"]
    assert "- Where: `pom.xml:127` in struts" in body
    assert (
        "-        <log4j2.version>2.26.1</log4j2.version>\n+        <log4j2.version>2.27.0</log4j2.version>\n" in body
    )


def test_one_message_per_owner_identity(run) -> None:
    """billing-service is owned by its CODEOWNERS team and by its Backstage group: two owner identities,
    so two messages with the same steps (depwave does not guess that two identities are one team; --owner
    picks one). examples/billing-service: .github/CODEOWNERS @acme/billing, catalog-info.yaml group:default/billing."""
    doc = json.loads(run("notify", "--advisory", ADVISORY, "--format", "github", "--github-repo", "acme/sec").output)
    billing = {m["owner"]: m["steps"] for m in doc["messages"] if m["owner"].endswith("billing")}
    assert sorted(billing) == ["@acme/billing", "group:default/billing"]
    assert billing["@acme/billing"] == billing["group:default/billing"]
    assert billing["@acme/billing"][0] == "edit:billing-service/.#pkg:maven/com.acme.billing/billing-service"
    picked = run("notify", "--advisory", ADVISORY, "--owner", "@acme/billing", "--format", "github")
    assert [m["owner"] for m in json.loads(picked.output)["messages"]] == ["@acme/billing"]


def test_a_step_across_two_repositories_names_each_files_repository(run) -> None:
    """The auth-client/commons-util cycle is one step editing acme-auth/pom.xml:36 and acme-commons/pom.xml:34."""
    res = run("notify", "--advisory", ADVISORY)
    assert res.exit_code == EXIT_OK, res.output
    lines = res.output.splitlines()
    assert "- Where: `acme-auth: pom.xml:36, acme-commons: pom.xml:34`" in lines
    assert "- Where: `pom.xml:32` in acme-logging" in lines  # one repository: as before
