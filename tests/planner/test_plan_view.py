"""Renderings of a plan: stable JSON schema, runbook, graphs; byte-identical for the same input."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import networkx as nx
import pytest

from planner.policy import Policy, load_policy, parse_policy
from planner.render import plan_view
from planner.waves import SCHEMA, build_plan
from tests.planner.plan_fixtures import FIXTURES, load_org


@pytest.fixture
def plan():
    g, target = load_org()
    return build_plan(g, target, load_policy(FIXTURES / "cleanup.depwave.yaml"))


def test_json_schema(plan):
    doc = json.loads(plan_view.to_json(plan))
    assert doc["schema"] == SCHEMA == "depwave.plan/1"
    assert list(doc) == [
        "schema",
        "target",
        "policy",
        "services_fixed",  # the headline: time to remediate, then the makespan
        "makespan",
        "lower_bound",
        "ratio",
        "baseline",
        "saved_hours",
        "cleanup_finish",
        "critical_path",
        "strategies",
        "cycles",
        "excluded",
        "decisions",
        "waves",
        "steps",
        "inventory_gaps",  # added within depwave.plan/1: third-party images nothing traces
    ]
    assert doc["makespan"] == 3.75 and doc["lower_bound"] == 3.75 and doc["ratio"] == 1
    assert doc["baseline"] == {
        "makespan": 6.5,
        "rounds": 4,
        "round_finish": [1.25, 3.75, 5, 6.5],
        "services_fixed": 6.5,  # svc waits for the last round
    }
    assert doc["saved_hours"] == 2.75
    assert doc["services_fixed"] == 1.5  # svc overrides: edit, build, staging, prod = 0.5 + 0.5 + 0.25 + 0.25
    assert doc["cleanup_finish"] == 5.25
    assert doc["cycles"] == [["cyc-a", "cyc-b"]]
    assert [d["step"] for d in doc["decisions"]] == ["decide:legacy:image", "decide:mystery:unresolved"]
    step = next(s for s in doc["steps"] if s["id"] == "edit:lib0")
    assert step == {
        "id": "edit:lib0",
        "label": "edit r-lib0/lib0",
        "kind": "edit",
        "phase": "fix",
        "project": "lib0",
        "members": ["lib0"],
        "name": "com.acme:lib0",
        "repo": "r-lib0",
        "repos": ["r-lib0"],
        "ecosystem": "maven",
        "strategy": "direct",
        "service": None,
        "environment": None,
        "mechanism": "property",
        "change": "<log4j2.version>2.17.1</log4j2.version>",
        "location": "pom.xml:14",
        "owners": ["@acme/core"],
        "verify": None,
        "reason": None,
        "ci": False,
        "wave": 1,
        "duration": 0.5,
        "start": 0,
        "finish": 0.5,
        "depends_on": [],
        "edits": [
            {
                "project": "lib0",
                "repo": "r-lib0",
                "strategy": "direct",
                "mechanism": "property",
                "location": "pom.xml:14",
                "from": "2.14.1",
                "to": "2.17.1",
                "property": "log4j2.version",
                "tool": "maven",
                "providers": [],
            }
        ],
    }
    assert doc["waves"][0]["wave"] == 1
    assert sum(len(w["steps"]) for w in doc["waves"]) == len(doc["steps"])
    assert "start_at" not in step  # no timestamps unless the policy gives a start


def test_absolute_times_when_the_policy_has_a_start():
    g, target = load_org(only={"lib0"})
    plan = build_plan(g, target, parse_policy({"start": "2024-01-08T09:00:00+00:00"}))
    doc = json.loads(plan_view.to_json(plan))
    build = next(s for s in doc["steps"] if s["id"] == "build:lib0")
    assert build["start_at"] == "2024-01-08T09:30:00+00:00"
    assert build["finish_at"] == "2024-01-08T10:00:00+00:00"
    assert "2024-01-08T09:30:00+00:00" in plan_view.markdown(plan)


def test_markdown_runbook(plan):
    md = plan_view.markdown(plan)
    assert md.startswith("# Runbook: pkg:maven/org.apache.logging.log4j/log4j-core → 2.17.1\n")
    assert "## Wave 1" in md and "## Wave 13" in md
    assert "## Decisions needed" in md
    assert "`<log4j2.version>2.17.1</log4j2.version>`" in md
    assert "pom.xml:14" in md
    assert "`mvn dependency:tree -Dincludes=org.apache.logging.log4j:log4j-core`" in md
    assert "clean-up: edit" in md
    assert "@acme/payments" in md


def test_graphs(plan):
    mm = plan_view.mermaid(plan)
    assert mm.startswith("flowchart LR\n")
    assert mm.count("-->") == sum(len(s.depends_on) for s in plan.steps)
    dot = plan_view.dot(plan)
    assert dot.startswith("digraph plan {") and dot.rstrip().endswith("}")
    assert '"publish:lib1" -> "edit:lib2";' in dot
    assert dot.count(" -> ") == sum(len(s.depends_on) for s in plan.steps)


def test_text_summary(plan):
    out = plan_view.text(plan)
    assert "makespan 3.75 h (lower bound 3.75 h, ratio 1)" in out
    assert "frontier baseline 6.5 h in 4 rounds; saved 2.75 h" in out
    assert "cycle fixed together: cyc-a ↔ cyc-b" in out
    assert "clean-up phase: 7 steps after the fix, done at 5.25 h" in out


def test_one_frontier_round_is_one_round(plan):
    one = replace(plan, baseline=replace(plan.baseline, rounds=1))
    assert "in 1 round; saved" in plan_view.text(one)
    assert "in 1 round (saved" in plan_view.markdown(one)


def test_deferred_libraries_render_as_the_clean_up_phase():
    g, target = load_org()
    plan = build_plan(g, target, parse_policy({"defer_libraries": True}))
    out = plan_view.text(plan)
    assert "makespan 1.5 h" in out and "clean-up phase: 12 steps after the fix, done at 5.25 h" in out
    md = plan_view.markdown(plan)
    assert "- Clean-up phase: 12 steps after the fix, done at 5.25 h" in md
    assert "| [ ] | clean-up: edit r-lib0/lib0 (property) | com.acme:lib0 (r-lib0) |" in md  # a label, not the id
    doc = json.loads(plan_view.render(plan, "json"))
    assert doc["policy"]["defer_libraries"] is True
    assert {s["id"] for s in doc["steps"] if s["phase"] == "cleanup"} == {
        s.id for s in plan.steps if s.id.startswith("cleanup:")
    }


def test_deterministic_whatever_the_insertion_order():
    g, target = load_org()
    nodes = list(g.nodes(data=True))
    edges = list(g.edges(data=True))
    outputs = set()
    for seed in range(5):
        rnd = random.Random(seed)
        rnd.shuffle(nodes)
        rnd.shuffle(edges)
        h = nx.DiGraph()
        h.add_nodes_from(nodes)
        h.add_edges_from(edges)
        p = build_plan(h, target, Policy())
        outputs.add("".join(plan_view.render(p, f) for f in plan_view.FORMATS))
    assert len(outputs) == 1


def test_unknown_format(plan):
    with pytest.raises(ValueError, match="unknown plan format"):
        plan_view.render(plan, "xml")


def test_empty_plan_renders():
    plan = build_plan(nx.DiGraph(), load_org()[1], Policy())
    for fmt in plan_view.FORMATS:
        assert plan_view.render(plan, fmt)
    assert json.loads(plan_view.to_json(plan))["steps"] == []


def test_cell_width_of_a_line_is_rich_cell_len() -> None:
    """plan_view._cells counts per distinct character what rich.cells.cell_len (its former measure) counts."""
    from rich.cells import cell_len

    from planner.render.plan_view import _cells

    for cp in range(0x3000):  # every character alone: controls, Latin, combining marks, arrows, dashes, CJK
        ch = chr(cp)
        assert _cells(ch) == cell_len(ch), hex(cp)
    lines = [
        "",
        "  0–1.5 h       edit acme-logging/logging-core  (@acme/platform)",
        "                  acme/pom.xml:12  log4j-core 2.14.1 → 2.17.1",
        "name with\x1b[31m escape\tand tab",
        "日本語のサービス → 2.17.1",
        "e\u0301te\u0301 combining",
        "family 👨\u200d👩\u200d👧 and ❤\ufe0f hearts",
        "x" * 600 + " → " + "é" * 10,  # longer than rich's cache limit
    ]
    for line in lines:
        assert _cells(line) == cell_len(line), line
