"""Untraceable images: first-party unknowns are decisions, third-party images one inventory gap (by hand).

``tests/fixtures/deploy/compose-noise/chat-app`` is laid out like pypa/warehouse's Compose setup: ``web``
runs the image built from the repository (a pip-compiled ``requirements.txt`` pinning requests 2.31.0 at
line 19), beside ``mysql:8.0``, ``redis:7.2-alpine`` and ``ollama/ollama:0.1.32``. For requests
``[2.3.0, 2.31.0)`` nothing is exposed: exposure and plan must both list the three public images once, as
an inventory gap, and the plan must hold no ``decide`` step for them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import inventory
from planner.cli import EXIT_OK, cli
from tests.conftest import EXAMPLES, FIXTURES

CHAT = FIXTURES / "deploy" / "compose-noise" / "chat-app"
GAPS = [
    {"image": "docker.io/library/mysql:8.0", "services": ["compose/chat-app/db"]},
    {"image": "docker.io/library/redis:7.2-alpine", "services": ["compose/chat-app/redis"]},
    {"image": "docker.io/ollama/ollama:0.1.32", "services": ["compose/chat-app/ollama"]},
]


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    return invoke


def test_third_party_images_are_one_inventory_gap_in_exposure_and_plan(run) -> None:
    assert run("ingest", str(CHAT)).exit_code == 0
    exposure = run("exposure", "pkg:pypi/requests@>=2.3.0,<2.31.0", "--format", "json")
    assert exposure.exit_code == EXIT_OK
    doc = json.loads(exposure.output)
    assert [(p["repo"], p["verdict"], p["versions"]) for p in doc["projects"]] == [
        ("chat-app", "not-exposed", ["2.31.0"])
    ]
    assert doc["unknown_services"] == [] and doc["inventory_gaps"] == GAPS
    table = run("exposure", "pkg:pypi/requests@>=2.3.0,<2.31.0").output
    assert table.count("inventory gap: 3 third-party image(s)") == 1

    plan = run("plan", "--package", "pkg:pypi/requests", "--fixed", "2.31.0", "--format", "json")
    assert plan.exit_code == EXIT_OK, plan.output
    doc = json.loads(plan.output)
    assert doc["steps"] == [] and doc["decisions"] == []  # before: a decide step per public image
    assert doc["inventory_gaps"] == GAPS
    text = run("plan", "--package", "pkg:pypi/requests", "--fixed", "2.31.0").output
    assert text.count("inventory gap: 3 third-party image(s)") == 1 and "decide" not in text


def test_first_party_untraceable_stays_a_decision_and_exposure_names_it(run) -> None:
    """examples/: legacy-reports runs registry.acme.io/legacy-reports:2019.4, a registry path the organisation
    pushes its own images to, and no repository builds it: unknown in exposure, a decision in the plan."""
    assert run("ingest", str(EXAMPLES)).exit_code == 0
    advisory = str(EXAMPLES / "security" / "advisories" / "GHSA-jfh8-c2jp-5v3q.json")
    doc = json.loads(run("exposure", advisory, "--format", "json").output)
    assert [(s["service"], s["images"], s["owners"]) for s in doc["unknown_services"]] == [
        ("prod/legacy-reports", ["registry.acme.io/legacy-reports:2019.4"], ["@acme/sre"]),
        ("staging/legacy-reports", ["registry.acme.io/legacy-reports:2019.4"], ["@acme/sre"]),
    ]
    assert doc["inventory_gaps"] == []
    plan = json.loads(run("plan", "--advisory", advisory, "--format", "json").output)
    assert [d["name"] for d in plan["decisions"]] == ["legacy-reports"] and plan["inventory_gaps"] == []


@pytest.mark.parametrize(
    ("image", "first_party"),
    [
        ("docker.io/library/redis:7.0", False),  # Docker official images are never the organisation's
        ("docker.io/ollama/ollama:0.1.32", False),  # another Docker Hub namespace
        ("ghcr.io/repository-service-tuf/repository-service-tuf-api:v0.12.0b1", False),
        ("registry.acme.io/legacy-reports:2019.4", True),  # where the organisation pushes its images
        ("ghcr.io/acme/reports@sha256:" + "a" * 64, True),
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:5.2.0", True),  # a private registry
        ("docker.io/library/warehouse-opensearch:latest", True),  # built by a Dockerfile of the organisation
    ],
)
def test_is_first_party(image: str, first_party: bool) -> None:
    own = {"registry.acme.io", "ghcr.io/acme"}
    built = {"docker.io/library/warehouse-opensearch:latest"}
    assert inventory.is_first_party(image, own, built) is first_party
