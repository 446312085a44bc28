"""The example organisation answers what examples/README.md says it should (written by hand first)."""

from __future__ import annotations

from planner.dependents import find_dependents
from planner.ingest import ingest
from tests.conftest import EXAMPLES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"

# (name, repo, relation, scope, depth) from examples/README.md "Expected answers"
EXPECTED = [
    ("com.acme.logging:logging-core", "acme-logging", "resolves", "runtime", 1),
    ("com.acme.qa:integration-tests", "integration-tests", "resolves", "test", 1),
    ("com.acme.orders:orders-service", "orders-service", "resolves", "runtime", 1),
    ("com.acme.commons:commons-util", "acme-commons", "resolves", "runtime", 2),
    ("com.acme.auth:auth-client", "acme-auth", "resolves", "runtime", 3),
    ("com.acme.platform:platform-web", "acme-platform", "resolves", "runtime", 3),
    ("com.acme.billing:billing-service", "billing-service", "resolves", "runtime", 4),
]


def test_examples_ingest_cleanly_and_twice_identically(store) -> None:
    report = ingest(store, [EXAMPLES])
    assert report.errors == [] and report.warnings == []
    assert report.loaded == 10
    first = store.stats()
    assert first["nodes"]["Project"] == 10
    assert first["nodes"]["Repo"] == 9
    ingest(store, [EXAMPLES], force=True)
    assert store.stats() == first


def test_log4j_core_dependents(store) -> None:
    ingest(store, [EXAMPLES])
    result = find_dependents(store, LOG4J)
    got = [(d.name, d.repo, d.relation, d.scope, d.depth) for d in result.dependents]
    assert got == EXPECTED
    billing = result.dependents[-1]
    assert [h.key for h in billing.path] == [
        "billing-service/.#pkg:maven/com.acme.billing/billing-service",
        "pkg:maven/com.acme.platform/platform-web@3.0.0",
        "pkg:maven/com.acme.commons/commons-util@2.1.0",
        "pkg:maven/com.acme.logging/logging-core@1.4.0",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    ]
    assert all(d.versions == ["2.14.1"] for d in result.dependents)
    assert billing.location == "bom.json:121"


def test_versioned_target_and_depth_limit(store) -> None:
    ingest(store, [EXAMPLES])
    fixed = find_dependents(store, LOG4J + "@2.17.1")
    assert fixed.found is False
    exact = find_dependents(store, LOG4J + "@2.14.1")
    assert [d.name for d in exact.dependents] == [e[0] for e in EXPECTED]
    lodash = find_dependents(store, "pkg:npm/lodash")
    assert [(d.name, d.versions) for d in lodash.dependents] == [("@acme/storefront", ["4.17.15"])]
