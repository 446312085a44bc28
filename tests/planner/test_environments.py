"""Environments: plain manifests without namespace or overlay (expected answers written by hand).

``tests/fixtures/deploy/plain-manifests/microservices-demo`` is shaped like
GoogleCloudPlatform/microservices-demo in December 2021: ``kubernetes-manifests/*.yaml`` with no namespace,
images under bare names built by ``skaffold.yaml`` from ``src/adservice`` (Gradle, log4j-core 2.14.1 at
``build.gradle:33``) and ``src/frontend`` (Go), and ``redis-cart`` running the public ``redis:alpine``.
Every service is in environment ``default`` (the namespace ``kubectl apply`` uses), which is not a known
environment: ``--env prod`` keeps adservice, marked, and still exits 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import environments
from planner.cli import EXIT_FINDINGS, EXIT_OK, cli
from tests.conftest import EXAMPLES, FIXTURES

ADVISORY = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")
DEMO = FIXTURES / "deploy" / "plain-manifests" / "microservices-demo"


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    loaded = invoke("ingest", str(DEMO))
    assert loaded.exit_code == 0, loaded.output
    return invoke


def test_services_of_plain_manifests_are_in_default(run) -> None:
    result = run("services", "--format", "json")
    doc = json.loads(result.output)
    got = {s["service"]: (s["environment"], s["environment_known"]) for s in doc["services"]}
    assert got == {
        "default/adservice": ("default", False),
        "default/frontend": ("default", False),
        "default/redis-cart": ("default", False),
    }
    assert "None" not in run("services").output
    prod = run("services", "--env", "prod")
    assert prod.exit_code == EXIT_OK
    assert "environment unknown (they may run in prod): default/adservice, default/frontend, default/redis-cart" in (
        prod.output
    )


def test_env_filter_keeps_an_exposure_whose_environment_is_unknown(run) -> None:
    every = run("exposure", ADVISORY, "--format", "json")
    assert every.exit_code == EXIT_FINDINGS
    (ad,) = json.loads(every.output)["projects"]
    assert (ad["repo"], ad["verdict"], ad["direct"], ad["change_at"]) == (
        "microservices-demo",
        "exposed",
        True,
        "src/adservice/build.gradle:33",
    )
    assert [(s["name"], s["environment"]) for s in ad["services"]] == [("adservice", "default")]
    assert ad["environment_unknown"] is False  # no filter, nothing to mark

    prod = run("exposure", ADVISORY, "--env", "prod", "--format", "json")
    assert prod.exit_code == EXIT_FINDINGS  # before: "0 project(s) reach it", exit 0
    doc = json.loads(prod.output)
    assert doc["environment"] == "prod" and doc["exposed"] is True
    assert [(p["change_at"], p["environment_unknown"]) for p in doc["projects"]] == [
        ("src/adservice/build.gradle:33", True)
    ]
    table = run("exposure", ADVISORY, "--env", "prod")
    assert table.exit_code == EXIT_FINDINGS
    assert "None" not in table.output  # the table folds its cells: the marker is checked in Markdown below
    assert "--env prod: what runs in prod, and 1 project(s) whose environment is unknown" in table.output
    markdown = run("exposure", ADVISORY, "--env", "prod", "--format", "markdown").output
    assert "adservice@default (environment unknown)" in markdown


def test_plan_deploys_to_default_and_env_prod_keeps_it(run) -> None:
    result = run("plan", "--advisory", ADVISORY, "--format", "json")
    assert result.exit_code == EXIT_OK, result.output  # before: exit 2, "deployments must be a list of …"
    plan = json.loads(result.output)
    deploys = [(s["service"], s["environment"]) for s in plan["steps"] if s["kind"] == "deploy"]
    assert deploys == [("adservice", "default")]
    edit = next(s for s in plan["steps"] if s["kind"] == "edit")
    assert (edit["location"], edit["strategy"]) == ("src/adservice/build.gradle:33", "direct")
    assert "None" not in run("plan", "--advisory", ADVISORY).output
    # the service may run in production (its environment is unknown): it is fixed when it is deployed,
    # edit 0.5 h + build 0.5 h + deploy 0.25 h (before: 1 h, the build, while the deploy ran to 1.25 h)
    assert (plan["services_fixed"], plan["makespan"]) == (1.25, 1.25)
    scoped = json.loads(run("plan", "--advisory", ADVISORY, "--env", "prod", "--format", "json").output)
    assert [(s["kind"], s["environment"]) for s in scoped["steps"]] == [
        ("edit", None),
        ("build", None),
        ("deploy", "default"),
    ]
    # redis-cart runs the public redis:alpine: an inventory gap, not a decision
    assert scoped["inventory_gaps"] == [{"image": "docker.io/library/redis:alpine", "services": ["default/redis-cart"]}]


@pytest.mark.parametrize(
    ("environments_", "wanted", "expected"),
    [
        (["prod"], "prod", environments.IN),
        (["staging", "prod"], "prod", environments.IN),
        (["staging"], "prod", None),
        (["default"], "prod", environments.UNKNOWN),
        ([None], "prod", environments.UNKNOWN),
        (["staging", "default"], "prod", environments.UNKNOWN),
        (["default"], "default", environments.IN),
        ([], "prod", None),
    ],
)
def test_match(environments_, wanted, expected) -> None:
    assert environments.match(environments_, wanted) == expected


def test_project_match_without_deployments() -> None:
    assert environments.project_match("application", [], "prod") == environments.UNKNOWN
    assert environments.project_match("library", [], "prod") is None
    assert environments.project_match("service", ["staging"], "prod") is None
