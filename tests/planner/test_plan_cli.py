"""depwave plan on the example organisation: ingest -> exposure -> plan, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_USAGE, cli
from tests.conftest import EXAMPLES

ADVISORY = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    assert invoke("ingest", str(EXAMPLES)).exit_code == 0
    return invoke


def test_plan_json_is_deterministic_and_follows_the_library_chain(run) -> None:
    first = run("plan", "--advisory", ADVISORY, "--format", "json")
    assert first.exit_code == 0, first.output
    again = run("plan", "--advisory", ADVISORY, "--format", "json")
    assert first.output == again.output
    plan = json.loads(first.output)
    assert plan["schema"] == "depwave.plan/1"
    assert plan["target"]["package"] == "pkg:maven/org.apache.logging.log4j/log4j-core"
    assert plan["target"]["fixed_version"] == "2.15.0"  # the lowest fix above 2.14.1 for this advisory
    steps = {s["id"]: s for s in plan["steps"]}
    publishes = [s for s in plan["steps"] if s["kind"] == "publish"]
    assert {s["project"] for s in publishes} >= {
        "acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core",
        "acme-platform/.#pkg:maven/com.acme.platform/platform-web",
    }
    # billing-service waits for platform-web's publish, which waits for logging-core's
    billing_edit = next(s for s in plan["steps"] if s["kind"] == "edit" and "billing-service" in s["project"])
    chain = []
    frontier = list(billing_edit["depends_on"])
    while frontier:
        step = steps[frontier.pop()]
        chain.append((step["kind"], step["project"]))
        frontier.extend(step["depends_on"])
    assert ("publish", "acme-platform/.#pkg:maven/com.acme.platform/platform-web") in chain
    assert ("publish", "acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core") in chain
    assert plan["cycles"], "auth-client <-> commons-util is a cycle fixed together"
    assert plan["makespan"] >= plan["lower_bound"]
    edit = next(s for s in plan["steps"] if s["kind"] == "edit" and "logging-core" in s["project"])
    assert edit["location"] == "pom.xml:32"


def test_plan_runbook_and_graphs(run) -> None:
    md = run("plan", "--advisory", ADVISORY, "--format", "markdown").output
    assert "pom.xml:32" in md and "## Wave 1" in md
    assert run("plan", "--advisory", ADVISORY, "--format", "mermaid").output.startswith(("graph", "flowchart"))
    assert run("plan", "--advisory", ADVISORY, "--format", "dot").output.startswith("digraph")


def test_plan_needs_a_target(run) -> None:
    assert run("plan").exit_code == EXIT_USAGE
    res = run("plan", "--package", "pkg:npm/left-pad", "--fixed", "1.3.0", "--format", "json")
    assert res.exit_code == 0 and json.loads(res.output)["steps"] == []
    low = run("plan", "--advisory", ADVISORY, "--fixed", "2.0.0")
    assert low.exit_code == EXIT_USAGE and "2.0.0" in low.output
