"""One acceptance suite for every store: the embedded FalkorDB always, Neo4j when NEO4J_URI is set."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.dependents import find_dependents
from planner.errors import QueryError
from planner.ingest import ingest
from planner.model import ParseResult, Project, Resolved, Source
from planner.store.base import Store
from planner.store.rows import GraphBatch, LoadedSource
from planner.store.statements import Statement, parse_depends_on, parse_stated_by
from tests.conftest import comp, sbom
from tests.store.contract_org import LOG4J, write_lib_app_org


@pytest.fixture(params=["embedded", "neo4j"])
def any_store(request, data_dir: Path) -> Iterator[Store]:
    """Each backend, emptied before the test."""
    if request.param == "neo4j":
        if not os.environ.get("NEO4J_URI"):
            pytest.skip("NEO4J_URI is not set: no live Neo4j to test against (docker compose up)")
        from planner.store.neo4j_store import Neo4jStore

        s: Store = Neo4jStore.from_env()
    else:
        from planner.store.embedded import EmbeddedStore

        s = EmbeddedStore(data_dir)
    s.reset()
    s.ensure_schema()
    try:
        yield s
    finally:
        s.close()


def counts(store: Store) -> dict:
    return store.stats()


def test_ingest_is_idempotent(any_store: Store, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, ["pkg:npm/left-pad@1.3.0"])
    first = ingest(any_store, [tmp_path])
    assert first.loaded == 2 and not first.errors
    before = counts(any_store)
    assert before["nodes"]["Project"] == 2 and before["nodes"]["Repo"] == 2
    again = ingest(any_store, [tmp_path], force=True)
    assert again.loaded == 2
    assert counts(any_store) == before
    unchanged = ingest(any_store, [tmp_path])
    assert unchanged.unchanged == 2 and unchanged.loaded == 0
    assert counts(any_store) == before


def test_dropping_a_dependency_removes_its_edge_and_orphans(any_store: Store, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, ["pkg:npm/left-pad@1.3.0"])
    ingest(any_store, [tmp_path])
    assert any_store.query("get_package", {"key": "pkg:npm/left-pad"})
    write_lib_app_org(tmp_path, [])
    report = ingest(any_store, [tmp_path])
    assert report.loaded == 1 and report.unchanged == 1
    assert not any_store.query("get_package", {"key": "pkg:npm/left-pad"})
    rows = any_store.run("MATCH (:Project)-[r:RESOLVES]->(v:Version) RETURN v.key AS v ORDER BY v")
    assert [r["v"] for r in rows] == [
        "pkg:maven/com.acme/lib@1.0.0",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    ]


def test_removed_file_is_pruned(any_store: Store, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, [])
    ingest(any_store, [tmp_path])
    (tmp_path / "app-repo" / "bom.json").unlink()
    report = ingest(any_store, [tmp_path])
    assert report.pruned == 1
    names = [r["name"] for r in any_store.run("MATCH (p:Project) RETURN p.name AS name")]
    assert names == ["com.acme:lib"]


def test_removed_file_is_pruned_though_the_linker_linked_its_project(any_store: Store, tmp_path: Path) -> None:
    """Derived edges (an owner from CODEOWNERS, a first-party resolution) do not keep a project alive."""
    write_lib_app_org(tmp_path, [])
    (tmp_path / "app-repo" / ".git").mkdir()  # a repository of its own, whose CODEOWNERS applies
    (tmp_path / "app-repo" / "CODEOWNERS").write_text("* @acme/app-team\n")
    report = ingest(any_store, [tmp_path])
    assert report.links["resolves_from"] == 1 and report.links["project_owners"] == 1
    (tmp_path / "app-repo" / "bom.json").unlink()
    report = ingest(any_store, [tmp_path])
    assert report.pruned == 1
    names = [r["name"] for r in any_store.run("MATCH (p:Project) RETURN p.name AS name")]
    assert names == ["com.acme:lib"]
    assert report.links["resolves_from"] == 0 and report.links["project_owners"] == 0


def test_an_unchanged_reingest_derives_first_party_links_a_store_lacks(any_store: Store, tmp_path: Path) -> None:
    """A store written before RESOLVES_FROM existed: the next ingest, though nothing changed, derives it."""
    write_lib_app_org(tmp_path, [])
    ingest(any_store, [tmp_path])
    edges = "MATCH (c:Project)-[f:RESOLVES_FROM]->(l:Project) RETURN c.name AS c, l.name AS l, f.package AS p"
    assert any_store.run(edges) == [{"c": "com.acme:app", "l": "com.acme:lib", "p": "pkg:maven/com.acme/lib"}]
    any_store.run("MATCH ()-[f:RESOLVES_FROM]->() DELETE f", write=True)
    report = ingest(any_store, [tmp_path])
    assert report.loaded == 0 and report.links == {"resolves_from": 1}
    assert any_store.run(edges) == [{"c": "com.acme:app", "l": "com.acme:lib", "p": "pkg:maven/com.acme/lib"}]
    assert ingest(any_store, [tmp_path]).links == {}  # present: nothing to do


def test_dependents_crosses_repos_through_published_packages(any_store: Store, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, [])
    ingest(any_store, [tmp_path])
    result = find_dependents(any_store, LOG4J)
    assert [d.name for d in result.dependents] == ["com.acme:lib", "com.acme:app"]
    lib, app = result.dependents
    assert lib.relation == "resolves" and lib.direct and lib.versions == ["2.14.1"]
    assert app.relation == "via-library" and not app.direct
    assert [h.key for h in app.path] == [
        "app-repo/.#pkg:maven/com.acme/app",
        "pkg:maven/com.acme/lib@1.0.0",
        "lib-repo/lib#pkg:maven/com.acme/lib",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    ]
    only_direct = find_dependents(any_store, LOG4J, max_projects=1)
    assert [d.name for d in only_direct.dependents] == ["com.acme:lib"]


def test_failed_load_leaves_the_previous_state(any_store: Store) -> None:
    src = Source("r", "bom.json", "bom.json")
    project = Project("r/.#pkg:npm/app", "app", "npm", "r", ".", "bom.json", "pkg:npm/app@1.0.0")
    good = ParseResult([project, Resolved(project.key, "pkg:npm/a@1.0.0", depth=1)])
    batch = GraphBatch()
    batch.add(LoadedSource(src, "sha-1", "test", good), "now")
    any_store.load(batch, "run-1")
    before = counts(any_store)

    bad = ParseResult([project, Resolved(project.key, "pkg:npm/b@1.0.0", depth=1)])
    batch = GraphBatch()
    batch.add(LoadedSource(src, "sha-2", "test", bad), "now")
    # a nested map is not a legal property value: the statement fails in its last section,
    # after it already deleted the source's old edges and created new ones
    batch.edges["affects"].append({"src": "x", "dst": "y", "source": src.key, "props": {"nested": {"a": 1}}})
    batch.nodes["Advisory"]["x"] = {"bad": {"nested": {"map": 1}}}
    with pytest.raises(QueryError):
        any_store.load(batch, "run-2")
    assert counts(any_store) == before
    rows = any_store.run("MATCH (:Project)-[:RESOLVES]->(v) RETURN v.key AS v")
    assert [r["v"] for r in rows] == ["pkg:npm/a@1.0.0"]
    (sha,) = any_store.query("list_source_digests", {"keys": [src.key]})
    assert sha["sha256"] == "sha-1"


def test_reads_are_read_only(any_store: Store) -> None:
    with pytest.raises(QueryError, match="--write"):
        any_store.run("CREATE (:Repo {key: 'x'})")
    any_store.run("CREATE (:Repo {key: 'x'})", write=True)
    assert any_store.run("MATCH (r:Repo) RETURN r.key AS key") == [{"key": "x"}]


def test_parameters_are_never_spliced(any_store: Store, tmp_path: Path) -> None:
    write_lib_app_org(tmp_path, [])
    ingest(any_store, [tmp_path])
    hostile = "x'}) DETACH DELETE n //"
    assert any_store.query("get_package", {"key": hostile}) == []
    assert counts(any_store)["nodes"]["Project"] == 2


def test_schema_is_idempotent(any_store: Store, tmp_path: Path) -> None:
    """Ensuring the schema again raises nothing and leaves the loaded graph as it was."""
    write_lib_app_org(tmp_path, [])
    ingest(any_store, [tmp_path])
    before = counts(any_store)
    assert before["nodes"]["Project"] == 2
    any_store.ensure_schema()
    any_store.ensure_schema()
    assert counts(any_store) == before


def test_workspace_link_to_a_project_loaded_later_and_constraints(any_store: Store) -> None:
    from planner.model import Constrains, Declared, ProjectDependency

    app = Project("mono/apps/web#pkg:npm/web", "web", "npm", "mono", "apps/web", "apps/web/package.json")
    core_key = "mono/packages/core#pkg:npm/%40m/core"
    first = ParseResult(
        [
            app,
            ProjectDependency(app.key, core_key, spec="workspace:^"),
            Constrains(app.key, "pkg:npm/lodash", "4.17.21", "npm-override"),
        ]
    )
    batch = GraphBatch()
    batch.add(LoadedSource(Source("mono", "apps/web/package.json", "web"), "a", "t", first), "now")
    any_store.load(batch, "run-1")
    core = Project(core_key, "@m/core", "npm", "mono", "packages/core", "packages/core/package.json")
    second = ParseResult([core, Declared(core.key, LOG4J, "2.14.1")])
    batch = GraphBatch()
    batch.add(LoadedSource(Source("mono", "packages/core/package.json", "core"), "b", "t", second), "now")
    any_store.load(batch, "run-2")
    result = find_dependents(any_store, LOG4J)
    assert [(d.name, d.relation, d.depth) for d in result.dependents] == [
        ("@m/core", "declares", 1),
        ("web", "via-library", 2),
    ]
    rows = any_store.run(
        "MATCH (:Project)-[c:CONSTRAINS]->(p:Package) RETURN p.key AS p, c.mechanism AS m, c.range AS r"
    )
    assert rows == [{"p": "pkg:npm/lodash", "m": "npm-override", "r": "4.17.21"}]


# -- DEPENDS_ON: one edge per (version, package) pair, listing the sources that state it ----------------

DATABIND = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2"
CORE = "pkg:maven/com.fasterxml.jackson.core/jackson-core"


def write_service_sbom(root: Path, repo: str, core_scope: str | None) -> Path:
    """A Spring service's committed cyclonedx-maven-plugin output (bom.json at the root): the app needs
    jackson-databind, which needs jackson-core (marked optional in one build, required in the other)."""
    app = f"pkg:maven/com.acme/{repo}@1.0.0"
    doc = sbom(
        comp(app, type="application"),
        [comp(DATABIND, scope="required"), comp(f"{CORE}@2.15.2", scope=core_scope)],
        [{"ref": app, "dependsOn": [DATABIND]}, {"ref": DATABIND, "dependsOn": [f"{CORE}@2.15.2"]}],
    )
    path = root / repo / "bom.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


def pair_statements(store: Store, sources: list[str]) -> list[tuple[str, str | None, str | None]]:
    """(source, resolved, scope) of every statement of the databind -> jackson-core pair by ``sources``, as
    the edge keeps them; the sources' own entries (what an SBOM reads) must say the same."""
    edge = store.run(
        "MATCH (:Version {key: $v})-[d:DEPENDS_ON]->(:Package {key: $p}) RETURN d.stated_by AS s",
        {"v": DATABIND, "p": CORE},
    )
    on_edge = sorted(
        (st.source, st.resolved, st.scope) for r in edge for st in parse_stated_by(r["s"]) if st.source in sources
    )
    rows = store.query("list_sbom_dependencies", {"sources": sources})
    in_files = sorted(
        (r["source"], st.resolved, st.scope)
        for r in rows
        for v, p, st in parse_depends_on(r["depends_on"])
        if (v, p) == (DATABIND, CORE)
    )
    assert on_edge == in_files
    return on_edge


ORDERS, BILLING = "orders-service:bom.json", "billing-service:bom.json"


def test_two_sboms_stating_a_pair_make_one_edge_with_both_sources(any_store: Store, tmp_path: Path) -> None:
    write_service_sbom(tmp_path, "orders-service", "optional")
    write_service_sbom(tmp_path, "billing-service", "required")
    ingest(any_store, [tmp_path / "orders-service", tmp_path / "billing-service"])
    # the apps' own needs are resolutions (RESOLVES depth 1); databind -> core is one pair, stated twice
    assert any_store.stats()["relationships"]["DEPENDS_ON"] == 1
    assert pair_statements(any_store, [ORDERS, BILLING]) == [
        (BILLING, "2.15.2", "runtime"),
        (ORDERS, "2.15.2", "optional"),
    ]
    assert pair_statements(any_store, [ORDERS]) == [(ORDERS, "2.15.2", "optional")]


def test_pruning_sources_of_a_shared_pair(any_store: Store, tmp_path: Path) -> None:
    orders = write_service_sbom(tmp_path, "orders-service", "optional")
    billing = write_service_sbom(tmp_path, "billing-service", "required")
    ingest(any_store, [tmp_path / "orders-service", tmp_path / "billing-service"])
    orders.unlink()
    assert ingest(any_store, [tmp_path / "orders-service"]).pruned == 1
    assert any_store.stats()["relationships"]["DEPENDS_ON"] == 1
    assert pair_statements(any_store, [ORDERS, BILLING]) == [(BILLING, "2.15.2", "runtime")]
    billing.unlink()
    assert ingest(any_store, [tmp_path / "billing-service"]).pruned == 1
    assert "DEPENDS_ON" not in any_store.stats()["relationships"]
    assert not any_store.query("get_package", {"key": CORE})


def test_a_source_that_stops_stating_a_pair_leaves_the_others(any_store: Store, tmp_path: Path) -> None:
    write_service_sbom(tmp_path, "orders-service", "optional")
    write_service_sbom(tmp_path, "billing-service", "required")
    ingest(any_store, [tmp_path])
    app = "pkg:maven/com.acme/orders-service@1.0.0"
    doc = sbom(comp(app, type="application"), [comp(DATABIND)], [{"ref": app, "dependsOn": [DATABIND]}])
    (tmp_path / "orders-service" / "bom.json").write_text(json.dumps(doc))
    assert ingest(any_store, [tmp_path]).loaded == 1
    assert pair_statements(any_store, [ORDERS, BILLING]) == [(BILLING, "2.15.2", "runtime")]
    assert any_store.stats()["relationships"]["DEPENDS_ON"] == 1


def test_reingesting_gives_the_identical_graph_of_pairs(any_store: Store, tmp_path: Path) -> None:
    for repo, scope in (("orders-service", "optional"), ("billing-service", "required"), ("ledger", None)):
        write_service_sbom(tmp_path, repo, scope)

    def edges() -> list[dict]:
        return any_store.run(
            "MATCH (v:Version)-[d:DEPENDS_ON]->(p:Package) "
            "RETURN v.key AS v, p.key AS p, d.stated_by AS s ORDER BY v, p"
        )

    ingest(any_store, [tmp_path])
    before, stats = edges(), any_store.stats()
    shared = [e for e in before if e["p"] == CORE]
    assert [(e["v"], parse_stated_by(e["s"])) for e in shared] == [
        (
            DATABIND,
            [
                Statement(BILLING, None, "2.15.2", "runtime"),
                Statement("ledger:bom.json", None, "2.15.2", "runtime"),
                Statement(ORDERS, None, "2.15.2", "optional"),
            ],
        )
    ]
    assert ingest(any_store, [tmp_path], force=True).loaded == 3
    assert edges() == before and any_store.stats() == stats


def test_a_file_cut_from_the_middle_of_a_load_leaves_the_statements_around_it(any_store: Store, tmp_path: Path) -> None:
    for repo, scope in (("orders-service", "optional"), ("billing-service", "required"), ("ledger", None)):
        write_service_sbom(tmp_path, repo, scope)
    ingest(any_store, [tmp_path])  # one load: the pair's one string holds billing, ledger, orders in that order
    app = "pkg:maven/com.acme/ledger@1.0.0"
    doc = sbom(comp(app, type="application"), [comp(DATABIND)], [{"ref": app, "dependsOn": [DATABIND]}])
    (tmp_path / "ledger" / "bom.json").write_text(json.dumps(doc))
    assert ingest(any_store, [tmp_path]).loaded == 1
    (edge,) = any_store.run(
        "MATCH (:Version {key: $v})-[d:DEPENDS_ON]->(:Package {key: $p}) RETURN d.stated_by AS s",
        {"v": DATABIND, "p": CORE},
    )
    assert [parse_stated_by(s) for s in edge["s"]] == [
        [Statement(BILLING, None, "2.15.2", "runtime"), Statement(ORDERS, None, "2.15.2", "optional")]
    ]
