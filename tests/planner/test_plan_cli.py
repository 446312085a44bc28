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
    # platform-web waits for the auth-client/commons-util publish, which waits for logging-core's
    web_edit = next(s for s in plan["steps"] if s["kind"] == "edit" and "platform-web" in s["project"])
    chain = []
    frontier = list(web_edit["depends_on"])
    while frontier:
        step = steps[frontier.pop()]
        chain.append((step["kind"], step["project"]))
        frontier.extend(step["depends_on"])
    assert ("publish", "acme-auth/.#pkg:maven/com.acme.auth/auth-client") in chain
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


def test_examples_default_plan_is_production_first(run) -> None:
    """Under the default policy (defer_libraries: true) billing-service overrides and production is safe after
    one edit -> build -> deploy cycle; the library chain nobody in the fix phase waits for is republished in
    the clean-up phase, level by level (logging-core 1.5-2.75 h, the cycle 2.75-5.25 h, platform-web 5.25-6.5 h)."""
    plan = json.loads(run("plan", "--advisory", ADVISORY, "--format", "json").output)
    assert plan["services_fixed"] == 1.5 and plan["baseline"]["services_fixed"] == 6.75
    assert plan["makespan"] == plan["lower_bound"] == 1.5 and plan["cleanup_finish"] == 6.5
    assert sorted({s["name"] for s in plan["steps"] if s["phase"] == "cleanup"}) == [
        "com.acme.auth:auth-client + com.acme.commons:commons-util",
        "com.acme.logging:logging-core",
        "com.acme.platform:platform-web",
    ]
    text = run("plan", "--advisory", ADVISORY).output.splitlines()
    assert text[1] == "  every exposed service fixed at 1.5 h (frontier baseline: 6.75 h)"


def test_examples_expected_plan(run, libraries_in_fix_phase: Path) -> None:
    """The plan examples/ was built to exercise (durations are the policy defaults: edit 0.5 h,
    build 0.5 h, publish 0.25 h, deploy 0.25 h; a cycle's members are edited and built together), with
    every library fix in the fix phase (defer_libraries: false)."""
    plan = json.loads(run("plan", "--advisory", ADVISORY, "--format", "json").output)
    by = {(s["kind"], s["name"], s["environment"]): s for s in plan["steps"]}
    # a library chain of depth >= 3, propagated: logging-core -> (auth-client + commons-util) -> platform-web
    assert by[("publish", "com.acme.logging:logging-core", None)]["finish"] == 1.25
    cycle = "com.acme.auth:auth-client + com.acme.commons:commons-util"
    assert by[("publish", cycle, None)]["finish"] == 3.75  # waits for logging-core's publish
    assert by[("publish", "com.acme.platform:platform-web", None)]["finish"] == 5.0
    assert plan["cycles"] == [
        ["acme-auth/.#pkg:maven/com.acme.auth/auth-client", "acme-commons/.#pkg:maven/com.acme.commons/commons-util"]
    ]
    # the override that shortens the plan: billing-service pins log4j-core itself and ships at 1.5 h
    billing = "com.acme.billing:billing-service"
    assert plan["strategies"]["billing-service/.#pkg:maven/com.acme.billing/billing-service"] == "override"
    edit = by[("edit", billing, None)]
    assert edit["mechanism"] == "dependency-management" and edit["depends_on"] == []
    assert "<version>2.15.0</version>" in edit["change"]
    assert by[("deploy", billing, "staging")]["finish"] == 1.25
    assert by[("deploy", billing, "prod")]["finish"] == 1.5  # staging before prod
    assert plan["makespan"] == 5.0 and plan["lower_bound"] == 5.0
    assert plan["baseline"]["makespan"] == 6.75 and plan["baseline"]["rounds"] == 4
    # the test-only project is edited and built but never deployed
    assert ("build", "com.acme.qa:integration-tests", None) in by
    assert not [s for s in plan["steps"] if s["kind"] == "deploy" and s["name"] == "com.acme.qa:integration-tests"]
    # the service whose image no repository builds is a decision for its owners
    (decision,) = plan["decisions"]
    assert decision["name"] == "legacy-reports" and decision["owners"] == ["@acme/sre"]
    # orders-service declares log4j-core itself: a direct bump of build.gradle:34
    orders = by[("edit", "com.acme.orders:orders-service", None)]
    assert orders["strategy"] == "direct" and orders["location"] == "build.gradle:34"


def test_plan_bad_input(store, data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    # an empty store: a valid empty plan
    empty = run(
        "plan", "--package", "pkg:maven/org.apache.logging.log4j/log4j-core", "--fixed", "2.17.1", "--format", "json"
    )
    assert empty.exit_code == 0 and json.loads(empty.output)["steps"] == []
    # an invalid policy file: one sentence naming the file, the line and the key; exit 2
    policy = tmp_path / "depwave.yaml"
    policy.write_text("durations:\n  build: -1\n")
    bad = run("plan", "--advisory", ADVISORY, "--policy", str(policy))
    assert bad.exit_code == EXIT_USAGE
    assert (
        bad.output.startswith("depwave: ") and "durations" in bad.output and len(bad.output.strip().splitlines()) == 1
    )


def test_examples_services_fixed_long_before_the_libraries(run) -> None:
    plan = json.loads(run("plan", "--advisory", ADVISORY, "--format", "json").output)
    # billing-service (override) and orders-service (direct) are in prod at 1.5 h; the frontier
    # rounds make billing-service wait for platform-web's round
    assert plan["services_fixed"] == 1.5
    assert plan["baseline"]["services_fixed"] == plan["baseline"]["makespan"] == 6.75
