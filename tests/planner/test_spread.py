"""depwave versions / why on the example organisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import version_spread, why
from planner.cli import EXIT_USAGE, cli
from planner.errors import UsageError
from planner.ingest import ingest
from tests.conftest import EXAMPLES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"


def test_version_spread(store) -> None:
    ingest(store, [EXAMPLES])
    result = version_spread.version_spread(store, LOG4J)
    assert [(v.version, len(v.projects), len(v.repos)) for v in result.versions] == [("2.14.1", 7, 7)]
    lodash = version_spread.version_spread(store, "pkg:npm/lodash")
    assert [(v.version, v.repos) for v in lodash.versions] == [("4.17.15", ["storefront"])]
    with pytest.raises(UsageError):
        version_spread.version_spread(store, LOG4J + "@2.14.1")


def test_why_lists_the_route_through_internal_libraries(store) -> None:
    ingest(store, [EXAMPLES])
    result = why.why(store, "com.acme.billing:billing-service", LOG4J)
    routes = [[s["key"] for s in path if s["kind"] == "project"] for path in result.paths]
    assert [
        "billing-service/.#pkg:maven/com.acme.billing/billing-service",
        "acme-platform/.#pkg:maven/com.acme.platform/platform-web",
        "acme-commons/.#pkg:maven/com.acme.commons/commons-util",
        "acme-logging/logging-core#pkg:maven/com.acme.logging/logging-core",
    ] in routes
    first_hop = result.paths[0][0]
    assert first_hop["location"] == "pom.xml:37"  # billing-service's <artifactId>platform-web</artifactId>
    own = [p for p in result.paths if p[1]["kind"] == "version"]
    assert own and own[0][-1]["key"] == LOG4J + "@2.14.1"  # its own SBOM chain
    assert why.why(store, "@acme/storefront", LOG4J).paths == []


def test_a_project_is_found_by_the_label_the_tables_print(store) -> None:
    """Tables print ``repo/artifact`` (or the artifact alone): what a responder copies from them works."""
    ingest(store, [EXAMPLES])
    key = "acme-platform/.#pkg:maven/com.acme.platform/platform-web"
    assert why.find_project(store, "platform-web") == key
    assert why.find_project(store, "acme-platform/platform-web") == key
    with pytest.raises(UsageError, match="no project matches"):
        why.find_project(store, "acme-commons/platform-web")  # the right artifact in the wrong repository
    with pytest.raises(UsageError, match="no project matches"):
        why.find_project(store, "web")  # a name's tail is not its label


def test_why_needs_one_project(store, data_dir: Path) -> None:
    ingest(store, [EXAMPLES])
    with pytest.raises(UsageError, match="no project matches"):
        why.why(store, "nope", LOG4J)
    res = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "why", "nope", LOG4J])
    assert res.exit_code == EXIT_USAGE
    out = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "versions", LOG4J, "--format", "json"])
    assert json.loads(out.output)["versions"][0]["projects"] == 7
