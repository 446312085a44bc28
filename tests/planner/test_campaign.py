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
