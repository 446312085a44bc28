"""What `depwave plan` asks the store, on examples/: each project's details once (decoration's rows are
reused), and the directories above the projects looked up by (repo, path)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from planner import exposure, plan_input
from planner.ingest import ingest
from planner.planning import PlanRequest, make_plan
from planner.policy import Policy
from tests.conftest import EXAMPLES

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core"


class CountingStore:
    """The store, counting the catalog queries asked of it."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.asked: list[str] = []

    def query(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.asked.append(name)
        return self.store.query(name, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.fixture()
def examples(store):
    ingest(store, [EXAMPLES])
    return store


def test_projects_in_dirs_by_repo_and_path(examples) -> None:
    places = [
        {"repo": "acme-logging", "path": "."},
        {"repo": "acme-logging", "path": "logging-api"},
        {"repo": "acme-logging", "path": "missing"},
        {"repo": "storefront", "path": "."},
        {"repo": "nowhere", "path": "."},
    ]
    rows = examples.query("list_projects_in_dirs", {"places": places})
    assert [(r["key"], r["repo"], r["path"], r["ecosystem"]) for r in rows] == [
        ("acme-logging/.#pkg:maven/com.acme.logging/acme-logging-parent", "acme-logging", ".", "maven"),
        ("acme-logging/logging-api#pkg:maven/com.acme.logging/logging-api", "acme-logging", "logging-api", "maven"),
        ("storefront/.#pkg:npm/%40acme/storefront", "storefront", ".", "npm"),
    ]
    # the former query's condition (repo + '/' + path among the 'repo/dir' strings), over every project
    dirs = {f"{p['repo']}/{p['path']}" for p in places}
    everyone = examples.query("list_project_places")
    assert [r["key"] for r in rows] == [r["key"] for r in everyone if f"{r['repo']}/{r['path']}" in dirs]


def test_a_plan_reads_each_projects_details_once(examples) -> None:
    counting = CountingStore(examples)
    result = make_plan(counting, PlanRequest(package=LOG4J, fixed="2.17.1"), Policy(), lambda a: [])
    assert result.plan.steps
    assert counting.asked.count("get_projects") == 1
    assert counting.asked.count("list_projects_in_dirs") == 1


def test_the_plan_graph_is_the_same_without_decorations_rows(examples) -> None:
    """Decoration's get_projects rows, reused, give the graph that asking the store again gave."""
    report = exposure.assess(examples, exposure.affected_from_spec(f"{LOG4J}@<2.17.1"))
    assert report.project_rows
    reused = plan_input.plan_graph(examples, report)
    report.project_rows = {}
    asked = plan_input.plan_graph(examples, report)
    assert nx.utils.graphs_equal(reused, asked)
    assert sorted(reused.nodes(data=True)) == sorted(asked.nodes(data=True))
    assert any(d.get("build_root") for _, d in reused.nodes(data=True))
