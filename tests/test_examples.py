"""The example organisation answers what examples/README.md says it should (written by hand first)."""

from __future__ import annotations

from planner.dependents import find_dependents
from planner.ingest import ingest
from tests.conftest import EXAMPLES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"

# (name, repo, relation, scope, depth) from examples/README.md "Expected answers"
EXPECTED = [
    ("com.acme.logging:logging-core", "acme-logging", "declares", "runtime", 1),
    ("com.acme.qa:integration-tests", "integration-tests", "declares", "test", 1),
    ("com.acme.orders:orders-service", "orders-service", "declares", "runtime", 1),
    ("com.acme.commons:commons-util", "acme-commons", "resolves", "runtime", 2),
    ("com.acme.auth:auth-client", "acme-auth", "resolves", "runtime", 3),
    ("com.acme.platform:platform-web", "acme-platform", "resolves", "runtime", 3),
    ("com.acme.billing:billing-service", "billing-service", "resolves", "runtime", 4),
]


def test_examples_ingest_cleanly_and_twice_identically(store) -> None:
    report = ingest(store, [EXAMPLES])
    assert report.errors == [] and report.warnings == []
    # 10 SBOMs, 8 POMs, 1 OSV record, package.json + lock, pyproject + requirements, Gradle settings/build/lock,
    # 11 CODEOWNERS, 6 Kubernetes manifests, 4 kustomizations, 4 Dockerfiles, 2 Backstage catalog files,
    assert report.loaded == 64  # + 11 source files (Java, JavaScript, TypeScript, Python)
    first = store.stats()
    assert first["nodes"]["Advisory"] == 1 and first["relationships"]["AFFECTS"] == 1
    assert first["nodes"]["Project"] == 11  # the SBOM and the POM of a module are one project; + the parent POM
    assert first["nodes"]["Repo"] == 11  # every top-level directory of examples/ is a repository
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
    core = result.dependents[0]
    # the line of its <artifactId>log4j-core</artifactId>
    assert (core.location, core.declared) == ("logging-core/pom.xml:28", "2.14.1")
    rows = store.run(
        "MATCH (p:Project {name: 'com.acme.logging:logging-core'})-[d:DECLARES]->(:Package {key: $k}) "
        "RETURN d.version_file AS file, d.version_line AS line",
        {"k": LOG4J},
    )
    assert rows == [{"file": "pom.xml", "line": 32}]  # <log4j2.version> in the parent POM


def test_versioned_target_and_depth_limit(store) -> None:
    ingest(store, [EXAMPLES])
    fixed = find_dependents(store, LOG4J + "@2.17.1")
    assert fixed.found is False
    exact = find_dependents(store, LOG4J + "@2.14.1")
    assert [d.name for d in exact.dependents] == [e[0] for e in EXPECTED]
    lodash = find_dependents(store, "pkg:npm/lodash")
    assert [(d.name, d.versions) for d in lodash.dependents] == [("@acme/storefront", ["4.17.15"])]
