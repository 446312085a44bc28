"""The small hand-drawn organisations of tests/fixtures/plan (org.yaml and its policies) as planner graphs."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import yaml

from planner.waves import Target

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plan"


def load_org(name: str = "org.yaml", only: set[str] | None = None) -> tuple[nx.DiGraph, Target]:
    """The fixture's graph (optionally restricted to some projects) and target."""
    data = yaml.safe_load((FIXTURES / name).read_text())
    g = nx.DiGraph()
    for key, attrs in data["nodes"].items():
        if only is None or key in only:
            attrs = dict(attrs)
            attrs["deployments"] = [tuple(d) for d in attrs.get("deployments", [])]
            g.add_node(key, **attrs)
    for consumer, provider, attrs in data["edges"]:
        if consumer in g and provider in g:
            g.add_edge(consumer, provider, **attrs)
    return g, Target(data["target"]["package"], str(data["target"]["fixed_version"]))
