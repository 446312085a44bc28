"""planner.sbom.assemble on hand-written rows (no store): what becomes a component, its scope, and which
dependency edges hold for a project's own build. Rows are modelled on examples/orders-service, which has a
gradle.lockfile (no depth, no graph) and a Gradle-made bom.json (depth, chain, a dependency cycle)."""

from __future__ import annotations

from planner.sbom.assemble import assemble, project_refs
from planner.sbom.model import Subject

ORDERS = "orders-service/.#pkg:maven/com.acme.orders/orders-service"
ORDERS_REF = "pkg:maven/com.acme.orders/orders-service@1.9.0"
BOM, LOCK = "orders-service:bom.json", "orders-service:gradle.lockfile"
CORE = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
API = "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1"
JUNIT = "pkg:maven/org.junit.jupiter/junit-jupiter@5.8.1"
UTIL = "pkg:maven/com.acme.commons/commons-util@2.1.0"
AUTH = "pkg:maven/com.acme.auth/auth-client@1.2.0"
LANG = "pkg:maven/org.apache.commons/commons-lang3@3.12.0"
SLF4J = "pkg:maven/org.slf4j/slf4j-api@1.7.32"


def res(version, source, scope="runtime", depth=None, chain=None, hashes=None, project=ORDERS):
    return {
        "project": project,
        "version": version,
        "scope": scope,
        "depth": depth,
        "chain": chain,
        "source": source,
        "hashes": hashes,
    }


def dep(version, package, resolved, source):
    return {"version": version, "package": package, "resolved": resolved, "scope": "runtime", "source": source}


PROJECT_ROW = {
    "key": ORDERS,
    "name": "com.acme.orders:orders-service",
    "repo": "orders-service",
    "path": ".",
    "ecosystem": "maven",
    "kind": "service",
    "purl": ORDERS_REF,
    "version": "1.9.0",
    "manifest": "build.gradle",
}
RESOLUTIONS = [
    res(CORE, BOM, depth=1, chain=[CORE]),
    res(CORE, LOCK),
    res(API, BOM, depth=2, chain=[CORE, API]),
    res(JUNIT, BOM, "test", 1, [JUNIT], ["sha256:" + "a" * 64]),
    res(JUNIT, LOCK, "test", hashes=["sha256:" + "a" * 64]),
    res(UTIL, BOM, depth=1, chain=[UTIL]),
    res(AUTH, BOM, depth=2, chain=[UTIL, AUTH]),
    res(LANG, BOM, "optional", 1, [LANG]),
    res(LANG, LOCK, "runtime"),
    res(SLF4J, LOCK),
]
DEPENDENCIES = [
    dep(CORE, "pkg:maven/org.apache.logging.log4j/log4j-api", "2.14.1", BOM),
    dep(AUTH, "pkg:maven/com.acme.commons/commons-util", None, BOM),  # Gradle's cycle: the one version there is
    dep(UTIL, "pkg:maven/org.apache.commons/commons-lang3", "3.12.0", "acme-commons:bom.json"),  # another build's
]


def test_one_project() -> None:
    projects = project_refs([PROJECT_ROW])
    assert [p.ref for p in projects] == [ORDERS_REF]
    graph = assemble(Subject("project", ORDERS, "orders"), projects, RESOLUTIONS, DEPENDENCIES)
    assert graph.root_ref == ORDERS_REF and graph.projects == []
    assert [(c.ref, c.scope, c.hashes, c.sources) for c in graph.components] == [
        (AUTH, "runtime", (), (BOM,)),
        (UTIL, "runtime", (), (BOM,)),
        (LANG, "runtime", (), (BOM, LOCK)),  # optional in the SBOM, runtime in the lockfile: runtime wins
        (API, "runtime", (), (BOM,)),
        (CORE, "runtime", (), (BOM, LOCK)),
        (JUNIT, "test", ("sha256:" + "a" * 64,), (BOM, LOCK)),
        (SLF4J, "runtime", (), (LOCK,)),
    ]
    assert graph.dependencies == {
        ORDERS_REF: tuple(sorted([CORE, JUNIT, UTIL, LANG])),
        AUTH: (UTIL,),
        UTIL: (AUTH,),  # from the chain; commons-lang3 is what acme-commons's build says, not this one's
        LANG: (),
        API: (),
        CORE: (API,),
        JUNIT: (),
        # slf4j-api: only the lockfile, which states no graph: its dependencies are unknown, not "none"
    }


def test_several_projects_share_components_and_a_project_is_its_own_component() -> None:
    """A service built from two projects where one resolves the other's published version (billing-service
    resolves platform-web 3.0.0): the project is that component, listed once."""
    web = {**PROJECT_ROW, "key": "acme-platform/.#pkg:maven/com.acme.platform/platform-web", "name": "platform-web"}
    web["purl"] = "pkg:maven/com.acme.platform/platform-web@3.0.0"
    rows = [
        res(web["purl"], BOM, depth=1, chain=[web["purl"]]),
        res(CORE, BOM, depth=2, chain=[web["purl"], CORE]),
        res(CORE, "acme-platform:bom.json", depth=1, chain=[CORE], project=web["key"]),
    ]
    projects = project_refs([PROJECT_ROW, web])
    graph = assemble(Subject("service", "prod/orders", "orders"), projects, rows, [])
    root = "depwave:service:prod/orders"
    assert graph.root is None and graph.root_ref == root
    assert [c.ref for c in graph.components] == [CORE]
    assert graph.dependencies == {
        root: (ORDERS_REF, web["purl"]),  # sorted
        web["purl"]: (CORE,),
        ORDERS_REF: (web["purl"],),
    }


def test_two_projects_with_the_same_coordinates_keep_their_keys() -> None:
    other = {**PROJECT_ROW, "key": "fork/.#pkg:maven/com.acme.orders/orders-service", "repo": "fork"}
    assert [p.ref for p in project_refs([PROJECT_ROW, other])] == [other["key"], ORDERS]


def test_a_bad_version_key_is_a_problem_not_a_crash() -> None:
    graph = assemble(Subject("project", ORDERS, "o"), project_refs([PROJECT_ROW]), [res("not a purl", BOM)], [])
    assert graph.components == [] and len(graph.problems) == 1 and graph.problems[0].startswith(BOM)


def test_unknown_dependencies_are_marked_in_cyclonedx() -> None:
    """cyclonedx-python-lib gives every component a dependency entry; one whose file states no graph says so."""
    import json

    from planner.sbom import cyclonedx
    from tests.planner.sbom.document_info import INFO

    graph = assemble(Subject("project", ORDERS, "o"), project_refs([PROJECT_ROW]), RESOLUTIONS, DEPENDENCIES)
    doc = json.loads(cyclonedx.render(graph, INFO))
    marked = [
        c["purl"] for c in doc["components"] if {"name": "depwave:dependencies", "value": "unknown"} in c["properties"]
    ]
    assert marked == [SLF4J]
