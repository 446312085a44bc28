"""Campaigns: the plan and every step's state, recorded in the graph; status re-plans what remains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_USAGE, cli
from tests.conftest import EXAMPLES

ADVISORY = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")
EDIT_CORE = "edit:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"


@pytest.fixture()
def run(store, data_dir: Path, libraries_in_fix_phase: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args], env={"DEPWAVE_USER": "alice"})

    invoke.data_dir = str(data_dir)  # type: ignore[attr-defined]
    assert invoke("ingest", str(EXAMPLES)).exit_code == 0
    return invoke


def test_campaign_start_mark_status(run) -> None:
    started = run("campaign", "start", "--advisory", ADVISORY, "--name", "log4shell", "--format", "json")
    assert started.exit_code == 0, started.output
    plan = json.loads(started.output)["plan"]
    before = json.loads(run("campaign", "status", "--format", "json").output)
    assert before["campaign"]["key"] == "log4shell" and before["campaign"]["created_by"] == "alice"
    assert before["counts"]["todo"] == len(plan["steps"])
    assert before["remaining_makespan"] == plan["makespan"]

    marked = run("campaign", "mark", EDIT_CORE, "done", "--note", "PR #12", "--format", "json")
    assert json.loads(marked.output) == {
        "schema": "depwave.campaign/1",
        "campaign": "log4shell",
        "id": EDIT_CORE,
        "previous": "todo",
        "state": "done",
        "pr": None,
        "issue": None,
    }
    after = json.loads(run("campaign", "status", "--format", "json").output)
    assert after["counts"]["done"] == 1
    assert after["remaining_makespan"] == plan["makespan"] - 0.5  # the done edit no longer takes time
    (event,) = after["events"]
    assert (event["step"], event["from"], event["to"], event["by"], event["note"]) == (
        EDIT_CORE,
        "todo",
        "done",
        "alice",
        "PR #12",
    )


def test_campaign_survives_reingest_and_reports_obsolete_steps(run, tmp_path: Path) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c1").exit_code == 0
    assert run("ingest", str(EXAMPLES), "--force").exit_code == 0
    status = json.loads(run("campaign", "status", "--campaign", "c1", "--format", "json").output)
    assert status["obsolete"] == []
    assert status["counts"]["todo"] > 0


def test_campaign_errors(run) -> None:
    assert run("campaign", "status").exit_code == EXIT_USAGE  # none yet
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c2").exit_code == 0
    res = run("campaign", "mark", "no-such-step", "done")
    assert res.exit_code == EXIT_USAGE and "no step" in res.output
    assert run("campaign", "mark", EDIT_CORE, "finished").exit_code == EXIT_USAGE


BUILD_CORE = "build:acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core"
PR = "https://github.com/acme/logging-core/pull/12"


def test_start_with_a_name_in_use_refuses_and_keeps_the_record(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c3").exit_code == 0
    before = json.loads(run("campaign", "status", "--format", "json").output)["campaign"]
    again = run("campaign", "start", "--advisory", ADVISORY, "--name", "c3")
    assert again.exit_code == EXIT_USAGE
    assert "campaign 'c3' already exists" in again.output and "--replace" in again.output
    after = json.loads(run("campaign", "status", "--format", "json").output)["campaign"]
    assert after["created_at"] == before["created_at"] and "replaced_at" not in after


def test_replace_keeps_creation_states_links_and_events(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c4").exit_code == 0
    created = json.loads(run("campaign", "status", "--format", "json").output)["campaign"]["created_at"]
    assert run("campaign", "mark", EDIT_CORE, "in-pr", "--pr", PR).exit_code == 0
    replaced = CliRunner().invoke(
        cli,
        ["--data-dir", run.data_dir, "campaign", "start", "--advisory", ADVISORY, "--name", "c4", "--replace"],
        env={"DEPWAVE_USER": "bob"},
    )
    assert replaced.exit_code == 0, replaced.output
    assert replaced.output.startswith("campaign c4 re-planned: 20 steps (19 todo, 1 in-pr); history kept\n")
    status = json.loads(run("campaign", "status", "--format", "json").output)
    c = status["campaign"]
    assert (c["created_at"], c["created_by"], c["replaced_by"]) == (created, "alice", "bob")
    core = next(s for s in status["steps"] if s["id"] == EDIT_CORE)
    assert (core["state"], core["pr"]) == ("in-pr", PR)
    assert [(e["step"], e["to"], e["pr"]) for e in status["events"]] == [(EDIT_CORE, "in-pr", PR)]


def test_derived_statuses_follow_the_plan(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c5").exit_code == 0
    status = json.loads(run("campaign", "status", "--format", "json").output)
    # the decide step and the four first-wave edits wait for nothing; every other step waits for one
    assert status["statuses"] == {
        "awaiting-parents": 15,
        "awaiting-pr": 5,
        "in-pr": 0,
        "done": 0,
        "failed": 0,
        "blocked": 0,
        "bot-error": 0,
    }
    build = next(s for s in status["steps"] if s["id"] == BUILD_CORE)
    assert (build["status"], build["waits_for"]) == ("awaiting-parents", [EDIT_CORE])
    assert run("campaign", "mark", EDIT_CORE, "done").exit_code == 0
    status = json.loads(run("campaign", "status", "--format", "json").output)
    build = next(s for s in status["steps"] if s["id"] == BUILD_CORE)
    assert (build["status"], build["waits_for"]) == ("awaiting-pr", [])
    assert run("campaign", "mark", BUILD_CORE, "bot-error", "--note", "CI runner died").exit_code == 0
    status = json.loads(run("campaign", "status", "--format", "json").output)
    assert status["statuses"]["bot-error"] == 1 and status["counts"]["bot-error"] == 1


def test_mark_links_and_bad_urls(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c6").exit_code == 0
    issue = "https://github.com/acme/logging-core/issues/7"
    res = run("campaign", "mark", EDIT_CORE, "in-pr", "--pr", PR, "--issue", issue, "--format", "json")
    assert json.loads(res.output)["pr"] == PR and json.loads(res.output)["issue"] == issue
    # a later mark without links keeps them
    assert run("campaign", "mark", EDIT_CORE, "done").exit_code == 0
    core = next(
        s for s in json.loads(run("campaign", "status", "--format", "json").output)["steps"] if s["id"] == EDIT_CORE
    )
    assert (core["pr"], core["issue"]) == (PR, issue)
    bad = run("campaign", "mark", EDIT_CORE, "done", "--pr", "#12")
    assert bad.exit_code == EXIT_USAGE and "give the URL" in bad.output


def test_status_per_owner(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c7").exit_code == 0
    status = json.loads(run("campaign", "status", "--owner", "@acme/qa", "--format", "json").output)
    assert [s["id"] for s in status["steps"]] == [
        "edit:integration-tests/.#pkg:maven/com.acme.qa/integration-tests",
        "build:integration-tests/.#pkg:maven/com.acme.qa/integration-tests",
    ]
    assert status["owner"] == "@acme/qa" and status["remaining_makespan"] == 5  # the plan stays whole
    text = run("campaign", "status", "--owner", "@acme/qa").output.splitlines()
    assert text[:2] == [
        "campaign c7: log4j-core → 2.15.0 — steps of @acme/qa",
        "  1 awaiting-parents, 1 awaiting-pr; remaining makespan 5 h",
    ]


def test_status_text_is_a_table_of_labels_and_mark_takes_a_label(run) -> None:
    """Before: one line per step id (`awaiting-pr      edit:integration-tests/.#pkg:maven/…`, up to 110
    columns) and `mark` took only ids; its confirmation repeated the id."""
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c9").exit_code == 0
    marked = run("campaign", "mark", "edit integration-tests", "in-pr", "--pr", PR)
    assert marked.exit_code == 0, marked.output
    assert marked.output == f"c9: edit integration-tests  todo → in-pr  (pr {PR})\n"
    text = run("campaign", "status").output
    assert "#pkg:" not in text
    lines = text.splitlines()
    assert lines[2].split() == ["status", "step", "owners", "links"]  # last change: --wide, at 100 columns
    row = next(line for line in lines if line.startswith("in-pr"))
    assert row.split() == ["in-pr", "edit", "integration-tests", "@acme/qa", "pr"]
    assert ["awaiting-parents", "build", "integration-tests", "@acme/qa"] in [line.split() for line in lines]
    assert "mark a step by its label or its id (--format json lists ids))" in " ".join(lines[-2:])
    wide = run("campaign", "status", "--wide").output.splitlines()
    assert wide[2].split() == ["status", "step", "owners", "links", "last", "change"]
    assert run("campaign", "mark", "edit acme-logging/logging-core", "done").exit_code == 0
    json_status = json.loads(run("campaign", "status", "--format", "json").output)
    assert {s["id"]: s["state"] for s in json_status["steps"]}[EDIT_CORE] == "done"
    missing = run("campaign", "mark", "edit nothing", "done")
    assert missing.exit_code == EXIT_USAGE and "campaign 'c9' has no step 'edit nothing'" in missing.output


def test_status_markdown_is_markdown(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c8").exit_code == 0
    assert run("campaign", "mark", EDIT_CORE, "in-pr", "--pr", PR).exit_code == 0
    out = run("campaign", "status", "--format", "markdown").output
    lines = out.splitlines()
    assert lines[0] == "# Campaign c8: pkg:maven/org.apache.logging.log4j/log4j-core → 2.15.0"
    # every line is a heading, a list item, a table row or blank: none of the text form's plain lines
    assert all(
        not line or line[0] in "#-|" or line.startswith(("Verify", "Where the vulnerable code is called"))
        for line in lines
    ), out
    assert not any(line.startswith(("campaign ", "remaining makespan")) for line in lines)
    row = next(line for line in lines if EDIT_CORE in line and line.startswith("| in-pr"))
    assert PR in row and "in-pr 20" in row and "by alice" in row
    never = next(line for line in lines if BUILD_CORE in line and line.startswith("| awaiting-parents"))
    assert never.endswith("|  |  |  |")  # no PR, no issue, no last change (not the start time)
    assert "## What remains" in lines and "### Wave 1" in lines


def test_export_is_the_whole_history(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c9").exit_code == 0
    assert run("campaign", "mark", EDIT_CORE, "in-pr", "--pr", PR).exit_code == 0
    assert run("campaign", "mark", EDIT_CORE, "done", "--note", "merged").exit_code == 0
    doc = json.loads(run("campaign", "export").output)
    assert doc["schema"] == "depwave.campaign-history/1" and doc["campaign"]["key"] == "c9"
    assert len(doc["steps"]) == 20
    core = next(s for s in doc["steps"] if s["id"] == EDIT_CORE)
    assert (core["state"], core["pr"], core["location"], core["repo"]) == ("done", PR, "pom.xml:32", "acme-logging")
    assert core["last_change"]["by"] == "alice"
    assert next(s for s in doc["steps"] if s["id"] == BUILD_CORE)["last_change"] is None
    assert [(e["from"], e["to"], e["note"]) for e in doc["events"]] == [
        ("todo", "in-pr", None),
        ("in-pr", "done", "merged"),
    ]
    md = run("campaign", "export", "--format", "markdown").output
    assert md.startswith("# Campaign record: c9\n")
    assert "| `<log4j2.version>2.15.0</log4j2.version>` | done |" in md  # the change as code, not as HTML
    assert "| todo → in-pr |" in md and "| in-pr → done | merged |" in md


def test_the_runbook_ticks_done_steps_and_decisions_only(run) -> None:
    """The status Markdown's runbook of what remains: a done step's row and a done decide step's
    checklist item are [x] (they used to stay [ ]), in the owner's view too; every other row is [ ]."""
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c10").exit_code == 0
    decide = "decide:image:registry.acme.io/legacy-reports:2019.4:unresolved"
    for step in (EDIT_CORE, decide):
        assert run("campaign", "mark", step, "done").exit_code == 0
    for owner in ((), ("--owner", "@acme/qa")):  # neither step is @acme/qa's: still ticked in the whole runbook
        lines = run("campaign", "status", "--format", "markdown", *owner).output.splitlines()
        ticked = [line for line in lines if "[x]" in line]
        assert len(ticked) == 3, ticked
        assert ticked[0].startswith("- [x] **legacy-reports** (unresolved)")
        assert ticked[1].startswith("| [x] | decide legacy-reports |")
        assert ticked[2].startswith("| [x] | edit acme-logging/logging-core (property) |")
        assert sum(line.startswith("| [ ] |") for line in lines) == 18


CYCLE = "edit:acme-auth/.#pkg:maven/com.acme.auth/auth-client"  # edits acme-auth and acme-commons


def test_a_step_across_two_repositories_names_each_files_repository(run) -> None:
    assert run("campaign", "start", "--advisory", ADVISORY, "--name", "c-cycle").exit_code == 0
    where = "acme-auth: pom.xml:36, acme-commons: pom.xml:34"
    doc = json.loads(run("campaign", "export").output)
    assert next(s for s in doc["steps"] if s["id"].endswith(CYCLE))["location"] == where
    assert f"| {where} |" in run("campaign", "export", "--format", "markdown").output
    status = run("campaign", "status", "--format", "markdown").output
    assert "acme-auth/pom.xml:36, acme-commons/pom.xml:34" in status  # the runbook's repo/file form
    # a step in one repository keeps the bare file:line
    assert next(s for s in doc["steps"] if s["id"] == EDIT_CORE)["location"] == "pom.xml:32"
