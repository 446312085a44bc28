"""A project an image is built from is a deployable, whatever its packaging (issue 12, finding 5).

``tests/fixtures/maven/petclinic`` is laid out like spring-petclinic-microservices (December 2021): a
root pom (packaging ``pom``) whose ``buildDocker`` profile manages ``exec-maven-plugin`` running
``docker build -t ${docker.image.prefix}/${project.artifactId}``, seven jar modules that declare the
plugin in their own ``buildDocker`` profile, and a docker-compose.yml running the seven
``springcommunity/spring-petclinic-<module>`` images beside ``openzipkin/zipkin`` and two images Compose
builds from ``docker/grafana`` and ``docker/prometheus`` (Dockerfiles only, no project). log4j-core is
managed at ``${log4j2.version}`` = 2.14.1 (root pom.xml:30) and declared by customers, vets and visits.

Expected by hand. Before: all 10 services untraceable, the 7 first-party images listed as third-party
inventory gaps, a plan of 2 decide + 1 edit + 1 build and no deploy. After: 7 services built from their
module, 3 untraceable (zipkin: the one inventory gap; grafana, prometheus: first-party unknowns), a plan
of 1 edit + 1 build + 3 deploys + 2 decide.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import EXIT_FINDINGS, cli
from tests.conftest import FIXTURES

PETCLINIC = FIXTURES / "maven" / "petclinic"
MODULES = [
    "admin-server",
    "api-gateway",
    "config-server",
    "customers-service",
    "discovery-server",
    "vets-service",
    "visits-service",
]
LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"


@pytest.fixture()
def run(store, data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    assert invoke("ingest", str(PETCLINIC)).exit_code == 0
    return invoke


def test_compose_services_run_the_images_the_modules_build(run) -> None:
    doc = json.loads(run("services", "--format", "json").output)
    linked = {
        s["name"]: p["project"].split("#")[0] for s in doc["services"] for i in s["images"] for p in i["projects"]
    }
    assert linked == {m: f"petclinic/spring-petclinic-{m}" for m in MODULES}
    assert doc["untraceable"] == [
        "compose/petclinic/grafana-server",
        "compose/petclinic/prometheus-server",
        "compose/petclinic/tracing-server",
    ]


def test_exposure_and_plan_deploy_the_services(run) -> None:
    exposure = run("exposure", f"{LOG4J}@2.14.1", "--format", "json")
    assert exposure.exit_code == EXIT_FINDINGS
    doc = json.loads(exposure.output)
    runs = {p["name"].split(":")[-1]: [s["name"] for s in p["services"]] for p in doc["projects"]}
    assert runs == {
        "spring-petclinic-customers-service": ["customers-service"],
        "spring-petclinic-vets-service": ["vets-service"],
        "spring-petclinic-visits-service": ["visits-service"],
    }
    assert doc["inventory_gaps"] == [
        {"image": "docker.io/openzipkin/zipkin:latest", "services": ["compose/petclinic/tracing-server"]}
    ]
    plan = json.loads(run("plan", "--package", LOG4J, "--fixed", "2.17.1", "--format", "json").output)
    assert Counter(s["kind"] for s in plan["steps"]) == {"edit": 1, "build": 1, "deploy": 3, "decide": 2}
    (edit,) = [s for s in plan["steps"] if s["kind"] == "edit"]
    assert edit["location"] == "pom.xml:30"  # the <log4j2.version> line of the root pom
