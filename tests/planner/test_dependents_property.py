"""Property: `dependents` over the store equals reverse reachability in a networkx oracle."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.dependents import find_dependents
from planner.ingest import ingest
from tests.conftest import comp, sbom

THIRD_PARTY = [f"pkg:npm/tp{i}@1.0.{v}" for i in range(4) for v in range(2)]


@st.composite
def orgs(draw):
    """Projects p0..pn; each publishes pkg:npm/lib<i>; each resolves some libs and third-party versions."""
    n = draw(st.integers(min_value=1, max_value=7))
    projects = []
    for i in range(n):
        libs = draw(st.lists(st.integers(0, n - 1).filter(lambda j, i=i: j != i), max_size=3, unique=True))
        tps = draw(st.lists(st.sampled_from(THIRD_PARTY), max_size=3, unique=True))
        # metadata edges between the project's own components: (from index, to index)
        comps = [f"pkg:npm/lib{j}@1.0.0" for j in libs] + tps
        meta = draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=4))
        projects.append((i, comps, [(a, b) for a, b in meta if a < len(comps) and b < len(comps) and a != b]))
    target = draw(st.sampled_from(["pkg:npm/tp0", "pkg:npm/tp1", "pkg:npm/lib0", "pkg:npm/tp3@1.0.1"]))
    return projects, target


def write(root: Path, projects) -> None:
    for i, comps, meta in projects:
        d = root / f"repo{i}"
        d.mkdir(parents=True)
        me = f"pkg:npm/lib{i}@1.0.0"
        deps = [{"ref": me, "dependsOn": comps}]
        for a, b in meta:
            deps.append({"ref": comps[a], "dependsOn": [comps[b]]})
        (d / "bom.json").write_text(json.dumps(sbom(comp(me), [comp(c) for c in comps], deps)))


def oracle(projects, target: str) -> set[str]:
    """Reverse reachability with the documented edge semantics, computed independently."""
    g = nx.DiGraph()
    for i, comps, meta in projects:
        proj = f"project:{i}"
        g.add_edge(f"pkg:npm/lib{i}", proj)  # PUBLISHED_BY
        for c in comps:
            g.add_edge(proj, c)  # RESOLVES
            g.add_edge(c, c.split("@")[0])  # VERSION_OF
        for a, b in meta:
            g.add_edge(comps[a], comps[b].split("@")[0])  # DEPENDS_ON
    if target not in g:
        return set()
    return {f"lib{n.split(':')[1]}" for n in nx.ancestors(g, target) if n.startswith("project:")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(org=orgs())
def test_dependents_match_reverse_reachability(store, org) -> None:
    projects, target = org
    store.reset()
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp), projects)
        report = ingest(store, [Path(tmp)])
        assert not report.errors
        result = find_dependents(store, target)
    got = {d.name for d in result.dependents}
    assert got == oracle(projects, target)
    for d in result.dependents:  # every path starts at the project and ends at the target
        assert d.path[0].key == d.project
        assert d.path[-1].key.startswith(target.split("@")[0])
