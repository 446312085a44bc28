"""PlanNode: the typed hand-off from the exposure report to the planner, as graph node attributes."""

from __future__ import annotations

import dataclasses

import networkx as nx
import pytest

from planner.plan_node import PlanNode
from planner.policy import Policy
from planner.waves import Target, build_plan

SERVICE = PlanNode(
    name="billing",
    repo="billing",
    kind="service",
    ecosystem="maven",
    exposure="transitive",
    deployments=(("billing", "prod"),),
    owners=("@acme/billing",),
    vulnerable_version="2.14.1",
    edit_location="pom.xml:12",
    edit_kind="property",
    property="log4j2.version",
)


def test_attrs_are_the_graph_contract() -> None:
    assert SERVICE.attrs() == {
        "name": "billing",
        "repo": "billing",
        "kind": "service",
        "ecosystem": "maven",
        "exposure": "transitive",
        "deployments": [("billing", "prod")],
        "owners": ["@acme/billing"],
        "image_traceable": True,
        "vulnerable_version": "2.14.1",
        "edit_location": "pom.xml:12",
        "edit_kind": "property",
        "property": "log4j2.version",
        "build_tool": None,
        "version_from": None,
        "publishes": None,
        "direct": False,
        "called": False,
        "path": None,
        "build_unit": None,
        "build_root": None,
    }


def test_it_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SERVICE.name = "other"  # type: ignore[misc]


def test_the_planner_reads_a_plan_node_property_edit() -> None:
    g = nx.DiGraph()
    g.add_node("billing", **dataclasses.replace(SERVICE, exposure="direct").attrs())
    plan = build_plan(g, Target("pkg:maven/org.apache.logging.log4j/log4j-core", "2.17.1"), Policy())
    edit = plan.step("edit:billing")
    assert (edit.mechanism, edit.change) == ("property", "<log4j2.version>2.17.1</log4j2.version>")


def test_attrs_match_asdict_with_every_field_set() -> None:
    """attrs() reads the fields itself; it answers as dataclasses.asdict (its former body) did."""
    node = dataclasses.replace(
        SERVICE,
        deployments=(("billing", "prod"), ("billing", "staging")),
        owners=("@acme/billing", "@acme/sre"),
        image_traceable=False,
        build_tool="maven",
        version_from="acme-parent/pom.xml:9",
        publishes="pkg:maven/acme/billing",
        direct=True,
        called=True,
        path="billing",
        build_unit="billing/.#pkg:maven/acme/billing",
        build_root=".",
    )
    expected = dataclasses.asdict(node)
    expected["deployments"] = [("billing", "prod"), ("billing", "staging")]
    expected["owners"] = ["@acme/billing", "@acme/sre"]
    assert node.attrs() == expected
    assert list(node.attrs()) == [f.name for f in dataclasses.fields(PlanNode)]
